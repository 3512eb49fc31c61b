"""The real-payload corpus (tests/data/real/<venue>/, provenance in each SOURCES.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

REAL = Path(__file__).parent.parent / "data" / "real"
VENUES = ("upbit", "binance_spot", "binance_usdm", "bithumb")
RECV = 1_700_000_000.5


def raw(venue: str, name: str) -> bytes:
    return (REAL / venue / name).read_bytes()


def load(venue: str, name: str) -> Any:
    return orjson.loads(raw(venue, name))
