"""Strategies, bots and the backtest. User strategy files import what they need from here."""

from core.market import Candle, Trade
from core.signals import Signal, SignalAction
from strategies.base import Strategy, StrategyParams

__all__ = ["Candle", "Signal", "SignalAction", "Strategy", "StrategyParams", "Trade"]
