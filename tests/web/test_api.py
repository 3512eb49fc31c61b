"""The REST API over real HTTP on loopback, against the service running on the simulator."""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal

import pytest

from core import numbers
from tests.e2e.conftest import CHAT, UPBIT_BOT
from tests.helpers import eventually
from tests.web.conftest import TOKEN, Web

pytestmark = pytest.mark.asyncio(loop_scope="module")

READS = [
    "/api/status",
    "/api/balances",
    "/api/positions",
    "/api/orders",
    "/api/orders?open_only=false&limit=5",
    "/api/trades",
    "/api/profit?unit=week&n=2",
    "/api/bots",
    f"/api/bots/{UPBIT_BOT}",
    "/api/kimp",
    "/api/kimp?sort=coin&desc=false&q=BT",
    "/api/kimp?venue=upbit",
    "/api/kimp/BTC",
    "/api/alerts",
    "/api/alerts?hours=2",
    "/api/kimp/BTC/history?hours=6",
    "/api/settings",
    "/api/logs?n=5",
    "/openapi.json",
]


@pytest.mark.parametrize("path", READS)
async def test_every_read_endpoint_answers_with_the_token(web: Web, path: str) -> None:
    async with web.client() as c:
        r = await c.get(path)
    assert r.status_code == 200, r.text
    assert r.json() is not None
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert "access-control-allow-origin" not in r.headers  # CORS closed


@pytest.mark.parametrize("path", [*READS, "/api/stream", "/api/kimp/BTC/chart.png"])
@pytest.mark.parametrize("token", [None, "wrong-token", TOKEN[:-1]])
async def test_wrong_or_missing_token_is_401_and_leaks_nothing(
    web: Web, path: str, token: str | None
) -> None:
    async with web.client(token) as c:
        r = await c.get(path)
    assert r.status_code == 401
    assert r.json() == {"error": "unauthorized", "detail": "send Authorization: Bearer <token>"}
    assert r.headers["www-authenticate"] == "Bearer"


async def test_no_secret_in_settings_or_status(web: Web) -> None:
    async with web.client() as c:
        settings = (await c.get("/api/settings")).json()
        everything = " ".join([(await c.get(p)).text for p in READS])
    assert settings["WEB_TOKEN"] == "***set***"
    assert settings["TELEGRAM_BOT_TOKEN"] == "***set***"
    secrets = web.world.settings.secrets()
    assert TOKEN in secrets
    for secret in secrets:
        assert secret not in everything


async def test_kimp_table_has_every_coin_with_both_premiums(web: Web) -> None:
    async with web.client() as c:

        async def table() -> list[dict[str, object]]:
            coins: list[dict[str, object]] = (await c.get("/api/kimp")).json()["coins"]
            return coins if len(coins) >= 2 else []

        coins = await eventually(table, timeout=20)
        btc = (await c.get("/api/kimp/BTC")).json()
    assert {"BTC", "ETH"} <= {r["coin"] for r in coins}
    row = next(r for r in coins if r["coin"] == "BTC")
    assert isinstance(row["usdt_kimp"], float) and row["age"] is not None
    kimps = [r["usdt_kimp"] for r in coins if r["usdt_kimp"] is not None]
    assert kimps == sorted(kimps, reverse=True)
    assert btc["premium"]["coin"] == "BTC" and "executable" in btc
    # the table carries the executable premium (top of book at KIMP_EXEC_SIZE_KRW, the same
    # computation as the coin's detail) and Upbit's own warning, per coin (issue 17)
    for r in coins:
        assert all(isinstance(r[k], float | None) for k in ("exe_forward", "exe_reverse")), r
        assert r["warning"] is None, r  # the simulator flags nothing unless told
    assert any(r["exe_forward"] is not None for r in coins), coins
    assert btc["executable"] is not None


async def test_coin_history_is_the_stored_samples(web: Web) -> None:
    """tests/e2e seeds a day of BTC samples, one every 10 minutes."""
    async with web.client() as c:
        day = (await c.get("/api/kimp/BTC/history?hours=24")).json()
        six = (await c.get("/api/kimp/BTC/history?hours=6")).json()
    assert day["basis"] == "usdt"
    assert len(day["series"]) >= 140
    assert 30 <= len(six["series"]) < len(day["series"])
    stamps = [ts for ts, _ in day["series"]]
    assert stamps == sorted(stamps)


async def test_a_kimp_alert_is_listed_and_pushed(web: Web) -> None:
    high = web.world.settings.kimp.kimp_high_pct
    async with web.client() as c, c.stream("GET", "/api/stream") as r:
        web.world.sim.market.set_premium("DOGE", high + 4.0)
        seen = ""
        async with asyncio.timeout(30):
            async for chunk in r.aiter_text():
                seen += chunk
                if "event: alert" in seen and "DOGE" in seen.split("event: alert", 1)[1]:
                    break
        recent = (await c.get("/api/alerts")).json()["recent"]
    web.world.sim.market.set_premium("DOGE", 1.0)
    assert any("DOGE" in text for text in recent)


async def test_coin_chart_is_a_png(web: Web) -> None:
    async with web.client() as c:
        r = await c.get("/api/kimp/BTC/chart.png?hours=24")
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/png"
    assert r.content.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/api/orders?limit=0", "limit"),
        ("/api/orders?limit=abc", "limit"),
        ("/api/profit?unit=year", "unit"),
        ("/api/kimp?sort=price", "sort"),
        ("/api/kimp?q=%3Cscript%3E", "q"),
        ("/api/logs?n=100000", "n"),
        ("/api/alerts?hours=-1", "hours"),
        ("/api/kimp/BTC/history?hours=99999", "hours"),
        ("/api/kimp/BT-C!", "coin symbol"),
        ("/api/status?lang=fr", "lang"),
    ],
)
async def test_bad_parameters_are_422_with_a_clear_message(web: Web, path: str, says: str) -> None:
    async with web.client() as c:
        r = await c.get(path)
    assert r.status_code == 422, r.text
    body = r.json()
    text = " ".join(body.get("problems", [])) + str(body.get("error"))
    assert says in text
    assert "Traceback" not in r.text


async def test_unknown_things_are_404(web: Web) -> None:
    async with web.client() as c:
        assert (await c.get("/api/bots/nope")).status_code == 404
        assert (await c.get("/api/kimp/NOSUCHCOIN")).status_code == 404
        assert (await c.post("/api/bots/nope/stop")).status_code == 404
        r = await c.post(f"/api/bots/{UPBIT_BOT}/explode")
        assert r.status_code == 422


async def test_control_needs_its_confirmation(web: Web) -> None:
    bots = web.world.service.facade.bots  # type: ignore[union-attr]
    assert bots is not None
    async with web.client() as c:
        await c.post(f"/api/bots/{UPBIT_BOT}/start")  # a pending question alone does nothing
        asked = await c.post(f"/api/bots/{UPBIT_BOT}/start")
        assert asked.status_code == 202
        key = asked.json()["confirm"]
        before = UPBIT_BOT in bots.runners
        r = await c.post(f"/api/confirm/{key}")
        assert r.status_code == 200, r.text
        assert UPBIT_BOT in bots.runners
        # The confirmation works once.
        assert (await c.post(f"/api/confirm/{key}")).status_code == 404
        stop = (await c.post(f"/api/bots/{UPBIT_BOT}/stop")).json()["confirm"]
        assert UPBIT_BOT in bots.runners  # asked, not confirmed: still running
        assert (await c.post(f"/api/confirm/{stop}")).status_code == 200
        assert UPBIT_BOT not in bots.runners
        # Back as it was for the other tests.
        if before:
            again = (await c.post(f"/api/bots/{UPBIT_BOT}/start")).json()["confirm"]
            await c.post(f"/api/confirm/{again}")


async def test_cross_site_post_is_refused(web: Web) -> None:
    async with web.client() as c:
        r = await c.post(f"/api/bots/{UPBIT_BOT}/stop", headers={"Origin": "https://evil.example"})
    assert r.status_code == 403


async def test_login_session_reads_and_logout_ends_it(web: Web) -> None:
    async with web.client(token=None) as c:
        assert (await c.post("/login", json={"token": "wrong"})).status_code == 401
        r = await c.post("/login", json={"token": TOKEN})
        assert r.status_code == 200
        assert "httponly" in r.headers["set-cookie"].lower()
        assert "samesite=strict" in r.headers["set-cookie"].lower()
        assert (await c.get("/api/status")).status_code == 200
        await c.post("/logout")
        assert (await c.get("/api/status")).status_code == 401


async def test_push_stream_sends_kimp_rows(web: Web) -> None:
    async with web.client() as c, c.stream("GET", "/api/stream") as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        seen = ""
        async with asyncio.timeout(30):
            async for chunk in r.aiter_text():
                seen += chunk
                if "event: kimp" in seen and "BTC" in seen:
                    break
    assert '"usdt_kimp"' in seen


async def test_control_is_rate_limited(web: Web) -> None:
    """Last in this module: it spends the minute's control budget (WEB_CONTROL_PER_MINUTE)."""
    limit = web.world.settings.web.web_control_per_minute
    async with web.client() as c:
        codes = [(await c.post(f"/api/confirm/bogus{i}")).status_code for i in range(limit + 2)]
    assert 429 in codes
    assert set(codes[: codes.index(429)]) <= {404}


async def test_kimp_venue_parameter(web: Web) -> None:
    """Issue 18: /api/kimp?venue= chooses the KRW venue; Bithumb off here (BITHUMB_ENABLED)."""
    async with web.client() as c:
        upbit = (await c.get("/api/kimp?venue=upbit")).json()
        assert upbit["venue"] == "upbit" and upbit["coins"]
        off = await c.get("/api/kimp?venue=bithumb")
        assert off.status_code == 404 and "BITHUMB_ENABLED" in off.text
        assert (await c.get("/api/kimp?venue=korbit")).status_code == 422


async def test_a_quantity_ending_in_zero_is_spelled_the_same_in_every_view(web: Web) -> None:
    """Regression: the fill notice printed a quantity to the market's step (0.00150 at Binance's
    0.00001) where /positions printed 0.0015. Quantities whose last step digits are 0, bought
    over Telegram, read the same in the fill notice, /orders all, /positions and the web API."""
    w = web.world
    bought = [Decimal("0.00150"), Decimal("0.00200"), Decimal("0.00030")]  # step 0.00001
    for qty in bought:
        after = w.tg.cursor()
        answer = await w.answer(f"/buy binance BTC {qty}")
        assert answer.content.startswith("✅ buy BTC/USDT: "), answer.content
        fill = await w.tg.wait_for_message(
            lambda m: m.content.startswith("✅ Filled\nFilled buy "), chat_id=CHAT, after=after
        )
        shown = re.search(r"Filled buy (\S+) BTC @ ", fill.content)
        assert shown, fill.content
        assert shown.group(1) == numbers.plain(qty), fill.content  # 0.0015, not 0.00150

    positions = (await w.answer("/positions")).content
    held = re.search(r"Binance spot BTC/USDT: ([\d.]+) @ ", positions)  # bought less the fee
    assert held and held.group(1) == numbers.plain(Decimal(held.group(1))), positions
    total = held.group(1)
    orders = (await w.answer("/orders all")).content
    for qty in bought:
        spelled = numbers.plain(qty)
        assert re.search(rf"buy {re.escape(spelled)} BTC/USDT .*{re.escape(spelled)}", orders), (
            spelled,
            orders,
        )
    async with web.client() as c:
        api_positions = (await c.get("/api/positions")).json()
        api_orders = (await c.get("/api/orders?open_only=false&limit=20")).json()
    (btc,) = [p for p in api_positions if p["instrument"] == "binance:BTC/USDT"]
    assert btc["qty"] == total, btc
    api_qtys = {o["order"]["qty"] if "order" in o else o["qty"] for o in api_orders}
    assert {numbers.plain(q) for q in bought} <= api_qtys, api_orders
