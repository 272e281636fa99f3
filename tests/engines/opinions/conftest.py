"""Fixtures for the opinion engine tests: the shared Polis exports and small conversations."""

from __future__ import annotations

from pathlib import Path

import pytest

from village.engines.opinions.matrix import Votes

# tests/engines/opinions/conftest.py -> parents[3] is the repository root; the data sits
# beside it in ../shared/data/polis (never copied into the repository).
POLIS_DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "polis"
CONVERSATIONS = ("brexit-consensus", "vtaiwan.uberx")


@pytest.fixture(scope="session")
def polis_data() -> Path:
    """The real Polis exports; a missing folder is a failure, never a skip."""
    data = POLIS_DATA.resolve()
    missing = [c for c in CONVERSATIONS if not (data / c / "votes.csv").is_file()]
    if missing:
        pytest.fail(
            f"Polis open data not found at {data} (missing {', '.join(missing)}); "
            "the opinion engine tests need ../shared/data/polis next to the repository."
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
