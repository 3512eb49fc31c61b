"""Upbit wire shapes (REST and WebSocket) built from the market model and the engine.

Market data carries JSON numbers; order and account payloads carry decimal strings.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from peers.exchange_sim.market import UPBIT, MarketModel, SimBook, SimTrade
from peers.exchange_sim.matching import SimOrder, SpotAccount
from peers.exchange_sim.ticks import fmt_decimal

KST = dt.timezone(dt.timedelta(hours=9))

# SIMPLE-format abbreviations (docs.upbit.com websocket ticker/trade/orderbook/candle tables).
SIMPLE_KEYS: dict[str, str] = {
    "type": "ty", "code": "cd", "opening_price": "op", "high_price": "hp", "low_price": "lp",
    "trade_price": "tp", "prev_closing_price": "pcp", "change": "c", "change_price": "cp",
    "signed_change_price": "scp", "change_rate": "cr", "signed_change_rate": "scr",
    "ask_bid": "ab", "trade_volume": "tv", "acc_trade_volume": "atv", "trade_date": "tdt",
    "trade_time": "ttm", "trade_timestamp": "ttms", "acc_ask_volume": "aav",
    "acc_bid_volume": "abv", "highest_52_week_price": "h52wp", "highest_52_week_date": "h52wdt",
    "lowest_52_week_price": "l52wp", "lowest_52_week_date": "l52wdt", "market_state": "ms",
    "is_trading_suspended": "its", "delisting_date": "dd", "market_warning": "mw",
    "timestamp": "tms", "acc_trade_price": "atp", "acc_trade_price_24h": "atp24h",
    "acc_trade_volume_24h": "atv24h", "stream_type": "st", "sequential_id": "sid",
    "best_ask_price": "bap", "best_ask_size": "bas", "best_bid_price": "bbp",
    "best_bid_size": "bbs", "total_ask_size": "tas", "total_bid_size": "tbs",
    "orderbook_units": "obu", "ask_price": "ap", "bid_price": "bp", "ask_size": "as",
    "bid_size": "bs", "level": "lv", "candle_date_time_utc": "cdttmu",
    "candle_date_time_kst": "cdttmk", "candle_acc_trade_volume": "catv",
    "candle_acc_trade_price": "catp",
}  # fmt: skip
# The trade payload spells the trade date "td" in SIMPLE format (the ticker uses "tdt").
_TRADE_SIMPLE = {**SIMPLE_KEYS, "trade_date": "td"}


def simplify(payload: dict[str, Any]) -> dict[str, Any]:
    keys = _TRADE_SIMPLE if payload.get("type") == "trade" else SIMPLE_KEYS
    out: dict[str, Any] = {}
    for k, v in payload.items():
        if k == "orderbook_units":
            v = [{SIMPLE_KEYS[uk]: uv for uk, uv in unit.items()} for unit in v]
        out[keys.get(k, k)] = v
    return out


def _utc(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC)


def kst_iso(ms: int) -> str:
    return _utc(ms).astimezone(KST).replace(microsecond=0).isoformat()


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else x


class UpbitPayloads:
    """Builds payloads for one model; caches slow per-market facts (52-week extremes).
    `venue`: whose market data ("upbit", or "bithumb", whose v2 wire has the same shapes)."""

    def __init__(self, market: MarketModel, venue: str = UPBIT) -> None:
        self.market = market
        self.venue = venue
        self._w52: dict[str, tuple[float, str, float, str]] = {}

    def _week52(self, code: str) -> tuple[float, str, float, str]:
        cached = self._w52.get(code)
        if cached is None:
            days = self.market.candles(self.venue, code, 86_400, self.market.now_ms(), 365)
            hi = max(days, key=lambda c: c.high)
            lo = min(days, key=lambda c: c.low)
            day = "%Y-%m-%d"
            cached = (
                hi.high,
                _utc(hi.open_ms).strftime(day),
                lo.low,
                _utc(lo.open_ms).strftime(day),
            )
            self._w52[code] = cached
        return cached

    def ticker(self, code: str, ws: bool) -> dict[str, Any]:
        t = self.market.ticker_24h(self.venue, code)
        last = self.market.last_trade(self.venue, code)
        ts = last.ts_ms if last else self.market.now_ms()
        utc = _utc(ts)
        o, price = t["open"], t["last"]
        change = price - o
        hi52, hi52d, lo52, lo52d = self._week52(code)
        out: dict[str, Any] = {"type": "ticker", "code": code} if ws else {"market": code}
        out |= {"trade_date": utc.strftime("%Y%m%d"), "trade_time": utc.strftime("%H%M%S")}
        if not ws:
            kst = utc.astimezone(KST)
            out |= {
                "trade_date_kst": kst.strftime("%Y%m%d"),
                "trade_time_kst": kst.strftime("%H%M%S"),
            }
        out |= {
            "trade_timestamp": ts,
            "opening_price": _num(o),
            "high_price": _num(t["high"]),
            "low_price": _num(t["low"]),
            "trade_price": _num(price),
            "prev_closing_price": _num(o),
            "change": "RISE" if change > 0 else "FALL" if change < 0 else "EVEN",
            "change_price": _num(abs(change)),
            "change_rate": abs(change) / o if o else 0.0,
            "signed_change_price": _num(change),
            "signed_change_rate": change / o if o else 0.0,
            "trade_volume": last.qty if last else 0.0,
            "acc_trade_price": t["quote_volume"],
            "acc_trade_price_24h": t["quote_volume"],
            "acc_trade_volume": t["volume"],
            "acc_trade_volume_24h": t["volume"],
            "highest_52_week_price": _num(max(hi52, t["high"])),
            "highest_52_week_date": hi52d,
            "lowest_52_week_price": _num(min(lo52, t["low"])),
            "lowest_52_week_date": lo52d,
            "timestamp": self.market.now_ms(),
        }
        if ws:
            out |= {
                "ask_bid": "BID" if last is None or not last.is_buyer_maker else "ASK",
                "acc_ask_volume": t["volume"] / 2,
                "acc_bid_volume": t["volume"] / 2,
                "market_state": self.market.market_states.get((UPBIT, code), "ACTIVE"),
                "is_trading_suspended": False,
                "delisting_date": self.market.delisting_dates.get((UPBIT, code)),
                "market_warning": "NONE",
            }
        return out

    def trade(self, tr: SimTrade, ws: bool) -> dict[str, Any]:
        utc = _utc(tr.ts_ms)
        book = self.market.book(self.venue, tr.market, depth=1)
        prev = self.market.ticker_24h(self.venue, tr.market)["open"]
        change = tr.price - prev
        out: dict[str, Any] = {"type": "trade", "code": tr.market} if ws else {"market": tr.market}
        out |= {
            "trade_date" if ws else "trade_date_utc": utc.strftime("%Y-%m-%d"),
            "trade_time" if ws else "trade_time_utc": utc.strftime("%H:%M:%S"),
            "timestamp": tr.ts_ms,
            "trade_price": _num(tr.price),
            "trade_volume": tr.qty,
            "prev_closing_price": _num(prev),
            "change_price": _num(change),
            "ask_bid": "ASK" if tr.is_buyer_maker else "BID",
            "sequential_id": tr.ts_ms * 1000 + tr.trade_id % 1000,
        }
        if ws:
            out["trade_timestamp"] = tr.ts_ms
            out["change"] = "RISE" if change > 0 else "FALL" if change < 0 else "EVEN"
            out |= {
                "best_ask_price": _num(book.asks[0][0]),
                "best_ask_size": book.asks[0][1],
                "best_bid_price": _num(book.bids[0][0]),
                "best_bid_size": book.bids[0][1],
            }
        return out

    @staticmethod
    def orderbook(book: SimBook, units: int, ws: bool) -> dict[str, Any]:
        n = min(units, len(book.asks), len(book.bids))
        rows = [
            {
                "ask_price": _num(book.asks[i][0]),
                "bid_price": _num(book.bids[i][0]),
                "ask_size": book.asks[i][1],
                "bid_size": book.bids[i][1],
            }
            for i in range(n)
        ]
        out: dict[str, Any] = (
            {"type": "orderbook", "code": book.market} if ws else {"market": book.market}
        )
        out |= {
            "timestamp": book.ts_ms,
            "total_ask_size": sum(r["ask_size"] for r in rows),
            "total_bid_size": sum(r["bid_size"] for r in rows),
            "orderbook_units": rows,
            "level": 0,
        }
        return out


def candle_rest(code: str, c: Any, unit: int | None, prev_close: float | None) -> dict[str, Any]:
    utc = _utc(c.open_ms)
    fmt = "%Y-%m-%dT%H:%M:%S"
    out: dict[str, Any] = {
        "market": code,
        "candle_date_time_utc": utc.strftime(fmt),
        "candle_date_time_kst": utc.astimezone(KST).strftime(fmt),
        "opening_price": _num(c.open),
        "high_price": _num(c.high),
        "low_price": _num(c.low),
        "trade_price": _num(c.close),
        "timestamp": c.close_ms,
        "candle_acc_trade_price": c.quote_volume,
        "candle_acc_trade_volume": c.volume,
    }
    if unit is not None:
        out["unit"] = unit
    elif prev_close:
        out |= {
            "prev_closing_price": _num(prev_close),
            "change_price": _num(c.close - prev_close),
            "change_rate": (c.close - prev_close) / prev_close,
        }
    return out


def candle_ws(code: str, c: Any, type_: str, ts: int) -> dict[str, Any]:
    out = candle_rest(code, c, None, None)
    del out["market"]
    return {"type": type_, "code": code, **out, "timestamp": ts}


def _ord_type(o: SimOrder) -> str:
    if o.ord_type == "limit":
        return "limit"
    return "price" if o.side == "buy" else "market"


_STATES = {"new": "wait", "partially_filled": "wait", "filled": "done"}


def order_json(o: SimOrder, fee_rate: Decimal, with_trades: bool = False) -> dict[str, Any]:
    """The order object of POST/GET/DELETE /v1/order(s)."""
    kind = _ord_type(o)
    out: dict[str, Any] = {
        "uuid": o.uuid,
        "side": "bid" if o.side == "buy" else "ask",
        "ord_type": kind,
    }
    if kind == "limit":
        out["price"] = fmt_decimal(o.price or 0)
    elif kind == "price":
        out["price"] = fmt_decimal(o.quote_amount or 0)
    reserved = o.reserved_fee
    if o.side == "sell" and kind == "limit":
        reserved = (o.price or Decimal(0)) * (o.qty or Decimal(0)) * fee_rate
    remaining_fee = max(Decimal(0), reserved - o.fee_paid) if o.is_open else Decimal(0)
    out |= {
        "state": _STATES.get(o.state, "cancel"),
        "market": o.market,
        "created_at": kst_iso(o.created_ms),
    }
    if o.qty is not None:
        out["volume"] = fmt_decimal(o.qty)
        out["remaining_volume"] = fmt_decimal(o.remaining_qty if o.is_open else 0)
    out |= {
        "reserved_fee": fmt_decimal(reserved),
        "remaining_fee": fmt_decimal(remaining_fee),
        "paid_fee": fmt_decimal(o.fee_paid),
        "locked": fmt_decimal(o.locked),
        "executed_volume": fmt_decimal(o.executed_qty),
        "executed_funds": fmt_decimal(o.executed_quote),
        "trades_count": len(o.fills),
    }
    if o.client_id is not None:
        out["identifier"] = o.client_id
    if o.time_in_force != "GTC":
        out["time_in_force"] = o.time_in_force.lower()
    if with_trades:
        out["trades"] = [
            {
                "market": o.market,
                "uuid": f.trade_uuid,
                "price": fmt_decimal(f.price),
                "volume": fmt_decimal(f.qty),
                "funds": fmt_decimal(f.quote_qty),
                "trend": "up" if o.side == "buy" else "down",
                "created_at": kst_iso(f.ts_ms),
                "side": out["side"],
            }
            for f in o.fills
        ]
    return out


def account_json(acct: SpotAccount, currency: str) -> dict[str, Any]:
    bal = acct.balance(currency)
    avg = acct.avg_buy_price.get(currency, Decimal(0))
    return {
        "currency": currency,
        "balance": fmt_decimal(bal.free),
        "locked": fmt_decimal(bal.locked),
        "avg_buy_price": fmt_decimal(avg.quantize(Decimal("0.00000001")) if avg else 0),
        "avg_buy_price_modified": False,
        "unit_currency": "KRW",
    }
