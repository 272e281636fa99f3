"""Finding glossary terms in a text, in one pass, with their context and position.

Every form of every entry is compiled into one trie-shaped regular expression
(:mod:`.patterns`), so the whole text is scanned once. Each candidate is then looked up by
its spelling-insensitive key, checked against exact-case forms (acronyms such as "LAC" or
"DNA") and the entry's context rules, and finally against inline suppression
(:mod:`.suppression`) and the minimum severity. When the longest candidate at a position is
not a problem in its context, shorter forms starting at the same place are tried, and the
scan then moves on by one word, so "contact details for mum" does not hide a later term.

Offsets are 0-based character offsets into the text, end exclusive; lines and columns are
1-based and count characters, with lines split at ``\\n``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from village.engines.lens import context, patterns
from village.engines.lens.glossary import Entry, Glossary, Source, default_glossary, severity_rank
from village.engines.lens.kept import kept
from village.engines.lens.suppression import Suppressions

_WORD_CHAR = re.compile(r"\w")


@dataclass(frozen=True)
class Finding:
    """One place where the text uses a glossary term."""

    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    entry: Entry

    @property
    def entry_id(self) -> str:
        return self.entry.id

    @property
    def category(self) -> str:
        return self.entry.category

    @property
    def severity(self) -> str:
        return self.entry.severity

    @property
    def alternatives(self) -> tuple[str, ...]:
        return self.entry.alternatives

    @property
    def reason(self) -> str:
        return self.entry.reason

    @property
    def source(self) -> Source:
        return self.entry.source

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape used by the command line and the web app."""
        return {
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "text": self.text,
            "entry": self.entry.id,
            "term": self.entry.term,
            "category": self.category,
            "severity": self.severity,
            "alternatives": list(self.alternatives),
            "reason": self.reason,
            "source": self.source.as_dict(),
            "sources": [source.as_dict() for source in self.entry.sources],
        }


class _Lines:
    """Offset to (line, column), computed once per text and only if there are findings."""

    def __init__(self, text: str) -> None:
        self._starts = [0, *(match.end() for match in re.finditer("\n", text))]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1


class Matcher:
    """A glossary compiled for matching; build once, use for many texts."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self._candidates: dict[str, list[tuple[Entry, str | None]]] = {}
        forms: list[str] = []
        for entry in glossary:
            for form in entry.variants:
                self._add(patterns.key(form), entry, None)
                forms.append(form)
            for form in entry.exact:
                self._add(patterns.key(form), entry, patterns.exact_key(form))
                forms.append(form)
        self._pattern = patterns.compile_forms(forms)

    def _add(self, form_key: str, entry: Entry, exact: str | None) -> None:
        bucket = self._candidates.setdefault(form_key, [])
        if (entry, exact) not in bucket:
            bucket.append((entry, exact))

    def entry_for(self, word: str) -> Entry | None:
        """The entry that owns ``word`` as one of its forms, whatever the context.

        For ``--explain``: any spelling the matcher would flag (an inflection, a variant, a
        hyphen or a curly apostrophe instead of a space or a straight one) finds its entry.
        Acronyms are found in any case, since someone asking about "lac" means LAC.
        """
        candidates = self._candidates.get(patterns.key(word.strip()), ())
        return candidates[0][0] if candidates else None

    def _entry_at(self, text: str, folded: str, start: int, end: int) -> Entry | None:
        # The folded text without its spaces is the words' key (patterns.key), found
        # without reading them again.
        candidates = self._candidates.get(folded[start:end].replace(" ", ""), ())
        for entry, exact in candidates:
            if exact is not None and patterns.exact_key(text[start:end]) != exact:
                continue
            if context.allows(entry.context, text, start, end):
                return entry
        return None

    def _accept(self, text: str, folded: str, start: int, end: int) -> tuple[Entry, int] | None:
        entry = self._entry_at(text, folded, start, end)
        if entry is not None:
            return entry, end
        for cut in range(end - 1, start, -1):
            if _WORD_CHAR.match(text, cut) is None and _WORD_CHAR.match(text, cut - 1):
                entry = self._entry_at(text, folded, start, cut)
                if entry is not None:
                    return entry, cut
        return None

    def find(self, text: str, *, min_severity: str = "info") -> list[Finding]:
        """Every finding in ``text`` at or above ``min_severity``, in text order."""
        floor = severity_rank(min_severity)
        suppressions = Suppressions(text)
        lines: _Lines | None = None
        findings: list[Finding] = []
        haystack, search = patterns.fold(text), self._pattern.search
        position = 0
        while (match := search(haystack, position)) is not None:
            start = match.start()
            accepted = self._accept(text, haystack, start, match.end())
            if accepted is None:
                position = start + 1
                continue
            entry, end = accepted
            position = end
            surface = text[start:end]
            if severity_rank(entry.severity) < floor:
                continue
            if suppressions and suppressions.silences(
                start=start, end=end, entry=entry, text=surface
            ):
                continue
            if lines is None:
                lines = _Lines(text)
            line, column = lines.position(start)
            end_line, end_column = lines.position(end)
            findings.append(
                Finding(
                    start=start,
                    end=end,
                    line=line,
                    column=column,
                    end_line=end_line,
                    end_column=end_column,
                    text=surface,
                    entry=entry,
                )
            )
        return findings


@cache
def default_matcher() -> Matcher:
    """The shipped glossary, compiled once per process, and kept between processes (see
    :mod:`village.engines.lens.kept`)."""
    return kept("matcher", lambda: Matcher(default_glossary()))


def find(text: str, *, matcher: Matcher | None = None, min_severity: str = "info") -> list[Finding]:
    """Findings in ``text`` with the shipped glossary, or with ``matcher`` when given."""
    return (matcher or default_matcher()).find(text, min_severity=min_severity)
