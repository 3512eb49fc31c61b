"""What a subscriber needs from a market, and the venue streams that serve it.

A kimp-style monitor needs top of book (`QUOTES`) for hundreds of coins; a strategy needs
`CANDLES` (built from trades, warmed up from REST klines) for a handful. Declaring the need
keeps quote-only subscriptions from paying for trade streams and REST warm-up.
"""

from __future__ import annotations

from enum import Flag, auto

from core.symbols import Symbol, Venue


class Need(Flag):
    QUOTES = auto()  # top of book (futures: also the mark price)
    TRADES = auto()  # every trade
    CANDLES = auto()  # 1m candles built from trades, with REST warm-up (implies TRADES)

    @classmethod
    def everything(cls) -> Need:
        return cls.QUOTES | cls.TRADES | cls.CANDLES


_SPOT = {Need.QUOTES: ("bookTicker",), Need.TRADES: ("trade",), Need.CANDLES: ("trade",)}
_FUTURES = {
    Need.QUOTES: ("bookTicker", "markPrice@1s"),
    Need.TRADES: ("aggTrade",),
    Need.CANDLES: ("aggTrade", "kline_1m"),  # closed klines repair minutes with missed trades
}


def binance_streams(venue: Venue, symbol: Symbol, need: Need) -> list[str]:
    """Stream names for `need` on Binance spot or USDⓈ-M (Upbit streams every KRW market)."""
    table = _FUTURES if venue is Venue.BINANCE_FUTURES else _SPOT
    channels: dict[str, None] = {}
    for flag, names in table.items():
        if flag in need:
            channels.update(dict.fromkeys(names))
    lower = symbol.to_binance().lower()
    return [f"{lower}@{c}" for c in channels]
