"""The Bot API over raw HTTP: envelopes, long polling with offsets, JSON bodies, /__emu controls."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from peers.telegram_emulator import TelegramEmulator
from tests.helpers import eventually
from tests.peers.telegram_emulator.conftest import CHAT


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(
    http: aiohttp.ClientSession, tg: TelegramEmulator, method: str, **params: Any
) -> tuple[int, dict[str, Any]]:
    """POST form-encoded like PTB: strings as is, everything else json-dumped."""
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    async with http.post(f"{tg.base_url}{tg.token}/{method}", data=form) as resp:
        return resp.status, await resp.json()


async def test_unknown_token_and_unknown_method(
    tg: TelegramEmulator, http: aiohttp.ClientSession
) -> None:
    async with http.post(f"{tg.base_url}999:wrong/getMe") as resp:
        assert resp.status == 401
        assert await resp.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    status, body = await call(http, tg, "sendTelepathy")
    assert (status, body["description"]) == (404, "Not Found")
    async with http.get(f"{tg.base_url}{tg.token}/GETME") as resp:  # case-insensitive, GET ok
        assert (await resp.json())["result"]["username"] == "kimp_test_bot"


async def test_offsets_confirm_and_no_update_is_delivered_twice(
    tg: TelegramEmulator, http: aiohttp.ClientSession
) -> None:
    ids = [tg.send_user_message(CHAT, f"m{n}")["update_id"] for n in range(3)]
    _, first = await call(http, tg, "getUpdates", offset=0, limit=2)
    assert [u["update_id"] for u in first["result"]] == ids[:2]
    _, again = await call(http, tg, "getUpdates", limit=2)  # unconfirmed: same updates again
    assert [u["update_id"] for u in again["result"]] == ids[:2]
    _, rest = await call(http, tg, "getUpdates", offset=ids[1] + 1)
    assert [u["update_id"] for u in rest["result"]] == [ids[2]]
    _, empty = await call(http, tg, "getUpdates", offset=ids[2] + 1, timeout=0)
    assert empty["result"] == [] and tg.pending_updates == []
    for n in range(3):
        tg.send_user_message(CHAT, f"late{n}")
    _, last = await call(http, tg, "getUpdates", offset=-1)  # negative: the last N only
    assert [u["message"]["text"] for u in last["result"]] == ["late2"]


async def test_long_poll_waits_then_answers_on_new_update(
    tg: TelegramEmulator, http: aiohttp.ClientSession
) -> None:
    started = time.monotonic()
    _, empty = await call(http, tg, "getUpdates", timeout=0.3)
    assert empty["result"] == [] and time.monotonic() - started >= 0.25

    poll = asyncio.create_task(call(http, tg, "getUpdates", timeout=10))
    await eventually(lambda: tg.polls_waiting == 1)
    started = time.monotonic()
    tg.send_user_message(CHAT, "/status")
    _, got = await poll
    assert time.monotonic() - started < 5.0  # answered on the update, not at the 10 s timeout
    message = got["result"][0]["message"]
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 7}]
    assert message["chat"] == {"id": CHAT, "type": "private", "first_name": f"User{CHAT}",
                               "username": f"user{CHAT}"}  # fmt: skip


async def test_allowed_updates_filter_and_webhook_conflict(
    tg: TelegramEmulator, http: aiohttp.ClientSession
) -> None:
    tg.inject_update({"edited_message": {"message_id": 9, "date": 0, "chat": {"id": 1}}})
    tg.send_user_message(CHAT, "hi")
    _, got = await call(http, tg, "getUpdates", allowed_updates=["message"])
    assert [next(iter(set(u) - {"update_id"})) for u in got["result"]] == ["message"]
    await call(http, tg, "setWebhook", url="https://example.invalid/hook")
    status, body = await call(http, tg, "getUpdates")
    assert status == 409 and "webhook is active" in body["description"]
    await call(http, tg, "deleteWebhook", drop_pending_updates=True)
    _, after = await call(http, tg, "getUpdates")
    assert after["result"] == []


async def test_json_body_and_validation_errors(
    tg: TelegramEmulator, http: aiohttp.ClientSession
) -> None:
    url = f"{tg.base_url}{tg.token}/sendMessage"
    markup = {"inline_keyboard": [[{"text": "Refresh", "callback_data": "refresh:bal"}]]}
    async with http.post(url, json={"chat_id": CHAT, "text": "잔고", "reply_markup": markup}) as r:
        body = await r.json()
    assert body["result"]["reply_markup"] == markup and body["result"]["text"] == "잔고"
    bad = {"inline_keyboard": [[{"text": "x", "callback_data": "y" * 65}]]}
    status, err = await call(http, tg, "sendMessage", chat_id=CHAT, text="x", reply_markup=bad)
    assert (status, err["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")
    status, err = await call(http, tg, "sendMessage", text="no chat")
    assert err["description"] == "Bad Request: chat_id is empty"
    status, err = await call(http, tg, "sendMessage", chat_id=CHAT, text="   ")
    assert err["description"] == "Bad Request: message text is empty"
    status, err = await call(http, tg, "sendMessage", chat_id=CHAT, text="x", parse_mode="BBCode")
    assert err["description"] == "Bad Request: unsupported parse_mode"
    query_id = tg.press_button(CHAT, body["result"]["message_id"], "refresh:bal")
    status, _ = await call(http, tg, "answerCallbackQuery", callback_query_id=query_id)
    assert status == 200
    status, err = await call(http, tg, "answerCallbackQuery", callback_query_id=query_id)
    assert status == 400 and "query is too old" in err["description"]


async def test_control_api_over_http(tg: TelegramEmulator, http: aiohttp.ClientSession) -> None:
    async with http.post(f"{tg.url}/__emu/message", data={"chat_id": CHAT, "text": "/help"}) as r:
        update = (await r.json())["result"]
    assert update["message"]["entities"][0]["type"] == "bot_command"
    fault = {"method": "sendMessage", "kind": "retry_after", "retry_after": "3"}
    async with http.post(f"{tg.url}/__emu/fault", data=fault) as r:
        assert r.status == 200
    status, body = await call(http, tg, "sendMessage", chat_id=CHAT, text="x")
    assert (status, body) == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 3",
            "parameters": {"retry_after": 3},
        },
    )
    await call(http, tg, "sendMessage", chat_id=CHAT, text="<b>ok</b>", parse_mode="HTML")
    async with http.get(f"{tg.url}/__emu/sent", params={"chat_id": str(CHAT)}) as r:
        sent = (await r.json())["result"]
    assert [m["plain_text"] for m in sent] == ["ok"]
    async with http.post(f"{tg.url}/__emu/message", data={"chat_id": "abc", "text": "x"}) as r:
        assert r.status == 400 and "chat_id must be an integer" in (await r.json())["description"]
    async with http.post(f"{tg.url}/__emu/outage", data={"mode": "refuse"}) as r:
        assert r.status == 400  # would cut off the control port for good
    async with http.post(f"{tg.url}/__emu/fault", data={"kind": "nonsense"}) as r:
        assert r.status == 400
    async with http.get(f"{tg.url}/__emu") as r:
        assert "POST /__emu/message" in (await r.json())["result"]


async def test_outage_started_over_http_refuses_then_recovers(
    tg: TelegramEmulator, http: aiohttp.ClientSession
) -> None:
    async with http.post(f"{tg.url}/__emu/outage", data={"seconds": "0.3"}) as r:
        assert (await r.json())["ok"] is True  # answered before the port closed
    with pytest.raises(aiohttp.ClientConnectionError):
        await call(http, tg, "getMe")
    await eventually(lambda: tg.outage_mode is None)
    status, _ = await call(http, tg, "getMe")
    assert status == 200
