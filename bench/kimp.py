"""Benchmark: price updates per second the premium book absorbs, top-N kept current.

Run: `python -m bench.kimp [--coins 200] [--updates 1000000] [--top 10]`. It prints the
throughput of raw updates (`update_price`), of domain events through `on_event`, and the
per-update latency percentiles, on one core; and the time the transfer-aware `/kimp net`
figures take (depth walked on demand, outside the price-update path).
"""

from __future__ import annotations

import argparse
import random
import time
from decimal import Decimal

from alerts.executable import Direction, net_leg
from alerts.monitor import PremiumMonitor
from alerts.premium import Books, Fees
from core.clock import ManualClock
from core.market import Ticker
from core.symbols import Instrument, Symbol, Venue
from core.wallets import NetworkStatus


def _monitor(coins: list[str]) -> PremiumMonitor:
    clock = ManualClock()
    m = PremiumMonitor(clock)
    m.set_coins(coins)
    m.update_price(Venue.UPBIT, "USDT", 1400.0, clock.now())
    m.set_fx(1385.0, clock.now())
    for c in coins:
        m.update_price(Venue.BINANCE_SPOT, c, 10.0, clock.now())
        m.update_price(Venue.UPBIT, c, 14_140.0, clock.now())
    return m


def bench_raw(n_coins: int, n: int, top: int, seed: int = 1) -> tuple[float, list[float]]:
    coins = [f"C{i:03d}" for i in range(n_coins)]
    m = _monitor(coins)
    rng = random.Random(seed)
    venues = (Venue.UPBIT, Venue.BINANCE_SPOT)
    # Pre-generate the stream so the loop measures the monitor, not the random generator.
    stream = [
        (venues[i & 1], coins[rng.randrange(n_coins)], (14_000.0 if i & 1 == 0 else 10.0))
        for i in range(n)
    ]
    stream = [(v, c, p * (1 + rng.uniform(-0.05, 0.05))) for v, c, p in stream]
    upd = m.update_price
    t0 = time.perf_counter()
    for i, (v, c, p) in enumerate(stream):
        upd(v, c, p, 1.0)
        if i % 1000 == 0:
            m.top(top)  # a reader looking at the view now and then
    elapsed = time.perf_counter() - t0
    lat = []
    perf = time.perf_counter_ns
    for v, c, p in stream[:50_000]:
        s = perf()
        upd(v, c, p, 1.0)
        lat.append((perf() - s) / 1000)
    assert len(m.top(top)) == min(top, n_coins)
    return n / elapsed, lat


def bench_events(n_coins: int, n: int, seed: int = 2) -> float:
    coins = [f"C{i:03d}" for i in range(n_coins)]
    m = _monitor(coins)
    rng = random.Random(seed)
    inst = {
        (v, c): Instrument(v, Symbol(c, "KRW" if v is Venue.UPBIT else "USDT"))
        for c in coins
        for v in (Venue.UPBIT, Venue.BINANCE_SPOT)
    }
    events = []
    for i in range(n):
        v = Venue.UPBIT if i & 1 == 0 else Venue.BINANCE_SPOT
        c = coins[rng.randrange(n_coins)]
        p = (14_000.0 if v is Venue.UPBIT else 10.0) * (1 + rng.uniform(-0.05, 0.05))
        events.append(Ticker(inst[(v, c)], p, 0, 1.0))
    on = m.on_event
    t0 = time.perf_counter()
    for e in events:
        on(e)
    return n / (time.perf_counter() - t0)


def bench_net(n_coins: int = 20, rounds: int = 200, size_krw: float = 10_000_000.0) -> float:
    """Seconds to compute `/kimp net`'s figures for `n_coins` (both directions, each walking
    30-level Upbit and 20-level Binance books at `size_krw`, the coin's and the USDT leg's
    networks matched, both fees taken off):
    the work done per question, apart from the REST reads of the books."""
    d = Decimal
    up = tuple((14_140.0 + i * 10, 20.0 + i * 2) for i in range(30))
    up_bids = tuple((14_130.0 - i * 10, 20.0 + i * 2) for i in range(30))
    bn = tuple((10.0 + i * 0.01, 40.0 + i) for i in range(20))
    bn_bids = tuple((9.99 - i * 0.01, 40.0 + i) for i in range(20))
    usdt = tuple((1400.0 + i, 5_000.0) for i in range(30))
    usdt_bids = tuple((1399.0 - i, 5_000.0) for i in range(30))
    books = Books(up_bids, up, bn_bids, bn, usdt_bids, usdt)
    nets = (
        (
            NetworkStatus("ETH", True, True, d("4"), d("8")),
            NetworkStatus("ARB", True, True, d("1"), d("2")),
        ),
        (NetworkStatus("ETH", True, True), NetworkStatus("ARB", False, True)),
    )
    fees = Fees(0.0005, 0.001)
    for direction in Direction:  # a thin book would exit early and flatter the figure
        assert net_leg(direction, books, size_krw, fees, nets, nets).pct is not None, direction
    start = time.perf_counter()
    for _ in range(rounds):
        for _coin in range(n_coins):
            for direction in Direction:
                net_leg(direction, books, size_krw, fees, nets, nets)
    return (time.perf_counter() - start) / rounds


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(quick: bool = False) -> None:
    """The standard figures; `quick` runs fewer updates."""
    cli(["--updates", "200000"] if quick else [])


def cli(argv: list[str] | None = None) -> None:
    """`python -m bench.kimp [--coins N --updates N --top N]`."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--coins", type=int, default=200)
    ap.add_argument("--updates", type=int, default=1_000_000)
    ap.add_argument("--top", type=int, default=10)
    args = ap.parse_args(argv)
    rate, lat = bench_raw(args.coins, args.updates, args.top)
    ev_rate = bench_events(args.coins, min(args.updates, 500_000))
    print(f"premium book, {args.coins} coins, top-{args.top} view kept current (sorted by ratio)")
    print(f"  update_price: {rate:,.0f} updates/s  (target >= 200,000/s)")
    print(f"  on_event(Ticker) incl. routing: {ev_rate:,.0f} events/s")
    print(
        f"  latency per update: p50 {_pct(lat, 0.5):.2f} µs, p99 {_pct(lat, 0.99):.2f} µs, "
        f"max {max(lat):.1f} µs"
    )
    net = bench_net()
    print(f"  /kimp net figures, 20 coins x 2 directions at 10M KRW: {net * 1000:.2f} ms each")


if __name__ == "__main__":
    cli()
