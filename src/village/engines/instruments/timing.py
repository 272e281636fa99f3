"""How long a set of questions takes, worked out from its items so every page, form, email
and the README give the same figure.

A choice item (read a short sentence, tap an answer on a phone) takes about 5 seconds; an
optional comment box about 30 seconds for those who write one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from village.engines.instruments.model import Instrument

SECONDS_PER_CHOICE = 5
SECONDS_FOR_A_COMMENT = 30


def estimated_seconds(instruments: Sequence[Instrument], *, comment: bool) -> int:
    choices = sum(instrument.item_count for instrument in instruments)
    return choices * SECONDS_PER_CHOICE + (SECONDS_FOR_A_COMMENT if comment else 0)


def estimated_minutes(seconds: int) -> int:
    """Whole minutes, halves rounded up, and never less than one."""
    return max(1, math.floor(seconds / 60 + 0.5))
