"""Stream reasons are catalog texts: English reads exactly as before, Korean fully Korean."""

from __future__ import annotations

import re

import pytest

from bot.config import load_settings
from bot.i18n import render, stream_status
from core.market import StreamState, StreamStatus
from core.symbols import Venue
from exchanges import reasons


def test_english_reasons_read_as_they_always_have() -> None:
    cases = [
        (reasons.NOT_CONNECTED, "not connected yet"),
        (reasons.CONNECTED, "connected"),
        (reasons.refused(503), "connection refused: HTTP 503"),
        (reasons.CONNECTION_LOST, "connection lost: no close frame received or sent"),
        (reasons.closed(1000, ""), "connection closed (1000)"),
        (reasons.closed(1011, "ping timeout"), "connection closed (1011: ping timeout)"),
        (reasons.CONNECT_TIMEOUT, "timed out while connecting"),
        (reasons.cannot_connect("Connection refused"), "cannot connect: Connection refused"),
        (reasons.SERVER_ENDED, "the server ended the stream"),
        (reasons.reconnected(reasons.stale(30.04)), "reconnected after: stale: no data for 30.0s"),
        (
            reasons.stale_symbols(2, "ETH/KRW, XRP/KRW"),
            "stale: no data for 2 symbol(s) (ETH/KRW, XRP/KRW)",
        ),
        (reasons.lifetime(86_000.0), "planned reconnect after 86000s (venue lifetime limit)"),
        (reasons.watchdog_failed("RuntimeError: boom"), "watchdog failed: RuntimeError: boom"),
        (
            reasons.rest_fallback(
                [("binance-0", reasons.closed(1006, "")), ("binance-1", reasons.NOT_CONNECTED)],
                2.0,
            ),
            "websocket down (binance-0: connection closed (1006); binance-1: not connected yet);"
            " prices from REST every 2s",
        ),
        (reasons.REST_STOPPED, "websocket healthy; REST polling stopped"),
        (reasons.no_data(Venue.BINANCE_SPOT, 61.4), "no market data from Binance spot for 61s"),
        (reasons.DATA_FLOWING, "data flowing"),
    ]
    for reason, english in cases:
        assert render("en", reason) == english


def _english_words(text: str) -> list[str]:
    """Latin words left in a Korean text, beyond names that stay as they are."""
    allowed = {"REST", "HTTP", "USDT", "M", "binance"}  # names, codes, the venue's label
    return [w for w in re.findall(r"[A-Za-z]+", text) if w not in allowed]


def test_a_stream_down_and_recovered_reads_fully_korean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "ko")
    language = load_settings(env_file=None).language
    assert language == "ko"
    statuses = [
        StreamStatus(Venue.UPBIT, "upbit", StreamState.DOWN, reasons.no_data(Venue.UPBIT, 42.0), 1),
        StreamStatus(Venue.UPBIT, "upbit", StreamState.RECOVERED, reasons.DATA_FLOWING, 2),
        StreamStatus(
            Venue.BINANCE_SPOT,
            "binance-rest",
            StreamState.DEGRADED,
            reasons.rest_fallback([("binance-0", reasons.stale(31.0))], 2.0),
            3,
        ),
        StreamStatus(
            Venue.BINANCE_SPOT, "binance-rest", StreamState.RECOVERED, reasons.REST_STOPPED, 4
        ),
        StreamStatus(
            Venue.BINANCE_FUTURES,
            "binance_futures-0",
            StreamState.RECOVERED,
            reasons.reconnected(reasons.closed(1006, "")),
            5,
        ),
    ]
    texts = [stream_status(language, st) for st in statuses]
    assert texts == [
        "🔴 업비트 시세 스트림 끊김: 업비트 시세 데이터가 42초 동안 없음",
        "🟢 업비트 시세 스트림 복구: 시세 수신 재개",
        "🟠 바이낸스 현물 시세 스트림 불안정 (REST로 대체 수신 중): "
        "웹소켓 끊김 (binance-0: 수신 정지: 31.0초 동안 데이터 없음); REST로 2초마다 시세 수신",
        "🟢 바이낸스 현물 시세 스트림 복구: 웹소켓 정상; REST 시세 수신 중지",
        "🟢 바이낸스 선물(USDT-M) 시세 스트림 복구: 재연결됨 (원인: 연결 종료됨 (1006))",
    ]
    for text in texts:
        assert _english_words(text) == [], text
