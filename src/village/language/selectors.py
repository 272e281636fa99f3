"""Reads for the language lens on the web.

The lens reads with the glossary of the partnership the reader is in: Village's shipped
entries, with the partnership's own entries added and its changes made (turned off, or in
its own words). Anyone with no partnership known (a guest, someone signed in with no
membership) reads with Village's glossary alone. Hints and checks read only the words they
are given and keep nothing.

A partnership's glossary is compiled once per process and kept, with a stamp of its rows
(how many, and the latest change); each read compares the stamp (one small query), so a
change made on any server is used by every server on its next read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max

from village.engines.lens import (
    Entry,
    Finding,
    Matcher,
    Source,
    Term,
    apply_config,
    default_glossary,
    default_matcher,
    default_vocabulary,
    parse_config,
)
from village.language.models import Category, GlossaryEntry
from village.people.models import Partnership
from village.people.selectors import partnership_by_slug

# Drafts longer than this are read only this far: every box in Village is shorter, and it
# keeps each hint fast whatever is posted.
HINTS_TEXT_LIMIT = 10_000


def prepare() -> None:
    """Build Village's glossary matcher now, once, rather than on the first hint a request
    asks for (a web server's process calls this when it starts)."""
    default_matcher()


# A document is read to this many characters at most: about 60 pages of prose.
DOCUMENT_TEXT_LIMIT = 200_000
# Compiled partnership glossaries kept per process (the least recently used go first).
_KEEP_COMPILED = 64
OWN_PREFIX = "own-"

_compiled: OrderedDict[int, tuple[tuple[int, Any], Matcher]] = OrderedDict()
_compiled_lock = threading.Lock()


def _source(title: str, url: str) -> dict[str, str]:
    return {"title": title, "url": url}


def glossary_settings(*, partnership_id: int) -> dict[str, Any]:
    """A partnership's glossary as the lens's plain settings (see engines/lens/config.py).

    Changes to shipped entries that a later version of Village no longer ships are left out.
    """
    shipped = default_glossary().ids
    disable: list[str] = []
    edit: dict[str, Any] = {}
    entries: list[dict[str, Any]] = []
    for row in GlossaryEntry.objects.filter(partnership_id=partnership_id).order_by("pk"):
        if row.is_own:
            if row.is_on:
                entries.append(
                    {
                        "id": f"{OWN_PREFIX}{row.pk}",
                        "term": row.term,
                        "variants": [row.term, *row.other_forms],
                        "alternatives": row.alternatives,
                        "category": row.category,
                        "severity": row.severity,
                        "reason": row.reason,
                        "sources": [_source(row.source_title, row.source_url)],
                    }
                )
        elif row.builtin in shipped:
            if not row.is_on:
                disable.append(row.builtin)
            elif row.is_edited:
                edit[row.builtin] = {
                    "alternatives": row.alternatives,
                    "reason": row.reason,
                    "sources": [_source(row.source_title, row.source_url)],
                }
    return {"disable": disable, "edit": edit, "entries": entries}


def glossary_settings_for_slug(*, slug: str) -> dict[str, Any] | None:
    """The settings of the partnership with this short name, or None if there is none."""
    partnership = partnership_by_slug(slug=slug)
    return None if partnership is None else glossary_settings(partnership_id=partnership.pk)


def matcher_for(*, partnership_id: int | None) -> Matcher:
    """The partnership's glossary compiled for reading; Village's own when none is known."""
    if partnership_id is None:
        return default_matcher()
    stamp = GlossaryEntry.objects.filter(partnership_id=partnership_id).aggregate(
        rows=Count("pk"), changed=Max("updated_at")
    )
    if not stamp["rows"]:
        return default_matcher()
    version = (stamp["rows"], stamp["changed"])
    with _compiled_lock:
        kept = _compiled.get(partnership_id)
        if kept is not None and kept[0] == version:
            _compiled.move_to_end(partnership_id)
            return kept[1]
    matcher = Matcher(apply_config(parse_config(glossary_settings(partnership_id=partnership_id))))
    with _compiled_lock:
        _compiled[partnership_id] = (version, matcher)
        _compiled.move_to_end(partnership_id)
        while len(_compiled) > _KEEP_COMPILED:
            _compiled.popitem(last=False)
    return matcher


def hints_for(*, text: str, partnership_id: int | None = None) -> list[Finding]:
    """The words in a draft worth a second thought, each with kinder alternatives and why."""
    matcher = matcher_for(partnership_id=partnership_id)
    return matcher.find(text[:HINTS_TEXT_LIMIT], min_severity="suggestion")


@dataclass(frozen=True)
class Piece:
    """A run of a document's text, and the finding it is when it is a flagged word."""

    text: str
    finding: Finding | None = None


def document_findings(*, text: str, partnership_id: int | None = None) -> list[Finding]:
    """Every word in a document worth a second thought (suggestion and above)."""
    return matcher_for(partnership_id=partnership_id).find(text, min_severity="suggestion")


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


@dataclass(frozen=True)
class GlossaryRow:
    """One entry as the partnership uses it, for the admins' glossary pages."""

    key: str  # the shipped entry's id, or own-<pk>
    term: str
    forms: tuple[str, ...]
    category: str
    alternatives: tuple[str, ...]
    reason: str
    sources: tuple[Source, ...]
    is_own: bool
    is_on: bool
    is_edited: bool
    off_source: Source | None
    row: GlossaryEntry | None

    def matches(self, search: str) -> bool:
        words = " ".join((self.term, *self.forms, *self.alternatives)).casefold()
        return search.casefold() in words


def _category_label(category: str) -> str:
    return str(Category(category).label) if category in Category.values else category


def _off_source(row: GlossaryEntry | None) -> Source | None:
    if row is None or row.is_on:
        return None
    return Source(title=row.off_source_title, url=row.off_source_url)


def _shipped_row(entry: Entry, row: GlossaryEntry | None) -> GlossaryRow:
    edited = row is not None and row.is_edited
    return GlossaryRow(
        key=entry.id,
        term=entry.term,
        forms=entry.variants + entry.exact,
        category=_category_label(entry.category),
        alternatives=tuple(row.alternatives) if row and row.alternatives else entry.alternatives,
        reason=row.reason if row and row.reason else entry.reason,
        sources=(Source(title=row.source_title, url=row.source_url),)
        if row and edited
        else entry.sources,
        is_own=False,
        is_on=row is None or row.is_on,
        is_edited=edited,
        off_source=_off_source(row),
        row=row,
    )


def _own_row(row: GlossaryEntry) -> GlossaryRow:
    return GlossaryRow(
        key=f"{OWN_PREFIX}{row.pk}",
        term=row.term,
        forms=(row.term, *row.other_forms),
        category=_category_label(row.category),
        alternatives=tuple(row.alternatives),
        reason=row.reason,
        sources=(Source(title=row.source_title, url=row.source_url),),
        is_own=True,
        is_on=row.is_on,
        is_edited=False,
        off_source=_off_source(row),
        row=row,
    )


SHOW_CHOICES = ("all", "on", "off", "own", "changed")


def glossary_rows(
    *, partnership: Partnership, search: str = "", show: str = "all"
) -> list[GlossaryRow]:
    """Every entry the partnership has, A to Z: Village's (as changed) and its own.

    ``show`` narrows to entries that are on, off, the partnership's own, or Village's entries
    the partnership changed."""
    rows = list(GlossaryEntry.objects.filter(partnership=partnership))
    by_builtin = {row.builtin: row for row in rows if not row.is_own}
    found = [_shipped_row(entry, by_builtin.get(entry.id)) for entry in default_glossary()]
    found.extend(_own_row(row) for row in rows if row.is_own)
    wanted = {
        "all": lambda item: True,
        "on": lambda item: item.is_on,
        "off": lambda item: not item.is_on,
        "own": lambda item: item.is_own,
        "changed": lambda item: item.row is not None and not item.is_own,
    }.get(show, lambda item: True)
    search = " ".join(search.split())
    return sorted(
        (item for item in found if wanted(item) and (not search or item.matches(search))),
        key=lambda item: (item.term.casefold(), item.key),
    )


def glossary_row(*, partnership: Partnership, key: str) -> GlossaryRow | None:
    """One entry of the partnership's glossary by its key, or None (also for another
    partnership's own entry)."""
    if key.startswith(OWN_PREFIX):
        pk = key.removeprefix(OWN_PREFIX)
        row = (
            GlossaryEntry.objects.filter(partnership=partnership, builtin="", pk=int(pk)).first()
            if pk.isdigit() and len(pk) <= 12
            else None
        )
        return None if row is None else _own_row(row)
    entry = default_glossary().get(key)
    if entry is None:
        return None
    return _shipped_row(
        entry, GlossaryEntry.objects.filter(partnership=partnership, builtin=key).first()
    )


def entry_to_change(
    *, partnership: Partnership, key: str
) -> tuple[GlossaryRow, GlossaryEntry] | None:
    """An entry of the partnership's glossary and the row a change to it is saved in: its
    own row, or a new unsaved one for a shipped entry the partnership has not changed yet."""
    row = glossary_row(partnership=partnership, key=key)
    if row is None:
        return None
    return row, row.row or GlossaryEntry(partnership=partnership, builtin=row.key, term=row.term)
