"""The demo's learning hub has the shape it is built to show: two projects at different
gates, stories of change (some anonymous) and a panel selection with its reason, and an
indicator read live from a released check-in figure."""

from __future__ import annotations

from village.demo import demo_load
from village.hub import selectors
from village.hub.demo import SELECTED_REASON


def test_the_demo_hub(db: None) -> None:
    partnership, _created = demo_load()
    conferencing, breakfast = sorted(
        selectors.projects_for(partnership=partnership), key=lambda p: p.gate_reached or 0
    )[::-1]
    assert (conferencing.gate_reached, breakfast.gate_reached) == (6, 0)
    stories = [s for g in selectors.stories_by_domain(project=conferencing) for s in g.stories]
    assert len(stories) == selectors.stories_told(project=conferencing) == 3
    assert sum(s.anonymous for s in stories) == 2
    [selection] = selectors.selections_of(project=conferencing)
    assert selection.reason == SELECTED_REASON and selection.story.anonymous
    live = [
        selectors.live_value(indicator=row.indicator)
        for row in selectors.indicators_of(project=conferencing)
    ]
    shown = [v for v in live if v is not None]
    assert len(shown) == 1 and shown[0].figure is not None and shown[0].figure.value is not None
