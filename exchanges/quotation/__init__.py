"""Upbit's quotation wire, which Bithumb's API 2.0 copies: `KRW-BTC` codes, WebSocket request
arrays (ticket / type+codes / format) answered with `ticker`, `trade` and `orderbook` frames of
the same fields, `{"status":"UP"}` to a text PING, and REST `/v1/market/all`, `/v1/ticker`,
`/v1/candles/minutes/{unit}` of the same shapes.

What really is the same wire lives here once (`schemas`, `parse`, `rest`, `stream`), with the
venue as a parameter; each venue package (`upbit/`, `bithumb/`) keeps its own differences
explicit (Bithumb: candle `to` in KST without a zone, `isDetails`, its warning flags).
"""

from core.symbols import Venue

# The venues that speak this wire: every KRW market streamed, split across connections.
VENUES = frozenset({Venue.UPBIT, Venue.BITHUMB})
