"""How long a set takes is worked out from its items, the same way everywhere."""

from __future__ import annotations

import pytest

from village.engines.instruments import estimated_minutes, estimated_seconds, get_instrument


def test_seconds_come_from_the_items_and_the_comment_box() -> None:
    cbi, multiagency = get_instrument("cbi"), get_instrument("multiagency")
    assert estimated_seconds([cbi, multiagency], comment=False) == 27 * 5
    assert estimated_seconds([cbi, multiagency], comment=True) == 27 * 5 + 30
    assert estimated_seconds([], comment=False) == 0


@pytest.mark.parametrize(
    ("seconds", "minutes"), [(0, 1), (40, 1), (89, 1), (90, 2), (135, 2), (165, 3), (600, 10)]
)
def test_minutes_are_whole_rounded_and_at_least_one(seconds: int, minutes: int) -> None:
    assert estimated_minutes(seconds) == minutes
