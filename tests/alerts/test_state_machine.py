from dataclasses import replace

from alerts.alert_state import AlertState
from alerts.config import AlertConfig
from alerts.events import EventKind, Reading, Zone
from alerts.state_machine import AlertEngine
from bot.i18n import render

CFG = AlertConfig(
    min_duration=30, cooldown=600, rearm_margin_pct=0.5, jump_pct=1.5, jump_window=300
)
NJ = replace(CFG, jump_pct=25.0)  # zone tests: no jump alerts in the way


def _run(
    engine: AlertEngine,
    values: list[float | None],
    start: float = 0.0,
    step: float = 10.0,
    key: str = "coin:BTC",
    suspended: str | None = None,
):  # type: ignore[no-untyped-def]
    events = []
    t = start
    for v in values:
        events += engine.step(Reading(key, key.split(":")[-1], v, suspended), t)
        t += step
    return events, t


def kinds(events) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return [(e.kind.value, e.level) for e in events]


def test_high_alert_once_then_escalation_then_back_to_normal() -> None:
    e = AlertEngine(NJ)
    evs, t = _run(e, [1.0, 3.1, 3.2, 3.3, 3.2, 3.4, 3.5, 3.3])
    assert kinds(evs) == [("enter", 0)]  # once, after 30 s above
    assert evs[0].zone is Zone.HIGH and evs[0].threshold == 3.0 and evs[0].value == 3.2
    evs, t = _run(e, [4.1, 4.2, 4.1, 4.3, 4.2], start=t)
    assert kinds(evs) == [("escalate", 1)] and evs[0].threshold == 4.0
    evs, t = _run(e, [3.0, 2.6, 2.5, 2.4], start=t)  # hysteresis: normal only at <= 2.5
    assert kinds(evs) == [("normal", 1)] and evs[0].value == 2.5
    # Straight back above: the cooldown (600 s since the first alert) holds it back...
    evs, t = _run(e, [3.5] * 60, start=t)
    assert kinds(evs) == [("enter", 0)]
    assert evs[0].ts >= 40 + 600  # the first alert was at t=40 (dwell from t=10)
    assert evs[0].episode == 2


def test_spike_shorter_than_min_duration_is_ignored() -> None:
    e = AlertEngine(NJ)
    evs, _ = _run(e, [1.0, 3.5, 3.6, 2.0, 3.5, 1.0, 1.0])
    assert evs == []


def test_reverse_premium_mirror() -> None:
    e = AlertEngine(NJ)
    evs, t = _run(e, [0.0, -2.1, -2.2, -2.1, -2.3])
    assert kinds(evs) == [("enter", 0)] and evs[0].zone is Zone.LOW and evs[0].threshold == -2.0
    evs, t = _run(e, [-3.2, -3.1, -3.3, -3.4], start=t)
    assert kinds(evs) == [("escalate", 1)] and evs[0].threshold == -3.0
    evs, t = _run(e, [-1.6, -1.5], start=t)
    assert kinds(evs) == [("normal", 1)]


def test_entering_far_beyond_counts_the_steps_already_passed() -> None:
    e = AlertEngine(NJ)
    evs, t = _run(e, [5.2] * 5)
    assert kinds(evs) == [("enter", 2)]
    evs, _ = _run(e, [5.9] * 5, start=t)
    assert evs == []


def test_jump_alert_once_per_move() -> None:
    e = AlertEngine(CFG)
    evs, t = _run(e, [0.5, 0.6, 0.7, 2.3, 2.3, 2.4], step=20)
    assert kinds(evs) == [("jump", 0)] and render("en", evs[0].detail).startswith(
        "up 1.80pp in 60s"
    )
    evs, t = _run(e, [2.4, 0.8], start=t, step=20)
    assert [x.kind for x in evs] == [EventKind.JUMP] and render("en", evs[0].detail).startswith(
        "down 1.60pp"
    )
    # A slow drift of the same size over longer than the window is not a jump.
    evs, _ = _run(e, [0.8 + 0.1 * i for i in range(20)], start=t, step=60)
    assert evs == []


def test_suspension_says_why_and_holds_alerts_until_resumed() -> None:
    e = AlertEngine(NJ)
    evs, t = _run(e, [1.0, 1.0])
    evs, t = _run(e, [3.5, 3.5, 3.5, 3.5], start=t, suspended="Upbit: no market data for 40s")
    assert kinds(evs) == [("suspended", 0)] and evs[0].detail == "Upbit: no market data for 40s"
    evs, t = _run(e, [3.5], start=t)
    assert kinds(evs) == [("resumed", 0)]  # dwell starts again after the resume
    evs, t = _run(e, [3.5, 3.5, 3.5], start=t)
    assert kinds(evs) == [("enter", 0)]


def test_never_live_key_is_suspended_silently() -> None:
    e = AlertEngine(CFG)
    evs, _ = _run(e, [None, None])
    assert evs == []
    assert render("en", e.states["coin:BTC"].suspended) == "no premium available"


def test_implausible_premium_is_flagged_not_alerted() -> None:
    e = AlertEngine(CFG)
    evs, t = _run(e, [1.0, 45.0, 45.0, 45.0, 45.0, 45.0])
    assert kinds(evs) == [("implausible", 0)]
    assert e.states["coin:BTC"].flagged and e.states["coin:BTC"].zone is Zone.NORMAL
    evs, _ = _run(e, [1.0, 1.0], start=t)
    assert evs == [] and not e.states["coin:BTC"].flagged


def test_state_round_trips_through_json() -> None:
    st = AlertState(
        zone=Zone.HIGH, level=2, episode=3, last_enter={"high": 5.0}, pending="escalate"
    )
    st.jmin.append((1.0, 2.0))
    back = AlertState.load(st.dump())
    assert (back.zone, back.level, back.episode, back.last_enter, back.pending) == (
        Zone.HIGH, 2, 3, {"high": 5.0}, "escalate",
    )  # fmt: skip
    assert not back.jmin


def test_config_rejects_nonsense() -> None:
    e = AlertEngine(CFG)
    import pytest

    with pytest.raises(ValueError, match="low threshold must be below"):
        e.update_config(low_pct=5.0)
    with pytest.raises(ValueError, match="implausible"):
        e.update_config(implausible_pct=2.0)
    assert e.update_config(high_pct=4.0).high_pct == 4.0
