"""Who may do what with people data. Every predicate also checks the partnership."""

from __future__ import annotations

import rules

from village.people.models import Member, Partnership, Role


@rules.predicate
def is_member(member: Member | None, partnership: Partnership | None) -> bool:
    return (
        member is not None and partnership is not None and member.partnership_id == partnership.pk
    )


@rules.predicate
def is_admin(member: Member | None, partnership: Partnership | None) -> bool:
    return is_member(member, partnership) and member is not None and member.has_role(Role.ADMIN)


rules.add_rule("people.view_partnership", is_member)
rules.add_rule("people.manage_members", is_admin)
rules.add_rule("people.view_audit", is_admin)
