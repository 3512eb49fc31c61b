"""Bithumb fill latency: `bench/upbit_fills.py` for Bithumb, with its private WebSocket v2
(`myOrder` rings the tracker) and with polling alone (`bench/private_fills.py` says how it is
timed).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from bench.private_fills import FillsVenue, Keys, run


def _broker(env: dict[str, str], keys: Keys, clock: Any) -> Any:
    from core.symbols import Venue
    from exchanges.brokers import BithumbBroker, make_exchange

    ex, gate = make_exchange(
        Venue.BITHUMB, api_key=keys[0], secret=keys[1], rest_url=env["BITHUMB_REST_URL"]
    )
    return BithumbBroker(Venue.BITHUMB, ex, gate, clock)


def _stream(env: dict[str, str], keys: Keys, on_account: Callable[..., Any]) -> tuple[Any, Any]:
    from exchanges.brokers import bithumb_private_runner, bithumb_private_state

    state = bithumb_private_state()
    url = env["BITHUMB_PRIVATE_WS_URL"]
    return bithumb_private_runner(url, keys, on_account, state), state


async def _order(broker: Any, http: Any, env: dict[str, str]) -> tuple[Decimal, Any]:
    from core.market import Side
    from core.orders import OrderRequest, OrderType
    from core.symbols import Instrument, Symbol, Venue

    book_url = env["BITHUMB_REST_URL"] + "/v1/orderbook?markets=KRW-BTC"
    async with http.get(book_url) as reply:
        raw = await reply.json()
    bid = Decimal(str(raw[0]["orderbook_units"][0]["bid_price"]))
    price = (bid * Decimal("0.98")).quantize(Decimal(1000))  # on the KRW grid
    inst = Instrument(Venue.BITHUMB, Symbol("BTC", "KRW"))
    req = OrderRequest(inst, Side.BUY, OrderType.LIMIT, qty=Decimal("0.001"), price=price)
    return bid, req


BITHUMB = FillsVenue("bithumb", "Bithumb", "private stream v2", _broker, _stream, _order)


def main(quick: bool = False) -> None:
    asyncio.run(run(BITHUMB, 6 if quick else 20))


if __name__ == "__main__":
    main()
