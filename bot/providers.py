"""What the commands, /status and the reports ask of each feature: declared, minimal interfaces.

The facade's provider fields are typed with these protocols, not with the features' classes, so
a handler can use only what is declared here; the installers assign the concrete objects
(`TradingProvider`, `BotManager`, `KimpService`, `MarketDataManager`) and mypy checks there that
each satisfies its protocol. A member a handler reaches through a sub-object (the order store
behind /cancel, a bot's decision log) is declared as a small nested protocol of its own, so the
handler still sees only the one method it calls. Members are read-only properties: a feature's
plain attribute satisfies them, and the app cannot rebind them.

Feature types below are imported for annotations only; this module imports no feature at run
time.
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from core.market import Side
from core.orders import Position
from core.positions import PositionBook
from core.symbols import Instrument, Symbol, Venue
from core.text import Text

if TYPE_CHECKING:
    from alerts.chart import PremiumChartWords
    from alerts.coin_rules import CoinRule
    from alerts.config import AlertConfig, KimpConfig
    from alerts.executable import TransferView
    from alerts.funding import FundingView
    from alerts.krw_venues import KrwVenues, SpreadView
    from alerts.monitor import CoinPremium, TetherView
    from alerts.premium import Executable
    from alerts.service import Headline
    from alerts.wallet import WalletNote
    from core.hedge import HedgeGateway, HedgeResult
    from strategies.bot_runner import ForcedOrder
    from strategies.botconfig import BotDefinition
    from strategies.engine import OpenPosition
    from strategies.runner import BotView
    from strategies.store import DecisionRow
    from trading.accounting import PositionRow, TradeRow
    from trading.executor import SubmitResult
    from trading.hedge.provider import HedgeView
    from trading.intent import SellPlan
    from trading.provider import BalancesAge, DayPnl
    from trading.store import StoredOrder


class StatusProvider(Protocol):
    """A feature that contributes lines to /status."""

    async def status_lines(self) -> Sequence[str | Text]: ...


class ReportSection(Protocol):
    """A feature that adds a section to the daily report (its lines for [since, until))."""

    async def report_lines(self, since: float, until: float) -> list[str]: ...


# ---------------------------------------------------------------------------------- market data
class MarketDataView(StatusProvider, Protocol):
    """The market-data streams, as /status shows them (one line per connection), and which
    venues delivered data (the start-up notice)."""

    async def wait_delivering(self, timeout: float) -> dict[Venue, bool]: ...


# -------------------------------------------------------------------------------------- trading
class TradingView(StatusProvider, PositionBook, Protocol):
    """Balances with KRW values, positions, orders, manual orders and the kill switch
    (/balance, /orders, /buy, /sell, /cancel, /killswitch); the trade book's views (/positions,
    /trades, /profit, /performance, /stats, /daily, /weekly, /monthly, a bot's PnL in /bots);
    `open_positions` is what /stop asks before stopping a bot that holds some."""

    @property
    def paper(self) -> bool: ...

    async def order(self, client_id: str) -> StoredOrder | None: ...

    async def cancel(self, client_id: str) -> SubmitResult: ...

    async def balances(
        self,
    ) -> dict[Venue, list[tuple[str, Decimal, Decimal, Decimal | None]]]: ...

    def balances_age(self) -> dict[Venue, BalancesAge]: ...

    async def positions(self) -> list[tuple[Position, Decimal | None, Decimal | None]]: ...

    async def orders(self, open_only: bool = True, limit: int = 20) -> list[StoredOrder]: ...

    async def periods(self, unit: str, n: int) -> list[DayPnl]: ...

    async def position_rows(self) -> list[PositionRow]: ...

    async def trade_rows(
        self, days: float | None = None, open_too: bool = True, last: int | None = None
    ) -> list[TradeRow]: ...

    def owner_pnl(self) -> dict[str | None, dict[str, Decimal]]: ...

    async def manual_order(
        self,
        venue: Venue,
        symbol: Symbol,
        side: Side,
        qty: Decimal | None,
        amount: Decimal | None,
        *,
        closes: bool | None = None,
        stop_loss: str | None = None,
    ) -> SubmitResult: ...

    def sell_plan(self, venue: Venue, symbol: Symbol) -> SellPlan: ...

    async def flatten(self) -> list[tuple[Instrument, SubmitResult]]: ...

    async def set_kill_switch(self, on: bool, cancel_orders: bool) -> list[SubmitResult]: ...


# ----------------------------------------------------------------------------------------- bots
class DecisionLog(Protocol):
    async def decisions(self, bot: str | None = None, limit: int = 20) -> list[DecisionRow]: ...


class BotControl(StatusProvider, Protocol):
    """The strategy bots: list and detail (/bots), start, stop, pause, resume, forced entry and
    exit (/buy <bot>, /sell <bot>), and stop all (/killswitch)."""

    @property
    def definitions(self) -> Mapping[str, BotDefinition]: ...

    @property
    def runners(self) -> Container[str]:
        """The names of the running bots."""
        ...

    @property
    def store(self) -> DecisionLog: ...

    async def views(self) -> list[BotView]: ...

    async def start(self, name: str) -> Text: ...

    async def stop(self, name: str) -> Text: ...

    async def stop_all(self) -> list[Text]: ...

    async def set_paused(self, name: str, paused: bool) -> Text: ...

    def open_positions(self, name: str) -> list[Text]: ...

    async def force_entry(
        self, name: str, coin: str | None = None, stake: float | None = None
    ) -> ForcedOrder: ...

    async def held_position(
        self, name: str, coin: str | None = None
    ) -> tuple[Instrument, OpenPosition]: ...

    async def force_exit(self, name: str, coin: str | None = None) -> ForcedOrder: ...


# ----------------------------------------------------------------------------------------- kimp
class TetherSource(Protocol):
    def tether_view(self) -> TetherView: ...

    def snapshots(self) -> list[CoinPremium]:
        """Every coin with both legs priced (the web dashboard's full table)."""
        ...


class KimpView(StatusProvider, Protocol):
    """The kimchi-premium monitor: headline table and one coin's detail (/kimp), the premium
    chart (/kimpchart), and the alert thresholds to show, set and reset (/kimpalert)."""

    @property
    def monitor(self) -> TetherSource: ...

    @property
    def kimp_config(self) -> KimpConfig: ...

    @property
    def config(self) -> AlertConfig: ...

    @property
    def basis(self) -> Text: ...

    def headline(self, n: int = 5, venue: Venue | None = None) -> Headline: ...

    # Several KRW venues (/kimp bithumb, /kimp spread): their books and the spread between them.
    @property
    def krw(self) -> KrwVenues: ...

    def spreads(self) -> list[SpreadView]: ...

    def spread(self, coin: str) -> SpreadView | None: ...

    async def spread_walked(self, coin: str) -> SpreadView | None: ...

    def is_known(self, coin: str) -> bool: ...

    def detail(
        self, coin: str
    ) -> tuple[CoinPremium | None, Executable | None, str | Text | None]: ...

    def basis_value(self, snap: CoinPremium) -> float | None: ...

    def wallet_note(self, coin: str, premium_pct: float | None) -> WalletNote | None: ...

    def flag(self, coin: str) -> Text | None: ...

    async def transfer_view(self, coin: str, venue: Venue = ...) -> TransferView | Text | None: ...

    async def net_ranking(
        self, n: int = ..., venue: Venue = ...
    ) -> list[TransferView] | Text | None: ...

    async def chart(
        self, coin: str, hours: float = 24.0, words: PremiumChartWords | None = None
    ) -> bytes | None: ...

    async def set_thresholds(self, **changes: float) -> AlertConfig: ...

    async def reset_thresholds(self) -> AlertConfig: ...

    # Per coin (/watch, /unwatch, /kimpalert <coin>, /kimpmute) and futures context.
    def coin_rule(self, coin: str) -> CoinRule: ...

    def watchlist(self) -> list[str]: ...

    def is_muted(self, coin: str) -> bool: ...

    def coin_volume(self, coin: str) -> float | None: ...

    def below_floor(self, coin: str) -> bool: ...

    async def watch(self, coin: str, on: bool = True) -> CoinRule: ...

    async def mute_for(self, coin: str, seconds: float) -> CoinRule: ...

    async def mute_today(self, coin: str) -> CoinRule: ...

    async def set_coin_levels(
        self, coin: str, high: float | None = None, low: float | None = None
    ) -> CoinRule: ...

    async def reset_coin_levels(self, coin: str) -> CoinRule: ...

    def coin_levels(self, coin: str) -> tuple[float, float]: ...

    def funding(self, coin: str) -> FundingView | None: ...


# ----------------------------------------------------------------------------------- operations
class OpsView(StatusProvider, ReportSection, Protocol):
    """Running for months (bot/ops): database size, backups, heartbeat; /backup."""

    async def backup_now(self) -> Path: ...


class HedgeDeskView(Protocol):
    """Two-leg hedges (`trading.hedge.provider.HedgeDesk`): /hedge, the hedge lines of
    /positions, /profit and the daily report, and the gateway a hedge bot is wired to."""

    @property
    def paper(self) -> bool: ...

    @property
    def default_leverage(self) -> int:
        """The leverage of a manual hedge's futures leg."""
        ...

    @property
    def max_leverage(self) -> int:
        """The most a manual hedge's `lev=N` may ask (MAX_LEVERAGE)."""
        ...

    def hedge_gateway(self) -> HedgeGateway: ...

    def now(self) -> float:
        """The order layer's clock (epoch s)."""
        ...

    async def open(
        self, coin: str, size_krw: Decimal, reverse: bool = False, leverage: int | None = None
    ) -> HedgeResult: ...

    async def close(self, hedge_id: str, qty: Decimal | None = None) -> HedgeResult:
        """Both legs flattened, or only `qty` coins of each (a partial close)."""
        ...

    async def hedges(self, active: bool | None = None, limit: int = 20) -> list[HedgeView]: ...

    async def detail(self, hedge_id: str) -> HedgeView | None: ...
