"""Listings and order books over the quotation wire, for the kimp views (not the market-data
manager): every market (`/v1/market/all`), best bid/ask and depth per market (`/v1/orderbook`),
and a WebSocket of a few markets' depth. Wire shapes stay here; only domain `Symbol`s,
`Quote`s and `BookDepth`s leave. A venue binds these to itself (`upbit/rest_quotes.py`,
`bithumb/rest_quotes.py`, the `depth_stream.py`s).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import orjson

from core.depth import BookDepth
from core.market import Quote
from core.symbols import Instrument, Symbol, Venue
from exchanges.http import FeedError, get_json
from exchanges.ws_runner import StreamHandler

BATCH = 100  # markets per /v1/orderbook request


def parse_market_list(data: Any, venue: Venue) -> list[Symbol]:
    """`[{"market":"KRW-BTC","korean_name":"비트코인","english_name":"Bitcoin"}]`, every quote."""
    if not isinstance(data, list):
        raise FeedError(f"{venue.label} market list is not a list")
    out = []
    for item in data:
        market = item.get("market") if isinstance(item, dict) else None
        if isinstance(market, str) and "-" in market:
            out.append(Symbol.from_upbit(market))
    return out


def _levels(units: Any) -> tuple[tuple[tuple[float, float], ...], tuple[tuple[float, float], ...]]:
    bids = tuple((float(u["bid_price"]), float(u["bid_size"])) for u in units)
    asks = tuple((float(u["ask_price"]), float(u["ask_size"])) for u in units)
    return bids, asks


def parse_orderbooks(data: Any, recv_ts: float, venue: Venue) -> list[Quote]:
    """`[{"market":"KRW-BTC","timestamp":1,"orderbook_units":[{"ask_price":..,"bid_price":..,
    "ask_size":..,"bid_size":..}]}]` -> one Quote per market (best level)."""
    if not isinstance(data, list):
        raise FeedError(f"{venue.label} orderbook answer is not a list")
    out = []
    for ob in data:
        try:
            unit = ob["orderbook_units"][0]
            inst = Instrument(venue, Symbol.from_upbit(ob["market"]))
            bid, ask = float(unit["bid_price"]), float(unit["ask_price"])
            bid_size, ask_size = float(unit["bid_size"]), float(unit["ask_size"])
            ts = int(ob.get("timestamp") or 0)
            out.append(Quote(inst, bid, bid_size, ask, ask_size, ts, recv_ts))
        except (KeyError, IndexError, TypeError, ValueError):
            continue  # one bad entry must not hide the others
    return out


def parse_depth(data: Any, recv_ts: float, venue: Venue) -> list[BookDepth]:
    """`/v1/orderbook` with every unit -> one BookDepth per market, best level first."""
    if not isinstance(data, list):
        raise FeedError(f"{venue.label} orderbook answer is not a list")
    out = []
    for ob in data:
        try:
            bids, asks = _levels(ob["orderbook_units"])
            inst = Instrument(venue, Symbol.from_upbit(ob["market"]))
            out.append(BookDepth(inst, bids, asks, int(ob.get("timestamp") or 0), recv_ts))
        except (KeyError, TypeError, ValueError):
            continue  # one bad entry must not hide the others
    return out


def parse_depth_frame(msg: Any, recv_ts: float, venue: Venue) -> BookDepth | None:
    """WS `orderbook` (every unit subscribed, a full snapshot each time):
    `{"type":"orderbook","code":"KRW-BTC","timestamp":1584486737444,"orderbook_units":[
    {"ask_price":6756000,"bid_price":6753000,"ask_size":3.57100696,"bid_size":22.5303265}]}`;
    None for anything else (a status frame, garbage)."""
    if not isinstance(msg, dict) or msg.get("type") != "orderbook":
        return None
    try:
        bids, asks = _levels(msg["orderbook_units"])
        inst = Instrument(venue, Symbol.from_upbit(msg["code"]))
        return BookDepth(inst, bids, asks, int(msg.get("timestamp") or 0), recv_ts)
    except (KeyError, TypeError, ValueError):
        return None


class QuotationQuotes:
    """Listings and top of book over a venue's public REST; raises `FeedError` or transport
    errors (aiohttp.ClientError, TimeoutError, OSError)."""

    def __init__(self, base_url: str, venue: Venue, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.venue = venue
        self.timeout = timeout

    async def markets(self, session: aiohttp.ClientSession) -> list[Symbol]:
        url = f"{self.base_url}/v1/market/all"
        return parse_market_list(await get_json(session, url, self.timeout), self.venue)

    async def orderbooks(
        self, session: aiohttp.ClientSession, markets: list[str], recv_ts: Callable[[], float]
    ) -> AsyncIterator[list[Quote]]:
        """Best bid/ask of `markets` ("KRW-BTC"), one list per request of `BATCH` markets (so
        a later failing batch does not hold back the earlier ones); `recv_ts()` stamps each
        answer when it arrives."""
        for i in range(0, len(markets), BATCH):
            url = f"{self.base_url}/v1/orderbook?markets={','.join(markets[i : i + BATCH])}"
            data = await get_json(session, url, self.timeout)
            yield parse_orderbooks(data, recv_ts(), self.venue)


class QuotationDepthStream(StreamHandler):
    """The `orderbook` channel of a few markets on a connection of its own, so the market-data
    stream's top-of-book subscription of every market stays as it is. Sending a new request
    replaces the whole set. `suffix`: what each code asks for (Upbit `.15`: 15 levels)."""

    def __init__(
        self, venue: Venue, ws_url: str, sink: Callable[[BookDepth], None], suffix: str = ""
    ) -> None:
        self.venue = venue
        self.name = f"{venue.value}-depth"
        self._url = ws_url
        self._sink = sink
        self._suffix = suffix
        self.codes: list[str] = []
        self._outgoing: list[str] = []

    def url(self) -> str:
        return self._url

    def request(self) -> str:
        body: list[dict[str, object]] = [
            {"ticket": f"kimp-depth-{uuid.uuid4()}"},
            {"type": "orderbook", "codes": [f"{c}{self._suffix}" for c in self.codes]},
            {"format": "DEFAULT"},
        ]
        return orjson.dumps(body).decode()

    def subscribe_messages(self) -> list[str]:
        return [self.request()] if self.codes else []

    def take_outgoing(self) -> list[str]:
        out, self._outgoing = self._outgoing, []
        return out

    def set_codes(self, codes: list[str]) -> None:
        """Carry these markets ("KRW-ETH") from now on (the request is re-sent in full)."""
        wanted = sorted(set(codes))
        if wanted != self.codes:
            self.codes = wanted
            self._outgoing = [self.request()] if wanted else []

    def on_frame(self, frame: bytes | str, recv_ts: float) -> None:
        try:
            msg = orjson.loads(frame)
        except orjson.JSONDecodeError:
            return  # text keep-alive replies and garbage carry no book
        book = parse_depth_frame(msg, recv_ts, self.venue)
        if book is not None:
            self._sink(book)
