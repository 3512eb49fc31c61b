"""Upbit public WebSocket: ticker, trade and top-of-book orderbook for a set of KRW markets, on
the quotation wire shared with Bithumb (`exchanges.quotation.stream`)."""

from __future__ import annotations

from exchanges.pipeline import Pipeline
from exchanges.quotation.parse import QuotationDecoder
from exchanges.quotation.stream import CHANNELS, QuotationStream, quotation_runner_config
from exchanges.upbit.parse import UpbitDecoder
from exchanges.ws_runner import RunnerConfig

__all__ = ["CHANNELS", "UpbitStream", "upbit_runner_config"]


def upbit_runner_config(stale_after: float = 30.0, **overrides: float | str | None) -> RunnerConfig:
    """Upbit keep-alive: text PING well inside the idle close (documented 120 s, seen at about
    60 s in 2026), besides protocol pings."""
    return quotation_runner_config(stale_after, **overrides)


class UpbitStream(QuotationStream):
    """Orderbook codes ask for the top level only (`KRW-BTC.1`)."""

    book_level = ".1"

    def make_decoder(self, pipeline: Pipeline) -> QuotationDecoder:
        return UpbitDecoder(pipeline.bad, pipeline.sink)
