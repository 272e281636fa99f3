"""The identifying-details check warns on names and contact details, not on ordinary words."""

from __future__ import annotations

import pytest

from village.engines.identifying import identifying_hints


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Call me on 07700 900123", "phone"),
        ("or +44 131 496 0000 after five", "phone"),
        ("email jo.bloggs@example.org", "email"),
        ("they moved to EH1 1YZ last week", "postcode"),
        ("lives at 12 Rose Street now", "address"),
        ("born on the fourth", "date_of_birth"),
        ("her DOB is on file", "date_of_birth"),
        ("since 03/04/2015", "date"),
        ("I spoke to Mrs Patel", "name"),
        ("a boy called Jamie", "name"),
        ("then we met Jamie Robertson at school", "name"),
    ],
)
def test_flags_identifying_details(text: str, kind: str) -> None:
    assert kind in {hint.kind for hint in identifying_hints(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Meetings leave me drained.",
        "Social Work and Mental Health need to plan together.",
        "We met on Tuesday and it went well.",
        "I have 3 visits today and 2 reports.",
        "Breathing Space helped me last winter.",
    ],
)
def test_ordinary_reflections_pass(text: str) -> None:
    assert identifying_hints(text) == []


def test_each_kind_is_named_once_and_the_text_never_echoed() -> None:
    hints = identifying_hints("Mrs Patel and Mr Jones, 07700 900123 and 07700 900456")
    kinds = [hint.kind for hint in hints]
    assert sorted(kinds) == sorted(set(kinds))
    assert all("Patel" not in hint.label and "07700" not in hint.label for hint in hints)
