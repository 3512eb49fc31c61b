"""Bithumb private WebSocket v2 frames (tests/data/real/bithumb/ws_private_*) through our decoder,
and the handshake our client sends."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from decimal import Decimal as D
from pathlib import Path

import orjson
import pytest

from core.account import AccountChanged, OrderTouched, WalletChange
from exchanges.bithumb.private_stream import BithumbPrivateStream, decode_private

REAL = Path(__file__).parent.parent / "data" / "real" / "bithumb"


def frame(name: str) -> bytes:
    return (REAL / name).read_bytes()


def test_my_order_v2_rings_for_our_client_order_id() -> None:
    ev = decode_private(frame("ws_private_my_order_v2_trade.json"), 7.0)
    assert ev == OrderTouched("kimp-1", 1730253600.431, 7.0)


def test_my_order_without_client_order_id_is_not_ours() -> None:
    assert decode_private(frame("ws_private_my_order_v2_no_client_id.json"), 7.0) is None
    raw = json.loads(frame("ws_private_my_order_v2_trade.json"))
    raw["client_order_id"] = ""
    assert decode_private(json.dumps(raw), 7.0) is None


def test_a_v1_shaped_frame_is_refused_not_taken_for_v2() -> None:
    """The retired v1 spec (`uuid`, `ask_bid`) must not pass as v2: its frame is unreadable."""
    with pytest.raises(ValueError, match="order_id"):
        decode_private(frame("ws_private_my_order_v1_trade.json"), 7.0)


@pytest.mark.parametrize(
    ("name", "currency", "free", "locked", "ts"),
    [
        ("ws_private_my_asset_krw.json", "KRW", "2061832.35", "3824127.3", 1727052537.592),
        ("ws_private_my_asset_btc.json", "BTC", "156.70564833", "38.81945789", 1727052537.592),
    ],
)
def test_my_asset_docs_frames_are_balances(
    name: str, currency: str, free: str, locked: str, ts: float
) -> None:
    ev = decode_private(frame(name), 9.0)
    assert isinstance(ev, AccountChanged)
    assert ev.wallets == (WalletChange(currency, D(free) + D(locked), D(free), D(0)),)
    assert ev.venue_ts == ts and ev.recv_ts == 9.0


@pytest.mark.parametrize(
    "raw",
    [b"not json", b"[1, 2]", b'{"type":"myOrder","client_order_id":"x"}',
     b'{"type":"myAsset","assets":[{"currency":"KRW"}]}',
     b'{"error":{"name":"INVALID_AUTH","message":"x"}}'],
)  # fmt: skip
def test_unreadable_frames_are_errors_not_crashes(raw: bytes) -> None:
    with pytest.raises(ValueError):
        decode_private(raw, 1.0)


def test_keepalive_answer_is_nothing_to_act_on() -> None:
    assert decode_private(frame("ws_status_up.json"), 1.0) is None


def test_handshake_carries_a_signed_token_and_the_documented_request() -> None:
    stream = BithumbPrivateStream("ws://x/websocket/v2/private", ("ak", "sk"), lambda _e: None)
    token = stream.headers()["Authorization"].removeprefix("Bearer ")
    head, body, sig = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    claims = orjson.loads(base64.urlsafe_b64decode(pad(body)))
    assert claims["access_key"] == "ak" and claims["nonce"] and claims["timestamp"] > 0
    assert "query_hash" not in claims  # the socket has no query to hash
    expected = hmac.new(b"sk", f"{head}.{body}".encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(pad(sig)) == expected
    request, ping = stream.subscribe_messages()
    documented = json.loads(frame("ws_private_request.json"))
    sent = json.loads(request)
    assert sent[0].keys() == documented[0].keys()  # a ticket first, then the types
    assert {"type": "myOrder"} in sent and {"type": "myAsset"} in sent
    assert ping == "PING"
