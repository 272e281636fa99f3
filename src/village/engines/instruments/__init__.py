"""Validated wellbeing instruments as data files, and their scoring.

Public API::

    load_instruments() -> Mapping[str, Instrument]
    get_instrument(instrument_id) -> Instrument
    score(instrument=..., answers=...) -> InstrumentScore

Every item must be answered (see ``scoring``); bad answers raise ``AnswerError``.
"""

from village.engines.instruments.errors import AnswerError, InstrumentError
from village.engines.instruments.loader import get_instrument, load_instruments
from village.engines.instruments.model import (
    Band,
    Instrument,
    Item,
    Licence,
    Method,
    Option,
    ResponseScale,
    Subscale,
)
from village.engines.instruments.scoring import InstrumentScore, SubscaleScore, score

__all__ = [
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
    "get_instrument",
    "load_instruments",
    "score",
]
