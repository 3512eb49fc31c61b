"""Freshness on the LIVE money path, over Telegram (issue 14): the whole service on the exchange
simulator. Upbit's streams go silent: a manual entry is refused with how old the data is, a
manual exit is still priced, on the venue's own REST answer, never on the streamed price from
before the silence; once Upbit's REST fails too, orders are refused with the data age.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from core.symbols import Instrument, Symbol, Venue
from exchanges.manager import MarketDataManager
from peers.telegram_emulator import SentMessage
from tests.e2e.conftest import CHAT, World
from tests.helpers import eventually

pytestmark = pytest.mark.asyncio(loop_scope="module")
BTC_KRW = Instrument(Venue.UPBIT, Symbol("BTC", "KRW"))
OLD = (
    r"❌ Refused: Upbit BTC/KRW: the newest price is (\d+) s old \(limit \d+ s, "
    r"MAX_DATA_AGE\): not acting on old market data\."
)


async def test_live_orders_on_old_data_use_the_venue_price_or_are_refused(world: World) -> None:
    assert world.service.facade is not None
    md = world.service.facade.market_data
    assert isinstance(md, MarketDataManager)
    limit = world.settings.market_data.max_data_age
    bought = await world.answer("/buy upbit BTC 100000KRW")
    assert bought.content.startswith("✅ buy BTC/KRW: "), bought.content
    filled = await world.tg.wait_for_message(
        lambda m: m.content.startswith("✅ Filled\nFilled buy "), chat_id=CHAT, timeout=15
    )
    qty = re.search(r"Filled buy ([\d.]+) BTC", filled.content)
    assert qty, filled.content

    world.sim.faults.reject_connections("upbit", 600)
    world.sim.faults.stall_connections("upbit")
    await eventually(lambda: (md.data_age(BTC_KRW) or 0) > limit + 1, timeout=60)

    # The streamed price is old, the venue still answers: no new exposure (the answer says how
    # old the data is), but the exit goes through on the venue's own price.
    entry = await world.answer("/buy upbit BTC 100000KRW")
    assert re.fullmatch(OLD, entry.content), entry.content
    half = Decimal(qty.group(1)) / 2
    sold = await sell(world, half, "sell BTC/KRW")
    assert sold.content.startswith("✅ sell BTC/KRW: "), sold.content

    # Upbit's REST gone too: nothing to price even an exit on.
    world.sim.faults.rest_error("upbit", 503, count=1_000_000)
    refused = await sell(world, half, "❌ Refused")
    found = re.fullmatch(OLD, refused.content)
    assert found and int(found.group(1)) > limit, refused.content


async def sell(world: World, qty: Decimal, expect: str) -> SentMessage:
    question = await world.ask(f"/sell upbit BTC {qty}", "Confirm within")
    (data,) = [d for _, d in question.buttons if d and d.startswith("/confirm ")]
    return await world.press(question, data, expect, timeout=60)
