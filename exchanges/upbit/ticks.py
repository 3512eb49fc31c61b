"""Upbit tick sizes as the venue publishes them, cached and refreshed.

Since 2025-07-31 Upbit publishes each market's current tick (`GET /v1/orderbook/instruments`,
docs.upbit.com "호가 정책 조회") and refuses an order off that grid with `invalid_price_bid` /
`invalid_price_ask`. Its grid has changed by market and by date (2024-10-14: 16 markets only;
2025-03-21: USDT/USDC only; 2025-07-31: every band), so a hard-coded table goes stale without
warning. The table (`core.rounding`) stays as the fallback, used with a logged warning when
the endpoint cannot be read.

Reply sample (recorded from the live venue, tests/data/real/upbit/instruments_krw_doge.json):
    [{"market":"KRW-DOGE","quote_currency":"KRW","tick_size":"1",
      "supported_levels":["0","1","10","100"]}]
`tick_size` is a string. The tick is the one for the market's price now, so we keep the band
that price was in (`core.rounding.VenueTick`) and ask again every `refresh_s`, or sooner after
the venue refused a price.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict

from loguru import logger

from core.clock import Clock
from core.errors import TradingError
from core.rounding import VenueTick, upbit_krw_band

REFRESH_S = 6 * 3600.0  # ticks change by notice, days ahead; band crossings are caught below
RETRY_S = 60.0  # after a failed read, ask again no sooner than this


class OrderbookInstrument(TypedDict):
    """One item of `GET /v1/orderbook/instruments`, named as Upbit names it."""

    market: str
    quote_currency: str
    tick_size: str
    supported_levels: list[str]


class TickerPrice(TypedDict):
    """The part of a `GET /v1/ticker` item we read."""

    market: str
    trade_price: float


@dataclass(frozen=True, slots=True)
class PublishedTick:
    market: str
    quote: str
    tick: Decimal


def parse_instrument(raw: OrderbookInstrument) -> PublishedTick:
    """One instruments item; ValueError when it carries no usable tick."""
    try:
        tick = Decimal(str(raw["tick_size"]))
        market, quote = str(raw["market"]), str(raw["quote_currency"])
    except (KeyError, TypeError, InvalidOperation) as exc:
        raise ValueError(f"unreadable instrument {raw!r}") from exc
    if not tick.is_finite() or tick <= 0:
        raise ValueError(f"tick_size {raw.get('tick_size')!r} of {raw.get('market')}")
    return PublishedTick(market, quote, tick)


Fetch = Callable[[list[str]], Awaitable[tuple[list[Any], list[Any]]]]


@dataclass(frozen=True, slots=True)
class _Entry:
    tick: VenueTick
    at: float


class TickBook:
    """The venue's tick per market code, read on first use and refreshed every `refresh_s`.

    `fetch(codes)` returns the raw instruments reply and the raw ticker reply for the codes.
    """

    def __init__(self, fetch: Fetch, clock: Clock, refresh_s: float = REFRESH_S) -> None:
        self._fetch = fetch
        self._clock = clock
        self.refresh_s = refresh_s
        self._ticks: dict[str, _Entry] = {}
        self._failed: dict[str, float] = {}  # code -> when the last read failed
        self.fetches = 0

    async def get(self, code: str) -> VenueTick | None:
        """The venue's tick for `code`, or None (the caller uses the table) when unknown."""
        now = self._clock.monotonic()
        entry = self._ticks.get(code)
        if entry is not None and now - entry.at < self.refresh_s:
            return entry.tick
        failed = self._failed.get(code)
        if failed is not None and now - failed < RETRY_S:
            return entry.tick if entry is not None else None
        stale = [c for c, e in self._ticks.items() if now - e.at >= self.refresh_s]
        await self._refresh(sorted({code, *stale}), now)
        entry = self._ticks.get(code)
        return entry.tick if entry is not None else None

    def forget(self, code: str) -> None:
        """The venue refused a price on `code`: read its tick again before the next order."""
        self._ticks.pop(code, None)
        self._failed.pop(code, None)

    async def _refresh(self, codes: list[str], now: float) -> None:
        self.fetches += 1
        try:
            instruments, tickers = await self._fetch(codes)
            prices = _prices(tickers)
            got = {}
            for raw in instruments if isinstance(instruments, list) else []:
                try:
                    pub = parse_instrument(raw)
                except ValueError as exc:
                    logger.warning("Upbit tick sizes: {}", exc)
                    continue
                price = prices.get(pub.market)
                if price is not None:
                    low, high = upbit_krw_band(price)
                    got[pub.market] = _Entry(VenueTick(pub.tick, low, high), now)
        except TradingError as exc:
            self._fail(codes, now, exc.reason)
            return
        self._ticks.update(got)
        missing = [c for c in codes if c not in got]
        if missing:
            self._fail(missing, now, "no tick in the venue's answer")
        for code in got:
            self._failed.pop(code, None)

    def _fail(self, codes: list[str], now: float, why: object) -> None:
        for code in codes:
            self._failed[code] = now
        logger.warning(
            "Upbit tick sizes for {} could not be read ({}); using the built-in KRW tick table",
            ", ".join(codes), why,
        )  # fmt: skip


def _prices(tickers: Any) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for item in tickers if isinstance(tickers, list) else []:
        try:
            t: TickerPrice = item
            price = Decimal(str(t["trade_price"]))
        except (KeyError, TypeError, InvalidOperation):
            continue
        if price.is_finite() and price > 0:
            out[str(t["market"])] = price
    return out
