import pytest

from alerts.universe import Universe, common_coins
from core.symbols import Symbol

UPBIT = [
    Symbol.from_upbit(m)
    for m in ("KRW-BTC", "KRW-ETH", "KRW-XRP", "KRW-USDT", "BTC-ETH", "KRW-ONLYUP")
]
BINANCE = [
    Symbol("BTC", "USDT"),
    Symbol("ETH", "USDT"),
    Symbol("XRP", "USDT"),
    Symbol("ETH", "BTC"),
    Symbol("ONLYBN", "USDT"),
]


def test_common_coins_krw_and_usdt_only_minus_denylist() -> None:
    assert common_coins(UPBIT, BINANCE) == {"BTC", "ETH", "XRP"}
    assert common_coins(UPBIT, BINANCE, ["xrp"]) == {"BTC", "ETH"}


async def test_refresh_reports_changes_and_keeps_old_set_on_failure() -> None:
    u = Universe(denylist=frozenset({"XRP"}))
    change = u.apply(UPBIT, BINANCE, now=1.0)
    assert change.added == {"BTC", "ETH"} and not change.removed and u.tether_listed
    change = u.apply([*UPBIT, Symbol("SOL", "KRW")], [*BINANCE, Symbol("SOL", "USDT")][1:], now=2.0)
    assert change.added == {"SOL"} and change.removed == {"BTC"}

    async def broken() -> tuple[list[Symbol], list[Symbol]]:
        raise ConnectionError("venue down")

    assert await u.refresh(broken, now=3.0) is None
    assert u.coins == {"ETH", "SOL"} and u.last_error and "venue down" in u.last_error

    async def empty() -> tuple[list[Symbol], list[Symbol]]:
        return [], BINANCE

    assert await u.refresh(empty, now=4.0) is None
    assert u.coins == {"ETH", "SOL"}
    with pytest.raises(ValueError):
        u.apply([], [], now=5.0)


def test_coins_new_on_one_venue_only_are_reported_once() -> None:
    u = Universe()
    first = u.apply(UPBIT, BINANCE, now=1.0)
    # The starting lists are not news (the announcer skips the first refresh), but they are
    # the baseline: ONLYUP / ONLYBN already trading on one venue are not "new" later.
    assert first.upbit_only == {"ONLYUP"} and first.binance_only == {"ONLYBN"}
    change = u.apply([*UPBIT, Symbol("NEWUP", "KRW")], [*BINANCE, Symbol("NEWBN", "USDT")], 2.0)
    assert change.upbit_only == {"NEWUP"} and change.binance_only == {"NEWBN"}
    assert not change  # the common universe did not move
    again = u.apply([*UPBIT, Symbol("NEWUP", "KRW")], [*BINANCE, Symbol("NEWBN", "USDT")], 3.0)
    assert not again.upbit_only and not again.binance_only
    # Binance lists the Upbit-only coin: it joins the universe (a premium from now on).
    both = u.apply([*UPBIT, Symbol("NEWUP", "KRW")], [*BINANCE, Symbol("NEWUP", "USDT")], 4.0)
    assert both.added == {"NEWUP"} and not both.upbit_only and not both.binance_only
