"""Bot definitions from a TOML file, validated at start-up with one clear message per problem.

    [bots.btc_trend]
    strategy = "combined"
    exchange = "upbit"            # upbit | bithumb | binance | binance_futures
    symbols = ["BTC/KRW"]
    timeframe = "1m"
    stake = 100000                # quote currency per position (or stake_pct = 10)
    stop_loss_pct = 2.0
    take_profit_pct = 5.0
    [bots.btc_trend.params]
    max_volatility = 0.05

See `bots.example.toml` at the repository root for every field.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.market import timeframe_ms
from core.symbols import Instrument, Symbol, Venue
from strategies.base import StrategyParams
from strategies.registry import StrategyRegistry

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
# Quote currencies each venue trades against (a quick sanity check when no catalogue is known).
VENUE_QUOTES: dict[Venue, tuple[str, ...]] = {
    Venue.UPBIT: ("KRW",),
    Venue.BITHUMB: ("KRW",),
    Venue.BINANCE_SPOT: ("USDT", "USDC", "FDUSD", "BTC"),
    Venue.BINANCE_FUTURES: ("USDT", "USDC"),
}


class BotConfigError(Exception):
    """The bots file cannot be used; the message has one line per problem."""

    def __init__(self, problems: list[str], source: str = "bots file") -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source} has {len(problems)} problem(s):\n{lines}")


class BotDefinition(BaseModel):
    """One bot: a named strategy instance on one exchange."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    strategy: str
    exchange: Venue
    symbols: tuple[Symbol, ...]
    timeframe: str = "1m"
    params: dict[str, Any] = Field(default_factory=dict)
    stake: float | None = Field(None, gt=0, description="quote amount per position")
    stake_pct: float | None = Field(None, gt=0, le=100, description="% of equity per position")
    leverage: int = Field(1, ge=1)
    stop_loss_pct: float | None = Field(None, gt=0, lt=100)
    take_profit_pct: float | None = Field(None, gt=0, le=1000)
    max_positions: int | None = Field(None, ge=1, description="default: one per symbol")
    autostart: bool = Field(False, description="start the first time the bot is seen")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("use 1-32 letters, digits, _ or -")
        return value

    @field_validator("symbols", mode="before")
    @classmethod
    def _symbols(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not value:
            raise ValueError('give a non-empty list such as ["BTC/KRW"]')
        out = []
        for item in value:
            if isinstance(item, Symbol):
                out.append(item)
            elif isinstance(item, str):
                out.append(Symbol.parse(item))
            else:
                raise ValueError(f"{item!r} is not a symbol")
        return tuple(out)

    @field_validator("timeframe")
    @classmethod
    def _timeframe(cls, value: str) -> str:
        timeframe_ms(value)
        return value

    @model_validator(mode="after")
    def _cross(self) -> BotDefinition:
        if (self.stake is None) == (self.stake_pct is None):
            raise ValueError("set exactly one of stake (an amount) or stake_pct (% of equity)")
        if len(set(self.symbols)) != len(self.symbols):
            raise ValueError("a symbol is listed twice")
        return self

    @property
    def instruments(self) -> tuple[Instrument, ...]:
        return tuple(Instrument(self.exchange, s) for s in self.symbols)

    @property
    def position_limit(self) -> int:
        return self.max_positions or len(self.symbols)

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_json(cls, text: str) -> BotDefinition:
        return cls.model_validate_json(text)


def _fmt_errors(prefix: str, exc: ValidationError, what: str = "") -> list[str]:
    """One line per pydantic error: `bot 'x': [parameter ]field: message`."""
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        if loc:
            out.append(f"{prefix}{what + ' ' if what else ''}{loc}: {msg}")
        else:
            out.append(f"{prefix}{what + 's: ' if what else ''}{msg}")
    return out


def validate_bot(
    name: str,
    raw: Mapping[str, Any],
    registry: StrategyRegistry,
    max_leverage: int,
    catalog: Mapping[Venue, Collection[Symbol]] | None = None,
) -> tuple[BotDefinition | None, list[str]]:
    """Validate one bot; returns the definition (or None) and its problems."""
    where = f"bot '{name}': "
    if not isinstance(raw, Mapping):
        return None, [f"{where}expected a table of settings"]
    try:
        d = BotDefinition.model_validate({**raw, "name": name})
    except ValidationError as exc:
        return None, _fmt_errors(where, exc)
    problems: list[str] = []
    cls = registry.get(d.strategy)
    if cls is None:
        problems.append(
            f"{where}unknown strategy '{d.strategy}'; known: {', '.join(registry.names())}"
        )
    else:
        try:
            params: StrategyParams = cls.Params.model_validate(d.params)
        except ValidationError as exc:
            problems += _fmt_errors(where, exc, "parameter")
        else:
            if params.allow_short and d.exchange is not Venue.BINANCE_FUTURES:
                problems.append(f'{where}allow_short needs exchange = "binance_futures"')
    for sym in d.symbols:
        known = catalog.get(d.exchange) if catalog is not None else None
        if known is not None and sym not in known:
            problems.append(f"{where}unknown symbol {sym} on {d.exchange.label}")
        elif known is None and sym.quote not in VENUE_QUOTES[d.exchange]:
            quotes = "/".join(VENUE_QUOTES[d.exchange])
            problems.append(
                f"{where}unknown symbol {sym} on {d.exchange.label} (quote must be {quotes})"
            )
    # A bot type with rules of its own beyond its parameters (kimp_hedge) checks the rest.
    check = getattr(cls, "definition_problems", None)
    if check is not None:
        problems += [f"{where}{p}" for p in check(d, max_leverage)]
        return (None if problems else d), problems
    if d.leverage > 1 and d.exchange is not Venue.BINANCE_FUTURES:
        problems.append(f'{where}leverage {d.leverage} needs exchange = "binance_futures"')
    if d.leverage > max_leverage:
        problems.append(
            f"{where}leverage {d.leverage} is above the cap MAX_LEVERAGE={max_leverage}"
        )
    return (None if problems else d), problems


def parse_bots(
    text: str,
    registry: StrategyRegistry,
    max_leverage: int,
    catalog: Mapping[Venue, Collection[Symbol]] | None = None,
    source: str = "bots file",
) -> list[BotDefinition]:
    """Parse and validate every bot; raises BotConfigError listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BotConfigError([f"not valid TOML: {exc}"], source) from None
    unknown = sorted(set(data) - {"bots"})
    problems = [f"unknown top-level key '{k}' (bots go under [bots.NAME])" for k in unknown]
    bots = data.get("bots", {})
    if not isinstance(bots, dict):
        raise BotConfigError(["'bots' must be tables: [bots.NAME]"], source)
    out: list[BotDefinition] = []
    for name, raw in bots.items():
        d, errs = validate_bot(name, raw, registry, max_leverage, catalog)
        problems += errs
        if d is not None:
            out.append(d)
    if problems:
        raise BotConfigError(problems, source)
    return out


def load_bots(
    path: Path,
    registry: StrategyRegistry,
    max_leverage: int,
    catalog: Mapping[Venue, Collection[Symbol]] | None = None,
) -> list[BotDefinition]:
    """Bots from `path`; a missing file means no bots."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise BotConfigError([f"cannot read it: {exc.strerror}"], str(path)) from None
    return parse_bots(text, registry, max_leverage, catalog, source=str(path))
