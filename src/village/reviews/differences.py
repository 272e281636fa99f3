"""Differences between two texts, word by word, for amendments and charter versions.

``difflib.SequenceMatcher`` over words (spaces kept with the word before them), so a page
shows whole words struck out and added, in reading order: ``<del>`` and ``<ins>``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

_WORDS = re.compile(r"\S+\s*|\s+")

Kind = Literal["same", "removed", "added"]


@dataclass(frozen=True)
class Piece:
    kind: Kind
    text: str


def words(text: str) -> list[str]:
    return _WORDS.findall(text)


def word_diff(before: str, after: str) -> list[Piece]:
    """The pieces that turn ``before`` into ``after``: kept, removed and added words."""
    old, new = words(before), words(after)
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", "".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", "".join(new[j1:j2])))
    return pieces
