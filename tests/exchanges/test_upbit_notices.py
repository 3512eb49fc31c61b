"""Upbit's warning and caution flags from `/v1/market/all?is_details=true` (real body)."""

from __future__ import annotations

from pathlib import Path

import orjson

from core.market_notices import MarketNotice
from core.symbols import Symbol, Venue
from exchanges.upbit.parse import parse_market_notices

REAL = Path(__file__).parent.parent / "data" / "real" / "upbit"


def test_market_event_flags_from_the_real_market_list() -> None:
    data = orjson.loads((REAL / "rest_market_all.json").read_bytes())
    assert parse_market_notices(data) == [
        MarketNotice(Venue.UPBIT, Symbol("BTC", "KRW"), False, ()),
        MarketNotice(Venue.UPBIT, Symbol("ETH", "KRW"), True, ()),
    ]


def test_caution_flags_set_are_kept_sorted_and_bad_items_skipped() -> None:
    data = [
        {
            "market": "KRW-XRP",
            "market_event": {
                "warning": False,
                "caution": {"PRICE_FLUCTUATIONS": True, "GLOBAL_PRICE_DIFFERENCES": True},
            },
        },
        {"market": "KRW-SOL"},  # asked without is_details
        {"market": "BTC-XRP", "market_event": {"warning": True, "caution": {}}},  # not KRW
        {"market": "KRW-ADA", "market_event": {"warning": "yes"}},
        "garbage",
    ]
    (xrp,) = parse_market_notices(data)
    assert xrp.cautions == ("GLOBAL_PRICE_DIFFERENCES", "PRICE_FLUCTUATIONS") and xrp.flagged
    assert parse_market_notices({"error": "x"}) == []
