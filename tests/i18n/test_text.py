"""`Text` (an engine's message, not yet worded) renders in the language of whoever shows it."""

from __future__ import annotations

from bot.i18n import Messages, render
from core.market import Side
from core.symbols import Venue
from core.text import Text


def test_the_same_text_reads_in_each_language_with_enums_as_words() -> None:
    inner = Text.of(
        "order.describe",
        side=Side.BUY,
        qty="0.1",
        symbol="BTC",
        type="",
        price="",
        trigger="",
        venue=Venue.UPBIT,
    )
    outer = Text.of("stream.status", icon="", venue=Venue.UPBIT, state="x", reason=inner)
    en, ko = render("en", outer), render("ko", outer)
    assert "buy 0.1 BTC" in en and "Upbit" in en
    assert "매수" in ko and "업비트" in ko and "buy" not in ko


def test_plain_strings_pass_through_and_texts_are_immutable() -> None:
    assert render("ko", "venue said no") == "venue said no"
    t = Text.of("shutdown")
    assert Messages("en").render(t) == "Service stopping."
    assert t == Text.of("shutdown")


def test_log_lines_word_texts_in_english_once_the_app_installs_the_catalog() -> None:
    from functools import partial

    from core.text import set_log_words

    t = Text.of("stream.why.closed", code=1006)
    try:
        set_log_words(None)
        assert str(t) == "stream.why.closed(code=1006)"  # no catalog: still readable
        set_log_words(partial(render, "en"))
        assert str(t) == "connection closed (1006)"
        assert str(Text.of("no.such.key")) == "no.such.key"  # never a crash in a log line
    finally:
        set_log_words(None)
