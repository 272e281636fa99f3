"""Fetch-and-authorise helpers for check-in views: no side effects.

A round is looked up inside the acting member's own partnership, so another partnership's
round does not exist here (404); a member whose roles never allow the action is refused
(403). Whether the round's state allows it now is the policy's ``refusal``, which a page
shows in plain words.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from village.people.models import Member
from village.pulse import policy
from village.pulse.models import Round
from village.pulse.policy import Action


def access_partnership_action(*, member: Member | None, action: Action) -> Member:
    """The member, if one of their roles may take this action in their partnership."""
    if member is None or not policy.may_ever(
        member=member, action=action, partnership_id=member.partnership_id
    ):
        raise PermissionDenied
    return member


def access_round(*, member: Member | None, pk: int, action: Action) -> Round:
    """The round, if it is in the member's partnership and their roles allow the action."""
    if member is None:
        raise Http404
    round_ = (
        Round.objects.select_related("partnership")
        .filter(pk=pk, partnership_id=member.partnership_id)
        .first()
    )
    if round_ is None or not policy.is_in(member, round_.partnership_id):
        raise Http404
    if not policy.may_ever(member=member, action=action, partnership_id=round_.partnership_id):
        raise PermissionDenied
    return round_
