"""Bithumb (API 2.0), the second KRW venue: the same file set as `upbit/`.

Bithumb's v2 market data follows Upbit's wire (`KRW-BTC` codes, a WebSocket at
`wss://ws-api.bithumb.com/websocket/v1` with ticket/type/codes requests and Upbit's
ticker/trade/orderbook fields; JWT-signed private REST with a query hash), so the pieces that
really are the same wire are shared with the Upbit adapter and the differences stay explicit
in this package's own parser.
"""
