"""The repository stands alone: a clone with nothing beside it builds, runs and tests.

Reproduces the finding "`make test` fails in a clone of the repository alone, because the
opinion tests read Polis data from outside the repository; the README links to a design
document that is not in the repository either".
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUTSIDE = re.compile(r"\.\./shared|parents\[\d\]\s*/\s*\"\.\.\"")
MARKDOWN_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


SOURCE_FOLDERS = ("src", "tests", "bench", "docs", ".ci")


def _generated(path: Path) -> bool:
    return "__pycache__" in path.parts or any(part.endswith(".egg-info") for part in path.parts)


def _repository_files() -> list[Path]:
    files = [REPO / "README.md", REPO / "Makefile", REPO / "pyproject.toml"]
    for folder in SOURCE_FOLDERS:
        files += [p for p in (REPO / folder).rglob("*") if not _generated(p)]
    return files


def test_no_tracked_file_reaches_outside_the_repository() -> None:
    readers = [p for p in _repository_files() if p.suffix in {".py", ".md", ".toml", ""}]
    offenders = [
        str(path.relative_to(REPO))
        for path in readers
        if path.is_file() and OUTSIDE.search(path.read_text(encoding="utf-8", errors="ignore"))
    ]
    assert offenders == []


def test_polis_data_the_tests_use_is_in_the_repository_with_its_licence() -> None:
    polis = REPO / "tests" / "data" / "polis"
    for conversation in ("brexit-consensus", "vtaiwan.uberx"):
        assert (polis / conversation / "votes.csv").is_file()
    attribution = (polis / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in attribution
    assert "The Computational Democracy Project" in attribution


def test_every_local_link_in_the_readme_and_docs_resolves() -> None:
    documents = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    assert len(documents) > 1, "docs/ holds the documents the README links to"
    broken = []
    for document in documents:
        for target in MARKDOWN_LINK.findall(document.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (document.parent / target).exists():
                broken.append(f"{document.name} -> {target}")
    assert broken == []


def test_readme_links_the_threat_model_and_architecture() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "(docs/privacy.md)" in readme
    assert "(docs/architecture.md)" in readme
