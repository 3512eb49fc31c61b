"""Upbit's own market warnings over public REST: `GET /v1/market/all?is_details=true`.

One request per refresh for every market (Upbit's market group allows 10 requests a second; a
refresh every minute or two is far below it). Only `core.market_notices.MarketNotice` leaves.
"""

from __future__ import annotations

import aiohttp
import orjson

from core.market_notices import MarketNotice
from exchanges.http import FeedError, SessionHolder
from exchanges.upbit.parse import parse_market_notices


class UpbitNotices:
    """Fetches the warning and caution flags of every KRW market; raises `FeedError`."""

    def __init__(
        self, base_url: str, session: aiohttp.ClientSession | None = None, timeout: float = 10.0
    ) -> None:
        self.url = base_url.rstrip("/") + "/v1/market/all?is_details=true"
        self._http = SessionHolder(session)
        self._timeout = timeout

    async def close(self) -> None:
        await self._http.close()

    async def fetch(self) -> list[MarketNotice]:
        status, body = await self._http.fetch(self.url, self._timeout, FeedError)
        if status != 200:
            raise FeedError(f"Upbit /v1/market/all answered HTTP {status}")
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise FeedError("Upbit /v1/market/all did not answer JSON") from None
        notices = parse_market_notices(data)
        if not notices:  # a venue does not drop every market's details at once
            raise FeedError("Upbit /v1/market/all listed no market_event details")
        return notices
