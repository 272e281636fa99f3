"""Who may do what in circles. Predicates take the member (or None) and the circle."""

from __future__ import annotations

import rules

from village.circles.models import Circle
from village.people.models import Member, Role


@rules.predicate
def is_partnership_member(member: Member | None, circle: Circle | None) -> bool:
    return (
        member is not None and circle is not None and member.partnership_id == circle.partnership_id
    )


@rules.predicate
def can_run_circles(member: Member | None) -> bool:
    return member is not None and member.has_role(Role.FACILITATOR, Role.ADMIN)


@rules.predicate
def is_facilitator_here(member: Member | None, circle: Circle | None) -> bool:
    return bool(
        is_partnership_member(member, circle)
        and member is not None
        and member.has_role(Role.FACILITATOR, Role.ADMIN)
    )


rules.add_rule("circles.list", rules.predicate(lambda member: member is not None))
rules.add_rule("circles.create", can_run_circles)
rules.add_rule("circles.facilitate", is_facilitator_here)
rules.add_rule("circles.view_summary", is_partnership_member)
