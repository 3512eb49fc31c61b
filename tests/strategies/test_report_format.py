"""The backtest trade table and summary (issue 14): from the catalog in the configured
language, times in the configured zone, named; prices and PnL through the one money formatter
(never %g's exponent), with their unit."""

from __future__ import annotations

import math
from functools import partial
from zoneinfo import ZoneInfo

from bot.i18n import render
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from strategies.engine import ClosedTrade
from strategies.report import Metrics, format_metrics, format_trades

BTC = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
KST = ZoneInfo("Asia/Seoul")


def _trade(reason: str | Text = "signal") -> ClosedTrade:
    # 2026-01-01 00:00 UTC entry, 01:30 UTC exit
    return ClosedTrade(BTC, 1, 1_767_225_600_000, 1_767_231_000_000, 47_425_000.0,
                       141_976_981.54, 0.001, 70.0, 447.98, reason)  # fmt: skip


def test_trades_in_the_configured_zone_with_plain_prices() -> None:
    table = format_trades([_trade()], tz=KST, words=partial(render, "en"))
    head, row = table.splitlines()
    assert head.startswith("entry (KST)      exit (KST)")
    assert row.startswith("2026-01-01 09:00 2026-01-01 10:30 BTC/KRW long")
    assert "47,425,000 KRW" in row and "141,976,982 KRW" in row and "+448 KRW" in row
    assert "e+" not in table


def test_the_table_and_the_summary_read_in_korean() -> None:
    reason = Text.of("decision.stop_loss_hit")
    table = format_trades([_trade(reason)], tz=KST, words=partial(render, "ko"))
    head, row = table.splitlines()
    assert head.startswith("진입 (KST)") and "손익" in head and "사유" in head
    assert " 롱 " in row and "47,425,000원" in row and "+448원" in row
    assert row.endswith("  손절")
    m = Metrics(3, 2, 66.7, math.inf, 1.25, 1_000_000.0, 1_012_345.6, 1.23456, 1_234.5)
    summary = format_metrics(m, "KRW", partial(render, "ko"))
    assert "승률:        66.7% (수익 거래 2건)" in summary and "손익비:      ∞" in summary
    assert "최종 자산:   1,012,346원 (+1.23%)" in summary and "수수료 합계: 1,234원" in summary
    english = format_metrics(m, "USDT", partial(render, "en"))
    assert "Final equity:    1,012,345.60 USDT (+1.23%)" in english
