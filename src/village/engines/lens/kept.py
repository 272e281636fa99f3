"""Village's own glossary, compiled, kept between runs of `village lens`.

Reading the glossary's YAML and building its pattern is most of the time a short run takes,
so the built matcher is kept in the user's cache folder (``$XDG_CACHE_HOME/village``, else
``~/.cache/village``), in a file named from a hash of the glossary's files, the lens's own
code and the Python version: any change to one of them makes a new file, and the old one is
removed. A file that cannot be read or written is ignored, and the matcher is built as before.
The file is written only by this module, under the user's own cache folder.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

Built = TypeVar("Built")

_PACKAGE = Path(__file__).resolve().parent


def folder() -> Path:
    """Where kept files go: the XDG cache folder, as other command-line tools use."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "village"


def fingerprint() -> str:
    """A hash of everything a kept matcher is built from: the lens's code and data files,
    and the Python that pickled it."""
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".yaml"):
            digest.update(str(path.relative_to(_PACKAGE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def kept(name: str, build: Callable[[], Built]) -> Built:
    """What ``build`` returns, read from the cache folder when this same code and data made
    it before; otherwise built, and kept for next time."""
    path = folder() / f"lens-{name}-{fingerprint()}.pickle"
    found = _read(path)
    if found is not None:
        return found  # type: ignore[return-value]  # what build() made before
    built = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as part:
            pickle.dump(built, part)
        os.replace(part.name, path)
        for old in path.parent.glob(f"lens-{name}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home: build each time, as before
    return built


def _read(path: Path) -> object | None:
    """A kept object, or None when the file is missing or cannot be read back."""
    try:
        with path.open("rb") as file:
            return pickle.load(file)  # noqa: S301 - written by kept() alone, named by its hash
    except Exception:  # missing, unreadable, cut short or from another version: rebuild
        return None
