"""The message catalog itself: both tables complete and consistent, lookups and fallbacks."""

from __future__ import annotations

import string

import pytest

from bot.config import load_settings
from bot.i18n import Messages, en, header, ko, stream_status, tr, word
from core.market import Side, StreamState, StreamStatus
from core.notifications import NotificationKind
from core.orders import OrderStatus, OrderType
from core.symbols import Venue


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_text_is_in_both_languages_with_the_same_placeholders() -> None:
    enum_words = {k for k in ko.TEXTS if k.split(".")[0] in ("side", "ordertype", "orderstatus")}
    enum_words |= {k for k in ko.TEXTS if k.startswith("venue.")}
    assert set(en.TEXTS) == set(ko.TEXTS) - enum_words  # English keeps enum values as words
    for key, template in en.TEXTS.items():
        assert _fields(template) == _fields(ko.TEXTS[key]), key
    for kind in NotificationKind:
        assert kind.value in en.HEADERS and kind.value in ko.HEADERS


def test_every_enum_word_has_a_korean_name() -> None:
    for value in [*Side, *OrderType, *OrderStatus, *Venue]:
        assert word("ko", value) != value.value, value
    assert [word("en", v) for v in (Side.BUY, OrderType.LIMIT, OrderStatus.OPEN)] == [
        "buy",
        "limit",
        "open",
    ]
    assert word("en", Venue.BINANCE_FUTURES) == Venue.BINANCE_FUTURES.label
    assert word("ko", Side.SELL) == "매도" and word("ko", Venue.UPBIT) == "업비트"


def test_lookups_fall_back_to_korean_for_an_unknown_language() -> None:
    assert tr("xx", "shutdown") == tr("ko", "shutdown") == "서비스를 종료합니다."
    assert tr("en", "shutdown") == "Service stopping."
    assert header("ko", NotificationKind.ORDER_FILLED) == "✅ 체결"
    t = Messages("en")
    assert t("startup.bots", bots="a; b") == "Bots: a; b" and t.word(Side.BUY) == "buy"
    with pytest.raises(KeyError):
        tr("ko", "no.such.key")


def test_the_product_default_is_korean(monkeypatch: pytest.MonkeyPatch) -> None:
    # tests/conftest.py sets LANGUAGE=en for the test run; without it the default is ko.
    assert load_settings(env_file=None).language == "en"
    monkeypatch.delenv("LANGUAGE")
    assert load_settings(env_file=None).language == "ko"


def test_stream_status_texts() -> None:
    down = StreamStatus(Venue.UPBIT, "upbit", StreamState.DOWN, "connection refused", 1.0)
    assert stream_status("ko", down) == "🔴 업비트 시세 스트림 끊김: connection refused"
    assert stream_status("en", down) == "🔴 Upbit market data down: connection refused"
    back = StreamStatus(Venue.BINANCE_SPOT, "binance", StreamState.RECOVERED, "ok", 2.0)
    assert stream_status("ko", back) == "🟢 바이낸스 현물 시세 스트림 복구: ok"
