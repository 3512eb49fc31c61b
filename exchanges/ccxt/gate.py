"""Request pacing from the venue's own answers, on top of ccxt's limiter.

- 429 / 418: block every request to the venue for the `Retry-After` the venue gave (default
  2 s for 429, 120 s for a 418 ban), so a storm is slowed down to rather than retried into a ban.
- Binance `X-MBX-USED-WEIGHT-1M`: above 90 % of the minute's budget, wait for the next minute.
- Upbit `Remaining-Req: group=default; min=1800; sec=0`: out of this second's budget, wait
  for the next second.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Mapping

_SEC = re.compile(r"sec=(\d+)")


class RateGate:
    def __init__(self, name: str, weight_limit: int = 6000) -> None:
        self.name = name
        self.weight_limit = weight_limit
        self.blocked_until = 0.0  # time.monotonic()
        self.used_weight = 0
        self.remaining_sec: int | None = None
        self.rate_limited = 0  # 429s seen
        self.bans = 0  # 418s seen
        self.requests = 0

    def retry_after(self) -> float:
        return max(0.0, self.blocked_until - time.monotonic())

    async def wait(self) -> None:
        delay = self.retry_after()
        if delay > 0:
            await asyncio.sleep(delay)
        self.requests += 1

    def on_response(self, status: int, headers: Mapping[str, str]) -> None:
        now = time.monotonic()
        low = {k.lower(): v for k, v in headers.items()}
        if status in (418, 429):
            default = 120.0 if status == 418 else 2.0
            try:
                wait = float(low.get("retry-after", default))
            except ValueError:
                wait = default
            if status == 418:
                self.bans += 1
            else:
                self.rate_limited += 1
            self.blocked_until = max(self.blocked_until, now + max(wait, 0.5))
            return
        weight = low.get("x-mbx-used-weight-1m")
        if weight is not None and weight.isdigit():
            self.used_weight = int(weight)
            if self.used_weight >= self.weight_limit * 0.9:
                self.blocked_until = max(self.blocked_until, now + (60 - time.time() % 60))
        remaining = low.get("remaining-req")
        if remaining is not None:
            m = _SEC.search(remaining)
            if m is not None:
                self.remaining_sec = int(m.group(1))
                if self.remaining_sec <= 0:
                    self.blocked_until = max(self.blocked_until, now + (1 - time.time() % 1))
