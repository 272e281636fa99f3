"""PDFs of printable pages, drawn by WeasyPrint from the page's own HTML and print CSS.

WeasyPrint fetches only Village's own static files (stylesheets), read from disk: any other
address in a page (an image link, a stylesheet elsewhere) is refused, so drawing a PDF never
makes a network request. WeasyPrint needs the Pango library from the operating system; it
is imported when a PDF is asked for, so the rest of Village runs without it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it needs (Pango) cannot be loaded here."""


def _static_file(url: str) -> Path:
    """The file on disk behind one of Village's own static addresses; anything else refused."""
    prefix = "file:///" + settings.STATIC_URL.strip("/") + "/"
    if url.startswith(prefix):
        name = url[len(prefix) :].split("?")[0]
        collected = Path(settings.STATIC_ROOT) / name  # hashed names, after collectstatic
        found = str(collected) if ".." not in name and collected.is_file() else finders.find(name)
        if isinstance(found, str):
            return Path(found)
    raise ValueError("Only Village's own static files are read when drawing a PDF.")


def load_weasyprint() -> Any:
    """The WeasyPrint module, or PdfUnavailable saying why it cannot be loaded."""
    # Page-by-page progress, logged from the import onwards (it parses its own stylesheets).
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise PdfUnavailable(f"WeasyPrint cannot be loaded: {error}") from error
    return weasyprint


def pdf_from_html(html: str) -> bytes:
    """The page as a PDF, laid out with its print styles."""
    weasyprint = load_weasyprint()

    class StaticOnly(weasyprint.urls.URLFetcher):  # type: ignore[name-defined]
        def fetch(self, url: str, headers: Any = None) -> Any:
            path = _static_file(url)
            mime = "text/css" if path.suffix == ".css" else "application/octet-stream"
            return weasyprint.urls.URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": mime}
            )

    document = weasyprint.HTML(string=html, base_url="file:///", url_fetcher=StaticOnly())
    pdf: bytes = document.write_pdf()
    return pdf
