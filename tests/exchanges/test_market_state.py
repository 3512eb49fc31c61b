"""`market_state` on the quotation wire's ticker (Upbit's and Bithumb's, shared parser): carried
on the typed `Ticker` as `TradingState`.

Both real frames (tests/data/real/upbit/ws_ticker.json, tests/data/real/bithumb/ws_ticker.json)
carry `"market_state":"ACTIVE"`; no real frame of a PREVIEW or DELISTED market was found in the
stored corpora, so those cases are the real Upbit frame with the one field changed to the
documented values (PREVIEW: 입금지원 only, ACTIVE, DELISTED)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from core.market import Ticker, TradingState
from exchanges.base import BadInput, MarketEvent
from exchanges.bithumb.parse import BithumbDecoder
from exchanges.upbit.parse import UpbitDecoder

REAL = Path(__file__).parent.parent / "data" / "real"


def decode(frame: bytes, bithumb: bool = False) -> Ticker:
    out: list[MarketEvent] = []
    bad = BadInput("state-test")
    decoder = BithumbDecoder(bad, out.append) if bithumb else UpbitDecoder(bad, out.append)
    decoder.decode(frame, 1.0)
    assert bad.total == 0
    (event,) = out
    assert isinstance(event, Ticker)
    return event


def test_real_frames_of_both_venues_carry_active() -> None:
    assert decode((REAL / "upbit" / "ws_ticker.json").read_bytes()).state is TradingState.ACTIVE
    bithumb = (REAL / "bithumb" / "ws_ticker.json").read_bytes()
    assert decode(bithumb, bithumb=True).state is TradingState.ACTIVE


@pytest.mark.parametrize(
    ("value", "state"),
    [
        ("PREVIEW", TradingState.PREVIEW),
        ("DELISTED", TradingState.DELISTED),
        ("SOMETHING_NEW", None),  # a value we do not know reads as "not said", never a crash
        (None, None),
        (["PREVIEW"], None),
    ],
)
def test_each_documented_state_and_odd_values(value: object, state: TradingState | None) -> None:
    msg = orjson.loads((REAL / "upbit" / "ws_ticker.json").read_bytes())
    msg["market_state"] = value
    assert decode(orjson.dumps(msg)).state is state


def test_a_frame_without_the_field_says_nothing() -> None:
    msg = orjson.loads((REAL / "upbit" / "ws_ticker.json").read_bytes())
    del msg["market_state"]
    assert decode(orjson.dumps(msg)).state is None
