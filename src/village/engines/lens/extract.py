"""Getting text out of the documents people actually upload, or a clear reason why not.

- ``.txt``, ``.md`` and other text: decoded as they are, so finding offsets are offsets into
  the file's own text (a UTF-8 byte order mark is dropped);
- ``.html``: the visible text (no scripts or styles), block elements on their own lines;
  comments holding a ``lens-ignore`` directive are kept so suppression works;
- ``.docx``: paragraphs and table cells, one per line (python-docx);
- ``.pdf``: each page's text, pages separated by a blank line (pypdf).

Every problem becomes an :class:`ExtractError` whose message is one line, safe to print, and
never contains the document's content: people upload case notes.
"""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO

MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".rst", ".csv"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".docx", ".pdf"}
_UNSUPPORTED = {
    ".doc": "old Word .doc files are not supported; save it as .docx",
    ".odt": "OpenDocument files are not supported; save it as .docx",
    ".rtf": "RTF files are not supported; save it as .docx or .txt",
    ".xlsx": "spreadsheets are not supported",
    ".pptx": "presentations are not supported",
}
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\b\x1b")
_SPACE = re.compile(r"\s+")
_HIDDEN = frozenset({"script", "style", "template", "noscript", "head"})


class ExtractError(Exception):
    """A file that cannot be read; the message is safe to show (no content)."""


def _read_limited(stream: BinaryIO, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ExtractError(f"larger than the {limit // (1024 * 1024)} MB limit")
    return data


def _looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return controls > len(sample) * 0.05


def decode_text(data: bytes, *, encoding: str = "utf-8") -> str:
    """Decode text bytes, refusing binary data and wrong encodings with a clear message."""
    if _looks_binary(data[:8192]):
        raise ExtractError("looks like a binary file, not text")
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding
    try:
        return data.decode(codec)
    except LookupError:
        raise ExtractError(f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as error:
        raise ExtractError(
            f"not valid {encoding} text (first bad byte at offset {error.start}); "
            "save it as UTF-8 or give --encoding"
        ) from None


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCKS:
            if tag == "pre":
                self._pre += 1
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS:
            if tag == "pre":
                self._pre = max(0, self._pre - 1)
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            # Outside <pre>, a line break in the markup is just a space.
            self.parts.append(data if self._pre else _SPACE.sub(" ", data))

    def handle_comment(self, data: str) -> None:
        if "lens-ignore" in data:
            self.parts.append(f" {data.strip()} ")


def html_text(markup: str) -> str:
    """The visible text of an HTML document."""
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip("\n")


def _check_zip(data: bytes, limit: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > limit * 10:
                raise ExtractError("the document expands to more than the size limit")
            if "word/document.xml" not in archive.namelist():
                raise ExtractError("not a valid .docx file (no Word document inside)")
    except (zipfile.BadZipFile, EOFError):
        raise ExtractError("not a valid .docx file (corrupt or not a Word document)") from None


def docx_text(data: bytes, *, limit: int = MAX_BYTES) -> str:
    """Paragraphs and table cells of a Word document, one per line."""
    _check_zip(data, limit)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many types for broken packages
        raise ExtractError(f"not a valid .docx file ({type(error).__name__})") from None
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def pdf_text(data: bytes) -> str:
    """The text of each page of a PDF, pages separated by a blank line."""
    import pypdf
    from pypdf.errors import PyPdfError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = bool(reader.decrypt(""))
            except (PyPdfError, NotImplementedError):
                opened = False
            if not opened:
                raise ExtractError("the PDF is password-protected; remove the password first")
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except ExtractError:
        raise
    except Exception as error:  # pypdf raises many types for damaged files
        raise ExtractError(f"not a readable PDF ({type(error).__name__})") from None


def extract(data: bytes, *, suffix: str, encoding: str = "utf-8", limit: int = MAX_BYTES) -> str:
    """The text of a document given its bytes and file-name suffix (``.txt``, ``.pdf``...)."""
    suffix = suffix.lower()
    if suffix in _UNSUPPORTED:
        raise ExtractError(_UNSUPPORTED[suffix])
    if suffix == ".docx":
        return docx_text(data, limit=limit)
    if suffix == ".pdf":
        return pdf_text(data)
    if suffix in HTML_SUFFIXES:
        return html_text(decode_text(data, encoding=encoding))
    return decode_text(data, encoding=encoding)


def read_path(path: str, *, encoding: str = "utf-8", limit: int = MAX_BYTES) -> str:
    """The text of the file at ``path``, checking its size before reading any of it."""
    file = Path(path)
    try:
        if file.is_dir():
            raise ExtractError("is a directory")
        size = file.stat().st_size
        if size > limit:
            raise ExtractError(
                f"{size // (1024 * 1024)} MB is larger than the {limit // (1024 * 1024)} MB limit"
            )
        with file.open("rb") as stream:
            data = _read_limited(stream, limit)
    except FileNotFoundError:
        raise ExtractError("no such file") from None
    except PermissionError:
        raise ExtractError("permission denied") from None
    except OSError as error:
        raise ExtractError(
            f"cannot read the file ({error.strerror or type(error).__name__})"
        ) from None
    return extract(data, suffix=file.suffix, encoding=encoding, limit=limit)


def read_stream(stream: BinaryIO, *, encoding: str = "utf-8", limit: int = MAX_BYTES) -> str:
    """The text of standard input (always treated as plain text)."""
    return decode_text(_read_limited(stream, limit), encoding=encoding)
