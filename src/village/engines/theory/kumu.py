"""A theory of change as two CSV files that Kumu imports: elements and connections.

Kumu reads CSV one sheet per file (docs.kumu.io, "Structure your data for Kumu"): an
elements file whose first heading is Label, or ID when IDs are used, with Type,
Description and Tags (several values split by "|") and any other column as a custom field;
and a connections file whose first headings are From and To, naming elements by their ID
when the elements have IDs, else by their label, with Type. Village writes an ID for every
element (so two elements may share a label, and a renamed element stays the same one) and
an Evidence column for assumptions. Every cell goes through village.exports, so none runs as
a spreadsheet formula, and reading undoes exactly that, so an export read back is the same.

Reading refuses the whole file, with the file and line, for anything it cannot take: not
UTF-8, empty, too big, broken CSV, missing headings, an unknown type, or a theory that
breaks the rules in graph.py. Columns it does not know are named, not silently kept.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from village.engines.theory.graph import (
    EVIDENCE_LABELS,
    KIND_LABELS,
    TAG_SEPARATOR,
    Connection,
    Element,
    Evidence,
    Kind,
    Theory,
    a,
    connection_type,
    problems,
)
from village.exports import cell_value, csv_text

ELEMENT_COLUMNS = ("ID", "Label", "Type", "Description", "Tags", "Evidence")
CONNECTION_COLUMNS = ("From", "To", "Type")
MAX_BYTES = 2_000_000
MAX_ELEMENTS = 2_000
MAX_CONNECTIONS = 10_000
MAX_PROBLEMS_SHOWN = 5
ELEMENTS_FILE = "elements file"
CONNECTIONS_FILE = "connections file"


class TheoryImportError(ValueError):
    """A file that cannot be imported; the message names the file and line, safe to show."""


@dataclass(frozen=True)
class Imported:
    theory: Theory
    ignored_columns: tuple[str, ...] = ()


def elements_csv(theory: Theory) -> str:
    return csv_text(
        header=ELEMENT_COLUMNS,
        rows=(
            (
                e.key,
                e.label,
                KIND_LABELS[e.kind],
                e.description,
                TAG_SEPARATOR.join(e.tags),
                EVIDENCE_LABELS[e.evidence] if e.evidence else "",
            )
            for e in theory.elements
        ),
    )


def connections_csv(theory: Theory) -> str:
    kinds = {e.key: e.kind for e in theory.elements}
    return csv_text(
        header=CONNECTION_COLUMNS,
        rows=(
            (c.source, c.target, connection_type(kinds[c.source], kinds[c.target]) or "")
            for c in theory.connections
        ),
    )


def _text(data: bytes, name: str) -> str:
    if len(data) > MAX_BYTES:
        raise TheoryImportError(
            f"The {name} is over {MAX_BYTES // 1_000_000} MB. A theory of change is much smaller: "
            "check it is the right file."
        )
    if b"\x00" in data:
        raise TheoryImportError(f"The {name} is not a CSV file. Save it as CSV and try again.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise TheoryImportError(
            f"The {name} is not in UTF-8 (line {line}). Save it as “CSV UTF-8” and try again."
        ) from error
    if not text.strip():
        raise TheoryImportError(f"The {name} is empty.")
    return text


def _rows(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """Each row with its line number, cells stripped and safety marks undone."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for row in reader:
            yield reader.line_num, [cell_value(cell.strip()) for cell in row]
    except csv.Error as error:
        raise TheoryImportError(
            f"The {name} is not valid CSV at line {reader.line_num + 1}: {error}."
        ) from error


@dataclass(frozen=True)
class _Sheet:
    headings: dict[str, int]
    ignored: tuple[str, ...]
    rows: list[tuple[int, list[str]]]

    def cell(self, row: list[str], heading: str) -> str:
        index = self.headings.get(heading)
        return row[index] if index is not None and index < len(row) else ""


def _sheet(data: bytes, name: str, known: tuple[str, ...], first: tuple[str, ...]) -> _Sheet:
    rows = _rows(_text(data, name), name)
    _line, header = next(rows, (1, []))
    headings: dict[str, int] = {}
    ignored = []
    by_lower = {column.lower(): column for column in known}
    for index, cell in enumerate(header):
        column = by_lower.get(cell.lower())
        if column is None or column in headings:
            ignored.append(cell or f"column {index + 1}")
        else:
            headings[column] = index
    missing = [column for column in first if column not in headings]
    if missing:
        raise TheoryImportError(
            f"The {name} needs the headings {', '.join(first)} in its first row; "
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing."
        )
    body = []
    for line, row in rows:
        if not any(row):
            continue
        if len(row) > len(header):
            raise TheoryImportError(f"Line {line} of the {name} has more cells than headings.")
        body.append((line, row))
    return _Sheet(headings, tuple(ignored), body)


def _choice(
    text: str, labels: Mapping[Kind, str] | Mapping[Evidence, str], what: str, line: int, name: str
) -> str:
    for value, label in labels.items():
        if text.lower() in {label.lower(), str(value)}:
            return str(value)
    shown = ", ".join(labels.values())
    raise TheoryImportError(
        f"Line {line} of the {name}: “{text[:60]}” is not a {what}. Use one of: {shown}."
    )


def _elements(sheet: _Sheet) -> list[Element]:
    if len(sheet.rows) > MAX_ELEMENTS:
        raise TheoryImportError(f"The {ELEMENTS_FILE} has over {MAX_ELEMENTS:,} elements.")
    elements = []
    for line, row in sheet.rows:
        label = sheet.cell(row, "Label")
        kind = Kind(_choice(sheet.cell(row, "Type"), KIND_LABELS, "type", line, ELEMENTS_FILE))
        evidence_text = sheet.cell(row, "Evidence")
        evidence = (
            Evidence(
                _choice(evidence_text, EVIDENCE_LABELS, "evidence status", line, ELEMENTS_FILE)
            )
            if evidence_text
            else Evidence.UNTESTED
            if kind == Kind.ASSUMPTION
            else None
        )
        tags = sheet.cell(row, "Tags")
        elements.append(
            Element(
                key=sheet.cell(row, "ID") if "ID" in sheet.headings else label,
                kind=kind,
                label=label,
                description=sheet.cell(row, "Description"),
                tags=tuple(tag.strip() for tag in tags.split(TAG_SEPARATOR)) if tags else (),
                evidence=evidence,
            )
        )
    return elements


def _connections(sheet: _Sheet, elements: dict[str, Element]) -> list[Connection]:
    connections = []
    for line, row in sheet.rows:
        source = sheet.cell(row, "From")
        # Kumu draws one connection to each element in a To cell split by "|".
        for target in (t.strip() for t in sheet.cell(row, "To").split(TAG_SEPARATOR)):
            for end in (source, target):
                if end not in elements:
                    raise TheoryImportError(
                        f"Line {line} of the {CONNECTIONS_FILE}: “{end[:60]}” is not an element "
                        f"in the {ELEMENTS_FILE}."
                    )
            given = sheet.cell(row, "Type")
            expected = connection_type(elements[source].kind, elements[target].kind)
            if given and expected and given.lower() != expected.lower():
                raise TheoryImportError(
                    f"Line {line} of the {CONNECTIONS_FILE}: a connection from "
                    f"{a(elements[source].kind)} to {a(elements[target].kind)} is “{expected}”, "
                    f"not “{given[:60]}”."
                )
            connections.append(Connection(source=source, target=target))
    if len(connections) > MAX_CONNECTIONS:
        raise TheoryImportError(f"The {CONNECTIONS_FILE} has over {MAX_CONNECTIONS:,} connections.")
    return connections


def read_theory(*, elements: bytes, connections: bytes) -> Imported:
    """The theory in a Kumu elements file and connections file, or TheoryImportError."""
    element_sheet = _sheet(elements, ELEMENTS_FILE, ELEMENT_COLUMNS, ("Label", "Type"))
    connection_sheet = _sheet(connections, CONNECTIONS_FILE, CONNECTION_COLUMNS, ("From", "To"))
    found = _elements(element_sheet)
    by_key: dict[str, Element] = {}
    for element in found:
        if element.key in by_key:
            what = "ID" if "ID" in element_sheet.headings else "label"
            raise TheoryImportError(
                f"The {ELEMENTS_FILE} has two elements with the {what} “{element.key[:60]}”. "
                + (
                    "Give each its own ID."
                    if what == "ID"
                    else "Add an ID column to tell them apart."
                )
            )
        by_key[element.key] = element
    theory = Theory(
        elements=tuple(found), connections=tuple(_connections(connection_sheet, by_key))
    )
    wrong = problems(theory)
    if wrong:
        more = len(wrong) - MAX_PROBLEMS_SHOWN
        raise TheoryImportError(
            " ".join(wrong[:MAX_PROBLEMS_SHOWN]) + (f" And {more} more." if more > 0 else "")
        )
    return Imported(theory=theory, ignored_columns=element_sheet.ignored + connection_sheet.ignored)
