"""Who may do what with check-in rounds. Predicates take the member (or None) and the round."""

from __future__ import annotations

import rules

from village.people.models import Member, Role
from village.pulse.models import Round

MANAGERS = (Role.ADMIN, Role.PARTNER_LEAD)


@rules.predicate
def is_partnership_member(member: Member | None, round_: Round | None) -> bool:
    return (
        member is not None and round_ is not None and member.partnership_id == round_.partnership_id
    )


@rules.predicate
def can_run_rounds(member: Member | None) -> bool:
    return member is not None and member.has_role(*MANAGERS)


@rules.predicate
def manages_round(member: Member | None, round_: Round | None) -> bool:
    return bool(
        is_partnership_member(member, round_) and member is not None and member.has_role(*MANAGERS)
    )


@rules.predicate
def can_confirm_licences(member: Member | None) -> bool:
    return member is not None and member.has_role(Role.ADMIN)


rules.add_rule("pulse.list", rules.predicate(lambda member: member is not None))
rules.add_rule("pulse.schedule", can_run_rounds)
rules.add_rule("pulse.view_trends", can_run_rounds)
rules.add_rule("pulse.view_round", is_partnership_member)
rules.add_rule("pulse.manage", manages_round)
rules.add_rule("pulse.view_report", manages_round)
rules.add_rule("pulse.confirm_licence", can_confirm_licences)
