"""Binance spot order validation (filters, required params) and order/trade JSON shapes."""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from peers.exchange_sim.binance_auth import BinanceError, Params
from peers.exchange_sim.binance_rules import SymbolRules, check_price, check_qty
from peers.exchange_sim.matching import SimFill, SimOrder

CLIENT_ID_RE = re.compile(r"^[\.A-Z\:/a-z0-9_-]{1,36}$")
ORDER_TYPES = ("LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT")
STOPS = ("STOP_LOSS", "STOP_LOSS_LIMIT")
STATUS = {
    "new": "NEW",
    "partially_filled": "PARTIALLY_FILLED",
    "filled": "FILLED",
    "canceled": "CANCELED",
    "expired": "EXPIRED",
}
_ALPHABET = string.ascii_letters + string.digits


def f8(value: Decimal | float | None) -> str:
    return f"{(value or 0):.8f}"


@dataclass(slots=True)
class SpotOrderRequest:
    symbol: str
    side: str  # BUY | SELL
    type: str
    time_in_force: str
    qty: Decimal | None
    quote_qty: Decimal | None
    price: Decimal | None
    client_id: str
    resp_type: str
    stop_price: Decimal | None = None


def new_client_id(rng: random.Random) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(22))


def check_client_id(name: str, value: str) -> None:
    if not CLIENT_ID_RE.match(value):
        raise BinanceError(
            -1100,
            f"Illegal characters found in parameter '{name}'; legal range is "
            "'^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.",
        )


def parse_order(p: Params, rules: SymbolRules, mid: float, rng: random.Random) -> SpotOrderRequest:
    """Validate a `POST /api/v3/order` the way Binance does (param checks, then filters)."""
    side = p.req("side").upper()
    if side not in ("BUY", "SELL"):
        raise BinanceError(-1117, "Invalid side.")
    otype = p.req("type").upper()
    if otype not in ORDER_TYPES:
        if otype in ("TAKE_PROFIT", "TAKE_PROFIT_LIMIT"):
            raise BinanceError(-1013, "Stop loss orders are not supported for this symbol.")
        raise BinanceError(-1116, "Invalid orderType.")
    qty = p.dec("quantity")
    quote_qty = p.dec("quoteOrderQty")
    price = p.dec("price")
    tif = (p.get("timeInForce") or "").upper()
    stop = p.dec("stopPrice")
    if otype in STOPS:
        if stop is None:
            raise BinanceError(
                -1102, "Mandatory parameter 'stopPrice' was not sent, was empty/null, or malformed."
            )
        if qty is None:
            raise BinanceError(
                -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed."
            )
        check_price(rules, stop)
    elif stop is not None:
        raise BinanceError(-1106, "Parameter 'stopPrice' sent when not required.")
    if otype in ("LIMIT", "STOP_LOSS_LIMIT"):
        if not tif:
            raise BinanceError(
                -1102,
                "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.",
            )
        if tif not in ("GTC", "IOC", "FOK"):
            raise BinanceError(-1115, "Invalid timeInForce.")
    elif tif:
        raise BinanceError(-1106, "Parameter 'timeInForce' sent when not required.")
    if otype in ("LIMIT", "LIMIT_MAKER", "STOP_LOSS_LIMIT"):
        if qty is None:
            raise BinanceError(
                -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed."
            )
        if price is None:
            raise BinanceError(
                -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed."
            )
        if quote_qty is not None:
            raise BinanceError(-1106, "Parameter 'quoteOrderQty' sent when not required.")
    else:
        if price is not None:
            raise BinanceError(-1106, "Parameter 'price' sent when not required.")
        if qty is None and quote_qty is None:
            raise BinanceError(
                -1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty!"
            )
        if qty is not None and quote_qty is not None:
            raise BinanceError(-1106, "Parameter 'quoteOrderQty' sent when not required.")
    client_id = p.get("newClientOrderId")
    if client_id is not None:
        check_client_id("newClientOrderId", client_id)
    else:
        client_id = new_client_id(rng)
    resp = (p.get("newOrderRespType") or "FULL").upper()
    if resp not in ("ACK", "RESULT", "FULL"):
        raise BinanceError(-1100, "Illegal characters found in parameter 'newOrderRespType'.")
    market = otype in ("MARKET", "STOP_LOSS")
    if price is not None:
        check_price(rules, price)
    if qty is not None:
        check_qty(rules, qty, market)
    notional = (
        quote_qty
        if quote_qty is not None
        else (qty or Decimal(0)) * (price if price is not None else stop or Decimal(str(mid)))
    )
    if quote_qty is not None and quote_qty <= 0:
        raise BinanceError(-1013, "Invalid quantity.")
    if notional < rules.min_notional:
        raise BinanceError(-1013, "Filter failure: NOTIONAL")
    if stop is not None and (
        Decimal(str(mid)) <= stop if side == "SELL" else Decimal(str(mid)) >= stop
    ):
        raise BinanceError(-2010, "Order would trigger immediately.")  # errors.md, -2010
    return SpotOrderRequest(
        rules.symbol, side, otype, tif or "GTC", qty, quote_qty, price, client_id, resp, stop
    )


def order_json(o: SimOrder, otype: str, full: bool = True) -> dict[str, Any]:
    """The query-order shape (`GET /api/v3/order`, openOrders, allOrders)."""
    orig_qty = o.qty if o.qty is not None else o.executed_qty
    out: dict[str, Any] = {
        "symbol": o.market,
        "orderId": o.seq,
        "orderListId": -1,
        "clientOrderId": o.client_id or "",
        "price": f8(o.price),
        "origQty": f8(orig_qty),
        "executedQty": f8(o.executed_qty),
        "cummulativeQuoteQty": f8(o.executed_quote),
        "status": STATUS.get(o.state, "NEW"),
        "timeInForce": o.time_in_force if otype not in ("MARKET", "STOP_LOSS") else "GTC",
        "type": otype,
        "side": o.side.upper(),
        "stopPrice": f8(o.stop_price),
        "icebergQty": f8(0),
        "time": o.created_ms,
        "updateTime": o.updated_ms,
        # a stop is not working (in the book) until it triggers: workingTime -1 before that
        "isWorking": o.working_ms >= 0,
        "workingTime": o.working_ms,
        "origQuoteOrderQty": f8(o.quote_amount),
        "selfTradePreventionMode": "EXPIRE_MAKER",
    }
    return out


def new_order_json(o: SimOrder, otype: str, resp_type: str) -> dict[str, Any]:
    """The `POST /api/v3/order` response in ACK, RESULT or FULL form."""
    ack: dict[str, Any] = {
        "symbol": o.market,
        "orderId": o.seq,
        "orderListId": -1,
        "clientOrderId": o.client_id or "",
        "transactTime": o.created_ms,
    }
    if resp_type == "ACK":
        return ack
    q = order_json(o, otype)
    for key in ("icebergQty", "time", "updateTime", "isWorking"):
        q.pop(key)
    if o.stop_price is None:  # only a stop order's reply carries its stopPrice
        q.pop("stopPrice")
    result = {**ack, **{k: v for k, v in q.items() if k not in ack}}
    if resp_type == "FULL":
        result["fills"] = [
            {
                "price": f8(f.price),
                "qty": f8(f.qty),
                "commission": f8(f.fee),
                "commissionAsset": f.fee_asset,
                "tradeId": f.trade_id,
            }
            for f in o.fills
        ]
    return result


def trade_json(o: SimOrder, f: SimFill) -> dict[str, Any]:
    return {
        "symbol": o.market,
        "id": f.trade_id,
        "orderId": o.seq,
        "orderListId": -1,
        "price": f8(f.price),
        "qty": f8(f.qty),
        "quoteQty": f8(f.quote_qty),
        "commission": f8(f.fee),
        "commissionAsset": f.fee_asset,
        "time": f.ts_ms,
        "isBuyer": o.side == "buy",
        "isMaker": f.is_maker,
        "isBestMatch": True,
    }
