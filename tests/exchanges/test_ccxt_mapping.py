"""Venue errors as ccxt words them reach logs, /logs and the user without the signed request.

Regression (issue 12): ccxt's network and HTTP-status errors carry the full URL, whose query
string holds the request's `timestamp`, `recvWindow` and `signature`; it was passed on as is.
"""

from __future__ import annotations

from pathlib import Path

import ccxt.async_support as ccxt
import pytest
from loguru import logger

from bot.logging_setup import setup_logging, tail_log
from core.errors import Fatal, Retryable, TradingError
from core.symbols import Venue
from exchanges.ccxt.broker import CcxtBroker
from exchanges.ccxt.mapping import map_error
from peers.exchange_sim.server import SimExchange
from tests.trading.harness import live_brokers

SIG = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
URL = (
    "https://api.binance.com/api/v3/openOrders?symbol=BTCUSDT&timestamp=1733300000000"
    f"&recvWindow=10000&signature={SIG}"
)


@pytest.mark.parametrize(
    "exc",
    [
        # aiohttp failures: `' '.join([self.id, method, url])` (ccxt async_support fetch)
        ccxt.RequestTimeout(f"binance GET {URL}"),
        ccxt.ExchangeNotAvailable(f"binance GET {URL}"),
        # handle_http_status_code: id + method + url + code + reason + body
        ccxt.ExchangeNotAvailable(f"binance GET {URL} 503 Service Unavailable <html>busy</html>"),
        # a generic failure that reaches the last branch
        RuntimeError(f"unexpected answer from {URL}"),
    ],
)
def test_signed_urls_are_redacted(exc: Exception) -> None:
    err = map_error(exc, write=False)
    assert SIG not in err.reason and "signature=" not in err.reason
    assert "timestamp=" not in err.reason and "recvWindow" not in err.reason
    assert "https://api.binance.com/api/v3/openOrders?***" in err.reason  # still says what failed


def test_venue_json_message_stays_readable() -> None:
    exc = ccxt.AuthenticationError(
        'binance {"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}'
    )
    err = map_error(exc, write=True)
    assert isinstance(err, Fatal)
    assert "Invalid API-key, IP, or permissions for action. (code -2015)" in err.reason
    skew = ccxt.InvalidNonce(
        'binance {"code":-1021,"msg":"Timestamp for this request was 1000ms ahead of the '
        "server's time.\"}"
    )
    assert "1000ms ahead" in map_error(skew, write=False).reason


def test_tokens_and_keys_in_texts_are_redacted() -> None:
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJhY2Nlc3Nfa2V5IjoiYWJjIn0.Zm9vYmFyYmF6"
    exc = ccxt.ExchangeError(f"upbit headers Authorization: Bearer {jwt} X-MBX-APIKEY: k3yk3yk3y")
    reason = map_error(exc, write=False).reason
    assert jwt not in reason and "k3yk3yk3y" not in reason


async def test_real_ccxt_errors_from_the_simulator_are_redacted(tmp_path: Path) -> None:
    """503s on a signed GET, through the real ccxt client and our broker;
    the reason, the log file and /logs hold no signature."""
    async with SimExchange(seed=1, tick_interval=0.02) as sim:
        await _fail_signed_gets(sim, tmp_path)


async def _fail_signed_gets(sim: SimExchange, tmp_path: Path) -> None:
    brokers = live_brokers(sim)
    broker = brokers[Venue.BINANCE_SPOT]
    assert isinstance(broker, CcxtBroker)
    setup_logging("DEBUG", tmp_path / "logs", [])
    reasons = []
    try:
        await broker.start()
        sim.faults.rest_error("binance", 503, count=2)
        for _ in range(2):
            with pytest.raises(TradingError) as info:
                await broker.call(lambda: broker.ex.fetch_open_orders("BTC/USDT"))
            assert isinstance(info.value, Retryable)
            reasons.append(info.value.reason)
            logger.error("venue call failed: {}", info.value.reason)
        sim.faults.rest_error("binance", 503, count=1)
        try:
            await broker.ex.fetch_open_orders("BTC/USDT")
        except ccxt.ExchangeNotAvailable as exc:  # raw, logged as a careless caller would
            assert "signature=" in str(exc)  # the shape this guards against
            logger.opt(exception=exc).warning("raw: {}", exc)
    finally:
        logger.remove()
        for b in brokers.values():
            await b.close()
    assert any("/api/v3/openOrders?***" in r for r in reasons), reasons
    for text in [*reasons, (tmp_path / "logs" / "bot.log").read_text()]:
        assert "signature=" not in text and "timestamp=" not in text, text
    assert all("signature=" not in line for line in tail_log(tmp_path / "logs", 200))
