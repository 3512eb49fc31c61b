"""The Upbit stream can feed one client at least 50,000 messages per second on loopback."""

from __future__ import annotations

from bench.sim import measure


async def test_firehose_feeds_50k_messages_per_second() -> None:
    rate = await measure(100_000)
    assert rate >= 50_000, f"only {rate:,.0f} messages/s"
