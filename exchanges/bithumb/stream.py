"""Bithumb public WebSocket (`wss://ws-api.bithumb.com/websocket/v1`): ticker, trade and
orderbook for a set of KRW markets on the quotation wire shared with Upbit; the same text
PING keep-alive (`{"status":"UP"}` every 10 s, idle close after about 120 s)."""

from __future__ import annotations

from exchanges.bithumb.parse import BithumbDecoder
from exchanges.pipeline import Pipeline
from exchanges.quotation.parse import QuotationDecoder
from exchanges.quotation.stream import QuotationStream, quotation_runner_config
from exchanges.ws_runner import RunnerConfig


def bithumb_runner_config(
    stale_after: float = 30.0, **overrides: float | str | None
) -> RunnerConfig:
    """Bithumb allows 10 connection requests a second per IP (429 beyond, then a 10 min ban):
    the feed's `ConnectLimiter` spaces them; keep-alive as on Upbit."""
    return quotation_runner_config(stale_after, **overrides)


class BithumbStream(QuotationStream):
    """Orderbook codes go plain: the `.N` level suffix is Upbit's."""

    book_level = None

    def make_decoder(self, pipeline: Pipeline) -> QuotationDecoder:
        return BithumbDecoder(pipeline.bad, pipeline.sink)
