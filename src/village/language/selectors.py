"""Reads for the language lens on the web. They read only the text they are given: nothing
from the database, and they keep nothing."""

from __future__ import annotations

from village.engines.lens import Finding, find

# Drafts longer than this are read only this far: every box in Village is shorter, and it
# keeps each hint fast whatever is posted.
HINTS_TEXT_LIMIT = 10_000


def hints_for(*, text: str) -> list[Finding]:
    """The words in a draft worth a second thought, each with kinder alternatives and why."""
    return find(text[:HINTS_TEXT_LIMIT], min_severity="suggestion")
