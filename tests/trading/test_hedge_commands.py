"""/hedge through the real command registry, over the paper brokers (the trading installer in
paper mode): the executor works there exactly as live. Open behind a confirmation, list, detail,
/positions and /profit, close, and the premium part of the PnL equal to the premium's move
computed by hand from the quotes."""

from __future__ import annotations

import re
import time
from decimal import Decimal as D
from pathlib import Path

from bot.commands.hedge import HedgeReport
from bot.features import AppContext
from core.symbols import Instrument, Symbol, Venue
from tests.helpers import eventually
from tests.trading.test_commands import app_ctx, confirm_code, quote, run

FX = 1400.0


def prices(app: AppContext, spot_mid: float, fut_mid: float) -> None:
    quote(app, Venue.UPBIT, "USDT/KRW", FX - 0.5, FX + 0.5)
    quote(app, Venue.UPBIT, "BTC/KRW", spot_mid - 5_000, spot_mid + 5_000)
    quote(app, Venue.BINANCE_FUTURES, "BTC/USDT", fut_mid - 0.5, fut_mid + 0.5)


async def test_hedge_commands_round_trip_on_paper(tmp_path: Path) -> None:
    async with app_ctx(tmp_path) as (app, ctx):
        assert app.facade.hedges is not None and app.facade.hedges.paper
        fut = Instrument(Venue.BINANCE_FUTURES, Symbol("BTC", "USDT"))
        prices(app, 140_000_000, 99_000)  # premium about +1.0 %
        svc = app.facade.trading.svc  # type: ignore[union-attr]
        await eventually(lambda: svc.prices.price(fut) is not None)
        r = await run(app, ctx, "/hedge")
        assert "No hedges yet" in r.text
        r = await run(app, ctx, "/hedge open BTC 2000000")
        assert "Open a hedge on BTC" in r.text and "Confirm" in r.text, r.text
        r = await run(app, ctx, confirm_code(r))
        assert "✅ Hedge h" in r.text and "open" in r.text, r.text
        hid = re.search(r"Hedge (h[0-9a-f]+)", r.text)
        assert hid is not None
        hedge_id = hid.group(1)
        r = await run(app, ctx, "/hedge")
        assert hedge_id in r.text and "open" in r.text
        r = await run(app, ctx, "/positions")
        assert "Hedges" in r.text and hedge_id in r.text, r.text
        r = await run(app, ctx, f"/hedge {hedge_id}")
        assert "PnL (open, at current prices)" in r.text, r.text

        prices(app, 141_400_000, 99_000)  # the premium rises about 1 point: spot +1.4 M KRW
        up = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
        await eventually(lambda: (top := svc.prices.top(up)) is not None and top.bid > 141e6)
        r = await run(app, ctx, f"/hedge close {hedge_id}")
        assert "both legs at market" in r.text
        r = await run(app, ctx, confirm_code(r))
        assert f"Hedge {hedge_id} closed. PnL" in r.text, r.text
        assert app.facade.hedges is not None
        view = await app.facade.hedges.detail(hedge_id)
        assert view is not None and view.spot_qty == 0 and view.fut_qty == 0
        # By hand: the spot leg gained qty × 1,400,000 KRW at the mids, the futures leg's mid
        # did not move; the rest is the paper fills' slippage and the fees.
        bought = sum(e.fill.qty for e in view.book.of(Venue.UPBIT) if e.fill.side.value == "buy")
        shorted = sum(e.fill.qty for e in view.book.of(Venue.BINANCE_FUTURES)
                      if e.fill.side.value == "sell")  # fmt: skip
        assert abs(bought - shorted) <= D("0.0005")
        assert view.pnl.premium == bought * D(1_400_000)
        assert view.pnl.fees > 0 and view.pnl.slippage < 0 and view.pnl.funding == 0
        assert view.pnl.close_premium_pct is not None and view.pnl.open_premium_pct is not None
        assert view.pnl.close_premium_pct - view.pnl.open_premium_pct > D("0.9")
        r = await run(app, ctx, f"/hedge {hedge_id}")
        assert "closed" in r.text and "PnL (realised)" in r.text, r.text
        r = await run(app, ctx, "/profit")
        assert "Hedges:" in r.text and "1 closed" in r.text, r.text
        (section,) = [s for s in app.facade.report_sections if isinstance(s, HedgeReport)]
        (line,) = await section.report_lines(view.record.opened_ts - 1, time.time())
        assert line.startswith("Hedges: 1 closed (") and "0 open" in line, line


async def test_bad_hedge_input_gets_a_clear_answer(tmp_path: Path) -> None:
    async with app_ctx(tmp_path) as (app, ctx):
        for line, said in (
            ("/hedge open BTC lots", "Give the size in KRW"),
            ("/hedge open BTC -5", "Give the size in KRW"),
            ("/hedge open", "Usage: /hedge"),
            ("/hedge nosuch", "There is no hedge nosuch"),
            ("/hedge close nosuch", "There is no hedge nosuch"),
            ("/hedge a b c", "Usage: /hedge"),
        ):
            r = await run(app, ctx, line)
            assert said in r.text and not r.buttons, (line, r.text)
        prices(app, 140_000_000, 99_000)
        r = await run(app, ctx, "/hedge open BTC 1000")  # below both venues' minimums
        r = await run(app, ctx, confirm_code(r))
        assert "❌ Hedge not opened" in r.text and "too small" in r.text, r.text
