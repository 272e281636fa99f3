"""django-rules predicates for circles, built on village.circles.policy.

Predicates take the acting member (or None) and the circle."""

from __future__ import annotations

import rules

from village.circles import policy
from village.circles.models import Circle
from village.circles.services import can_run_circles
from village.people.models import Member


@rules.predicate
def is_partnership_member(member: Member | None, circle: Circle | None) -> bool:
    return circle is not None and bool(
        policy.people_of(member=member, circle=circle) & policy.MEMBERS
    )


@rules.predicate
def runs_circles(member: Member | None) -> bool:
    return member is not None and can_run_circles(member=member, partnership=member.partnership)


@rules.predicate
def runs_this_circle(member: Member | None, circle: Circle | None) -> bool:
    return circle is not None and bool(
        policy.decide_for(
            act=policy.Act.FACILITATE,
            circle=circle,
            people=policy.people_of(member=member, circle=circle),
        )
    )


rules.add_rule("circles.list", rules.predicate(lambda member: member is not None))
rules.add_rule("circles.create", runs_circles)
rules.add_rule("circles.facilitate", runs_this_circle)
rules.add_rule("circles.view_summary", is_partnership_member)
