"""django-rules predicates for people data, built on village.people.policy."""

from __future__ import annotations

import rules

from village.people import policy
from village.people.models import Member, Partnership


@rules.predicate
def is_member(member: Member | None, partnership: Partnership | None) -> bool:
    return policy.can_view_partnership(member=member, partnership=partnership)


@rules.predicate
def is_admin(member: Member | None, partnership: Partnership | None) -> bool:
    return policy.is_admin_of(member=member, partnership=partnership)


rules.add_rule("people.view_partnership", is_member)
rules.add_rule("people.manage_members", is_admin)
rules.add_rule("people.view_audit", is_admin)


@rules.predicate
def manages_teams(member: Member | None, partnership: Partnership | None) -> bool:
    return policy.can_manage_teams(member=member, partnership=partnership)


rules.add_rule("people.manage_teams", manages_teams)
