"""Every read of people data that a view or another app needs, scoped to a partnership."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet

from village.engines.disclosure import Policy
from village.people.audit import AuditEntry
from village.people.audit import entries as audit_entries
from village.people.models import (
    Agency,
    AuditEvent,
    Invitation,
    Member,
    Partnership,
    SupportLink,
    Team,
)


def disclosure_policy(partnership: Partnership) -> Policy:
    """The partnership's minimum group sizes, for every report it releases."""
    minimum = partnership.min_group_size
    return Policy(
        minimum=minimum,
        comment_minimum=max(partnership.min_comment_group_size, minimum),
    )


def partnership_by_slug(*, slug: str) -> Partnership | None:
    """For the command line, where a partnership is named by its slug."""
    return Partnership.objects.filter(slug=slug).first()


def memberships_for(*, user: User | AnonymousUser) -> QuerySet[Member]:
    """The partnerships a person may act in now: deactivated memberships are left out."""
    if not user.is_authenticated:
        return Member.objects.none()
    return (
        Member.objects.select_related("partnership", "agency")
        .filter(user=user, deactivated_at__isnull=True)
        .order_by("joined_at")
    )


def member_for_user(*, user: User | AnonymousUser, member_id: int | None = None) -> Member | None:
    """The membership a signed-in person is acting in: the one they chose (``member_id``,
    kept in their session) if it is still theirs and active, else their first one."""
    if not user.is_authenticated:
        return None
    memberships = memberships_for(user=user)
    chosen = memberships.filter(pk=member_id).first() if member_id is not None else None
    return chosen or memberships.first()


def agencies_for(*, partnership: Partnership) -> QuerySet[Agency]:
    return Agency.objects.filter(partnership=partnership)


def members_for(*, partnership: Partnership) -> QuerySet[Member]:
    """Active members only: reports, audiences and lists never count deactivated people."""
    return Member.objects.filter(
        partnership=partnership, deactivated_at__isnull=True
    ).select_related("agency", "team", "user")


def all_members_for(*, partnership: Partnership) -> QuerySet[Member]:
    """Everyone who has been a member, deactivated too, for the admin's members page."""
    return Member.objects.filter(partnership=partnership).select_related("agency", "team", "user")


def open_invitations_for(*, partnership: Partnership) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        partnership=partnership, used_at__isnull=True, revoked_at__isnull=True
    ).order_by("-created_at")


def support_links_for(*, partnership: Partnership) -> QuerySet[SupportLink]:
    return SupportLink.objects.filter(partnership=partnership)


def audit_events_for(*, partnership: Partnership, limit: int = 200) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(partnership=partnership).select_related("actor")[:limit]


def audit_entries_for(*, partnership: Partnership, limit: int = 200) -> list[AuditEntry]:
    """The latest audit events as plain sentences, newest first."""
    return audit_entries(audit_events_for(partnership=partnership, limit=limit))


def teams_for(*, partnership: Partnership) -> QuerySet[Team]:
    return Team.objects.filter(partnership=partnership).select_related("agency", "parent")


@dataclass(frozen=True)
class TeamRow:
    team: Team
    members: int


def team_rows_for(*, partnership: Partnership) -> list[TeamRow]:
    """Every team, by agency and then name, with how many active members are in it."""
    teams = (
        teams_for(partnership=partnership)
        .annotate(active=Count("members", filter=Q(members__deactivated_at__isnull=True)))
        .order_by("agency__name", "name")
    )
    return [TeamRow(team=team, members=team.active) for team in teams]


def members_to_place(*, partnership: Partnership, agency_id: str = "") -> QuerySet[Member]:
    """Active members, optionally of one agency, for the teams and career stages page."""
    members = members_for(partnership=partnership).order_by("agency__name", "display_name")
    return members.filter(agency_id=int(agency_id)) if agency_id.isdigit() else members
