"""Small-cell suppression and differencing protection for every report and export.

Public API::

    Policy(minimum=5, comment_minimum=10, rounding_base=5)      # floors can only be raised
    Population.snapshot(respondents=[Respondent(...)], domains={...})
    guard = DisclosureGuard(population=..., policy=..., hierarchies={"team": parents},
                            history=[...])
    guard.table(Query.of(breakdown=["agency"], filters={...}, measures=[...])) -> Table
    guard.comments(question="...", query=Query.of(...)) -> CommentTable
    guard.history -> tuple[LogEntry, ...]                      # store; pass back to rebuild
    DisclosureGuard(..., structural={"audience"}, audience=Audience.of(...),
                    ledger=Ledger(minimum=5, audiences=earlier_rounds_audiences))
    pack_audiences(guard.released_audiences) -> bytes          # store; unpack_audiences later

See ``guard`` for the rules, ``audit`` for why they are enough within a round and ``ledger``
for what protects one round's figures against another's.
"""

from village.engines.disclosure.audit import AuditStats, Breach, find_small_group
from village.engines.disclosure.guard import (
    Cell,
    CommentCell,
    CommentTable,
    DisclosureGuard,
    LogEntry,
    Query,
    Table,
)
from village.engines.disclosure.ledger import (
    Audience,
    Ids,
    Ledger,
    pack_audiences,
    unpack_audiences,
)
from village.engines.disclosure.policy import Policy, PolicyError
from village.engines.disclosure.population import (
    Population,
    PopulationError,
    Respondent,
    RollUp,
    roll_up,
)
from village.engines.disclosure.reasons import ReasonCode, Suppression

__all__ = [
    "Audience",
    "AuditStats",
    "Breach",
    "Cell",
    "CommentCell",
    "CommentTable",
    "DisclosureGuard",
    "Ids",
    "Ledger",
    "LogEntry",
    "Policy",
    "PolicyError",
    "Population",
    "PopulationError",
    "Query",
    "ReasonCode",
    "Respondent",
    "RollUp",
    "Suppression",
    "Table",
    "find_small_group",
    "pack_audiences",
    "roll_up",
    "unpack_audiences",
]
