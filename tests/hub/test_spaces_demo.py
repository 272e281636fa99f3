"""The demo's learning space has the shape it is built to show (issue 13, item 7)."""

from __future__ import annotations

from village.demo import demo_load
from village.hub import selectors


def test_the_demo_learning_space_and_projects(db: None) -> None:
    partnership, _created = demo_load()
    gates = sorted(
        project.gate_reached for project in selectors.projects_for(partnership=partnership)
    )
    assert len(gates) == 2 and gates[0] != gates[1], "two projects at different gates"
    (space,) = selectors.spaces_for(partnership=partnership)
    rota = [place.member for place in selectors.rota_of(space=space)]
    assert len(rota) == 4
    assert space.facilitator == rota[1]
    assert selectors.next_facilitator(space=space) == rota[2]
    assert len(selectors.turns_of(space=space)) == 2
    (link,) = selectors.circles_of(space=space)
    assert link.circle.created_by == rota[0]
    assert link.circle.led_by == space.facilitator, "the open circle's lead passed on too"
    lessons = list(selectors.lessons_in(space=space))
    assert len(lessons) == 2
    assert all(lesson.assumptions.count() == 1 for lesson in lessons)
    assert demo_load() == (partnership, False)
