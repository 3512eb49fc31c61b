"""USDT-M futures JSON shapes: orders, algo orders, positions, balances and user-data events."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from peers.exchange_sim.binance_futures_engine import FuturesEngine
from peers.exchange_sim.binance_futures_matching import FuturesEvent
from peers.exchange_sim.binance_futures_models import (
    ZERO,
    AlgoOrder,
    FuturesAccount,
    FuturesOrder,
    Position,
)
from peers.exchange_sim.binance_rules import SymbolRules


def d(value: Decimal, places: int = 8) -> str:
    return f"{value:.{places}f}"


def order_json(
    o: FuturesOrder, r: SymbolRules, *, ack: bool = False, reply: bool = False
) -> dict[str, Any]:
    """`/fapi/v1/order` shapes (query, and the POST answer: ACK shows the accepted state).

    `reply`: the answer to a new order or a cancel, which since July 2026 carries no `avgPrice`
    and no `cumQuote` (binance-connector-python 14.0.0, 2026-07-15, removed both from those
    replies' models; the order query keeps them)."""
    executed, cum_quote, status = o.executed, o.cum_quote, o.status.value
    if ack:
        executed, cum_quote, status = ZERO, ZERO, "NEW"
    avg = cum_quote / executed if executed else ZERO
    out = {
        "orderId": o.order_id, "symbol": o.symbol, "status": status,
        "clientOrderId": o.client_id, "price": r.fmt_price(o.price),
        "avgPrice": d(avg, max(5, r.price_precision)), "origQty": r.fmt_qty(o.qty),
        "executedQty": r.fmt_qty(executed), "cumQty": r.fmt_qty(executed),
        "cumQuote": d(cum_quote, 5), "timeInForce": o.time_in_force, "type": o.type,
        "reduceOnly": o.reduce_only, "closePosition": o.close_position, "side": o.side,
        "positionSide": "BOTH", "stopPrice": r.fmt_price(o.stop_price),
        "workingType": o.working_type, "priceProtect": False, "origType": o.orig_type,
        "priceMatch": "NONE", "selfTradePreventionMode": "EXPIRE_MAKER", "goodTillDate": 0,
        "time": o.time_ms, "updateTime": o.update_ms,
    }  # fmt: skip
    if reply:
        out.pop("avgPrice")
        out.pop("cumQuote")
    return out


def algo_json(a: AlgoOrder, r: SymbolRules) -> dict[str, Any]:
    out: dict[str, Any] = {
        "algoId": a.algo_id, "clientAlgoId": a.client_algo_id, "algoType": "CONDITIONAL",
        "orderType": a.order_type, "symbol": a.symbol, "side": a.side, "positionSide": "BOTH",
        "timeInForce": "GTC", "quantity": r.fmt_qty(a.qty), "algoStatus": a.status.value,
        "triggerPrice": r.fmt_price(a.trigger_price), "price": r.fmt_price(ZERO),
        "icebergQuantity": None, "selfTradePreventionMode": "EXPIRE_MAKER",
        "workingType": a.working_type, "priceMatch": "NONE", "closePosition": a.close_position,
        "priceProtect": a.price_protect, "reduceOnly": a.reduce_only, "activatePrice": "",
        "callbackRate": "", "createTime": a.create_ms, "updateTime": a.update_ms,
        "triggerTime": a.trigger_ms, "goodTillDate": 0,
    }  # fmt: skip
    if a.actual_order_id is not None:
        out["actualOrderId"] = str(a.actual_order_id)
        out["actualPrice"] = r.fmt_price(a.actual_price)
    return out


def _position_common(
    eng: FuturesEngine, acct: FuturesAccount, pos: Position, r: SymbolRules
) -> dict[str, Any]:
    mark = eng.mark(pos.symbol)
    iso = pos.margin_type == "ISOLATED"
    upnl = pos.upnl(mark)
    return {
        "symbol": pos.symbol, "positionSide": "BOTH", "positionAmt": r.fmt_qty(pos.amt),
        "entryPrice": d(pos.entry, max(8, r.price_precision)),
        "breakEvenPrice": d(pos.break_even(eng.taker_fee), max(8, r.price_precision)),
        "markPrice": d(mark), "unRealizedProfit": d(upnl),
        "liquidationPrice": d(eng.liquidation_price(acct, pos)),
        "isolatedMargin": d(pos.isolated_wallet + upnl if iso and pos.amt else ZERO),
        "notional": d(pos.notional(mark)), "marginAsset": "USDT",
        "isolatedWallet": d(pos.isolated_wallet if iso else ZERO),
    }  # fmt: skip


def position_v2(
    eng: FuturesEngine, acct: FuturesAccount, pos: Position, r: SymbolRules
) -> dict[str, Any]:
    out = _position_common(eng, acct, pos, r)
    bracket = eng.brackets[pos.symbol][0]
    out.update(
        marginType="isolated" if pos.margin_type == "ISOLATED" else "cross",
        isAutoAddMargin="false",
        leverage=str(pos.leverage),
        maxNotionalValue=f"{bracket.notional_cap:.0f}",
        updateTime=pos.update_ms,
    )
    return out


def position_v3(
    eng: FuturesEngine, acct: FuturesAccount, pos: Position, r: SymbolRules
) -> dict[str, Any]:
    out = _position_common(eng, acct, pos, r)
    mark = eng.mark(pos.symbol)
    im = pos.initial_margin(mark)
    order_im = acct.order_margin(pos.symbol)
    bids = sum(
        (o.remaining * o.price for o in acct.open_orders(pos.symbol) if o.side == "BUY"), ZERO
    )
    asks = sum(
        (o.remaining * o.price for o in acct.open_orders(pos.symbol) if o.side == "SELL"), ZERO
    )
    out.update(
        initialMargin=d(im + order_im),
        maintMargin=d(pos.maint_margin(mark, eng.brackets[pos.symbol])),
        positionInitialMargin=d(im),
        openOrderInitialMargin=d(order_im),
        adl=1 if pos.amt else 0,
        bidNotional=d(bids),
        askNotional=d(asks),
        updateTime=pos.update_ms,
    )
    return out


def balance_row(eng: FuturesEngine, acct: FuturesAccount, v3: bool = False) -> dict[str, Any]:
    avail = eng.available(acct)
    return {
        "accountAlias": "SgsR", "asset": "USDT", "balance": d(acct.wallet),
        "crossWalletBalance": d(acct.cross_wallet()), "crossUnPnl": d(eng.cross_upnl(acct)),
        "availableBalance": d(avail), "maxWithdrawAmount": d(min(avail, acct.cross_wallet())),
        "marginAvailable": True, "updateTime": acct.update_ms,
    }  # fmt: skip


def account_json(
    eng: FuturesEngine, acct: FuturesAccount, rules: dict[str, SymbolRules], v3: bool
) -> dict[str, Any]:
    positions = [p for p in acct.positions.values() if p.amt or acct.open_orders(p.symbol)]
    upnl = sum((p.upnl(eng.mark(p.symbol)) for p in acct.positions.values()), ZERO)
    pos_im = sum((p.initial_margin(eng.mark(p.symbol)) for p in acct.positions.values()), ZERO)
    maint = sum(
        (
            p.maint_margin(eng.mark(p.symbol), eng.brackets[p.symbol])
            for p in acct.positions.values()
        ),
        ZERO,
    )
    order_im = acct.order_margin()
    avail = eng.available(acct)
    asset = {
        "asset": "USDT", "walletBalance": d(acct.wallet), "unrealizedProfit": d(upnl),
        "marginBalance": d(acct.wallet + upnl), "maintMargin": d(maint),
        "initialMargin": d(pos_im + order_im), "positionInitialMargin": d(pos_im),
        "openOrderInitialMargin": d(order_im), "crossWalletBalance": d(acct.cross_wallet()),
        "crossUnPnl": d(eng.cross_upnl(acct)), "availableBalance": d(avail),
        "maxWithdrawAmount": d(min(avail, acct.cross_wallet())), "updateTime": acct.update_ms,
    }  # fmt: skip
    if not v3:
        asset["marginAvailable"] = True
    out: dict[str, Any] = {
        "totalInitialMargin": d(pos_im + order_im), "totalMaintMargin": d(maint),
        "totalWalletBalance": d(acct.wallet), "totalUnrealizedProfit": d(upnl),
        "totalMarginBalance": d(acct.wallet + upnl), "totalPositionInitialMargin": d(pos_im),
        "totalOpenOrderInitialMargin": d(order_im), "totalCrossWalletBalance": d(acct.cross_wallet()),
        "totalCrossUnPnl": d(eng.cross_upnl(acct)), "availableBalance": d(avail),
        "maxWithdrawAmount": d(min(avail, acct.cross_wallet())), "assets": [asset],
    }  # fmt: skip
    if v3:
        out["positions"] = [
            {k: v for k, v in position_v3(eng, acct, p, rules[p.symbol]).items()
             if k in ("symbol", "positionSide", "positionAmt", "unrealizedProfit", "isolatedMargin",
                      "notional", "isolatedWallet", "initialMargin", "maintMargin", "updateTime")}
            | {"unrealizedProfit": d(p.upnl(eng.mark(p.symbol)))}
            for p in positions
        ]  # fmt: skip
    else:
        out.update(feeTier=0, canTrade=True, canDeposit=True, canWithdraw=True, updateTime=0,
                   multiAssetsMargin=False, tradeGroupId=-1)  # fmt: skip
        out["positions"] = [
            {"symbol": p.symbol, "initialMargin": d(p.initial_margin(eng.mark(p.symbol))),
             "maintMargin": d(p.maint_margin(eng.mark(p.symbol), eng.brackets[p.symbol])),
             "unrealizedProfit": d(p.upnl(eng.mark(p.symbol))),
             "positionInitialMargin": d(p.initial_margin(eng.mark(p.symbol))),
             "openOrderInitialMargin": d(acct.order_margin(p.symbol)), "leverage": str(p.leverage),
             "isolated": p.margin_type == "ISOLATED", "entryPrice": d(p.entry),
             "breakEvenPrice": d(p.break_even(eng.taker_fee)),
             "maxNotional": f"{eng.brackets[p.symbol][0].notional_cap:.0f}",
             "positionSide": "BOTH", "positionAmt": rules[p.symbol].fmt_qty(p.amt),
             "notional": d(p.notional(eng.mark(p.symbol))),
             "isolatedWallet": d(p.isolated_wallet), "updateTime": p.update_ms}
            for p in acct.positions.values()
        ]  # fmt: skip
    return out


# --- user data stream events -----------------------------------------------------------------


def order_update(ev: FuturesEvent, r: SymbolRules, now: int) -> dict[str, Any]:
    o = ev.order
    assert o is not None
    f = ev.fill
    bids = ZERO
    o_json = {
        "s": o.symbol, "c": o.client_id, "S": o.side, "o": o.type, "f": o.time_in_force,
        "q": r.fmt_qty(o.qty), "p": r.fmt_price(o.price), "ap": d(o.avg_price, max(5, r.price_precision)),
        "sp": r.fmt_price(o.stop_price), "x": ev.exec_type, "X": o.status.value, "i": o.order_id,
        "l": r.fmt_qty(f.qty if f else ZERO), "z": r.fmt_qty(o.executed),
        "L": r.fmt_price(f.price if f else ZERO), "N": "USDT",
        "n": d(f.commission if f else ZERO), "T": f.ts_ms if f else o.update_ms,
        "t": f.trade_id if f else 0, "b": d(bids, 5), "a": d(ZERO, 5),
        "m": bool(f and f.maker), "R": o.reduce_only, "wt": o.working_type, "ot": o.orig_type,
        "ps": "BOTH", "cp": o.close_position, "rp": d(f.realized_pnl if f else ZERO),
        "pP": False, "si": 0, "ss": 0, "V": "EXPIRE_MAKER", "pm": "NONE", "gtd": 0, "er": "0",
    }  # fmt: skip
    return {"e": "ORDER_TRADE_UPDATE", "E": now, "T": o.update_ms, "o": o_json}


def account_update(
    ev: FuturesEvent, eng: FuturesEngine, rules: dict[str, SymbolRules], now: int
) -> dict[str, Any]:
    acct = ev.account
    positions = []
    if ev.symbol:
        p = acct.position(ev.symbol)
        r = rules[p.symbol]
        positions.append(
            {"s": p.symbol, "pa": r.fmt_qty(p.amt), "ep": d(p.entry), "bep": d(p.break_even(eng.taker_fee)),
             "cr": "0", "up": d(p.upnl(eng.mark(p.symbol))),
             "mt": "isolated" if p.margin_type == "ISOLATED" else "cross",
             "iw": d(p.isolated_wallet), "ps": "BOTH", "ma": "USDT"}
        )  # fmt: skip
    return {
        "e": "ACCOUNT_UPDATE", "E": now, "T": acct.update_ms or now,
        "a": {"m": ev.reason or "ORDER",
              "B": [{"a": "USDT", "wb": d(acct.wallet), "cw": d(acct.cross_wallet()), "bc": "0"}],
              "P": positions},
    }  # fmt: skip


def algo_update(ev: FuturesEvent, r: SymbolRules, now: int) -> dict[str, Any]:
    a = ev.algo
    assert a is not None
    o = {
        "caid": a.client_algo_id, "aid": a.algo_id, "at": "CONDITIONAL", "o": a.order_type,
        "s": a.symbol, "S": a.side, "ps": "BOTH", "f": "GTC", "q": r.fmt_qty(a.qty),
        "X": a.status.value, "ai": str(a.actual_order_id or ""),
        "ap": r.fmt_price(a.actual_price), "aq": r.fmt_qty(a.qty if a.actual_order_id else ZERO),
        "act": "MARKET" if a.actual_order_id else "0", "tp": r.fmt_price(a.trigger_price),
        "p": r.fmt_price(ZERO), "V": "EXPIRE_MAKER", "wt": a.working_type, "pm": "NONE",
        "cp": a.close_position, "pP": a.price_protect, "R": a.reduce_only, "tt": a.trigger_ms,
        "gtd": 0,
    }  # fmt: skip
    if a.status.value == "EXPIRED":
        o["rm"] = "Reduce Only reject"
    elif a.status.value == "REJECTED":  # rejection reasons come in ALGO_UPDATE since 2025-12
        o["rm"] = "Margin is insufficient."
    return {"e": "ALGO_UPDATE", "T": now, "E": now, "o": o}


def config_update(ev: FuturesEvent, now: int) -> dict[str, Any]:
    pos = ev.account.position(ev.symbol)
    return {
        "e": "ACCOUNT_CONFIG_UPDATE",
        "E": now,
        "T": now,
        "ac": {"s": ev.symbol, "l": pos.leverage},
    }
