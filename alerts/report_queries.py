"""What the daily report needs from the kimp tables (`kimp_samples`, `alerts_sent`), typed.

The report lives in the app; the SQL lives here, next to the tables the alerts feature owns.
"""

from __future__ import annotations

from dataclasses import dataclass

from alerts import quiet_listings
from core.storage import Database
from core.storage.kv import KeyValueStore


@dataclass(frozen=True, slots=True)
class KimpDay:
    samples: int
    high: float
    low: float
    avg: float
    series: tuple[tuple[float, float], ...]  # (ts, premium %)
    top: tuple[tuple[str, float], ...]  # coin, highest premium %
    alerts: int
    alert_texts: tuple[str, ...]  # the last three alerts sent


class KimpReportQueries:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def latest_prices(self) -> dict[str, float]:
        """Latest Upbit KRW price per coin from the samples (USDT included when sampled)."""
        rows = await self._db.fetchall(
            "SELECT coin, upbit_krw, binance_usdt, usdt_kimp FROM kimp_samples k "
            "WHERE minute_ts = (SELECT MAX(minute_ts) FROM kimp_samples WHERE coin = k.coin)",
        )
        prices: dict[str, float] = {}
        usdt_implied: float | None = None
        for coin, krw, usdt, usdt_kimp in rows:
            if krw:
                prices[str(coin).upper()] = float(krw)
            if krw and usdt and usdt_kimp is not None and usdt_implied is None:
                # upbit = binance * usdtkrw * (1 + kimp): solve for the KRW price of one USDT.
                usdt_implied = float(krw) / float(usdt) / (1 + float(usdt_kimp) / 100)
        if "USDT" not in prices and usdt_implied:
            prices["USDT"] = usdt_implied
        prices["KRW"] = 1.0
        return prices

    async def quiet_listings(self, since: float, until: float) -> dict[str, tuple[str, ...]]:
        """Venue ("upbit", "binance") -> coins newly listed there alone and not announced
        (KIMP_ONE_VENUE_LISTINGS) in [since, until)."""
        return await quiet_listings.between(KeyValueStore(self._db), since, until)

    async def kimp_day(
        self, since: float, until: float, coin: str = "BTC", basis: str = "usdt"
    ) -> KimpDay | None:
        """The premium of `coin` over [since, until), the top premiums and the alerts sent, on
        one `basis` ("usdt" or "fx", KIMP_ALERT_BASIS): the premium the alerts watch, never the
        two mixed."""
        column = {"usdt": "usdt_kimp", "fx": "fx_kimp"}[basis]
        # kimp_samples.minute_ts is the minute's start in epoch seconds.
        rows = await self._db.fetchall(
            f"SELECT minute_ts, {column} FROM kimp_samples "
            "WHERE coin = ? AND minute_ts >= ? AND minute_ts < ? ORDER BY minute_ts",
            (coin, since, until),
        )
        series = tuple((float(ts), float(v)) for ts, v in rows if v is not None)
        top_rows = await self._db.fetchall(
            f"SELECT coin, MAX({column}) AS m FROM kimp_samples "
            "WHERE minute_ts >= ? AND minute_ts < ? GROUP BY coin ORDER BY m DESC LIMIT 5",
            (since, until),
        )
        alerts = await self._db.fetchall(
            "SELECT text FROM alerts_sent WHERE ts >= ? AND ts < ? ORDER BY ts",
            (since, until),
        )
        if not series and not top_rows and not alerts:
            return None
        values = [v for _, v in series]
        return KimpDay(
            samples=len(values),
            high=max(values, default=0.0),
            low=min(values, default=0.0),
            avg=sum(values) / len(values) if values else 0.0,
            series=series,
            top=tuple((str(c), float(m)) for c, m in top_rows if m is not None),
            alerts=len(alerts),
            alert_texts=tuple(str(r[0]) for r in alerts[-3:]),
        )
