"""Telegram commands recorded before they are acknowledged, and their replies kept until sent.

An update is acknowledged to Telegram by the *next* getUpdates (its offset). The getUpdates
request object below writes every command of a batch to the `inbox` table before the batch is
handed to PTB, so a crash can no longer lose a command that Telegram has forgotten.

Inline-button presses (callback queries: a confirmation, a refresh) go the same way. Their
rows carry the button's command line behind `BUTTON` in `text` (a command always starts with
"/", so the two never mix); a press the previous run left unanswered is answered "expired, send
the command again", never run: what it confirmed is gone with that run.

A row moves `new` (recorded) -> `running` (its handler started) -> `replied` (the handler's
reply is stored) -> `done` (the reply was sent). Whoever moves a row out of `new` owns it, so a
command redelivered after a crash is never run or answered twice. At start-up the rows a crash
left behind are answered once: `replied` ones by sending the stored reply, the others by the
transport (money commands ask again, the rest are answered "ignored").
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram.request import HTTPXRequest, RequestData

from bot.commands import Button, Reply
from core.storage import Database

NEW, RUNNING, REPLIED, DONE, RECOVERING = "new", "running", "replied", "done", "recovering"
BUTTON = "button:"  # `text` prefix of a button press's row


@dataclass(frozen=True, slots=True)
class InboxEntry:
    update_id: int
    chat_id: int
    user_id: int | None
    text: str
    message_ts: float
    state: str

    @property
    def is_button(self) -> bool:
        return self.text.startswith(BUTTON)

    @property
    def line(self) -> str:
        """The command line: the typed command, or the pressed button's data."""
        return self.text.removeprefix(BUTTON)


@dataclass(frozen=True, slots=True)
class Unfinished:
    entry: InboxEntry
    reply: Reply | None  # the stored reply of a `replied` row


def parse_command(update: dict[str, Any]) -> InboxEntry | None:
    """A getUpdates item -> the command it carries (None for anything but a `/` message).

    `{"update_id": 1001, "message": {"message_id": 5, "date": 1764900000,
      "chat": {"id": 777, "type": "private"}, "from": {"id": 777}, "text": "/buy BTC 10"}}`
    """
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    text = message.get("text")
    chat = message.get("chat") or {}
    if not isinstance(text, str) or not text.strip().startswith("/") or "id" not in chat:
        return None
    sender = message.get("from") or {}
    return InboxEntry(
        update_id=int(update["update_id"]),
        chat_id=int(chat["id"]),
        user_id=int(sender["id"]) if "id" in sender else None,
        text=text.strip(),
        message_ts=float(message.get("date", 0)),
        state=NEW,
    )


def parse_button(update: dict[str, Any]) -> InboxEntry | None:
    """A getUpdates item -> the button press it carries (None for anything else).

    `{"update_id": 1002, "callback_query": {"id": "4382", "from": {"id": 777},
      "message": {"message_id": 9, "date": 1764900000, "chat": {"id": 777, "type": "private"}},
      "data": "/confirm ab12"}}`
    """
    query = update.get("callback_query")
    if not isinstance(query, dict):
        return None
    data = query.get("data")
    message = query.get("message")
    chat = message.get("chat") if isinstance(message, dict) else None
    if not isinstance(data, str) or not data or not isinstance(chat, dict) or "id" not in chat:
        return None
    sender = query.get("from") or {}
    return InboxEntry(
        update_id=int(update["update_id"]),
        chat_id=int(chat["id"]),
        user_id=int(sender["id"]) if "id" in sender else None,
        text=BUTTON + data,
        message_ts=float(message.get("date", 0)) if isinstance(message, dict) else 0.0,
        state=NEW,
    )


def chat_type(update: dict[str, Any]) -> str | None:
    query = update.get("callback_query")
    message = query.get("message") if isinstance(query, dict) else update.get("message")
    chat = message.get("chat") if isinstance(message, dict) else None
    return chat.get("type") if isinstance(chat, dict) else None


def encode_reply(reply: Reply) -> str:
    return json.dumps(
        {
            "text": reply.text,
            "preformatted": reply.preformatted,
            "buttons": [[[b.label, b.data] for b in row] for row in reply.buttons],
            "photo_caption": reply.photo_caption,
        },
        ensure_ascii=False,
    )


def decode_reply(raw: str, photo: bytes | None) -> Reply:
    data = json.loads(raw)
    return Reply(
        text=data["text"],
        preformatted=bool(data["preformatted"]),
        buttons=tuple(tuple(Button(b[0], b[1]) for b in row) for row in data["buttons"]),
        photo=photo,
        photo_caption=data["photo_caption"],
    )


class Inbox:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, entries: list[InboxEntry], now: float) -> None:
        """Store new commands in one transaction; an update seen before is left as it is."""
        if entries:
            await self._db.executemany(
                "INSERT INTO inbox(update_id, chat_id, user_id, text, message_ts, state, "
                "received_ts) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(update_id) DO NOTHING",
                [
                    (e.update_id, e.chat_id, e.user_id, e.text, e.message_ts, NEW, now)
                    for e in entries
                ],
            )

    async def claim(self, entry: InboxEntry, now: float) -> bool:
        """Take a command to handle it: False when another handler or the start-up recovery
        already has it (a redelivered update). A command that could not be recorded is taken."""
        taken = await self._db.execute(
            "UPDATE inbox SET state = ? WHERE update_id = ? AND state = ?",
            (RUNNING, entry.update_id, NEW),
        )
        if taken:
            return True
        row = await self._db.fetchone(
            "SELECT state FROM inbox WHERE update_id = ?", (entry.update_id,)
        )
        if row is not None:
            return False
        await self._db.execute(
            "INSERT INTO inbox(update_id, chat_id, user_id, text, message_ts, state, received_ts)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(update_id) DO NOTHING",
            (
                entry.update_id,
                entry.chat_id,
                entry.user_id,
                entry.text,
                entry.message_ts,
                RUNNING,
                now,
            ),
        )
        return True

    async def replied(self, update_id: int, reply: Reply) -> None:
        """The handler finished: keep its reply until it was sent."""
        await self._db.execute(
            "UPDATE inbox SET state = ?, reply = ?, photo = ? WHERE update_id = ?",
            (REPLIED, encode_reply(reply), reply.photo, update_id),
        )

    async def done(self, update_id: int, now: float) -> None:
        await self._db.execute(
            "UPDATE inbox SET state = ?, done_ts = ?, reply = NULL, photo = NULL "
            "WHERE update_id = ?",
            (DONE, now, update_id),
        )

    async def take_unfinished(self) -> list[Unfinished]:
        """At start-up: every row a previous run left unfinished, claimed for recovery (so a
        redelivered update is not handled again), oldest first. Finished rows age out through
        the batched retention (`prune_before`), never here."""
        rows = await self._db.fetchall(
            "SELECT update_id, chat_id, user_id, text, message_ts, state, reply, photo FROM inbox "
            "WHERE state != ? ORDER BY update_id",
            (DONE,),
        )
        await self._db.execute(
            "UPDATE inbox SET state = ? WHERE state IN (?, ?)", (RECOVERING, NEW, RUNNING)
        )
        return [
            Unfinished(
                InboxEntry(r[0], r[1], r[2], r[3], r[4], r[5]),
                decode_reply(r[6], r[7]) if r[6] is not None else None,
            )
            for r in rows
        ]

    async def prune_before(self, cutoff: float, limit: int) -> int:
        """Retention (core.storage.retention.Prunable): answered rows finished before `cutoff`.
        A row not yet answered is never pruned: the start-up recovery still owes its reply."""
        return await self._db.execute(
            "DELETE FROM inbox WHERE update_id IN (SELECT update_id FROM inbox WHERE state = ? "
            "AND done_ts < ? ORDER BY done_ts LIMIT ?)",
            (DONE, cutoff, limit),
        )


Recorder = Callable[[list[dict[str, Any]]], Awaitable[None]]


class RecordingRequest(HTTPXRequest):
    """The getUpdates request: hands each fetched batch to `recorder` before PTB sees it (and
    so before the next getUpdates acknowledges it)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.recorder: Recorder | None = None

    async def do_request(  # type: ignore[override]
        self, url: str, method: str, request_data: RequestData | None = None, **timeouts: Any
    ) -> tuple[int, bytes]:
        status, payload = await super().do_request(url, method, request_data, **timeouts)
        if self.recorder is not None and status == 200 and url.endswith("/getUpdates"):
            try:
                result = json.loads(payload).get("result")
            except (ValueError, AttributeError):
                result = None  # PTB reports the broken answer itself
            if isinstance(result, list) and result:
                await self.recorder(result)
        return status, payload
