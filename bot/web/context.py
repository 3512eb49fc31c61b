"""What every route is handed: the facade, the reader's words, the gate and the control state."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import HTTPException

from bot.facade import ServiceFacade
from bot.i18n import Messages
from bot.providers import BotControl, KimpView, TradingView
from bot.reports.sources import ReportSources
from bot.web.auth import Gate, RateLimit
from bot.web.confirm import Confirmations


@dataclass(slots=True)
class WebContext:
    facade: ServiceFacade
    gate: Gate
    control_limit: RateLimit
    # The daily report's sources (premium history, alerts sent): the same data /report shows.
    sources: ReportSources
    confirmations: Confirmations = field(default_factory=Confirmations)

    def words(self, lang: str | None) -> Messages:
        """The reader's language (?lang=ko|en), else the service's."""
        return Messages(lang if lang in ("en", "ko") else self.facade.settings.core.language)

    def trading(self) -> TradingView:
        if self.facade.trading is None:
            raise HTTPException(503, "trading is not running")
        return self.facade.trading

    def bots(self) -> BotControl:
        if self.facade.bots is None:
            raise HTTPException(503, "the strategy bots are not running")
        return self.facade.bots

    def kimp(self) -> KimpView:
        if self.facade.kimp is None:
            raise HTTPException(503, "the kimp monitor is not running")
        return self.facade.kimp
