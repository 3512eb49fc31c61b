"""ccxt's `bithumb` for API 2.0: pointed at our URL, its errors told by Bithumb's error names.

ccxt 4.5.x speaks Bithumb's v2 API (JWT with `query_hash`, `generation` 2 is its default), but
its error table only knows the legacy API's messages: every v2 error (`{"error": {"name",
"message"}}`) becomes a bare `ExchangeError`. A missing order must read as not found (the crash
recovery's "never placed"), a refused key as fatal, so the documented names are added to the
instance's table (ccxt configuration, not a patch): https://apidocs.bithumb.com/docs/api-주요-에러-코드
"""

from __future__ import annotations

from typing import Any

import ccxt.async_support as ccxt

from exchanges.ccxt.gate import RateGate

ERRORS: dict[str, type[Exception]] = {
    # 400
    "invalid_parameter": ccxt.BadRequest,
    "invalid_price": ccxt.InvalidOrder,
    "invalid_price_ask": ccxt.InvalidOrder,
    "invalid_price_bid": ccxt.InvalidOrder,
    "under_price_limit_ask": ccxt.InvalidOrder,
    "under_price_limit_bid": ccxt.InvalidOrder,
    "under_min_total_ask": ccxt.InvalidOrder,
    "under_min_total_bid": ccxt.InvalidOrder,
    "insufficient_funds_ask": ccxt.InsufficientFunds,
    "insufficient_funds_bid": ccxt.InsufficientFunds,
    "cross_trading": ccxt.InvalidOrder,
    "bank_account_required": ccxt.PermissionDenied,
    "two_factor_auth_required": ccxt.PermissionDenied,
    # 401: the key, its signature or its rights
    "invalid_query_payload": ccxt.AuthenticationError,
    "jwt_verification": ccxt.AuthenticationError,
    "expired_jwt": ccxt.AuthenticationError,
    "invalid_access_key": ccxt.AuthenticationError,
    "NotAllowIP": ccxt.PermissionDenied,
    "out_of_scope": ccxt.PermissionDenied,
    # 403
    "blocked_member_id": ccxt.AccountSuspended,
    # 404
    "order_not_found": ccxt.OrderNotFound,
    # 422: the order is still being accepted; ask again (a lookup, never a resend)
    "order_not_ready": ccxt.ExchangeNotAvailable,
}


def bithumb_exchange(cls: type[Any], common: dict[str, Any], rest_url: str) -> Any:
    """`cls` is ccxt's `bithumb` (wrapped by the rate gate); every path kept under `rest_url`."""
    ex = cls(common | {"exceptions": ERRORS})
    base = rest_url.rstrip("/")
    ex.urls["api"] = {"public": base, "private": base}
    ex.gate = RateGate("bithumb")
    return ex
