"""Outbox rows: written before delivery, marked sent only when the transport confirmed it."""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from core.notifications import Action, Actions, Notification, NotificationKind
from core.storage import Database


def dump_buttons(buttons: Actions) -> str | None:
    """Rows of (label, command) as JSON; labels are worded before they are queued."""
    if not buttons:
        return None
    rows = [[[str(b.label), b.command] for b in row] for row in buttons]
    return orjson.dumps(rows).decode()


def load_buttons(raw: str | None) -> Actions:
    """The stored rows back; an unreadable value means no buttons (the text still goes out)."""
    if not raw:
        return ()
    try:
        rows = orjson.loads(raw)
        return tuple(tuple(Action(str(label), str(cmd)) for label, cmd in row) for row in rows)
    except (ValueError, TypeError):
        return ()


RESEND_MARK = "maybe delivered: "  # `last_error` prefix of an item due for its one resend


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    kind: NotificationKind
    text: str
    photo_path: str | None
    silent: bool
    created_ts: float
    attempts: int
    buttons: Actions = ()
    # A send of it may have reached the chat (its answer timed out): the next send is the one
    # resend, marked "(resent)" (`bot/telegram/delivery.py`).
    resend: bool = False


class Outbox:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, note: Notification, silent: bool, now: float) -> int | None:
        """Queue a notification; a repeated `dedup_key` is ignored (returns None)."""
        return await self._db.execute_returning_id(
            "INSERT INTO outbox(kind, text, photo_path, silent, dedup_key, created_ts, buttons) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(dedup_key) DO NOTHING",
            (
                note.kind.value,
                note.text,
                note.photo_path,
                int(silent),
                note.dedup_key,
                now,
                dump_buttons(note.buttons),
            ),
        )

    async def pending(self, limit: int = 100) -> list[OutboxItem]:
        rows = await self._db.fetchall(
            "SELECT id, kind, text, photo_path, silent, created_ts, attempts, buttons, "
            "COALESCE(last_error LIKE ?, 0) FROM outbox WHERE sent_ts IS NULL ORDER BY id LIMIT ?",
            (RESEND_MARK + "%", limit),
        )
        return [
            OutboxItem(
                r[0],
                NotificationKind(r[1]),
                r[2],
                r[3],
                bool(r[4]),
                r[5],
                r[6],
                load_buttons(r[7]),
                bool(r[8]),
            )
            for r in rows
        ]

    async def pending_count(self) -> int:
        row = await self._db.fetchone("SELECT COUNT(*) FROM outbox WHERE sent_ts IS NULL")
        return int(row[0]) if row else 0

    async def mark_sent(self, ids: list[int], now: float) -> None:
        await self._db.executemany(
            "UPDATE outbox SET sent_ts = ? WHERE id = ?", [(now, i) for i in ids]
        )

    async def mark_failed(self, item_id: int, error: str) -> None:
        """Count a failed attempt; an item marked for its resend keeps that mark."""
        await self._db.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = CASE WHEN last_error LIKE ? "
            "THEN last_error ELSE ? END WHERE id = ?",
            (RESEND_MARK + "%", error[:500], item_id),
        )

    async def mark_resend(self, ids: list[int], error: str) -> None:
        """A send of these may have reached the chat: their next send is the marked resend.
        Kept in `last_error` (no schema change), which later failures do not overwrite."""
        await self._db.executemany(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?",
            [(f"{RESEND_MARK}{error}"[:500], i) for i in ids],
        )

    async def texts(
        self, kinds: tuple[NotificationKind, ...], since: float, until: float
    ) -> list[str]:
        """Texts of notifications of `kinds` queued in [since, until), oldest first (reports)."""
        marks = ",".join("?" for _ in kinds)
        rows = await self._db.fetchall(
            f"SELECT text FROM outbox WHERE kind IN ({marks}) AND created_ts >= ? "
            "AND created_ts < ? ORDER BY id",
            (*(k.value for k in kinds), since, until),
        )
        return [str(r[0]) for r in rows]

    async def prune_before(self, cutoff: float, limit: int) -> int:
        """Retention (core.storage.retention.Prunable): delivered notifications sent before
        `cutoff`; undelivered ones are never pruned."""
        return await self._db.execute(
            "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE sent_ts IS NOT NULL "
            "AND sent_ts < ? ORDER BY sent_ts LIMIT ?)",
            (cutoff, limit),
        )
