"""Every corpus file has its provenance, and every venue has the payloads the service consumes."""

from __future__ import annotations

import re

import orjson
import pytest

from tests.contract.corpus import REAL, VENUES

# Bithumb's API 2.0 corpus is young: its docs show few verbatim payloads (SOURCES.md says which)
MINIMUM = {"bithumb": 5}


@pytest.mark.parametrize("venue", VENUES)
def test_every_file_is_listed_in_sources_and_parses(venue: str) -> None:
    folder = REAL / venue
    listed = set(re.findall(r"^\| `([^`]+\.json)` \|", (folder / "SOURCES.md").read_text(), re.M))
    files = {p.name for p in folder.glob("*.json")}
    assert files == listed, "a file without provenance, or provenance without a file"
    assert len(files) >= MINIMUM.get(venue, 15)
    for name in files:
        orjson.loads((folder / name).read_bytes())  # data, not prose
