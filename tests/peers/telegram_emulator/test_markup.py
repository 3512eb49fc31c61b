"""Telegram's HTML and MarkdownV2 parsing: entities in UTF-16 units, tdlib's error wording."""

from __future__ import annotations

import pytest

from peers.telegram_emulator.markup import (
    ParseError,
    command_entities,
    parse_html,
    parse_markdown_v2,
)


def test_html_entities_use_utf16_offsets_and_decode_escapes() -> None:
    text, entities = parse_html(
        '📈 <b>BTC</b> <a href="https://x.io/?a=1&amp;b=2">차트</a> &lt;&#65;&gt;'
    )
    assert text == "📈 BTC 차트 <A>"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 3},  # the emoji is 2 UTF-16 units
        {"type": "text_link", "offset": 7, "length": 2, "url": "https://x.io/?a=1&b=2"},
    ]


def test_html_nested_pre_code_spoiler_and_unknown_entity_kept() -> None:
    text, entities = parse_html(
        '<pre><code class="language-python">x = 1</code></pre>'
        '<span class="tg-spoiler">s</span><blockquote expandable>q</blockquote> &nbsp;'
    )
    assert text == "x = 1sq &nbsp;"
    kinds = [(e["type"], e["offset"], e["length"]) for e in entities]
    assert kinds == [
        ("pre", 0, 5),
        ("pre", 0, 5),
        ("spoiler", 5, 1),
        ("expandable_blockquote", 6, 1),
    ]


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("a<br>b", 'Unsupported start tag "br" at byte offset 1'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("한<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<span class="other">x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<a href>x</a>", 'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0'),
    ],
)  # fmt: skip
def test_html_errors_match_telegram(html: str, error: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_html(html)
    assert str(caught.value) == error


def test_markdown_v2_escapes_and_entities() -> None:
    text, entities = parse_markdown_v2(r"*김프* \-1\.25% `a\`b` [link](https://x.io) __u__ ||s||")
    assert text == "김프 -1.25% a`b link u s"
    assert [e["type"] for e in entities] == [
        "bold", "code", "text_link", "underline", "spoiler"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("md", "error"),
    [
        ("price 1.25", "Character '.' is reserved and must be escaped with the preceding '\\'"),
        ("KRW-BTC", "Character '-' is reserved and must be escaped with the preceding '\\'"),
        ("*bold", "Can't find end of Bold entity at byte offset 0"),
        ("`code", "Can't find end of Code entity at byte offset 0"),
    ],
)
def test_markdown_v2_errors(md: str, error: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_markdown_v2(md)
    assert str(caught.value) == error


def test_command_entities_for_user_text() -> None:
    assert command_entities("/kimp@kimp_test_bot BTC") == [
        {"type": "bot_command", "offset": 0, "length": 19}
    ]
    assert command_entities("잔고 /balance and a/b") == [
        {"type": "bot_command", "offset": 3, "length": 8}
    ]
    assert command_entities("no commands here") == []
