"""Pure rendering: escaping, <pre> tables, splitting on block boundaries, digests."""

from __future__ import annotations

import re

from bot.commands.base import Reply
from bot.telegram import render
from core.notifications import NotificationKind


def _balanced(html: str) -> bool:
    return html.count("<pre>") == html.count("</pre>") and html.count("<b>") == html.count("</b>")


def test_text_is_escaped_and_tables_are_preformatted() -> None:
    parts = render.render_reply(Reply.table("Trades <today>", "BTC  1 < 2 & 3\nETH  4 > 5"))
    assert len(parts) == 1
    html = parts[0].html
    assert html.startswith("<b>Trades &lt;today&gt;</b>\n<pre>")
    assert "1 &lt; 2 &amp; 3" in html and "4 &gt; 5" in html
    assert parts[0].plain == "Trades <today>\nBTC  1 < 2 & 3\nETH  4 > 5"


def test_long_table_splits_on_line_boundaries_under_the_limit() -> None:
    body = "\n".join(f"row {i:05d}  {'x' * 60} <&>" for i in range(400))
    parts = render.render_reply(Reply.table("Big", body))
    assert len(parts) > 1
    for part in parts:
        assert render.utf16_len(part.html) <= render.LIMIT < render.MAX_MESSAGE
        assert _balanced(part.html)
        assert part.html.count("<pre>") == 1
    rows = [line for p in parts for line in p.plain.split("\n") if line.startswith("row ")]
    assert rows == body.split("\n")  # nothing lost, nothing repeated, order kept


def test_paragraphs_split_between_blocks_and_huge_lines_are_cut() -> None:
    text = "\n\n".join(f"paragraph {i} " + "가" * 900 for i in range(12)) + "\n\n" + "y" * 9000
    parts = render.render_reply(Reply(text))
    assert all(render.utf16_len(p.html) <= render.LIMIT for p in parts)
    joined = "".join(p.plain.replace("\n", "") for p in parts)
    assert joined == text.replace("\n", "")


def test_notification_has_translated_header_and_escaped_body() -> None:
    ko = render.render_notification(NotificationKind.ORDER_FILLED, "BTC <buy> 0.1 @ 1", "ko")
    assert ko[0].html == "<b>✅ 체결</b>\nBTC &lt;buy&gt; 0.1 @ 1"
    en = render.render_notification(NotificationKind.KIMP_ALERT, "BTC kimp +3.2%", "en")
    assert en[0].html.startswith("<b>🌶 Kimp alert</b>")
    assert en[0].plain == "🌶 Kimp alert\nBTC kimp +3.2%"


def test_digest_packs_every_item_once_under_the_limit() -> None:
    entries = [
        render.DigestEntry(
            i, NotificationKind.KIMP_ALERT, f"alert {i}: BTC kimp +{i / 10:.1f}% <x>"
        )
        for i in range(1, 501)
    ]
    out = render.render_digest(entries, "en")
    ids = [i for _, chunk in out for i in chunk]
    assert ids == list(range(1, 501))
    assert len(out) < 40
    for part, _ in out:
        assert render.utf16_len(part.html) <= render.LIMIT
        assert part.html.startswith("<b>📦 500 queued notifications (digest) (")
        assert not re.search(r"<x>", part.html)


def test_oversized_digest_entry_goes_out_alone_with_its_id_on_the_last_part() -> None:
    entries = [
        render.DigestEntry(1, NotificationKind.INFO, "short"),
        render.DigestEntry(2, NotificationKind.INFO, "line\n" * 3000),
        render.DigestEntry(3, NotificationKind.INFO, "short again"),
    ]
    out = render.render_digest(entries, "en")
    assert [ids for _, ids in out if ids] == [[1], [2], [3]]
    assert all(render.utf16_len(p.html) <= render.LIMIT for p, _ in out)
