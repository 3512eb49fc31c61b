"""ccxt exceptions -> our error kinds, with the venue's own message as the reason (never the
signed request: query strings, signatures and keys are redacted)."""

from __future__ import annotations

import json
import re

import ccxt.async_support as ccxt

from core.errors import Fatal, NotFound, Rejected, Retryable, TradingError
from exchanges.ccxt.redact import redact_request_details

_JSON = re.compile(r"\{.*\}", re.S)


def venue_message(exc: BaseException) -> str:
    """`binance {"code":-2010,"msg":"Account has insufficient..."}` -> the msg, readable;
    any other text with its request details redacted."""
    return redact_request_details(_venue_message(redact_request_details(str(exc))))


def _venue_message(text: str) -> str:
    m = _JSON.search(text)
    if m is not None:
        try:
            body = json.loads(m.group(0))
        except ValueError:
            body = None
        if isinstance(body, dict):
            if isinstance(body.get("error"), dict):
                err = body["error"]
                return f"{err.get('message', '')} ({err.get('name', '')})".strip()
            if "msg" in body:
                return f"{body['msg']} (code {body.get('code')})"
    return text[:300]


def map_error(exc: Exception, *, write: bool, retry_after: float | None = None) -> TradingError:
    """`write` is True for requests that change state (placing an order)."""
    msg = venue_message(exc)
    if isinstance(exc, ccxt.OrderNotFound):
        return NotFound(msg)
    if isinstance(exc, ccxt.RateLimitExceeded | ccxt.DDoSProtection):
        return Retryable(f"rate limited by the venue: {msg}", retry_after=retry_after or 2.0)
    if isinstance(exc, ccxt.InvalidNonce):
        return Retryable(f"clock out of sync with the venue: {msg}", retry_after=1.0)
    if isinstance(exc, ccxt.AuthenticationError | ccxt.PermissionDenied | ccxt.AccountSuspended):
        return Fatal(f"the venue refused our API key: {msg}. Check the key and its permissions.")
    if isinstance(exc, ccxt.NetworkError):
        # Timeout, connection reset, 5xx: a write may or may not have happened.
        return Retryable(f"no clear answer from the venue: {msg}", outcome_unknown=write)
    if isinstance(exc, ccxt.BadSymbol):
        return Rejected(f"unknown market: {msg}")
    if isinstance(exc, ccxt.ExchangeError):
        return Rejected(msg)
    if isinstance(exc, ccxt.BaseError):
        return Rejected(msg)
    return Retryable(f"{type(exc).__name__}: {msg}", outcome_unknown=write)
