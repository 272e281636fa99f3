"""Strict CSV files read as whole columns, for Polis exports with millions of votes.

Why pyarrow: its CSV reader (Apache Arrow's C++ parser) splits a file into blocks, parses
them on every core and returns typed columns, so a five-million-vote export is read in
about a second without one Python object per vote; its compute kernels then trim, check,
cast and dictionary-encode those columns, also without a loop. It is maintained by the
Apache Arrow project and ships wheels for every platform we run on. We need only a reader
and column kernels: pandas would add a DataFrame layer over the same parser, polars a whole
query engine.

Arrow's parser is more forgiving than Python's strict csv module: it takes text after a
closing quote, and an unclosed quote silently swallows the rest of the file. So the quotes
are checked first, in one vectorised pass over the quote characters, and whenever anything
is wrong the file is read again with Python's strict csv module, which finds the line and
says what is wrong. That slow pass runs only for a file that is about to be refused.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

BOM = b"\xef\xbb\xbf"
QUOTE = ord('"')
FIELD_ENDS = np.frombuffer(b",\n\r", dtype=np.uint8)
MAX_DIGITS = 18  # any number of at most 18 digits fits in an int64
BoolArray = npt.NDArray[np.bool_]


class PolisImportError(ValueError):
    """A Polis export file could not be read; says which file and which line."""

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        where = f"{path}, line {line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}")


def _read(path: Path) -> bytes:
    """The file's bytes without a byte-order mark, once they are known to be UTF-8."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PolisImportError(path, None, f"cannot read file ({error.strerror})") from error
    raw = raw.removeprefix(BOM)
    if not raw.isascii():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            raise PolisImportError(path, line, "not valid UTF-8 text") from error
    return raw


def _quotes_well_formed(raw: bytes) -> bool:
    """Whether every quote opens a field, closes one, or is half of an escaped pair.

    Pairs quotes in order: the even-numbered ones open a quoted field (or continue one
    right after a closing quote, as "" does) and the odd-numbered ones close it (followed
    by a comma, a line end or the end of the file, or by the next quote). A quote inside
    an unquoted field breaks the pattern too; Python's reader then decides.
    """
    if raw.find(b'"') < 0:
        return True
    data = np.frombuffer(raw, dtype=np.uint8)
    quotes = np.flatnonzero(data == QUOTE)
    if len(quotes) % 2:
        return False
    opening, closing = quotes[0::2], quotes[1::2]
    escaped = opening[1:] == closing[:-1] + 1
    before = data[np.maximum(opening - 1, 0)]
    opens_field = np.isin(before, FIELD_ENDS) | (opening == 0)
    opens_field[1:] |= escaped
    after = data[np.minimum(closing + 1, len(data) - 1)]
    closes_field = np.isin(after, FIELD_ENDS) | (closing == len(data) - 1)
    closes_field[:-1] |= escaped
    return bool(opens_field.all() and closes_field.all())


def _rows(path: Path, raw: bytes, header: Sequence[str]) -> Iterator[int]:
    """Line number of each data row, read by Python's strict csv module; raises at the
    first broken row."""
    reader = csv.reader(io.StringIO(raw.decode("utf-8"), newline=""), strict=True)
    try:
        next(reader, None)
        for row in reader:
            if not row:
                continue
            if len(row) != len(header):
                raise PolisImportError(
                    path, reader.line_num, f"expected {len(header)} fields, found {len(row)}"
                )
            yield reader.line_num
    except csv.Error as error:
        raise PolisImportError(path, reader.line_num, f"malformed CSV ({error})") from error


def _header(raw: bytes) -> list[str]:
    end = raw.find(b"\n")
    first = raw[: end if end >= 0 else len(raw)].decode("utf-8")
    return [name.strip() for name in next(csv.reader([first]), [])]


@dataclass(frozen=True, eq=False)
class Table:
    """The wanted columns of one CSV file, as strings exactly as written."""

    path: Path
    raw: bytes
    header: tuple[str, ...]
    columns: dict[str, pa.StringArray]

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def __contains__(self, name: str) -> bool:
        return name in self.columns

    def cell(self, name: str, row: int) -> str:
        return str(self.columns[name][row].as_py())

    def distinct(self, name: str) -> tuple[npt.NDArray[np.int32], list[str]]:
        """Each row's code into the column's distinct texts (hashed once, no loop per row)."""
        encoded = pc.dictionary_encode(self.columns[name])
        codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int32)
        return codes, [str(text) for text in encoded.dictionary.to_pylist()]

    def line_of(self, row: int) -> int | None:
        for index, line in enumerate(_rows(self.path, self.raw, self.header)):
            if index == row:
                return line
        return None

    def refuse(self, checks: Sequence[tuple[BoolArray, Callable[[int], str]]]) -> None:
        """Raise for the first row any check marks bad, with that row's first problem."""
        first: tuple[int, int] | None = None
        for order, (bad, _) in enumerate(checks):
            hits = np.flatnonzero(bad)
            if len(hits) and (first is None or hits[0] < first[0]):
                first = (int(hits[0]), order)
        if first is not None:
            row, order = first
            raise PolisImportError(self.path, self.line_of(row), checks[order][1](row))


@dataclass(frozen=True, eq=False)
class WholeNumbers:
    """A column read as whole numbers: `values` is 0 where a cell is blank or `bad`."""

    values: npt.NDArray[np.int64]
    blank: BoolArray
    bad: BoolArray


def whole_numbers(table: Table, name: str) -> WholeNumbers:
    """Whole numbers in ASCII digits, with spaces and a sign allowed (as int() reads them,
    less its underscores and other scripts' digits), at most 18 digits so any fits in an
    int64; plain digits, the usual case, take one cast."""
    column = table.columns[name]
    if (
        len(column)
        and pc.all(pc.ascii_is_decimal(column)).as_py()
        and pc.max(pc.utf8_length(column)).as_py() <= MAX_DIGITS
    ):
        values = np.asarray(pc.cast(column, pa.int64()).to_numpy(), dtype=np.int64)
        nothing = np.zeros(len(column), dtype=bool)
        return WholeNumbers(values=values, blank=nothing, bad=nothing)
    text = pc.utf8_trim_whitespace(column)
    minus = pc.starts_with(text, "-")
    signed = pc.or_(minus, pc.starts_with(text, "+"))
    digits = pc.if_else(signed, pc.utf8_slice_codeunits(text, 1), text)
    good = pc.and_(pc.ascii_is_decimal(digits), pc.less_equal(pc.utf8_length(digits), MAX_DIGITS))
    magnitude = np.asarray(pc.cast(pc.if_else(good, digits, "0"), pa.int64()).to_numpy())
    values = np.where(minus.to_numpy(zero_copy_only=False), -magnitude, magnitude)
    blank = pc.equal(pc.utf8_length(text), 0).to_numpy(zero_copy_only=False)
    return WholeNumbers(
        values=values, blank=blank, bad=~good.to_numpy(zero_copy_only=False) & ~blank
    )


def not_whole(table: Table, name: str) -> Callable[[int], str]:
    """The message for a row whose cell in `name` is not a whole number."""
    return lambda row: f"{name} {table.cell(name, row)!r} is not an integer"


def read_table(path: Path, *, required: Sequence[str], optional: Sequence[str] = ()) -> Table:
    """Read the required columns (and the optional ones present) as text.

    A missing file, bad UTF-8, a missing column, a broken quote or a row with the wrong
    number of fields raises PolisImportError naming the line. Of two columns with the same
    name the first is read.
    """
    raw = _read(path)
    if not raw:
        raise PolisImportError(path, 1, "file is empty (no header row)")
    header = _header(raw)
    missing = [name for name in required if name not in header]
    if missing:
        raise PolisImportError(path, 1, f"missing column(s): {', '.join(missing)}")
    wanted = [name for name in (*required, *optional) if name in header]
    # A name seen again later (in participants-votes.csv a statement may have any id, even
    # "participant") leaves the first column of that name in charge.
    names = [
        name if header.index(name) == i else f"\x00column {i}" for i, name in enumerate(header)
    ]
    if not _quotes_well_formed(raw):
        for _ in _rows(path, raw, header):
            pass  # raises at the broken row; Python's reader may also accept the file
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(raw),
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                include_columns=wanted,
                column_types=dict.fromkeys(wanted, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as error:
        for _ in _rows(path, raw, header):
            pass
        raise PolisImportError(path, None, f"malformed CSV ({error})") from error
    return Table(
        path=path,
        raw=raw,
        header=tuple(header),
        columns={name: table.column(name).combine_chunks() for name in wanted},
    )
