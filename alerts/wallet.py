"""Optional wallet gate: coins whose deposits or withdrawals are suspended on either venue.

A premium on a coin that cannot be moved between the venues cannot be arbitraged, so the kimp
views and alerts say so. With API keys set, `WalletGate` polls two signed endpoints (wire shapes
stay in this module; only `WalletStatus` leaves it):

* Upbit `GET /v1/status/wallet` (JWT without query_hash): `wallet_state` per currency and
  network. Upbit says it may lag by minutes and is for reference only.
* Binance `GET /sapi/v1/capital/config/getall` (HMAC-SHA256 signed): `networkList[]` with
  `depositEnable` / `withdrawEnable` per network.

A coin can deposit (withdraw) on a venue when any of its networks can. Networks are not matched
across venues (a common network on both sides is not checked). A venue's answer older than three
refresh periods is dropped, so a stale "suspended" never lingers.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson
from loguru import logger

from bot.i18n import Messages
from core.clock import Clock
from core.symbols import Venue

UPBIT_PATH = "/v1/status/wallet"
BINANCE_PATH = "/sapi/v1/capital/config/getall"
NAMES = {Venue.UPBIT: "Upbit", Venue.BINANCE_SPOT: "Binance"}

# Upbit wallet_state -> (deposits work, withdrawals work)
_UPBIT_STATES = {
    "working": (True, True),
    "withdraw_only": (False, True),
    "deposit_only": (True, False),
    "paused": (False, False),
    "unsupported": (False, False),
}


class WalletError(Exception):
    """A venue answered something unusable; the message says what."""


@dataclass(frozen=True, slots=True)
class WalletStatus:
    deposit: bool
    withdraw: bool


def _merge(out: dict[str, WalletStatus], coin: str, deposit: bool, withdraw: bool) -> None:
    old = out.get(coin)
    if old is not None:
        deposit, withdraw = deposit or old.deposit, withdraw or old.withdraw
    out[coin] = WalletStatus(deposit, withdraw)


def parse_upbit_wallet(data: Any) -> dict[str, WalletStatus]:
    """`[{"currency":"XRP","wallet_state":"withdraw_only","block_state":"normal",
    "block_height":1,"block_updated_at":"2026-11-21T12:00:00+00:00","block_elapsed_minutes":0,
    "net_type":"XRP","network_name":"Ripple"}]` -> {"XRP": WalletStatus(False, True)}.

    Rows with a wallet_state we do not know are skipped (no evidence either way)."""
    if not isinstance(data, list):
        raise WalletError("Upbit wallet status is not a list")
    out: dict[str, WalletStatus] = {}
    for row in data:
        if not isinstance(row, dict):
            continue
        coin, state = row.get("currency"), row.get("wallet_state")
        if isinstance(coin, str) and isinstance(state, str) and state in _UPBIT_STATES:
            _merge(out, coin.upper(), *_UPBIT_STATES[state])
    return out


def parse_binance_capital(data: Any) -> dict[str, WalletStatus]:
    """`[{"coin":"SOL","depositAllEnable":false,"withdrawAllEnable":true,"networkList":[
    {"network":"SOL","coin":"SOL","depositEnable":false,"withdrawEnable":true}]}]`
    -> {"SOL": WalletStatus(False, True)}. A coin without networks can do neither."""
    if not isinstance(data, list):
        raise WalletError("Binance capital config is not a list")
    out: dict[str, WalletStatus] = {}
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("coin"), str):
            continue
        nets = item.get("networkList")
        nets = [n for n in nets if isinstance(n, dict)] if isinstance(nets, list) else []
        deposit = any(n.get("depositEnable") is True for n in nets)
        withdraw = any(n.get("withdrawEnable") is True for n in nets)
        _merge(out, item["coin"].upper(), deposit, withdraw)
    return out


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def upbit_token(access_key: str, secret_key: str) -> str:
    """The HS256 JWT for a parameterless private Upbit request (fresh nonce each time).

    Built by hand: it is three lines, and pyjwt warns (an error under our tests) about short
    HMAC keys such as the simulator's."""
    head = _b64(orjson.dumps({"alg": "HS256", "typ": "JWT"}))
    body = _b64(orjson.dumps({"access_key": access_key, "nonce": str(uuid.uuid4())}))
    sig = hmac.new(secret_key.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(sig)}"


def binance_query(secret: str, timestamp_ms: int, recv_window: int = 10_000) -> str:
    """`timestamp=..&recvWindow=..&signature=<hex HMAC-SHA256 of the rest>`."""
    query = f"timestamp={timestamp_ms}&recvWindow={recv_window}"
    sig = hmac.new(secret.encode(), query.encode(), hashlib.sha256).hexdigest()
    return f"{query}&signature={sig}"


def _error_text(venue: Venue, status: int, body: bytes) -> str:
    detail = ""
    try:
        data = orjson.loads(body)
        if isinstance(data, dict) and isinstance(data.get("error"), dict):  # Upbit
            detail = f": {data['error'].get('name')} {data['error'].get('message')}"
        elif isinstance(data, dict) and "code" in data:  # Binance
            detail = f": {data.get('code')} {data.get('msg')}"
    except orjson.JSONDecodeError:
        pass
    return f"{NAMES[venue]} wallet status answered HTTP {status}{detail}"


@dataclass(slots=True)
class VenueWallets:
    """The latest answer from one venue."""

    coins: dict[str, WalletStatus] = field(default_factory=dict)
    fetched_at: float | None = None
    error: str | None = None
    failures: int = 0


class WalletGate:
    """Polls the venues whose keys are given; answers which transfers are suspended per coin."""

    def __init__(
        self,
        clock: Clock,
        upbit_url: str,
        binance_url: str,
        upbit_keys: tuple[str, str] | None,
        binance_keys: tuple[str, str] | None,
        refresh: float = 300.0,
        timeout: float = 10.0,
    ) -> None:
        self._clock = clock
        self._urls = {Venue.UPBIT: upbit_url + UPBIT_PATH, Venue.BINANCE_SPOT: binance_url}
        self._keys = {Venue.UPBIT: upbit_keys, Venue.BINANCE_SPOT: binance_keys}
        self.venues = {v: VenueWallets() for v, k in self._keys.items() if k is not None}
        self.refresh = refresh
        self._timeout = timeout

    @property
    def enabled(self) -> bool:
        return bool(self.venues)

    # ------------------------------------------------------------------ I/O
    async def _fetch(self, session: aiohttp.ClientSession, venue: Venue) -> dict[str, WalletStatus]:
        keys = self._keys[venue]
        assert keys is not None
        if venue is Venue.UPBIT:
            url = self._urls[venue]
            headers = {"Authorization": f"Bearer {upbit_token(*keys)}"}
        else:
            ts = int(self._clock.now() * 1000)
            url = f"{self._urls[venue]}{BINANCE_PATH}?{binance_query(keys[1], ts)}"
            headers = {"X-MBX-APIKEY": keys[0]}
        async with asyncio.timeout(self._timeout), session.get(url, headers=headers) as resp:
            body = await resp.read()
            if resp.status != 200:
                raise WalletError(_error_text(venue, resp.status, body))
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise WalletError(f"{NAMES[venue]} wallet status is not JSON") from None
        return parse_upbit_wallet(data) if venue is Venue.UPBIT else parse_binance_capital(data)

    async def fetch_once(self, session: aiohttp.ClientSession) -> bool:
        """Refresh every configured venue; True when all answered. Never raises I/O errors."""
        ok = True
        for venue, state in self.venues.items():
            try:
                coins = await self._fetch(session, venue)
            except (WalletError, aiohttp.ClientError, TimeoutError, OSError) as exc:
                ok = False
                state.failures += 1
                state.error = str(exc) or type(exc).__name__
                if state.failures in (1, 10) or state.failures % 100 == 0:
                    logger.warning("wallet status fetch failed ({}x): {}", state.failures, exc)
                continue
            state.coins, state.fetched_at = coins, self._clock.now()
            state.error, state.failures = None, 0
        return ok

    async def run(self) -> None:
        async with aiohttp.ClientSession() as session:
            while True:
                ok = await self.fetch_once(session)
                await self._clock.sleep(self.refresh if ok else min(60.0, self.refresh))

    # ------------------------------------------------------------------ reads
    def _usable(self, venue: Venue) -> bool:
        state = self.venues.get(venue)
        if state is None or state.fetched_at is None:
            return False
        return self._clock.now() - state.fetched_at <= 3 * self.refresh

    def _fresh(self, venue: Venue) -> dict[str, WalletStatus]:
        return self.venues[venue].coins if self._usable(venue) else {}

    def problems(self, coin: str) -> list[tuple[Venue, str]]:
        """[(venue, "deposits" | "withdrawals")] suspended for `coin`; empty when unknown."""
        out: list[tuple[Venue, str]] = []
        for venue in (Venue.UPBIT, Venue.BINANCE_SPOT):
            st = self._fresh(venue).get(coin.upper())
            if st is not None:
                if not st.withdraw:
                    out.append((venue, "withdrawals"))
                if not st.deposit:
                    out.append((venue, "deposits"))
        return out

    def note(self, coin: str, premium_pct: float | None, language: str = "en") -> str | None:
        """e.g. "⛔ withdrawals suspended on Upbit: cannot be arbitraged", or None.

        A positive premium is captured by moving the coin Binance -> Upbit (Binance withdrawals,
        Upbit deposits), a negative one Upbit -> Binance; a suspension on the other route is
        shown without the verdict. Unknown direction: any suspension blocks."""
        probs = self.problems(coin)
        if not probs:
            return None
        t = Messages(language)
        names = {Venue.UPBIT: t("name.upbit"), Venue.BINANCE_SPOT: t("name.binance")}
        text = "⛔ " + "; ".join(t(f"wallet.{what}", venue=names[v]) for v, what in probs)
        if premium_pct is None:
            blocked = True
        elif premium_pct >= 0:
            blocked = (Venue.BINANCE_SPOT, "withdrawals") in probs or (
                Venue.UPBIT,
                "deposits",
            ) in probs
        else:
            blocked = (Venue.UPBIT, "withdrawals") in probs or (
                Venue.BINANCE_SPOT,
                "deposits",
            ) in probs
        if blocked:
            return t("wallet.blocked", text=text)
        pair = (Venue.BINANCE_SPOT, Venue.UPBIT)
        if premium_pct is None or premium_pct < 0:
            pair = (Venue.UPBIT, Venue.BINANCE_SPOT)
        return t("wallet.open_route", text=text, route=" → ".join(names[v] for v in pair))

    def status_lines(self) -> list[str]:
        if not self.venues:
            return ["wallet gate off (no API keys)"]
        now = self._clock.now()
        parts = []
        for venue, state in self.venues.items():
            if state.fetched_at is None:
                parts.append(f"{NAMES[venue]}: {state.error or 'not fetched yet'}")
                continue
            blocked = sum(1 for s in state.coins.values() if not (s.deposit and s.withdraw))
            age = now - state.fetched_at
            line = f"{NAMES[venue]}: {blocked} coins suspended ({age:.0f}s ago)"
            if not self._usable(venue):
                line += ", too old to use"
            if state.error:
                line += f"; last refresh failed: {state.error}"
            parts.append(line)
        return ["wallet gate: " + " · ".join(parts)]
