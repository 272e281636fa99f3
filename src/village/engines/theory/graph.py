"""A theory of change as elements and connections, and the rules that make it one.

Activities lead to outcomes, and outcomes to longer-term outcomes. An assumption sits in
between: the activity or outcome before it rests on it, and it leads on to the outcome
after it. Indicators test assumptions. Which connections may exist, and what Kumu calls
each, follows from the kinds at its two ends, so a connection stores no type of its own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

LABEL_MAX = 200
DESCRIPTION_MAX = 5000
KEY_MAX = LABEL_MAX
TAGS_MAX = 20
TAG_MAX = 60
TAG_SEPARATOR = "|"


class Kind(StrEnum):
    OUTCOME = "outcome"
    ACTIVITY = "activity"
    ASSUMPTION = "assumption"
    INDICATOR = "indicator"


class Evidence(StrEnum):
    UNTESTED = "untested"
    SOME = "some"
    SUPPORTED = "supported"
    CHALLENGED = "challenged"


# What the Type and Evidence columns say, as people read them in Kumu.
KIND_LABELS: dict[Kind, str] = {
    Kind.OUTCOME: "Outcome",
    Kind.ACTIVITY: "Activity",
    Kind.ASSUMPTION: "Assumption",
    Kind.INDICATOR: "Indicator",
}
EVIDENCE_LABELS: dict[Evidence, str] = {
    Evidence.UNTESTED: "Untested",
    Evidence.SOME: "Some evidence",
    Evidence.SUPPORTED: "Supported",
    Evidence.CHALLENGED: "Challenged",
}

LEADS_TO = "Leads to"
RESTS_ON = "Rests on"
TESTS = "Tests"
CONNECTION_TYPES: dict[tuple[Kind, Kind], str] = {
    (Kind.ACTIVITY, Kind.OUTCOME): LEADS_TO,
    (Kind.OUTCOME, Kind.OUTCOME): LEADS_TO,
    (Kind.ACTIVITY, Kind.ASSUMPTION): RESTS_ON,
    (Kind.OUTCOME, Kind.ASSUMPTION): RESTS_ON,
    (Kind.ASSUMPTION, Kind.OUTCOME): LEADS_TO,
    (Kind.INDICATOR, Kind.ASSUMPTION): TESTS,
}


def connection_type(source: Kind, target: Kind) -> str | None:
    """What a connection from ``source`` to ``target`` means, or None when it may not exist."""
    return CONNECTION_TYPES.get((source, target))


@dataclass(frozen=True)
class Element:
    """``key`` names it within its theory (Kumu's ID); ``evidence`` is for assumptions only."""

    key: str
    kind: Kind
    label: str
    description: str = ""
    tags: tuple[str, ...] = ()
    evidence: Evidence | None = None


@dataclass(frozen=True)
class Connection:
    source: str
    target: str


@dataclass(frozen=True)
class Theory:
    elements: tuple[Element, ...] = ()
    connections: tuple[Connection, ...] = field(default=())

    def by_key(self) -> dict[str, Element]:
        return {element.key: element for element in self.elements}


def element_problems(element: Element) -> list[str]:
    """What is wrong with one element on its own, in words a person can act on."""
    name = element.label.strip() or element.key
    found = []
    if not element.key.strip() or len(element.key) > KEY_MAX or TAG_SEPARATOR in element.key:
        found.append(f"“{name}” needs an ID of up to {KEY_MAX} characters, without a |.")
    if not element.label.strip():
        found.append(f"Element {element.key} needs a label.")
    if len(element.label) > LABEL_MAX:
        found.append(f"“{name[:40]}…” has a label over {LABEL_MAX} characters.")
    if len(element.description) > DESCRIPTION_MAX:
        found.append(f"“{name}” has a description over {DESCRIPTION_MAX:,} characters.")
    if len(element.tags) > TAGS_MAX or any(
        not tag.strip() or len(tag) > TAG_MAX or TAG_SEPARATOR in tag for tag in element.tags
    ):
        found.append(f"“{name}” may have up to {TAGS_MAX} tags of up to {TAG_MAX} characters.")
    if element.kind == Kind.ASSUMPTION and element.evidence is None:
        found.append(f"The assumption “{name}” needs an evidence status.")
    if element.kind != Kind.ASSUMPTION and element.evidence is not None:
        found.append(f"“{name}” is not an assumption, so it has no evidence status.")
    return found


def a(kind: Kind) -> str:
    """The kind with its article: "an outcome", "a theory"."""
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def connection_problem(source: Element, target: Element) -> str:
    """Why this connection may not exist, or ""."""
    if source.key == target.key:
        return f"“{source.label}” cannot connect to itself."
    if connection_type(source.kind, target.kind) is None:
        return (
            f"{a(source.kind).capitalize()} (“{source.label}”) cannot connect to "
            f"{a(target.kind)} (“{target.label}”). {_allowed()}"
        )
    return ""


def _allowed() -> str:
    pairs = ", ".join(f"{a} to {b}" for a, b in CONNECTION_TYPES)
    return f"Connections go {pairs}."


def problems(theory: Theory) -> list[str]:
    """Everything that stops ``theory`` being a valid theory of change; empty when it is."""
    found: list[str] = []
    for element in theory.elements:
        found += element_problems(element)
    repeated = [key for key, n in Counter(e.key for e in theory.elements).items() if n > 1]
    found += [f"The ID {key} is used by more than one element." for key in repeated]
    elements = theory.by_key()
    for connection in theory.connections:
        source, target = elements.get(connection.source), elements.get(connection.target)
        if source is None or target is None:
            unknown = connection.source if source is None else connection.target
            found.append(f"A connection names {unknown}, which is not an element.")
            continue
        problem = connection_problem(source, target)
        if problem:
            found.append(problem)
    twice = [c for c, n in Counter(theory.connections).items() if n > 1]
    found += [f"The connection from {c.source} to {c.target} is there twice." for c in twice]
    return found
