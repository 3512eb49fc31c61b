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
