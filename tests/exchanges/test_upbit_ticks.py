"""Upbit's published tick sizes: the real reply through our decoder, the cache, the fallback."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from loguru import logger

from core.clock import ManualClock
from core.errors import Retryable
from core.rounding import Rounding, upbit_rules
from exchanges.upbit.ticks import RETRY_S, TickBook, parse_instrument

REAL = Path(__file__).parent.parent / "data" / "real" / "upbit"


def test_real_instruments_reply_parses() -> None:
    raw = json.loads((REAL / "instruments_krw_doge.json").read_text())
    pub = parse_instrument(raw[0])
    assert (pub.market, pub.quote, pub.tick) == ("KRW-DOGE", "KRW", D("1"))


@pytest.mark.parametrize(
    "raw",
    [
        {"market": "KRW-X", "quote_currency": "KRW", "tick_size": "0"},
        {"market": "KRW-X", "quote_currency": "KRW", "tick_size": "abc"},
        {"market": "KRW-X", "quote_currency": "KRW"},
        {"market": "KRW-X", "quote_currency": "KRW", "tick_size": "NaN"},
    ],
)
def test_unusable_items_are_refused(raw: Any) -> None:
    with pytest.raises(ValueError):
        parse_instrument(raw)


class Venue:
    """The instruments and ticker replies at the seam where the broker reads them."""

    def __init__(self) -> None:
        self.ticks = {"KRW-XRP": "5", "KRW-DOGE": "1"}
        self.prices = {"KRW-XRP": 3220.0, "KRW-DOGE": 125.0}
        self.down = False
        self.calls: list[list[str]] = []

    async def fetch(self, codes: list[str]) -> tuple[list[Any], list[Any]]:
        self.calls.append(codes)
        if self.down:
            raise Retryable("no clear answer from the venue: 503")
        inst = [
            {"market": c, "quote_currency": "KRW", "tick_size": self.ticks[c],
             "supported_levels": ["0"]}
            for c in codes if c in self.ticks
        ]  # fmt: skip
        tick = [{"market": c, "trade_price": self.prices[c]} for c in codes if c in self.prices]
        return inst, tick


async def test_venue_tick_rounds_prices_in_its_band_only() -> None:
    venue = Venue()
    book = TickBook(venue.fetch, ManualClock(), refresh_s=3600)
    rules = upbit_rules("XRP")
    assert rules.round_price(D("3227"), Rounding.DOWN) == D("3227")  # the table: 1 KRW
    rules = replace(rules, venue_tick=await book.get("KRW-XRP"))
    assert rules.round_price(D("3227"), Rounding.DOWN) == D("3225")
    assert not rules.price_ok(D("3227")) and rules.price_ok(D("3225"))
    # outside the table band its price was in (100-5,000 KRW) the venue said nothing
    assert rules.tick_for(D("12000")) == D("10") and rules.tick_for(D("90")) == D("0.01")


async def test_cached_then_refreshed_after_the_interval() -> None:
    venue, clock = Venue(), ManualClock()
    book = TickBook(venue.fetch, clock, refresh_s=3600)
    assert (await book.get("KRW-XRP")) is not None
    assert (await book.get("KRW-XRP")) is not None
    assert len(venue.calls) == 1
    venue.ticks["KRW-XRP"] = "10"
    clock.advance(3601)
    got = await book.get("KRW-XRP")
    assert got is not None and got.tick == D("10") and len(venue.calls) == 2


async def test_endpoint_down_falls_back_to_the_table_with_a_warning() -> None:
    venue, clock = Venue(), ManualClock()
    venue.down = True
    book = TickBook(venue.fetch, clock)
    seen: list[str] = []
    sink = logger.add(lambda m: seen.append(str(m)), level="WARNING")
    try:
        assert await book.get("KRW-XRP") is None
        assert await book.get("KRW-XRP") is None  # not asked again at once
    finally:
        logger.remove(sink)
    assert len(venue.calls) == 1
    assert any("built-in KRW tick table" in line for line in seen)
    venue.down = False
    clock.advance(RETRY_S + 1)
    got = await book.get("KRW-XRP")
    assert got is not None and got.tick == D("5")


async def test_forget_reads_again() -> None:
    venue = Venue()
    book = TickBook(venue.fetch, ManualClock())
    await book.get("KRW-DOGE")
    book.forget("KRW-DOGE")
    await book.get("KRW-DOGE")
    assert len(venue.calls) == 2
