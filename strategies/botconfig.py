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
from core.text import Text
from strategies.base import StrategyParams
from strategies.problems import from_pydantic, in_bot, problem
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
    """The bots file cannot be used. `texts`: one catalog `Text` per problem (the app words
    them in the reader's language, `text()`); the message reads them as log lines do."""

    def __init__(self, problems: list[Text], source: str = "bots.toml") -> None:
        self.texts = problems
        self.source = source
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source} has {len(problems)} problem(s):\n{lines}")

    @property
    def problems(self) -> list[str]:
        return [str(p) for p in self.texts]

    def text(self) -> Text:
        """The whole verdict as one `Text`: the file, how many problems, each of them."""
        return Text.of("bots.problems", source=self.source, n=len(self.texts),
                       problems=tuple(self.texts))  # fmt: skip


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
            raise problem("name")
        return value

    @field_validator("symbols", mode="before")
    @classmethod
    def _symbols(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not value:
            raise problem("symbols_empty")
        out = []
        for item in value:
            if isinstance(item, Symbol):
                out.append(item)
            elif isinstance(item, str):
                try:
                    out.append(Symbol.parse(item))
                except ValueError:
                    raise problem("not_symbol", item=item) from None
            else:
                raise problem("not_symbol", item=repr(item))
        return tuple(out)

    @field_validator("timeframe")
    @classmethod
    def _timeframe(cls, value: str) -> str:
        try:
            timeframe_ms(value)
        except ValueError:
            raise problem("timeframe", tf=value) from None
        return value

    @model_validator(mode="after")
    def _cross(self) -> BotDefinition:
        if (self.stake is None) == (self.stake_pct is None):
            raise problem("stake")
        if len(set(self.symbols)) != len(self.symbols):
            raise problem("symbol_twice")
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


def validate_bot(
    name: str,
    raw: Mapping[str, Any],
    registry: StrategyRegistry,
    max_leverage: int,
    catalog: Mapping[Venue, Collection[Symbol]] | None = None,
) -> tuple[BotDefinition | None, list[Text]]:
    """Validate one bot; returns the definition (or None) and its problems."""
    if not isinstance(raw, Mapping):
        return None, [in_bot(name, Text.of("bots.problem.not_table"))]
    try:
        d = BotDefinition.model_validate({**raw, "name": name})
    except ValidationError as exc:
        return None, [in_bot(name, t) for t in from_pydantic(exc)]
    problems: list[Text] = []
    cls = registry.get(d.strategy)
    if cls is None:
        problems.append(
            problem("strategy", name=d.strategy, known=", ".join(registry.names())).text
        )
    else:
        try:
            params: StrategyParams = cls.Params.model_validate(d.params)
        except ValidationError as exc:
            problems += from_pydantic(exc, parameter=True)
        else:
            if params.allow_short and d.exchange is not Venue.BINANCE_FUTURES:
                problems.append(problem("short_spot").text)
    for sym in d.symbols:
        known = catalog.get(d.exchange) if catalog is not None else None
        if known is not None and sym not in known:
            problems.append(problem("symbol", symbol=str(sym), venue=d.exchange).text)
        elif known is None and sym.quote not in VENUE_QUOTES[d.exchange]:
            quotes = "/".join(VENUE_QUOTES[d.exchange])
            problems.append(
                problem("symbol_quote", symbol=str(sym), venue=d.exchange, quotes=quotes).text
            )
    # A bot type with rules of its own beyond its parameters (kimp_hedge) checks the rest.
    check = getattr(cls, "definition_problems", None)
    if check is not None:
        problems += check(d, max_leverage)
    else:
        if d.leverage > 1 and d.exchange is not Venue.BINANCE_FUTURES:
            problems.append(problem("leverage_spot", lev=d.leverage).text)
        if d.leverage > max_leverage:
            problems.append(problem("leverage_cap", lev=d.leverage, max=max_leverage).text)
    problems = [in_bot(name, p) for p in problems]
    return (None if problems else d), problems


def parse_bots(
    text: str,
    registry: StrategyRegistry,
    max_leverage: int,
    catalog: Mapping[Venue, Collection[Symbol]] | None = None,
    source: str = "bots.toml",
) -> list[BotDefinition]:
    """Parse and validate every bot; raises BotConfigError listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BotConfigError([problem("toml", detail=str(exc)).text], source) from None
    unknown = sorted(set(data) - {"bots"})
    problems = [problem("top_key", name=k).text for k in unknown]
    bots = data.get("bots", {})
    if not isinstance(bots, dict):
        raise BotConfigError([problem("bots_tables").text], source)
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
        why = problem("unreadable", detail=exc.strerror or type(exc).__name__).text
        raise BotConfigError([why], str(path)) from None
    return parse_bots(text, registry, max_leverage, catalog, source=str(path))
