"""The owner of `funding_rates`: each USDⓈ-M perpetual's funding rate at each funding time.

The mark-price stream (`alerts.funding.FundingBook`) carries the rate the next funding will
charge and its time; once a newer event names a later funding time, the previous one has
settled at the rate last announced for it. The kimp service stores those with each minute's
samples; the kimp-hedge replay charges them instead of a fixed rate. Old rows age out through
`prune_before`, in the batched retention pass (bot/ops), kept as long as the premium samples.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.storage import Database


@dataclass(frozen=True, slots=True)
class FundingRate:
    coin: str
    funding_ts: int  # epoch seconds of the funding time
    rate: float  # a fraction per funding interval (0.0001 = 0.01 %); a short receives it if > 0


class FundingHistory:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, rates: list[FundingRate]) -> int:
        """Store settled rates; one funding time recorded twice keeps the newer figure."""
        if rates:
            await self._db.executemany(
                "INSERT OR REPLACE INTO funding_rates(coin, funding_ts, rate) VALUES (?, ?, ?)",
                [(r.coin, r.funding_ts, r.rate) for r in rates],
            )
        return len(rates)

    async def rates(self, coin: str, start: float, end: float) -> list[FundingRate]:
        """The coin's funding times in [start, end), oldest first."""
        rows = await self._db.fetchall(
            "SELECT coin, funding_ts, rate FROM funding_rates WHERE coin = ? AND funding_ts >= ? "
            "AND funding_ts < ? ORDER BY funding_ts",
            (coin.upper(), int(start), int(end)),
        )
        return [FundingRate(str(r[0]), int(r[1]), float(r[2])) for r in rows]

    async def prune_before(self, cutoff: float, limit: int) -> int:
        """Retention (core.storage.retention.Prunable): up to `limit` rows before `cutoff`."""
        return await self._db.execute(
            "DELETE FROM funding_rates WHERE (coin, funding_ts) IN (SELECT coin, funding_ts FROM "
            "funding_rates WHERE funding_ts < ? ORDER BY funding_ts LIMIT ?)",
            (int(cutoff), limit),
        )
