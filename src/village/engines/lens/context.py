"""Context rules: whether a match is the problem, or an innocent use of the same words.

"Contact with mum" is institutional language; "contact details" is not. Each entry's
:class:`~village.engines.lens.glossary.Context` says which neighbouring words make a match
fine and which words it needs nearby to be flagged. Rules look only within the sentence of
the match, so "...for her mum. Contact details are below" is not read as family contact.
Only candidate matches reach this module, so it can afford to be simple rather than fast.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from village.engines.lens import patterns
from village.engines.lens.glossary import Context, ContextRule

# Where a sentence (or a list item, or a paragraph) ends.
_BOUNDARY = re.compile(r"[.!?;](?=\s|$)|\n[ \t]*\n|\n[ \t]*(?:[-*+•]|\d+[.)])[ \t]")
_CHARS_PER_WORD = 24


@cache
def _fine_in_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return patterns.compile_forms(phrases)


def _before(text: str, start: int, count: int) -> list[str]:
    window = text[max(0, start - count * _CHARS_PER_WORD) : start]
    ends = [boundary.end() for boundary in _BOUNDARY.finditer(window)]
    if ends:
        window = window[ends[-1] :]
    return patterns.tokens(window)[-count:]


def _after(text: str, end: int, count: int) -> list[str]:
    window = text[end : end + count * _CHARS_PER_WORD]
    cut = _BOUNDARY.search(window)
    if cut is not None:
        window = window[: cut.start()]
    return patterns.tokens(window)[:count]


def _contains(words: Sequence[str], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    if size == 1:  # most phrases are one word
        return phrase[0] in words
    first = phrase[0]
    return any(
        words[i] == first and tuple(words[i : i + size]) == phrase
        for i in range(len(words) - size + 1)
    )


def _holds(rule: ContextRule, before: Sequence[str], after: Sequence[str]) -> bool:
    """Whether ``rule`` holds, given the words before and after the match (nearest last/first)."""
    if rule.where == "before":
        window = before[-rule.within :]
        if rule.adjacent:
            return any(
                len(window) >= len(phrase) and tuple(window[-len(phrase) :]) == phrase
                for phrase in rule.phrases
            )
        return any(_contains(window, phrase) for phrase in rule.phrases)
    if rule.where == "after":
        window = after[: rule.within]
        if rule.adjacent:
            return any(tuple(window[: len(phrase)]) == phrase for phrase in rule.phrases)
        return any(_contains(window, phrase) for phrase in rule.phrases)
    near_before, near_after = before[-rule.within :], after[: rule.within]
    return any(
        _contains(near_before, phrase) or _contains(near_after, phrase) for phrase in rule.phrases
    )


def _inside_fine_phrase(context: Context, text: str, start: int, end: int) -> bool:
    pattern = _fine_in_pattern(context.fine_in)
    reach = max(len(phrase) for phrase in context.fine_in) * 2 + 8
    low = max(0, start - reach - 1)  # one character more, to see where a word begins
    window = patterns.fold(text[low : min(len(text), end + reach)])
    position = max(0, start - reach) - low
    while True:
        found = pattern.search(window, position)
        if found is None or found.start() + low > start:
            return False
        if found.end() + low >= end:
            return True
        position = found.start() + 1


def allows(context: Context, text: str, start: int, end: int) -> bool:
    """True when the match ``text[start:end]`` should be flagged under ``context``."""
    if context.empty:
        return True
    if context.fine_in and _inside_fine_phrase(context, text, start, end):
        return False
    if not context.rules:
        return True
    reach = max(rule.within for rule in context.rules)
    before, after = _before(text, start, reach), _after(text, end, reach)
    needs = [rule for rule in context.rules if rule.effect == "only"]
    for rule in context.rules:
        if rule.effect == "fine" and _holds(rule, before, after):
            return False
    return not needs or any(_holds(rule, before, after) for rule in needs)
