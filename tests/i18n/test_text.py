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


def test_a_stored_text_reads_back_as_the_same_text_and_plain_words_stay_words() -> None:
    """The decision log's codec (issue 14): key, params, nested texts and the foundation's
    enums survive storage; anything that is not a stored text is returned as it was."""
    from core.market import Side
    from core.symbols import Venue
    from core.text import Text, dump_text, load_text

    why = Text.of(
        "decision.order_refused",
        reason=Text.of("reason.data_old", venue=Venue.UPBIT, side=Side.BUY, age=5, items=["a"]),
    )
    back = load_text(dump_text(why))
    assert back == why and isinstance(back, Text)
    assert back.params["reason"].params["venue"] is Venue.UPBIT
    assert load_text(dump_text("RSI14 28 < 30")) == "RSI14 28 < 30"
    assert load_text('{"$text": broken') == '{"$text": broken'
    forged = '{"$text":"k","params":{"v":{"$enum":"os.system","value":"x"}}}'
    assert load_text(forged) == Text.of("k", v="x")  # only core's enums are looked up
