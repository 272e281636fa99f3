"""Trauma- and recovery-informed vocabulary: words to explain, never to flag.

Practitioners use words such as co-regulation, dissociation or safe debrief that families and
colleagues from other sectors may not know. The web app shows the plain-English explanation
beside them. The data is ``data/vocabulary.yaml``; each term has an id, the term, variants
(same ``{a,b}`` and hyphen conventions as the glossary, see :mod:`.patterns`), optional
exact-case forms, an explanation and sources.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from village.engines.lens import patterns
from village.engines.lens.glossary import (
    GlossaryError,
    Source,
    default_sources,
    load_yaml_text,
)

_KEYS = frozenset({"id", "term", "variants", "exact", "explanation", "sources"})


@dataclass(frozen=True)
class Term:
    """A word worth explaining, with the explanation and where it comes from."""

    id: str
    term: str
    variants: tuple[str, ...]
    exact: tuple[str, ...]
    explanation: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Mention:
    """Where a vocabulary term appears in a text (offsets as for findings)."""

    start: int
    end: int
    text: str
    term: Term


def _strings(item: Mapping[str, Any], name: str, where: str) -> tuple[str, ...]:
    value = item.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise GlossaryError(f"{where}: '{name}' must be a list of non-empty strings")
    expanded: list[str] = []
    for form in value:
        try:
            expanded.extend(patterns.expand(form))
        except patterns.FormError as error:
            raise GlossaryError(f"{where}: {error}") from None
    return tuple(expanded)


def parse_term(item: Any, *, sources: Mapping[str, Source], where: str) -> Term:
    """Validate one vocabulary term."""
    if not isinstance(item, Mapping):
        raise GlossaryError(f"{where}: each term must be a mapping")
    where = f"{where} ({item.get('id', '?')})"
    unknown = set(item) - _KEYS
    if unknown:
        raise GlossaryError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    for name in ("id", "term", "explanation"):
        if not isinstance(item.get(name), str) or not item[name].strip():
            raise GlossaryError(f"{where}: '{name}' must be a non-empty string")
    keys = item.get("sources")
    if not isinstance(keys, list) or not keys or not all(key in sources for key in keys):
        raise GlossaryError(f"{where}: 'sources' must list known source keys")
    variants = _strings(item, "variants", where)
    exact = _strings(item, "exact", where)
    if not variants and not exact:
        raise GlossaryError(f"{where}: give at least one form in 'variants' or 'exact'")
    return Term(
        id=item["id"],
        term=item["term"].strip(),
        variants=variants,
        exact=exact,
        explanation=" ".join(item["explanation"].split()),
        sources=tuple(sources[key] for key in keys),
    )


class Vocabulary:
    """The vocabulary, indexed for lookup by word and for finding mentions in a text."""

    def __init__(self, terms: tuple[Term, ...]) -> None:
        self.terms = terms
        self._by_key: dict[str, list[tuple[Term, str | None]]] = {}
        self._by_name: dict[str, Term] = {}
        forms: list[str] = []
        for term in terms:
            self._by_name.setdefault(patterns.key(term.id), term)
            self._by_name.setdefault(patterns.key(term.term), term)
            for name in term.variants:
                self._by_key.setdefault(patterns.key(name), []).append((term, None))
            for form in term.exact:
                self._by_key.setdefault(patterns.key(form), []).append(
                    (term, patterns.exact_key(form))
                )
            forms.extend((*term.variants, *term.exact))
        self._pattern = patterns.compile_forms(forms)

    def _form(self, word: str) -> Term | None:
        for term, exact in self._by_key.get(patterns.key(word), ()):
            if exact is None or patterns.exact_key(word) == exact:
                return term
        return None

    def explain(self, word: str) -> Term | None:
        """The term a word or phrase refers to (any spelling, inflection, id or name)."""
        return self._form(word) or self._by_name.get(patterns.key(word))

    def mentions(self, text: str) -> list[Mention]:
        """Every vocabulary term used in ``text``, in order, for explaining beside it."""
        found: list[Mention] = []
        for match in self._pattern.finditer(patterns.fold(text)):
            words = text[match.start() : match.end()]
            term = self._form(words)
            if term is not None:
                found.append(Mention(match.start(), match.end(), words, term))
        return found


@cache
def default_vocabulary() -> Vocabulary:
    """The vocabulary shipped with the package."""
    where = "vocabulary.yaml"
    data = resources.files(__package__).joinpath("data", where).read_text(encoding="utf-8")
    parsed = load_yaml_text(data, where=where)
    if not isinstance(parsed, Mapping) or not isinstance(parsed.get("terms"), list):
        raise GlossaryError(f"{where}: expected a top-level 'terms' list")
    sources = default_sources()
    terms = tuple(
        parse_term(item, sources=sources, where=f"{where}: term {index + 1}")
        for index, item in enumerate(parsed["terms"])
    )
    return Vocabulary(terms)


def explain(word: str) -> Term | None:
    """Look a word up in the shipped vocabulary (``explain("co-regulating")``)."""
    return default_vocabulary().explain(word)
