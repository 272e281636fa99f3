"""Partnership settings: the same rules from a file or from plain dicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from village.engines.lens.config import apply_config, load_config, parse_config
from village.engines.lens.glossary import GlossaryError
from village.engines.lens.matcher import Matcher

SETTINGS: dict[str, Any] = {
    "disable": ["siblings"],
    "disable_categories": ["jargon"],
    "severity": {"placement": "error"},
    "category_severity": {"stigmatising": "info"},
    "sources": {
        "ours": {
            "title": "Our language policy",
            "url": "https://example.org/policy",
            "year": "2025",
        }
    },
    "entries": [
        {
            "id": "key-worker",
            "term": "key worker",
            "variants": ["key-worker{,s}"],
            "alternatives": ["[name]"],
            "category": "institutional",
            "severity": "suggestion",
            "reason": "Children told us they want to hear the name.",
            "sources": ["ours"],
        }
    ],
}
TEXT = "His siblings and key worker said the placement is good, but respite and the LAC review..."


def findings(data: dict[str, Any]) -> dict[str, str]:
    matcher = Matcher(apply_config(parse_config(data)))
    return {f.entry_id: f.severity for f in matcher.find(TEXT)}


def test_settings_change_what_is_flagged() -> None:
    assert findings({}) == {
        "siblings": "info",
        "placement": "warning",
        "respite": "warning",
        "lac-review": "suggestion",
    }
    assert findings(SETTINGS) == {
        "key-worker": "suggestion",
        "placement": "error",
        "respite": "info",
    }


def test_file_and_dicts_give_the_same_glossary(tmp_path: Path) -> None:
    path = tmp_path / "partnership.yaml"
    path.write_text(yaml.safe_dump(SETTINGS), encoding="utf-8")
    assert apply_config(load_config(path)) == apply_config(parse_config(SETTINGS))


def test_own_entry_replaces_a_shipped_one() -> None:
    own = dict(SETTINGS["entries"][0], id="respite", variants=["respite"])
    glossary = apply_config(parse_config({"sources": SETTINGS["sources"], "entries": [own]}))
    replaced = glossary.get("respite")
    assert replaced is not None and replaced.reason.startswith("Children told us")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"disable": ["no-such-entry"]}, "no glossary entry has the id 'no-such-entry'"),
        ({"disable_categories": ["nice"]}, "category 'nice' is not one of"),
        ({"severity": {"placement": "huge"}}, "severity 'huge' is not one of"),
        ({"colour": "blue"}, "unknown setting"),
        ({"disable": "siblings"}, "'disable' must be a list"),
        ({"entries": [{"id": "x"}]}, "entries: entry 1"),
        ({"edit": {"no-such-entry": {"reason": "R", "sources": ["nlc"]}}}, "no-such-entry"),
        ({"edit": {"placement": {"reason": "R"}}}, "'sources' must list at least one"),
        ({"edit": {"placement": {"sources": ["nlc"]}}}, "give new alternatives, a new reason"),
        ({"edit": {"placement": {"tone": "x", "sources": ["nlc"]}}}, "unknown field"),
        ({"edit": {"placement": "home"}}, "give alternatives, reason and sources"),
        ({"edit": ["placement"]}, "'edit' must map entry ids"),
    ],
)
def test_bad_settings_are_explained(data: dict[str, object], message: str) -> None:
    with pytest.raises(GlossaryError, match=message):
        parse_config(data)


def test_unreadable_settings_file(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="cannot read the settings file"):
        load_config(tmp_path / "missing.yaml")


OUR_SOURCE = {"title": "Our language policy", "url": "https://example.org/policy"}


def test_an_edit_puts_a_shipped_entry_in_the_partnerships_words_and_source() -> None:
    edit = {
        "alternatives": ["where Sam lives"],
        "reason": "Our  young people\nasked.",
        "sources": [OUR_SOURCE],
    }
    matcher = Matcher(apply_config(parse_config({"edit": {"placement": edit}})))
    (finding,) = [f for f in matcher.find(TEXT) if f.entry_id == "placement"]
    assert finding.alternatives == ("where Sam lives",)
    assert finding.reason == "Our young people asked."
    assert finding.source.title == "Our language policy"
    assert finding.severity == "warning"  # everything else stays as shipped
    assert matcher.entry_for("placements") == finding.entry


def test_an_edit_of_only_the_reason_keeps_the_shipped_alternatives() -> None:
    shipped = apply_config(parse_config({})).get("placement")
    edit = {"reason": "Because.", "sources": [OUR_SOURCE]}
    edited = apply_config(parse_config({"edit": {"placement": edit}})).get("placement")
    assert shipped is not None and edited is not None
    assert edited.alternatives == shipped.alternatives and edited.reason == "Because."


def test_an_own_entry_is_found_and_a_turned_off_one_is_not() -> None:
    own = {
        "id": "own-1",
        "term": "pushy parent",
        "variants": ["pushy parent", "pushy parents"],
        "alternatives": ["someone who needs us often"],
        "category": "stigmatising",
        "severity": "warning",
        "reason": "It mocks people who need help.",
        "sources": [OUR_SOURCE],
    }
    text = "Pushy-parents asked why the placement is far away."
    before = {f.entry_id for f in Matcher(apply_config(parse_config({}))).find(text)}
    after = Matcher(apply_config(parse_config({"entries": [own], "disable": ["placement"]})))
    assert "placement" in before and "own-1" not in before
    assert [(f.entry_id, f.text) for f in after.find(text)] == [("own-1", "Pushy-parents")]
    assert after.entry_for("placement") is None
