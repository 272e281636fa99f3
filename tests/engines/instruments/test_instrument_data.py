"""The shipped data files match the published instruments' structure and licence terms."""

from __future__ import annotations

import pytest

from village.engines.instruments import InstrumentError, Method, get_instrument, load_instruments


def reversed_items(instrument_id: str) -> set[int]:
    return {item.number for item in get_instrument(instrument_id).items if item.reverse}


def subscale_items(instrument_id: str) -> dict[str, tuple[int, ...]]:
    return {s.id: s.items for s in get_instrument(instrument_id).subscales}


def test_all_six_instruments_load() -> None:
    assert set(load_instruments()) == {
        "family",
        "proqol5",
        "cbi",
        "swemwbs",
        "psychological_safety",
        "multiagency",
    }


def test_proqol_keys_match_the_published_scoring() -> None:
    instrument = get_instrument("proqol5")
    assert instrument.item_count == 30
    assert subscale_items("proqol5") == {
        "compassion_satisfaction": (3, 6, 12, 16, 18, 20, 22, 24, 27, 30),
        "burnout": (1, 4, 8, 10, 15, 17, 19, 21, 26, 29),
        "secondary_traumatic_stress": (2, 5, 7, 9, 11, 13, 14, 23, 25, 28),
    }
    assert reversed_items("proqol5") == {1, 4, 15, 17, 29}
    assert all(s.method is Method.SUM for s in instrument.subscales)
    assert [i.scale.values for i in instrument.items] == [(1, 2, 3, 4, 5)] * 30


def test_proqol_credits_cvt_and_proqol_org_and_only_allows_helper_words() -> None:
    licence = get_instrument("proqol5").licence
    assert "Center for Victims of Torture" in licence.copyright
    assert "proqol.org" in licence.copyright
    assert "never sold" in licence.terms
    assert not licence.requires_confirmation
    assert set(licence.rewordable) == {"helper", "help", "helped", "helping", "work"}


def test_proqol_helper_word_can_be_changed_but_nothing_else() -> None:
    instrument = get_instrument("proqol5")
    assert instrument.item(12).text == "I like my work as a practitioner."
    teacher = instrument.reworded(helper="teacher", help="teach")
    assert teacher.item(12).text == "I like my work as a teacher."
    assert teacher.item(3).text == "I get satisfaction from being able to teach people."
    assert "as a teacher" in teacher.instructions
    assert teacher.item(1).text == instrument.item(1).text
    with pytest.raises(InstrumentError, match="does not allow"):
        instrument.reworded(happy="content")


def test_swemwbs_wording_cannot_be_changed() -> None:
    with pytest.raises(InstrumentError, match="does not allow"):
        get_instrument("swemwbs").reworded(helper="x")


def test_cbi_structure_and_its_one_reversed_work_item() -> None:
    instrument = get_instrument("cbi")
    items = subscale_items("cbi")
    assert [len(items[s]) for s in ("personal", "work", "children_and_families")] == [6, 7, 6]
    assert reversed_items("cbi") == {13}
    assert "energy for family and friends" in instrument.item(13).text
    assert 13 in items["work"]
    assert all("children and families" in instrument.item(n).text for n in range(14, 20))
    assert all(s.method is Method.MEAN and not s.bands for s in instrument.subscales)
    assert {o.points for i in instrument.items for o in i.scale.options} == {0, 25, 50, 75, 100}


def test_swemwbs_structure_and_licence() -> None:
    instrument = get_instrument("swemwbs")
    assert instrument.item_count == 7
    assert reversed_items("swemwbs") == set()
    assert instrument.licence.requires_confirmation
    assert "NHS Health Scotland, University of Warwick and University of Edinburgh" in (
        instrument.licence.copyright
    )
    assert instrument.items[0].scale.options[0].label == "None of the time"
    assert instrument.items[0].scale.options[-1].label == "All of the time"


def test_psychological_safety_structure() -> None:
    instrument = get_instrument("psychological_safety")
    assert instrument.item_count == 7
    assert reversed_items("psychological_safety") == {1, 3, 5}
    assert instrument.items[0].scale.values == tuple(range(1, 8))
    assert "Edmondson" in instrument.citation


def test_multiagency_set_is_marked_as_not_validated() -> None:
    instrument = get_instrument("multiagency")
    assert not instrument.validated
    assert reversed_items("multiagency") == {3, 4}
    assert instrument.item(1).text == "I feel heard by colleagues in other agencies."


@pytest.mark.parametrize("instrument_id", ["proqol5", "cbi", "swemwbs", "psychological_safety"])
def test_every_instrument_has_a_citation_and_kind_text(instrument_id: str) -> None:
    instrument = get_instrument(instrument_id)
    assert instrument.citation
    assert instrument.licence.terms
    for subscale in instrument.subscales:
        assert subscale.interpretation
        assert subscale.higher_is in {"better", "worse"}
        assert all(band.interpretation for band in subscale.bands)


def test_unknown_instrument_names_the_known_ones() -> None:
    with pytest.raises(InstrumentError, match="known: cbi"):
        get_instrument("mbi")


def test_the_family_questions_reverse_only_the_negative_sentences() -> None:
    family = get_instrument("family")
    assert reversed_items("family") == {3, 7}
    assert "blamed" in family.item(3).text and "judged" in family.item(7).text
    assert family.item_count == 8 and family.licence.requires_confirmation is False
