"""Binance diff depth streams (`<symbol>@depth`, `@depth@100ms`, ...) kept consistent with REST.

Update ids are the market model's step index (`update_id`), the same number REST `depth`
reports as `lastUpdateId`, and every book the model emits is one diff event, so the stream and
the snapshot line up the way Binance's "manage a local order book" recipe expects:

- the first event after a snapshot `L` has `U <= L + 1 <= u` (spot) or `U <= L <= u` /
  `pu == L` (futures), and each later event has `U == previous u + 1` and `pu == previous u`;
- a diff holds every level whose quantity changed, and removed levels with quantity `0`.

State is kept only for subscribed symbols: when a symbol's diff stream gets its first
subscriber, the current book becomes the base (`start`), so the first event is an exact diff.

    {"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":157,"u":160,
     "b":[["0.0024","10"]],"a":[["0.0026","100"]]}                   (spot)
    {"e":"depthUpdate","E":...,"T":...,"s":"BTCUSDT","U":157,"u":160,"pu":149,"b":[...],"a":[...]}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from peers.exchange_sim.binance_market_data import BOOK_DEPTH, Fmt, update_id
from peers.exchange_sim.binance_rules import SymbolRules
from peers.exchange_sim.market import MarketModel, SimBook

Side = dict[str, str]  # formatted price -> formatted quantity


@dataclass(slots=True)
class _Book:
    last_u: int
    bids: Side = field(default_factory=dict)
    asks: Side = field(default_factory=dict)


def _side(levels: list[tuple[float, float]], r: SymbolRules, fmt: Fmt) -> Side:
    return {fmt.price(r, p): fmt.qty(r, q) for p, q in levels[:BOOK_DEPTH]}


def _diff(old: Side, new: Side, zero: str) -> list[list[str]]:
    out = [[p, q] for p, q in new.items() if old.get(p) != q]
    out.extend([p, zero] for p in old if p not in new)
    return out


class DepthDiffs:
    """Per-symbol diff state of one venue (see module docstring)."""

    def __init__(self, model: MarketModel, venue: str, fmt: Fmt) -> None:
        self.model = model
        self.venue = venue
        self.fmt = fmt
        self._books: dict[str, _Book] = {}

    def start(self, r: SymbolRules) -> None:
        """Take the current book as the base of the symbol's next diff (first subscriber)."""
        book = self.model.book(self.venue, r.symbol, depth=BOOK_DEPTH)
        state = _Book(update_id(self.model))
        state.bids = _side(book.bids, r, self.fmt)
        state.asks = _side(book.asks, r, self.fmt)
        self._books[r.symbol] = state

    def stop(self, symbol: str) -> None:
        self._books.pop(symbol, None)

    def event(self, r: SymbolRules, book: SimBook, now: int) -> dict[str, Any] | None:
        """The diff from the symbol's last book to `book` (None if nothing moved)."""
        state = self._books.get(r.symbol)
        if state is None:
            self.start(r)
            return None
        uid = update_id(self.model)
        if uid <= state.last_u:
            return None
        full = book if len(book.bids) >= BOOK_DEPTH else None
        if full is None:
            full = self.model.book(self.venue, r.symbol, depth=BOOK_DEPTH)
        bids = _side(full.bids, r, self.fmt)
        asks = _side(full.asks, r, self.fmt)
        zero = self.fmt.qty(r, 0.0)
        out: dict[str, Any] = {"e": "depthUpdate", "E": now}
        if self.fmt.futures:
            out["T"] = book.ts_ms
        out.update(s=r.symbol, U=state.last_u + 1, u=uid)
        if self.fmt.futures:
            out["pu"] = state.last_u
        out["b"] = _diff(state.bids, bids, zero)
        out["a"] = _diff(state.asks, asks, zero)
        state.last_u, state.bids, state.asks = uid, bids, asks
        return out
