"""Order-book depth on demand for the kimp executable premium: Upbit `/v1/orderbook` (every
unit the venue gives, up to 30) for the coins' KRW markets and KRW-USDT in one request, Binance
`/api/v3/depth?limit=20` per coin (weight 5 each, far inside the 6,000/min budget).

Read when a view asks (`/kimp <coin>`, `/kimp net`), for the coins shown only, so the books
walked are never older than the question. Only `core.depth.BookDepth` leaves this module.
"""

from __future__ import annotations

from collections.abc import Sequence

import aiohttp

from core.clock import Clock
from core.depth import BookDepth, DepthError
from core.symbols import Symbol
from exchanges.binance.rest_quotes import parse_binance_depth
from exchanges.http import FeedError, SessionHolder, get_json
from exchanges.upbit.rest_quotes import BATCH, parse_upbit_depth

BINANCE_LEVELS = 20
MAX_COINS = 20  # per question: Binance's books are one request each


class DepthClient:
    """Reads both venues' books for a few coins; owns its session unless one is handed in."""

    def __init__(
        self,
        upbit_url: str,
        binance_url: str,
        clock: Clock,
        session: aiohttp.ClientSession | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._upbit = upbit_url.rstrip("/")
        self._binance = binance_url.rstrip("/")
        self._clock = clock
        self._http = SessionHolder(session)
        self._timeout = timeout

    async def close(self) -> None:
        await self._http.close()

    async def fetch(self, coins: Sequence[str]) -> list[BookDepth]:
        """Books of `coins` (KRW-<coin> on Upbit, <coin>USDT on Binance) and Upbit KRW-USDT;
        raises `DepthError` when a venue cannot be read."""
        wanted = [c.upper() for c in coins[:MAX_COINS]]
        try:
            return await self._fetch(wanted)
        except (FeedError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise DepthError(str(exc) or type(exc).__name__) from None

    async def _fetch(self, coins: list[str]) -> list[BookDepth]:
        session = self._http.get()
        markets = ["KRW-USDT", *(f"KRW-{c}" for c in coins if c != "USDT")][:BATCH]
        url = f"{self._upbit}/v1/orderbook?markets={','.join(markets)}"
        out = parse_upbit_depth(await get_json(session, url, self._timeout), self._clock.now())
        for coin in coins:
            url = f"{self._binance}/api/v3/depth?symbol={coin}USDT&limit={BINANCE_LEVELS}"
            try:
                data = await get_json(session, url, self._timeout)
                out.append(parse_binance_depth(data, Symbol(coin, "USDT"), self._clock.now()))
            except FeedError:
                continue  # one coin's bad answer (delisted meanwhile) must not hide the others
        return out
