"""What the daily report reads: plain queries over the shared tables, tolerant of missing data.

Other features fill these tables (fills, balances, kimp_samples, alerts_sent, outbox); a query
that fails (a table not there yet, a column renamed) yields an empty section, never a failed report.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from loguru import logger

from core.storage import Database


def dec(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value is not None else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


async def _rows(db: Database, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    try:
        return list(await db.fetchall(sql, params))
    except (sqlite3.Error, ValueError) as exc:
        logger.warning("report query skipped ({}): {}", exc, sql.split("FROM")[-1][:60])
        return []


def quote_of(symbol: str, venue: str) -> str:
    for sep in ("/", "-"):
        if sep in symbol:
            a, b = symbol.upper().split(sep, 1)
            return a if venue == "upbit" and sep == "-" else b  # Upbit codes are KRW-BTC
    return "KRW" if venue == "upbit" else "USDT"


@dataclass(slots=True)
class BotDay:
    bot: str
    trades: int = 0
    pnl: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    fees: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))


async def bot_days(db: Database, since: float, until: float, paper: bool) -> list[BotDay]:
    rows = await _rows(
        db,
        "SELECT COALESCE(bot, 'manual'), venue, symbol, realized_pnl, fee, fee_asset FROM fills "
        "WHERE ts >= ? AND ts < ? AND paper = ? ORDER BY ts",
        (since, until, int(paper)),
    )
    out: dict[str, BotDay] = {}
    for bot, venue, symbol, pnl, fee, fee_asset in rows:
        day = out.setdefault(bot, BotDay(bot))
        day.trades += 1
        day.pnl[quote_of(symbol, venue)] += dec(pnl)
        day.fees[str(fee_asset)] += dec(fee)
    return sorted(out.values(), key=lambda d: d.bot)


@dataclass(frozen=True, slots=True)
class Holding:
    venue: str
    asset: str
    amount: Decimal
    krw: Decimal | None  # None: no price to value it


async def latest_prices(db: Database) -> dict[str, float]:
    """Latest Upbit KRW price per coin from the kimp samples (USDT included when sampled)."""
    rows = await _rows(
        db,
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


async def holdings(db: Database, paper: bool) -> list[Holding]:
    rows = await _rows(
        db,
        "SELECT venue, asset, free, locked FROM balances WHERE paper = ? ORDER BY venue, asset",
        (int(paper),),
    )
    prices = await latest_prices(db)
    out = []
    for venue, asset, free, locked in rows:
        amount = dec(free) + dec(locked)
        if amount == 0:
            continue
        price = prices.get(str(asset).upper())
        krw = amount * Decimal(str(price)) if price is not None else None
        out.append(Holding(str(venue), str(asset), amount, krw))
    return out


@dataclass(frozen=True, slots=True)
class KimpDay:
    samples: int
    high: float
    low: float
    avg: float
    series: list[tuple[float, float]]  # (ts, premium %)
    top: list[tuple[str, float]]  # coin, highest premium %
    alerts: int
    alert_texts: list[str]


async def kimp_day(db: Database, since: float, until: float, coin: str = "BTC") -> KimpDay | None:
    # kimp_samples.minute_ts is the minute's start in epoch seconds.
    rows = await _rows(
        db,
        "SELECT minute_ts, COALESCE(fx_kimp, usdt_kimp) FROM kimp_samples "
        "WHERE coin = ? AND minute_ts >= ? AND minute_ts < ? ORDER BY minute_ts",
        (coin, since, until),
    )
    series = [(float(ts), float(v)) for ts, v in rows if v is not None]
    top_rows = await _rows(
        db,
        "SELECT coin, MAX(COALESCE(fx_kimp, usdt_kimp)) AS m FROM kimp_samples "
        "WHERE minute_ts >= ? AND minute_ts < ? GROUP BY coin ORDER BY m DESC LIMIT 5",
        (since, until),
    )
    alerts = await _rows(
        db,
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
        top=[(str(c), float(m)) for c, m in top_rows if m is not None],
        alerts=len(alerts),
        alert_texts=[str(r[0]) for r in alerts[-3:]],
    )


async def outbox_events(
    db: Database, kinds: tuple[str, ...], since: float, until: float
) -> list[str]:
    """Texts of notifications of `kinds` queued in the window (stream incidents, crashes)."""
    marks = ",".join("?" for _ in kinds)
    rows = await _rows(
        db,
        f"SELECT text FROM outbox WHERE kind IN ({marks}) AND created_ts >= ? AND created_ts < ? "
        "ORDER BY id",
        (*kinds, since, until),
    )
    return [str(r[0]) for r in rows]
