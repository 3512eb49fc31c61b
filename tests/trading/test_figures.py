"""Figures in the trading answers (issue 14): an averaged entry price is a Decimal division
(`141,976,981.5427427484275836611`, `9,830.643427166666666666666667` in the issue); every
figure a trader reads is rounded for reading, never in exponent form, KRW without decimals."""

from __future__ import annotations

import re
from pathlib import Path

from core.symbols import Venue
from tests.helpers import eventually
from tests.trading.test_commands import app_ctx, quote, run

# A figure with more decimals than any venue's step, or in exponent form.
RAW = re.compile(r"\d\.\d{9,}|\de[+-]\d", re.I)


async def test_an_averaged_entry_reads_as_a_price(tmp_path: Path) -> None:
    async with app_ctx(tmp_path) as (app, ctx):
        quote(app, Venue.UPBIT, "USDT/KRW", 1399, 1400)
        quote(app, Venue.UPBIT, "BTC/KRW", 141_000_000, 141_001_000)
        await eventually(lambda: app.facade.trading.svc.prices.usdt_krw() is not None)
        assert "filled" in (await run(app, ctx, "/buy upbit BTC 100000KRW")).text
        quote(app, Venue.UPBIT, "BTC/KRW", 142_998_000, 143_003_000)
        pos = app.facade.trading.svc
        await eventually(lambda: pos.prices.price(next(iter(pos.positions))) is not None)
        assert "filled" in (await run(app, ctx, "/buy upbit BTC 70001KRW")).text
        (held,) = app.facade.trading.open_positions()
        assert len(str(held.entry_price).replace(".", "")) > 12  # the ledger keeps it exact
        for line in ("/positions", "/balance", "/trades", "/orders all", "/daily 1"):
            text = (await run(app, ctx, line)).text
            assert not RAW.search(text), (line, text)
            assert not re.search(r"[\d,]+\.\d+ KRW", text), (line, text)  # no KRW decimals
        positions = (await run(app, ctx, "/positions")).text
        assert re.search(r"@ 14[12],\d{3},\d{3} ", positions), positions  # entry: whole won
