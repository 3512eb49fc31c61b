"""Transfer-aware executable premium, pure parts: network matching and the transfer's cost."""

from __future__ import annotations

from decimal import Decimal

from alerts.executable import Direction, Route, cheapest_route, net_leg
from alerts.premium import Books, Fees
from core.wallets import NetworkStatus

D = Decimal


def _net(name: str, fee: str | None, deposit: bool = True, withdraw: bool = True) -> NetworkStatus:
    return NetworkStatus(name, deposit, withdraw, None if fee is None else D(fee), D("0.01"))


SENDER = (_net("ETH", "0.0008"), _net("ARBITRUM", "0.00004"), _net("OP", "0.0001"))
RECEIVER = (_net("ETH", None), _net("ARBITRUM", None), _net("OP", None))


def test_cheapest_network_open_on_both_sides() -> None:
    assert cheapest_route(SENDER, RECEIVER) == Route("ARBITRUM", D("0.00004"), D("0.01"))


def test_withdrawal_suspended_on_sender_only_gives_next_cheapest() -> None:
    sender = (SENDER[0], _net("ARBITRUM", "0.00004", withdraw=False), SENDER[2])
    assert cheapest_route(sender, RECEIVER) == Route("OP", D("0.0001"), D("0.01"))


def test_deposit_suspended_on_receiver_only_gives_next_cheapest() -> None:
    receiver = (RECEIVER[0], _net("ARBITRUM", None, deposit=False), _net("OP", None, False))
    assert cheapest_route(SENDER, receiver) == Route("ETH", D("0.0008"), D("0.01"))


def test_network_only_on_one_venue_is_no_route() -> None:
    assert cheapest_route((_net("BSC", "0.01"),), RECEIVER) is None
    leg = net_leg(Direction.FORWARD, None, 1e6, Fees(0.0, 0.0), ((_net("BSC", "0.01"),), ()))
    assert leg.route is None and leg.pct is None and leg.why is not None
    assert leg.why.key == "exec.why_no_route"


def test_known_fees_before_unknown_ones() -> None:
    sender = (_net("A", None), _net("B", "5"))
    receiver = (_net("A", None), _net("B", None))
    assert cheapest_route(sender, receiver) == Route("B", D("5"), D("0.01"))


# One flat book: 1 coin = 100 USDT on Binance and 140,000 KRW on Upbit, 1 USDT = 1,400 KRW,
# no fees: without a transfer the round is exactly 0 %; the fee costs its share of the coins.
FLAT = Books(
    [(140_000.0, 1e6)], [(140_000.0, 1e6)], [(100.0, 1e6)], [(100.0, 1e6)],
    [(1_400.0, 1e9)], [(1_400.0, 1e9)],
)  # fmt: skip


# USDT moving free of charge over TRX: the coin's own transfer cost alone.
FREE_CASH = ((_net("TRX", "0"),), (_net("TRX", None),))


def test_withdrawal_fee_and_minimum_counted() -> None:
    # 1,400,000 KRW buys 10 coins; a 0.1 coin fee leaves 9.9: -1 % either way.
    nets = ((_net("X", "0.1"),), (_net("X", None),))
    for d in Direction:
        leg = net_leg(d, FLAT, 1_400_000.0, Fees(0.0, 0.0), nets, FREE_CASH)
        assert leg.pct is not None and abs(leg.pct - -1.0) < 1e-9, (d, leg)
        assert leg.note is None
    # 14,000 KRW buys 0.1 coins: the 0.1 fee would take all of it.
    small = net_leg(Direction.FORWARD, FLAT, 14_000.0, Fees(0.0, 0.0), nets, FREE_CASH)
    assert small.pct is None and small.why is not None
    assert small.why.key == "exec.why_below_minimum"


def test_unknown_fee_or_networks_are_said_not_hidden() -> None:
    no_fee = ((_net("X", None),), (_net("X", None),))
    leg = net_leg(Direction.REVERSE, FLAT, 1_400_000.0, Fees(0.0, 0.0), no_fee, FREE_CASH)
    assert leg.pct is not None and abs(leg.pct) < 1e-9
    assert leg.note is not None and leg.note.key == "exec.note_fee_unknown"
    # The coin's networks known but not USDT's: the figure says the USDT leg is missing.
    leg = net_leg(Direction.REVERSE, FLAT, 1_400_000.0, Fees(0.0, 0.0), no_fee)
    assert leg.note is not None and leg.note.key == "exec.notes"
    assert [t.key for t in leg.note.params.values()] == [
        "exec.note_fee_unknown",
        "exec.note_no_cash_networks",
    ]
    leg = net_leg(Direction.FORWARD, FLAT, 1_400_000.0, Fees(0.0, 0.0), None)
    assert leg.route is None and leg.note is not None
    assert leg.note.key == "exec.note_no_networks"


def test_usdt_leg_fee_minimum_and_route_counted_each_way() -> None:
    """1,400,000 KRW on FLAT books: 1,000 USDT. Forward, 1 USDT of fee leaves 999 to buy 9.99
    coins: -0.1 %. Reverse, the 10 coins fetch 1,000 USDT on Binance, 999 come back: -0.1 %."""
    coin = ((_net("X", "0"),), (_net("X", None),))
    # The cash leg's sender is the coin's receiver: TRX is shut there, so SOL (fee 1) it is.
    cash = (
        (_net("TRX", "0.5", withdraw=False), _net("SOL", "1"), _net("ETH", "4")),
        (_net("TRX", None), _net("SOL", None), _net("ETH", None)),
    )
    for d in Direction:
        leg = net_leg(d, FLAT, 1_400_000.0, Fees(0.0, 0.0), coin, cash)
        assert leg.cash_route == Route("SOL", D("1"), D("0.01"))
        assert leg.pct is not None and abs(leg.pct - -0.1) < 1e-9, (d, leg)
    # 14 KRW buys 0.01 USDT: below the USDT minimum (0.01 needed and the fee takes it all).
    tiny = net_leg(Direction.FORWARD, FLAT, 14.0, Fees(0.0, 0.0), coin, cash)
    assert tiny.pct is None and tiny.why is not None
    assert tiny.why.key == "exec.why_cash_below_minimum"
    # No USDT network open both ways: the direction cannot be done, and says why.
    shut = ((_net("SOL", "1", withdraw=False),), (_net("SOL", None),))
    none = net_leg(Direction.REVERSE, FLAT, 1_400_000.0, Fees(0.0, 0.0), coin, shut)
    assert none.pct is None and none.why is not None and none.why.key == "exec.why_no_cash_route"
