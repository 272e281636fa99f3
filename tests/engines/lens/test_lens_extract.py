"""Text extraction details that the command line tests do not pin down."""

from __future__ import annotations

import pytest

from village.engines.lens.extract import ExtractError, decode_text, extract, html_text
from village.engines.lens.matcher import find

from .conftest import docx_bytes


def test_html_keeps_visible_text_and_block_structure() -> None:
    markup = (
        "<html><head><title>x</title><style>.placement{}</style></head><body>"
        "<h1>Plan</h1><p>Her <b>placement</b>   is\nstable.</p><ul><li>One</li><li>Two</li></ul>"
        "<script>var respite = 1;</script><p>Fish &amp; chips</p></body></html>"
    )
    assert html_text(markup) == "Plan\n\nHer placement is stable.\n\nOne\n\nTwo\n\nFish & chips"


def test_html_comments_with_directives_still_suppress() -> None:
    text = html_text("<p>Her placement. <!-- lens-ignore-line --></p><p>His placement.</p>")
    assert [finding.line for finding in find(text)] == [3]


def test_docx_paragraphs_and_tables_one_per_line() -> None:
    data = docx_bytes("First paragraph.", "Second.", table=[["a", "b"]])
    assert extract(data, suffix=".docx") == "First paragraph.\nSecond.\na\nb"


def test_text_keeps_crlf_and_drops_a_bom() -> None:
    assert decode_text(b"\xef\xbb\xbfone\r\ntwo") == "one\r\ntwo"
    assert decode_text("caf\u00e9".encode("latin-1"), encoding="latin-1") == "caf\u00e9"


@pytest.mark.parametrize(
    ("data", "encoding", "message"),
    [
        (b"abc\x00def", "utf-8", "looks like a binary file"),
        (b"abc", "klingon", "unknown encoding 'klingon'"),
    ],
)
def test_decode_errors(data: bytes, encoding: str, message: str) -> None:
    with pytest.raises(ExtractError, match=message):
        decode_text(data, encoding=encoding)


def test_zip_that_is_not_a_word_document() -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ExtractError, match="no Word document inside"):
        extract(buffer.getvalue(), suffix=".docx")
