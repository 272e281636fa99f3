"""Spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import io

from village.exports import cell_value, csv_text, safe_cell


def test_formula_cells_become_text() -> None:
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(dangerous) == "'" + dangerous
    assert safe_cell("ordinary") == "ordinary"
    assert safe_cell(None) == ""
    assert safe_cell(5) == "5"


def test_csv_text_quotes_and_neutralises() -> None:
    text = csv_text(header=["a", "=b"], rows=[['he said "hi", then left', "=cmd|' /C calc'!A0"]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["a", "'=b"], ['he said "hi", then left', "'=cmd|' /C calc'!A0"]]


def test_marks_can_be_undone_exactly() -> None:
    for text in ("=1+1", "'=1+1", "''=x", "'", "'plain", "plain", "-1", "", "\tx"):
        assert cell_value(safe_cell(text)) == text
    assert safe_cell("'=1+1") == "''=1+1"  # a spreadsheet hides one apostrophe
    assert cell_value("'plain") == "'plain"
