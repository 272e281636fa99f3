"""Precision and recall on the labelled corpus (the issue asks for 0.95 or better on both)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.engines.lens.conftest import CORPORA, load_corpus
from village.engines.lens.matcher import find

TRAPS = (
    "contact details",
    "student placement",
    "alcoholic drinks",
    "DNA test",
    "toxic waste",
    "match kicked off at three",
)


def score(corpus: list[dict[str, Any]]) -> tuple[float, float, list[str]]:
    true_positives = false_positives = false_negatives = 0
    misses: list[str] = []
    for sentence in corpus:
        expected = Counter(sentence["expect"])
        got = Counter(f"{f.entry_id}={f.text}" for f in find(sentence["text"]))
        hit = sum((expected & got).values())
        true_positives += hit
        false_positives += sum(got.values()) - hit
        false_negatives += sum(expected.values()) - hit
        if expected != got:
            misses.append(f"{sentence['text']!r}: expected {dict(expected)}, got {dict(got)}")
    precision = true_positives / (true_positives + false_positives)
    recall = true_positives / (true_positives + false_negatives)
    return precision, recall, misses


def test_corpus_is_big_enough_and_has_the_traps(corpus: list[dict[str, Any]]) -> None:
    assert len(corpus) >= 150
    assert sum(1 for sentence in corpus if not sentence["expect"]) >= 50
    text = " ".join(sentence["text"] for sentence in corpus if not sentence["expect"]).lower()
    for trap in TRAPS:
        assert trap.lower() in text


def test_care_practice_corpora_are_big_enough() -> None:
    practice, blind = load_corpus(CORPORA["practice"]), load_corpus(CORPORA["blind"])
    assert len(practice) >= 300
    assert sum(1 for sentence in practice if not sentence["expect"]) >= 100
    assert len(blind) >= 60
    assert sum(1 for sentence in blind if not sentence["expect"]) >= 20
    written_before = {sentence["text"] for sentence in practice}
    assert not written_before & {sentence["text"] for sentence in blind}


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_precision_and_recall(name: str) -> None:
    precision, recall, misses = score(load_corpus(CORPORA[name]))
    print(f"\nlens corpus {name}: precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.95, misses
    assert recall >= 0.95, misses
