"""The kimp provider: monitor + alert engine + history + FX, and the queries `/kimp` asks.

It owns no I/O of its own beyond the database: the installer feeds it events, runs its loops
under the supervisor and hands it a `send` function for notifications and an `AlertWording`
that turns alert events into texts in the app's language (the service words nothing itself).

Which premium each alert watches: every coin alert (BTC's market-wide one included) watches the
KIMP_ALERT_BASIS premium, the USDT kimp by default (what an arbitrage through USDT captures; it
needs no FX rate) or the FX kimp (suspended while the FX rate is unavailable); the tether alert
watches the tether premium (KRW-USDT against USD/KRW, so it always needs FX) on its own
TETHER_HIGH_PCT / TETHER_LOW_PCT. Messages name the basis.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, time, timedelta

import orjson
from loguru import logger

from alerts import quiet_listings
from alerts.alert_state import AlertStore
from alerts.chart import PremiumChartWords, render_chart
from alerts.coin_rules import CoinRule, CoinRules, level_problems
from alerts.config import TETHER_KEY, AlertConfig, KimpConfig
from alerts.events import AlertEvent, EventKind, Reading
from alerts.executable import TransferView
from alerts.funding import FundingView
from alerts.funding_history import FundingHistory
from alerts.history import TETHER_ROW, PremiumHistory, minute_of
from alerts.krw_venues import KrwVenues, SpreadView, coin_of
from alerts.listings import ListingAnnouncer
from alerts.monitor import CoinPremium, PremiumMonitor, TetherView
from alerts.premium import Executable, Fees
from alerts.routes import NET_TOP, RouteBook
from alerts.state_machine import AlertEngine
from alerts.universe import ListingSource, Universe
from alerts.wallet import WalletGate, WalletNote
from alerts.wording import AlertWording
from core import numbers
from core.clock import Clock
from core.depth import BookDepth
from core.market_notices import NoticeBoard, tag_text
from core.notifications import Notification, NotificationKind
from core.storage import Database
from core.storage.kv import KeyValueStore
from core.symbols import Venue
from core.text import Text

Send = Callable[[Notification], Awaitable[None]]
SpreadDepth = Callable[[str], Awaitable[Mapping[Venue, BookDepth]]]
KV_CONFIG = "kimp.alert_config"
MARKET_WIDE = ("BTC",)
BASIS_LABELS = {"usdt": "kimp.basis.usdt", "fx": "kimp.basis.fx"}  # catalog keys


@dataclass(frozen=True, slots=True)
class Headline:
    coins: list[CoinPremium]  # BTC, ETH, XRP when available
    tether: TetherView
    top: list[CoinPremium]
    bottom: list[CoinPremium]
    universe: int
    live: int  # coins with both legs
    basis: Text  # the premium coin alerts watch
    wallet_notes: dict[str, WalletNote]  # coin -> the wallet gate's mark, for the coins shown
    flags: dict[str, Text] = field(default_factory=dict)  # coin -> Upbit's warning/caution flags


class KimpService:
    def __init__(
        self,
        config: KimpConfig,
        db: Database,
        clock: Clock,
        send: Send,
        fees: Fees,
        wording: AlertWording,
        eval_interval: float = 1.0,
        fee_rates: Mapping[Venue, float] | None = None,
    ) -> None:
        self.kimp_config = config
        self.clock = clock
        self.monitor = PremiumMonitor(
            clock, config.stale_after, config.fx_stale_after, config.alerts.implausible_pct
        )
        # The other KRW venues' books (Bithumb) and the spread; `monitor` stays Upbit's.
        rates = fee_rates or {Venue.UPBIT: fees.upbit, Venue.BINANCE_SPOT: fees.binance}
        self.krw = KrwVenues(clock, self.monitor, config.extra_krw, rates)
        # An outage already under way at start-up is announced after NO_DATA_ALERT_AFTER.
        self.engine = AlertEngine(config.alerts, startup_grace=config.startup_grace)
        self.store = AlertStore(db)
        self.history = PremiumHistory(db)
        self.funding_history = FundingHistory(db)
        self.universe = Universe(denylist=config.denylist)
        self.kv = KeyValueStore(db)
        self.rules = CoinRules(db, config.min_volume_krw)
        self.fees = fees
        self.eval_interval = eval_interval
        self._send = send
        self._wording = wording
        self._digest_until = 0.0
        self.wallets: WalletGate | None = None  # the optional wallet gate (API keys set)
        self.notices = NoticeBoard()  # the venue's own warnings; the app hands in its board
        self.listings = ListingAnnouncer(one_venue=config.one_venue_listings)
        self.routes: RouteBook | None = None  # the transfer-aware executable premium (depth)
        # Both KRW venues' books of one coin for the spread (exchanges/depth.py, as wired).
        self.spread_depth: SpreadDepth | None = None
        self._lock = asyncio.Lock()
        self.rounds = 0
        self.sent = 0

    # ------------------------------------------------------------------ life cycle
    async def load(self) -> None:
        """Restore alert states, run-time thresholds and the jump windows from the database."""
        self.engine.states = await self.store.load()
        await self.rules.load()
        self.engine.overrides = self.rules.levels()
        raw = await self.kv.get(KV_CONFIG)
        if raw:
            try:
                overrides = orjson.loads(raw)
                known = {f.name for f in fields(AlertConfig)}
                cfg = AlertConfig(
                    **{
                        **asdict(self.engine.config),
                        **{k: v for k, v in overrides.items() if k in known},
                    }
                )
                self._apply_config(cfg)
            except (ValueError, TypeError) as exc:
                logger.warning("ignoring stored kimp thresholds ({}); using the settings", exc)
        await self._rebuild_jump_windows()

    async def _rebuild_jump_windows(self) -> None:
        """Seed each key's jump window from the per-minute history, so a restart does not
        forget a move that started before it (each sample's value was taken at minute end)."""
        now = self.clock.now()
        fx_basis = self.kimp_config.alert_basis == "fx"
        series: dict[str, list[tuple[float, float]]] = {}
        for coin, minute_ts, usdt, fx, tether in await self.history.since(
            now - self.engine.config.jump_window - 60
        ):
            if coin == TETHER_ROW:
                key, value = TETHER_KEY, tether
            else:
                key, value = f"coin:{coin}", fx if fx_basis else usdt
            if value is not None:
                series.setdefault(key, []).append((min(now, minute_ts + 60.0), value))
        used = sum(self.engine.seed_window(k, pts, now) for k, pts in series.items())
        if used:
            logger.info("kimp: jump windows rebuilt from {} history samples", used)

    def set_coins(self, coins: set[str] | frozenset[str]) -> None:
        self.monitor.set_coins(coins)
        self.krw.set_coins(coins)

    async def refresh_universe(self, source: ListingSource) -> None:
        first = self.universe.refreshed_at is None
        change = await self.universe.refresh(source, self.clock.now())
        if change is not None:
            for text in self.listings.on_change(change, first, self.clock.now()):
                await self._send(Notification(NotificationKind.KIMP_ALERT, text))
            quiet = self.listings.take_quiet()
            if quiet:  # for the daily report (KIMP_ONE_VENUE_LISTINGS)
                await quiet_listings.record(self.kv, quiet, self.clock.now())
        if change is None:
            logger.warning("kimp universe refresh failed: {}", self.universe.last_error)
        elif change:
            logger.info(
                "kimp universe: {} coins (+{} -{})",
                len(self.universe.coins), len(change.added), len(change.removed),
            )  # fmt: skip
            self.monitor.set_coins(self.universe.coins)
            self.krw.set_coins(self.universe.coins)

    # ------------------------------------------------------------------ loops
    async def run_alerts(self) -> None:
        while True:
            await self.evaluate()
            await self.clock.sleep(self.eval_interval)

    async def run_history(self) -> None:
        """Record each finished minute. Pruning is the retention pass's job (bot/ops)."""
        while True:
            now = self.clock.now()
            await self.clock.sleep(minute_of(now) + 60 - now + 0.5)
            now = self.clock.now()
            await self.record_minute(minute_of(now) - 60)

    async def record_minute(self, minute_ts: int) -> int:
        # the funding times that settled meanwhile go with the minute (the replay's funding)
        await self.funding_history.record(self.monitor.funding.take_settled())
        return await self.history.record(
            minute_ts, self.monitor.snapshots(), self.monitor.tether_view()
        )

    # ------------------------------------------------------------------ alerts
    @property
    def basis(self) -> Text:
        """The premium coin alerts watch (KIMP_ALERT_BASIS), as messages name it."""
        return Text.of(BASIS_LABELS[self.kimp_config.alert_basis])

    def readings(self) -> list[Reading]:
        """One reading per coin on the alert basis, and the tether premium (always against FX).

        On the FX basis every coin is suspended while the FX rate is unavailable.
        """
        m = self.monitor
        fx_basis = self.kimp_config.alert_basis == "fx"
        fx_why = m.fx()[1] if fx_basis else None
        basis = self.basis
        out = []
        for coin in m.coins:
            wide = coin in MARKET_WIDE
            if not wide and not self.rules.eligible(coin, m.volume_krw(coin)):
                continue  # not evaluated at all: below the floor or off the watchlist
            snap = m.snapshot(coin)
            key = f"coin:{coin}"
            if snap is None:
                out.append(Reading(key, coin, None, m.unpriced_reason(coin), wide, basis))
                continue
            value = snap.fx_kimp if fx_basis else snap.usdt_kimp
            why = snap.suspended or (fx_why if value is None else None)
            note = self.wallets.note(coin, value) if self.wallets else None
            out.append(Reading(key, coin, value, why, wide, basis, note))
        net = self.kimp_config.spread_basis == "net"
        marks = self.wallets.note if self.wallets is not None else None
        out.extend(self.krw.readings(self.rules.eligible, MARKET_WIDE, fx_basis, basis, net, marks))
        tv = m.tether_view()
        tether = Text.of("kimp.tether")
        out.append(Reading(TETHER_KEY, tether, tv.tether, tv.suspended, True))
        return out

    async def evaluate(self) -> list[AlertEvent]:
        """One round: evaluate every key, send the messages, persist what changed."""
        async with self._lock:
            now = self.clock.now()
            events = self.engine.evaluate(self.readings(), now)
            # A muted coin's zone still follows the premium; only its messages are held back.
            loud = [e for e in events if not self._muted(e, now)]
            messages, self._digest_until = self._wording.compose(
                loud, now, self._digest_until, self.engine.config
            )
            # Queue first (the outbox is durable and de-duplicated by key), then persist the
            # states: a crash in between re-sends nothing twice and forgets nothing.
            sent: list[tuple[AlertEvent, str]] = []
            for msg in messages:
                note = Notification(
                    NotificationKind.KIMP_ALERT, msg.text, msg.dedup_key, buttons=msg.buttons
                )
                await self._send(note)
                self.sent += 1
                sent.extend((e, msg.text) for e in msg.events)
            sent_ids = {id(e) for e, _ in sent}
            sent.extend(
                (e, "(muted, not sent)" if self._muted(e, now) else "(flag, not sent)")
                for e in events
                if id(e) not in sent_ids
            )
            dirty, self.engine.dirty = self.engine.dirty, set()
            await self.store.save(self.engine.states, dirty, sent, now)
            for text in self.listings.due(self.monitor, now):
                await self._send(Notification(NotificationKind.KIMP_ALERT, text))
            self.rounds += 1
            return events

    def _muted(self, e: AlertEvent, now: float) -> bool:
        coin = coin_of(e.key)  # a coin's mute holds for its premium on every venue and its spread
        if e.kind is EventKind.IMPLAUSIBLE or coin is None:
            return False
        return self.rules.muted(coin, now)

    # ------------------------------------------------------------------ per coin
    async def watch(self, coin: str, on: bool = True) -> CoinRule:
        """Put a coin on the watchlist (or take it off); persisted."""
        return await self.rules.watch(coin.upper(), on, self.clock.now())

    async def mute_for(self, coin: str, seconds: float) -> CoinRule:
        """No messages for `coin` for `seconds` from now (0 lifts the mute); persisted."""
        now = self.clock.now()
        until = now + seconds if seconds > 0 else 0.0
        return await self.rules.mute(coin.upper(), until, now)

    async def mute_today(self, coin: str) -> CoinRule:
        """No messages for `coin` until midnight in the configured time zone (TZ)."""
        now = self.clock.now()
        local = datetime.fromtimestamp(now, self.kimp_config.tz)
        midnight = datetime.combine(local.date() + timedelta(days=1), time(), local.tzinfo)
        return await self.rules.mute(coin.upper(), midnight.timestamp(), now)

    def coin_rule(self, coin: str) -> CoinRule:
        return self.rules.get(coin.upper())

    def watchlist(self) -> list[str]:
        return self.rules.watchlist()

    def is_muted(self, coin: str) -> bool:
        return self.rules.muted(coin.upper(), self.clock.now())

    def coin_volume(self, coin: str) -> float | None:
        return self.monitor.volume_krw(coin)

    def below_floor(self, coin: str) -> bool:
        """Whether the liquidity floor keeps `coin` from alerting (never BTC, market-wide)."""
        return coin.upper() not in MARKET_WIDE and self.rules.below_floor(
            self.monitor.volume_krw(coin)
        )

    async def set_coin_levels(
        self, coin: str, high: float | None = None, low: float | None = None
    ) -> CoinRule:
        """A coin's own thresholds; the one not given keeps its current value. ValueError says
        what is wrong with the pair."""
        coin = coin.upper()
        own = self.rules.get(coin)
        new_high = own.high_pct if high is None else high
        new_low = own.low_pct if low is None else low
        g_high, g_low = self.engine.config.levels(f"coin:{coin}")
        eff_high = g_high if new_high is None else new_high
        eff_low = g_low if new_low is None else new_low
        problems = level_problems(eff_high, eff_low, self.engine.config)
        if problems:
            raise ValueError("; ".join(problems))
        rule = await self.rules.set_levels(coin, new_high, new_low, self.clock.now())
        self.engine.overrides = self.rules.levels()
        return rule

    async def reset_coin_levels(self, coin: str) -> CoinRule:
        rule = await self.rules.set_levels(coin.upper(), None, None, self.clock.now())
        self.engine.overrides = self.rules.levels()
        return rule

    def coin_levels(self, coin: str) -> tuple[float, float]:
        """The (high, low) a coin alerts on: its own where set, else the global levels."""
        return self.engine.levels(f"coin:{coin.upper()}")

    def _rule_lines(self) -> list[str | Text]:
        """/status: how many coins the watchlist, mutes and the volume floor hold back."""
        r, now = self.rules, self.clock.now()
        muted = sum(1 for c in r.rules if r.muted(c, now))
        watched = len(r.watchlist())
        if r.min_volume_krw > 0:
            low = sum(1 for c in self.monitor.coins if self.below_floor(c))
            floor = numbers.Money(numbers.to_decimal(r.min_volume_krw), "KRW")
            return [Text.of("kimp.status_rules_floor", watched=watched, muted=muted, low=low,
                            floor=floor)]  # fmt: skip
        if watched or muted:
            return [Text.of("kimp.status_rules", watched=watched, muted=muted)]
        return []

    def funding(self, coin: str) -> FundingView | None:
        """The coin's USDⓈ-M perpetual: mark, funding rate, next funding time (None: none seen)."""
        return self.monitor.funding.view(coin, self.clock.now())

    # ------------------------------------------------------------------ thresholds
    def _apply_config(self, cfg: AlertConfig) -> None:
        self.engine.set_config(cfg)
        for book in self.krw.books.values():  # Upbit's (`monitor`) and every other KRW venue's
            book.implausible_pct = cfg.implausible_pct

    async def set_thresholds(self, **changes: float) -> AlertConfig:
        """Change thresholds at run time (ValueError says what is wrong); persisted in kv."""
        current = asdict(self.engine.config)
        unknown = set(changes) - set(current)
        if unknown:
            raise ValueError(f"unknown threshold {', '.join(sorted(unknown))}")
        cfg = AlertConfig(**{**current, **changes})
        self._apply_config(cfg)
        base = asdict(self.kimp_config.alerts)
        overrides = {k: v for k, v in asdict(cfg).items() if base.get(k) != v}
        await self.kv.set(KV_CONFIG, orjson.dumps(overrides).decode())
        return cfg

    async def reset_thresholds(self) -> AlertConfig:
        self._apply_config(self.kimp_config.alerts)
        await self.kv.set(KV_CONFIG, "{}")
        return self.engine.config

    @property
    def config(self) -> AlertConfig:
        return self.engine.config

    # ------------------------------------------------------------------ queries
    def headline(self, n: int = 5, venue: Venue | None = None) -> Headline:
        """The /kimp table for the KRW venue `venue` (None or unknown: Upbit's, the primary)."""
        m = (self.krw.book(venue) if venue is not None else None) or self.monitor
        primary = m is self.monitor  # the wallet gate and the warning flags are Upbit's
        coins = [s for c in ("BTC", "ETH", "XRP") if (s := m.snapshot(c)) is not None]
        top = [s for c in m.top(n) if (s := m.snapshot(c)) is not None]
        bottom = [s for c in m.bottom(n) if (s := m.snapshot(c)) is not None]
        live = len(m.top(10_000))
        shown = (*coins, *top, *bottom) if primary else ()
        notes = {
            c.coin: note for c in shown if (note := self.wallet_note(c.coin, self.basis_value(c)))
        }
        flags = {c.coin: flag for c in shown if (flag := self.flag(c.coin))}
        return Headline(
            coins, m.tether_view(), top, bottom, len(m.coins), live, self.basis, notes, flags
        )

    def flag(self, coin: str) -> Text | None:
        """Upbit's own warning or caution flags on the coin's KRW market, its scheduled
        delisting and its state when it does not trade (PREVIEW, DELISTED), if any."""
        coin = coin.upper()
        notice = self.notices.flagged(Venue.UPBIT, coin)
        day = self.notices.delisting(Venue.UPBIT, coin)
        return tag_text(notice, day, self.notices.state(Venue.UPBIT, coin))

    def basis_value(self, snap: CoinPremium) -> float | None:
        """The premium alerts watch for this coin (KIMP_ALERT_BASIS)."""
        return snap.fx_kimp if self.kimp_config.alert_basis == "fx" else snap.usdt_kimp

    def wallet_note(self, coin: str, premium_pct: float | None) -> WalletNote | None:
        """The wallet gate's mark for a coin (worded "⛔ withdrawals suspended on Upbit: ..."), if any."""
        return self.wallets.note(coin, premium_pct) if self.wallets else None

    def detail(self, coin: str) -> tuple[CoinPremium | None, Executable | None, Text | None]:
        """(figures, executable premium, alert zone description) for one coin."""
        coin = coin.upper()
        snap = self.monitor.snapshot(coin)
        exe = self.monitor.executable(coin, self.kimp_config.exec_size_krw, self.fees)
        st = self.engine.states.get(f"coin:{coin}")
        zone = None
        if st is not None:
            name = Text.of(f"kimp.zone.{st.zone.value}")
            step: Text | str = ""
            if st.zone.value != "normal":
                step = Text.of("kimp.zone_step", level=st.level)
            waiting: Text | str = ""
            if st.pending:
                age = f"{self.clock.now() - st.pending_since:.0f}"
                waiting = Text.of("kimp.zone_waiting", pending=st.pending, secs=age)
            zone = Text.of("kimp.zone", zone=name, step=step, waiting=waiting)
        return snap, exe, zone

    async def transfer_view(
        self, coin: str, venue: Venue = Venue.UPBIT
    ) -> TransferView | Text | None:
        """Route, fee and net premium per direction for one coin between Binance and the KRW
        venue `venue` (None: no depth source, or routes are not served on that venue)."""
        if self.routes is None or not self.routes.serves(venue):
            return None
        return await self.routes.view(coin, venue)

    async def net_ranking(
        self, n: int = NET_TOP, venue: Venue = Venue.UPBIT
    ) -> list[TransferView] | Text | None:
        """The n highest and n lowest premium coins on `venue`'s book by net executable
        premium (None: no depth source, or that venue is not watched)."""
        book = self.krw.book(venue)
        if self.routes is None or book is None or not self.routes.serves(venue):
            return None
        coins = list(dict.fromkeys([*book.top(n), *book.bottom(n)]))
        return await self.routes.ranking(coins, venue)

    def spreads(self) -> list[SpreadView]:
        """Every coin on both KRW venues, the largest spread first (executable at
        KIMP_EXEC_SIZE_KRW)."""
        return self.krw.spreads(self.kimp_config.exec_size_krw)

    def spread(self, coin: str) -> SpreadView | None:
        return self.krw.spread(coin.upper(), self.kimp_config.exec_size_krw)

    async def spread_walked(self, coin: str) -> SpreadView | None:
        """`spread(coin)` with the executable figure walking both venues' real order books
        (`spread_depth`, as wired; top of book without it or for a venue it cannot read)."""
        coin = coin.upper()
        if self.krw.spread(coin, 0.0) is None:
            return None  # not priced on both: no depth read for a coin one venue lacks
        depth = await self.spread_depth(coin) if self.spread_depth is not None else None
        return self.krw.spread(coin, self.kimp_config.exec_size_krw, depth)

    def is_known(self, coin: str) -> bool:
        return coin.upper() in self.monitor.coins or coin.upper() == "USDT"

    async def chart(
        self, coin: str, hours: float = 24.0, words: PremiumChartWords | None = None
    ) -> bytes | None:
        """A PNG of the last `hours`, or None when there are no samples yet."""
        samples = await self.history.series(coin, self.clock.now() - hours * 3600)
        if not samples:
            return None
        key = TETHER_KEY if coin.upper() == "USDT" else f"coin:{coin.upper()}"
        high, low = self.engine.levels(key)
        tz = self.kimp_config.tz
        return await asyncio.to_thread(render_chart, coin, samples, tz, high, low, words)

    async def status_lines(self) -> list[str | Text]:
        m = self.monitor
        fx, why = m.fx()
        lines: list[str | Text] = [
            Text.of(
                "kimp.status_counts",
                coins=len(m.coins),
                priced=len(m.top(10_000)),
                updates=m.updates,
                sent=self.sent,
            ),
            Text.of("kimp.status_fx", rate=numbers.grouped(fx, 2))
            if fx
            else (why or Text.of("kimp.status_no_fx")),
        ]
        suspended = [
            self._wording.text(r.label)
            for r in self.readings()
            if r.suspended and not r.key.startswith(TETHER_KEY)
        ]
        if suspended:
            more = ", ".join(suspended[:8])
            lines.append(Text.of("kimp.status_suspended", n=len(suspended), coins=more))
        lines += self._rule_lines()
        if self.universe.last_error:
            lines.append(Text.of("kimp.status_universe", error=self.universe.last_error))
        lines += self.wallets.status_lines() if self.wallets else [Text.of("wallet.status_off")]
        return lines
