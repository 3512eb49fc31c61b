"""What the venues' pre-flight probes (`exchanges/<venue>/doctor.py`) share: one timed HTTP call
that keeps the answer's headers (Upbit's clock is its `Date` header), the clock-skew verdict and
the bot-stake verdict. Results are `core.doctor.Check`s; the words are the app's."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any

import aiohttp
import orjson

from core.doctor import Area, Check, CheckStatus, StakePlan
from core.text import Text

# Beyond 1 s the operator is told to fix the clock; beyond the 5 s a venue accepts a signed
# request for by default (Binance's recvWindow), requests stamped with the raw clock fail.
SKEW_WARN_MS = 1000
SKEW_FAIL_MS = 5000


class ProbeError(Exception):
    """The venue could not be reached (connection refused, DNS, timeout)."""


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    sent_at: float  # local clock (seconds) when the request left
    received_at: float  # and when its answer arrived

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return orjson.loads(self.body)
        except orjson.JSONDecodeError:
            return None


Request = Callable[[], tuple[str, dict[str, str]]]  # a fresh (url, headers) per attempt
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
ATTEMPTS = 3


async def call(
    session: aiohttp.ClientSession,
    method: str,
    url: str | Request,
    *,
    now: Callable[[], float],
    headers: dict[str, str] | None = None,
    json_body: Any = None,
    timeout: float = 10.0,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Answer:
    """One request under `timeout`, tried again (at most `ATTEMPTS` in all) after a transport
    failure, a 5xx or a 429, so a blip is not reported as a problem. A signed request is
    passed as a function building it, so each attempt is signed afresh (Upbit refuses a
    reused nonce). A transport failure on the last attempt is a `ProbeError` with its text."""
    for attempt in range(1, ATTEMPTS + 1):
        target, extra = url() if callable(url) else (url, {})
        sent = now()
        try:
            async with (
                asyncio.timeout(timeout),
                session.request(
                    method, target, headers={**(headers or {}), **extra}, json=json_body
                ) as resp,
            ):
                answer = Answer(resp.status, dict(resp.headers), await resp.read(), sent, now())
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            if attempt == ATTEMPTS:
                raise ProbeError(str(exc) or type(exc).__name__) from exc
            await sleep(0.5 * attempt)
            continue
        if answer.status not in RETRY_STATUSES or attempt == ATTEMPTS:
            return answer
        await sleep(_retry_after(answer.headers, 0.5 * attempt))
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def _retry_after(headers: dict[str, str], default: float) -> float:
    raw = headers.get("Retry-After", "")
    return min(2.0, float(raw)) if raw.isdigit() else default


def unreachable(area: Area, item: str, error: Exception) -> Check:
    return Check(
        area, item, CheckStatus.FAIL, Text.of("doctor.found.unreachable", error=str(error)),
        Text.of("doctor.fix.unreachable"),
    )  # fmt: skip


def unexpected(area: Area, item: str, status: int, detail: str) -> Check:
    return Check(
        area, item, CheckStatus.FAIL,
        Text.of("doctor.found.unexpected", status=status, detail=detail[:200]),
        Text.of("doctor.fix.retry"),
    )  # fmt: skip


def clock_check(area: Area, offset_ms: float) -> Check:
    """Local clock against the venue's: `offset_ms` > 0 when the venue is ahead of us."""
    shown = f"{offset_ms / 1000:+.1f}"
    found = Text.of("doctor.found.clock", seconds=shown)
    size = abs(offset_ms)
    if size <= SKEW_WARN_MS:
        return Check(area, "clock", CheckStatus.OK, found)
    status = CheckStatus.WARN if size <= SKEW_FAIL_MS else CheckStatus.FAIL
    return Check(area, "clock", status, found, Text.of("doctor.fix.ntp"))


def keys_missing(area: Area, stakes: list[StakePlan], names: str) -> Check:
    """A venue without keys: fine unless a bot trades there (its orders would all be refused)."""
    if not stakes:
        return Check(area, "keys", CheckStatus.INFO, Text.of("doctor.found.no_keys"))
    bots = ", ".join(sorted({s.bot for s in stakes}))
    return Check(
        area, "keys", CheckStatus.FAIL, Text.of("doctor.found.keys_needed", bots=bots),
        Text.of("doctor.fix.set_keys", names=names),
    )  # fmt: skip


def stake_check(
    area: Area, plan: StakePlan, minimum: Decimal | None, balance: Decimal | None
) -> Check:
    """Whether the bot's entry clears the market's minimum order value."""
    subject = f"{plan.bot} {plan.symbol}"
    quote = plan.symbol.quote
    if minimum is None:
        return Check(
            area, "stake", CheckStatus.FAIL,
            Text.of("doctor.found.market_unknown", symbol=str(plan.symbol)),
            Text.of("doctor.fix.market_unknown"), subject,
        )  # fmt: skip
    notional = plan.notional(balance)
    if notional is None:
        return Check(
            area, "stake", CheckStatus.WARN,
            Text.of("doctor.found.stake_unknown", minimum=_n(minimum), quote=quote),
            Text.of("doctor.fix.fund", asset=quote), subject,
        )  # fmt: skip
    params = {"notional": _n(notional), "minimum": _n(minimum), "quote": quote}
    if notional >= minimum:
        return Check(area, "stake", CheckStatus.OK, Text.of("doctor.found.stake_ok", **params),
                     subject=subject)  # fmt: skip
    # The smallest stake that clears it, rounded up to a cent (a won on Upbit).
    step = Decimal(1) if quote == "KRW" else Decimal("0.01")
    need = (minimum / plan.leverage).quantize(step, rounding=ROUND_CEILING)
    return Check(
        area, "stake", CheckStatus.FAIL, Text.of("doctor.found.stake_low", **params),
        Text.of("doctor.fix.stake", bot=plan.bot, need=_n(need), quote=quote), subject,
    )  # fmt: skip


def balance_check(area: Area, asset: str, amount: Decimal | None, needed: bool) -> Check:
    """The venue's quote balance; an empty one is a warning when a bot trades there."""
    if amount is None or amount <= 0:
        status = CheckStatus.WARN if needed else CheckStatus.INFO
        fix = Text.of("doctor.fix.fund", asset=asset) if needed else None
        return Check(area, "balance", status, Text.of("doctor.found.balance_empty", asset=asset),
                     fix)  # fmt: skip
    found = Text.of("doctor.found.balance", amount=_n(amount), asset=asset)
    return Check(area, "balance", CheckStatus.OK, found)


def _n(value: Decimal) -> str:
    """A readable amount: thousands separators, at most 8 decimals, no trailing zeros."""
    q = value.quantize(Decimal("0.00000001")).normalize()
    text = f"{q:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
