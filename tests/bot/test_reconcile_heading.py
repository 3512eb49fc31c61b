"""Start-up reconciliation reports under its own heading, not "Risk limit".

Regression (issue 12): the start-up reconciliation was queued as a RISK notification and so
arrived headed "🛑 Risk limit", though no limit was involved.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from bot.i18n import header
from bot.notify.outbox import Outbox
from core.market import Side
from core.notifications import NotificationKind
from core.orders import Order, OrderStatus, OrderType
from core.symbols import Instrument, Symbol, Venue
from tests.trading.test_commands import app_ctx


async def test_startup_reconciliation_has_its_own_heading(tmp_path: Path) -> None:
    async with app_ctx(tmp_path) as (app, _ctx):
        # A crash between writing an order and sending it leaves an intent behind.
        intent = Order(
            "crash-1", Instrument(Venue.UPBIT, Symbol("BTC", "KRW")), Side.BUY,
            OrderType.MARKET, Decimal("0.001"), None, OrderStatus.INTENT, paper=True,
            created_ts=1.0, updated_ts=1.0,
        )  # fmt: skip
        await app.facade.trading.svc.store.insert_intent(intent)
    async with app_ctx(tmp_path) as (app, _ctx):
        await app.notifier.flush_writes()
        items = await Outbox(app.db).pending()
        reports = [i for i in items if "Start-up reconciliation:" in i.text]
        assert len(reports) == 1, [(i.kind, i.text) for i in items]
        assert "crash-1" in reports[0].text
        assert reports[0].kind is NotificationKind.RECONCILE
    assert header("en", NotificationKind.RECONCILE) == "🔄 Reconciliation"
    assert header("ko", NotificationKind.RECONCILE) == "🔄 주문·잔고 대조"
