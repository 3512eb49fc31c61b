"""`./dev soak [--minutes N] [--seed S]`: the real service under random faults, then checked.

The service runs as `python -m bot` (LIVE) in a child process against the exchange simulator
and the Bot API emulator, both served from this process. A user sends commands one at a time:
manual orders on Upbit, Binance spot and futures, and forced entries/exits of two bots (Upbit
spot, futures with leverage and SL/TP). Meanwhile, at random: the service is SIGKILLed and
restarted, venues answer 5xx / 429 / late, streams are dropped, and once a leveraged futures
position is liquidated (the mark moved past its liquidation price). At the end the venue, the
database, the bots and `/positions` must agree (`bench/soak_checks.py`), every open futures
position must have its stop on the venue, no limit may have been exceeded, and every command
must have had exactly one answer. Prints the counts; exits 1 on any mismatch.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from bench import soak_checks as checks
from bot.telegram import i18n
from core.notifications import NotificationKind
from peers.exchange_sim.server import SimExchange
from peers.telegram_emulator import SentMessage, TelegramEmulator

ROOT = Path(__file__).resolve().parents[1]
CHAT = 515151001
MAX_OPEN = 3
MAX_ORDER_KRW = Decimal(1_500_000)
BOTS = {"soak_up": ("upbit", "BTC/KRW"), "soak_fut": ("binance_futures", "BTC/USDT")}
BOTS_TOML = """
[bots.soak_up]
strategy = "rsi"
exchange = "upbit"
symbols = ["BTC/KRW"]
timeframe = "1m"
stake = 60000

[bots.soak_fut]
strategy = "ema_trend"
exchange = "binance_futures"
symbols = ["BTC/USDT"]
timeframe = "1m"
stake = 150
leverage = 3
stop_loss_pct = 2.0
take_profit_pct = 4.0
"""
# Notifications open with their kind's header; digests of queued ones with their own title.
HEADERS = (
    *tuple(h for h in (i18n.header("en", kind) for kind in NotificationKind) if h),
    "📦 ",
    "📋 ",
)
ETH_ENTRY = "/buy futures ETH 0.1"  # 20x isolated (DEFAULT_LEVERAGE), no stop: liquidated
ANSWER_WAIT = 60.0  # long enough to span a kill and a restart


def is_answer(m: SentMessage) -> bool:
    return not m.content.startswith(HEADERS)


@dataclass(slots=True)
class Counts:
    commands_sent: int = 0
    answered: int = 0
    unanswered: list[str] = field(default_factory=list)
    answered_twice: list[str] = field(default_factory=list)
    kills: int = 0
    rest_faults: int = 0
    stream_faults: int = 0
    liquidations: int = 0
    orders_venue: int = 0
    filled_venue: int = 0
    orders_db: int = 0
    filled_db: int = 0
    mismatches: list[str] = field(default_factory=list)  # venue, database, bots, limits

    @property
    def command_problems(self) -> list[str]:
        return [f"command {c!r} got no answer" for c in self.unanswered] + [
            f"command {c!r} got more than one answer" for c in self.answered_twice
        ]

    def lines(self) -> list[str]:
        return [
            f"commands sent {self.commands_sent}, answered {self.answered}, "
            f"unanswered {len(self.unanswered)}, answered twice {len(self.answered_twice)}",
            f"orders on the venue {self.orders_venue} (filled {self.filled_venue}), "
            f"in our database {self.orders_db} (filled {self.filled_db})",
            f"kills {self.kills}, REST faults {self.rest_faults}, stream faults "
            f"{self.stream_faults}, liquidations {self.liquidations}",
            f"mismatches {len(self.mismatches) + len(self.command_problems)}",
            *(f"  - {m}" for m in self.mismatches + self.command_problems),
        ]


class Soak:
    def __init__(self, sim: SimExchange, tg: TelegramEmulator, tmp: Path, seed: int) -> None:
        self.sim, self.tg, self.tmp = sim, tg, tmp
        self.rng = random.Random(seed)  # the user's choices
        # The chaos draws from its own generator: sharing one with the user made its picks depend
        # on how many commands were answered in between (timing), so a seed could "kill 0".
        self.chaos_rng = random.Random(f"chaos-{seed}")
        self.counts = Counts()
        self.proc: asyncio.subprocess.Process | None = None
        self.sent: list[tuple[int, str]] = []  # (emulator cursor before sending, command)
        self.btc_at_start = checks.spot_held(sim)
        self.max_open_seen = 0
        self.db = tmp / "soak.sqlite3"

    def env(self) -> dict[str, str]:
        (self.tmp / "bots.toml").write_text(BOTS_TOML, encoding="utf-8")
        return os.environ | self.sim.env() | {
            "TRADING_MODE": "live", "DB_PATH": str(self.db), "LOG_DIR": str(self.tmp / "logs"),
            "BOTS_FILE": str(self.tmp / "bots.toml"),
            "STRATEGIES_DIR": str(self.tmp / "strategies"),
            "TELEGRAM_BOT_TOKEN": self.tg.token, "TELEGRAM_CHAT_ID": str(CHAT),
            "TELEGRAM_API_URL": self.tg.base_url, "LANGUAGE": "en",
            "MAX_OPEN_POSITIONS": str(MAX_OPEN), "MAX_ORDER_KRW": str(MAX_ORDER_KRW),
            "MAX_POSITION_PCT": "60", "DEFAULT_LEVERAGE": "20", "MAX_LEVERAGE": "20",
            "FX_REFRESH": "5", "SHUTDOWN_TIMEOUT": "10",
        }  # fmt: skip

    # --------------------------------------------------------------- the service
    async def start(self) -> None:
        after = self.tg.cursor()
        with (self.tmp / "stderr.log").open("ab") as err:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "--env-file", str(self.tmp / "none.env"),
                cwd=ROOT, env=self.env(), stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL, stderr=err,
            )  # fmt: skip
        await self.tg.wait_for_message(
            lambda m: "Service started" in m.content, chat_id=CHAT, after=after, timeout=120
        )

    async def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()
        self.counts.kills += 1
        await self.start()

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 30)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()

    # --------------------------------------------------------------- the user
    async def ask(self, line: str) -> SentMessage | None:
        """Send `line`; wait for its answer (across a restart)."""
        after = self.tg.cursor()
        self.sent.append((after, line))
        self.counts.commands_sent += 1
        self.tg.send_user_message(CHAT, line)
        try:
            return await self.tg.wait_for_message(
                is_answer, chat_id=CHAT, after=after, timeout=ANSWER_WAIT
            )
        except TimeoutError:
            return None
        finally:
            self.note_open_positions()

    async def press_confirm(self, question: SentMessage | None) -> None:
        codes = (
            [d for _, d in question.buttons if d and d.startswith("/confirm ")] if question else []
        )
        if not codes:
            return
        after = self.tg.cursor()
        self.sent.append((after, f"[press {codes[0]}]"))
        self.counts.commands_sent += 1
        self.tg.press_button(CHAT, question.message_id, codes[0])  # type: ignore[union-attr]
        with contextlib.suppress(TimeoutError):
            await self.tg.wait_for_message(
                is_answer, chat_id=CHAT, after=after, timeout=ANSWER_WAIT
            )

    def note_open_positions(self) -> None:
        if self.db.exists():
            n = len(checks.db_book(self.db).positions)
            self.max_open_seen = max(self.max_open_seen, n)

    def held(self, venue: str, symbol: str) -> Decimal:
        return checks.db_book(self.db).positions.get((venue, symbol), Decimal(0))

    async def user(self, deadline: float) -> None:
        await self.ask("/start all")
        await self.ask(ETH_ENTRY)  # the position the chaos liquidates
        while time.monotonic() < deadline:
            pick = self.rng.random()
            if pick < 0.15:
                await self.ask("/buy upbit BTC " + self.rng.choice(["70000KRW", "3000000KRW"]))
            elif pick < 0.28:
                await self.ask("/buy binance BTC " + self.rng.choice(["0.0006", "0.02"]))
            elif pick < 0.40:
                await self.ask(f"/buy {self.rng.choice(list(BOTS))}")
            elif pick < 0.50:
                await self.press_confirm(await self.ask(f"/sell {self.rng.choice(list(BOTS))}"))
            elif pick < 0.62:
                venue, coin = self.rng.choice([("upbit", "KRW"), ("binance", "USDT")])
                qty = self.held(venue, f"BTC/{coin}")
                if qty > 0:
                    await self.press_confirm(await self.ask(f"/sell {venue} BTC {qty}"))
            elif pick < 0.68 and not self.counts.liquidations:
                await self.ask(ETH_ENTRY)
            else:
                await self.ask(self.rng.choice(["/positions", "/status", "/orders", "/bots"]))
            await asyncio.sleep(self.rng.uniform(0.2, 1.5))

    # --------------------------------------------------------------- the chaos
    async def chaos(self, deadline: float) -> None:
        liquidate_at = time.monotonic() + (deadline - time.monotonic()) * 0.6
        while time.monotonic() < deadline:
            await asyncio.sleep(self.chaos_rng.uniform(4, 12))
            if time.monotonic() >= deadline:
                break
            due = self.counts.liquidations == 0 and time.monotonic() >= liquidate_at
            if due and await self.liquidate():
                continue
            # Every run has a venue fault (first, cheap) and a kill (second), whatever the seed
            # and however slow the machine; the rest is random.
            if not self.counts.rest_faults + self.counts.stream_faults:
                pick = self.chaos_rng.uniform(0.3, 1.0)
            elif not self.counts.kills:
                pick = 0.0
            else:
                pick = self.chaos_rng.random()
            if pick < 0.3:
                await self.kill()
            elif pick < 0.7:
                venue = self.chaos_rng.choice(["upbit", "binance", "binance_futures"])
                fault: dict[str, object] = self.chaos_rng.choice([
                    {"action": "rest_error", "status": 503, "count": 2},
                    {"action": "rest_error", "status": 429, "count": 2, "retry_after": 1},
                    {"action": "rest_delay", "seconds": 8.0},
                    {"action": "rest_delay", "seconds": 8.0, "after_handling": True},
                    {"action": "drop_response"},
                ])  # fmt: skip
                self.sim.faults.apply({**fault, "venue": venue})
                self.counts.rest_faults += 1
            else:
                venue = self.chaos_rng.choice(["upbit", "binance", "binance_futures"])
                self.sim.faults.apply({"action": "drop_connections", "venue": venue})
                self.counts.stream_faults += 1

    async def liquidate(self) -> bool:
        """Move ETH's mark 1 % past the liquidation price of the open ETH position, if any."""
        engine = self.sim.binance_futures.engine
        for acct in engine.accounts.values():
            pos = acct.positions.get("ETHUSDT")
            if pos is not None and pos.amt > 0:
                liq = float(engine.liquidation_price(acct, pos))
                if liq > 0:
                    self.sim.market.set_price("ETH", liq / 1.0002 * 0.99)
                    self.sim.advance(1)
                    self.counts.liquidations += 1
                    return True
        return False

    # --------------------------------------------------------------- the checks
    def answers(self) -> None:
        msgs = [m for m in self.tg.sent_messages(CHAT) if is_answer(m)]
        bounds = [c for c, _ in self.sent] + [10**12]
        for i, (cursor, line) in enumerate(self.sent):
            n = sum(1 for m in msgs if cursor < m.seq <= bounds[i + 1])
            if n == 0:
                self.counts.unanswered.append(line)
            else:
                self.counts.answered += 1
            if n > 1:
                self.counts.answered_twice.append(line)

    async def final_checks(self) -> None:
        self.sim.faults.clear()
        await self.ask("/stop all")  # bots keep their positions but stop trading: a still book
        found: list[str] = []
        for _ in range(8):  # the service settles: trackers poll, protection re-places stops
            await asyncio.sleep(5)
            venue = checks.venue_book(self.sim, self.btc_at_start)
            db = checks.db_book(self.db)
            db.bot_positions = await checks.bot_holdings(self.db, db.positions)
            found = checks.compare(venue, db)
            if not found:
                break
        positions = await self.ask("/positions")
        bots = await self.ask("/bots")
        db = checks.db_book(self.db)
        db.bot_positions = await checks.bot_holdings(self.db, db.positions)
        found += checks.compare_positions_text(positions.content if positions else "", db)
        found += checks.compare_bots(bots.content if bots else "", db, BOTS)
        usdt_krw = Decimal(str(self.sim.market.usdt_krw))
        found += checks.limit_breaches(db, MAX_OPEN, MAX_ORDER_KRW, usdt_krw, self.max_open_seen)
        venue = checks.venue_book(self.sim, self.btc_at_start)
        c = self.counts
        c.orders_venue = len(venue.orders)
        c.filled_venue = sum(1 for _, q in venue.orders.values() if q > 0)
        c.orders_db = len(db.orders)
        c.filled_db = sum(1 for _, q in db.orders.values() if q > 0)
        await asyncio.sleep(2)  # a late second answer to the last commands
        self.answers()
        c.mismatches = found
        with (self.tmp / "transcript.txt").open("w", encoding="utf-8") as out:
            sends = iter([*self.sent, (10**12, "")])
            nxt = next(sends)
            for m in self.tg.sent_messages(CHAT):
                while m.seq > nxt[0]:
                    out.write(f">>> {nxt[1]}\n")
                    nxt = next(sends)
                out.write(f"<<< {m.content}\n")


async def soak(minutes: float, seed: int, workdir: Path | None = None) -> Counts:
    """Run the soak for `minutes` (plus start-up and the final checks); return the counts."""
    with tempfile.TemporaryDirectory(prefix="soak-") as scratch:
        tmp = workdir or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        async with SimExchange(seed=seed) as sim, TelegramEmulator() as tg:
            run = Soak(sim, tg, tmp, seed)
            await run.start()
            try:
                deadline = time.monotonic() + minutes * 60
                await asyncio.gather(run.user(deadline), run.chaos(deadline))
                await run.final_checks()
            finally:
                await run.stop()
            return run.counts


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="./dev soak", description=__doc__)
    p.add_argument("--minutes", type=float, default=3.0, help="chaos phase length (default 3)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--keep", type=Path, help="keep the database and logs in this folder")
    args = p.parse_args(argv)
    counts = asyncio.run(soak(args.minutes, args.seed, args.keep))
    print("\n".join(counts.lines()), flush=True)
    return 1 if counts.mismatches or counts.command_problems else 0


if __name__ == "__main__":
    sys.exit(main())
