"""Upbit fill latency: from the venue filling a resting order to our fill notification, with
Upbit's private stream and with polling alone (`bench/private_fills.py` says how it is timed).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from bench.private_fills import FillsVenue, Keys, run


def _broker(env: dict[str, str], keys: Keys, clock: Any) -> Any:
    from core.symbols import Venue
    from exchanges.brokers import UpbitBroker, make_exchange

    ex, gate = make_exchange(
        Venue.UPBIT, api_key=keys[0], secret=keys[1], rest_url=env["UPBIT_REST_URL"]
    )
    return UpbitBroker(Venue.UPBIT, ex, gate, clock)


def _stream(env: dict[str, str], keys: Keys, on_account: Callable[..., Any]) -> tuple[Any, Any]:
    from exchanges.brokers import PrivateStreamState, private_stream_runner

    state = PrivateStreamState()
    return private_stream_runner(env["UPBIT_WS_URL"], keys, on_account, state), state


async def _order(broker: Any, http: Any, env: dict[str, str]) -> tuple[Decimal, Any]:
    from core.market import Side
    from core.orders import OrderRequest, OrderType
    from core.symbols import Instrument, Symbol, Venue

    # the best bid, not the last trade: that one can be a dip's, long gone
    book = await broker.ex.fetch_order_book("BTC/KRW", 1)
    last = Decimal(str(book["bids"][0][0]))
    inst = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
    req = OrderRequest(
        inst, Side.BUY, OrderType.LIMIT, qty=Decimal("0.0005"), price=last * Decimal("0.98")
    )
    return last, req


UPBIT = FillsVenue("upbit", "Upbit", "private stream", _broker, _stream, _order)


def main(quick: bool = False) -> None:
    asyncio.run(run(UPBIT, 8 if quick else 30))


if __name__ == "__main__":
    main()
