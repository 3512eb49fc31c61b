"""One-venue listings that were not announced (KIMP_ONE_VENUE_LISTINGS), kept for the daily
report: a small list in the key-value table, a week deep.

Binance lists many coins Upbit never will; announcing each would be noise, but the user still
learns how many there were, and which, once a day.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from core.storage.kv import KeyValueStore

KV_KEY = "kimp.listings.quiet"
KEEP = 8 * 86400.0  # seconds: more than the report's day, a restart or two included
UPBIT, BINANCE = "upbit", "binance"  # the venue a coin was listed on, alone


@dataclass(frozen=True, slots=True)
class Quiet:
    coin: str
    venue: str  # UPBIT or BINANCE
    ts: float


async def load(kv: KeyValueStore) -> list[Quiet]:
    raw = await kv.get(KV_KEY)
    try:
        rows = orjson.loads(raw) if raw else []
        return [Quiet(str(c), str(v), float(t)) for c, v, t in rows]
    except (orjson.JSONDecodeError, TypeError, ValueError):  # a damaged value: start afresh
        return []


async def record(kv: KeyValueStore, quiet: list[Quiet], now: float) -> None:
    """Add `quiet` and drop what is older than `KEEP`."""
    rows = [q for q in await load(kv) if now - q.ts < KEEP] + quiet
    await kv.set(KV_KEY, orjson.dumps([[q.coin, q.venue, q.ts] for q in rows]).decode())


async def between(kv: KeyValueStore, since: float, until: float) -> dict[str, tuple[str, ...]]:
    """venue -> the coins listed there alone, not announced, in [since, until)."""
    out: dict[str, list[str]] = {}
    for q in await load(kv):
        if since <= q.ts < until:
            out.setdefault(q.venue, []).append(q.coin)
    return {v: tuple(sorted(set(coins))) for v, coins in out.items()}
