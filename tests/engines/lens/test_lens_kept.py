"""The compiled glossary kept between runs: read back when nothing changed, rebuilt when
anything did, and never a reason for the lens to fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from village.engines.lens import kept
from village.engines.lens.glossary import default_glossary
from village.engines.lens.matcher import Matcher


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "village"


def test_a_second_run_reads_what_the_first_built(cache_home: Path) -> None:
    builds: list[int] = []

    def build() -> dict[str, int]:
        builds.append(1)
        return {"answer": 42}

    assert kept.kept("thing", build) == {"answer": 42}
    assert kept.kept("thing", build) == {"answer": 42}
    assert len(builds) == 1
    assert len(list(cache_home.glob("lens-thing-*.pickle"))) == 1


def test_a_change_to_the_code_or_data_builds_again_and_drops_the_old_file(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept.kept("thing", lambda: "old")
    monkeypatch.setattr(kept, "fingerprint", lambda: "changed")
    assert kept.kept("thing", lambda: "new") == "new"
    assert [path.name for path in cache_home.glob("lens-thing-*.pickle")] == [
        "lens-thing-changed.pickle"
    ]


def test_the_fingerprint_follows_the_glossary_files() -> None:
    assert kept.fingerprint() == kept.fingerprint()
    assert len(kept.fingerprint()) == 32


def test_a_damaged_file_is_built_again(cache_home: Path) -> None:
    kept.kept("thing", lambda: "first")
    (path,) = cache_home.glob("lens-thing-*.pickle")
    path.write_bytes(b"not a pickle")
    assert kept.kept("thing", lambda: "second") == "second"
    assert kept.kept("thing", lambda: "third") == "second", "the rebuilt one was kept"


def test_a_cache_folder_that_cannot_be_written_is_no_failure(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_home.parent.mkdir(parents=True, exist_ok=True)
    cache_home.write_text("a file where the folder should be")
    assert kept.kept("thing", lambda: "built") == "built"


def test_a_kept_matcher_finds_what_a_fresh_one_finds() -> None:
    text = "The non-compliant mum was hard to reach and placed out of area."
    fresh = Matcher(default_glossary())
    first = kept.kept("matcher", lambda: Matcher(default_glossary()))
    again = kept.kept("matcher", lambda: pytest.fail("should be read back"))
    assert [f.entry.id for f in again.find(text)] == [f.entry.id for f in fresh.find(text)]
    assert [f.entry.id for f in first.find(text)] == [f.entry.id for f in fresh.find(text)]
    assert len(fresh.find(text)) >= 3
