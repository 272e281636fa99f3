"""Fetch-and-authorise helpers for people views: no side effects.

Each looks the record up inside the acting admin's own partnership, so changing an id in a
URL or form to one from another partnership finds nothing (404), never someone else's row.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from village.people import policy
from village.people.models import Invitation, Member, Team


def acting_member(request: HttpRequest) -> Member | None:
    member = getattr(request, "member", None)
    return member if member else None


def access_admin(request: HttpRequest) -> Member:
    """The signed-in admin of the partnership they are acting in, or 403."""
    member = acting_member(request)
    if not policy.is_admin_of(member=member, partnership=member.partnership if member else None):
        raise PermissionDenied
    assert member is not None
    return member


def access_member(request: HttpRequest, pk: int) -> tuple[Member, Member]:
    """(admin, member) for a member of the admin's own partnership."""
    admin = access_admin(request)
    member = (
        Member.objects.select_related("partnership", "agency", "team", "user")
        .filter(partnership=admin.partnership, pk=pk)
        .first()
    )
    if member is None:
        raise Http404
    return admin, member


def access_invitation(request: HttpRequest, pk: int) -> tuple[Member, Invitation]:
    """(admin, invitation) for an invitation of the admin's own partnership."""
    admin = access_admin(request)
    invitation = (
        Invitation.objects.select_related("partnership")
        .filter(partnership=admin.partnership, pk=pk)
        .first()
    )
    if invitation is None:
        raise Http404
    return admin, invitation


def access_team(request: HttpRequest, pk: int) -> tuple[Member, Team]:
    """(admin, team) for a team of the admin's own partnership."""
    admin = access_admin(request)
    team = (
        Team.objects.select_related("partnership", "agency", "parent")
        .filter(partnership=admin.partnership, pk=pk)
        .first()
    )
    if team is None or not policy.can_manage_teams(member=admin, partnership=team.partnership):
        raise Http404
    return admin, team
