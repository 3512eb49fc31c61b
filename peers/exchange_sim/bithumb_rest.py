"""Bithumb REST (API 2.0) quotation endpoints: the Upbit simulator's handlers run for venue
"bithumb" where the wire is the same (`/v1/ticker`, `/v1/orderbook`, `/v1/trades/ticks`,
candles), with Bithumb's differences here:

- candle `to` is Korean time without a zone; an offset or `Z` is refused (HTTP 400);
- `/v1/market/all?isDetails=true` adds a plain `market_warning` ("NONE"/"CAUTION");
- `/v1/market/virtual_asset_warning` lists the markets under the automatic alerts (경보제).

Private routes are installed by `bithumb_private.py`, not here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp import web

from peers.exchange_sim.bithumb_private import BithumbParts
from peers.exchange_sim.market import BITHUMB
from peers.exchange_sim.upbit_auth import UpbitError
from peers.exchange_sim.upbit_rest import Handler, Params, UpbitRest

KST = dt.timezone(dt.timedelta(hours=9))
# warning_type values of /v1/market/virtual_asset_warning (Bithumb's docs, 2026)
ALERT_TYPES = (
    "PRICE_SUDDEN_FLUCTUATION",
    "TRADING_VOLUME_SUDDEN_FLUCTUATION",
    "DEPOSIT_AMOUNT_SUDDEN_FLUCTUATION",
    "PRICE_DIFFERENCE_HIGH",
    "SPECIFIC_ACCOUNT_HIGH_TRANSACTION",
    "EXCHANGE_TRADING_CONCENTRATION",
)


def _invalid(message: str) -> UpbitError:
    return UpbitError(400, "invalid_parameter", message)


class BithumbRest(UpbitRest):
    """Bithumb's public REST on the shared handlers (see module docstring)."""

    def __init__(self, parts: BithumbParts) -> None:
        p = parts
        super().__init__(p.market, p.engine, p.auth, p.limiter, p.payloads, p.wallets, BITHUMB)
        self.cautions: set[str] = set()  # markets designated 유의 종목 ("CAUTION")
        self.alerts: dict[str, list[tuple[str, str]]] = {}  # market -> [(type, step)]

    def quotation_routes(self) -> list[tuple[str, str, Handler]]:
        """Upbit's public endpoints Bithumb has too, and its automatic alerts."""
        shared = {"/v1/market/all", "/v1/ticker", "/v1/orderbook", "/v1/trades/ticks",
                  "/v1/candles/minutes/{unit}", "/v1/candles/days"}  # fmt: skip
        mine = [r for r in super().quotation_routes() if r[0] in shared]
        return [*mine, ("/v1/market/virtual_asset_warning", "market", self.asset_warnings)]

    def install(self, app: web.Application) -> None:
        for path, group, fn in self.quotation_routes():
            app.router.add_get(path, self._wrap(group, False, fn))

    # ----------------------------------------------------------------- switches
    def set_warning(self, market: str, caution: bool = True) -> None:
        """Switch: `market` ("KRW-XRP") designated 유의 종목 (or no longer)."""
        self._code(market)
        (self.cautions.add if caution else self.cautions.discard)(market)

    def set_alert(self, market: str, warning_type: str | None, step: str = "CAUTION") -> None:
        """Switch: `market` under an automatic alert of `warning_type`; None clears them."""
        if warning_type is not None and warning_type not in ALERT_TYPES:
            raise ValueError(f"unknown warning_type {warning_type!r}; known: {ALERT_TYPES}")
        self._code(market)
        if warning_type is None:
            self.alerts.pop(market, None)
        else:
            self.alerts.setdefault(market, []).append((warning_type, step))

    # ----------------------------------------------------------------- handlers
    @staticmethod
    def to_ms(raw: str) -> int:
        """Candle `to`: `yyyy-MM-ddTHH:mm:ss` (or with a space) in Korean time; Bithumb refuses
        a zone or offset."""
        text = raw.strip().replace(" ", "T")
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            raise _invalid(f"to must be yyyy-MM-ddTHH:mm:ss (KST), got {raw!r}") from None
        if parsed.tzinfo is not None or text.endswith("Z"):
            raise _invalid("Invalid parameter: to takes Korean time without an offset")
        return int(parsed.replace(tzinfo=KST).timestamp() * 1000)

    details_param = "isDetails"

    def market_details(self, market: str) -> dict[str, Any]:
        """Bithumb's details: a plain `market_warning` (유의 종목), no `market_event`."""
        return {"market_warning": "CAUTION" if market in self.cautions else "NONE"}

    async def asset_warnings(self, request: web.Request, p: Params, _: Any) -> Any:
        now = dt.datetime.fromtimestamp(self.market.now_ms() / 1000, KST)
        end = (now + dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
        return [
            {"market": code, "warning_type": kind, "warning_step": step, "end_date": end}
            for code, items in sorted(self.alerts.items())
            if self.market.has_market(self.venue, code)
            for kind, step in items
        ]
