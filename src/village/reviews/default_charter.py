"""Village's default charter, written by the project in plain words: the data file
``data/default_charter.yaml``, read once. ``services.charter_load_default`` turns it into a
partnership's first draft, through the same checks as any value a person writes."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

PATH = Path(__file__).parent / "data" / "default_charter.yaml"


@cache
def default_charter() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(PATH.read_text(encoding="utf-8"))
    return data
