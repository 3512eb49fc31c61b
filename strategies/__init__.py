"""Strategies, bots and the backtest. User strategy files import what they need from here."""

from bot.domain.market import Candle, Trade
from bot.domain.signals import Signal, SignalAction
from strategies.base import Strategy, StrategyParams

__all__ = ["Candle", "Signal", "SignalAction", "Strategy", "StrategyParams", "Trade"]
