"""CandleBuilder: boundaries by the clock, quiet minutes, taints and backfill, aggregation."""

from __future__ import annotations

from core.market import Candle
from core.symbols import Instrument, Symbol, Venue
from exchanges.candles import MINUTE, CandleBuilder, StreamProgress

BTC = Instrument(Venue.BINANCE_SPOT, Symbol("BTC", "USDT"))
T0 = 1_700_000_040_000 - 1_700_000_040_000 % 3_600_000  # an hour boundary


def live_builder(
    timeframes: tuple[str, ...] = (),
) -> tuple[CandleBuilder, list[Candle]]:
    """A builder with one minute of history, already connected (its warm-up window closed)."""
    out: list[Candle] = []
    b = CandleBuilder(out.append, timeframes=timeframes, grace_ms=1000)
    b.seed(BTC, [Candle(BTC, "1m", T0 - MINUTE, 100, 100, 100, 100, 1.0)])
    b.taint_close(BTC, T0 - 1)
    return b, out


def test_trades_build_a_minute_closed_by_the_next_trade() -> None:
    b, out = live_builder()
    b.on_trade(BTC, T0 + 1_000, 101, 1)
    b.on_trade(BTC, T0 + 2_000, 105, 2)
    b.on_trade(BTC, T0 + 3_000, 99, 1)
    b.on_trade(BTC, T0 + 59_999, 102, 1)
    assert out == []
    b.on_trade(BTC, T0 + MINUTE, 103, 1)
    assert out == [Candle(BTC, "1m", T0, 101, 105, 99, 102, 5)]


def test_clock_closes_minutes_with_no_trades_as_flat_candles() -> None:
    b, out = live_builder()
    b.on_trade(BTC, T0 + 5_000, 101, 1)
    b.tick(T0 + MINUTE + 999)  # within grace: still open
    assert out == []
    b.tick(T0 + MINUTE + 1_000)
    assert out == [Candle(BTC, "1m", T0, 101, 101, 101, 101, 1)]
    b.tick(T0 + 3 * MINUTE + 1_000)  # two quiet minutes
    assert out[1:] == [
        Candle(BTC, "1m", T0 + MINUTE, 101, 101, 101, 101, 0.0),
        Candle(BTC, "1m", T0 + 2 * MINUTE, 101, 101, 101, 101, 0.0),
    ]
    assert b.stats.flat == 2


def test_first_minute_is_partial_so_it_waits_for_the_venue_candle() -> None:
    out: list[Candle] = []
    b = CandleBuilder(out.append, timeframes=(), grace_ms=0)
    b.on_trade(BTC, T0 + 30_000, 101, 1)  # we joined mid-minute
    b.on_trade(BTC, T0 + MINUTE + 1, 102, 1)
    assert out == [] and b.wanted() == [(BTC, T0, T0)]
    venue = Candle(BTC, "1m", T0, 100, 103, 99, 101, 7)
    b.resolve(BTC, [venue], T0)
    assert out == [venue] and b.wanted() == []


def test_outage_taints_minutes_later_minutes_wait_behind_them_in_order() -> None:
    b, out = live_builder()
    b.on_trade(BTC, T0 + 1_000, 101, 1)
    b.taint_open(BTC, T0 + 50_000)  # connection dropped
    b.tick(T0 + 3 * MINUTE + 1_000)  # minutes 0..2 close during the outage
    b.taint_close(BTC, T0 + 3 * MINUTE + 2_000)  # back in minute 3
    b.on_trade(BTC, T0 + 3 * MINUTE + 3_000, 110, 1)
    b.on_trade(BTC, T0 + 4 * MINUTE + 1, 111, 1)  # closes minute 3 (tainted: window ended in it)
    b.on_trade(BTC, T0 + 5 * MINUTE + 1, 112, 1)  # closes minute 4 (clean, but queued behind)
    assert out == []
    assert b.wanted() == [(BTC, T0, T0 + 3 * MINUTE)]
    venue = [
        Candle(BTC, "1m", T0, 101, 104, 100, 104, 3),
        Candle(BTC, "1m", T0 + MINUTE, 104, 108, 104, 108, 2),
        # minute 2: no trades on the venue
        Candle(BTC, "1m", T0 + 3 * MINUTE, 109, 110, 109, 110, 2),
    ]
    b.resolve(BTC, venue, T0 + 3 * MINUTE)
    assert [c.open_ts for c in out] == [T0 + i * MINUTE for i in range(5)]
    assert out[0] == venue[0] and out[1] == venue[1] and out[3] == venue[2]
    assert out[2] == Candle(BTC, "1m", T0 + 2 * MINUTE, 108, 108, 108, 108, 0.0)
    assert out[4] == Candle(BTC, "1m", T0 + 4 * MINUTE, 111, 111, 111, 111, 1)


def test_partial_resolution_keeps_later_minutes_waiting() -> None:
    b, out = live_builder()
    b.taint_range(BTC, T0, T0 + MINUTE + 1)
    b.on_trade(BTC, T0 + 1, 101, 1)
    b.tick(T0 + 3 * MINUTE + 1_000)
    b.resolve(BTC, [Candle(BTC, "1m", T0, 1, 2, 1, 2, 9)], T0)
    assert [c.open_ts for c in out] == [T0]
    b.resolve(BTC, [], T0 + MINUTE, give_up=True)
    assert [c.open_ts for c in out] == [T0, T0 + MINUTE, T0 + 2 * MINUTE]
    assert b.stats.unverified == 1


def test_closed_exchange_kline_resolves_a_tainted_minute() -> None:
    b, out = live_builder()
    b.taint_range(BTC, T0, T0)
    b.on_trade(BTC, T0 + 1, 101, 1)
    b.on_trade(BTC, T0 + MINUTE + 1, 101, 1)
    kline = Candle(BTC, "1m", T0, 100, 102, 99, 101, 3)
    b.offer_exchange_candle(Candle(BTC, "1m", T0, 100, 102, 99, 101, 3, closed=False))
    assert out == []
    b.offer_exchange_candle(kline)
    assert out == [kline]


def test_late_trades_are_counted_and_never_change_closed_candles() -> None:
    b, out = live_builder()
    b.on_trade(BTC, T0 + 1, 101, 1)
    b.on_trade(BTC, T0 + MINUTE + 1, 102, 1)
    b.on_trade(BTC, T0 + 2, 500, 1)
    assert out == [Candle(BTC, "1m", T0, 101, 101, 101, 101, 1)]
    assert b.stats.late_trades == 1


def test_higher_timeframes_aggregate_complete_buckets_only() -> None:
    b, out = live_builder(timeframes=("5m",))
    for i in range(12):
        b.on_trade(BTC, T0 + i * MINUTE + 1, 100 + i, 1)
    b.tick(T0 + 12 * MINUTE + 1_000)
    fives = [c for c in out if c.timeframe == "5m"]
    assert fives == [
        Candle(BTC, "5m", T0, 100, 104, 100, 104, 5),
        Candle(BTC, "5m", T0 + 5 * MINUTE, 105, 109, 105, 109, 5),
    ]
    assert len([c for c in out if c.timeframe == "1m"]) == 12


def test_joining_mid_bucket_skips_the_incomplete_higher_candle() -> None:
    out: list[Candle] = []
    b = CandleBuilder(out.append, timeframes=("5m",), grace_ms=0)
    start = T0 + 2 * MINUTE
    b.seed(BTC, [Candle(BTC, "1m", start - MINUTE, 100, 100, 100, 100, 1.0)])
    b.taint_close(BTC, start - 1)
    b.tick(start + 8 * MINUTE)
    assert [c.open_ts for c in out if c.timeframe == "5m"] == [T0 + 5 * MINUTE]


def test_seeded_series_taints_minutes_until_the_stream_is_up() -> None:
    out: list[Candle] = []
    b = CandleBuilder(out.append, timeframes=(), grace_ms=0)
    b.seed(BTC, [Candle(BTC, "1m", T0 - MINUTE, 100, 100, 100, 100, 1.0)])
    b.tick(T0 + 2 * MINUTE)  # the stream has not connected yet
    assert out == [] and b.wanted() == [(BTC, T0, T0 + MINUTE)]


def test_a_warm_up_arriving_after_live_trades_does_not_drop_a_minute() -> None:
    """The venue streams a market before anyone asks for its candles; the warm-up's REST
    history then ends at a minute whose trades the stream has not delivered yet (the clock
    closed the one before). Found under load in the live-parity test: that minute's trades
    were taken for late ones and the minute never reached the bus or the table."""
    out: list[Candle] = []
    b = CandleBuilder(out.append, timeframes=(), grace_ms=0)
    b.on_trade(BTC, T0 + 10_000, 100, 1)  # first, partial minute: tainted
    b.on_trade(BTC, T0 + MINUTE + 5_000, 101, 1)
    b.tick(T0 + 2 * MINUTE)  # the clock closes T0 + 1m; nothing of T0 + 2m streamed yet
    history = [Candle(BTC, "1m", T0 + i * MINUTE, 99, 103, 98, 100 + i, 5.0) for i in range(3)]
    b.seed(BTC, history)  # REST already has T0 + 2m as closed
    b.resolve(BTC, history[:1], T0)  # the venue's candle for the tainted first minute
    b.on_trade(BTC, T0 + 2 * MINUTE + 5_000, 102, 1)  # the stream catches up
    b.on_trade(BTC, T0 + 3 * MINUTE + 1_000, 103, 1)
    b.tick(T0 + 4 * MINUTE)
    assert [c.open_ts - T0 for c in out] == [0, MINUTE, 2 * MINUTE, 3 * MINUTE]
    assert out[0] == history[0]  # repaired from the venue
    assert (out[2].open, out[2].close) == (102, 102)  # built from the stream, not skipped
    assert b.stats.late_trades == 0


def test_a_lagging_connection_holds_its_minutes_until_it_delivers_past_them() -> None:
    """Our clock passes the minute's end while the stream is still delivering that minute's
    trades (a busy machine, a backlog): the minute waits for the connection's progress
    instead of closing flat and dropping the trades as late."""
    b, out = live_builder()
    b.max_lag_ms = 30_000
    progress = StreamProgress(exchange_ms=T0 + 50_000, up=True)
    b.series(BTC).progress = progress
    b.on_trade(BTC, T0 + 50_000, 101, 1)
    b.tick(T0 + MINUTE + 20_000)  # our clock: over; the stream: 10 s short of the end
    assert out == []
    b.on_trade(BTC, T0 + 59_000, 104, 2)  # still on time
    progress.exchange_ms = T0 + MINUTE + 1_000
    b.tick(T0 + MINUTE + 21_000)
    assert out == [Candle(BTC, "1m", T0, 101, 104, 101, 104, 3)]
    assert b.stats.late_trades == 0


def test_a_connection_lagging_past_max_lag_or_down_closes_by_our_clock() -> None:
    b, out = live_builder()
    b.max_lag_ms = 30_000
    progress = StreamProgress(exchange_ms=T0 + 10_000, up=True)
    b.series(BTC).progress = progress
    b.on_trade(BTC, T0 + 10_000, 101, 1)
    b.tick(T0 + MINUTE + 30_000)  # 80 s behind, but its progress + max lag is not past
    assert out == []
    b.tick(T0 + MINUTE + 32_000)  # more than max lag behind: as good as stale
    assert [c.open_ts for c in out] == [T0]
    progress.up = False  # a connection that is down does not hold anything
    b.tick(T0 + 3 * MINUTE + 2_000)
    assert [c.open_ts for c in out] == [T0, T0 + MINUTE, T0 + 2 * MINUTE]
