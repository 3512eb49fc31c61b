"""The kimp-hedge bot in the bots file, like any other bot:

    [bots.xrp_kimp]
    strategy = "kimp_hedge"
    exchange = "upbit"             # the spot leg; the short is on Binance USDⓈ-M
    symbols = ["XRP/KRW"]          # one hedge per coin at a time
    stake = 1000000                # size of the spot leg, KRW
    [bots.xrp_kimp.params]
    basis = "usdt"                 # usdt | fx: which premium the bands read
    entry_pct = 0.5                # enter when the premium is at or below
    exit_pct = 2.5                 # exit when it is at or above
    max_mismatch = 0.0             # allowed |spot qty - futures qty|, coins
    short_leverage = 1
    max_hold_hours = 72            # exit after this long whatever the premium (0: never)
    allow_reverse = false          # for holders: sell Upbit / long Binance when the premium is high
    reverse_entry_pct = 6.0
    reverse_exit_pct = 3.0

`KimpHedge` is registered as a strategy so the bot manager stores, starts, stops, pauses and
lists it like the others; it never signals on candles: `strategies.hedge.runner` decides on the
premium.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar, Protocol

from pydantic import Field, model_validator

from core.market import Candle
from core.signals import Signal
from core.symbols import Symbol, Venue
from core.text import Text
from strategies.base import Strategy, StrategyParams
from strategies.problems import problem

HEDGE_STRATEGY = "kimp_hedge"


class Basis(StrEnum):
    USDT = "usdt"  # against Upbit's own KRW-USDT: what the two legs actually capture
    FX = "fx"  # against USD/KRW (the "김프" people quote)


class BotDefinition(Protocol):
    """What is read of a `strategies.botconfig.BotDefinition` (which imports the registry,
    which lists this strategy: a protocol, not an import, keeps that from being a cycle)."""

    @property
    def name(self) -> str: ...
    @property
    def exchange(self) -> Venue: ...
    @property
    def symbols(self) -> tuple[Symbol, ...]: ...
    @property
    def params(self) -> dict[str, Any]: ...
    @property
    def stake(self) -> float | None: ...
    @property
    def leverage(self) -> int: ...
    @property
    def stop_loss_pct(self) -> float | None: ...
    @property
    def take_profit_pct(self) -> float | None: ...


class KimpHedgeParams(StrategyParams):
    basis: Basis = Field(Basis.USDT, description="usdt | fx: the premium the bands read")
    entry_pct: float = Field(description="enter (buy Upbit, short Binance) at or below, %")
    exit_pct: float = Field(description="exit at or above, %")
    max_mismatch: float = Field(0.0, ge=0, description="allowed legs mismatch, coins")
    short_leverage: int = Field(1, ge=1, le=20, description="leverage of the Binance short")
    max_hold_hours: float = Field(0.0, ge=0, description="exit after this long (0: never)")
    allow_reverse: bool = Field(False, description="sell Upbit / long Binance when high")
    reverse_entry_pct: float | None = Field(None, description="reverse entry at or above, %")
    reverse_exit_pct: float | None = Field(None, description="reverse exit at or below, %")

    @model_validator(mode="after")
    def _bands(self) -> KimpHedgeParams:
        if self.exit_pct <= self.entry_pct:
            raise problem("hedge_exit_band", exit=f"{self.exit_pct:g}", entry=f"{self.entry_pct:g}")
        if self.allow_reverse:
            hi, lo = self.reverse_entry_pct, self.reverse_exit_pct
            if hi is None or lo is None:
                raise problem("hedge_reverse_bands")
            if lo >= hi:
                raise problem("hedge_reverse_band", exit=f"{lo:g}", entry=f"{hi:g}")
        return self


class KimpHedge(Strategy):
    """The bots file's `kimp_hedge`: a bot the manager keeps like the others; it has no candle
    logic (the hedge runner reads the premium)."""

    name: ClassVar[str] = HEDGE_STRATEGY
    Params: ClassVar[type[StrategyParams]] = KimpHedgeParams
    description: ClassVar[str] = "kimp hedge: Upbit spot against a Binance USDⓈ-M short"

    def on_candle(self, candle: Candle, position: int) -> Signal | None:
        return None

    @staticmethod
    def definition_problems(d: BotDefinition, max_leverage: int) -> list[Text]:
        """What the bots file entry gets wrong beyond its parameters (one text each)."""
        out = []
        if d.exchange is not Venue.UPBIT:
            out.append(problem("hedge_exchange").text)
        if d.stake is None:
            out.append(problem("hedge_stake").text)
        if d.leverage != 1:
            out.append(problem("hedge_leverage").text)
        lev = d.params.get("short_leverage", 1)
        if isinstance(lev, int) and lev > max_leverage:
            out.append(problem("hedge_short_cap", lev=lev, max=max_leverage).text)
        if d.stop_loss_pct is not None or d.take_profit_pct is not None:
            out.append(problem("hedge_brackets").text)
        return out


@dataclass(frozen=True, slots=True)
class HedgeConfig:
    """One hedge bot, as the policy, the runner and the replay read it."""

    bot: str
    coins: tuple[str, ...]
    size_krw: Decimal
    basis: Basis
    entry_pct: float
    exit_pct: float
    max_mismatch: Decimal = Decimal("0")
    leverage: int = 1
    max_hold_s: float = 0.0  # 0: no limit
    allow_reverse: bool = False
    reverse_entry_pct: float = float("inf")
    reverse_exit_pct: float = float("-inf")

    @classmethod
    def of(cls, d: BotDefinition) -> HedgeConfig:
        p = KimpHedgeParams.model_validate(d.params)
        return cls(
            bot=d.name,
            coins=tuple(s.base for s in d.symbols),
            size_krw=Decimal(repr(d.stake or 0)),
            basis=p.basis,
            entry_pct=p.entry_pct,
            exit_pct=p.exit_pct,
            max_mismatch=Decimal(repr(p.max_mismatch)),
            leverage=p.short_leverage,
            max_hold_s=p.max_hold_hours * 3600.0,
            allow_reverse=p.allow_reverse,
            reverse_entry_pct=(
                p.reverse_entry_pct if p.reverse_entry_pct is not None else float("inf")
            ),
            reverse_exit_pct=(
                p.reverse_exit_pct if p.reverse_exit_pct is not None else float("-inf")
            ),
        )
