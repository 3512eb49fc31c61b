"""The daily report: built from what each feature reports (`bot.reports.sources`), sent through the durable notifier at
`DAILY_REPORT_TIME` in `TIMEZONE` by PTB's job queue (without Telegram: by `run_headless`, and the
console prints it), caught up on start if it was missed.

A scheduled report covers the 24 hours before its slot. The last slot sent is kept in the kv
table, and the outbox dedup key `daily-report:<date>` makes a slot go out at most once even if
the job and the start-up catch-up race, or the service restarts halfway.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from loguru import logger
from telegram.ext import ContextTypes, JobQueue

from bot.chart_files import charts_dir, save_chart
from bot.chart_words import report_words
from bot.facade import ServiceFacade
from bot.i18n import money, word
from bot.i18n.when import clock
from bot.reports.chart import PnlSeries, report_chart
from bot.reports.pnl_series import realised_pnl_series
from bot.reports.sources import ReportSources
from bot.reports.streams import StreamLog
from bot.telegram import i18n
from core import numbers
from core.clock import Clock, SystemClock
from core.notifications import Notification, NotificationKind
from core.storage.kv import KeyValueStore
from core.symbols import Venue
from trading.report_queries import Balance

JOB_NAME = "daily-report"
KV_LAST = "daily_report.last_slot"
KV_EQUITY = "daily_report.equity_krw"
MISFIRE_GRACE = 3 * 3600  # a loop busy at 09:00 (or a suspended laptop) still gets its report


@dataclass(frozen=True, slots=True)
class Holding:
    venue: str
    asset: str
    amount: Decimal
    krw: Decimal | None  # None: no price to value it


@dataclass(frozen=True, slots=True)
class Report:
    text: str
    png: bytes
    equity_krw: Decimal | None


def _venue_word(language: str, venue: str) -> str:
    """A stored venue value (`binance_futures`) as its name (바이낸스 선물(USDT-M))."""
    try:
        return word(language, Venue(venue))
    except ValueError:  # a venue this version no longer knows: shown as stored
        return venue


def valued(balances: list[Balance], krw_prices: dict[str, float]) -> list[Holding]:
    """Balances with their KRW value where a price is known."""
    out = []
    for b in balances:
        price = krw_prices.get(b.asset.upper())
        krw = b.amount * Decimal(str(price)) if price is not None else None
        out.append(Holding(b.venue, b.asset, b.amount, krw))
    return out


async def _tolerant[T](what: str, query: Awaitable[T], empty: T) -> T:
    """A section whose query fails (a table not there yet, a column renamed) comes out empty;
    the report itself still goes out."""
    try:
        return await query
    except (sqlite3.Error, ValueError) as exc:
        logger.warning("report query skipped ({}): {}", exc, what)
        return empty


class DailyReporter:
    def __init__(
        self,
        facade: ServiceFacade,
        sources: ReportSources,
        *,
        clock: Clock | None = None,
        stream_log: StreamLog | None = None,
        chart_dir: Path | None = None,
    ) -> None:
        self._facade = facade
        self._sources = sources
        self._settings = facade.settings
        self._clock = clock or SystemClock()
        self._kv = KeyValueStore(facade.db)
        self._streams = stream_log
        self._chart_dir = chart_dir or charts_dir(self._settings.db_path.parent)
        self._lock = asyncio.Lock()
        self.sent_slots: list[str] = []

    @property
    def language(self) -> str:
        return self._settings.language

    def now(self) -> float:
        return self._clock.now()

    # --- schedule -----------------------------------------------------------------------------
    def slot_for(self, now: float) -> datetime:
        """The latest report time at or before `now`, in the report time zone."""
        tz = self._settings.tz
        at = self._settings.daily_report_time
        local = datetime.fromtimestamp(now, tz)
        slot = local.replace(hour=at.hour, minute=at.minute, second=at.second, microsecond=0)
        return slot if slot <= local else slot - timedelta(days=1)

    def schedule(self, job_queue: JobQueue[Any] | None) -> None:
        if job_queue is None:
            logger.error("no job queue (python-telegram-bot[job-queue] missing): no daily report")
            return
        if job_queue.get_jobs_by_name(JOB_NAME):
            return
        at = self._settings.daily_report_time.replace(tzinfo=self._settings.tz)
        job_queue.run_daily(
            self._job,
            time=at,
            name=JOB_NAME,
            job_kwargs={"misfire_grace_time": MISFIRE_GRACE, "coalesce": True},
        )
        logger.info("daily report scheduled at {} {}", at.strftime("%H:%M:%S"), at.tzinfo)

    async def _job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        # A few seconds of slack: the scheduler's clock and ours may disagree by a hair.
        await self.send_for_slot(self.slot_for(self._clock.now() + 5.0))

    async def run_headless(self) -> None:
        """The schedule without Telegram's job queue: send each slot's report when its time
        comes. Wakes at least once a minute, so a clock that jumps or a machine that was
        suspended is noticed; a slot already sent (or caught up) is not sent again."""
        while True:
            now = self._clock.now()
            slot = self.slot_for(now)
            if now - slot.timestamp() <= MISFIRE_GRACE:
                await self.send_for_slot(slot)
            wait = (slot + timedelta(days=1)).timestamp() - now
            await self._clock.sleep(min(max(wait, 0.05), 60.0))

    async def catch_up(self) -> bool:
        """On start: send the latest slot's report if it was missed while the service was down."""
        slot = self.slot_for(self._clock.now())
        last = await self._kv.get(KV_LAST)
        if last is None:
            # First run ever: nothing was missed; start counting from here.
            await self._kv.set(KV_LAST, slot.date().isoformat())
            return False
        if last >= slot.date().isoformat():
            return False
        logger.info("the daily report for {} was missed; sending it now", slot.date())
        return await self.send_for_slot(slot)

    async def send_for_slot(self, slot: datetime) -> bool:
        """Queue the report for `slot` once; True if it was queued now."""
        key = slot.date().isoformat()
        async with self._lock:
            last = await self._kv.get(KV_LAST)
            if last is not None and last >= key:
                return False
            until = slot.timestamp()
            title = i18n.text(self.language, "report_title", day=clock(until, self._settings.tz))
            report = await self.build(until - 86400, until, title)
            path = await self._save_chart(until, report.png)
            await self._facade.notifier.notify_async(
                Notification(
                    NotificationKind.REPORT,
                    report.text,
                    dedup_key=f"daily-report:{key}",
                    photo_path=str(path) if path else None,
                )
            )
            await self._kv.set(KV_LAST, key)
            if report.equity_krw is not None:
                await self._kv.set(
                    KV_EQUITY, json.dumps({"day": key, "krw": str(report.equity_krw)})
                )
            self.sent_slots.append(key)
            logger.info("daily report {} queued; chart: {}", key, path)
            return True

    async def _save_chart(self, slot: float, png: bytes) -> Path | None:
        try:
            tz = self._settings.tz
            return await asyncio.to_thread(
                save_chart, self._chart_dir, png, "daily-report", slot, tz
            )
        except OSError as exc:
            logger.error("could not save the report chart ({}); sending the text only", exc)
            return None

    # --- content ------------------------------------------------------------------------------
    async def build(self, since: float, until: float, title: str) -> Report:
        lang, src = self.language, self._sources
        paper = not self._settings.live
        lines = [title, ""]

        lines.append(i18n.text(lang, "report_bots"))
        days = await _tolerant("fills", src.trading.bot_days(since, until, paper), [])
        for day in days:
            pnl = " ".join(money.pnl(lang, v, q) for q, v in day.pnl.items())
            line = i18n.text(
                lang, "report_bot_line", bot=day.bot, trades=day.trades, pnl=pnl or "0"
            )
            lines.append(line)
        if not days:
            lines.append(i18n.text(lang, "report_no_trades"))
        lines.append("")

        lines.append(i18n.text(lang, "report_balances"))
        balances = await _tolerant("balances", src.trading.balances(paper), [])
        prices = await _tolerant("kimp prices", src.kimp.latest_prices(), {"KRW": 1.0})
        held = valued(balances, prices)
        total = sum((h.krw for h in held if h.krw is not None), Decimal(0))
        for h in held:
            value = (
                f"≈ {money.money(lang, h.krw, 'KRW')}"
                if h.krw is not None
                else i18n.text(lang, "report_no_price")
            )
            venue = _venue_word(lang, h.venue)
            lines.append(f"  {venue:<16} {h.asset:<6} {numbers.quantity(h.amount):>18}  {value}")
        equity = total if held else None
        if equity is not None:
            lines.append(
                i18n.text(
                    lang,
                    "report_equity",
                    total=money.money(lang, equity, "KRW", short=True),
                    change=await self._change(equity),
                )
            )
        else:
            lines.append(i18n.text(lang, "report_no_balances"))
        lines.append("")

        # The premium the alerts watch (KIMP_ALERT_BASIS), labelled: USDT and FX kimp differ.
        basis = self._settings.kimp.kimp_alert_basis
        lines.append(
            i18n.text(lang, "report_kimp_on", basis=i18n.text(lang, f"kimp.basis.{basis}"))
        )
        kimp = await _tolerant("kimp day", src.kimp.kimp_day(since, until, basis=basis), None)
        if kimp is None or not kimp.samples:
            lines.append(i18n.text(lang, "report_kimp_none"))
        else:
            lines.append(
                i18n.text(
                    lang,
                    "report_kimp_line",
                    hi=f"{numbers.percent(kimp.high)}%",
                    lo=f"{numbers.percent(kimp.low)}%",
                    avg=f"{numbers.percent(kimp.avg)}%",
                    n=kimp.samples,
                )
            )
        if kimp is not None:
            if kimp.top:
                items = ", ".join(f"{c} {numbers.percent(v)}%" for c, v in kimp.top)
                lines.append(i18n.text(lang, "report_kimp_top", items=items))
            lines.append(i18n.text(lang, "report_alerts", n=kimp.alerts))
            lines += [f"   · {t.splitlines()[0][:120]}" for t in kimp.alert_texts]
        no_quiet: dict[str, tuple[str, ...]] = {}
        quiet = await _tolerant("quiet listings", src.kimp.quiet_listings(since, until), no_quiet)
        for venue, coins in sorted(quiet.items()):
            shown = ", ".join(coins[:10]) + (", …" if len(coins) > 10 else "")
            name = i18n.text(lang, f"name.{venue}")
            lines.append(
                i18n.text(lang, "report_quiet_listings", venue=name, n=len(coins), coins=shown)
            )
        lines.append("")

        lines += await self._stream_section(since, until)
        lines += await self._provider_sections(since, until)

        no_pnl: PnlSeries = {}
        cum_pnl = await _tolerant(
            "pnl series", realised_pnl_series(src.trading, since, until, paper), no_pnl
        )
        words = report_words(lang, self._settings.tz, until, cum_pnl, basis)
        premium = kimp.series if kimp else ()
        png = await asyncio.to_thread(
            report_chart, premium, cum_pnl, self._settings.tz, words, (since, until)
        )
        return Report("\n".join(lines).rstrip(), png, equity)

    async def _change(self, equity: Decimal) -> str:
        raw = await self._kv.get(KV_EQUITY)
        try:
            prev = Decimal(json.loads(raw)["krw"]) if raw else None
        except (ValueError, KeyError, TypeError, ArithmeticError):
            prev = None
        if not prev:
            return ""
        delta = equity - prev
        pct = f"{numbers.percent(delta / prev * 100)}%"
        delta_text = money.signed_money(self.language, delta, "KRW")
        return i18n.text(self.language, "report_equity_change", sign="", delta=delta_text, pct=pct)

    async def _stream_section(self, since: float, until: float) -> list[str]:
        lang = self.language
        lines = [i18n.text(lang, "report_streams")]
        if self._streams is not None:
            self._streams.seed(list(self._facade.stream_status.values()))
            for name, (up, seen, incidents) in sorted(self._streams.uptime(since, until).items()):
                pct = up / seen * 100 if seen else 0.0
                line = i18n.text(
                    lang, "report_stream_line", name=name, pct=pct, incidents=incidents
                )
                lines.append(line)
        log = self._sources.incidents
        stream = await _tolerant("outbox", log.texts((NotificationKind.STREAM,), since, until), [])
        crashes = await _tolerant(
            "outbox", log.texts((NotificationKind.COMPONENT,), since, until), []
        )
        if len(lines) == 1 and not stream and not crashes:
            lines.append(i18n.text(lang, "report_streams_none"))
        lines.append(i18n.text(lang, "report_incidents", n=len(stream), crashes=len(crashes)))
        lines += [f"   · {t.splitlines()[0][:120]}" for t in (stream + crashes)[-5:]]
        lines.append("")
        return lines

    async def _provider_sections(self, since: float, until: float) -> list[str]:
        """The sections features add (`facade.report_sections`), each followed by a blank line."""
        lines: list[str] = []
        for section in self._facade.report_sections:
            try:
                lines += [str(x) for x in await section.report_lines(since, until)] + [""]
            except Exception:
                logger.exception("a report section failed; the report goes out without it")
        return lines
