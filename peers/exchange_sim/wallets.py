"""Deposit and withdrawal (wallet) status per venue, coin and network.

Served by Upbit `GET /v1/status/wallet` (one row per currency and network, `wallet_state`), Upbit
`GET /v1/withdraws/chance` (one network's withdrawal fee and minimum; Bithumb serves both the same) and Binance `GET /sapi/v1/capital/config/getall` (one object per coin with `networkList[]`).
Everything starts working; tests suspend transfers with `sim.wallets.set(...)` (or
`sim.set_wallet_state(...)`), a standalone simulator with `POST /__sim/wallet`:

```python
sim.wallets.set("upbit", "XRP", "withdraw_only")        # every XRP network on Upbit
sim.wallets.set("binance", "SOL", deposit=False)        # every SOL network: depositEnable=false
sim.wallets.set("binance", "USDT", withdraw=False, network="TRX")   # one network
sim.wallets.clear()                                     # everything working again
```
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from peers.exchange_sim.market import BINANCE, BITHUMB, UPBIT, MarketModel

WALLET_VENUES = (UPBIT, BINANCE, BITHUMB)
# Upbit wallet_state -> (deposits work, withdrawals work)
WALLET_STATES: dict[str, tuple[bool, bool]] = {
    "working": (True, True),
    "withdraw_only": (False, True),
    "deposit_only": (True, False),
    "paused": (False, False),
    "unsupported": (False, False),
}
BLOCK_STATES = ("normal", "delayed", "inactive")
_ELAPSED_MINUTES = {"normal": 0, "delayed": 45, "inactive": 720}
_SUSPENDED = "Wallet Maintenance, {} Suspended"


@dataclass(frozen=True, slots=True)
class Network:
    """A transfer network as Binance names it (`network`, `name`, fees in the coin)."""

    id: str
    name: str
    withdraw_fee: str = "0"
    withdraw_min: str = "0"


_ERC20 = "Ethereum (ERC20)"
NETWORKS: dict[str, tuple[Network, ...]] = {
    "BTC": (Network("BTC", "Bitcoin", "0.0000051", "0.0001"),),
    "ETH": (
        Network("ETH", _ERC20, "0.0008", "0.0016"),
        Network("ARBITRUM", "Arbitrum One", "0.00004", "0.0008"),
    ),
    "XRP": (Network("XRP", "Ripple", "0.2", "1"),),
    "SOL": (Network("SOL", "Solana", "0.001", "0.01"),),
    "DOGE": (Network("DOGE", "DogeCoin", "4", "20"),),
    "ADA": (Network("ADA", "Cardano", "0.8", "1.6"),),
    "TRX": (Network("TRX", "Tron (TRC20)", "1", "10"),),
    "LINK": (
        Network("ETH", _ERC20, "0.25", "0.5"),
        Network("BSC", "BNB Smart Chain (BEP20)", "0.01", "0.02"),
    ),
    "AVAX": (Network("AVAXC", "AVAX C-Chain", "0.008", "0.1"),),
    "DOT": (Network("DOT", "Polkadot", "0.08", "1.5"),),
    "USDT": (
        Network("ETH", _ERC20, "4", "10"),
        Network("TRX", "Tron (TRC20)", "1", "10"),
        Network("SOL", "Solana", "1", "10"),
    ),
}


@dataclass(slots=True)
class NetState:
    deposit: bool = True
    withdraw: bool = True
    unsupported: bool = False
    block_state: str = "normal"

    @property
    def wallet_state(self) -> str:
        if self.unsupported:
            return "unsupported"
        for name, flags in WALLET_STATES.items():
            if flags == (self.deposit, self.withdraw):
                return name
        raise AssertionError("unreachable: every flag pair has a state")

    @property
    def is_default(self) -> bool:
        return self == NetState()


def _flag(name: str, value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ValueError(f"{name} must be true or false, got {value!r}")


class WalletBook:
    """Wallet state per (venue, coin, network); see module docstring."""

    def __init__(self, market: MarketModel) -> None:
        self.market = market
        self._states: dict[tuple[str, str, str], NetState] = {}

    # ----------------------------------------------------------------- queries
    def coins(self, venue: str) -> list[str]:
        """Every currency the venue lists: the bases of its markets plus USDT."""
        return sorted({m.base for m in self.market.markets(venue)} | {"USDT"})

    @staticmethod
    def networks(coin: str) -> tuple[Network, ...]:
        return NETWORKS.get(coin) or (Network(coin, coin),)

    def get(self, venue: str, coin: str, network: str) -> NetState:
        return self._states.get((venue, coin, network)) or NetState()

    def can(self, venue: str, coin: str) -> tuple[bool, bool]:
        """(deposit, withdraw) on any network of `coin` on `venue`."""
        nets = [self.get(venue, coin, n.id) for n in self.networks(coin)]
        return any(s.deposit for s in nets), any(s.withdraw for s in nets)

    def state(self) -> dict[str, dict[str, dict[str, str]]]:
        """Only what differs from working/normal: {venue: {coin: {network: wallet_state}}}."""
        out: dict[str, dict[str, dict[str, str]]] = {}
        for (venue, coin, net), st in sorted(self._states.items()):
            if not st.is_default:
                label = st.wallet_state + (
                    "" if st.block_state == "normal" else f"/{st.block_state}"
                )
                out.setdefault(venue, {}).setdefault(coin, {})[net] = label
        return out

    # ----------------------------------------------------------------- changes
    def set(
        self,
        venue: str,
        coin: str,
        wallet_state: str | None = None,
        *,
        deposit: bool | None = None,
        withdraw: bool | None = None,
        network: str | None = None,
        block_state: str | None = None,
    ) -> dict[str, str]:
        """Change `coin`'s wallet on `venue` (every network, or just `network`).

        Give an Upbit `wallet_state` (working, withdraw_only, deposit_only, paused,
        unsupported), or `deposit` / `withdraw` flags (the other one is left as it is), and/or
        a `block_state` (normal, delayed, inactive; Binance shows it as `busy`). Returns the
        coin's networks on that venue with their wallet_state."""
        if venue not in WALLET_VENUES:
            raise ValueError(
                f"unknown venue {venue!r}; wallet status is simulated for {WALLET_VENUES}"
            )
        if not isinstance(coin, str) or coin.upper() not in self.coins(venue):
            raise ValueError(f"coin {coin!r} is not listed on {venue}; listed: {self.coins(venue)}")
        coin = coin.upper()
        deposit, withdraw = _flag("deposit", deposit), _flag("withdraw", withdraw)
        if wallet_state is not None:
            if wallet_state not in WALLET_STATES:
                raise ValueError(f"wallet_state must be one of {list(WALLET_STATES)}")
            if deposit is not None or withdraw is not None:
                raise ValueError("give wallet_state or deposit/withdraw, not both")
        if block_state is not None and block_state not in BLOCK_STATES:
            raise ValueError(f"block_state must be one of {list(BLOCK_STATES)}")
        if wallet_state is None and deposit is None and withdraw is None and block_state is None:
            raise ValueError("nothing to set: give wallet_state, deposit, withdraw or block_state")
        nets = [n.id for n in self.networks(coin)]
        if network is not None and network not in nets:
            raise ValueError(f"{coin} on {venue} has networks {nets}, not {network!r}")
        for net in [network] if network is not None else nets:
            st = self._states.setdefault((venue, coin, net), NetState())
            if wallet_state is not None:
                st.deposit, st.withdraw = WALLET_STATES[wallet_state]
                st.unsupported = wallet_state == "unsupported"
            if deposit is not None or withdraw is not None:
                st.unsupported = False
                st.deposit = st.deposit if deposit is None else deposit
                st.withdraw = st.withdraw if withdraw is None else withdraw
            if block_state is not None:
                st.block_state = block_state
        return {net: self.get(venue, coin, net).wallet_state for net in nets}

    def clear(self, venue: str | None = None) -> None:
        """Everything (or one venue) back to working / normal."""
        if venue is not None and venue not in WALLET_VENUES:
            raise ValueError(
                f"unknown venue {venue!r}; wallet status is simulated for {WALLET_VENUES}"
            )
        self._states = {
            k: v for k, v in self._states.items() if venue is not None and k[0] != venue
        }

    def apply(self, command: object) -> dict[str, Any]:
        """One JSON command: `{"venue", "coin", "wallet_state" | "deposit"/"withdraw", ...}`
        or `{"action": "clear", "venue"?}`."""
        if not isinstance(command, dict):
            raise ValueError("expected a JSON object")
        args = dict(command)
        action = args.pop("action", "set")
        if action == "set":
            return {"ok": True, "action": action, "result": self.set(**args)}
        if action == "clear":
            self.clear(**args)
            return {"ok": True, "action": action, "result": None}
        raise ValueError(f"unknown action {action!r}; expected 'set' (the default) or 'clear'")

    # ----------------------------------------------------------------- wire
    def upbit_rows(self, now_ms: int) -> list[dict[str, Any]]:
        """Upbit `GET /v1/status/wallet`: one row per currency and network."""
        return self.rows(UPBIT, now_ms)

    def rows(self, venue: str, now_ms: int) -> list[dict[str, Any]]:
        """`GET /v1/status/wallet` of Upbit or Bithumb (the same row): one per currency and
        network."""
        minutes = (now_ms - self.market.start_ms) // 60_000
        rows = []
        for coin in self.coins(venue):
            for net in self.networks(coin):
                st = self.get(venue, coin, net.id)
                elapsed = _ELAPSED_MINUTES[st.block_state]
                updated = dt.datetime.fromtimestamp(now_ms / 1000 - elapsed * 60, dt.UTC)
                rows.append(
                    {
                        "currency": coin,
                        "wallet_state": st.wallet_state,
                        "block_state": st.block_state,
                        "block_height": 100_000 + zlib.crc32(net.id.encode()) % 800_000 + minutes,
                        "block_updated_at": updated.isoformat(timespec="milliseconds"),
                        "block_elapsed_minutes": elapsed,
                        "net_type": net.id,
                        "network_name": net.name,
                    }
                )
        return rows

    def upbit_withdraw_chance(
        self, coin: str, net_type: str, balance: tuple[Decimal, Decimal], venue: str = UPBIT
    ) -> dict[str, Any]:
        """`GET /v1/withdraws/chance?currency=&net_type=` of Upbit, or Bithumb (`venue`; the
        same request and answer, apidocs.bithumb.com "출금 가능 정보"): the network's
        withdrawal fee and minimum (the same table as Binance's `networkList`), its state and
        the balance. Raises ValueError for a coin or network the venue does not list."""
        coin = coin.upper()
        if coin not in self.coins(venue):
            raise ValueError(f"currency {coin!r} is not listed")
        net = next((n for n in self.networks(coin) if n.id == net_type), None)
        if net is None:
            raise ValueError(f"net_type {net_type!r} is not a network of {coin}")
        st = self.get(venue, coin, net.id)
        support = [k for k, ok in (("deposit", st.deposit), ("withdraw", st.withdraw)) if ok]
        free, locked = balance
        return {
            "member_level": {
                "security_level": 4, "fee_level": 0, "email_verified": True,
                "identity_auth_verified": True, "bank_account_verified": True,
                "kakao_pay_auth_verified": True, "locked": False, "wallet_locked": False,
            },
            "currency": {
                "code": coin, "withdraw_fee": net.withdraw_fee, "is_coin": True,
                "wallet_state": st.wallet_state, "wallet_support": support,
            },
            "account": {
                "currency": coin, "balance": _f8(free), "locked": _f8(locked),
                "avg_buy_price": "0", "avg_buy_price_modified": False, "unit_currency": "KRW",
            },
            "withdraw_limit": {
                "currency": coin, "onetime": "50.0", "daily": None, "remaining_daily": "0.0",
                "remaining_daily_fiat": "1000000000.0", "fiat_currency": "KRW",
                "minimum": net.withdraw_min, "fixed": 8, "can_withdraw": st.withdraw,
                "remaining_daily_krw": "1000000000.0",
            },
        }  # fmt: skip

    def binance_coins(
        self, balances: Mapping[str, tuple[Decimal, Decimal]]
    ) -> list[dict[str, Any]]:
        """`GET /sapi/v1/capital/config/getall`; `balances` = {asset: (free, locked)}."""
        out = []
        for coin in sorted(set(self.coins(BINANCE)) | set(balances)):
            nets = self.networks(coin)
            network_list = []
            for i, net in enumerate(nets):
                st = self.get(BINANCE, coin, net.id)
                network_list.append(
                    {
                        "network": net.id, "coin": coin, "name": net.name, "isDefault": i == 0,
                        "depositEnable": st.deposit, "withdrawEnable": st.withdraw,
                        "withdrawFee": net.withdraw_fee, "withdrawMin": net.withdraw_min,
                        "withdrawMax": "9999999999", "minConfirm": 1, "unLockConfirm": 2,
                        "depositDesc": "" if st.deposit else _SUSPENDED.format("Deposit"),
                        "withdrawDesc": "" if st.withdraw else _SUSPENDED.format("Withdrawal"),
                        "specialTips": "", "busy": st.block_state != "normal",
                        "sameAddress": False, "withdrawIntegerMultiple": "0.00000001",
                    }
                )  # fmt: skip
            free, locked = balances.get(coin, (Decimal(0), Decimal(0)))
            deposit, withdraw = self.can(BINANCE, coin)
            out.append(
                {
                    "coin": coin, "name": self._name(coin),
                    "depositAllEnable": deposit, "withdrawAllEnable": withdraw,
                    "free": _f8(free), "locked": _f8(locked), "freeze": "0", "withdrawing": "0",
                    "ipoing": "0", "ipoable": "0", "storage": "0", "isLegalMoney": False,
                    "trading": True, "networkList": network_list,
                }
            )  # fmt: skip
        return out

    def _name(self, coin: str) -> str:
        try:
            return self.market.coin(coin).english_name or coin
        except KeyError:
            return coin


def _f8(value: Decimal) -> str:
    return f"{value:.8f}"
