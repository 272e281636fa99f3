"""Reads for the language lens on the web. They read only the text they are given: nothing
from the database, and they keep nothing."""

from __future__ import annotations

from dataclasses import dataclass

from village.engines.lens import Finding, Term, default_vocabulary, find

# Drafts longer than this are read only this far: every box in Village is shorter, and it
# keeps each hint fast whatever is posted.
HINTS_TEXT_LIMIT = 10_000


def prepare() -> None:
    """Build the glossary's matcher now, once, rather than on the first hint a request asks
    for (a web server's process calls this when it starts)."""
    find("")


def hints_for(*, text: str) -> list[Finding]:
    """The words in a draft worth a second thought, each with kinder alternatives and why."""
    return find(text[:HINTS_TEXT_LIMIT], min_severity="suggestion")


# A document is read to this many characters at most: about 60 pages of prose.
DOCUMENT_TEXT_LIMIT = 200_000


@dataclass(frozen=True)
class Piece:
    """A run of a document's text, and the finding it is when it is a flagged word."""

    text: str
    finding: Finding | None = None


def document_findings(*, text: str) -> list[Finding]:
    """Every word in a document worth a second thought (suggestion and above)."""
    return find(text, min_severity="suggestion")


def pieces(*, text: str, findings: list[Finding]) -> list[Piece]:
    """The text cut at its findings, so a page can show each one highlighted in place."""
    out: list[Piece] = []
    at = 0
    for finding in findings:
        if finding.start < at:
            continue
        out.append(Piece(text[at : finding.start]))
        out.append(Piece(text[finding.start : finding.end], finding))
        at = finding.end
    out.append(Piece(text[at:]))
    return out


def words_that_help() -> list[Term]:
    """The trauma- and shame-recovery words Village explains, A to Z."""
    return sorted(default_vocabulary().terms, key=lambda term: term.term.casefold())
