"""Binance spot user data (WebSocket API subscription): wire schemas and pure parse functions to
the account events of `core.account`. Samples: tests/data/real/binance_spot/user_*.json.

Every event arrives wrapped as `{"subscriptionId": n, "event": {...}}` (binance-spot-api-docs
`web-socket-api.md`, "Event format"); replies to our requests carry `id` and `status` instead.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, NotRequired, TypedDict

from core.account import BalanceRow, BalancesChanged, OrderTouched
from core.symbols import Venue


class ExecutionReport(TypedDict):
    e: Literal["executionReport"]
    E: int  # event time
    s: str  # symbol
    c: str  # client order id (for a cancel: the cancel request's own id)
    C: str  # original client order id: the cancelled order's id, else ""
    x: str  # execution type: NEW, CANCELED, REPLACED, REJECTED, TRADE, EXPIRED, TRADE_PREVENTION
    X: str  # order status
    i: int  # order id
    T: int  # transaction time


class AccountRow(TypedDict):
    a: str  # asset
    f: str  # free
    l: str  # locked  # noqa: E741


class OutboundAccountPosition(TypedDict):
    e: Literal["outboundAccountPosition"]
    E: int
    u: int  # time of the last account update
    B: list[AccountRow]


class ApiError(TypedDict):
    code: int
    msg: str


class ApiReply(TypedDict):
    id: str | int | None
    status: int
    result: NotRequired[dict[str, int]]
    error: NotRequired[ApiError]


class SubscribeRefused(ValueError):
    """The venue answered our subscription with an error (`code` is Binance's, e.g. -1021
    timestamp outside recvWindow, -1022 bad signature, -2015 key refused)."""

    def __init__(self, code: int, msg: str) -> None:
        super().__init__(f"{code} {msg}")
        self.code = code


def order_client_id(msg: ExecutionReport) -> str:
    """Our id of the order a report is about: a cancel reports it in `C`, anything else in `c`."""
    return msg.get("C") or msg["c"]


def parse_execution_report(msg: ExecutionReport, recv_ts: float) -> OrderTouched:
    """`executionReport`: a doorbell for the order (the tracker then queries it by client id).

    {"e":"executionReport","E":1499405658658,"s":"ETHBTC","c":"mUvoqJxFIILMdfAW5iGSOW",
     "S":"BUY","o":"LIMIT","f":"GTC","q":"1.00000000","p":"0.10264410","P":"0.00000000",
     "F":"0.00000000","g":-1,"C":"","x":"NEW","X":"NEW","r":"NONE","i":4293153,
     "l":"0.00000000","z":"0.00000000","L":"0.00000000","n":"0","N":null,"T":1499405658657,
     "t":-1,"v":3,"I":8641984,"w":true,"m":false,"M":false,"O":1499405658657,
     "Z":"0.00000000","Y":"0.00000000","Q":"0.00000000","W":1499405658657,"V":"NONE"}
    """
    client_id = order_client_id(msg)
    if not client_id:
        raise ValueError("executionReport without a client order id")
    return OrderTouched(client_id, msg["T"] / 1000, recv_ts)


def parse_account_position(msg: OutboundAccountPosition, recv_ts: float) -> BalancesChanged:
    """`outboundAccountPosition`: the balances the change touched.

    {"e":"outboundAccountPosition","E":1564034571105,"u":1564034571073,
     "B":[{"a":"ETH","f":"10000.000000","l":"0.000000"}]}
    """
    rows = tuple(BalanceRow(b["a"], Decimal(b["f"]), Decimal(b["l"])) for b in msg["B"])
    return BalancesChanged(Venue.BINANCE_SPOT, rows, msg["u"] / 1000, recv_ts)


def subscription_id(reply: ApiReply) -> int:
    """The `subscriptionId` of a successful subscribe reply, else `SubscribeRefused`.

    {"id":"d3df8a22-98ea-4fe0-9f4e-0fcea5d418b7","status":200,"result":{"subscriptionId":0}}
    """
    if reply.get("status") == 200 and "result" in reply:
        return int(reply["result"]["subscriptionId"])
    err = reply.get("error") or {"code": 0, "msg": "no result"}
    raise SubscribeRefused(int(err["code"]), str(err["msg"]))
