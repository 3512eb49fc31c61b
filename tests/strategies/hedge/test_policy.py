"""The hedge policy: bands, holding time, and the gates that refuse entries but not exits."""

from __future__ import annotations

from decimal import Decimal

from core.hedge import HedgeDirection
from core.text import Text
from strategies.hedge.policy import HedgeAction, OpenHedge, decide
from tests.strategies.hedge.helpers import config

FWD = OpenHedge("kh.XRP.f.0", "XRP", HedgeDirection.FORWARD, 0.0, Decimal("100"))
REV = OpenHedge("kh.XRP.r.0", "XRP", HedgeDirection.REVERSE, 0.0, Decimal("100"))
STALE = Text.of("reason.data_old", symbol="XRP/KRW", venue="upbit", age="9", max="5")
FLAG = Text.of("reason.market_flagged", symbol="XRP/KRW", flags="warning")


def test_flat_enters_forward_at_or_below_the_entry_band_and_holds_above() -> None:
    cfg = config()
    v = decide(cfg, 0.5, 10.0, None)
    assert (v.action, v.direction, v.refused) == (HedgeAction.ENTER, HedgeDirection.FORWARD, False)
    assert v.reason is not None and v.reason.key == "hedge.enter_forward"
    assert decide(cfg, 0.51, 10.0, None).action is HedgeAction.HOLD
    assert decide(cfg, None, 10.0, None).action is HedgeAction.HOLD


def test_reverse_entry_only_when_allowed() -> None:
    assert decide(config(), 7.0, 0.0, None).action is HedgeAction.HOLD
    cfg = config(allow_reverse=True, reverse_entry_pct=6.0, reverse_exit_pct=3.0)
    v = decide(cfg, 6.0, 0.0, None)
    assert (v.action, v.direction) == (HedgeAction.ENTER, HedgeDirection.REVERSE)
    assert decide(cfg, 3.0, 0.0, REV).action is HedgeAction.EXIT
    assert decide(cfg, 3.1, 0.0, REV).action is HedgeAction.HOLD


def test_held_exits_on_its_band_or_its_holding_time() -> None:
    cfg = config(max_hold_s=3600.0)
    assert decide(cfg, 2.4, 3599.0, FWD).action is HedgeAction.HOLD
    v = decide(cfg, 2.5, 10.0, FWD)
    assert v.action is HedgeAction.EXIT and v.reason is not None
    assert v.reason.key == "hedge.exit_band"
    v = decide(cfg, None, 3600.0, FWD)  # no price needed to leave on time
    assert v.action is HedgeAction.EXIT and v.reason == Text.of("hedge.exit_time", hours="1")


def test_stale_data_refuses_entries_and_band_exits_with_its_reason() -> None:
    v = decide(config(), 0.1, 0.0, None, stale=STALE)
    assert (v.action, v.refused, v.reason) == (HedgeAction.ENTER, True, STALE)
    v = decide(config(), 3.0, 0.0, FWD, stale=STALE)
    assert (v.action, v.refused, v.reason) == (HedgeAction.EXIT, True, STALE)


def test_a_warning_or_a_pause_refuses_entries_only() -> None:
    v = decide(config(), 0.1, 0.0, None, flagged=FLAG)
    assert (v.refused, v.reason) == (True, FLAG)
    v = decide(config(), 0.1, 0.0, None, paused=True)
    assert v.refused and v.reason == Text.of("hedge.paused")
    v = decide(config(), 3.0, 0.0, FWD, paused=True, flagged=FLAG)
    assert (v.action, v.refused) == (HedgeAction.EXIT, False)
