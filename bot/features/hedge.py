"""Two-leg hedges, installed by the trading installer once its order layer is up.

The executor sits on the trading feature's order service and futures manager; its start-up
repair runs after the order reconciliation (which settles every order a crash left open), and
what it did is told to the user. `facade.hedges` then hands the gateway to a hedge bot
(`facade.hedges.hedge_gateway()`), and /hedge, /positions, /profit and the report read it.
"""

from __future__ import annotations

from bot.commands.hedge import HedgeReport, register_hedge
from bot.features import AppContext
from bot.i18n import Messages
from core.notifications import Notification, NotificationKind
from core.symbols import Venue
from trading.executor import OrderService
from trading.futures import FuturesManager
from trading.hedge.executor import FailurePolicy, HedgeExecutor
from trading.hedge.provider import HedgeDesk
from trading.hedge.repair import repair
from trading.hedge.store import HedgeStore
from trading.hedge.watch import watch

WATCH_INTERVAL = 60.0  # s between checks that open hedges' spot coins are still held


async def install_hedges(app: AppContext, svc: OrderService, futures: FuturesManager) -> None:
    """Without both Upbit and Binance USDⓈ-M trading, /hedge says hedges are not available."""
    register_hedge(app.registry)
    if Venue.UPBIT not in svc.brokers or Venue.BINANCE_FUTURES not in svc.brokers:
        return
    t = Messages(app.settings.core.language)
    policy = FailurePolicy(app.settings.risk.hedge_failure_policy)
    executor = HedgeExecutor(svc, futures, HedgeStore(app.db), policy=policy)
    lines = await repair(executor)
    if lines:
        text = "\n".join([t("hedge.repaired_title"), *(t.render(line) for line in lines)])
        app.notifier.notify(Notification(NotificationKind.RECONCILE, text))
    desk = HedgeDesk(executor, default_leverage=app.settings.risk.hedge_default_leverage)
    app.facade.hedges = desk
    app.facade.report_sections.append(HedgeReport(desk, app.settings.core.language))

    async def run_watch() -> None:
        while True:
            await app.clock.sleep(WATCH_INTERVAL)
            # a leg whose outcome was unknown has been settled by the tracker meanwhile
            fixed = await repair(executor, quiet_pending=True)
            if fixed:
                text = "\n".join([t("hedge.repaired_later"), *(t.render(x) for x in fixed)])
                app.notifier.notify(Notification(NotificationKind.RISK, text))
            await watch(executor)

    app.supervisor.start("hedge-watch", run_watch)
