"""USDⓈ-M futures user-data stream: wire schemas and pure parse functions to the account
events of `core.account` (sample payloads also in tests/data/binance/, USER_STREAM_SOURCES.md).

Orders the venue places on the account itself are told apart by their client id (Binance,
"Event: Order Update"): `autoclose-...` is a liquidation, `adl_autoclose` an auto-deleverage,
`settlement_autoclose-...` a delisting or delivery settlement.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, NotRequired, TypedDict

from core.account import (
    AccountChanged,
    AccountEvent,
    ForcedFill,
    ForcedKind,
    OrderTouched,
    PositionChange,
    WalletChange,
)
from core.market import Side
from core.orders import Fill
from core.symbols import Instrument, Symbol, Venue

ZERO = Decimal(0)
_QUOTES = ("USDT", "USDC", "BUSD")


class OrderTradeBody(TypedDict):
    s: str  # symbol
    c: str  # client order id (autoclose-..., adl_autoclose, settlement_autoclose-...)
    S: str  # side
    o: str  # order type (LIMIT, MARKET, ..., LIQUIDATION)
    x: str  # execution type (NEW, CANCELED, CALCULATED = liquidation execution, TRADE, ...)
    X: str  # order status
    i: int  # order id
    l: str  # last filled quantity  # noqa: E741
    L: str  # last filled price
    N: NotRequired[str]  # commission asset (absent without commission)
    n: NotRequired[str]  # commission
    T: int  # trade time
    t: int  # trade id
    R: bool  # reduce only
    rp: str  # realised profit of the trade


class OrderTradeUpdate(TypedDict):
    e: Literal["ORDER_TRADE_UPDATE"]
    E: int  # event time
    T: int  # transaction time
    o: OrderTradeBody


class WalletRow(TypedDict):
    a: str  # asset
    wb: str  # wallet balance
    cw: str  # cross wallet balance
    bc: str  # balance change except PnL and commission


class PositionRow(TypedDict):
    s: str
    pa: str  # position amount (signed in one-way mode)
    ep: str  # entry price
    bep: NotRequired[str]  # break-even price
    cr: str  # (pre-fee) accumulated realised
    up: str  # unrealised PnL
    mt: str  # margin type
    iw: str  # isolated wallet
    ps: str  # position side: BOTH (one-way), LONG, SHORT (hedge mode)


class AccountBody(TypedDict):
    m: str  # reason: ORDER, FUNDING_FEE, DEPOSIT, WITHDRAW, INSURANCE_CLEAR, ADJUSTMENT, ...
    B: list[WalletRow]
    P: list[PositionRow]


class AccountUpdate(TypedDict):
    e: Literal["ACCOUNT_UPDATE"]
    E: int
    T: int
    a: AccountBody


class AlgoBody(TypedDict):
    caid: str  # client algo id (ours: the id we placed the stop / take-profit with)
    aid: int  # algo id
    s: str  # symbol
    X: str  # algo status: NEW, TRIGGERING, TRIGGERED, FINISHED, CANCELED, EXPIRED, REJECTED
    ai: NotRequired[str]  # the triggered order's id ("" before the trigger)


class AlgoUpdate(TypedDict):
    e: Literal["ALGO_UPDATE"]
    T: int  # event time (the docs name T and E the other way round from ORDER_TRADE_UPDATE)
    E: int
    o: AlgoBody


def futures_symbol(raw: str) -> Symbol:
    """`BTCUSDT` -> BTC/USDT."""
    for quote in _QUOTES:
        if raw.endswith(quote) and len(raw) > len(quote):
            return Symbol(raw[: -len(quote)], quote)
    raise ValueError(f"not a USDⓈ-M symbol: {raw!r}")


def forced_kind(client_id: str, order_type: str) -> ForcedKind | None:
    """Which venue-initiated close an order is, or None for an ordinary order."""
    if client_id.startswith("adl_autoclose"):
        return ForcedKind.ADL
    if client_id.startswith("settlement_autoclose"):
        return ForcedKind.SETTLEMENT
    if client_id.startswith("autoclose-") or order_type == "LIQUIDATION":
        return ForcedKind.LIQUIDATION
    return None


def parse_order_trade_update(msg: OrderTradeUpdate, recv_ts: float) -> AccountEvent | None:
    """`ORDER_TRADE_UPDATE`: a `ForcedFill` for each execution of a liquidation / ADL /
    settlement order, `OrderTouched` for any other order, None for a venue order's
    fill-less steps (its NEW).

    {"e":"ORDER_TRADE_UPDATE","E":1568879465651,"T":1568879465650,
     "o":{"s":"BTCUSDT","c":"autoclose-1568879465650","S":"SELL","o":"LIQUIDATION","f":"IOC",
          "q":"0.050","p":"9910.00","ap":"9910.00000","x":"CALCULATED","X":"FILLED",
          "i":8886775,"l":"0.050","z":"0.050","L":"9910.00","N":"USDT","n":"0.24775000",
          "T":1568879465650,"t":3344,"R":true,"ot":"LIQUIDATION","ps":"BOTH","rp":"-9.50000000"}}
    """
    o = msg["o"]
    venue_ts = msg["T"] / 1000
    kind = forced_kind(o["c"], o["o"])
    if kind is None:
        return OrderTouched(o["c"], venue_ts, recv_ts)
    qty = Decimal(o["l"])
    if qty <= 0:
        return None
    fill = Fill(
        fill_id=str(o["t"]),
        client_id=o["c"],
        instrument=Instrument(Venue.BINANCE_FUTURES, futures_symbol(o["s"])),
        side=Side.BUY if o["S"] == "BUY" else Side.SELL,
        qty=qty,
        price=Decimal(o["L"]),
        fee=Decimal(o.get("n") or "0"),
        fee_asset=o.get("N") or "USDT",
        ts=o["T"] / 1000,
        paper=False,
    )
    return ForcedFill(kind, fill, str(o["i"]), Decimal(o["rp"]), venue_ts, recv_ts)


def parse_algo_update(msg: AlgoUpdate, recv_ts: float) -> OrderTouched:
    """`ALGO_UPDATE`: a doorbell for the conditional order, keyed by its client algo id; the
    tracker then asks the algo-order endpoint for its state (the broker maps the statuses).

    {"e":"ALGO_UPDATE","T":1750515742297,"E":1750515742303,
     "o":{"caid":"Q5xaq5EGKgXXa0fD7fs0Ip","aid":2148719,"at":"CONDITIONAL","o":"TAKE_PROFIT",
          "s":"BNBUSDT","S":"SELL","ps":"BOTH","f":"GTC","q":"0.01","X":"CANCELED","ai":"",
          "ap":"0.00000","aq":"0.00000","act":"0","tp":"750","p":"750","V":"EXPIRE_MAKER",
          "wt":"CONTRACT_PRICE","pm":"NONE","cp":false,"pP":false,"R":false,"tt":0,"gtd":0}}
    """
    o = msg["o"]
    if not o["caid"]:
        raise ValueError("ALGO_UPDATE without a client algo id")
    return OrderTouched(o["caid"], msg["T"] / 1000, recv_ts)


def parse_account_update(msg: AccountUpdate, recv_ts: float) -> AccountChanged:
    """`ACCOUNT_UPDATE`: wallet balances and the positions that changed (only those), with
    the venue's reason code. Hedge-mode rows (`ps` LONG/SHORT) are netted per symbol.

    {"e":"ACCOUNT_UPDATE","E":1564745798939,"T":1564745798938,
     "a":{"m":"ORDER",
          "B":[{"a":"USDT","wb":"122624.12345678","cw":"100.12345678","bc":"50.12345678"}],
          "P":[{"s":"BTCUSDT","pa":"0","ep":"0.00000","bep":"0","cr":"200","up":"0",
                "mt":"isolated","iw":"0.00000000","ps":"BOTH"}]}}
    """
    a = msg["a"]
    wallets = tuple(
        WalletChange(b["a"], Decimal(b["wb"]), Decimal(b["cw"]), Decimal(b["bc"])) for b in a["B"]
    )
    net: dict[str, tuple[Decimal, Decimal]] = {}
    for p in a.get("P") or []:
        qty, entry = Decimal(p["pa"]), Decimal(p["ep"])
        if p["ps"] == "SHORT":
            qty = -abs(qty)
        held, held_entry = net.get(p["s"], (ZERO, ZERO))
        net[p["s"]] = (held + qty, entry if qty else held_entry)
    positions = tuple(
        PositionChange(Instrument(Venue.BINANCE_FUTURES, futures_symbol(s)), q, e)
        for s, (q, e) in net.items()
    )
    return AccountChanged(a["m"], wallets, positions, msg["T"] / 1000, recv_ts)
