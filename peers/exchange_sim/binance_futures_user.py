"""Futures user-data streams: listenKeys (60 min validity, PUT keeps alive) and the private hub
that carries ORDER_TRADE_UPDATE, ACCOUNT_UPDATE, ALGO_UPDATE and ACCOUNT_CONFIG_UPDATE.

The 2026 `/private` route subscribes by listenKey plus an `events` list
(`/private/ws?listenKey=<key>&events=ORDER_TRADE_UPDATE/ACCOUNT_UPDATE`): a connection gets only
the event types it named. The hub's routing keys are therefore `<listenKey>@<EVENT>`; a
connection without `events` (the path form `/private/ws/<listenKey>`) gets every type (our
reading: the docs show no example of that case). `listenKeyExpired` always goes out: it ends the
stream. `refused = True` is the fault switch: handshakes get HTTP 503 and current private
connections are dropped, so only polling can see fills.
"""

from __future__ import annotations

import random
import string
import time
from dataclasses import dataclass

import orjson

from peers.exchange_sim.binance_auth import BinanceError
from peers.exchange_sim.binance_futures_engine import FuturesEngine
from peers.exchange_sim.binance_futures_matching import FuturesEvent
from peers.exchange_sim.binance_futures_wire import (
    account_update,
    algo_update,
    config_update,
    order_update,
)
from peers.exchange_sim.binance_rules import SymbolRules
from peers.exchange_sim.binance_ws import StreamHub

LISTEN_KEY_TTL = 3600.0
EVENT_TYPES = ("ORDER_TRADE_UPDATE", "ACCOUNT_UPDATE", "ALGO_UPDATE", "ACCOUNT_CONFIG_UPDATE")
EXPIRED = "listenKeyExpired"
_ALPHABET = string.ascii_letters + string.digits


@dataclass(slots=True)
class ListenKey:
    key: str
    api_key: str
    expires: float


class UserStreams:
    def __init__(
        self,
        engine: FuturesEngine,
        rules: dict[str, SymbolRules],
        seed: str = "",
    ) -> None:
        self.engine = engine
        self.rules = rules
        self.ttl = LISTEN_KEY_TTL
        self._rng = random.Random(f"{seed}:listen-keys")
        self.keys: dict[str, ListenKey] = {}
        self.hub: StreamHub | None = None
        self.refused = False
        engine.listeners.append(self.on_event)

    def canonical(self, name: str) -> str | None:
        """`<listenKey>@<EVENT>` -> itself while the key is valid and the event type known."""
        key, _, event = name.partition("@")
        lk = self.keys.get(key)
        if lk is None or lk.expires <= time.monotonic():
            return None
        return name if event in EVENT_TYPES or event == EXPIRED else None

    def routes(self, key: str, events: str | None) -> list[str] | None:
        """Routing keys for one listenKey and its `events` parameter (slash-separated), or None
        when the key is unknown / expired or an event type is not one the venue sends."""
        names = [e for e in events.split("/") if e] if events else list(EVENT_TYPES)
        out = [f"{key}@{e}" for e in dict.fromkeys([*names, EXPIRED])]
        return out if all(self.canonical(k) for k in out) else None

    def refuse(self, on: bool = True) -> None:
        """Fault switch: refuse private-stream handshakes and drop the current connections."""
        self.refused = on
        if on and self.hub is not None:
            for conn in list(self.hub.conns):
                conn.abort()

    # --- REST -------------------------------------------------------------------------------

    def create(self, api_key: str) -> str:
        now = time.monotonic()
        for lk in self.keys.values():
            if lk.api_key == api_key and lk.expires > now:
                lk.expires = now + self.ttl
                return lk.key
        key = "".join(self._rng.choice(_ALPHABET) for _ in range(64))
        self.keys[key] = ListenKey(key, api_key, now + self.ttl)
        return key

    def _active(self, api_key: str, key: str | None) -> ListenKey:
        now = time.monotonic()
        for lk in self.keys.values():
            if lk.api_key == api_key and lk.expires > now and key in (None, lk.key):
                return lk
        raise BinanceError(-1125, "This listenKey does not exist.")

    def keepalive(self, api_key: str, key: str | None) -> str:
        lk = self._active(api_key, key)
        lk.expires = time.monotonic() + self.ttl
        return lk.key

    def close(self, api_key: str, key: str | None) -> None:
        lk = self._active(api_key, key)
        self._expire(lk)

    def expire_due(self) -> None:
        """Send `listenKeyExpired` for keys past their validity (called periodically)."""
        now = time.monotonic()
        for lk in list(self.keys.values()):
            if lk.expires <= now:
                self._expire(lk)

    def _expire(self, lk: ListenKey) -> None:
        self.keys.pop(lk.key, None)
        if self.hub is not None:
            event = {"e": EXPIRED, "E": self.engine.now_ms(), "listenKey": lk.key}
            self.hub.publish(f"{lk.key}@{EXPIRED}", orjson.dumps(event))
            for name in (*EVENT_TYPES, EXPIRED):
                self.hub.unsubscribe_all(f"{lk.key}@{name}")

    # --- events -----------------------------------------------------------------------------

    def on_event(self, ev: FuturesEvent) -> None:
        hub = self.hub
        if hub is None:
            return
        event = _EVENT_OF.get(ev.kind)
        if event is None:
            return
        targets = [
            f"{k}@{event}"
            for k, lk in self.keys.items()
            if lk.api_key == ev.account.api_key and hub.wanted(f"{k}@{event}")
        ]
        if not targets:
            return
        now = self.engine.now_ms()
        if ev.kind == "ORDER" and ev.order is not None:
            payload = order_update(ev, self.rules[ev.order.symbol], now)
        elif ev.kind == "ACCOUNT":
            payload = account_update(ev, self.engine, self.rules, now)
        elif ev.kind == "ALGO" and ev.algo is not None:
            payload = algo_update(ev, self.rules[ev.algo.symbol], now)
        elif ev.kind == "CONFIG":
            payload = config_update(ev, now)
        else:
            return
        data = orjson.dumps(payload)
        for key in targets:
            hub.publish(key, data)


_EVENT_OF = {
    "ORDER": "ORDER_TRADE_UPDATE",
    "ACCOUNT": "ACCOUNT_UPDATE",
    "ALGO": "ALGO_UPDATE",
    "CONFIG": "ACCOUNT_CONFIG_UPDATE",
}
