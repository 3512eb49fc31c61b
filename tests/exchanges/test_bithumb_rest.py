"""Bithumb's quotation REST against the simulated Bithumb: the same wire as Upbit's, with
Bithumb's own differences (candle `to` in Korean time without a zone, `isDetails` with a plain
`market_warning`, the automatic alerts of `/v1/market/virtual_asset_warning`)."""

from __future__ import annotations

import aiohttp
import pytest

from core.market_notices import MarketNotice
from core.symbols import Instrument, Symbol, Venue
from exchanges.bithumb.notices import BithumbNotices
from exchanges.bithumb.parse import ms_to_kst_text
from exchanges.bithumb.rest import BithumbRest
from exchanges.bithumb.rest_quotes import BithumbQuotes, parse_bithumb_depth
from exchanges.http import RestClient, RestError
from peers.exchange_sim.server import SimExchange

BTC = Instrument(Venue.BITHUMB, Symbol("BTC", "KRW"))


async def test_candles_end_where_asked_on_the_korean_clock() -> None:
    async with SimExchange(seed=4) as sim, aiohttp.ClientSession() as session:
        rest = BithumbRest(RestClient(session, sim.urls["BITHUMB_REST_URL"], 0.0))
        sim.advance(600)
        now_ms = sim.market.now_ms()
        end = now_ms - now_ms % 60_000 - 120_000  # two minutes back, on a boundary
        got = await rest.candles(BTC, "1m", 5, end_ms=end)
        bars = sim.market.candles("bithumb", "KRW-BTC", 60, end - 1, 5)
        assert [c.open_ts for c in got] == [b.open_ms for b in bars]
        assert got[-1].open_ts == end - 60_000  # the last minute before `to`, not 9 h off
        assert [(c.open, c.high, c.low, c.close) for c in got] == [
            (b.open, b.high, b.low, b.close) for b in bars
        ]


async def test_a_zone_in_candle_to_is_refused_as_bithumb_does() -> None:
    async with SimExchange(seed=4) as sim, aiohttp.ClientSession() as session:
        client = RestClient(session, sim.urls["BITHUMB_REST_URL"], 0.0)
        params: dict[str, str | int] = {"market": "KRW-BTC", "to": "2026-01-01T00:00:00+09:00"}
        with pytest.raises(RestError):
            await client.get("/v1/candles/minutes/1", params)
        assert ms_to_kst_text(1_767_193_200_000) == "2026-01-01T00:00:00"  # 2025-12-31 15:00 UTC


async def test_markets_tickers_and_warnings() -> None:
    async with SimExchange(seed=4) as sim, aiohttp.ClientSession() as session:
        base = sim.urls["BITHUMB_REST_URL"]
        rest = BithumbRest(RestClient(session, base, 0.0))
        listed = await rest.markets()
        assert Symbol("BTC", "KRW") in listed and Symbol("DOT", "KRW") not in listed
        (ticker,) = await rest.tickers([BTC.symbol], 1.0)
        assert ticker.instrument == BTC and ticker.last > 0
        sim.bithumb.rest.set_warning("KRW-XRP")
        sim.bithumb.rest.set_alert("KRW-ETH", "PRICE_DIFFERENCE_HIGH")
        notices = {n.symbol.base: n for n in await BithumbNotices(base, session).fetch()}
        assert notices["XRP"] == MarketNotice(Venue.BITHUMB, Symbol("XRP", "KRW"), True, ())
        eth = MarketNotice(Venue.BITHUMB, Symbol("ETH", "KRW"), False, ("PRICE_DIFFERENCE_HIGH",))
        assert notices["ETH"] == eth
        assert not notices["BTC"].flagged


async def test_listings_books_and_depth_for_the_kimp_views() -> None:
    async with SimExchange(seed=4) as sim, aiohttp.ClientSession() as session:
        quotes = BithumbQuotes(sim.urls["BITHUMB_REST_URL"])
        assert Symbol("ETH", "KRW") in await quotes.markets(session)
        books = [q async for batch in quotes.orderbooks(session, ["KRW-BTC"], lambda: 1.0)
                 for q in batch]  # fmt: skip
        assert [b.instrument for b in books] == [BTC] and books[0].bid < books[0].ask
        url = sim.urls["BITHUMB_REST_URL"] + "/v1/orderbook?markets=KRW-BTC"
        async with session.get(url) as reply:
            (depth,) = parse_bithumb_depth(await reply.json(), 1.0)
        assert depth.instrument == BTC and len(depth.bids) == len(depth.asks) == 30
        assert depth.bids[0][0] < depth.asks[0][0]
