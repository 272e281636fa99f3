"""Near-duplicate statements ("Is this what you mean?"), by a lexical method.

RapidFuzz's token-set ratio compares the sets of words two texts share, after lower-casing
and dropping punctuation, so word order, small additions ("I think...") and punctuation do
not hide a repeat. Why lexical and why RapidFuzz: statements are one short sentence, a
lexical match explains itself to a moderator (the same words), it needs no model weights,
and RapidFuzz is a small, maintained C++ library with no dependencies that scores one text
against thousands in a millisecond or two. A sentence-embedding model would catch
paraphrases with no words in common, at the price of a large download and a slower page.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

from rapidfuzz import fuzz, process, utils

K = TypeVar("K", bound=Hashable)

CUTOFF = 72.0
# Fewer words than this say too little to call anything a repeat of them.
MIN_WORDS = 3


def near_duplicates(
    text: str, candidates: Mapping[K, str], *, limit: int = 3, cutoff: float = CUTOFF
) -> list[tuple[K, float]]:
    """The candidates most like ``text`` (key and a score from 0 to 100), best first."""
    if len(utils.default_process(text).split()) < MIN_WORDS or not candidates:
        return []
    found = process.extract(
        text,
        candidates,
        scorer=fuzz.token_set_ratio,
        processor=utils.default_process,
        score_cutoff=cutoff,
        limit=limit,
    )
    return [(key, float(score)) for _choice, score, key in found]
