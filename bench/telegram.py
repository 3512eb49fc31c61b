"""Benchmark: notification -> sendMessage latency, and a 1,000-alert burst within Telegram's limits.

`python -m bench.telegram` runs both against the local Bot API emulator (127.0.0.1) with the
real notifier, SQLite outbox, rate limiter and sender:

1. latency: one notification at a time; from `notifier.notify()` to the emulator receiving the
   sendMessage request. Our per-chat limiter is relaxed here: this measures our pipeline, not
   Telegram's 1 msg/s.
2. burst: 1,000 kimp alerts at once with Telegram's limits on both sides (the emulator answers
   429 like Telegram when a chat gets more than ~1 msg/s); all must arrive exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings, load_settings
from bot.notify.notifier import Notifier
from bot.notify.outbox import Outbox
from bot.telegram.ratelimit import Limits, Throttle
from bot.telegram.sender import TelegramSender
from bot.telegram.transport import TransportOptions, build_application
from core.notifications import Notification, NotificationKind
from core.storage import Database
from peers.telegram_emulator import TelegramEmulator

CHAT = 777000111


@dataclass(slots=True)
class Rig:
    tg: TelegramEmulator
    notifier: Notifier
    sender: TelegramSender
    throttle: Throttle


@contextlib.asynccontextmanager
async def rig(folder: Path, name: str, limits: Limits, flood: bool) -> AsyncIterator[Rig]:
    async with TelegramEmulator(flood_limits=flood) as tg:
        settings: Settings = load_settings(
            env_file=None,
            db_path=folder / f"{name}.sqlite3",
            telegram_bot_token=tg.token,
            telegram_chat_id=CHAT,
            telegram_api_url=tg.base_url,
            language="ko",
        )
        throttle = Throttle(limits)
        app = build_application(
            settings.telegram, settings.core.tz, throttle, TransportOptions(request_timeout=5.0)
        )
        async with Database.open(settings.db_path) as db, app.bot:
            notifier = Notifier(Outbox(db), settings.notify, settings.core.language)
            sender = TelegramSender(app.bot, CHAT, throttle, settings.language)
            notifier.set_sender(sender)
            task = asyncio.create_task(notifier.run(), name="bench-notifier")
            try:
                yield Rig(tg, notifier, sender, throttle)
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task


def _received_at(tg: TelegramEmulator, marker: str) -> float | None:
    for call in reversed(tg.calls("sendMessage")):
        if call.status == 200 and marker in str(call.params.get("text", "")):
            return call.received_at
    return None


async def latency(folder: Path, n: int = 300) -> list[float]:
    """Seconds from notify() to the sendMessage request, for `n` spaced notifications."""
    relaxed = Limits(per_chat_per_second=1000.0, per_chat_burst=1000)
    out = []
    async with rig(folder, "latency", relaxed, flood=False) as r:
        for i in range(n):
            marker = f"lat-{i:05d}"
            t0 = time.monotonic()
            r.notifier.notify(
                Notification(NotificationKind.ORDER_FILLED, f"{marker} BTC/KRW buy 0.01 filled")
            )
            while (seen := _received_at(r.tg, marker)) is None:
                await asyncio.sleep(0.001)
            out.append(seen - t0)
            await asyncio.sleep(0.005)
    return out


@dataclass(frozen=True, slots=True)
class BurstResult:
    alerts: int
    seconds: float
    messages: int
    digests: int
    rejected_429: int
    missing: int
    duplicated: int


async def burst(folder: Path, n: int = 1000) -> BurstResult:
    async with rig(folder, "burst", Limits(), flood=True) as r:
        t0 = time.monotonic()
        for i in range(n):
            r.notifier.notify(
                Notification(
                    NotificationKind.KIMP_ALERT,
                    f"#{i:04d} BTC 김프 +{3 + i % 50 / 10:.1f}% (기준 3.0%) 업비트 95,120,000 / "
                    "바이낸스 68,210 USDT",
                )
            )
        await r.notifier.flush_writes()
        while await r.notifier.pending_count():
            await asyncio.sleep(0.05)
        seconds = time.monotonic() - t0
        texts = "\n".join(m.content for m in r.tg.sent_messages(CHAT))
        counts = [texts.count(f"#{i:04d} ") for i in range(n)]
        return BurstResult(
            alerts=n,
            seconds=seconds,
            messages=len(r.tg.sent_messages(CHAT)),
            digests=r.sender.stats.digests,
            rejected_429=r.tg.flood_rejections,
            missing=sum(1 for c in counts if c == 0),
            duplicated=sum(1 for c in counts if c > 1),
        )


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run() -> tuple[list[float], BurstResult]:
    with tempfile.TemporaryDirectory() as tmp:
        lat = await latency(Path(tmp))
        result = await burst(Path(tmp))
    return lat, result


def main(quick: bool = False) -> None:
    """The standard figures (`quick` changes nothing: the run is already short)."""
    from loguru import logger

    logger.remove()  # keep the benchmark output readable
    lat, b = asyncio.run(run())
    ms = [x * 1000 for x in lat]
    print(
        f"notification -> sendMessage latency over {len(ms)} notifications: "
        f"p50 {statistics.median(ms):.1f} ms, p99 {_pct(ms, 0.99):.1f} ms, "
        f"max {max(ms):.1f} ms (target p99 < 200 ms: {'OK' if _pct(ms, 0.99) < 200 else 'MISSED'})"
    )
    print(
        f"burst of {b.alerts} kimp alerts: all delivered in {b.seconds:.1f} s as {b.messages} "
        f"messages ({b.digests} digests); missing {b.missing}, duplicated {b.duplicated}; "
        f"429 answers from the emulator's Telegram-like flood limits: {b.rejected_429} "
        f"({'OK' if b.missing == 0 and b.duplicated == 0 else 'LOSS'})"
    )


if __name__ == "__main__":
    main()
