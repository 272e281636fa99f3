"""Inline suppression: authors can tell the lens that a word is meant, where it is meant.

A directive is the text ``lens-ignore`` anywhere in the document, usually inside a comment
(``<!-- ... -->`` in Markdown and HTML, ``# ...`` or plain text elsewhere):

``lens-ignore-line``
    no findings on this line;
``lens-ignore-next-line``
    no findings on the next line;
``lens-ignore-start`` ... ``lens-ignore-end``
    no findings between the two;
``lens-ignore: placement, contact``
    no findings for these entries or words anywhere in the document.

Any of the first three may name entries or words too (``lens-ignore-line: respite``) to
silence only those. A name is an entry id (``did-not-attend``) or any of an entry's words
(``DNA`` silences that whole entry), compared ignoring case, hyphens and apostrophe style. A bare
``lens-ignore`` with no names silences the whole document. Words inside a directive are
never flagged themselves.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from village.engines.lens import patterns
from village.engines.lens.glossary import Entry

_DIRECTIVE = re.compile(
    r"lens-ignore(?P<kind>-line|-next-line|-start|-end)?(?![\w-])"
    r"(?:[ \t]*:[ \t]*(?P<names>[^\n]*?))?[ \t]*(?=-->|\*/|\n|$)"
)


@dataclass(frozen=True)
class _Rule:
    start: int  # offsets the rule covers, end exclusive
    end: int
    names: frozenset[str]  # empty: every finding


def _names(raw: str | None) -> frozenset[str]:
    if not raw:
        return frozenset()
    return frozenset(patterns.key(name) for name in raw.split(",") if name.strip())


class Suppressions:
    """The directives found in one text, ready to answer "is this finding silenced?"."""

    def __init__(self, text: str) -> None:
        self._rules: list[_Rule] = []
        self._directives: list[tuple[int, int]] = []
        if "lens-ignore" not in text:
            return
        line_starts = [0, *(match.end() for match in re.finditer("\n", text))]
        open_blocks: list[tuple[int, frozenset[str]]] = []

        def line_span(line: int) -> tuple[int, int]:
            start = line_starts[line] if line < len(line_starts) else len(text)
            end = line_starts[line + 1] if line + 1 < len(line_starts) else len(text)
            return start, end

        for match in _DIRECTIVE.finditer(text):
            self._directives.append((match.start(), match.end()))
            kind = match.group("kind")
            names = _names(match.group("names"))
            line = bisect.bisect_right(line_starts, match.start()) - 1
            if kind == "-line":
                self._rules.append(_Rule(*line_span(line), names))
            elif kind == "-next-line":
                self._rules.append(_Rule(*line_span(line + 1), names))
            elif kind == "-start":
                open_blocks.append((match.end(), names))
            elif kind == "-end":
                if open_blocks:
                    block_start, block_names = open_blocks.pop()
                    self._rules.append(_Rule(block_start, match.start(), block_names))
            else:
                self._rules.append(_Rule(0, len(text), names))
        for block_start, block_names in open_blocks:
            self._rules.append(_Rule(block_start, len(text), block_names))

    def __bool__(self) -> bool:
        return bool(self._rules or self._directives)

    def silences(self, *, start: int, end: int, entry: Entry, text: str) -> bool:
        """True when a finding of ``entry`` at ``start:end`` (reading ``text``) is silenced."""
        if any(low < end and start < high for low, high in self._directives):
            return True
        rules = [rule for rule in self._rules if rule.start <= start < rule.end]
        if any(not rule.names for rule in rules):
            return True
        if not rules:
            return False
        wanted = {
            patterns.key(entry.id),
            patterns.key(text),
            *(patterns.key(form) for form in (*entry.variants, *entry.exact)),
        }
        return any(rule.names & wanted for rule in rules)
