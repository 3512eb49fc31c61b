"""Every corpus file has its provenance, and every venue has the payloads the service consumes."""

from __future__ import annotations

import re

import orjson
import pytest

from tests.contract.corpus import REAL, VENUES


@pytest.mark.parametrize("venue", VENUES)
def test_every_file_is_listed_in_sources_and_parses(venue: str) -> None:
    folder = REAL / venue
    listed = set(re.findall(r"^\| `([^`]+\.json)` \|", (folder / "SOURCES.md").read_text(), re.M))
    files = {p.name for p in folder.glob("*.json")}
    assert files == listed, "a file without provenance, or provenance without a file"
    assert len(files) >= 15
    for name in files:
        orjson.loads((folder / name).read_bytes())  # data, not prose
