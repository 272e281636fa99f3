"""A malformed data file is rejected when loaded, not discovered when someone is mis-scored."""

from __future__ import annotations

import copy
from importlib import resources
from typing import Any

import pytest
import yaml

from village.engines.instruments import InstrumentError
from village.engines.instruments.loader import DATA_PACKAGE, parse_instrument


def data(name: str) -> dict[str, Any]:
    text = resources.files(DATA_PACKAGE).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return copy.deepcopy(loaded)


def test_band_gap_is_rejected() -> None:
    broken = data("proqol5")
    broken["subscales"][0]["bands"][1]["low"] = 24
    with pytest.raises(InstrumentError, match="gap"):
        parse_instrument(broken)


def test_band_overlap_is_rejected() -> None:
    broken = data("proqol5")
    broken["subscales"][0]["bands"][1]["low"] = 22
    with pytest.raises(InstrumentError, match="overlap"):
        parse_instrument(broken)


def test_bands_must_cover_the_range() -> None:
    broken = data("proqol5")
    broken["subscales"][0]["bands"][2]["high"] = 49
    with pytest.raises(InstrumentError, match="cover"):
        parse_instrument(broken)


def test_conversion_must_cover_every_raw_score() -> None:
    broken = data("swemwbs")
    del broken["subscales"][0]["conversion"][20]
    with pytest.raises(InstrumentError, match=r"conversion must cover raw 7\.\.35"):
        parse_instrument(broken)


def test_subscale_with_unknown_item_is_rejected() -> None:
    broken = data("cbi")
    broken["subscales"][0]["items"].append(99)
    with pytest.raises(InstrumentError, match="unknown items"):
        parse_instrument(broken)


def test_item_in_no_subscale_is_rejected() -> None:
    broken = data("cbi")
    broken["subscales"][0]["items"].remove(6)
    with pytest.raises(InstrumentError, match="in no subscale"):
        parse_instrument(broken)


def test_items_must_be_numbered_in_order() -> None:
    broken = data("swemwbs")
    broken["items"][0]["number"] = 8
    with pytest.raises(InstrumentError, match="numbered"):
        parse_instrument(broken)


@pytest.mark.parametrize("audiences", [[], ["managers"], ["staff", "children"]])
def test_an_instrument_must_say_who_it_is_for(audiences: list[str]) -> None:
    broken = data("cbi")
    broken["audiences"] = audiences
    with pytest.raises(InstrumentError, match="audiences must be some of staff, family"):
        parse_instrument(broken)
