"""Wallet status endpoints: Upbit `/v1/status/wallet`, Binance `/sapi/v1/capital/config/getall`,
with raw signed requests, with ccxt, and driven from Python and over `POST /__sim/wallet`."""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from typing import Any

import aiohttp
import ccxt
import orjson
import pytest

from peers.exchange_sim.server import SimExchange
from peers.exchange_sim.wallets import WalletBook
from tests.peers.exchange_sim.binance_helpers import KEY, SECRET, spot_client
from tests.peers.exchange_sim.upbit_helpers import hs_jwt, upbit_rest, upbit_token

UPBIT_PATH = "/v1/status/wallet"
BINANCE_PATH = "/sapi/v1/capital/config/getall"


async def _get(
    http: aiohttp.ClientSession, url: str, headers: dict[str, str] | None = None
) -> tuple[int, Any, Any]:
    async with http.get(url, headers=headers or {}) as resp:
        text = await resp.text()
        try:
            return resp.status, orjson.loads(text), resp.headers
        except orjson.JSONDecodeError:
            return resp.status, text, resp.headers


def _signed(query: str, secret: str = SECRET) -> str:
    return (
        f"{query}&signature={hmac.new(secret.encode(), query.encode(), hashlib.sha256).hexdigest()}"
    )


def _getall_url(sim: SimExchange, secret: str = SECRET, ts_ms: int | None = None) -> str:
    ts = int(time.time() * 1000) if ts_ms is None else ts_ms
    query = _signed(f"timestamp={ts}&recvWindow=5000", secret)
    return f"{sim.urls['BINANCE_REST_URL']}{BINANCE_PATH}?{query}"


def _upbit_states(rows: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    return {(r["currency"], r["net_type"]): r["wallet_state"] for r in rows}


def _binance_nets(coins: list[dict[str, Any]], coin: str) -> dict[str, tuple[bool, bool]]:
    item = next(c for c in coins if c["coin"] == coin)
    return {n["network"]: (n["depositEnable"], n["withdrawEnable"]) for n in item["networkList"]}


async def test_upbit_wallet_status_rows_and_states(sim: SimExchange) -> None:
    access, secret = sim.api_keys["upbit"]
    url = sim.urls["UPBIT_REST_URL"] + UPBIT_PATH
    async with aiohttp.ClientSession() as http:
        status, rows, headers = await _get(
            http, url, {"Authorization": upbit_token(access, secret)}
        )
        assert status == 200 and headers["Remaining-Req"].startswith("group=default;")
        assert {r["currency"] for r in rows} == {*sim.market.coins, "USDT"}
        assert {r["wallet_state"] for r in rows} == {"working"}
        assert {r["block_state"] for r in rows} == {"normal"}
        btc = next(r for r in rows if r["currency"] == "BTC")
        assert btc["net_type"] == "BTC" and btc["network_name"] == "Bitcoin"
        assert isinstance(btc["block_height"], int) and btc["block_elapsed_minutes"] == 0
        assert btc["block_updated_at"].endswith("+00:00")

        sim.wallets.set("upbit", "XRP", "withdraw_only")
        sim.set_wallet_state("upbit", "SOL", withdraw=False)  # deposits still work
        sim.wallets.set("upbit", "USDT", "paused", network="TRX")
        sim.wallets.set("upbit", "ETH", block_state="delayed")
        sim.wallets.set("upbit", "DOT", "unsupported")
        token = upbit_token(access, secret, alg="HS256")  # ccxt signs HS256
        status, rows, _ = await _get(http, url, {"Authorization": token})
        states = _upbit_states(rows)
        assert status == 200 and states[("XRP", "XRP")] == "withdraw_only"
        assert states[("SOL", "SOL")] == "deposit_only" and states[("DOT", "DOT")] == "unsupported"
        assert states[("USDT", "TRX")] == "paused" and states[("USDT", "ETH")] == "working"
        eth = [r for r in rows if r["currency"] == "ETH"]
        assert {r["block_state"] for r in eth} == {"delayed"}
        assert {r["wallet_state"] for r in eth} == {"working"}
        assert eth[0]["block_elapsed_minutes"] > 0
        # The Binance side is separate.
        assert sim.wallets.can("binance", "XRP") == (True, True)
        sim.wallets.set("upbit", "SOL", deposit=False)  # and now neither
        status, rows, _ = await _get(http, url, {"Authorization": upbit_token(access, secret)})
        assert _upbit_states(rows)[("SOL", "SOL")] == "paused"
        sim.wallets.clear("binance")  # another venue: Upbit unchanged
        assert sim.wallets.state()["upbit"]["XRP"] == {"XRP": "withdraw_only"}
        sim.wallets.clear()
        status, rows, _ = await _get(http, url, {"Authorization": upbit_token(access, secret)})
        assert {r["wallet_state"] for r in rows} == {"working"} and sim.wallets.state() == {}


async def test_upbit_wallet_status_auth_and_faults(sim: SimExchange) -> None:
    access, secret = sim.api_keys["upbit"]
    url = sim.urls["UPBIT_REST_URL"] + UPBIT_PATH
    async with aiohttp.ClientSession() as http:
        status, body, _ = await _get(http, url)
        assert status == 401 and body["error"]["name"] == "jwt_verification"
        bad = upbit_token(access, "x" * 40)
        status, body, _ = await _get(http, url, {"Authorization": bad})
        assert status == 401 and body["error"]["name"] == "jwt_verification"
        status, body, _ = await _get(http, url, {"Authorization": upbit_token("nope", secret)})
        assert status == 401 and body["error"]["name"] == "invalid_access_key"
        token = "Bearer " + hs_jwt({"access_key": access, "nonce": str(uuid.uuid4())}, secret)
        assert (await _get(http, url, {"Authorization": token}))[0] == 200
        status, body, _ = await _get(http, url, {"Authorization": token})
        assert status == 401 and body["error"]["name"] == "nonce_used"
        # REST faults apply to this route like to any other.
        sim.faults.rest_error("upbit", 503)
        status, body, _ = await _get(http, url, {"Authorization": upbit_token(access, secret)})
        assert status == 503 and body == "503 Service Unavailable"
        status, _, _ = await _get(http, url, {"Authorization": upbit_token(access, secret)})
        assert status == 200


async def test_binance_capital_config_shape_and_states(sim: SimExchange) -> None:
    async with aiohttp.ClientSession() as http:
        status, coins, headers = await _get(http, _getall_url(sim), {"X-MBX-APIKEY": KEY})
        assert status == 200 and int(headers["X-MBX-USED-WEIGHT-1M"]) >= 10
        assert {c["coin"] for c in coins} >= {*sim.market.coins, "USDT"}
        btc = next(c for c in coins if c["coin"] == "BTC")
        assert btc["free"] == "0.50000000" and btc["locked"] == "0.00000000"
        assert btc["name"] == "Bitcoin" and btc["isLegalMoney"] is False and btc["trading"]
        assert btc["depositAllEnable"] is True and btc["withdrawAllEnable"] is True
        net = btc["networkList"][0]
        assert net["network"] == "BTC" and net["coin"] == "BTC" and net["isDefault"] is True
        assert net["withdrawFee"] == "0.0000051" and net["busy"] is False
        for key in ("withdrawMin", "withdrawMax", "minConfirm", "unLockConfirm", "depositDesc",
                    "withdrawDesc", "specialTips", "sameAddress", "withdrawIntegerMultiple"):  # fmt: skip
            assert key in net, key
        assert next(c for c in coins if c["coin"] == "USDT")["free"] == "10000.00000000"

        sim.wallets.set("binance", "SOL", deposit=False)
        sim.wallets.set("binance", "USDT", deposit=True, withdraw=False, network="TRX")
        sim.set_wallet_state("binance", "ETH", "paused", network="ETH")
        sim.wallets.set("binance", "LINK", "paused")
        status, coins, _ = await _get(http, _getall_url(sim), {"X-MBX-APIKEY": KEY})
        assert _binance_nets(coins, "SOL") == {"SOL": (False, True)}
        assert _binance_nets(coins, "USDT") == {
            "ETH": (True, True), "TRX": (True, False), "SOL": (True, True),
        }  # fmt: skip
        assert _binance_nets(coins, "ETH") == {"ETH": (False, False), "ARBITRUM": (True, True)}
        by_coin = {c["coin"]: c for c in coins}
        # depositAllEnable / withdrawAllEnable: any network can
        assert by_coin["SOL"]["depositAllEnable"] is False
        assert by_coin["SOL"]["withdrawAllEnable"] is True
        assert by_coin["ETH"]["depositAllEnable"] is True
        assert by_coin["LINK"]["depositAllEnable"] is False
        assert by_coin["LINK"]["withdrawAllEnable"] is False
        sol = by_coin["SOL"]["networkList"][0]
        assert sol["depositDesc"] == "Wallet Maintenance, Deposit Suspended"
        assert sol["withdrawDesc"] == ""
        assert sim.wallets.state()["binance"]["USDT"] == {"TRX": "deposit_only"}


async def test_binance_capital_config_signature_errors(sim: SimExchange) -> None:
    async with aiohttp.ClientSession() as http:
        status, body, _ = await _get(http, _getall_url(sim))
        assert (status, body["code"]) == (401, -2014)
        status, body, _ = await _get(http, _getall_url(sim), {"X-MBX-APIKEY": "nope"})
        assert (status, body["code"]) == (401, -2015)
        bad = _getall_url(sim, secret="wrong")
        status, body, _ = await _get(http, bad, {"X-MBX-APIKEY": KEY})
        assert (status, body["code"]) == (400, -1022)
        stale = _getall_url(sim, ts_ms=int(time.time() * 1000) - 60_000)
        status, body, _ = await _get(http, stale, {"X-MBX-APIKEY": KEY})
        assert (status, body["code"]) == (400, -1021)
        unsigned = f"{sim.urls['BINANCE_REST_URL']}{BINANCE_PATH}?timestamp=1"
        status, body, _ = await _get(http, unsigned, {"X-MBX-APIKEY": KEY})
        assert status == 400 and body["code"] == -1102 and "signature" in body["msg"]
        sim.faults.rest_error("binance", 502, body={"code": -1001, "msg": "Internal error"})
        status, body, _ = await _get(http, _getall_url(sim), {"X-MBX-APIKEY": KEY})
        assert (status, body["code"]) == (502, -1001)


async def test_ccxt_binance_fetch_currencies_and_upbit_status_wallet(sim: SimExchange) -> None:
    sim.wallets.set("binance", "XRP", withdraw=False)
    sim.wallets.set("binance", "USDT", deposit=False, network="ETH")
    ex = spot_client(sim)
    ex.options["fetchCurrencies"] = True  # load_markets then calls capital/config/getall
    try:
        await ex.load_markets()
        xrp, usdt, btc = ex.currencies["XRP"], ex.currencies["USDT"], ex.currencies["BTC"]
        assert xrp["deposit"] is True and xrp["withdraw"] is False
        assert xrp["networks"]["XRP"]["withdraw"] is False
        assert btc["deposit"] and btc["withdraw"]
        assert btc["fee"] == 0.0000051 and btc["name"] == "Bitcoin"
        assert usdt["deposit"] is True  # the TRX and SOL networks still take deposits
        assert usdt["networks"]["ERC20"]["deposit"] is False
        assert usdt["networks"]["TRC20"]["deposit"] is True
        sim.wallets.clear()
        fresh = await ex.fetch_currencies()
        assert fresh["XRP"]["withdraw"] is True
    finally:
        await ex.close()

    sim.wallets.set("upbit", "XRP", "deposit_only")
    up = upbit_rest(sim)
    try:
        rows = await up.private_get_status_wallet()  # ccxt's implicit API method
        assert _upbit_states(rows)[("XRP", "XRP")] == "deposit_only"
    finally:
        await up.close()
    wrong = upbit_rest(sim, secret="y" * 40)
    try:
        with pytest.raises(ccxt.AuthenticationError):
            await wrong.private_get_status_wallet()
    finally:
        await wrong.close()


async def test_admin_endpoint_sets_clears_and_refuses_bad_commands(sim: SimExchange) -> None:
    admin = sim.urls["BINANCE_REST_URL"] + "/__sim/wallet"
    async with aiohttp.ClientSession() as http:

        async def post(body: object) -> tuple[int, Any]:
            data = body if isinstance(body, bytes) else orjson.dumps(body)
            async with http.post(admin, data=data) as resp:
                return resp.status, orjson.loads(await resp.read())

        status, body = await post({"venue": "upbit", "coin": "XRP", "wallet_state": "paused"})
        assert status == 200 and body == {"ok": True, "action": "set", "result": {"XRP": "paused"}}
        status, body = await post(
            [
                {"venue": "binance", "coin": "sol", "deposit": False, "withdraw": True},
                {"venue": "binance", "coin": "USDT", "withdraw": False, "network": "SOL"},
            ]
        )
        assert status == 200 and [r["result"] for r in body] == [
            {"SOL": "withdraw_only"},
            {"ETH": "working", "TRX": "working", "SOL": "deposit_only"},
        ]
        assert sim.wallets.can("upbit", "XRP") == (False, False)
        assert sim.wallets.can("binance", "SOL") == (False, True)
        async with http.get(sim.urls["UPBIT_REST_URL"] + "/__sim/state") as resp:
            state = orjson.loads(await resp.read())
        assert state["wallets"] == {
            "binance": {"SOL": {"SOL": "withdraw_only"}, "USDT": {"SOL": "deposit_only"}},
            "upbit": {"XRP": {"XRP": "paused"}},
        }
        status, body = await post({"action": "clear", "venue": "upbit"})
        assert status == 200 and sim.wallets.can("upbit", "XRP") == (True, True)
        assert sim.wallets.can("binance", "SOL") == (False, True)
        assert (await post({"action": "clear"}))[0] == 200 and sim.wallets.state() == {}

        for bad, why in (
            ({"venue": "upbit", "coin": "NOPE", "wallet_state": "paused"}, "not listed on upbit"),
            ({"venue": "binance_futures", "coin": "BTC", "deposit": False}, "unknown venue"),
            ({"venue": "upbit", "coin": "BTC", "wallet_state": "broken"}, "wallet_state must"),
            ({"venue": "upbit", "coin": "BTC", "deposit": "no"}, "deposit must be true or false"),
            ({"venue": "upbit", "coin": "BTC"}, "nothing to set"),
            ({"venue": "upbit", "coin": "BTC", "wallet_state": "paused", "deposit": True},
             "not both"),
            ({"venue": "binance", "coin": "BTC", "deposit": False, "network": "ETH"},
             "has networks ['BTC']"),
            ({"venue": "upbit", "coin": "BTC", "colour": "red"}, "colour"),
            ({"action": "explode"}, "unknown action"),
            ([1], "expected a JSON object"),
            (b"{not json", ""),
        ):  # fmt: skip
            status, body = await post(bad)
            assert status == 400 and body["ok"] is False and why in body["error"], (bad, body)
        assert sim.wallets.state() == {}  # nothing half-applied


def test_python_api_validates_like_the_admin_endpoint(sim_book: WalletBook) -> None:
    with pytest.raises(ValueError, match="block_state must be one of"):
        sim_book.set("upbit", "BTC", block_state="late")
    with pytest.raises(ValueError, match="unknown venue"):
        sim_book.clear("kraken")
    assert sim_book.set("upbit", "eth", withdraw=False) == {
        "ETH": "deposit_only",
        "ARBITRUM": "deposit_only",
    }
    assert sim_book.can("upbit", "ETH") == (True, False)
    assert sim_book.set("upbit", "ETH", withdraw=True, network="ARBITRUM")["ARBITRUM"] == "working"
    assert sim_book.can("upbit", "ETH") == (True, True)  # any network will do


@pytest.fixture
def sim_book() -> WalletBook:
    return SimExchange(seed=1).wallets  # never started: the book needs only the market model
