"""Validated wellbeing instruments as data files, and their scoring.

Public API::

    load_instruments() -> Mapping[str, Instrument]
    get_instrument(instrument_id) -> Instrument
    score(instrument=..., answers=...) -> InstrumentScore
    estimated_seconds(instruments, comment=...) -> int

Every item must be answered (see ``scoring``); bad answers raise ``AnswerError``.
"""

from village.engines.instruments.errors import AnswerError, InstrumentError
from village.engines.instruments.loader import get_instrument, load_instruments
from village.engines.instruments.model import (
    AUDIENCES,
    FAMILY,
    STAFF,
    Band,
    Instrument,
    Item,
    Licence,
    Method,
    Option,
    ResponseScale,
    Subscale,
)
from village.engines.instruments.scoring import (
    InstrumentScore,
    SubscaleScore,
    score,
    score_range,
)
from village.engines.instruments.timing import estimated_minutes, estimated_seconds

__all__ = [
    "AUDIENCES",
    "FAMILY",
    "STAFF",
    "AnswerError",
    "Band",
    "Instrument",
    "InstrumentError",
    "InstrumentScore",
    "Item",
    "Licence",
    "Method",
    "Option",
    "ResponseScale",
    "Subscale",
    "SubscaleScore",
    "estimated_minutes",
    "estimated_seconds",
    "get_instrument",
    "load_instruments",
    "score",
    "score_range",
]
