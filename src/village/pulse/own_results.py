"""A person's own scores, kept for a short while in their own browser and nowhere else.

The last answer page redirects to the scores page (so refreshing it sends nothing again).
The scores travel in a cookie signed with the secret key and with a keyed hash of this
browser's key, scoped to that round's scores page and gone after 15 minutes: the server
stores nothing, so no row, session or cache entry links the scores to the person. Another
browser, or this one after signing out (which gives it a new key), cannot read them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from village.engines.instruments import (
    Band,
    Instrument,
    InstrumentScore,
    get_instrument,
    load_instruments,
    score_range,
)
from village.people.browser_key import keyed_hash
from village.pulse.models import Round

COOKIE_NAME = "village_scores"
LIFETIME = 15 * 60


@dataclass(frozen=True)
class OwnScore:
    name: str
    score: float
    minimum: float
    maximum: float
    band: Band | None
    interpretation: str


def _salt(round_: Round, browser_key: str) -> str:
    return "pulse.scores:" + keyed_hash(key=browser_key, purpose=f"round:{round_.pk}:scores")


def _path(round_: Round) -> str:
    return reverse("pulse:results", kwargs={"code": round_.round_code})


def keep(
    response: HttpResponse,
    *,
    round_: Round,
    browser_key: str,
    results: Sequence[InstrumentScore],
) -> None:
    """Put the scores (nothing else) in this browser, for this round's scores page only."""
    scores = {
        result.instrument_id: {sub.id: sub.score for sub in result.subscales} for result in results
    }
    response.set_cookie(
        COOKIE_NAME,
        signing.dumps(scores, salt=_salt(round_, browser_key), compress=True),
        max_age=LIFETIME,
        path=_path(round_),
        httponly=True,
        samesite="Strict",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def read(
    request: HttpRequest, *, round_: Round, browser_key: str
) -> list[tuple[Instrument, list[OwnScore]]]:
    """The scores this browser keeps for this round, or [] if it keeps none (or they are too
    old, or were made in another browser)."""
    try:
        kept = signing.loads(
            request.COOKIES.get(COOKIE_NAME, ""),
            salt=_salt(round_, browser_key),
            max_age=LIFETIME,
        )
    except signing.BadSignature:
        return []
    if not isinstance(kept, Mapping):
        return []
    return [
        (get_instrument(instrument_id), _own(instrument_id, scores))
        for instrument_id, scores in kept.items()
        if instrument_id in load_instruments() and isinstance(scores, Mapping)
    ]


def _own(instrument_id: str, scores: Mapping[str, float]) -> list[OwnScore]:
    instrument = get_instrument(instrument_id)
    own = []
    for subscale in instrument.subscales:
        if not isinstance(scores.get(subscale.id), int | float):
            continue
        value = float(scores[subscale.id])
        low, high = score_range(instrument, subscale)
        band = subscale.band_for(value)
        own.append(
            OwnScore(
                name=subscale.name,
                score=value,
                minimum=low,
                maximum=high,
                band=band,
                interpretation=band.interpretation if band else subscale.interpretation,
            )
        )
    return own
