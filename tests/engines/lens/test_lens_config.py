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
    ],
)
def test_bad_settings_are_explained(data: dict[str, object], message: str) -> None:
    with pytest.raises(GlossaryError, match=message):
        parse_config(data)


def test_unreadable_settings_file(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="cannot read the settings file"):
        load_config(tmp_path / "missing.yaml")
