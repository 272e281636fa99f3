"""`village conversations import-polis DIR --partnership SLUG` and
`village conversations export-polis ID DIR`: exchange conversations with Polis.

For whoever runs the server (the command line reaches every partnership, so no member's
permission is asked); both are noted in the partnership's audit log. Every problem is one
line on stderr and a non-zero exit, with nothing written: an import is one transaction, and
an export goes only into a new or empty folder, which is left as it was if writing fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from village.conversations import selectors, services
from village.conversations.policy import ConversationError
from village.engines.opinions.polis_io import (
    COMMENTS,
    PARTICIPANTS_VOTES,
    VOTES,
    PolisImportError,
    read_export,
)
from village.engines.opinions.polis_write import write_export
from village.people.selectors import partnership_by_slug


class Command(BaseCommand):
    help = "Import a conversation from a Polis export folder, or export one in Polis's format."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        found = commands.add_parser(
            "import-polis", help="make a closed conversation from a Polis export folder"
        )
        found.add_argument(
            "directory",
            type=Path,
            help=f"folder with {COMMENTS}, {VOTES} and, if you have it, {PARTICIPANTS_VOTES}",
        )
        found.add_argument("--partnership", required=True, help="the partnership's slug")
        found.add_argument(
            "--question", default="", help="the question (default: the folder's name)"
        )
        written = commands.add_parser(
            "export-polis", help="write a conversation's statements and votes as Polis files"
        )
        written.add_argument("conversation", help="the conversation's number")
        written.add_argument("directory", type=Path, help="a new or empty folder")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["command"] == "import-polis":
            self._import(options["directory"], options["partnership"], options["question"])
        else:
            self._export(options["conversation"], options["directory"])

    def _import(self, directory: Path, slug: str, question: str) -> None:
        partnership = partnership_by_slug(slug=slug)
        if partnership is None:
            raise CommandError(f"There is no partnership {slug!r}.")
        try:
            export = read_export(directory)
            done = services.conversation_import_polis(
                partnership=partnership,
                export=export,
                question=question or f"Imported from Polis: {directory.resolve().name}",
            )
        except (PolisImportError, ConversationError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Imported conversation {done.conversation.pk} into {partnership.name}: "
            f"{done.statements:,} statements ({done.rejected:,} not accepted) and "
            f"{done.votes:,} votes from {done.people:,} people (a changed vote counts once)."
        )

    def _export(self, number: str, directory: Path) -> None:
        conversation = (
            selectors.conversation_by_id(pk=int(number))
            if number.isascii() and number.isdigit()
            else None
        )
        if conversation is None:
            raise CommandError(f"There is no conversation {number!r}.")
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{directory} is a file, not a folder.")
        if directory.is_dir() and any(directory.iterdir()):
            raise CommandError(
                f"{directory} is not empty. Choose a new or empty folder, so that no file is "
                "replaced."
            )
        made = not directory.exists()
        export = selectors.polis_export(conversation=conversation)
        try:
            write_export(export, directory)
        except OSError as error:
            if made and directory.is_dir() and not any(directory.iterdir()):
                directory.rmdir()
            raise CommandError(f"Could not write to {directory}: {error.strerror}.") from error
        services.conversation_export_record(conversation=conversation)
        self.stdout.write(
            f"Wrote {COMMENTS}, {VOTES} and {PARTICIPANTS_VOTES} to {directory}: "
            f"{len(export.statements):,} statements and {len(export.votes):,} votes from "
            f"{len(export.votes.participant_ids):,} people."
        )
