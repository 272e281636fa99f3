"""CSV that is safe to open in a spreadsheet.

A cell that starts with =, +, -, @, tab or carriage return can run as a formula in Excel or
LibreOffice; such cells get a leading apostrophe so they show as text. A cell that already
starts with apostrophes before such a character gets one more, so the rule can be undone
exactly (`cell_value`) when a file we wrote is read back, and a spreadsheet, which hides one
leading apostrophe, shows the text as it was.

Pure Python with no Django, so the engines' exports (Polis files) use the same rule.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _needs_mark(text: str) -> bool:
    return text.lstrip("'").startswith(_FORMULA_STARTS)


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if _needs_mark(text) else text


def cell_value(cell: str) -> str:
    """The text `safe_cell` was given: drops the apostrophe it added, nothing else."""
    return cell[1:] if cell.startswith("'") and _needs_mark(cell) else cell


def csv_text(*, header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()
