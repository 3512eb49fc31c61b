"""The live brokers, from one place: what the app (and the tests) import to trade for real.

Each venue's broker lives in its own package, over the shared ccxt machinery in
`exchanges/ccxt/`; this module only gathers the public names. Importing it imports ccxt.
"""

from exchanges.binance.broker import BinanceFuturesBroker, BinanceSpotBroker
from exchanges.binance.spot_user_stream import run_spot_user_stream
from exchanges.binance.user_stream import run_user_stream
from exchanges.bithumb.broker import BithumbBroker
from exchanges.bithumb.private_stream import bithumb_private_runner, bithumb_private_state
from exchanges.ccxt.broker import CcxtBroker
from exchanges.ccxt.exchange import make_exchange, point_urls
from exchanges.upbit.broker import UpbitBroker
from exchanges.upbit.private_stream import PrivateStreamState, private_stream_runner

__all__ = [
    "BinanceFuturesBroker",
    "BinanceSpotBroker",
    "BithumbBroker",
    "CcxtBroker",
    "PrivateStreamState",
    "UpbitBroker",
    "bithumb_private_runner",
    "bithumb_private_state",
    "make_exchange",
    "point_urls",
    "private_stream_runner",
    "run_spot_user_stream",
    "run_user_stream",
]
