"""Universe refresh on every venue: a market that appears is streamed, one that disappears is
dropped. The simulator cannot list or delist a coin while running, so a small loopback proxy in front of its REST ports hides coins
from the market lists (`/v1/market/all`, `exchangeInfo`) and passes everything else through.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import orjson
import pytest
from aiohttp import ClientSession, web

from core.market import Quote
from core.symbols import Instrument, Symbol, Venue
from exchanges.binance.stream import BinanceStream
from exchanges.manager import MarketDataManager
from exchanges.subscriptions import Need
from exchanges.upbit.stream import UpbitStream
from peers.exchange_sim.server import SimExchange
from tests.exchanges.conftest import Running
from tests.helpers import eventually

LISTINGS = {"/v1/market/all", "/api/v3/exchangeInfo", "/fapi/v1/exchangeInfo"}
VENUES = (Venue.UPBIT, Venue.BINANCE_SPOT, Venue.BINANCE_FUTURES)


class ListingProxy:
    """Forwards GETs to one simulator REST port; drops `hidden` coins from market lists."""

    def __init__(self, upstream: str, hidden: set[str]) -> None:
        self.upstream = upstream.rstrip("/")
        self.hidden = hidden
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None

    async def start(self) -> None:
        self._session = ClientSession()
        app = web.Application()
        app.router.add_get("/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        url = self.upstream + request.rel_url.path
        async with self._session.get(url, params=request.rel_url.query) as resp:
            body = await resp.read()
            status = resp.status
        if status == 200 and request.rel_url.path in LISTINGS:
            body = orjson.dumps(self._filter(orjson.loads(body)))
        return web.Response(body=body, status=status, content_type="application/json")

    def _filter(self, doc: Any) -> Any:
        if isinstance(doc, list):  # Upbit: [{"market": "KRW-BTC", ...}]
            return [m for m in doc if m["market"].split("-", 1)[1] not in self.hidden]
        doc["symbols"] = [s for s in doc["symbols"] if s["baseAsset"] not in self.hidden]
        return doc


@pytest.fixture
async def proxies(fast_sim: SimExchange) -> AsyncIterator[tuple[set[str], dict[str, str]]]:
    hidden = {"ETH"}
    made: list[ListingProxy] = []
    urls: dict[str, str] = {}
    for key in ("upbit_rest_url", "binance_rest_url", "binance_futures_rest_url"):
        proxy = ListingProxy(fast_sim.urls[key.upper()], hidden)
        await proxy.start()
        made.append(proxy)
        urls[key] = proxy.url
    yield hidden, urls
    for proxy in made:
        await proxy.close()


def upbit_codes(md: MarketDataManager) -> set[str]:
    out: set[str] = set()
    for r in md.feeds[Venue.UPBIT].runners:
        if isinstance(r.handler, UpbitStream):
            out.update(r.handler.codes)
    return out


def binance_streams(md: MarketDataManager, venue: Venue) -> set[str]:
    out: set[str] = set()
    for r in md.feeds[venue].runners:
        if isinstance(r.handler, BinanceStream):
            out.update(r.handler.streams)
    return out


def sim_streams(sim: SimExchange) -> set[str]:
    out: set[str] = set()
    for hub in (sim.binance.hub, sim.binance_futures.public_hub, sim.binance_futures.market_hub):
        for conn in hub.conns:
            out.update(conn.streams.values())
    return out


async def test_refresh_streams_new_markets_and_drops_delisted_ones_on_every_venue(
    start_md: Callable[..., Awaitable[Running]],
    proxies: tuple[set[str], dict[str, str]],
) -> None:
    hidden, urls = proxies
    run = await start_md(VENUES, [], universe_refresh=15.0, stale_after=90.0, **urls)
    md = run.manager
    eth = {v: Instrument(v, Symbol("ETH", "KRW" if v is Venue.UPBIT else "USDT")) for v in VENUES}
    xrp = {v: Instrument(v, Symbol("XRP", "KRW" if v is Venue.UPBIT else "USDT")) for v in VENUES}
    binance = (Venue.BINANCE_SPOT, Venue.BINANCE_FUTURES)
    md.subscribe([eth[v] for v in binance] + [xrp[v] for v in binance], Need.QUOTES)
    assert md.universe is not None
    assert "KRW-ETH" not in upbit_codes(md) and "KRW-XRP" in upbit_codes(md)
    for v in binance:
        assert "xrpusdt@bookTicker" in binance_streams(md, v)
        assert not any(s.startswith("ethusdt@") for s in binance_streams(md, v))
        assert not md.universe.has(v, eth[v].symbol)

    hidden.clear()
    hidden.add("XRP")  # ETH is listed, XRP delisted, on all three venues

    def followed() -> bool:
        return (
            "KRW-ETH" in upbit_codes(md)
            and "KRW-XRP" not in upbit_codes(md)
            and all(
                "ethusdt@bookTicker" in binance_streams(md, v)
                and not any(s.startswith("xrpusdt@") for s in binance_streams(md, v))
                for v in binance
            )
        )

    await eventually(followed, timeout=10)
    for v in VENUES:
        assert md.universe.has(v, eth[v].symbol) and not md.universe.has(v, xrp[v].symbol)
    # The venues saw it too: ETH subscribed, XRP unsubscribed, on the live connections.
    await eventually(lambda: "ethusdt@bookTicker" in sim_streams(run.sim), timeout=10)
    await eventually(lambda: not any("xrpusdt" in s for s in sim_streams(run.sim)), timeout=10)

    def eth_quotes() -> bool:
        wanted = set(eth.values())
        events = run.events.drain()
        seen.update(
            e.instrument.venue for e in events if isinstance(e, Quote) and e.instrument in wanted
        )
        return set(VENUES) <= seen

    seen: set[Venue] = set()
    await eventually(eth_quotes, timeout=15)
