"""Upbit's `delisting_date` (거래지원 종료일) on the WebSocket ticker, through the decoder.

The real frame (tests/data/real/upbit/ws_ticker.json) carries `"delisting_date":null`; no real
frame with a date was found in the stored corpora, so the dated case is that frame with the one
field set (Upbit documents the field as a Date; its text form is read by its first 10 chars)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from core.market import Ticker
from exchanges.base import BadInput, MarketEvent
from exchanges.upbit.parse import UpbitDecoder, delisting_day

REAL = Path(__file__).parent.parent / "data" / "real" / "upbit" / "ws_ticker.json"


def decode(frame: bytes) -> Ticker:
    out: list[MarketEvent] = []
    bad = BadInput("upbit-test")
    UpbitDecoder(bad, out.append).decode(frame, 1.0)
    assert bad.total == 0
    (event,) = out
    assert isinstance(event, Ticker)
    return event


def test_real_ticker_without_a_delisting_date() -> None:
    t = decode(REAL.read_bytes())
    assert t.delisting is None and t.last == 36929.0


@pytest.mark.parametrize(
    ("value", "day"),
    [("2026-12-20", "2026-12-20"), ("2026-12-20T00:00:00", "2026-12-20")],
)
def test_ticker_with_a_delisting_date(value: str, day: str) -> None:
    msg = orjson.loads(REAL.read_bytes())
    msg["delisting_date"] = value
    assert decode(orjson.dumps(msg)).delisting == day


@pytest.mark.parametrize("value", ["soon", "2026-13-45", 20261220, {"y": 2026}, ""])
def test_unreadable_delisting_date_is_ignored_not_a_crash(value: object) -> None:
    assert delisting_day(value) is None
    msg = orjson.loads(REAL.read_bytes())
    msg["delisting_date"] = value
    assert decode(orjson.dumps(msg)).delisting is None
