"""The shipped glossary, the vocabulary, and the checks that guard the data files."""

from __future__ import annotations

from typing import Any

import pytest

from village.engines.lens import patterns
from village.engines.lens.glossary import (
    CATEGORIES,
    SEVERITIES,
    Glossary,
    GlossaryError,
    check_forms,
    default_glossary,
    default_sources,
    load_yaml_text,
    parse_entry,
)
from village.engines.lens.vocabulary import default_vocabulary, explain, parse_term


def entry(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "our-term",
        "term": "our term",
        "variants": ["our term{,s}"],
        "alternatives": ["a better term"],
        "category": "jargon",
        "severity": "info",
        "reason": "Because.",
        "sources": ["nlc"],
    }
    data.update(changes)
    return data


def test_shipped_glossary_has_enough_complete_entries() -> None:
    glossary = default_glossary()
    assert len(glossary) >= 100
    assert {e.category for e in glossary} == set(CATEGORIES)
    for item in glossary:
        assert item.alternatives and item.reason and item.term and item.fine_when
        assert item.severity in SEVERITIES
        assert item.source.title and item.source.url.startswith(("https://", "http://"))


def test_sources_keep_title_publisher_year_and_url() -> None:
    source = default_sources()["tact_2019"]
    assert source.publisher.startswith("TACT")
    assert source.year == "2019"
    assert source.url.startswith("https://")


def test_braces_expand_to_inflections() -> None:
    assert patterns.expand("abscond{,s,ed}") == ["abscond", "absconds", "absconded"]
    assert patterns.expand("{a,b} {c,d}") == ["a c", "a d", "b c", "b d"]
    with pytest.raises(patterns.FormError):
        patterns.expand("bad{brace")


def test_a_valid_entry_parses() -> None:
    parsed = parse_entry(entry(), sources=default_sources(), where="test")
    assert parsed.variants == ("our term", "our terms")
    assert parsed.source.title == "Language guide"


def test_inline_source_is_accepted() -> None:
    inline = {"title": "Our policy", "url": "https://example.org/p", "year": 2025}
    parsed = parse_entry(entry(sources=[inline]), sources={}, where="test")
    assert parsed.source.year == "2025"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"severity": "loud"}, "severity 'loud' is not one of"),
        ({"category": "rude"}, "category 'rude' is not one of"),
        ({"colour": "blue"}, "unknown field"),
        ({"sources": ["nowhere"]}, "unknown source 'nowhere'"),
        ({"sources": []}, "'sources' must list at least one source"),
        ({"variants": [], "exact": []}, "give at least one form"),
        ({"variants": ["our {term"]}, "unbalanced braces"),
        ({"alternatives": []}, "'alternatives' must be a list"),
        ({"id": "Not An Id"}, "'id' must be lower-case"),
        ({"reason": ""}, "'reason' must be a non-empty string"),
        ({"context": {"fine_sometimes": ["x"]}}, "unknown context rule"),
        ({"context": {"only_near": {"words": ["mum"], "within": 0}}}, "'within'"),
        ({"sources": [{"title": "T", "url": "ftp://x"}]}, "source url must start"),
    ],
)
def test_invalid_entries_get_clear_errors(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(GlossaryError, match=message) as error:
        parse_entry(entry(**changes), sources=default_sources(), where="file.yaml: entry 1")
    assert str(error.value).startswith("file.yaml: entry 1")


def test_duplicate_ids_and_shared_forms_are_refused() -> None:
    one = parse_entry(entry(), sources=default_sources(), where="t")
    two = parse_entry(
        entry(id="other", variants=["our-term"]), sources=default_sources(), where="t"
    )
    with pytest.raises(GlossaryError, match="used twice"):
        Glossary(entries=(one, one))
    with pytest.raises(GlossaryError, match="both match the form"):
        check_forms([one, two])


def test_bad_yaml_names_the_line_not_the_content() -> None:
    with pytest.raises(GlossaryError, match=r"x.yaml: not valid YAML at line 2") as error:
        load_yaml_text("a: 1\nb: secret: x\n", where="x.yaml")
    assert "secret" not in str(error.value)


def test_vocabulary_explains_words_with_sources() -> None:
    vocabulary = default_vocabulary()
    ids = {term.id for term in vocabulary.terms}
    assert {"co-regulation", "dissociation", "rupture-and-repair", "holding", "safe-debrief"} <= ids
    assert len(ids) >= 15
    for term in vocabulary.terms:
        assert term.explanation and term.sources
    for word, expected in [
        ("Co-regulating", "co-regulation"),
        ("dissociated", "dissociation"),
        ("repairing the rupture", "rupture-and-repair"),
        ("holding in mind", "holding"),
        ("safe debrief", "safe-debrief"),
    ]:
        found = explain(word)
        assert found is not None and found.id == expected


def test_vocabulary_mentions_are_explained_not_flagged() -> None:
    text = "After a safe debrief we used co-regulation and PACE, at our own pace."
    mentions = default_vocabulary().mentions(text)
    assert [(m.text, m.term.id) for m in mentions] == [
        ("safe debrief", "safe-debrief"),
        ("co-regulation", "co-regulation"),
        ("PACE", "pace"),
    ]
    assert explain("no such word") is None


def test_vocabulary_terms_are_validated() -> None:
    with pytest.raises(GlossaryError, match="'explanation'"):
        parse_term(
            {"id": "x", "term": "x", "variants": ["x"], "sources": ["nlc"]},
            sources=default_sources(),
            where="vocabulary.yaml",
        )
