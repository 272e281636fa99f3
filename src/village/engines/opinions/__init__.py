"""Opinion engine: groups, representative statements, common ground and bridging from votes.

Pure numpy/scipy (no Django); `village opinions analyse DIR` is the command-line front.
"""

from village.engines.opinions.engine import Analysis, analyse, next_statement_priorities, update
from village.engines.opinions.matrix import Votes
from village.engines.opinions.polis_io import (
    PolisExport,
    PolisImportError,
    PolisStatement,
    read_export,
)
from village.engines.opinions.polis_write import write_export
from village.engines.opinions.results import OpinionResult, Settings

__all__ = [
    "Analysis",
    "OpinionResult",
    "PolisExport",
    "PolisImportError",
    "PolisStatement",
    "Settings",
    "Votes",
    "analyse",
    "next_statement_priorities",
    "read_export",
    "update",
    "write_export",
]
