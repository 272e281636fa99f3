"""The demo's charter and reviews have the shape they are built to show."""

from __future__ import annotations

from django.utils import timezone

from village.demo import demo_load
from village.reviews import selectors
from village.reviews.demo import ACTIONS, GAP_VALUE
from village.reviews.models import ActionStatus, Panel, ReviewState, Source, VersionState


def test_the_demo_charter_and_reviews(db: None) -> None:
    partnership, _created = demo_load()
    charter = selectors.charter_of(partnership=partnership)
    assert charter is not None
    version = selectors.published_version(charter=charter)
    assert version is not None and version.state == VersionState.PUBLISHED
    assert len(selectors.values_of(version=version)) == 8

    current, last = selectors.reviews_for(partnership=partnership)
    assert current.quarter == selectors.quarter_for(timezone.localdate())
    assert last.quarter == selectors.quarter_before(current.quarter)
    assert last.state == ReviewState.CLOSED and current.state == ReviewState.OPEN
    assert selectors.missing_ratings(review=last) == []

    matrix = selectors.gap_matrix(review=last)
    flagged = {
        (row.value.key, gap.panel)
        for row, cell in matrix.flagged
        for gap in cell.gaps
        if gap.flagged
    }
    assert flagged == {(GAP_VALUE, Panel.FAMILY)}
    assert len(matrix.flagged) == len(matrix.agencies) == 6
    for _row, cell in matrix.flagged:
        [gap] = [gap for gap in cell.gaps if gap.flagged]
        assert gap.size == 2.0
    assert all(row.family.shown and row.frontline.shown for row in matrix.rows)

    done = [text for text, *_rest, status in ACTIONS if status == ActionStatus.DONE]
    carried = list(selectors.actions_of(review=current).filter(carried_from__isnull=False))
    assert sorted(a.text for a in carried) == sorted(
        text for text, *_rest in ACTIONS if text not in done
    )
    assert {a.status for a in carried} == {
        ActionStatus.OPEN,
        ActionStatus.IN_PROGRESS,
        ActionStatus.STUCK,
    }
    assert all(a.carried_from.review == last for a in carried)
    assert selectors.actions_of(review=current).filter(source=Source.CIRCLE).count() == 1


def test_loading_twice_adds_no_second_review(db: None) -> None:
    partnership, created = demo_load()
    again, created_again = demo_load()
    assert created and not created_again and again == partnership
    assert selectors.reviews_for(partnership=partnership).count() == 2
