"""`village reviews pack --review ID --format pdf|docx --out FILE [--force]`: write a
quarter's review pack.

For whoever runs the server (the command line reaches every partnership, so no member's
permission is asked). Every problem is one line on stderr and a non-zero exit with nothing
written: an unknown review, a format other than pdf or docx, a folder that is not there, or
a file that exists already (it is replaced only with --force, so a pack is never written over
another file by a slip of the keyboard). The pack is drawn in full before the file is opened,
so a failure while drawing leaves no half-written file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from village.pdf import PdfUnavailable
from village.reviews import selectors
from village.reviews.pack import review_pack
from village.reviews.pack_render import FORMATS, pack_bytes


class Command(BaseCommand):
    help = "Write a values review's pack as a PDF or a Word document."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        pack = commands.add_parser(
            "pack", help="write a review's pack (how are we doing, how do we know, what next)"
        )
        pack.add_argument("--review", required=True, help="the review's number")
        pack.add_argument("--format", required=True, help="pdf or docx")
        pack.add_argument("--out", required=True, type=Path, help="the file to write")
        pack.add_argument("--force", action="store_true", help="replace the file if it exists")

    def handle(self, *args: Any, **options: Any) -> None:
        self._pack(options["review"], options["format"], options["out"], options["force"])

    def _pack(self, number: str, fmt: str, out: Path, force: bool) -> None:
        review = (
            selectors.review_by_id(pk=int(number))
            if number.isascii() and number.isdigit() and len(number) < 19
            else None
        )
        if review is None:
            raise CommandError(f"There is no review {number!r}.")
        fmt = fmt.strip().lower()
        if fmt not in FORMATS:
            raise CommandError(f"The format must be pdf or docx, not {fmt!r}.")
        if out.is_dir():
            raise CommandError(f"{out} is a folder. Give the name of the file to write.")
        if not out.parent.is_dir():
            raise CommandError(f"There is no folder {out.parent}.")
        if out.exists() and not force:
            raise CommandError(f"{out} exists already. Choose another name, or add --force.")
        try:
            data = pack_bytes(review_pack(review=review), fmt)
        except PdfUnavailable as error:
            raise CommandError(f"{error}. Try --format docx.") from error
        try:
            with out.open("wb" if force else "xb") as file:
                file.write(data)
        except OSError as error:
            raise CommandError(f"Could not write {out}: {error.strerror}.") from error
        self.stdout.write(
            f"Wrote the {review.quarter} review pack of {review.partnership.name} to {out} "
            f"({len(data):,} bytes)."
        )
