"""Pure rendering: command replies and notifications -> Telegram HTML messages.

Everything interpolated is escaped with `html.escape`; tables go in `<pre>`. Messages are built
from blocks and split only between blocks (or between lines of an oversized block, re-opening the
`<pre>`), never inside a tag, so each part stays under Telegram's 4,096-character limit. Every
part carries its plain-text twin for the fallback when Telegram rejects the formatting.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.commands.base import Reply
from bot.telegram import i18n
from core.notifications import NotificationKind

MAX_MESSAGE = 4096
MAX_CAPTION = 1024
# Measured on the HTML source (always >= the visible length) in UTF-16 units, as Telegram counts.
LIMIT = 4000
_COLUMNS = re.compile(r"\S {2,}\S")


@dataclass(frozen=True, slots=True)
class Part:
    """One message: its HTML and the same content as plain text."""

    html: str
    plain: str


@dataclass(frozen=True, slots=True)
class Block:
    text: str  # plain text
    pre: bool = False  # monospace block
    bold: bool = False


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def block_html(block: Block) -> str:
    body = esc(block.text)
    if block.pre:
        return f"<pre>{body}</pre>"
    return f"<b>{body}</b>" if block.bold else body


def _split_oversized(block: Block, limit: int) -> list[Block]:
    """Cut a block that cannot fit one message into line groups (hard-cutting huge lines)."""
    overhead = utf16_len(block_html(Block("", block.pre, block.bold)))
    room = max(16, limit - overhead)
    pieces: list[Block] = []
    current: list[str] = []
    size = 0
    for line in block.text.split("\n"):
        while utf16_len(esc(line)) > room:
            cut = room // 6  # an escaped character is at most 5 chars, emoji 2 units
            pieces.append(Block("\n".join([*current, line[:cut]]), block.pre, block.bold))
            current, size, line = [], 0, line[cut:]
        cost = utf16_len(esc(line)) + (1 if current else 0)
        if current and size + cost > room:
            pieces.append(Block("\n".join(current), block.pre, block.bold))
            current, size, cost = [], 0, utf16_len(esc(line))
        current.append(line)
        size += cost
    if current:
        pieces.append(Block("\n".join(current), block.pre, block.bold))
    return pieces


def pack(blocks: Iterable[Block], limit: int = LIMIT, sep: str = "\n\n") -> list[Part]:
    """Join blocks into as few messages as fit under `limit`, splitting only between blocks."""
    parts: list[Part] = []
    html_acc: list[str] = []
    plain_acc: list[str] = []
    size = 0
    for big in blocks:
        for block in [big] if utf16_len(block_html(big)) <= limit else _split_oversized(big, limit):
            piece = block_html(block)
            cost = utf16_len(piece) + (len(sep) if html_acc else 0)
            if html_acc and size + cost > limit:
                parts.append(Part(sep.join(html_acc), sep.join(plain_acc)))
                html_acc, plain_acc, size, cost = [], [], 0, utf16_len(piece)
            html_acc.append(piece)
            plain_acc.append(block.text)
            size += cost
    if html_acc:
        parts.append(Part(sep.join(html_acc), sep.join(plain_acc)))
    return parts


def text_blocks(text: str) -> list[Block]:
    """Plain text -> blocks at blank lines; a paragraph with aligned columns becomes <pre>."""
    blocks = []
    for para in re.split(r"\n\s*\n", text.strip("\n")):
        if para.strip():
            tabular = "\n" in para and any(_COLUMNS.search(line) for line in para.split("\n"))
            blocks.append(Block(para, pre=tabular))
    return blocks or [Block(text or " ")]


def render_reply(reply: Reply, limit: int = LIMIT) -> list[Part]:
    """A command's reply as one or more HTML messages."""
    if reply.preformatted:
        title, _, body = reply.text.partition("\n")
        if not body:
            return pack([Block(title, pre=True)], limit)
        # Reply.table puts a title on the first line; show it bold above the monospace table.
        blocks = [Block(title, bold=True)] if title else []
        return pack([*blocks, Block(body, pre=True)], limit, sep="\n")
    return pack(text_blocks(reply.text), limit)


def render_notification(
    kind: NotificationKind, text: str, language: str, limit: int = LIMIT
) -> list[Part]:
    """A notification: a bold, translated header line, then the escaped text."""
    title = i18n.header(language, kind)
    body = text_blocks(text)
    if not title:  # the text carries its own title (reports)
        return pack(body, limit)
    head = Block(title, bold=True)
    if len(body) == 1 and not body[0].pre:
        return pack([head, body[0]], limit, sep="\n")
    return pack([head, *body], limit, sep="\n")


def caption(kind: NotificationKind, text: str, language: str) -> Part | None:
    """The notification as a photo caption, or None when it is too long for one."""
    parts = render_notification(kind, text, language, limit=MAX_CAPTION)
    return parts[0] if len(parts) == 1 else None


@dataclass(frozen=True, slots=True)
class DigestEntry:
    id: int
    kind: NotificationKind
    text: str


def render_digest(
    entries: Sequence[DigestEntry], language: str, limit: int = LIMIT
) -> list[tuple[Part, list[int]]]:
    """Pack many notifications into few messages: each message with the ids it carries."""
    out: list[tuple[Part, list[int]]] = []
    total = len(entries)
    title = Block(i18n.text(language, "digest_title", n=total), bold=True)
    room = limit - utf16_len(block_html(title)) - 16  # leaves space for " (12/34)"
    html_acc: list[str] = []
    plain_acc: list[str] = []
    ids: list[int] = []
    size = 0

    def flush() -> None:
        nonlocal html_acc, plain_acc, ids, size
        if ids:
            out.append(
                (
                    Part(
                        block_html(title) + "\n" + "\n".join(html_acc),
                        title.text + "\n" + "\n".join(plain_acc),
                    ),
                    ids,
                )
            )
        html_acc, plain_acc, ids, size = [], [], [], 0

    for entry in entries:
        head = i18n.header(language, entry.kind)
        body = entry.text.strip()
        line_html = f"• <b>{esc(head)}</b> {esc(body)}" if head else f"• {esc(body)}"
        line_plain = f"• {head} {body}" if head else f"• {body}"
        if utf16_len(line_html) > room:
            # Too long for a digest line: it goes out alone, split on its own block boundaries.
            flush()
            for part in render_notification(entry.kind, entry.text, language, limit):
                out.append((part, []))
            out[-1][1].append(entry.id)
            continue
        if ids and size + utf16_len(line_html) + 1 > room:
            flush()
        html_acc.append(line_html)
        plain_acc.append(line_plain)
        ids.append(entry.id)
        size += utf16_len(line_html) + 1
    flush()
    digests = [i for i, (part, _) in enumerate(out) if part.plain.startswith(title.text)]
    if len(digests) > 1:
        for number, index in enumerate(digests, 1):
            part, ids = out[index]
            numbered = f"{title.text} ({number}/{len(digests)})"
            out[index] = (
                Part(
                    block_html(Block(numbered, bold=True)) + part.html[len(block_html(title)) :],
                    numbered + part.plain[len(title.text) :],
                ),
                ids,
            )
    return out
