"""The transfer-aware executable premium with Bithumb as the KRW venue: Bithumb's books (its
KRW-coin and its own KRW-USDT), Bithumb's taker fee from the one fee table, Bithumb named in the
notes, and the same network matching both ways (`alerts/executable.py`, krw=Venue.BITHUMB)."""

from __future__ import annotations

from decimal import Decimal

from alerts.executable import Direction, books_of, net_leg
from alerts.premium import Fees
from core.depth import BookDepth
from core.fills import FEE_RATES
from core.symbols import Instrument, Symbol, Venue
from core.text import Text
from core.wallets import NetworkStatus

D = Decimal
BITHUMB_FEES = Fees.from_rates(FEE_RATES, Venue.BITHUMB)


def _net(name: str, fee: str | None, minimum: str = "0.01") -> NetworkStatus:
    return NetworkStatus(name, True, True, None if fee is None else D(fee), D(minimum))


def _book(venue: Venue, base: str, quote: str, price: float) -> BookDepth:
    inst = Instrument(venue, Symbol(base, quote))
    return BookDepth(inst, ((price, 1e9),), ((price, 1e9),), 0, 0.0)


# Upbit's books sit elsewhere (150,000 KRW a coin, 1,500 KRW a USDT): a view on Bithumb must not
# read them. Bithumb: 140,000 KRW a coin, 1,400 KRW a USDT; Binance: 100 USDT a coin.
DEPTH = [
    _book(Venue.UPBIT, "X", "KRW", 150_000.0),
    _book(Venue.UPBIT, "USDT", "KRW", 1_500.0),
    _book(Venue.BITHUMB, "X", "KRW", 140_000.0),
    _book(Venue.BITHUMB, "USDT", "KRW", 1_400.0),
    _book(Venue.BINANCE_SPOT, "X", "USDT", 100.0),
]


def test_bithumb_fee_is_the_fee_tables() -> None:
    assert (BITHUMB_FEES.upbit, BITHUMB_FEES.binance) == (0.0025, 0.001)


def test_directions_name_the_krw_venue() -> None:
    assert Direction.FORWARD.sender_for(Venue.BITHUMB) is Venue.BINANCE_SPOT
    assert Direction.FORWARD.receiver_for(Venue.BITHUMB) is Venue.BITHUMB
    assert Direction.REVERSE.sender_for(Venue.BITHUMB) is Venue.BITHUMB
    assert Direction.REVERSE.receiver_for(Venue.BITHUMB) is Venue.BINANCE_SPOT
    # Upbit stays the default: what every existing caller gets.
    assert (Direction.FORWARD.sender, Direction.FORWARD.receiver) == (
        Venue.BINANCE_SPOT,
        Venue.UPBIT,
    )


def test_books_of_reads_bithumbs_books_and_its_own_usdt() -> None:
    books = books_of("x", DEPTH, Venue.BITHUMB)
    assert books is not None
    assert books.upbit_bids[0][0] == 140_000.0  # the KRW venue's coin book: Bithumb's
    assert books.usdt_asks[0][0] == 1_400.0  # Bithumb's KRW-USDT, not Upbit's 1,500
    assert books.binance_asks[0][0] == 100.0
    # Without Bithumb's KRW-USDT the view has no books at all (never Upbit's in its place).
    assert books_of("X", DEPTH[:3] + DEPTH[4:], Venue.BITHUMB) is None


def test_forward_on_bithumb_by_hand() -> None:
    """1,400,000 KRW forward: Bithumb KRW -> USDT at 1,400 after 0.25 %, 1 USDT withdrawn to
    Binance (Bithumb's fee, given here), X bought at 100 after 0.1 %, 0.01 X withdrawal fee
    (Binance's), sold on Bithumb at 140,000 after 0.25 %."""
    books = books_of("X", DEPTH, Venue.BITHUMB)
    coin = ((_net("ARBITRUM", "0.01"),), (_net("ARBITRUM", None),))  # Binance -> Bithumb
    cash = ((_net("TRX", "1", "10"),), (_net("TRX", None),))  # Bithumb -> Binance
    leg = net_leg(Direction.FORWARD, books, 1_400_000.0, BITHUMB_FEES, coin, cash, Venue.BITHUMB)
    usdt = D(1_400_000) / D(1_400) * (1 - D("0.0025")) - 1  # 996.5
    x = usdt / 100 * (1 - D("0.001")) - D("0.01")  # 9.945035
    krw = x * 140_000 * (1 - D("0.0025"))
    expected = (krw / D(1_400_000) - 1) * 100  # about -0.798 %
    assert leg.pct is not None and abs(leg.pct - float(expected)) < 1e-9, leg
    assert leg.note is None
    assert leg.route is not None and leg.route.fee == D("0.01")
    assert leg.cash_route is not None and leg.cash_route.network == "TRX"
    # At Upbit's 0.05 % the same books and routes give more: the fee really is Bithumb's.
    upbit_fee = net_leg(
        Direction.FORWARD, books, 1_400_000.0, Fees(0.0005, 0.001), coin, cash, Venue.BITHUMB
    )
    assert upbit_fee.pct is not None and upbit_fee.pct > leg.pct + 0.3


def test_reverse_on_bithumb_by_hand_and_bithumbs_unknown_fee_is_said() -> None:
    """1,400,000 KRW reverse: 10 X bought on Bithumb after 0.25 %, withdrawn over a network
    whose fee Bithumb's status does not carry (said, not counted), sold on Binance at 100 after
    0.1 %, 1 USDT withdrawal fee (Binance's), USDT sold on Bithumb at 1,400 after 0.25 %."""
    books = books_of("X", DEPTH, Venue.BITHUMB)
    coin = ((_net("ARBITRUM", None),), (_net("ARBITRUM", None),))  # Bithumb -> Binance
    cash = ((_net("TRX", "1", "10"),), (_net("TRX", None),))  # Binance -> Bithumb
    leg = net_leg(Direction.REVERSE, books, 1_400_000.0, BITHUMB_FEES, coin, cash, Venue.BITHUMB)
    x = D(1_400_000) / 140_000 * (1 - D("0.0025"))
    usdt = x * 100 * (1 - D("0.001")) - 1
    krw = usdt * 1_400 * (1 - D("0.0025"))
    expected = (krw / D(1_400_000) - 1) * 100
    assert leg.pct is not None and abs(leg.pct - float(expected)) < 1e-9, leg
    assert leg.note == Text.of("exec.note_fee_unknown", venue=Text.of("name.bithumb"))
