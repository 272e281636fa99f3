"""The theory of change's Kumu CSV: a round trip loses nothing, formulas never run, and a
file that cannot be imported is refused whole with the file and line."""

from __future__ import annotations

import csv
import io
import re

import pytest

from village.engines.theory import (
    Connection,
    Element,
    Evidence,
    Kind,
    Theory,
    TheoryImportError,
    connections_csv,
    elements_csv,
    problems,
    read_theory,
)
from village.engines.theory.kumu import MAX_BYTES

FORMULA = '=HYPERLINK("http://evil.example","click")'

THEORY = Theory(
    elements=(
        Element("activity-1", Kind.ACTIVITY, "Family group conferences", "Run by families."),
        Element("outcome-1", Kind.OUTCOME, "Families feel heard", "Line one\nline two, “quoted”"),
        Element("outcome-2", Kind.OUTCOME, "Fewer children come into care", tags=("long", "core")),
        Element(
            "assumption-1",
            Kind.ASSUMPTION,
            "Families trust the convenor",
            evidence=Evidence.SOME,
        ),
        Element("assumption-2", Kind.ASSUMPTION, FORMULA, "+1 -1 @sum", evidence=Evidence.UNTESTED),
        Element("indicator-1", Kind.INDICATOR, "Share of plans written with families"),
        Element("indicator-2", Kind.INDICATOR, "Families feel heard", "Same label, other kind"),
    ),
    connections=(
        Connection("activity-1", "outcome-1"),
        Connection("activity-1", "assumption-1"),
        Connection("assumption-1", "outcome-1"),
        Connection("outcome-1", "outcome-2"),
        Connection("outcome-1", "assumption-2"),
        Connection("assumption-2", "outcome-2"),
        Connection("indicator-1", "assumption-1"),
        Connection("indicator-2", "assumption-2"),
    ),
)


def _files(theory: Theory) -> tuple[bytes, bytes]:
    return elements_csv(theory).encode(), connections_csv(theory).encode()


def _read(elements: str | bytes, connections: str | bytes = "From,To\n") -> Theory:
    as_bytes = [f.encode() if isinstance(f, str) else f for f in (elements, connections)]
    return read_theory(elements=as_bytes[0], connections=as_bytes[1]).theory


def test_the_example_is_a_valid_theory() -> None:
    assert problems(THEORY) == []


def test_a_round_trip_loses_nothing_and_writes_the_same_files_again() -> None:
    elements, connections = _files(THEORY)
    back = read_theory(elements=elements, connections=connections)
    assert back.theory == THEORY
    assert back.ignored_columns == ()
    assert _files(back.theory) == (elements, connections)


def test_the_files_have_the_headings_kumu_reads_first() -> None:
    elements, connections = _files(THEORY)
    element_rows = list(csv.reader(io.StringIO(elements.decode())))
    connection_rows = list(csv.reader(io.StringIO(connections.decode())))
    assert element_rows[0] == ["ID", "Label", "Type", "Description", "Tags", "Evidence"]
    assert connection_rows[0] == ["From", "To", "Type"]
    assert ["outcome-2", "Fewer children come into care", "Outcome", "", "long|core", ""] in (
        element_rows
    )
    assert ["activity-1", "assumption-1", "Rests on"] in connection_rows
    assert ["indicator-1", "assumption-1", "Tests"] in connection_rows
    assert ["activity-1", "outcome-1", "Leads to"] in connection_rows


def test_a_formula_is_written_as_text_and_read_back_as_it_was() -> None:
    elements, _connections = _files(THEORY)
    cells = [cell for row in csv.reader(io.StringIO(elements.decode())) for cell in row]
    assert "'" + FORMULA in cells
    assert "'+1 -1 @sum" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert _read(elements).elements[4].label == FORMULA


def test_a_kumu_file_without_ids_names_elements_by_label_and_splits_to_on_pipes() -> None:
    theory = _read(
        "Label,Type,Description,Colour\nTalk,activity,,red\nHeard,Outcome,,\nSafe,OUTCOME,,\n",
        "From,To,Type\nTalk,Heard|Safe,Leads to\n",
    )
    assert [e.key for e in theory.elements] == ["Talk", "Heard", "Safe"]
    assert theory.connections == (Connection("Talk", "Heard"), Connection("Talk", "Safe"))
    result = read_theory(
        elements=b"Label,Type,Colour\nTalk,Activity,red\n", connections=b"From,To,Weight\n"
    )
    assert result.ignored_columns == ("Colour", "Weight")


def test_an_assumption_without_evidence_starts_untested() -> None:
    theory = _read("Label,Type\nThey come,Assumption\n")
    assert theory.elements[0].evidence == Evidence.UNTESTED


def test_a_byte_order_mark_and_windows_line_ends_are_fine() -> None:
    theory = _read("\ufeffLabel,Type\r\nTalk,Activity\r\n".encode())
    assert theory.elements[0].label == "Talk"


@pytest.mark.parametrize(
    ("elements", "connections", "words"),
    [
        (b"", b"From,To\n", "elements file is empty"),
        (b"   \n\n", b"From,To\n", "elements file is empty"),
        (b"Label,Type\nTalk,Activity\n", b"", "connections file is empty"),
        ("Label,Type\nCaf\u00e9,Activity\n".encode("latin-1"), b"From,To\n", "not in UTF-8"),
        ("Label,Type\nTalk,Activity\n".encode("utf-16"), b"From,To\n", "not a CSV file"),
        (b"Name,Kind\nTalk,Activity\n", b"From,To\n", "Label and Type are missing"),
        (b"Label,Type\nTalk,Activity\n", b"Source\n", "From and To are missing"),
        (b'Label,Type\n"Talk,Activity\n', b"From,To\n", "not valid CSV at line"),
        (b"Label,Type\nTalk,Activity,extra\n", b"From,To\n", "Line 2 of the elements file"),
        (b"Label,Type\nTalk,Person\n", b"From,To\n", "is not a type"),
        (b"Label,Type,Evidence\nIt works,Assumption,Maybe\n", b"From,To\n", "evidence status"),
        (b"Label,Type,Evidence\nTalk,Activity,Supported\n", b"From,To\n", "not an assumption"),
        (b"Label,Type\nTalk,Activity\nTalk,Outcome\n", b"From,To\n", "Add an ID column"),
        (b"ID,Label,Type\na,Talk,Activity\na,Hear,Outcome\n", b"From,To\n", "own ID"),
        (b"Label,Type\n,Activity\n", b"From,To\n", "needs a label"),
        (b"Label,Type\nTalk,Activity\n", b"From,To\nTalk,Nowhere\n", "“Nowhere” is not an"),
        (
            b"Label,Type\nTalk,Activity\nHeard,Outcome\n",
            b"From,To\nHeard,Talk\n",
            "An outcome (“Heard”) cannot connect to an activity",
        ),
        (
            b"Label,Type\nTalk,Activity\nHeard,Outcome\n",
            b"From,To,Type\nTalk,Heard,Tests\n",
            "is “Leads to”, not “Tests”",
        ),
        (
            b"Label,Type\nTalk,Activity\nHeard,Outcome\n",
            b"From,To\nTalk,Heard\nTalk,Heard\n",
            "there twice",
        ),
        (b"Label,Type\nTalk,Activity\n", b"From,To\nTalk,Talk\n", "cannot connect to itself"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_with_where(
    elements: bytes, connections: bytes, words: str
) -> None:
    with pytest.raises(TheoryImportError, match=re.escape(words)):
        read_theory(elements=elements, connections=connections)


def test_huge_files_and_cells_are_refused() -> None:
    with pytest.raises(TheoryImportError, match="over 2 MB"):
        _read(b"Label,Type\n" + b"x" * MAX_BYTES)
    with pytest.raises(TheoryImportError, match="not valid CSV"):
        _read(b'Label,Type\n"' + b"x" * 200_000 + b'",Activity\n')
    with pytest.raises(TheoryImportError, match="label over 200"):
        _read(b"Label,Type\n" + b"x" * 201 + b",Activity\n")
    with pytest.raises(TheoryImportError, match="over 2,000 elements"):
        _read(b"ID,Label,Type\n" + b"".join(b"e%d,x,Activity\n" % i for i in range(2001)))


def test_many_problems_are_counted_not_all_listed() -> None:
    rows = "".join(f"a{i},,Activity\n" for i in range(9))
    with pytest.raises(TheoryImportError, match=r"And 4 more\."):
        _read("ID,Label,Type\n" + rows)
