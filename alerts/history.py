"""Per-minute premium samples in `kimp_samples`. Tether is stored as coin USDT.

Old samples age out only through `prune_before`, in the batched retention pass (bot/ops):
one owner of the schedule, so no unbatched DELETE ever holds the shared connection."""

from __future__ import annotations

from dataclasses import dataclass

from alerts.monitor import CoinPremium, TetherView
from core.storage import Database

TETHER_ROW = "USDT"


@dataclass(frozen=True, slots=True)
class Sample:
    minute_ts: int  # seconds since the epoch, start of the minute (values taken at its end)
    usdt_kimp: float | None
    fx_kimp: float | None
    tether: float | None
    upbit_krw: float | None
    binance_usdt: float | None


def minute_of(ts: float) -> int:
    return int(ts // 60) * 60


class PremiumHistory:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, minute_ts: int, coins: list[CoinPremium], tether: TetherView) -> int:
        """Store one sample per live coin (and tether) for the minute; a rerun overwrites it."""
        rows: list[
            tuple[str, int, float | None, float | None, float | None, float | None, float | None]
        ] = [
            (c.coin, minute_ts, c.usdt_kimp, c.fx_kimp, c.tether, c.upbit_krw, c.binance_usdt)
            for c in coins
            if c.suspended is None and not c.implausible
        ]
        if tether.usdt_krw is not None:
            rows.append((TETHER_ROW, minute_ts, None, None, tether.tether, tether.usdt_krw, None))
        if rows:
            await self._db.executemany(
                "INSERT OR REPLACE INTO kimp_samples(coin, minute_ts, usdt_kimp, fx_kimp, "
                "tether_premium, upbit_krw, binance_usdt) VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        return len(rows)

    async def series(self, coin: str, since: float) -> list[Sample]:
        rows = await self._db.fetchall(
            "SELECT minute_ts, usdt_kimp, fx_kimp, tether_premium, upbit_krw, binance_usdt "
            "FROM kimp_samples WHERE coin = ? AND minute_ts >= ? ORDER BY minute_ts",
            (coin.upper(), int(since)),
        )
        return [Sample(*r) for r in rows]

    async def since(
        self, since: float
    ) -> list[tuple[str, int, float | None, float | None, float | None]]:
        """(coin, minute_ts, usdt_kimp, fx_kimp, tether) of every row from `since`, oldest first."""
        rows = await self._db.fetchall(
            "SELECT coin, minute_ts, usdt_kimp, fx_kimp, tether_premium FROM kimp_samples "
            "WHERE minute_ts >= ? ORDER BY minute_ts",
            (int(since),),
        )
        return [(str(r[0]), int(r[1]), r[2], r[3], r[4]) for r in rows]

    async def prune_before(self, cutoff: float, limit: int) -> int:
        """Retention (core.storage.retention.Prunable): up to `limit` samples before `cutoff`."""
        return await self._db.execute(
            "DELETE FROM kimp_samples WHERE (coin, minute_ts) IN (SELECT coin, minute_ts FROM "
            "kimp_samples WHERE minute_ts < ? ORDER BY minute_ts LIMIT ?)",
            (int(cutoff), limit),
        )
