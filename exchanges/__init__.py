"""The venue layer: every exchange wire format and all venue I/O. Imports only `core`.

Each venue package (`upbit/`, `binance/`, `bithumb/`) has the same file set:

- `schemas.py`  wire messages, named and shaped exactly as the venue sends them (TypedDicts)
- `parse.py`    pure functions from wire to domain events, plus the frame decoder; each
                docstring shows a sample payload that also lives under tests/data/<venue>/
- `rest.py`     public market-data REST: markets, tickers, candles
- `stream.py`   the public market-data WebSocket handler run by `ws_runner.WsRunner`
- `broker.py`   the live `core.broker.Broker` over ccxt (Binance: spot and USDT-M futures)
- `rest_quotes.py`  listings and top of book over public REST, for the REST quote feed
- `wallet.py`   the signed deposit/withdrawal status endpoint -> `core.wallets.WalletStatus`,
                per network `core.wallets.NetworkStatus` (Upbit: each network's withdrawal fee
                from `/v1/withdraws/chance`)
- `depth_stream.py`  order-book depth of a few markets on a connection of its own, for the
                kimp executable premium (driven by `depth.py`)
- `doctor.py`   the pre-flight probe (key permissions, IP, clock, modes, balances, minimum
                order per bot) -> `core.doctor.Check`s, with `doctor_common.py` beside them

plus, Binance only, the private streams: `user_stream.py`, the USDⓈ-M user-data stream on
the 2026 `/private` route (listenKey + `events=`), parsed by `account.py`, and
`spot_user_stream.py`, spot user data through the WebSocket API's
`userDataStream.subscribe.signature`, parsed by `spot_account.py`, into `core.account` events
(order doorbells, balance changes, liquidation / ADL fills, position changes) for the order
tracker. Each reports up/down to `core.private_streams` (what /status shows); polling stays the
safety net.
Upbit only, `private_stream.py`: the private WebSocket (`myOrder`, `myAsset`) as the same
order doorbells and balance changes, and `ticks.py`: the tick size Upbit publishes per market,
cached, with the built-in KRW table as the fallback.

Bithumb (`bithumb/`, API 2.0) speaks Upbit's market-data wire; the shared pieces are factored
out of the Upbit adapter rather than copied, Bithumb's differences stay in its own parser.
Its `broker.py` trades through unmodified ccxt (`bithumb`, the v2 endpoints by name; the error
names in `ccxt/bithumb.py`), reading the v2 order/account wire in `orders.py`; `wallet.py` is
the signed `/v1/status/wallet` (Upbit's rows, a JWT with `timestamp`); `private_stream.py`
is the private WebSocket v2 (`myOrder` with v2's field names, `myAsset` read as Upbit's) as the
same order doorbells as Upbit's, reporting up/down to `core.private_streams`.

Venue-neutral pieces sit beside them: `ccxt/` (the base broker, ccxt instance factory, rate
gate, error mapping), `brokers.py` (the live brokers' public names in one place),
`ws_runner.py` (the one reconnecting WebSocket runner), `reasons.py` (why a stream changed
state, as catalog `Text`), `stream_base.py`, `base.py` (bad-input accounting, the trade gate),
`pipeline.py`, `http.py`, `fallback.py` (REST while a WebSocket is down), `universe.py`,
`subscriptions.py`, `candles.py` / `candle_service.py` (candles from trades), `candle_store.py`,
`config.py`, and the `manager` that owns it all: `feeds.py` builds each venue's plumbing,
`placement.py` decides which connection carries which stream, `server_clock.py` measures each venue's
clock (stream lag is judged on it).

Outside the manager: `rest_quotes_feed.py` (the kimp monitor's two-venue REST poller of listings
and top of book, publishing `Quote` events when no manager is wired), `depth.py` (both venues'
order books for the coins a kimp view asks about, streamed once asked, REST otherwise ->
`core.depth.BookDepth`), and `fx.py` (the USD/KRW sources, FX_SOURCES: a pure parser per wire
shape, Dunamu, Yahoo and the ECB, each with the quote's own time, and a client returning
`core.fx.FxRate`).
"""
