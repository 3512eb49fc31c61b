"""Wires operations into the service: retention and upkeep, backups, the heartbeat, /backup."""

from __future__ import annotations

from alerts.alert_state import AlertStore
from alerts.funding_history import FundingHistory
from alerts.history import PremiumHistory
from bot.commands.ops import register_ops
from bot.config import Settings
from bot.features import AppContext
from bot.notify.outbox import Outbox
from bot.ops.alive import touch_alive
from bot.ops.heartbeat import Heartbeat, service_health
from bot.ops.maintenance import DAY, Maintenance
from bot.ops.service import Ops
from bot.settings_sections import backup_folder
from bot.telegram.inbox import Inbox
from core.clock import Clock
from core.storage import Database
from core.storage.retention import RetentionRule
from exchanges.candle_store import CandleStore
from strategies.store import BotStore


def retention_rules(settings: Settings, db: Database, clock: Clock) -> list[RetentionRule]:
    """Each table's owner prunes it; the app only says how long to keep what. The one schedule
    for every table: nothing else deletes old rows."""
    ops = settings.ops
    return [
        RetentionRule("kimp_samples", settings.kimp.kimp_history_days * DAY, PremiumHistory(db)),
        # funding rates are the replay's other input: kept as long as the premium samples
        RetentionRule("funding_rates", settings.kimp.kimp_history_days * DAY, FundingHistory(db)),
        RetentionRule("candles", ops.candle_retention_days * DAY, CandleStore(db)),
        RetentionRule("decisions", ops.decision_retention_days * DAY, BotStore(db, clock)),
        RetentionRule("outbox", ops.notification_retention_days * DAY, Outbox(db)),
        # The sent-alert log is the notifications' kimp side: kept as long as they are.
        RetentionRule("alerts_sent", ops.notification_retention_days * DAY, AlertStore(db)),
        # Answered Telegram commands: only a redelivered update's duplicate check reads them.
        RetentionRule("inbox", ops.inbox_retention_days * DAY, Inbox(db)),
    ]


async def install(app: AppContext) -> None:
    settings = app.settings.ops
    maintenance = Maintenance(
        app.db,
        retention_rules(app.settings, app.db, app.clock),
        app.clock,
        app.settings.core.tz,
        settings.maintenance_hour,
    )
    app.supervisor.start("maintenance", maintenance.run)
    alive = settings.alive_file
    if alive is not None:
        app.supervisor.start("alive-file", lambda: touch_alive(alive, app.clock))
    heartbeat = None
    if settings.heartbeat_url is not None:
        facade, supervisor, clock = app.facade, app.supervisor, app.clock
        grace = settings.heartbeat_stream_grace

        heartbeat = Heartbeat(
            settings.heartbeat_url.get_secret_value(),
            settings.heartbeat_interval,
            app.clock,
            lambda: service_health(facade.stream_status, supervisor, clock.now(), grace),
        )
        app.supervisor.start("heartbeat", heartbeat.run)
    ops = Ops(
        app.db,
        settings,
        backup_folder(settings, app.settings.storage.db_path),
        app.clock,
        app.settings.core.language,
        app.facade.started_at,
        heartbeat,
    )
    if settings.backup_interval_hours > 0 and str(app.db.path) != ":memory:":
        app.supervisor.start("backups", ops.run_backups)
    app.facade.ops = ops
    app.facade.report_sections.append(ops)
    register_ops(app.registry)
