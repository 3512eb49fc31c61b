"""Benchmark: the cost of a second KRW venue (issue 18) on the kimp hot path and alert round.

Run: `python -m bench.kimp_venues [--coins 200] [--events 400000] [--rounds 200]`. It prints
the events/s the premium books absorb with one KRW venue (Upbit) and with two (Upbit and
Bithumb: every event offered to both books), and the time one alert round's extra readings
take (Bithumb's premium and the Upbit–Bithumb spread of every coin) and `/kimp spread`'s
figures (every coin, executable at top of book after both taker fees).
"""

from __future__ import annotations

import argparse
import random
import time

from alerts.krw_venues import KrwVenues
from alerts.monitor import PremiumMonitor
from core.clock import ManualClock
from core.market import Quote, Ticker
from core.symbols import Instrument, Symbol, Venue
from core.text import Text

RATES = {Venue.UPBIT: 0.0005, Venue.BITHUMB: 0.0004, Venue.BINANCE_SPOT: 0.001}
KRW = (Venue.UPBIT, Venue.BITHUMB)


def _world(n_coins: int, two: bool) -> tuple[PremiumMonitor, KrwVenues, list[str], ManualClock]:
    clock = ManualClock()
    primary = PremiumMonitor(clock)
    krw = KrwVenues(clock, primary, [Venue.BITHUMB] if two else [], RATES)
    coins = [f"C{i:03d}" for i in range(n_coins)]
    primary.set_coins(coins)
    krw.set_coins(coins)
    krw.set_fx(1385.0, clock.now())
    events: list[object] = []
    for venue in KRW:
        events.append(Ticker(Instrument(venue, Symbol("USDT", "KRW")), 1400.0, 0, clock.now()))
    for c in coins:
        events.append(Ticker(Instrument(Venue.BINANCE_SPOT, Symbol(c, "USDT")), 10.0, 0, 1e9))
        for venue, mid in ((Venue.UPBIT, 14_140.0), (Venue.BITHUMB, 14_160.0)):
            inst = Instrument(venue, Symbol(c, "KRW"))
            events.append(Quote(inst, mid - 1, 50.0, mid + 1, 50.0, 0, clock.now()))
    for e in events:
        primary.on_event(e)
        krw.on_event(e)
    return primary, krw, coins, clock


def bench_events(n_coins: int, n: int, two: bool, seed: int = 3) -> float:
    """Events/s through the books (the kimp feed offers each event to every book)."""
    primary, krw, coins, clock = _world(n_coins, two)
    rng = random.Random(seed)
    venues = (Venue.UPBIT, Venue.BITHUMB, Venue.BINANCE_SPOT)
    insts = {
        (v, c): Instrument(v, Symbol(c, "USDT" if v is Venue.BINANCE_SPOT else "KRW"))
        for v in venues
        for c in coins
    }
    stream = []
    for _ in range(n):
        v, c = venues[rng.randrange(3)], coins[rng.randrange(n_coins)]
        p = (10.0 if v is Venue.BINANCE_SPOT else 14_150.0) * (1 + rng.uniform(-0.01, 0.01))
        stream.append(Ticker(insts[(v, c)], p, 0, clock.now()))
    on_a, on_b = primary.on_event, krw.on_event
    t0 = time.perf_counter()
    for e in stream:
        on_a(e)
        on_b(e)
    return n / (time.perf_counter() - t0)


def bench_round(n_coins: int, rounds: int) -> tuple[float, float]:
    """Seconds per alert round's extra readings, and per `/kimp spread` (every coin)."""
    _, krw, _, _ = _world(n_coins, True)
    label = Text.of("kimp.basis.usdt")
    readings = krw.readings(lambda coin, volume: True, ("BTC",), False, label)
    assert len(readings) == 2 * n_coins, len(readings)  # every coin: Bithumb kimp + spread
    t0 = time.perf_counter()
    for _ in range(rounds):
        krw.readings(lambda coin, volume: True, ("BTC",), False, label)
    per_round = (time.perf_counter() - t0) / rounds
    views = krw.spreads(1_000_000.0)
    assert len(views) == n_coins and all(v.exe is not None for v in views)
    t0 = time.perf_counter()
    for _ in range(rounds):
        krw.spreads(1_000_000.0)
    return per_round, (time.perf_counter() - t0) / rounds


def main(quick: bool = False) -> None:
    cli(["--events", "100000", "--rounds", "50"] if quick else [])


def cli(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--coins", type=int, default=200)
    ap.add_argument("--events", type=int, default=400_000)
    ap.add_argument("--rounds", type=int, default=200)
    args = ap.parse_args(argv)
    one = bench_events(args.coins, args.events, two=False)
    two = bench_events(args.coins, args.events, two=True)
    per_round, per_view = bench_round(args.coins, args.rounds)
    print(f"kimp books, {args.coins} coins, ticker events over Upbit, Bithumb and Binance spot")
    print(f"  one KRW venue (Upbit):        {one:,.0f} events/s")
    print(f"  two KRW venues (+ Bithumb):   {two:,.0f} events/s")
    print(f"  extra readings per alert round (Bithumb kimp + spread): {per_round * 1e3:.2f} ms")
    print(f"  /kimp spread figures (every coin, executable):          {per_view * 1e3:.2f} ms")


if __name__ == "__main__":
    cli()
