"""A project's theory of change as a plain graph, its exchange with Kumu as CSV, and the
18-month journey's gate rules. Pure Python: the hub app turns rows into these and back.

Public API::

    Theory(elements=(Element(...), ...), connections=(Connection(...), ...))
    problems(theory) -> list[str]                       # why it is not a valid theory
    elements_csv(theory) -> str; connections_csv(theory) -> str
    read_theory(elements=b"...", connections=b"...") -> Imported   # or TheoryImportError
    missing(months=6, progress=Progress(...)) -> list[Gap]          # what a gate still needs
"""

from village.engines.theory.graph import (
    CONNECTION_TYPES,
    EVIDENCE_LABELS,
    KIND_LABELS,
    Connection,
    Element,
    Evidence,
    Kind,
    Theory,
    connection_type,
    problems,
)
from village.engines.theory.journey import GATE_MONTHS, GATES, Gap, Need, Progress, missing, needs
from village.engines.theory.kumu import (
    CONNECTION_COLUMNS,
    ELEMENT_COLUMNS,
    Imported,
    TheoryImportError,
    connections_csv,
    elements_csv,
    read_theory,
)

__all__ = [
    "CONNECTION_COLUMNS",
    "CONNECTION_TYPES",
    "ELEMENT_COLUMNS",
    "EVIDENCE_LABELS",
    "GATES",
    "GATE_MONTHS",
    "KIND_LABELS",
    "Connection",
    "Element",
    "Evidence",
    "Gap",
    "Imported",
    "Kind",
    "Need",
    "Progress",
    "Theory",
    "TheoryImportError",
    "connection_type",
    "connections_csv",
    "elements_csv",
    "missing",
    "needs",
    "problems",
    "read_theory",
]
