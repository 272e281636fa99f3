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


@pytest.mark.parametrize(
    "text",
    [
        # What was found: each of these was missed.
        "Liam's mum was in tears at the meeting",
        "spoke to john smith about it",
        "My manager Karen never listens",
        "Talked to Sarah after the visit",
        # In any case, and the same for other relatives.
        "liam's mum was upset",
        "LIAM'S MUM rang again",
        "Kayden's gran has been looking after them",
        "we met Aisha’s dad at the school gate",
        "talked to sarah and then to priya",
        "a wee boy called jamie",
        "my colleague Grace said she would cover",
        "I asked Will to take the call",
        "Mark Brown from housing came along",
        "Morag was brilliant today",
    ],
)
def test_finds_first_names_and_family_relations_in_any_case(text: str) -> None:
    assert "name" in {hint.kind for hint in identifying_hints(text)}, text


@pytest.mark.parametrize(
    "text",
    [
        # Everyday words that are also names do not warn on their own.
        "Will we ever get enough time to reflect?",
        "May I say how tired I am of the rota.",
        "I hope things get better, and grace under pressure only goes so far.",
        "We met in May and again in June.",
        "Hope is what keeps me going.",
        "The review will mark a change, I hope.",
        "Our meeting moved to April because of Easter.",
        "A child's mum should be heard in the meeting.",
        "The team in Angus and the one in Moray both said so.",
        "My mum was a nurse and my dad was a police officer.",
        "Every agency's manager said the same.",
        "Social Work and Mental Health need to plan together.",
        "Police Scotland and Breathing Space were both mentioned.",
    ],
)
def test_everyday_words_that_are_also_names_do_not_warn(text: str) -> None:
    assert "name" not in {hint.kind for hint in identifying_hints(text)}, text


def test_the_name_lists_ship_with_their_licences() -> None:
    from importlib import resources

    data = resources.files("village.engines.identifying").joinpath("data")
    attribution = data.joinpath("ATTRIBUTION.txt").read_text(encoding="utf-8")
    assert "MIT" in attribution and "SCOWL" in attribution
    assert "Open Government Licence" in attribution
    names = data.joinpath("first_names.txt").read_text(encoding="utf-8").splitlines()
    assert {"Liam", "Sarah", "Karen", "Aisha"} <= set(names) and len(names) > 5000
    scottish = data.joinpath("scotland_first_names.txt").read_text(encoding="utf-8")
    assert {"Morag", "Eilidh", "Mhairi", "Ruairidh"} <= set(scottish.splitlines())
