"""Why a cell is hidden: a stable code for the app and a plain-English sentence for people."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ReasonCode(StrEnum):
    SMALL_GROUP = "small_group"
    REMAINDER = "remainder"
    DIFFERENCING = "differencing"
    ACROSS_ROUNDS = "across_rounds"
    FEW_COMMENTS = "few_comments"
    COMMENT_OVERLAP = "comment_overlap"


_MESSAGES = {
    ReasonCode.SMALL_GROUP: (
        "Fewer than {minimum} people answered in this group, so it is hidden to protect "
        "their privacy."
    ),
    ReasonCode.REMAINDER: (
        "Hidden because the rest of the wider group would be fewer than {minimum} people, "
        "who could then be worked out by subtraction."
    ),
    ReasonCode.DIFFERENCING: (
        "Hidden because showing it would let someone work out a smaller group by subtraction."
    ),
    ReasonCode.ACROSS_ROUNDS: (
        "Hidden because it covers almost the same people as a group shown in an earlier "
        "report: fewer than {minimum} people differ, so comparing the two could single them out."
    ),
    ReasonCode.FEW_COMMENTS: (
        "Fewer than {minimum} people wrote a comment in this group, so the comments are "
        "hidden to protect their privacy."
    ),
    ReasonCode.COMMENT_OVERLAP: (
        "Hidden because comparing these comments with ones already shown would single out "
        "fewer than {minimum} people."
    ),
}


@dataclass(frozen=True)
class Suppression:
    """A hidden cell's reason: ``code`` for logic and tests, ``message`` for the page."""

    code: ReasonCode
    message: str

    @classmethod
    def because(cls, code: ReasonCode, *, minimum: int) -> Suppression:
        return cls(code=code, message=_MESSAGES[code].format(minimum=minimum))
