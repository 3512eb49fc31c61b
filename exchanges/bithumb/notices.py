"""Bithumb's own market warnings over public REST: `GET /v1/market/all?isDetails=true` (유의
종목, `market_warning`) and `GET /v1/market/virtual_asset_warning` (경보제: automatic alerts),
two requests per refresh (public REST allows 150 a second). Only `MarketNotice`s leave."""

from __future__ import annotations

from typing import Any

import aiohttp
import orjson

from core.market_notices import MarketNotice
from exchanges.bithumb.parse import parse_market_warnings
from exchanges.http import FeedError, SessionHolder


class BithumbNotices:
    """Fetches the warning and alert flags of every KRW market; raises `FeedError`."""

    def __init__(
        self, base_url: str, session: aiohttp.ClientSession | None = None, timeout: float = 10.0
    ) -> None:
        base = base_url.rstrip("/")
        self.markets_url = base + "/v1/market/all?isDetails=true"
        self.alerts_url = base + "/v1/market/virtual_asset_warning"
        self._http = SessionHolder(session)
        self._timeout = timeout

    async def close(self) -> None:
        await self._http.close()

    async def _json(self, url: str) -> Any:
        status, body = await self._http.fetch(url, self._timeout, FeedError)
        if status != 200:
            raise FeedError(f"Bithumb {url.rsplit('/v1/', 1)[-1]} answered HTTP {status}")
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            raise FeedError("Bithumb did not answer JSON") from None

    async def fetch(self) -> list[MarketNotice]:
        notices = parse_market_warnings(
            await self._json(self.markets_url), await self._json(self.alerts_url)
        )
        if not notices:  # a venue does not drop every market at once
            raise FeedError("Bithumb /v1/market/all listed no KRW market")
        return notices
