"""A few virtual days of bench.month (the 30-day run, small): premium history, candles, bots
(their orders through the paper order path) and alerts written by the service's components on
the simulator's market, pruned by the service's retention rules; each pruned table stops growing
after its window and so does the file."""

from __future__ import annotations

from bench.month import flat_after, run

COINS, DAYS, KEEP, BOT_MARKETS = 4, 4, 1, 3


async def test_a_few_virtual_days_stay_flat_after_the_retention_window() -> None:
    days = await run(COINS, DAYS, KEEP, BOT_MARKETS)
    assert [d.day for d in days] == [1, 2, 3, 4]
    first, last = days[0].rows, days[-1].rows
    # Everything really ran: premiums every minute, candles and decisions from the bots, alerts.
    assert first["kimp_samples"] == 1440 * (COINS + 1)  # + the tether row
    assert first["candles"] > 1440 * BOT_MARKETS and first["decisions"] > 0
    assert last["outbox"] > 0 and last["alerts_sent"] > 0
    # The bots' orders went through the real order path (order service, paper broker): the
    # ledger's tables fill up and, having no retention rule, keep every row.
    assert 0 < first["orders"] < last["orders"] and first["fills"] > 0
    assert last["fills"] >= last["orders"] * 0.9 and last["positions"] > 0
    assert [d.rows["orders"] for d in days] == sorted(d.rows["orders"] for d in days)
    # Past the window each table holds about one window of rows (+ up to a pass's 15 minutes).
    window = (KEEP * 1440 + 15) / 1440
    assert last["kimp_samples"] <= first["kimp_samples"] * window
    assert last["candles"] <= first["candles"] * window * 1.02
    # The sent-alert log too (it grew by a day's alerts every day before it had a rule).
    assert last["alerts_sent"] <= first["alerts_sent"] * window + 1
    _, top, ok = flat_after(days, KEEP)
    assert ok, [(d.day, d.file, d.total) for d in days]
    # Stated bound for this size: measured a 1.9 MB file, 3.0 MB with the write-ahead log.
    assert top < 8 * 1024 * 1024 and max(d.total for d in days) < 8 * 1024 * 1024
