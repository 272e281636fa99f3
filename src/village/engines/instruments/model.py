"""What an instrument is, as plain frozen data.

An instrument is data, not code: the YAML files in ``data/`` are read into these classes by
``loader`` and scored by ``scoring``. Keeping the wording, the scoring rules and the licence
in one file per instrument means a researcher can check one file against the published source.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType

from village.engines.instruments.errors import InstrumentError

# Who a question set is written for: people working in the agencies, and parents, carers
# and people with lived experience. A round asks one of them, with sets written for it.
STAFF = "staff"
FAMILY = "family"
AUDIENCES: tuple[str, ...] = (STAFF, FAMILY)


class Method(StrEnum):
    """How a subscale's item points are combined."""

    SUM = "sum"
    MEAN = "mean"


@dataclass(frozen=True)
class Option:
    """One answer a person can choose: the code they enter and the points it is worth."""

    value: int
    label: str
    points: float


@dataclass(frozen=True)
class ResponseScale:
    """An ordered list of answers; reverse scoring mirrors the points along this order."""

    id: str
    options: tuple[Option, ...]

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)

    def points(self, value: int, *, reverse: bool) -> float:
        """Points for an answer code; a reversed item takes the mirrored option's points."""
        index = self.values.index(value)
        if reverse:
            index = len(self.options) - 1 - index
        return self.options[index].points


@dataclass(frozen=True)
class Item:
    """One question, numbered as in the published instrument."""

    number: int
    text: str
    scale: ResponseScale
    reverse: bool = False


@dataclass(frozen=True)
class Band:
    """A published score range with a kind explanation for the person's private page."""

    id: str
    label: str
    low: float
    high: float
    interpretation: str

    def contains(self, score: float) -> bool:
        return self.low <= score <= self.high


@dataclass(frozen=True)
class Subscale:
    """A set of items combined into one score, optionally converted and banded."""

    id: str
    name: str
    items: tuple[int, ...]
    method: Method
    interpretation: str
    conversion: Mapping[int, float] | None = None
    bands: tuple[Band, ...] = ()
    higher_is: str = ""

    def band_for(self, score: float) -> Band | None:
        return next((band for band in self.bands if band.contains(score)), None)


@dataclass(frozen=True)
class Licence:
    """The terms the platform must honour before and while using an instrument.

    ``requires_confirmation`` means a partnership admin must confirm the partnership holds
    its own licence before a round may use it. ``rewordable`` lists the only placeholder
    words the licence allows a partnership to change.
    """

    terms: str
    copyright: str = ""
    requires_confirmation: bool = False
    rewordable: tuple[str, ...] = ()
    url: str = ""


@dataclass(frozen=True)
class Instrument:
    """A validated (or project-written) questionnaire with its scoring rules."""

    id: str
    name: str
    short_name: str
    instructions: str
    recall_period: str
    items: tuple[Item, ...]
    subscales: tuple[Subscale, ...]
    citation: str
    licence: Licence
    audiences: tuple[str, ...] = (STAFF,)
    validated: bool = True
    wording: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    templates: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))
    instructions_template: str = ""

    @property
    def item_count(self) -> int:
        return len(self.items)

    def item(self, number: int) -> Item:
        for item in self.items:
            if item.number == number:
                return item
        raise InstrumentError(f"{self.id} has no item {number}")

    def reworded(self, **words: str) -> Instrument:
        """Return a copy with licence-permitted words replaced (e.g. ProQOL's ``helper``).

        Raises ``InstrumentError`` for any word the licence does not allow to change, so the
        app cannot alter an instrument's wording by accident.
        """
        unknown = sorted(set(words) - set(self.licence.rewordable))
        if unknown:
            raise InstrumentError(
                f"{self.id}: the licence does not allow changing {', '.join(unknown)}"
            )
        wording = {**self.wording, **words}
        items = tuple(
            replace(item, text=render(self.templates[item.number], wording))
            if item.number in self.templates
            else item
            for item in self.items
        )
        instructions = (
            render(self.instructions_template, wording)
            if self.instructions_template
            else self.instructions
        )
        return replace(
            self, items=items, instructions=instructions, wording=MappingProxyType(wording)
        )


def render(template: str, wording: Mapping[str, str]) -> str:
    """Fill ``{word}`` placeholders, failing loudly on a missing word."""
    try:
        return string.Formatter().vformat(template, (), dict(wording))
    except KeyError as exc:
        raise InstrumentError(f"no wording given for placeholder {exc}") from exc
