"""Bithumb order round trips through `BithumbBroker` (unmodified ccxt, API 2.0) against the
in-process simulator: `POST /v2/orders` (a 10,000 KRW market buy by total) and the lookup by
our `client_order_id` (`GET /v1/order`, with its trades), each signed with a fresh JWT and
query hash and verified by the simulator. Loopback only: the venue's own latency is excluded.
`python -m bench --only bithumb_orders`.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from decimal import Decimal


def main(quick: bool = False) -> None:
    asyncio.run(_run(30 if quick else 200))


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms"


async def _run(n: int) -> None:
    from core.broker import PlaceRequest
    from core.clock import SystemClock
    from core.market import Side
    from core.orders import OrderStatus, OrderType
    from core.symbols import Symbol, Venue
    from exchanges.brokers import BithumbBroker, make_exchange
    from peers.exchange_sim.server import SimExchange

    sym = Symbol("BTC", "KRW")
    async with SimExchange(seed=3, tick_interval=0.05) as sim:
        access, secret = sim.api_keys["bithumb"]
        ex, gate = make_exchange(Venue.BITHUMB, api_key=access, secret=secret,
                                 rest_url=sim.urls["BITHUMB_REST_URL"])  # fmt: skip
        broker = BithumbBroker(Venue.BITHUMB, ex, gate, SystemClock())
        place, fetch, filled = [], [], 0
        try:
            for i in range(n):
                req = PlaceRequest(f"bench-{i}", sym, Side.BUY, OrderType.MARKET, None,
                                   quote_amount=Decimal(10_000))  # fmt: skip
                t0 = time.perf_counter()
                await broker.place(req)
                t1 = time.perf_counter()
                vo = await broker.fetch(sym, req.client_id, False)
                t2 = time.perf_counter()
                place.append((t1 - t0) * 1000)
                fetch.append((t2 - t1) * 1000)
                filled += vo.status is OrderStatus.FILLED
        finally:
            await broker.close()
    print(f"bithumb place ({n} market buys): {_ms(place)}")
    print(f"bithumb lookup by client_order_id: {_ms(fetch)}; filled {filled}/{n}")


if __name__ == "__main__":
    main()
