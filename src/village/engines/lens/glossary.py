"""The care-language glossary: YAML data files validated into frozen dataclasses.

The data ships in ``data/``: ``sources.yaml`` (the published guides, keyed) and
``glossary/*.yaml`` (the entries). Partnerships add and change entries through
:mod:`village.engines.lens.config`, which reuses :func:`parse_entry`, so a file on disk and a
row in the web app's database go through the same checks. Errors name the file, the entry
and the field, because the people editing these files are not programmers.

An entry looks like this (``context`` and ``fine_when`` are optional)::

    - id: placement
      term: placement
      variants: ["placement{,s}", "placed out of area"]
      exact: []                  # forms matched only in this case, e.g. acronyms: [LAC]
      alternatives: [home]
      category: institutional    # stigmatising | deficit | blaming | institutional | jargon
      severity: warning          # info < suggestion < warning < error
      reason: In our own words, why the word hurts and what to say instead.
      sources: [nlc]             # keys into sources.yaml, or inline {title, publisher, year, url}
      fine_when: Work and student placements.
      context:
        fine_in: ["student placement"]   # the match is fine inside one of these phrases
        fine_before: [work]              # ... or straight after one of these words
        fine_after: [year]               # ... or straight before one of these words
        only_near: {words: [mum, dad], within: 6}  # flag only with one of these nearby

``fine_before``, ``fine_after``, ``fine_near``, ``only_before``, ``only_after`` and
``only_near`` take a list of words or phrases, or ``{words: [...], within: N}`` to look up to
N words away (default: adjacent; the ``_near`` rules default to 6 words either side). A match
is skipped when any ``fine_`` rule holds; with ``only_`` rules, one of them must hold.
Context never crosses the end of a sentence. Words and phrases may use the ``{a,b}``
expansion of :mod:`.patterns`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from village.engines.lens import patterns

CATEGORIES: tuple[str, ...] = ("stigmatising", "deficit", "blaming", "institutional", "jargon")
SEVERITIES: tuple[str, ...] = ("info", "suggestion", "warning", "error")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ENTRY_KEYS = frozenset(
    {
        "id",
        "term",
        "variants",
        "exact",
        "alternatives",
        "category",
        "severity",
        "reason",
        "sources",
        "fine_when",
        "context",
    }
)
_SOURCE_KEYS = frozenset({"title", "publisher", "year", "url", "note"})
_RULE_KINDS: dict[str, tuple[str, str, int]] = {
    # key: (effect, where, default window in words; 0 = as long as the phrase)
    "fine_before": ("fine", "before", 0),
    "fine_after": ("fine", "after", 0),
    "fine_near": ("fine", "near", 6),
    "only_before": ("only", "before", 0),
    "only_after": ("only", "after", 0),
    "only_near": ("only", "near", 6),
}


# libyaml's safe loader when PyYAML was built with it (several times faster), else pure Python.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class GlossaryError(ValueError):
    """A glossary, vocabulary or configuration file that does not follow the schema."""


def severity_rank(severity: str) -> int:
    """Position of a severity on the info < suggestion < warning < error scale."""
    try:
        return SEVERITIES.index(severity)
    except ValueError:
        raise GlossaryError(
            f"severity {severity!r} is not one of {', '.join(SEVERITIES)}"
        ) from None


@dataclass(frozen=True)
class Source:
    """A published guide an entry rests on."""

    title: str
    url: str
    publisher: str = ""
    year: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "title": self.title,
            "publisher": self.publisher,
            "year": self.year,
            "url": self.url,
        }


@dataclass(frozen=True)
class ContextRule:
    """Words before, after or near a match that make it fine, or that it needs to be flagged."""

    effect: str  # "fine" or "only"
    where: str  # "before", "after" or "near"
    phrases: tuple[tuple[str, ...], ...]
    within: int
    adjacent: bool


@dataclass(frozen=True)
class Context:
    """The machine-readable half of 'the contexts where the term is fine'."""

    fine_in: tuple[str, ...] = ()
    rules: tuple[ContextRule, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.fine_in and not self.rules


@dataclass(frozen=True)
class Entry:
    """One glossary entry: the words to notice, kinder words, the reason and the source."""

    id: str
    term: str
    variants: tuple[str, ...]
    exact: tuple[str, ...]
    alternatives: tuple[str, ...]
    category: str
    severity: str
    reason: str
    sources: tuple[Source, ...]
    fine_when: str = ""
    context: Context = field(default_factory=Context)

    @property
    def source(self) -> Source:
        """The main source (the first listed)."""
        return self.sources[0]


@dataclass(frozen=True)
class Glossary:
    """An ordered, validated set of entries (earlier entries win when forms collide)."""

    entries: tuple[Entry, ...]

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for entry in self.entries:
            if entry.id in seen:
                raise GlossaryError(f"entry id {entry.id!r} is used twice")
            seen.add(entry.id)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def get(self, entry_id: str) -> Entry | None:
        return next((entry for entry in self.entries if entry.id == entry_id), None)

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(entry.id for entry in self.entries)


def text_field(data: Mapping[str, Any], name: str, where: str, *, required: bool = True) -> str:
    """A stripped string field (numbers read as text), or a schema error naming it."""
    value = data.get(name)
    if value is None and not required:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or (required and not value.strip()):
        raise GlossaryError(f"{where}: '{name}' must be a non-empty string")
    return value.strip()


def strings_field(
    data: Mapping[str, Any], name: str, where: str, *, required: bool = True
) -> tuple[str, ...]:
    """A list of non-empty strings (one string reads as a list of one), stripped."""
    value = data.get(name)
    if value is None and not required:
        return ()
    if isinstance(value, str):
        value = [value]
    if (
        not isinstance(value, list)
        or (required and not value)
        or not all(isinstance(item, str) and item.strip() for item in value)
    ):
        raise GlossaryError(f"{where}: '{name}' must be a list of non-empty strings")
    return tuple(item.strip() for item in value)


def _expanded(forms: Iterable[str], where: str) -> tuple[str, ...]:
    out: list[str] = []
    for form in forms:
        try:
            out.extend(patterns.expand(form))
        except patterns.FormError as error:
            raise GlossaryError(f"{where}: {error}") from None
    return tuple(dict.fromkeys(out))


def parse_source(data: Any, *, where: str) -> Source:
    """Validate one source mapping (title and url required; publisher and year optional)."""
    if not isinstance(data, Mapping):
        raise GlossaryError(f"{where}: a source must be a mapping with title and url")
    unknown = set(data) - _SOURCE_KEYS
    if unknown:
        raise GlossaryError(f"{where}: unknown source field(s) {', '.join(sorted(unknown))}")
    url = text_field(data, "url", where)
    if not url.startswith(("https://", "http://")):
        raise GlossaryError(f"{where}: source url must start with https:// or http://")
    return Source(
        title=text_field(data, "title", where),
        url=url,
        publisher=text_field(data, "publisher", where, required=False),
        year=text_field(data, "year", where, required=False),
    )


def parse_sources(data: Any, *, where: str) -> dict[str, Source]:
    """Validate a ``{key: source}`` table."""
    if not isinstance(data, Mapping):
        raise GlossaryError(f"{where}: sources must be a mapping of key to source")
    return {
        str(name): parse_source(value, where=f"{where}: source {name!r}")
        for name, value in data.items()
    }


def _rule(name: str, value: Any, where: str) -> ContextRule:
    effect, place, default_within = _RULE_KINDS[name]
    within = default_within
    adjacent = place != "near"
    if isinstance(value, Mapping):
        unknown = set(value) - {"words", "within"}
        if unknown:
            raise GlossaryError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        within_value = value.get("within", default_within)
        if not isinstance(within_value, int) or isinstance(within_value, bool) or within_value < 1:
            raise GlossaryError(f"{where}: 'within' must be a whole number of words, 1 or more")
        within = within_value
        adjacent = adjacent and "within" not in value
        words = strings_field(value, "words", where)
    else:
        words = strings_field({name: value}, name, where)
    phrases = tuple(tuple(patterns.tokens(form)) for form in _expanded(words, where))
    if not all(phrases):
        raise GlossaryError(f"{where}: every word or phrase must contain letters or digits")
    longest = max(len(phrase) for phrase in phrases)
    return ContextRule(
        effect=effect,
        where=place,
        phrases=phrases,
        within=max(within, longest),
        adjacent=adjacent,
    )


def parse_context(data: Any, *, where: str) -> Context:
    """Validate the ``context`` block of an entry."""
    if data is None:
        return Context()
    if not isinstance(data, Mapping):
        raise GlossaryError(f"{where}: 'context' must be a mapping")
    unknown = set(data) - {"fine_in", *_RULE_KINDS}
    if unknown:
        raise GlossaryError(
            f"{where}: unknown context rule(s) {', '.join(sorted(unknown))}; "
            f"use fine_in, {', '.join(_RULE_KINDS)}"
        )
    fine_in = _expanded(strings_field(data, "fine_in", where, required=False), f"{where}: fine_in")
    rules = tuple(
        _rule(name, data[name], f"{where}: {name}") for name in _RULE_KINDS if name in data
    )
    return Context(fine_in=fine_in, rules=rules)


def resolve_sources(raw: Any, *, sources: Mapping[str, Source], where: str) -> tuple[Source, ...]:
    """A ``sources`` field: keys into ``sources`` or inline source mappings, at least one."""
    if isinstance(raw, str | Mapping):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise GlossaryError(f"{where}: 'sources' must list at least one source")
    resolved: list[Source] = []
    for item in raw:
        if isinstance(item, str):
            if item not in sources:
                raise GlossaryError(f"{where}: unknown source {item!r}")
            resolved.append(sources[item])
        else:
            resolved.append(parse_source(item, where=f"{where}: sources"))
    return tuple(resolved)


def parse_entry(data: Any, *, sources: Mapping[str, Source], where: str) -> Entry:
    """Validate one entry mapping; ``sources`` resolves source keys."""
    if not isinstance(data, Mapping):
        raise GlossaryError(f"{where}: each entry must be a mapping")
    entry_id = data.get("id")
    if not isinstance(entry_id, str) or not _ID.match(entry_id):
        raise GlossaryError(f"{where}: 'id' must be lower-case words joined by hyphens")
    where = f"{where} ({entry_id})"
    unknown = set(data) - _ENTRY_KEYS
    if unknown:
        raise GlossaryError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    variants = _expanded(
        strings_field(data, "variants", where, required=False), f"{where}: variants"
    )
    exact = _expanded(strings_field(data, "exact", where, required=False), f"{where}: exact")
    if not variants and not exact:
        raise GlossaryError(f"{where}: give at least one form in 'variants' or 'exact'")
    category = text_field(data, "category", where)
    if category not in CATEGORIES:
        raise GlossaryError(f"{where}: category {category!r} is not one of {', '.join(CATEGORIES)}")
    severity = text_field(data, "severity", where)
    if severity not in SEVERITIES:
        raise GlossaryError(f"{where}: severity {severity!r} is not one of {', '.join(SEVERITIES)}")
    resolved = resolve_sources(data.get("sources"), sources=sources, where=where)
    return Entry(
        id=entry_id,
        term=text_field(data, "term", where),
        variants=variants,
        exact=exact,
        alternatives=strings_field(data, "alternatives", where),
        category=category,
        severity=severity,
        reason=" ".join(text_field(data, "reason", where).split()),
        sources=resolved,
        fine_when=" ".join(text_field(data, "fine_when", where, required=False).split()),
        context=parse_context(data.get("context"), where=f"{where}: context"),
    )


def parse_entries(data: Any, *, sources: Mapping[str, Source], where: str) -> tuple[Entry, ...]:
    """Validate a list of entries (a glossary file's ``entries``)."""
    if not isinstance(data, list):
        raise GlossaryError(f"{where}: 'entries' must be a list")
    return tuple(
        parse_entry(item, sources=sources, where=f"{where}: entry {index + 1}")
        for index, item in enumerate(data)
    )


def check_forms(entries: Sequence[Entry]) -> None:
    """Refuse two entries that claim the same spelling: the finding would be ambiguous."""
    owner: dict[str, str] = {}
    for entry in entries:
        for form_key in {patterns.key(form) for form in entry.variants} | {
            patterns.exact_key(form) for form in entry.exact
        }:
            other = owner.setdefault(form_key, entry.id)
            if other != entry.id:
                raise GlossaryError(
                    f"entries {other!r} and {entry.id!r} both match the form {form_key!r}"
                )


def load_yaml_text(text: str, *, where: str) -> Any:
    """Parse YAML with an error that names the file and line (never the content)."""
    try:
        return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None)
        at += f" ({problem})" if problem else ""
        raise GlossaryError(f"{where}: not valid YAML{at}") from None


@cache
def default_sources() -> dict[str, Source]:
    """The published guides shipped with the package."""
    data = resources.files(__package__).joinpath("data", "sources.yaml")
    parsed = load_yaml_text(data.read_text(encoding="utf-8"), where="sources.yaml")
    if not isinstance(parsed, Mapping) or "sources" not in parsed:
        raise GlossaryError("sources.yaml: expected a top-level 'sources' mapping")
    return parse_sources(parsed["sources"], where="sources.yaml")


@cache
def default_glossary() -> Glossary:
    """The glossary shipped with the package (every ``data/glossary/*.yaml``, by file name)."""
    sources = default_sources()
    folder = resources.files(__package__).joinpath("data", "glossary")
    entries: list[Entry] = []
    for item in sorted(folder.iterdir(), key=lambda item: item.name):
        if not item.name.endswith(".yaml"):
            continue
        where = f"glossary/{item.name}"
        parsed = load_yaml_text(item.read_text(encoding="utf-8"), where=where)
        if not isinstance(parsed, Mapping) or set(parsed) != {"entries"}:
            raise GlossaryError(f"{where}: expected a single top-level 'entries' list")
        entries.extend(parse_entries(parsed["entries"], sources=sources, where=where))
    check_forms(entries)
    return Glossary(entries=tuple(entries))
