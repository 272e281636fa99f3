"""Empty, huge, malformed and hostile words, through every reviews service that keeps words:
each is refused with a clear reason that does not repeat it, or kept word for word (NUL
characters dropped), and nothing else is lost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.hostile import HOSTILE
from tests.reviews.conftest import Partners, value_of
from village.reviews import services
from village.reviews.models import CharterVersion, Clause, ClauseKind, Review
from village.reviews.policy import ReviewError
from village.reviews.services import ValueText


def _writers(
    review: Review, partners: Partners, published: CharterVersion
) -> dict[str, Callable[[str], str]]:
    value = value_of(review, "no-blame")
    lead = partners.leads[0]
    clause = Clause.objects.get(value__version=published, value__key="no-blame", key="right-1")
    draft = services.draft_start(version=published, actor=partners.facilitator)
    draft_value = draft.values.get(key="no-blame")
    fac = partners.facilitator
    return {
        "shortfall": lambda text: (
            services.shortfall_add(
                review=review, actor=partners.family[0], value=value, barrier="culture", text=text
            ).text
        ),
        "evidence": lambda text: (
            services.self_rate(
                review=review,
                actor=lead,
                agency=partners.agencies[0],
                value=value,
                score=3,
                evidence=text,
            ).evidence
        ),
        "why not": lambda text: (
            services.not_rated_record(
                review=review, actor=fac, value=value, panel="family", because=text
            ).because
        ),
        "action": lambda text: (
            services.action_add(
                review=review,
                actor=fac,
                text=text,
                owner_agency=partners.agencies[0],
                due_on=timezone.localdate() + timedelta(days=1),
            ).text
        ),
        "milestone": lambda text: (
            services.action_add(
                review=review,
                actor=fac,
                text="An action",
                owner_agency=partners.agencies[0],
                due_on=timezone.localdate() + timedelta(days=1),
                milestones=[(text, None)],
            )
            .milestones.get()
            .text
        ),
        "amendment": lambda text: (
            services.amendment_propose(
                version=published, actor=partners.family[1], clause=clause, new_text=text
            ).new_text
        ),
        "clause": lambda text: (
            services.clause_add(
                value=draft_value, actor=fac, kind=ClauseKind.RIGHT, parties=["families"], text=text
            ).text
        ),
        "value": lambda text: (
            services.value_add(
                version=draft, actor=fac, text=ValueText(name="Named", description=text, plain=text)
            ).plain
        ),
    }


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_words_are_refused_clearly_or_kept_exactly(
    name: str, review: Review, partners: Partners, published: CharterVersion
) -> None:
    given = HOSTILE[name]
    for label, write in _writers(review, partners, published).items():
        try:
            stored = write(given)
        except ReviewError as error:
            assert str(error), label
            assert given.strip() == "" or given not in str(error), label
            continue
        assert stored.split() == given.replace("\x00", "").split(), label
