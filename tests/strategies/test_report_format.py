"""The backtest trade table (issue 14): times in the configured zone, named; prices and PnL
through core.numbers (never %g's exponent)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from core.symbols import Instrument, Symbol, Venue
from strategies.engine import ClosedTrade
from strategies.report import format_trades

BTC = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))


def test_trades_in_the_configured_zone_with_plain_prices() -> None:
    # 2026-01-01 00:00 UTC entry, 01:30 UTC exit
    t = ClosedTrade(BTC, 1, 1_767_225_600_000, 1_767_231_000_000, 141_459_000.0, 141_976_981.54,
                    0.001, 70.0, 447.98, "signal")  # fmt: skip
    table = format_trades([t], tz=ZoneInfo("Asia/Seoul"))
    head, row = table.splitlines()
    assert head.startswith("entry (KST)      exit (KST)")
    assert row.startswith("2026-01-01 09:00 2026-01-01 10:30 BTC/KRW")
    assert "141,459,000" in row and "141,976,982" in row and "+448" in row
    assert "e+" not in table
