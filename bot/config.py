"""One validated, frozen settings object, loaded from the environment and `.env`.

Every field here is documented in `.env.example` and in the README's settings table. Components get
the settings object (or a part of it) passed in; nothing else reads `os.environ`.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import time as dtime
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.settings_sections import (
    CoreSettings,
    ExchangeSettings,
    KimpSettings,
    LoggingSettings,
    MarketDataSettings,
    NotifyLevel,
    NotifySettings,
    OpsSettings,
    RiskSettings,
    StorageSettings,
    StrategySettings,
    TelegramSettings,
    TradingMode,
    WebSettings,
)

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = ["NotifyLevel", "Settings", "SettingsError", "TradingMode", "load_settings"]


def _check_url(value: str, schemes: tuple[str, ...], name: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        raise ValueError(f"{value!r} is not a {'/'.join(schemes)} URL")
    return value.rstrip("/") if name != "TELEGRAM_API_URL" else value


_HTTP = ("http", "https")
_WS = ("ws", "wss")
_URL_FIELDS = {
    "telegram_api_url": _HTTP,
    "upbit_rest_url": _HTTP,
    "upbit_ws_url": _WS,
    "binance_rest_url": _HTTP,
    "binance_ws_url": _WS,
    "binance_ws_api_url": _WS,
    "binance_futures_rest_url": _HTTP,
    "binance_futures_ws_url": _WS,
    "fx_rate_url": _HTTP,
    "fx_dunamu_url": _HTTP,
    "fx_yahoo_url": _HTTP,
    "bithumb_rest_url": _HTTP,
    "bithumb_ws_url": _WS,
    "bithumb_private_ws_url": _WS,
}


FxSourceName = Literal["dunamu", "yahoo", "ecb"]  # exchanges/fx.py PARSERS
_FX_SOURCES: tuple[FxSourceName, ...] = ("dunamu", "yahoo", "ecb")


def _split_csv(value: Any) -> Any:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, int):
        return [value]
    return value


class Settings(BaseSettings):
    """All settings. Field names are the environment variable names, lower-cased."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        frozen=True,
        extra="ignore",
        case_sensitive=False,
        env_ignore_empty=True,
    )

    # --- core --------------------------------------------------------------------------------
    trading_mode: TradingMode = TradingMode.PAPER
    db_path: Path = Path("data/bot.sqlite3")
    log_dir: Path = Path("data/logs")
    log_level: str = "INFO"
    timezone: str = "Asia/Seoul"
    language: str = "ko"
    shutdown_timeout: float = Field(10.0, gt=0, le=120)

    # --- telegram ------------------------------------------------------------------------------
    telegram_bot_token: SecretStr | None = None
    telegram_chat_id: int | None = None
    telegram_allowed_users: Annotated[list[int], NoDecode] = Field(default_factory=list)
    telegram_api_url: str = "https://api.telegram.org/bot"
    daily_report_time: dtime = dtime(9, 0)

    # --- exchanges -----------------------------------------------------------------------------
    upbit_access_key: SecretStr | None = None
    upbit_secret_key: SecretStr | None = None
    upbit_rest_url: str = "https://api.upbit.com"
    upbit_ws_url: str = "wss://api.upbit.com/websocket/v1"
    binance_api_key: SecretStr | None = None
    binance_api_secret: SecretStr | None = None
    binance_rest_url: str = "https://api.binance.com"
    binance_ws_url: str = "wss://stream.binance.com:9443"
    binance_ws_api_url: str = "wss://ws-api.binance.com:443/ws-api/v3"
    binance_futures_rest_url: str = "https://fapi.binance.com"
    binance_futures_ws_url: str = "wss://fstream.binance.com"
    # Bithumb (second KRW venue, v2 API): off unless enabled, so nothing changes for users who
    # never asked for it.
    bithumb_enabled: bool = False
    bithumb_access_key: SecretStr | None = None
    bithumb_secret_key: SecretStr | None = None
    bithumb_rest_url: str = "https://api.bithumb.com"
    bithumb_ws_url: str = "wss://ws-api.bithumb.com/websocket/v1"
    bithumb_private_ws_url: str = "wss://ws-api.bithumb.com/websocket/v2/private"

    # --- market data ---------------------------------------------------------------------------
    stale_after: float = Field(
        30.0, gt=0, description="seconds of silence before a stream is stale"
    )
    stream_max_lag: float = Field(
        10.0, gt=0, description="seconds behind the venue's event time before a stream is delayed"
    )
    no_data_alert_after: float = Field(120.0, gt=0)
    max_data_age: float = Field(
        5.0,
        gt=0,
        description="seconds old a price may be for a bot to decide or an order at market",
    )
    # Listings and delistings are announced from this refresh: every 2 min (Upbit /v1/market/all
    # is 1 request, Binance exchangeInfo weight 20 of 6000 a minute).
    universe_refresh: float = Field(120.0, gt=0)

    # --- paper trading and risk ----------------------------------------------------------------
    paper_balance_krw: float = Field(10_000_000.0, ge=0)
    paper_balance_usdt: float = Field(10_000.0, ge=0)
    paper_slippage_bps: float = Field(5.0, ge=0, le=500)
    max_leverage: int = Field(20, ge=1, le=125)
    default_leverage: int = Field(10, ge=1, le=125)
    max_position_pct: float = Field(30.0, gt=0, le=100)
    max_open_positions: int = Field(5, ge=1)
    max_order_krw: float = Field(5_000_000.0, gt=0)
    daily_loss_limit_pct: float = Field(5.0, gt=0, le=100)
    bracket_failure_policy: Literal["replace_then_close", "replace_then_alert", "close"] = Field(
        "replace_then_close",
        description="what a futures stop-loss/take-profit the venue rejects, expires or leaves "
        "stuck triggers (after an immediate alert)",
    )
    bracket_triggering_timeout: float = Field(
        30.0, gt=0, description="seconds a triggered stop may go without an order before stuck"
    )
    hedge_failure_policy: Literal["unwind", "alert"] = Field(
        "unwind",
        description="what a two-leg hedge does when one leg fails (the other leg is flattened, or "
        "kept and the user alerted), and how a hedge a crash left one-sided is repaired",
    )
    hedge_default_leverage: int = Field(
        1,
        ge=1,
        le=125,
        description="leverage of a manual hedge's USDⓈ-M leg (/hedge open without lev=N); at "
        "most MAX_LEVERAGE",
    )

    # --- strategies ----------------------------------------------------------------------------
    bots_file: Path = Path("bots.toml")
    strategies_dir: Path = Path("user_strategies")

    # --- kimchi premium ------------------------------------------------------------------------
    # USD/KRW sources, tried in FX_SOURCES order: the first with a fresh rate is used.
    fx_sources: Annotated[list[FxSourceName], NoDecode] = Field(
        default_factory=lambda: list(_FX_SOURCES), min_length=1
    )
    fx_dunamu_url: str = "https://quotation-api-cdn.dunamu.com/v1/forex/recent?codes=FRX.KRWUSD"
    fx_yahoo_url: str = "https://query1.finance.yahoo.com/v8/finance/chart/KRW=X"
    fx_rate_url: str = "https://api.frankfurter.app/latest?from=USD&to=KRW"  # the ECB rate
    fx_refresh: float = Field(300.0, gt=0)
    fx_stale_after: float = Field(3600.0, gt=0)
    fx_disagree_pct: float = Field(0.5, gt=0)
    kimp_high_pct: float = 3.0
    kimp_low_pct: float = -2.0
    kimp_rearm_margin_pct: float = Field(0.5, ge=0)
    kimp_min_duration: float = Field(30.0, ge=0)
    kimp_cooldown: float = Field(600.0, ge=0)
    kimp_escalation_step_pct: float = Field(1.0, gt=0)
    kimp_jump_pct: float = Field(1.5, gt=0)
    kimp_jump_window: float = Field(300.0, gt=0)
    kimp_implausible_pct: float = Field(30.0, gt=0)
    kimp_denylist: Annotated[list[str], NoDecode] = Field(default_factory=list)
    kimp_exec_size_krw: float = Field(1_000_000.0, gt=0)
    kimp_min_volume_krw: float = Field(
        0.0, ge=0, description="coins whose 24 h KRW volume on Upbit is below this never alert"
    )
    kimp_history_days: int = Field(30, ge=0)  # 0 keeps them for ever
    # Which coins newly listed on one venue only are announced: "krw" (on Upbit, the KRW venue:
    # default; Binance lists many coins Upbit never will), "all", or "none". Those not
    # announced are counted in the daily report.
    kimp_one_venue_listings: Literal["krw", "all", "none"] = "krw"
    # Premium alerts (coins, BTC) on the USDT kimp or the FX kimp; the tether premium's own levels.
    kimp_alert_basis: Literal["usdt", "fx"] = "usdt"
    tether_high_pct: float = 2.0
    tether_low_pct: float = -1.0
    kimp_wallet_refresh: float = Field(300.0, gt=0)
    # Several KRW venues: which one /kimp and /kimp net show by default, and the Upbit–Bithumb
    # spread's levels.
    kimp_krw_venue: Literal["upbit", "bithumb"] = "upbit"
    kimp_spread_high_pct: float = 1.0
    kimp_spread_low_pct: float = -1.0
    kimp_spread_alert_basis: Literal["net", "raw"] = "net"
    # Upbit's own warning/caution flags: how often to read them, and whether bots may enter.
    upbit_warnings_refresh: float = Field(60.0, gt=0)
    upbit_warnings_block_entries: bool = True
    # ... and on markets whose end of trading Upbit has scheduled (ticker `delisting_date`).
    upbit_delisting_blocks_entries: bool = True

    # --- notifications -------------------------------------------------------------------------
    notify_levels: Annotated[dict[str, NotifyLevel], NoDecode] = Field(default_factory=dict)

    # --- running for months: retention, upkeep, backups, heartbeat (bot/ops) ------------------
    log_retention_days: int = Field(14, ge=1)
    candle_retention_days: int = Field(30, ge=0)  # 0 keeps them for ever
    decision_retention_days: int = Field(90, ge=0)
    notification_retention_days: int = Field(30, ge=0)
    inbox_retention_days: int = Field(7, ge=0)  # answered Telegram commands (bot/telegram/inbox)
    maintenance_hour: int = Field(4, ge=0, le=23)
    backup_dir: Path | None = None  # None: a "backups" folder beside DB_PATH
    backup_keep: int = Field(7, ge=1, le=365)
    backup_interval_hours: float = Field(24.0, ge=0)  # 0: only /backup and `python -m bot backup`
    # Secret: a healthchecks.io ping URL carries the check's key, so it is never logged or shown.
    heartbeat_url: SecretStr | None = None
    heartbeat_interval: float = Field(60.0, ge=5)
    heartbeat_stream_grace: float = Field(300.0, gt=0)
    alive_file: Path | None = None  # touched by the loop every 30 s: a container healthcheck
    # --- web dashboard and REST API (bot/web) ---------------------------------------------------
    web_enabled: bool = False
    web_host: str = "127.0.0.1"
    web_port: int = Field(8080, ge=0, le=65535)  # 0: any free port (tests)
    web_token: SecretStr | None = None
    web_control_per_minute: int = Field(10, ge=1, le=600)

    @field_validator("telegram_allowed_users", "kimp_denylist", mode="before")
    @classmethod
    def _csv(cls, value: Any) -> Any:
        return _split_csv(value)

    @field_validator("alive_file", "heartbeat_url", "backup_dir", mode="before")
    @classmethod
    def _empty_is_off(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("fx_sources", mode="before")
    @classmethod
    def _fx_sources(cls, value: Any) -> Any:
        value = _split_csv(value)
        names = [str(v).lower() for v in value] if isinstance(value, list) else value
        if isinstance(names, list) and len(set(names)) != len(names):
            raise ValueError("each FX source may be named once")
        return names

    @field_validator("kimp_denylist")
    @classmethod
    def _upper(cls, value: list[str]) -> list[str]:
        return [v.upper() for v in value]

    @field_validator("notify_levels", mode="before")
    @classmethod
    def _levels(cls, value: Any) -> Any:
        # "order_filled=on,kimp_alert=silent"
        if isinstance(value, str):
            out: dict[str, str] = {}
            for item in _split_csv(value):
                key, sep, level = item.partition("=")
                if not sep:
                    raise ValueError(f"{item!r} should look like kind=on|silent|off")
                out[key.strip().lower()] = level.strip().lower()
            return out
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"TRACE", "DEBUG", "INFO", "SUCCESS", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("use one of DEBUG, INFO, WARNING, ERROR")
        return value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name like Asia/Seoul"
            ) from None
        return value

    @field_validator("language")
    @classmethod
    def _lang(cls, value: str) -> str:
        # LANGUAGE is also the system's locale list on many Linux machines ("en_US:en",
        # "ko_KR.UTF-8"): read the first entry's language; any other locale falls back to
        # English rather than stopping start-up. A plain wrong word is still refused.
        value = value.strip()
        if value.lower() in ("ko", "en"):
            return value.lower()
        if re.fullmatch(r"[A-Za-z]{2,3}([_.@:-][\w.@:-]*)?", value) and any(
            c in value for c in "_.:@"
        ):
            return "ko" if value.lower().startswith("ko") else "en"
        raise ValueError("use ko or en")

    @field_validator("telegram_bot_token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value():
            return None
        if value is not None and not re.fullmatch(r"\d+:[\w-]{10,}", value.get_secret_value()):
            # Never echo the value itself: it is a secret.
            raise ValueError("does not look like a bot token (digits:letters, from @BotFather)")
        return value

    @field_validator(*_URL_FIELDS)
    @classmethod
    def _url(cls, value: str, info: Any) -> str:
        return _check_url(value, _URL_FIELDS[info.field_name], info.field_name.upper())

    @model_validator(mode="after")
    def _cross_checks(self) -> Settings:
        problems: list[str] = []
        if self.trading_mode is TradingMode.LIVE:
            has_upbit = self.upbit_access_key is not None and self.upbit_secret_key is not None
            has_binance = self.binance_api_key is not None and self.binance_api_secret is not None
            if not (has_upbit or has_binance):
                problems.append(
                    "TRADING_MODE=live needs exchange keys: set UPBIT_ACCESS_KEY + UPBIT_SECRET_KEY "
                    "and/or BINANCE_API_KEY + BINANCE_API_SECRET, or use TRADING_MODE=paper"
                )
        if self.telegram_bot_token is not None and self.telegram_chat_id is None:
            problems.append(
                "TELEGRAM_BOT_TOKEN is set but TELEGRAM_CHAT_ID is not: set the chat id that may "
                "command the bot (send /start to @userinfobot to learn yours)"
            )
        if self.heartbeat_url is not None and not re.match(
            r"https?://[^/\s]+", self.heartbeat_url.get_secret_value()
        ):
            # Never echo it: the URL carries the check's key.
            problems.append("HEARTBEAT_URL must be an http:// or https:// URL (or empty: off)")
        if self.default_leverage > self.max_leverage:
            problems.append("DEFAULT_LEVERAGE is above MAX_LEVERAGE: lower it or raise the cap")
        if self.hedge_default_leverage > self.max_leverage:
            problems.append(
                "HEDGE_DEFAULT_LEVERAGE is above MAX_LEVERAGE: lower it or raise the cap"
            )
        if self.kimp_low_pct >= self.kimp_high_pct:
            problems.append("KIMP_LOW_PCT must be below KIMP_HIGH_PCT")
        if self.tether_low_pct >= self.tether_high_pct:
            problems.append("TETHER_LOW_PCT must be below TETHER_HIGH_PCT")
        if self.kimp_spread_low_pct >= self.kimp_spread_high_pct:
            problems.append("KIMP_SPREAD_LOW_PCT must be below KIMP_SPREAD_HIGH_PCT")
        if self.kimp_krw_venue == "bithumb" and not self.bithumb_enabled:
            problems.append("KIMP_KRW_VENUE=bithumb needs BITHUMB_ENABLED=true")
        for kind in self.notify_levels:
            from core.notifications import NotificationKind

            if kind not in NotificationKind.__members__.values():
                known = ", ".join(k.value for k in NotificationKind)
                problems.append(f"NOTIFY_LEVELS names unknown event {kind!r}; known: {known}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def live(self) -> bool:
        return self.trading_mode is TradingMode.LIVE

    # --- sections: what each component is handed (bot/settings_sections.py) --------------------
    def _section[T: DataclassInstance](self, cls: type[T]) -> T:
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            value = getattr(self, f.name)
            if isinstance(value, list):
                value = tuple(value)
            elif isinstance(value, dict):
                value = MappingProxyType(dict(value))
            values[f.name] = value
        return cls(**values)

    @property
    def core(self) -> CoreSettings:
        return self._section(CoreSettings)

    @property
    def storage(self) -> StorageSettings:
        return self._section(StorageSettings)

    @property
    def logging(self) -> LoggingSettings:
        return self._section(LoggingSettings)

    @property
    def telegram(self) -> TelegramSettings:
        return self._section(TelegramSettings)

    @property
    def exchanges(self) -> ExchangeSettings:
        return self._section(ExchangeSettings)

    @property
    def market_data(self) -> MarketDataSettings:
        return self._section(MarketDataSettings)

    @property
    def risk(self) -> RiskSettings:
        return self._section(RiskSettings)

    @property
    def strategies(self) -> StrategySettings:
        return self._section(StrategySettings)

    @property
    def kimp(self) -> KimpSettings:
        return self._section(KimpSettings)

    @property
    def notify(self) -> NotifySettings:
        return self._section(NotifySettings)

    @property
    def ops(self) -> OpsSettings:
        return self._section(OpsSettings)

    @property
    def web(self) -> WebSettings:
        return self._section(WebSettings)

    def secrets(self) -> list[str]:
        """Secret values, for the log redaction filter. Never print this."""
        fields = (
            self.telegram_bot_token,
            self.upbit_access_key,
            self.upbit_secret_key,
            self.binance_api_key,
            self.binance_api_secret,
            self.bithumb_access_key,
            self.bithumb_secret_key,
            self.heartbeat_url,
            self.web_token,
        )
        return [f.get_secret_value() for f in fields if f is not None and f.get_secret_value()]

    def redacted(self) -> dict[str, str]:
        """The settings as loaded, for `/settings`; secrets shown only as set/unset."""
        out: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                out[name.upper()] = "***set***"
            elif value is None:
                out[name.upper()] = "(unset)"
            else:
                out[name.upper()] = str(value)
        return out


class SettingsError(Exception):
    """Start-up cannot continue; the message lists every problem and how to fix it."""


def load_settings(env_file: str | Path | None = ".env", **overrides: Any) -> Settings:
    try:
        return Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]).upper() or "settings"
            msg = err["msg"].removeprefix("Value error, ")
            # Pydantic includes the rejected input in some messages; never echo it for secrets.
            lines.append(f"  - {loc}: {msg}" if loc else f"  - {msg}")
        raise SettingsError(
            "The settings are not valid:\n"
            + "\n".join(lines)
            + "\nFix them in your environment or .env (see .env.example), then start again."
        ) from None
