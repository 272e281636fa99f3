"""Building the demo's values review pack as a PDF and a Word document.

    python bench/review_pack.py           # both demo reviews, each format built five times
    python bench/review_pack.py --small   # last quarter's review, each format once (CI)

Everything runs in this one process on SQLite in a temporary VILLAGE_HOME: the schema is
migrated and the demo loaded (`village demo`'s loader), then each review's pack is built
through the same calls as `village reviews pack` (the content selector, then the renderer).
The bench prints, for each review and format, the pages (the PDF's, read back with pypdf;
a Word document has no fixed pages until a word processor lays it out, so its paragraphs
and tables instead), the size, and the time to build it (the fastest and the median of the
runs, content and drawing together). No timing is asserted.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from support.pulse_data import setup  # noqa: E402


def _pages(fmt: str, data: bytes) -> str:
    if fmt == "pdf":
        import pypdf

        return f"{len(pypdf.PdfReader(io.BytesIO(data)).pages)} pages"
    import docx

    document = docx.Document(io.BytesIO(data))
    return f"{len(document.paragraphs)} paragraphs and {len(document.tables)} tables"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="a CI-sized run")
    args = parser.parse_args()
    runs = 1 if args.small else 5
    with tempfile.TemporaryDirectory(prefix="village-bench-") as home:
        setup(Path(home))
        from village.demo import demo_load
        from village.reviews import selectors
        from village.reviews.pack import review_pack
        from village.reviews.pack_render import FORMATS, pack_bytes

        started = time.perf_counter()
        partnership, _created = demo_load()
        print(f"loaded the demo in {time.perf_counter() - started:.1f} s")
        reviews = list(selectors.reviews_for(partnership=partnership).order_by("quarter"))
        for review in reviews[:1] if args.small else reviews:
            for fmt in FORMATS:
                times = []
                for _run in range(runs):
                    started = time.perf_counter()
                    data = pack_bytes(review_pack(review=review), fmt)
                    times.append(time.perf_counter() - started)
                print(
                    f"{review.quarter} ({review.get_state_display().lower()}) {fmt}: "
                    f"{_pages(fmt, data)}, {len(data) / 1024:.0f} KiB, built in "
                    f"{min(times):.2f} s (fastest), {statistics.median(times):.2f} s (median "
                    f"of {runs})"
                )


if __name__ == "__main__":
    main()
