"""`village hub export-theory PROJECT DIR` and `village hub import-theory PROJECT DIR`:
exchange a project's theory of change with Kumu as its two CSV files, elements.csv and
connections.csv (Kumu reads one sheet per CSV file).

For whoever runs the server (the command line reaches every partnership, so no member's
permission is asked); both are noted in the partnership's audit log. Every problem is one
line on stderr and a non-zero exit, with nothing written: an import is one transaction into
a project whose theory is empty, and an export goes only into a new or empty folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from village.engines.theory import connections_csv, elements_csv
from village.hub import selectors, services
from village.hub.models import Project
from village.hub.policy import HubError

ELEMENTS = "elements.csv"
CONNECTIONS = "connections.csv"


class Command(BaseCommand):
    help = "Export a project's theory of change as Kumu CSV files, or import one."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        written = commands.add_parser(
            "export-theory", help=f"write {ELEMENTS} and {CONNECTIONS} for Kumu"
        )
        written.add_argument("project", help="the project's number")
        written.add_argument("directory", type=Path, help="a new or empty folder")
        read = commands.add_parser(
            "import-theory", help="read a theory into a project whose theory is empty"
        )
        read.add_argument("project", help="the project's number")
        read.add_argument(
            "directory", type=Path, help=f"a folder with {ELEMENTS} and {CONNECTIONS}"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        project = _project(options["project"])
        if options["command"] == "export-theory":
            self._export(project, options["directory"])
        else:
            self._import(project, options["directory"])

    def _export(self, project: Project, directory: Path) -> None:
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{directory} is a file, not a folder.")
        if directory.is_dir() and any(directory.iterdir()):
            raise CommandError(
                f"{directory} is not empty. Choose a new or empty folder, so that no file is "
                "replaced."
            )
        theory = selectors.theory_of(project=project)
        made = not directory.exists()
        try:
            directory.mkdir(parents=True, exist_ok=True)
            (directory / ELEMENTS).write_text(elements_csv(theory), encoding="utf-8")
            (directory / CONNECTIONS).write_text(connections_csv(theory), encoding="utf-8")
        except OSError as error:
            for name in (ELEMENTS, CONNECTIONS):
                (directory / name).unlink(missing_ok=True)
            if made and directory.is_dir():
                directory.rmdir()
            raise CommandError(f"Could not write to {directory}: {error.strerror}.") from error
        services.theory_export_record(project=project, actor=None)
        self.stdout.write(
            f"Wrote {ELEMENTS} and {CONNECTIONS} to {directory}: {len(theory.elements):,} "
            f"elements and {len(theory.connections):,} connections."
        )

    def _import(self, project: Project, directory: Path) -> None:
        try:
            elements = (directory / ELEMENTS).read_bytes()
            connections = (directory / CONNECTIONS).read_bytes()
        except OSError as error:
            raise CommandError(
                f"Could not read {error.filename}: {error.strerror}. The folder needs "
                f"{ELEMENTS} and {CONNECTIONS}."
            ) from error
        try:
            imported = services.theory_import(
                project=project, actor=None, elements=elements, connections=connections
            )
        except HubError as error:
            raise CommandError(str(error)) from error
        theory = imported.theory
        self.stdout.write(
            f"Imported {len(theory.elements):,} elements and {len(theory.connections):,} "
            f"connections into project {project.pk}."
            + (
                f" Columns not imported: {', '.join(imported.ignored_columns)}."
                if imported.ignored_columns
                else ""
            )
        )


def _project(number: str) -> Project:
    project = (
        selectors.project_by_id(pk=int(number)) if number.isascii() and number.isdigit() else None
    )
    if project is None:
        raise CommandError(f"There is no project {number!r}.")
    return project
