"""The candles table's one owner: built candles replace, recorded warm-up keeps what is there,
history reads back oldest first, and the backtest's synchronous file view reads the same rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.candles import CandleReadError
from core.market import Candle
from core.storage import Database
from core.symbols import Instrument, Symbol, Venue
from exchanges.candle_store import CandleFile, CandleStore

BTC = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
T0 = 1_700_000_000_000 - 1_700_000_000_000 % 60_000


def candle(i: int, close: float) -> Candle:
    return Candle(BTC, "1m", T0 + i * 60_000, close, close, close, close, 1.0)


async def test_save_replaces_keep_does_not_and_history_is_oldest_first(tmp_path: Path) -> None:
    async with Database.open(tmp_path / "c.db") as db:
        store = CandleStore(db)
        await store.keep([candle(0, 100), candle(1, 101)])
        await store.keep([candle(1, 999)])  # already on record: kept as it was
        await store.save([candle(2, 102), candle(0, 90)])  # built: replaces
        got = await store.history(BTC, "1m", 10)
        assert [(c.open_ts, c.close) for c in got] == [(T0, 90), (T0 + 60_000, 101),
                                                       (T0 + 120_000, 102)]  # fmt: skip
        assert [c.close for c in await store.history(BTC, "1m", 1, before=T0 + 120_000)] == [101]
    rows = CandleFile(tmp_path / "c.db").rows(BTC, "1m", T0 + 60_000, T0 + 180_000)
    assert rows == [(T0 + 60_000, 101, 101, 101, 101, 1.0), (T0 + 120_000, 102, 102, 102, 102, 1.0)]


def test_file_view_says_why_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "junk.db").write_text("not a database")
    with pytest.raises(CandleReadError, match="cannot read candles from"):
        CandleFile(tmp_path / "junk.db").rows(BTC, "1m", 0, T0)
