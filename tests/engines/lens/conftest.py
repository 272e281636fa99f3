"""Fixtures for the language lens: the labelled corpus and documents built at test time."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml

CORPUS = Path(__file__).with_name("corpus.yaml")
# The project's first corpus, then the care-practice corpus written before the glossary was
# grown for issue 12, then the blind batch written after it and not used while adding entries.
CORPORA = {
    "project": CORPUS,
    "practice": Path(__file__).with_name("corpus_practice.yaml"),
    "blind": Path(__file__).with_name("corpus_blind.yaml"),
}


def load_corpus(path: Path = CORPUS) -> list[dict[str, Any]]:
    """The labelled sentences of one corpus (the first is also used by bench/lens.py)."""
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["sentences"])


@pytest.fixture(scope="session")
def corpus() -> list[dict[str, Any]]:
    return load_corpus()


def docx_bytes(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
    """A real Word document built with python-docx."""
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, cells, strict=True):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(*, password: str | None = None) -> bytes:
    """A one-page blank PDF from pypdf, optionally encrypted (RC4, no extra dependency)."""
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if password is not None:
        writer.encrypt(user_password=password, owner_password=password, algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def text_pdf_bytes(text: str) -> bytes:
    """A minimal one-page PDF whose page shows ``text`` in Helvetica (written by hand)."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 12 Tf 20 100 Td ({escaped}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 200] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


@pytest.fixture
def documents(tmp_path: Path) -> dict[str, Path]:
    """One good file of each supported kind and one of each kind of bad input."""
    files: dict[str, Path] = {}

    def put(name: str, data: bytes) -> None:
        path = tmp_path / name
        path.write_bytes(data)
        files[name] = path

    put("notes.txt", b"He absconded from his placement.\r\nHer contact details are below.\n")
    put("notes.md", b"# Review\n\nContact with mum was suspended. <!-- lens-ignore-line -->\n")
    put(
        "page.html",
        b"<html><head><style>p{}</style><script>var placement=1;</script></head>"
        b"<body><h1>Plan</h1><p>The LAC review is on Tuesday.</p></body></html>",
    )
    put("report.docx", docx_bytes("Respite care is planned.", table=[["Kicked off", "no"]]))
    put("letter.pdf", text_pdf_bytes("Dad is an alcoholic and drinks alcoholic drinks."))
    put("blank.pdf", pdf_bytes())
    put("locked.pdf", pdf_bytes(password="secret"))
    put("corrupt.docx", bytes(range(256)) * 8)
    put("corrupt.pdf", b"%PDF-1.4\nthis is not really a pdf at all\n")
    put("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    put("latin1.txt", "Caf\u00e9 placement".encode("latin-1"))
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: 100 MB on paper, nothing on disk
    files["huge.txt"] = huge
    return files
