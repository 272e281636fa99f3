"""The disclosure policy: how small a group may be shown, and how numbers are rounded.

The floors are part of the privacy promise made to every respondent, so a partnership may
raise them but never lower them: constructing a weaker policy raises ``PolicyError``.
"""

from __future__ import annotations

from dataclasses import dataclass

MINIMUM_FLOOR = 5
COMMENT_MINIMUM_FLOOR = 10


class PolicyError(ValueError):
    """A policy would weaken the floors every respondent was promised."""


@dataclass(frozen=True)
class Policy:
    """Minimum group sizes (people, and people who wrote a comment) and rounding.

    Counts are rounded to the nearest ``rounding_base`` (halves round up); means of scores
    are rounded to ``mean_decimals`` places. Rounding is extra protection only: every check
    assumes an attacker knows the exact counts.
    """

    minimum: int = MINIMUM_FLOOR
    comment_minimum: int = COMMENT_MINIMUM_FLOOR
    rounding_base: int = 5
    mean_decimals: int = 1

    def __post_init__(self) -> None:
        if self.minimum < MINIMUM_FLOOR:
            raise PolicyError(f"the minimum group size cannot be below {MINIMUM_FLOOR}")
        if self.comment_minimum < max(COMMENT_MINIMUM_FLOOR, self.minimum):
            raise PolicyError(
                f"the comment minimum cannot be below {COMMENT_MINIMUM_FLOOR} "
                "or below the minimum group size"
            )
        if self.rounding_base < 1:
            raise PolicyError("counts must be rounded to a base of at least 1")
        if self.mean_decimals < 0:
            raise PolicyError("means need zero or more decimal places")

    def round_count(self, count: int) -> int:
        """Round a count to the nearest ``rounding_base``, halves up."""
        base = self.rounding_base
        return base * ((count + base // 2) // base)

    def round_mean(self, mean: float) -> float:
        return round(mean, self.mean_decimals)

    @property
    def note(self) -> str:
        """A plain-English line for the foot of every report table."""
        rounding = (
            f" Numbers of people are rounded to the nearest {self.rounding_base}."
            if self.rounding_base > 1
            else ""
        )
        return (
            f"Groups of fewer than {self.minimum} people are not shown, and nor is anything "
            f"that would let a smaller group be worked out.{rounding}"
        )
