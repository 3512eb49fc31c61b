"""Binance market-data payloads (REST and stream) built from the market model.

Spot prints prices/quantities with 8 decimals (`"100000.01000000"`); futures prints them at the
symbol's precision (`"100000.10"`), as the real APIs do.
"""

from __future__ import annotations

from typing import Any

from peers.exchange_sim.binance_auth import BinanceError, Params, bad_symbol
from peers.exchange_sim.binance_rules import SymbolRules
from peers.exchange_sim.history import SimCandle
from peers.exchange_sim.market import BINANCE_FUTURES, MarketModel, SimBook, SimTrade

INTERVALS: dict[str, int] = {
    "1s": 1, "1m": 60, "3m": 180, "5m": 300, "15m": 900, "30m": 1800, "1h": 3600, "2h": 7200,
    "4h": 14_400, "6h": 21_600, "8h": 28_800, "12h": 43_200, "1d": 86_400, "3d": 259_200,
    "1w": 604_800,
}  # fmt: skip
FUTURES_INTERVALS = {k: v for k, v in INTERVALS.items() if k != "1s"}
# Levels per side of the simulated books (REST `depth` and the diff streams): a thin market,
# so diff events stay small; REST asks for up to 5000 get these.
BOOK_DEPTH = 100


class Fmt:
    """Number formatting for one venue."""

    def __init__(self, futures: bool) -> None:
        self.futures = futures

    def price(self, rules: SymbolRules, value: float) -> str:
        if self.futures:
            return f"{value:.{rules.price_precision}f}"
        return f"{value:.8f}"

    def qty(self, rules: SymbolRules, value: float) -> str:
        if self.futures:
            return f"{value:.{rules.qty_precision}f}"
        return f"{value:.8f}"

    def quote(self, value: float) -> str:
        return f"{value:.8f}" if not self.futures else f"{value:.2f}"


def lookup(rules: dict[str, SymbolRules], symbol: str | None) -> SymbolRules:
    if symbol is None:
        raise BinanceError(
            -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."
        )
    found = rules.get(symbol.upper())
    if found is None:
        raise bad_symbol()
    return found


def kline_row(c: SimCandle, rules: SymbolRules, fmt: Fmt) -> list[Any]:
    return [
        c.open_ms, fmt.price(rules, c.open), fmt.price(rules, c.high), fmt.price(rules, c.low),
        fmt.price(rules, c.close), fmt.qty(rules, c.volume), c.close_ms,
        fmt.quote(c.quote_volume), c.trade_count, fmt.qty(rules, c.volume / 2),
        fmt.quote(c.quote_volume / 2), "0",
    ]  # fmt: skip


def klines(
    model: MarketModel, venue: str, rules: dict[str, SymbolRules], p: Params, fmt: Fmt
) -> list[list[Any]]:
    r = lookup(rules, p.get("symbol"))
    table = FUTURES_INTERVALS if venue == BINANCE_FUTURES else INTERVALS
    interval = p.req("interval")
    if interval not in table:
        raise BinanceError(-1120, "Invalid interval.")
    step_s = table[interval]
    limit = p.integer("limit", 500) or 500
    limit = max(1, min(limit, 1000 if venue != BINANCE_FUTURES else 1500))
    start = p.integer("startTime")
    end = p.integer("endTime")
    now = model.now_ms()
    end_ms = min(end, now) if end is not None else now
    if start is not None:
        end_ms = min(end_ms, start + limit * step_s * 1000 - 1)
        if end_ms < start:
            return []
    bars = model.candles(venue, r.symbol, step_s, end_ms, limit, fill_gaps=step_s >= 60)
    if start is not None:
        bars = [b for b in bars if b.open_ms >= start // (step_s * 1000) * (step_s * 1000)]
    return [kline_row(b, r, fmt) for b in bars[-limit:]]


def depth(
    model: MarketModel, venue: str, rules: dict[str, SymbolRules], p: Params, fmt: Fmt
) -> dict[str, Any]:
    r = lookup(rules, p.get("symbol"))
    limit = max(1, min(p.integer("limit", 100) or 100, 5000))
    book = model.book(venue, r.symbol, depth=min(limit, BOOK_DEPTH))
    out: dict[str, Any] = {"lastUpdateId": update_id(model)}
    if venue == BINANCE_FUTURES:
        out["E"] = out["T"] = book.ts_ms
    out["bids"] = [[fmt.price(r, px), fmt.qty(r, q)] for px, q in book.bids[:limit]]
    out["asks"] = [[fmt.price(r, px), fmt.qty(r, q)] for px, q in book.asks[:limit]]
    return out


def update_id(model: MarketModel) -> int:
    """Book update ids follow the model's step index, so REST and WS agree."""
    return 1_000_000 + model.step_index


def ticker_24h(model: MarketModel, venue: str, r: SymbolRules, fmt: Fmt) -> dict[str, Any]:
    t = model.ticker_24h(venue, r.symbol)
    last = model.last_trade(venue, r.symbol)
    last_id = last.trade_id if last else 0
    count = int(t["count"])
    vwap = t["quote_volume"] / t["volume"] if t["volume"] else t["last"]
    out: dict[str, Any] = {
        "symbol": r.symbol,
        "priceChange": fmt.price(r, t["change"]),
        "priceChangePercent": f"{t['change_pct']:.3f}",
        "weightedAvgPrice": fmt.price(r, vwap),
    }
    if venue != BINANCE_FUTURES:
        book = model.book(venue, r.symbol, depth=1)
        out["prevClosePrice"] = fmt.price(r, t["open"])
    out["lastPrice"] = fmt.price(r, t["last"])
    out["lastQty"] = fmt.qty(r, t["last_qty"])
    if venue != BINANCE_FUTURES:
        out["bidPrice"], out["bidQty"] = fmt.price(r, book.bids[0][0]), fmt.qty(r, book.bids[0][1])
        out["askPrice"], out["askQty"] = fmt.price(r, book.asks[0][0]), fmt.qty(r, book.asks[0][1])
    out.update(
        openPrice=fmt.price(r, t["open"]),
        highPrice=fmt.price(r, t["high"]),
        lowPrice=fmt.price(r, t["low"]),
        volume=fmt.qty(r, t["volume"]),
        quoteVolume=fmt.quote(t["quote_volume"]),
        openTime=int(t["open_ms"]),
        closeTime=int(t["close_ms"]),
        firstId=max(0, last_id - count + 1) if count else -1,
        lastId=last_id if count else -1,
        count=count,
    )
    return out


def book_ticker(model: MarketModel, venue: str, r: SymbolRules, fmt: Fmt) -> dict[str, Any]:
    book = model.book(venue, r.symbol, depth=1)
    out: dict[str, Any] = {"symbol": r.symbol}
    if venue == BINANCE_FUTURES:
        out["lastUpdateId"] = update_id(model)
    out.update(
        bidPrice=fmt.price(r, book.bids[0][0]),
        bidQty=fmt.qty(r, book.bids[0][1]),
        askPrice=fmt.price(r, book.asks[0][0]),
        askQty=fmt.qty(r, book.asks[0][1]),
    )
    if venue == BINANCE_FUTURES:
        out["time"] = book.ts_ms
    return out


def price_ticker(model: MarketModel, venue: str, r: SymbolRules, fmt: Fmt) -> dict[str, Any]:
    last = model.last_trade(venue, r.symbol)
    price = last.price if last else model.mid(venue, r.symbol)
    out: dict[str, Any] = {"symbol": r.symbol, "price": fmt.price(r, price)}
    if venue == BINANCE_FUTURES:
        out["time"] = model.now_ms()
    return out


def per_symbol(
    rules: dict[str, SymbolRules], p: Params, build: Any
) -> dict[str, Any] | list[dict[str, Any]]:
    """`symbol=` gives one object; `symbols=["A","B"]` or nothing gives a list."""
    if p.get("symbol"):
        return build(lookup(rules, p.get("symbol")))
    raw = p.get("symbols")
    if raw:
        try:
            names = [s.strip().strip('"') for s in raw.strip("[]").split(",") if s.strip()]
        except ValueError:
            raise BinanceError(-1100, "Illegal characters found in parameter 'symbols'.") from None
        return [build(lookup(rules, n)) for n in names]
    return [build(r) for r in rules.values()]


# --- stream payloads -------------------------------------------------------------------------


def trade_event(t: SimTrade, r: SymbolRules, fmt: Fmt, now: int) -> dict[str, Any]:
    if fmt.futures:
        return {"e": "trade", "E": now, "T": t.ts_ms, "s": r.symbol, "t": t.trade_id,
                "p": fmt.price(r, t.price), "q": fmt.qty(r, t.qty), "X": "MARKET",
                "m": t.is_buyer_maker}  # fmt: skip
    return {"e": "trade", "E": now, "s": r.symbol, "t": t.trade_id, "p": fmt.price(r, t.price),
            "q": fmt.qty(r, t.qty), "T": t.ts_ms, "m": t.is_buyer_maker, "M": True}  # fmt: skip


def agg_trade_event(t: SimTrade, r: SymbolRules, fmt: Fmt, now: int) -> dict[str, Any]:
    out: dict[str, Any] = {"e": "aggTrade", "E": now, "s": r.symbol, "a": t.trade_id,
                           "p": fmt.price(r, t.price), "q": fmt.qty(r, t.qty)}  # fmt: skip
    if fmt.futures:
        out["nq"] = out["q"]
    out.update(f=t.trade_id, l=t.trade_id, T=t.ts_ms, m=t.is_buyer_maker)
    if not fmt.futures:
        out["M"] = True
    return out


def book_ticker_event(b: SimBook, r: SymbolRules, fmt: Fmt, uid: int, now: int) -> dict[str, Any]:
    body = {"s": r.symbol, "b": fmt.price(r, b.bids[0][0]), "B": fmt.qty(r, b.bids[0][1]),
            "a": fmt.price(r, b.asks[0][0]), "A": fmt.qty(r, b.asks[0][1])}  # fmt: skip
    if fmt.futures:
        return {"e": "bookTicker", "u": uid, "E": now, "T": b.ts_ms, **body}
    return {"u": uid, **body}


def partial_depth_event(
    b: SimBook, r: SymbolRules, fmt: Fmt, levels: int, uid: int, now: int
) -> dict[str, Any]:
    bids = [[fmt.price(r, p), fmt.qty(r, q)] for p, q in b.bids[:levels]]
    asks = [[fmt.price(r, p), fmt.qty(r, q)] for p, q in b.asks[:levels]]
    if fmt.futures:
        return {"e": "depthUpdate", "E": now, "T": b.ts_ms, "s": r.symbol, "U": uid, "u": uid,
                "pu": uid - 1, "b": bids, "a": asks}  # fmt: skip
    return {"lastUpdateId": uid, "bids": bids, "asks": asks}


def kline_event(
    c: SimCandle, r: SymbolRules, fmt: Fmt, interval: str, closed: bool, last_id: int, now: int
) -> dict[str, Any]:
    first = last_id - c.trade_count + 1 if c.trade_count else -1
    k = {"t": c.open_ms, "T": c.close_ms, "s": r.symbol, "i": interval, "f": first,
         "L": last_id if c.trade_count else -1, "o": fmt.price(r, c.open),
         "c": fmt.price(r, c.close), "h": fmt.price(r, c.high), "l": fmt.price(r, c.low),
         "v": fmt.qty(r, c.volume), "n": c.trade_count, "x": closed,
         "q": fmt.quote(c.quote_volume), "V": fmt.qty(r, c.volume / 2),
         "Q": fmt.quote(c.quote_volume / 2), "B": "0"}  # fmt: skip
    return {"e": "kline", "E": now, "s": r.symbol, "k": k}


def ticker_event(
    model: MarketModel, venue: str, r: SymbolRules, fmt: Fmt, now: int
) -> dict[str, Any]:
    t = ticker_24h(model, venue, r, fmt)
    out: dict[str, Any] = {
        "e": "24hrTicker", "E": now, "s": r.symbol, "p": t["priceChange"],
        "P": t["priceChangePercent"], "w": t["weightedAvgPrice"],
    }  # fmt: skip
    if not fmt.futures:
        out["x"] = t["prevClosePrice"]
    out.update(c=t["lastPrice"], Q=t["lastQty"])
    if not fmt.futures:
        out.update(b=t["bidPrice"], B=t["bidQty"], a=t["askPrice"], A=t["askQty"])
    out.update(o=t["openPrice"], h=t["highPrice"], l=t["lowPrice"], v=t["volume"],
               q=t["quoteVolume"], O=t["openTime"], C=t["closeTime"], F=t["firstId"],
               L=t["lastId"], n=t["count"])  # fmt: skip
    return out


def mini_ticker_event(
    model: MarketModel, venue: str, r: SymbolRules, fmt: Fmt, now: int
) -> dict[str, Any]:
    t = model.ticker_24h(venue, r.symbol)
    return {"e": "24hrMiniTicker", "E": now, "s": r.symbol, "c": fmt.price(r, t["last"]),
            "o": fmt.price(r, t["open"]), "h": fmt.price(r, t["high"]),
            "l": fmt.price(r, t["low"]), "v": fmt.qty(r, t["volume"]),
            "q": fmt.quote(t["quote_volume"])}  # fmt: skip


# What a real all-market array carries beyond the simulated markets (issue 13, problem 1):
# other quote assets, a non-ASCII name, and on futures dated contracts (funding rate "" and
# time 0, as Binance sends them) and, since the 2026 COIN-M/USDⓈ-M stream merge, COIN-M
# perpetuals. (symbol, price, dated)
SPOT_FOREIGN = (("BTCTRY", 3_600_000.0), ("BNBETH", 0.25), ("BTCEUR", 90_000.0),
                ("BTCBRL", 520_000.0), ("币安人生USDT", 0.1203))  # fmt: skip
FUTURES_FOREIGN = (("BTCUSDT_261225", 98_500.0, True), ("ETHUSDT_261225", 3_560.0, True),
                   ("BTCUSD_PERP", 97_010.3, False), ("ETHUSD_PERP", 3_501.2, False),
                   ("币安人生USDT", 0.1201, False))  # fmt: skip


def foreign_mini_tickers(futures: bool, now: int) -> list[dict[str, Any]]:
    items = [(s, p) for s, p, _ in FUTURES_FOREIGN] if futures else list(SPOT_FOREIGN)
    return [{"e": "24hrMiniTicker", "E": now, "s": s, "c": f"{p:.8f}", "o": f"{p:.8f}",
             "h": f"{p:.8f}", "l": f"{p:.8f}", "v": "1000.00000000",
             "q": f"{p * 1000:.8f}"} for s, p in items]  # fmt: skip


def foreign_mark_prices(now: int) -> list[dict[str, Any]]:
    return [{"e": "markPriceUpdate", "E": now, "s": s, "p": f"{p:.8f}", "i": f"{p:.8f}",
             "P": f"{p:.8f}", "r": "" if dated else "0.00010000",
             "T": 0 if dated else funding_time(now)} for s, p, dated in FUTURES_FOREIGN]  # fmt: skip


def funding_time(now_ms: int) -> int:
    period = 8 * 3_600_000
    return (now_ms // period + 1) * period


def mark_price_event(model: MarketModel, r: SymbolRules, fmt: Fmt, now: int) -> dict[str, Any]:
    mark = model.futures_mark(r.base)
    index = model.binance_mid(r.base)
    return {"e": "markPriceUpdate", "E": now, "s": r.symbol, "p": f"{mark:.8f}",
            "i": f"{index:.8f}", "P": f"{mark:.8f}", "r": "0.00010000",
            "T": funding_time(now)}  # fmt: skip


def premium_index(model: MarketModel, r: SymbolRules, now: int) -> dict[str, Any]:
    mark = model.futures_mark(r.base)
    index = model.binance_mid(r.base)
    return {"symbol": r.symbol, "markPrice": f"{mark:.8f}", "indexPrice": f"{index:.8f}",
            "estimatedSettlePrice": f"{mark:.8f}", "lastFundingRate": "0.00010000",
            "interestRate": "0.00010000", "nextFundingTime": funding_time(now), "time": now}  # fmt: skip
