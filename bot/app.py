"""Composition root: the only module that wires every component together."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack

from loguru import logger

from bot import __version__
from bot.commands import CommandRegistry
from bot.commands.core import register_core
from bot.config import Settings
from bot.console import ConsoleChat
from bot.demo import simulator
from bot.doctor import render as render_checks
from bot.doctor import run_checks
from bot.doctor.command import register_doctor
from bot.doctor.render import line as render_line
from bot.facade import ServiceFacade
from bot.features import (
    AppContext,
    StartupError,
    hedge_bots,
    kimp,
    market_data,
    strategies,
    telegram,
    trading,
    web,
)
from bot.i18n import Messages, tr
from bot.notify.notifier import Notifier
from bot.notify.outbox import Outbox
from bot.ops import install as ops
from bot.ops.systemd import SystemdNotifier
from bot.providers import MarketDataView
from core.clock import SystemClock
from core.doctor import Check, CheckStatus, failed
from core.events import EventBus
from core.market import StreamStatus
from core.notifications import Notification, NotificationKind
from core.storage import Database, InstanceLock
from core.supervisor import Supervisor
from core.symbols import Venue
from strategies.botconfig import BotConfigError
from strategies.loader import StrategyLoadError

# Feature installers, in start order (see bot/features/__init__.py).
FEATURES: list[Callable[[AppContext], Awaitable[object]]] = [
    market_data.install,
    trading.install,
    strategies.install,
    kimp.install,
    hedge_bots.install,  # after kimp (its FX rate) and strategies (the bots' run state)
    telegram.install,
    web.install,
    ops.install,  # retention, backups, heartbeat: after the features whose tables it prunes
]


class Service:
    """The running service. `run()` returns when `stop` is set, after an ordered shutdown."""

    def __init__(
        self,
        settings: Settings,
        *,
        sim: bool = False,
        features: list[Callable[[AppContext], Awaitable[object]]] | None = None,
    ) -> None:
        self.settings = settings
        self.sim = sim
        # Tests may pass their own installers (e.g. Telegram with a test rate limit).
        self.features = FEATURES if features is None else features
        self.facade: ServiceFacade | None = None
        self.ready = asyncio.Event()
        # The pre-flight check run before live trading starts (empty in paper mode).
        self.preflight: list[Check] = []

    async def run(self, stop: asyncio.Event) -> None:
        async with AsyncExitStack() as stack:
            if self.sim:
                self.settings = await stack.enter_async_context(simulator(self.settings))
            settings = self.settings
            core = settings.core
            # One service per database, before anything touches it: a second one would act on
            # the same orders and notifications without seeing the first's kill switch.
            lock = InstanceLock.acquire(settings.storage.db_path)
            stack.callback(lock.release)
            db = await Database.connect(settings.storage.db_path)
            stack.push_async_callback(db.close)
            # Everything below is torn down explicitly, inside the shutdown deadline.

            bus = EventBus()
            notifier = Notifier(Outbox(db), settings.notify, core.language)
            supervisor = Supervisor(on_crash=lambda *a: _report_crash(notifier, core.language, *a))
            facade = ServiceFacade(
                settings=settings,
                db=db,
                bus=bus,
                supervisor=supervisor,
                notifier=notifier,
                version=__version__,
            )
            self.facade = facade
            registry = CommandRegistry()
            register_core(registry)
            register_doctor(registry)
            console = ConsoleChat(registry, facade)
            # No sender yet: what features queue while starting waits in the outbox for the
            # transport chosen below (Telegram if its installer sets it, else the console).

            supervisor.start("notifier", notifier.run)
            supervisor.start("stream-status", lambda: _track_stream_status(facade))
            supervisor.start("console", console.run, restart=False)
            # Under systemd (Type=notify): the watchdog pings come from this loop, so a wedged
            # loop is restarted, not just a dead process.
            systemd = SystemdNotifier()
            if systemd.watchdog_interval is not None:
                supervisor.start("watchdog", lambda: systemd.watchdog(SystemClock()))

            app = AppContext(
                settings=settings,
                db=db,
                bus=bus,
                supervisor=supervisor,
                registry=registry,
                facade=facade,
                notifier=notifier,
                clock=SystemClock(),
                stack=stack,
            )
            startup = asyncio.create_task(self._start_features(app), name="startup")
            stop_wait = asyncio.create_task(stop.wait(), name="stop-wait")
            await asyncio.wait({startup, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
            if not notifier.has_sender and settings.telegram.telegram_bot_token is None:
                notifier.set_sender(console)
            if not startup.done():
                logger.info("stop requested during start-up")
                startup.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await startup
            else:
                try:
                    startup.result()
                except BaseException:
                    stop_wait.cancel()
                    await supervisor.stop(core.shutdown_timeout)
                    raise
                if core.live:
                    logger.warning("started in LIVE TRADING mode — real orders will be placed")
                else:
                    logger.info("started in paper trading mode (no real orders)")
                # The notice waits for the venues to deliver (it says which did), but never
                # holds up a stop.
                summary = asyncio.create_task(
                    _startup_summary(facade, self.preflight), name="startup-summary"
                )
                await asyncio.wait({summary, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
                if summary.done():
                    text = summary.result()
                    await notifier.notify_async(Notification(NotificationKind.STARTUP, text))
                else:
                    summary.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await summary
                # Start-up objects (modules, markets, history) live for the whole run: keep them
                # out of the garbage collector's full passes, which otherwise pause the streams.
                gc.freeze()
                self.ready.set()
                systemd.ready()
                await stop_wait
            stop_wait.cancel()

            systemd.stopping()
            logger.info("stopping (deadline {:.0f}s)", core.shutdown_timeout)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + core.shutdown_timeout
            await self._shutdown(facade, notifier, supervisor, deadline)
            # Feature cleanups (exchange sessions, brokers) and finally the DB, in reverse order.
            try:
                async with asyncio.timeout(max(0.5, deadline - loop.time())):
                    await stack.aclose()
            except TimeoutError:
                logger.warning("clean-up overran the shutdown deadline")
            logger.info("stopped")

    async def _start_features(self, app: AppContext) -> None:
        if app.settings.core.live:
            await self._preflight(app)
        for install in self.features:
            try:
                await install(app)
            except (BotConfigError, StrategyLoadError) as exc:
                # worded in the configured language, like the rest of what the user reads
                words = Messages(app.settings.core.language).render(exc.text())
                raise StartupError(words) from None

    async def _preflight(self, app: AppContext) -> None:
        """Live trading starts only when the pre-flight check finds no ❌ (bot/doctor)."""
        logger.info("live mode: running the pre-flight check")
        self.preflight = await run_checks(app.settings)
        text = render_checks(self.preflight, "en")
        if failed(self.preflight):
            app.live_refused = True
            logger.error("LIVE TRADING REFUSED: the pre-flight check failed\n{}", text)
        else:
            logger.info("pre-flight check passed\n{}", text)

    async def _shutdown(
        self, facade: ServiceFacade, notifier: Notifier, supervisor: Supervisor, deadline: float
    ) -> None:
        loop = asyncio.get_running_loop()
        t = Messages(facade.settings.core.language)
        await notifier.notify_async(Notification(NotificationKind.SHUTDOWN, t("shutdown")))
        # Reserve part of the deadline for the final notification flush and the clean-ups.
        overran = await supervisor.stop(max(0.5, deadline - loop.time() - 2.0))
        if overran:
            logger.warning("components that overran the shutdown deadline: {}", ", ".join(overran))
        await notifier.flush_writes()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(0.1, deadline - loop.time() - 1.0)):
                await notifier.deliver_pending()


async def _startup_summary(facade: ServiceFacade, preflight: Sequence[Check] = ()) -> str:
    core, venues = facade.settings.core, facade.settings.exchanges
    t = Messages(core.language)
    mode = t("mode.live") if core.live else t("mode.paper")
    lines = [t("startup.title", mode=mode, version=__version__)]
    if failed(preflight):
        problems = [c for c in preflight if c.status is CheckStatus.FAIL]
        lines.append(t("doctor.live_refused", fails=len(problems)))
        lines += ["  " + render_line(c, t) for c in problems]
    if facade.market_data is not None:
        lines.append(await _market_data_line(facade.market_data, t))
    if core.live and not failed(preflight):
        keyed = []
        if venues.upbit_access_key is not None and venues.upbit_secret_key is not None:
            keyed.append(Venue.UPBIT)
        if venues.binance_api_key is not None and venues.binance_api_secret is not None:
            keyed += [Venue.BINANCE_SPOT, Venue.BINANCE_FUTURES]
        if venues.bithumb_enabled and venues.bithumb_access_key and venues.bithumb_secret_key:
            keyed.append(Venue.BITHUMB)
        lines.append(t("startup.live_venues", venues=", ".join(t.word(v) for v in keyed)))
    if facade.bots is not None:
        bots = await facade.bots.status_lines()
        listed = "; ".join(t.render(b) for b in bots)
        lines.append(t("startup.bots", bots=listed or t("startup.no_bots")))
    lines.append(t("startup.help"))
    return "\n".join(lines)


STARTUP_WAIT = 10.0  # s the start-up notice waits for every venue's first market data


async def _market_data_line(md: MarketDataView, t: Messages, wait: float = STARTUP_WAIT) -> str:
    """Which venues actually deliver market data, which are still being tried; with none at
    all, that the service looks offline and how to run the offline demo instead."""
    delivering = await md.wait_delivering(wait)
    up = ", ".join(t.word(v) for v, ok in delivering.items() if ok)
    down = ", ".join(t.word(v) for v, ok in delivering.items() if not ok)
    if not up:
        return t("startup.offline", venues=down, secs=f"{wait:.0f}")
    if down:
        return t("startup.market_partial", live=up, trying=down)
    return t("startup.market_data", venues=up)


def _report_crash(
    notifier: Notifier,
    language: str,
    name: str,
    exc: BaseException,
    restarts: int,
    delay: float,
) -> None:
    error = f"{type(exc).__name__}: {exc}"
    text = tr(language, "crash", name=name, error=error, restarts=restarts, delay=f"{delay:.0f}")
    notifier.notify(Notification(NotificationKind.COMPONENT, text))


async def _track_stream_status(facade: ServiceFacade) -> None:
    sub = facade.bus.subscribe("status-tracker", StreamStatus, conflate=False)
    try:
        while True:
            st: StreamStatus = await sub.get()
            facade.stream_status[st.connection] = st
    finally:
        facade.bus.unsubscribe(sub)
