"""`village hub export-theory` and `import-theory`, through Django's command runner (as
`village hub ...` runs them, without closing the test's database connection at the end)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.hub.conftest import People, build_theory
from village.hub import selectors, services
from village.hub.models import Project
from village.people.models import Agency, AuditEvent


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Exit code, stdout and the one-line error a shell would see."""
    try:
        call_command(*args)
    except CommandError as error:
        return 1, capsys.readouterr().out, str(error)
    return 0, capsys.readouterr().out, ""


def test_export_then_import_gives_the_same_theory(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    project: Project,
    people: People,
    agency: Agency,
) -> None:
    build_theory(project, people.lead)
    folder = tmp_path / "kumu"
    code, out, err = run(capsys, "hub", "export-theory", str(project.pk), str(folder))
    assert code == 0, err
    assert "3 elements and 3 connections" in out
    assert (folder / "elements.csv").read_text().startswith("ID,Label,Type,Description")
    copy = services.project_create(
        partnership=agency.partnership,
        actor=people.lead,
        title="Copy",
        kind="new",
        started_on=date(2026, 1, 1),
        agencies=[agency],
    )
    code, out, err = run(capsys, "hub", "import-theory", str(copy.pk), str(folder))
    assert code == 0, err
    assert selectors.theory_of(project=copy) == selectors.theory_of(project=project)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"hub.theory_export", "hub.theory_import"} <= actions
    code, _out, err = run(capsys, "hub", "import-theory", str(copy.pk), str(folder))
    assert code != 0
    assert "already has a theory of change" in err


def test_problems_are_one_line_and_write_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, project: Project, people: People
) -> None:
    code, _out, err = run(capsys, "hub", "export-theory", "nine", str(tmp_path))
    assert code != 0 and "There is no project 'nine'" in err
    (tmp_path / "notes.txt").write_text("mine")
    code, _out, err = run(capsys, "hub", "export-theory", str(project.pk), str(tmp_path))
    assert code != 0 and "is not empty" in err
    code, _out, err = run(capsys, "hub", "import-theory", str(project.pk), str(tmp_path))
    assert code != 0 and "The folder needs elements.csv and connections.csv" in err
    (tmp_path / "elements.csv").write_bytes("Label,Type\nCaf\u00e9,Activity\n".encode("latin-1"))
    (tmp_path / "connections.csv").write_text("From,To\n")
    code, _out, err = run(capsys, "hub", "import-theory", str(project.pk), str(tmp_path))
    assert code != 0 and "not in UTF-8" in err
    assert not project.elements.exists()
