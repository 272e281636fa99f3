"""Score one person's answers to one instrument.

Partial answers are not scored: every item must be answered. The published scoring rules for
ProQOL, SWEMWBS and the psychological safety scale assume complete answers, and the pulse app
saves unfinished answers on the person's device until they are complete, so a missing answer
is an error here rather than something to impute.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from village.engines.instruments.errors import AnswerError
from village.engines.instruments.loader import raw_range
from village.engines.instruments.model import Band, Instrument, Method, Subscale


@dataclass(frozen=True)
class SubscaleScore:
    """One subscale's result: the raw sum or mean, the reported score and its band (if any).

    ``about`` explains what the subscale measures; ``interpretation`` is the band's kind
    explanation when the source defines bands, otherwise the same as ``about``.
    """

    id: str
    name: str
    raw: float
    score: float
    minimum: float
    maximum: float
    band: Band | None
    about: str
    interpretation: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "raw": round(self.raw, 2),
            "score": round(self.score, 2),
            "range": [round(self.minimum, 2), round(self.maximum, 2)],
            "band": self.band.id if self.band else None,
        }


@dataclass(frozen=True)
class InstrumentScore:
    """All subscale results for one completed instrument."""

    instrument_id: str
    subscales: tuple[SubscaleScore, ...]

    def subscale(self, subscale_id: str) -> SubscaleScore:
        for result in self.subscales:
            if result.id == subscale_id:
                return result
        raise KeyError(subscale_id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument_id,
            "subscales": {result.id: result.as_dict() for result in self.subscales},
        }


def score(*, instrument: Instrument, answers: Sequence[int] | Mapping[int, int]) -> InstrumentScore:
    """Score answers given in item order, or as a mapping from item number to answer code.

    Raises ``AnswerError`` naming the problem if an answer is missing, extra or out of range.
    """
    by_item = _answers_by_item(instrument, answers)
    points = {
        item.number: item.scale.points(by_item[item.number], reverse=item.reverse)
        for item in instrument.items
    }
    return InstrumentScore(
        instrument_id=instrument.id,
        subscales=tuple(_score_subscale(instrument, s, points) for s in instrument.subscales),
    )


def _answers_by_item(
    instrument: Instrument, answers: Sequence[int] | Mapping[int, int]
) -> dict[int, int]:
    count = instrument.item_count
    if isinstance(answers, Mapping):
        by_item = dict(answers)
        extra = sorted(set(by_item) - set(range(1, count + 1)))
        if extra:
            raise AnswerError(f"{instrument.id} has items 1-{count}; got answers for {extra}")
        missing = sorted(set(range(1, count + 1)) - set(by_item))
        if missing:
            raise AnswerError(
                f"{instrument.id} needs all {count} items answered; missing {missing}"
            )
    else:
        if len(answers) != count:
            raise AnswerError(f"{instrument.id} needs {count} answers, got {len(answers)}")
        by_item = {number: answer for number, answer in enumerate(answers, start=1)}
    for number, answer in by_item.items():
        allowed = instrument.item(number).scale.values
        if isinstance(answer, bool) or not isinstance(answer, int) or answer not in allowed:
            raise AnswerError(
                f"{instrument.id} item {number}: answer must be one of "
                f"{', '.join(map(str, allowed))}; got {answer!r}"
            )
    return by_item


def score_range(instrument: Instrument, subscale: Subscale) -> tuple[float, float]:
    """The lowest and highest score a subscale reports (after any conversion)."""
    low, high = raw_range(instrument, subscale)
    if subscale.conversion is not None:
        return subscale.conversion[round(low)], subscale.conversion[round(high)]
    return low, high


def _score_subscale(
    instrument: Instrument, subscale: Subscale, points: Mapping[int, float]
) -> SubscaleScore:
    values = [points[number] for number in subscale.items]
    raw = sum(values) if subscale.method is Method.SUM else sum(values) / len(values)
    low, high = score_range(instrument, subscale)
    converted = subscale.conversion[round(raw)] if subscale.conversion is not None else raw
    band = subscale.band_for(converted)
    return SubscaleScore(
        id=subscale.id,
        name=subscale.name,
        raw=raw,
        score=converted,
        minimum=low,
        maximum=high,
        band=band,
        about=subscale.interpretation,
        interpretation=band.interpretation if band else subscale.interpretation,
    )
