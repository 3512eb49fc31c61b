"""Telegram text formatting as the Bot API checks it: HTML and MarkdownV2 into text + entities.

The HTML parser follows tdlib's `parse_html` (which the Bot API runs): only Telegram's tags,
`&lt; &gt; &amp; &quot;` and numeric entities are decoded, anything else is kept literally, and
errors carry tdlib's wording and UTF-8 byte offsets, e.g. ``Unsupported start tag "br" at byte
offset 5``. Entity offsets and lengths are in UTF-16 code units, as in the real API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_SPACE = " \t\n\r\f\v"
_COMMAND_RE = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")


class ParseError(ValueError):
    """Text that Telegram would answer with ``400 Bad Request: can't parse entities: ...``."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(slots=True)
class _Builder:
    text: list[str] = field(default_factory=list)
    utf16: int = 0
    entities: list[dict[str, Any]] = field(default_factory=list)

    def add(self, chunk: str) -> None:
        self.text.append(chunk)
        self.utf16 += utf16_len(chunk)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        if self.utf16 > start:
            self.entities.append(
                {"type": kind, "offset": start, "length": self.utf16 - start, **extra}
            )


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, i: int) -> tuple[str, int] | None:
    """Decode `&...;` at `text[i]`; return (character, next index) or None to keep `&` as is."""
    match = _ENTITY_RE.match(text, i)
    if match is None:
        return None
    dec, hexa, name = match.groups()
    if name is not None:
        char = _NAMED_ENTITIES.get(name)
        return (char, match.end()) if char else None
    code = int(dec) if dec is not None else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Return (plain text, entities) for `parse_mode=HTML`, or raise ParseError like tdlib."""
    out = _Builder()
    stack: list[tuple[str, str, int]] = []  # (tag name, argument, utf16 start)
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "&":
            decoded = _decode_entity(text, i)
            if decoded is not None:
                out.add(decoded[0])
                i = decoded[1]
                continue
        if char != "<":
            out.add(char)
            i += 1
            continue
        begin = i
        i += 1
        if i < n and text[i] == "/":
            i = _close_tag(text, begin, stack, out)
            continue
        while i < n and text[i] not in _SPACE and text[i] != ">":
            i += 1
        if i >= n:
            raise ParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        name = text[begin + 1 : i].lower()
        if name not in _HTML_TAGS:
            raise ParseError(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, begin)}'
            )
        attrs, i = _read_attributes(text, i, name, begin)
        argument = _tag_argument(name, attrs)
        if name == "span" and argument != "spoiler":
            raise ParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(text, begin)}'
            )
        stack.append((name, argument, out.utf16))
        i += 1  # the closing '>'
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out.text), sorted(out.entities, key=lambda e: (e["offset"], -e["length"]))


def _read_attributes(text: str, i: int, name: str, begin: int) -> tuple[dict[str, str], int]:
    n = len(text)
    attrs: dict[str, str] = {}
    unclosed = f"Unclosed start tag at byte offset {_byte_offset(text, begin)}"
    while i < n and text[i] != ">":
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n:
            raise ParseError(unclosed)
        if text[i] == ">":
            break
        start = i
        while i < n and text[i] not in _SPACE and text[i] not in "=>":
            i += 1
        attr = text[start:i].lower()
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n:
            raise ParseError(unclosed)
        if text[i] != "=":
            if name == "blockquote" and attr == "expandable":
                attrs[attr] = ""
                continue
            raise ParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{name}" '
                f"at byte offset {_byte_offset(text, begin)}"
            )
        i += 1
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n:
            raise ParseError(unclosed)
        if text[i] in "'\"":
            quote = text[i]
            end = text.find(quote, i + 1)
            if end < 0:
                raise ParseError(unclosed)
            value = _decode_all(text[i + 1 : end])
            i = end + 1
        else:
            start = i
            while i < n and (text[i].isalnum() or text[i] in ".-"):
                i += 1
            if i < n and text[i] not in _SPACE and text[i] != ">":
                raise ParseError(
                    f"Unexpected end of name token at byte offset {_byte_offset(text, start)}"
                )
            value = text[start:i].lower()
        attrs[attr] = value
    if i >= n:
        raise ParseError(unclosed)
    return attrs, i


def _decode_all(value: str) -> str:
    return _ENTITY_RE.sub(lambda m: (_decode_entity(m.group(0), 0) or (m.group(0), 0))[0], value)


def _tag_argument(name: str, attrs: dict[str, str]) -> str:
    if name == "a":
        return attrs.get("href", "")
    if name == "code":
        cls = attrs.get("class", "")
        return cls.removeprefix("language-") if cls.startswith("language-") else ""
    if name == "span":
        cls = attrs.get("class", "")
        return cls.removeprefix("tg-") if cls.startswith("tg-") else ""
    if name == "tg-emoji":
        return attrs.get("emoji-id", "")
    if name == "blockquote":
        return "expandable" if "expandable" in attrs else ""
    return ""


def _close_tag(text: str, begin: int, stack: list[tuple[str, str, int]], out: _Builder) -> int:
    n = len(text)
    if not stack:
        raise ParseError(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
    i = begin + 2
    while i < n and text[i] not in _SPACE and text[i] != ">":
        i += 1
    end_name = text[begin + 2 : i].lower()
    while i < n and text[i] in _SPACE:
        i += 1
    if i >= n or text[i] != ">":
        raise ParseError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
    name, argument, start = stack.pop()
    if end_name and end_name != name:
        raise ParseError(
            f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
            f'expected "</{name}>", found "</{end_name}>"'
        )
    kind = _HTML_TAGS[name]
    if kind == "text_link":
        if argument.startswith("tg://user?id="):
            out.entity("text_mention", start, user={"id": int(argument.split("=", 1)[1] or 0)})
        elif argument:
            out.entity("text_link", start, url=argument)
    elif kind == "code" and argument:
        out.entity("pre", start, language=argument)
    elif kind == "blockquote" and argument:
        out.entity("expandable_blockquote", start)
    elif kind == "custom_emoji":
        out.entity(kind, start, custom_emoji_id=argument)
    else:
        out.entity(kind, start)
    return i + 1


_MD2_MARKERS = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough"}
_MD2_MARKERS["||"] = "spoiler"
_MD2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Return (plain text, entities) for `parse_mode=MarkdownV2`, raising ParseError like tdlib.

    Covers escaping, bold/italic/underline/strike/spoiler, inline code, pre blocks, links and
    line-start blockquotes, which is what a notifier produces.
    """
    out = _Builder()
    stack: list[tuple[str, int, int]] = []  # (marker, utf16 start, byte offset)
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.add(text[i + 1])
            i += 2
            continue
        if char not in _MD2_RESERVED:
            out.add(char)
            i += 1
            continue
        if char == "`":
            i = _md2_code(text, i, out)
            continue
        if char == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1  # blockquote line marker; the quote itself is not modelled as an entity
            continue
        marker = text[i : i + 2] if text[i : i + 2] in ("__", "||") else char
        if marker in _MD2_MARKERS:
            if stack and stack[-1][0] == marker:
                _, start, _ = stack.pop()
                out.entity(_MD2_MARKERS[marker], start)
            else:
                stack.append((marker, out.utf16, _byte_offset(text, i)))
            i += len(marker)
            continue
        if char == "[":
            stack.append(("[", out.utf16, _byte_offset(text, i)))
            i += 1
            continue
        if char == "]" and stack and stack[-1][0] == "[":
            _, start, _ = stack.pop()
            i += 1
            url = ""
            if i < n and text[i] == "(":
                end = text.find(")", i)
                if end < 0:
                    raise ParseError(
                        f"Can't find end of a url at byte offset {_byte_offset(text, i)}"
                    )
                url = text[i + 1 : end].replace("\\)", ")")
                i = end + 1
            if url:
                out.entity("text_link", start, url=url)
            continue
        raise ParseError(
            f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
        )
    if stack:
        marker, _, offset = stack[-1]
        kind = "TextUrl" if marker == "[" else _MD2_MARKERS[marker].capitalize()
        raise ParseError(f"Can't find end of {kind} entity at byte offset {offset}")
    return "".join(out.text), out.entities


def _md2_code(text: str, i: int, out: _Builder) -> int:
    fence = "```" if text.startswith("```", i) else "`"
    body_start = i + len(fence)
    j = body_start
    while j < len(text):
        if text[j] == "\\" and j + 1 < len(text):
            j += 2
            continue
        if text.startswith(fence, j):
            break
        j += 1
    else:
        kind = "Pre" if fence == "```" else "Code"
        raise ParseError(f"Can't find end of {kind} entity at byte offset {_byte_offset(text, i)}")
    body = re.sub(r"\\([`\\])", r"\1", text[body_start:j])
    start = out.utf16
    language = ""
    if fence == "```" and "\n" in body:
        first, rest = body.split("\n", 1)
        if first.strip() and " " not in first.strip():
            language, body = first.strip(), rest
    out.add(body)
    if fence == "```":
        out.entity("pre", start, **({"language": language} if language else {}))
    else:
        out.entity("code", start)
    return j + len(fence)


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Apply `parse_mode` (None, HTML, MarkdownV2 or legacy Markdown). Unknown modes raise."""
    mode = (parse_mode or "").lower()
    if mode == "":
        return text, []
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return text, []  # legacy mode: accepted, not modelled
    raise ValueError("unsupported parse_mode")


def command_entities(text: str) -> list[dict[str, Any]]:
    """`bot_command` entities for every /command in user text, with UTF-16 offsets."""
    entities = []
    for match in _COMMAND_RE.finditer(text):
        offset = utf16_len(text[: match.start()])
        entities.append(
            {"type": "bot_command", "offset": offset, "length": utf16_len(match.group(0))}
        )
    return entities
