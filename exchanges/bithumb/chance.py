"""The account's own fee rates and a market's minimum order from Bithumb's
`GET /v1/orders/chance?market=KRW-BTC` (주문 가능 정보; JWT with the query hash), Upbit's shape:

{"bid_fee":"0.0004","ask_fee":"0.0004","maker_bid_fee":"0.0004","maker_ask_fee":"0.0004",
 "market":{"id":"KRW-BTC","bid":{"currency":"KRW","min_total":"5000"},
           "ask":{"currency":"BTC","min_total":"5000"},"max_total":"1000000000.0"},
 "bid_account":{...},"ask_account":{...}}

Bithumb's headline taker rate is 0.25 %, but fee coupons and grades take an account as low as
0.04 %: the account's real rate makes the funds check and the kimp figures honest.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any


@dataclass(frozen=True, slots=True)
class AccountFees:
    taker: Decimal  # the higher of the bid and ask rates: a funds check must not fall short
    maker: Decimal
    min_total: Decimal | None  # the smallest order in KRW, when the answer says


def _dec(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        out = Decimal(str(value))
    except InvalidOperation:
        return None
    return out if out.is_finite() and out >= 0 else None


def parse_chance(data: Any) -> AccountFees | None:
    """The answer -> the account's rates for this market; None when it carries no fee rate."""
    if not isinstance(data, dict):
        return None
    takers = [r for r in (_dec(data.get("bid_fee")), _dec(data.get("ask_fee"))) if r is not None]
    if not takers or max(takers) >= 1:
        return None
    makers = [
        r
        for r in (_dec(data.get("maker_bid_fee")), _dec(data.get("maker_ask_fee")))
        if r is not None
    ]
    market = data.get("market")
    bid = market.get("bid") if isinstance(market, dict) else None
    min_total = _dec(bid.get("min_total")) if isinstance(bid, dict) else None
    taker = max(takers)
    return AccountFees(taker, max(makers) if makers else taker, min_total)
