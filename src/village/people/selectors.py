"""Every read of people data that a view or another app needs, scoped to a partnership."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from village.people.models import Agency, AuditEvent, Member, Partnership, SupportLink, Team


def member_for_user(*, user: User | AnonymousUser) -> Member | None:
    """The signed-in person's membership, or None for visitors and guests."""
    if not user.is_authenticated:
        return None
    return (
        Member.objects.select_related("partnership", "agency")
        .filter(user=user)
        .order_by("joined_at")
        .first()
    )


def agencies_for(*, partnership: Partnership) -> QuerySet[Agency]:
    return Agency.objects.filter(partnership=partnership)


def members_for(*, partnership: Partnership) -> QuerySet[Member]:
    return Member.objects.filter(partnership=partnership).select_related("agency", "user")


def support_links_for(*, partnership: Partnership) -> QuerySet[SupportLink]:
    return SupportLink.objects.filter(partnership=partnership)


def audit_events_for(*, partnership: Partnership, limit: int = 200) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(partnership=partnership).select_related("actor")[:limit]


def teams_for(*, partnership: Partnership) -> QuerySet[Team]:
    return Team.objects.filter(partnership=partnership).select_related("agency", "parent")
