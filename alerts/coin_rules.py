"""Per-coin alerting: the watchlist, a coin's own thresholds, mutes, and the liquidity floor.

`CoinRule` is one coin's row (immutable); `CoinRules` holds them in memory for the alert round
and owns the `alert_coins` table, so every change is written before it takes effect and a
restart keeps the watchlist, the thresholds and the mutes.

What they mean to the alerts (alerts/service.py): market-wide keys (BTC, the tether premium)
always alert. Any other coin alerts only when its 24 h KRW volume on Upbit is at least the floor
(an unknown volume counts as below it while a floor is set) and, once the watchlist is not empty,
only when it is on it. A muted coin is still evaluated (its zone follows the premium) but nothing
is sent until the mute ends.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from alerts.config import AlertConfig
from core.storage import Database


@dataclass(frozen=True, slots=True)
class CoinRule:
    coin: str
    watched: bool = False
    high_pct: float | None = None  # None: the global level
    low_pct: float | None = None
    muted_until: float = 0.0  # epoch seconds; 0 = not muted

    @property
    def empty(self) -> bool:
        return (
            not self.watched
            and self.high_pct is None
            and self.low_pct is None
            and (self.muted_until <= 0)
        )


def level_problems(high: float, low: float, cfg: AlertConfig) -> list[str]:
    """What is wrong with a coin's own (high, low) pair under the global margin and bound."""
    m = cfg.rearm_margin_pct
    if low >= high:
        return ["the low threshold must be below the high threshold"]
    if high - m <= low + m:
        return ["the re-arm margin is too wide for the gap between the thresholds"]
    if cfg.implausible_pct <= max(abs(high), abs(low)):
        return ["the implausible bound must be beyond the thresholds"]
    return []


class CoinRules:
    """The per-coin rules in memory, written through to `alert_coins`."""

    def __init__(self, db: Database, min_volume_krw: float = 0.0) -> None:
        self._db = db
        self.min_volume_krw = min_volume_krw  # KIMP_MIN_VOLUME_KRW; 0 = no floor
        self.rules: dict[str, CoinRule] = {}
        self._watched: frozenset[str] = frozenset()  # asked for every coin, every round

    async def load(self) -> None:
        rows = await self._db.fetchall(
            "SELECT coin, watched, high_pct, low_pct, muted_until FROM alert_coins"
        )
        self.rules = {
            str(r[0]): CoinRule(str(r[0]), bool(r[1]), r[2], r[3], float(r[4])) for r in rows
        }
        self._watched = frozenset(c for c, r in self.rules.items() if r.watched)

    def get(self, coin: str) -> CoinRule:
        return self.rules.get(coin) or CoinRule(coin)

    async def _put(self, rule: CoinRule, now: float) -> CoinRule:
        if rule.empty:
            await self._db.execute("DELETE FROM alert_coins WHERE coin = ?", (rule.coin,))
            self.rules.pop(rule.coin, None)
            self._watched = self._watched - {rule.coin}
            return rule
        await self._db.execute(
            "INSERT INTO alert_coins(coin, watched, high_pct, low_pct, muted_until, updated_ts) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(coin) DO UPDATE SET "
            "watched = excluded.watched, high_pct = excluded.high_pct, "
            "low_pct = excluded.low_pct, muted_until = excluded.muted_until, "
            "updated_ts = excluded.updated_ts",
            (rule.coin, int(rule.watched), rule.high_pct, rule.low_pct, rule.muted_until, now),
        )
        self.rules[rule.coin] = rule
        self._watched = frozenset(c for c, r in self.rules.items() if r.watched)
        return rule

    # ------------------------------------------------------------------ changes
    async def watch(self, coin: str, on: bool, now: float) -> CoinRule:
        return await self._put(replace(self.get(coin), watched=on), now)

    async def set_levels(
        self, coin: str, high: float | None, low: float | None, now: float
    ) -> CoinRule:
        return await self._put(replace(self.get(coin), high_pct=high, low_pct=low), now)

    async def mute(self, coin: str, until: float, now: float) -> CoinRule:
        return await self._put(replace(self.get(coin), muted_until=until), now)

    # ------------------------------------------------------------------ queries
    def watchlist(self) -> list[str]:
        return sorted(self._watched)

    def muted(self, coin: str, now: float) -> bool:
        rule = self.rules.get(coin)
        return rule is not None and rule.muted_until > now

    def below_floor(self, volume_krw: float | None) -> bool:
        if self.min_volume_krw <= 0:
            return False
        return volume_krw is None or volume_krw < self.min_volume_krw

    def eligible(self, coin: str, volume_krw: float | None) -> bool:
        """Whether `coin` (not a market-wide key) may alert at all right now."""
        if self.below_floor(volume_krw):
            return False
        return not self._watched or coin in self._watched

    def levels(self) -> dict[str, tuple[float | None, float | None]]:
        """Alert key -> the coin's own (high, low); None where the global level applies."""
        return {
            f"coin:{c}": (r.high_pct, r.low_pct)
            for c, r in self.rules.items()
            if r.high_pct is not None or r.low_pct is not None
        }
