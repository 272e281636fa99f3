"""Fixtures for the opinion engine tests: the Polis exports in tests/data, small conversations."""

from __future__ import annotations

from pathlib import Path

import pytest

from village.engines.opinions.matrix import Votes

# tests/engines/opinions/conftest.py -> parents[2] is tests/; the exports are CC BY 4.0 (see
# tests/data/polis/ATTRIBUTION.md).
POLIS_DATA = Path(__file__).resolve().parents[2] / "data" / "polis"
CONVERSATIONS = ("brexit-consensus", "vtaiwan.uberx")


@pytest.fixture(scope="session")
def polis_data() -> Path:
    """The real Polis exports; a missing folder is a failure, never a skip."""
    data = POLIS_DATA.resolve()
    missing = [c for c in CONVERSATIONS if not (data / c / "votes.csv").is_file()]
    if missing:
        pytest.fail(
            f"Polis open data not found at {data} (missing {', '.join(missing)}); "
            "the opinion engine tests need tests/data/polis."
        )
    return data


@pytest.fixture
def tiny_votes() -> Votes:
    """Two clear camps of six on six statements, plus one statement everyone agrees with."""
    records: list[tuple[str, str, int]] = []
    for p in range(12):
        camp = 1 if p < 6 else -1
        for s in range(6):
            records.append((f"p{p}", f"s{s}", camp if s % 2 == 0 else -camp))
        records.append((f"p{p}", "common", 1))
    return Votes.from_records(records)
