"""The kimp-hedge decision: a premium reading, what the bot holds and its bands -> enter, exit or
hold, with the reason as a catalog `Text`. Pure: the live runner and the replay call this same
function, so a replay of a recorded series decides exactly what the bot would have.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from core.hedge import HedgeDirection
from core.premium import fx_kimp, usdt_kimp
from core.text import Text
from strategies.hedge.config import Basis, HedgeConfig


class HedgeAction(StrEnum):
    HOLD = "hold"
    ENTER = "enter"
    EXIT = "exit"


@dataclass(frozen=True, slots=True)
class PremiumReading:
    """One coin's legs at one moment; `ts` in epoch seconds (the newest leg's receive time)."""

    coin: str
    ts: float
    upbit_krw: float
    binance_usdt: float
    usdt_krw: float
    usd_krw: float | None = None

    def premium(self, basis: Basis) -> float | None:
        if basis is Basis.FX:
            return (
                None
                if self.usd_krw is None
                else fx_kimp(self.upbit_krw, self.binance_usdt, self.usd_krw)
            )
        return usdt_kimp(self.upbit_krw, self.binance_usdt, self.usdt_krw)


@dataclass(frozen=True, slots=True)
class OpenHedge:
    """A hedge the bot holds (rebuilt from `HedgeGateway.open_hedges` after a restart)."""

    hedge_id: str
    coin: str
    direction: HedgeDirection
    opened_ts: float
    qty: Decimal


@dataclass(frozen=True, slots=True)
class Verdict:
    action: HedgeAction
    direction: HedgeDirection | None = None  # of the entry, or of the hedge an exit closes
    reason: Text | None = None  # None: a plain hold, nothing to record
    refused: bool = False  # the bands say act, a gate (pause, stale data, warning) says no


HOLD = Verdict(HedgeAction.HOLD)


def _pct(value: float) -> str:
    return f"{value:+.2f}"


def decide(
    cfg: HedgeConfig,
    premium: float | None,
    now: float,
    held: OpenHedge | None,
    paused: bool = False,
    stale: Text | None = None,
    flagged: Text | None = None,
) -> Verdict:
    """What to do with one coin now.

    `stale` (the data is too old to act on, `core.freshness`) refuses every premium decision;
    `flagged` (the venue warns about the market) and `paused` refuse new entries only: a held
    hedge is still exited on its band or its holding time.
    """
    basis = cfg.basis.value
    if held is not None:
        if cfg.max_hold_s > 0 and now - held.opened_ts >= cfg.max_hold_s:
            # Time does not need a price: the gateway prices the exit itself.
            hours = f"{cfg.max_hold_s / 3600:g}"
            return Verdict(
                HedgeAction.EXIT, held.direction, Text.of("hedge.exit_time", hours=hours)
            )
        if premium is None:
            return HOLD
        forward = held.direction is HedgeDirection.FORWARD
        hit = premium >= cfg.exit_pct if forward else premium <= cfg.reverse_exit_pct
        if not hit:
            return HOLD
        band = cfg.exit_pct if forward else cfg.reverse_exit_pct
        why = Text.of("hedge.exit_band", basis=basis, premium=_pct(premium), band=_pct(band))
        if stale is not None:
            return Verdict(HedgeAction.EXIT, held.direction, stale, refused=True)
        return Verdict(HedgeAction.EXIT, held.direction, why)
    if premium is None:
        return HOLD
    if premium <= cfg.entry_pct:
        direction, band = HedgeDirection.FORWARD, cfg.entry_pct
    elif cfg.allow_reverse and premium >= cfg.reverse_entry_pct:
        direction, band = HedgeDirection.REVERSE, cfg.reverse_entry_pct
    else:
        return HOLD
    why = Text.of(
        f"hedge.enter_{direction.value}", basis=basis, premium=_pct(premium), band=_pct(band)
    )
    gate = stale or flagged or (Text.of("hedge.paused") if paused else None)
    if gate is not None:
        return Verdict(HedgeAction.ENTER, direction, gate, refused=True)
    return Verdict(HedgeAction.ENTER, direction, why)
