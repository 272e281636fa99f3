"""A figure one part of Village has released, in the one shape another part reads it in.

The pulse, conversations and values reviews each offer ``released_figures`` in their
selectors: only what they already show everyone in the partnership (a closed round's
report, results shared with every member, a review whose ratings are closed), through
their own disclosure rules. The learning hub reads these live as project indicators."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReleasedFigure:
    """``key`` names the figure within its source and stays the same as new rounds or
    quarters are released, so an indicator that follows it always reads the latest."""

    key: str
    label: str
    value: float | None
    unit: str
    as_of: str
    hidden_because: str = ""
