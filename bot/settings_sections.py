"""Typed, frozen views of the flat settings, one per component area (`settings.kimp`, ...).

The environment stays flat (every variable keeps its name); a section's field is named exactly
as its flat setting, so `settings.kimp.kimp_high_pct` is `KIMP_HIGH_PCT`. A component is handed
its section instead of the whole settings object. Each flat setting belongs to exactly one
section (tests/bot/test_settings.py checks it), so a new setting cannot be forgotten here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time as dtime
from enum import StrEnum
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import SecretStr


class TradingMode(StrEnum):
    PAPER = "paper"
    LIVE = "live"


class NotifyLevel(StrEnum):
    ON = "on"
    SILENT = "silent"
    OFF = "off"


@dataclass(frozen=True, slots=True)
class CoreSettings:
    trading_mode: TradingMode
    timezone: str
    language: str
    shutdown_timeout: float

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def live(self) -> bool:
        return self.trading_mode is TradingMode.LIVE


@dataclass(frozen=True, slots=True)
class StorageSettings:
    db_path: Path


@dataclass(frozen=True, slots=True)
class LoggingSettings:
    log_dir: Path
    log_level: str
    log_retention_days: int


@dataclass(frozen=True, slots=True)
class TelegramSettings:
    telegram_bot_token: SecretStr | None
    telegram_chat_id: int | None
    telegram_allowed_users: tuple[int, ...]
    telegram_api_url: str
    daily_report_time: dtime


@dataclass(frozen=True, slots=True)
class ExchangeSettings:
    upbit_access_key: SecretStr | None
    upbit_secret_key: SecretStr | None
    upbit_rest_url: str
    upbit_ws_url: str
    binance_api_key: SecretStr | None
    binance_api_secret: SecretStr | None
    binance_rest_url: str
    binance_ws_url: str
    binance_ws_api_url: str
    binance_futures_rest_url: str
    binance_futures_ws_url: str
    bithumb_enabled: bool
    bithumb_access_key: SecretStr | None
    bithumb_secret_key: SecretStr | None
    bithumb_rest_url: str
    bithumb_ws_url: str
    bithumb_private_ws_url: str


@dataclass(frozen=True, slots=True)
class MarketDataSettings:
    stale_after: float
    stream_max_lag: float
    no_data_alert_after: float
    max_data_age: float
    universe_refresh: float


@dataclass(frozen=True, slots=True)
class RiskSettings:
    """Paper trading and the risk limits of the order path."""

    paper_balance_krw: float
    paper_balance_usdt: float
    paper_slippage_bps: float
    max_leverage: int
    default_leverage: int
    max_position_pct: float
    max_open_positions: int
    max_order_krw: float
    daily_loss_limit_pct: float
    bracket_failure_policy: Literal["replace_then_close", "replace_then_alert", "close"]
    bracket_triggering_timeout: float
    hedge_failure_policy: Literal["unwind", "alert"]
    hedge_default_leverage: int


@dataclass(frozen=True, slots=True)
class StrategySettings:
    bots_file: Path
    strategies_dir: Path
    upbit_warnings_block_entries: bool
    upbit_delisting_blocks_entries: bool


@dataclass(frozen=True, slots=True)
class KimpSettings:
    """The kimchi-premium monitor: FX source, alert levels, history, wallet gate."""

    fx_sources: tuple[str, ...]
    fx_dunamu_url: str
    fx_yahoo_url: str
    fx_rate_url: str
    fx_refresh: float
    fx_stale_after: float
    fx_disagree_pct: float
    kimp_high_pct: float
    kimp_low_pct: float
    kimp_rearm_margin_pct: float
    kimp_min_duration: float
    kimp_cooldown: float
    kimp_escalation_step_pct: float
    kimp_jump_pct: float
    kimp_jump_window: float
    kimp_implausible_pct: float
    kimp_denylist: tuple[str, ...]
    kimp_exec_size_krw: float
    kimp_min_volume_krw: float
    kimp_history_days: int
    kimp_one_venue_listings: Literal["krw", "all", "none"]
    kimp_alert_basis: Literal["usdt", "fx"]
    tether_high_pct: float
    tether_low_pct: float
    kimp_wallet_refresh: float
    upbit_warnings_refresh: float
    kimp_krw_venue: Literal["upbit", "bithumb"]
    kimp_spread_high_pct: float
    kimp_spread_low_pct: float
    kimp_spread_alert_basis: Literal["net", "raw"]


@dataclass(frozen=True, slots=True)
class NotifySettings:
    notify_levels: Mapping[str, NotifyLevel]  # NotificationKind value -> level


@dataclass(frozen=True, slots=True)
class OpsSettings:
    """Running for months (bot/ops): retention, the quiet-hour upkeep, backups, the heartbeat."""

    candle_retention_days: int
    decision_retention_days: int
    notification_retention_days: int
    inbox_retention_days: int
    maintenance_hour: int
    backup_dir: Path | None  # None: beside the database (`backup_folder`)
    backup_keep: int
    backup_interval_hours: float
    heartbeat_url: SecretStr | None
    heartbeat_interval: float
    heartbeat_stream_grace: float
    alive_file: Path | None


def backup_folder(ops: OpsSettings, db_path: Path) -> Path:
    """BACKUP_DIR, or a "backups" folder beside the database when it is not set."""
    return ops.backup_dir if ops.backup_dir is not None else db_path.parent / "backups"


@dataclass(frozen=True, slots=True)
class WebSettings:
    """The web dashboard and REST API (bot/web): off unless enabled, loopback by default."""

    web_enabled: bool
    web_host: str
    web_port: int
    web_token: SecretStr | None
    web_control_per_minute: int


SECTIONS: dict[str, type] = {
    "core": CoreSettings,
    "storage": StorageSettings,
    "logging": LoggingSettings,
    "telegram": TelegramSettings,
    "exchanges": ExchangeSettings,
    "market_data": MarketDataSettings,
    "risk": RiskSettings,
    "strategies": StrategySettings,
    "kimp": KimpSettings,
    "notify": NotifySettings,
    "ops": OpsSettings,
    "web": WebSettings,
}
