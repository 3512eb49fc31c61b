"""The optional wallet gate against a small loopback stub of the two signed wallet endpoints.

The exchange simulator does not serve `/v1/status/wallet` or `/sapi/v1/capital/config/getall`
yet (see /tmp/sim_wallet_request.md), so `WalletStub` stands in: it checks the Upbit JWT and
the Binance HMAC signature like the venues do and serves the documented shapes.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import orjson
import pytest
from aiohttp import web

from alerts.premium import Fees
from alerts.service import KimpService
from alerts.wallet import (
    WalletError,
    WalletGate,
    WalletStatus,
    parse_binance_capital,
    parse_upbit_wallet,
)
from bot.commands import CommandContext, CommandRegistry
from bot.commands.kimp import register_kimp
from bot.config import load_settings
from bot.domain.clock import ManualClock
from bot.domain.symbols import Venue
from bot.events import EventBus
from bot.facade import ServiceFacade
from bot.notify.notifier import Notifier
from bot.notify.outbox import Outbox
from bot.storage import Database
from bot.supervisor import Supervisor
from strategies.fills import FEE_RATES
from tests.alerts.conftest import SleepLog
from tests.alerts.test_service import COINS, Inbox, run_for
from tests.helpers import eventually

UPBIT_KEYS = ("up-access", "up-secret")
BINANCE_KEYS = ("bn-key", "bn-secret")


def _json(data: object, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type="application/json")


def _verify_jwt(authorization: str, secret: str) -> dict[str, object] | None:
    """The claims of a valid HS256/HS512 bearer token, else None."""
    try:
        head, body, sig = authorization.removeprefix("Bearer ").split(".")
        header = orjson.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
        digest = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}[header["alg"]]
        good = hmac.new(secret.encode(), f"{head}.{body}".encode(), digest).digest()
        if not hmac.compare_digest(good, base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))):
            return None
        claims = orjson.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


class WalletStub:
    """Upbit `GET /v1/status/wallet` and Binance `GET /sapi/v1/capital/config/getall`."""

    def __init__(self, now_ms: Callable[[], float]) -> None:
        self.now_ms = now_ms
        self.upbit: dict[str, list[str]] = {c: ["working"] for c in [*COINS, "USDT"]}
        self.binance: dict[str, list[tuple[bool, bool]]] = {c: [(True, True)] for c in COINS}
        self.fail_status: int | None = None
        self.hits = {"upbit": 0, "binance": 0}
        self._nonces: set[str] = set()
        self.url = ""

    async def upbit_wallet(self, request: web.Request) -> web.Response:
        if self.fail_status:
            return _json({"error": {"name": "server_error", "message": "down"}}, self.fail_status)
        claims = _verify_jwt(request.headers.get("Authorization", ""), UPBIT_KEYS[1])
        if claims is None:
            return _json({"error": {"name": "jwt_verification", "message": "bad token"}}, 401)
        nonce = str(claims.get("nonce"))
        if claims.get("access_key") != UPBIT_KEYS[0] or nonce in self._nonces:
            return _json({"error": {"name": "invalid_access_key", "message": "no"}}, 401)
        self._nonces.add(nonce)
        self.hits["upbit"] += 1
        return _json(
            [
                {
                    "currency": c,
                    "wallet_state": st,
                    "block_state": "normal",
                    "block_height": 1,
                    "block_updated_at": "2026-11-21T12:00:00+00:00",
                    "block_elapsed_minutes": 0,
                    "net_type": f"{c}-{i}",
                    "network_name": c,
                }
                for c, states in self.upbit.items()
                for i, st in enumerate(states)
            ]
        )

    async def binance_getall(self, request: web.Request) -> web.Response:
        if self.fail_status:
            return _json({"code": -1001, "msg": "Internal error"}, self.fail_status)
        if request.headers.get("X-MBX-APIKEY") != BINANCE_KEYS[0]:
            return _json({"code": -2015, "msg": "Invalid API-key"}, 401)
        raw = request.rel_url.raw_query_string
        payload, _, sig = raw.rpartition("&signature=")
        good = hmac.new(BINANCE_KEYS[1].encode(), payload.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(good, sig):
            return _json({"code": -1022, "msg": "Signature for this request is not valid."}, 400)
        ts = int(request.query["timestamp"])
        if abs(self.now_ms() - ts) > int(request.query.get("recvWindow", 5000)):
            return _json({"code": -1021, "msg": "Timestamp outside of the recvWindow."}, 400)
        self.hits["binance"] += 1
        return _json(
            [
                {
                    "coin": c,
                    "depositAllEnable": any(d for d, _ in nets),
                    "withdrawAllEnable": any(w for _, w in nets),
                    "name": c,
                    "networkList": [
                        {"network": f"{c}{i}", "coin": c, "depositEnable": d, "withdrawEnable": w}
                        for i, (d, w) in enumerate(nets)
                    ],
                }
                for c, nets in self.binance.items()
            ]
        )


@asynccontextmanager
async def wallet_stub(clock: ManualClock) -> AsyncIterator[WalletStub]:
    stub = WalletStub(lambda: clock.now() * 1000)
    app = web.Application()
    app.router.add_get("/v1/status/wallet", stub.upbit_wallet)
    app.router.add_get("/sapi/v1/capital/config/getall", stub.binance_getall)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    stub.url = f"http://{host}:{port}"
    try:
        yield stub
    finally:
        await runner.cleanup()


def _gate(stub: WalletStub, clock: ManualClock, **kw: object) -> WalletGate:
    opts: dict[str, object] = {"upbit_keys": UPBIT_KEYS, "binance_keys": BINANCE_KEYS, **kw}
    return WalletGate(clock, stub.url, stub.url, refresh=300.0, **opts)  # type: ignore[arg-type]


def test_parsers_read_the_documented_shapes() -> None:
    upbit = [
        {"currency": "XRP", "wallet_state": "withdraw_only", "net_type": "XRP"},
        {"currency": "ETH", "wallet_state": "paused", "net_type": "ETH"},
        {"currency": "ETH", "wallet_state": "deposit_only", "net_type": "ARB"},  # another net
        {"currency": "BTC", "wallet_state": "working"},
        {"currency": "NEW", "wallet_state": "something_new"},  # unknown: no evidence
        "junk",
    ]
    assert parse_upbit_wallet(upbit) == {
        "XRP": WalletStatus(deposit=False, withdraw=True),
        "ETH": WalletStatus(deposit=True, withdraw=False),
        "BTC": WalletStatus(True, True),
    }
    binance = [
        {"coin": "SOL", "networkList": [
            {"network": "SOL", "depositEnable": False, "withdrawEnable": True},
            {"network": "BSC", "depositEnable": False, "withdrawEnable": False},
        ]},
        {"coin": "DOGE", "networkList": []},
        {"coin": "BTC", "networkList": [{"depositEnable": True, "withdrawEnable": True}]},
        {"nocoin": 1},
    ]  # fmt: skip
    assert parse_binance_capital(binance) == {
        "SOL": WalletStatus(deposit=False, withdraw=True),
        "DOGE": WalletStatus(False, False),
        "BTC": WalletStatus(True, True),
    }
    with pytest.raises(WalletError, match="not a list"):
        parse_upbit_wallet({"error": {}})
    with pytest.raises(WalletError, match="not a list"):
        parse_binance_capital({"code": -1})


async def test_signed_polls_mark_suspended_coins_by_direction(tmp_path: Path) -> None:
    clock = ManualClock()
    async with wallet_stub(clock) as stub, aiohttp.ClientSession() as session:
        stub.upbit["XRP"] = ["deposit_only"]  # deposits only: withdrawals suspended
        stub.binance["SOL"] = [(False, True), (False, True)]
        gate = _gate(stub, clock)
        assert gate.enabled and await gate.fetch_once(session)
        assert stub.hits == {"upbit": 1, "binance": 1}
        assert gate.problems("XRP") == [(Venue.UPBIT, "withdrawals")]
        assert gate.problems("SOL") == [(Venue.BINANCE_SPOT, "deposits")]
        assert gate.problems("BTC") == [] and gate.note("BTC", 5.0) is None
        # A reverse premium needs Upbit withdrawals: blocked. A positive one does not.
        assert gate.note("XRP", -2.5) == "⛔ withdrawals suspended on Upbit: cannot be arbitraged"
        assert gate.note("XRP", 3.0) == (
            "⛔ withdrawals suspended on Upbit (the Binance → Upbit route is open)"
        )
        assert gate.note("SOL", -3.0) == "⛔ deposits suspended on Binance: cannot be arbitraged"
        assert gate.note("SOL", None) == "⛔ deposits suspended on Binance: cannot be arbitraged"
        assert gate.status_lines() == [
            "wallet gate: Upbit: 1 coins suspended (0s ago) · Binance: 1 coins suspended (0s ago)"
        ]
        upbit_only = _gate(stub, clock, binance_keys=None)
        assert await upbit_only.fetch_once(session) and list(upbit_only.venues) == [Venue.UPBIT]
        assert upbit_only.problems("SOL") == []  # Binance not checked without its keys
        off = _gate(stub, clock, upbit_keys=None, binance_keys=None)
        assert not off.enabled and off.status_lines() == ["wallet gate off (no API keys)"]


async def test_wrong_keys_are_reported_not_raised(tmp_path: Path) -> None:
    clock = ManualClock()
    async with wallet_stub(clock) as stub, aiohttp.ClientSession() as session:
        gate = _gate(stub, clock, upbit_keys=("up-access", "wrong"), binance_keys=("bn-key", "x"))
        assert not await gate.fetch_once(session)
        assert gate.venues[Venue.UPBIT].error == (
            "Upbit wallet status answered HTTP 401: jwt_verification bad token"
        )
        assert gate.venues[Venue.BINANCE_SPOT].error == (
            "Binance wallet status answered HTTP 400: -1022 Signature for this request is not "
            "valid."
        )
        assert gate.problems("XRP") == []
        assert gate.status_lines()[0].startswith(
            "wallet gate: Upbit: Upbit wallet status answered HTTP 401"
        )
    gone = _gate(stub, clock)  # the server is closed now: a connection error, not a crash
    async with aiohttp.ClientSession() as session:
        assert not await gone.fetch_once(session)
    assert gone.venues[Venue.UPBIT].failures == 1


async def test_refreshed_periodically_last_answer_kept_then_dropped_when_old(
    tmp_path: Path,
) -> None:
    clock = SleepLog()
    async with wallet_stub(clock) as stub:
        stub.upbit["XRP"] = ["paused"]
        gate = _gate(stub, clock)
        task = asyncio.create_task(gate.run(), name="wallets-test")

        async def rounds(n: int) -> None:  # the loop has polled n times and is parked again
            await eventually(lambda: len(clock.sleeps) == n)

        try:
            await rounds(1)
            assert gate.problems("XRP") == [
                (Venue.UPBIT, "withdrawals"),
                (Venue.UPBIT, "deposits"),
            ]
            stub.upbit["XRP"] = ["working"]
            stub.upbit["ETH"] = ["deposit_only"]
            clock.advance(300)
            await rounds(2)
            assert gate.problems("ETH") == [(Venue.UPBIT, "withdrawals")]
            assert gate.problems("XRP") == [] and clock.sleeps == [300.0, 300.0]
            stub.fail_status = 503
            clock.advance(300)
            await rounds(3)
            assert clock.sleeps[-1] == 60.0  # retries sooner while failing
            assert gate.problems("ETH")  # the last good answer still counts
            assert (
                "last refresh failed: Upbit wallet status answered HTTP 503"
                in (gate.status_lines()[0])
            )
            for n in range(4, 17):  # 300 + 13 * 60 s after the last good answer: too old
                clock.advance(60)
                await rounds(n)
            assert gate.problems("ETH") == [] and "too old to use" in gate.status_lines()[0]
            stub.fail_status = None
            clock.advance(60)
            await rounds(17)
            assert gate.problems("ETH") and clock.sleeps[-1] == 300.0
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


async def test_alerts_detail_and_headline_are_marked(tmp_path: Path) -> None:
    clock, inbox = ManualClock(), Inbox()
    settings = load_settings(
        env_file=None, db_path=tmp_path / "k.db", kimp_min_duration=30, kimp_jump_pct=5
    )
    async with (
        wallet_stub(clock) as stub,
        Database.open(tmp_path / "k.db") as db,
        aiohttp.ClientSession() as session,
    ):
        stub.upbit["XRP"] = ["deposit_only"]  # deposits only: withdrawals suspended
        gate = _gate(stub, clock)
        await gate.fetch_once(session)
        svc = KimpService(settings, db, clock, inbox.send, Fees.from_rates(FEE_RATES))
        await svc.load()
        svc.set_coins(set(COINS))
        svc.wallets = gate
        await run_for(svc, clock, {**dict.fromkeys(COINS, 1.0), "XRP": -2.4}, 60)
        assert inbox.texts() == [
            "🔻 XRP reverse premium -2.40% (USDT kimp): reached the -2% alert level · "
            "⛔ withdrawals suspended on Upbit: cannot be arbitraged"
        ]
        facade = ServiceFacade(
            settings, db, EventBus(), Supervisor(), Notifier(Outbox(db), settings), "t"
        )
        facade.kimp = svc
        registry = CommandRegistry()
        register_kimp(registry)
        ctx = CommandContext(facade, 1, 1, "console")
        detail = (await registry.dispatch("/kimp XRP", ctx)).text
        assert "⛔ withdrawals suspended on Upbit: cannot be arbitraged" in detail
        head = (await registry.dispatch("/kimp", ctx)).text
        assert "XRP -2.40% ⛔" in head and "⛔ deposits or withdrawals suspended" in head
        assert "BTC +1.00% ⛔" not in head
        assert "wallet gate: Upbit: 1 coins suspended" in "\n".join(await svc.status_lines())
