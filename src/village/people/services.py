"""Every write to partnerships, agencies, members, invitations and the audit log."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from village.people.models import (
    Agency,
    AuditEvent,
    Constituency,
    Invitation,
    Member,
    Partnership,
    Role,
    SupportLink,
    Team,
)

INVITATION_LIFETIME = timedelta(days=7)

DEFAULT_SUPPORT_LINKS: tuple[tuple[str, str, str, str], ...] = (
    (
        "Breathing Space",
        "Free, confidential advice for anyone in Scotland feeling low, stressed or anxious.",
        "0800 83 85 87",
        "https://breathingspace.scot",
    ),
    (
        "Samaritans",
        "Someone to talk to, day or night, about whatever is getting to you.",
        "116 123",
        "https://www.samaritans.org",
    ),
    (
        "If a child may be at risk",
        "Follow your child protection procedures now. This space is not the place to report it.",
        "",
        "",
    ),
)


class InvitationError(Exception):
    """An invitation link that cannot be used; the message is safe to show."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def audit_record(
    *, partnership: Partnership, actor: Member | None, action: str, target: object | None = None
) -> AuditEvent:
    """Record who did what. Only the target's type and id are kept, never its text."""
    return AuditEvent.objects.create(
        partnership=partnership,
        actor=actor,
        action=action,
        target_type=type(target).__name__ if target is not None else "",
        target_id=str(getattr(target, "pk", "")) if target is not None else "",
    )


def partnership_create(*, name: str, slug: str) -> Partnership:
    """A partnership starts with the default signposting, which its admins can change."""
    with transaction.atomic():
        partnership = Partnership.objects.create(name=name, slug=slug)
        SupportLink.objects.bulk_create(
            SupportLink(
                partnership=partnership,
                name=link_name,
                description=description,
                contact=contact,
                url=url,
                position=position,
            )
            for position, (link_name, description, contact, url) in enumerate(DEFAULT_SUPPORT_LINKS)
        )
    return partnership


def support_links_replace(
    *, partnership: Partnership, actor: Member, links: Sequence[Mapping[str, str]]
) -> list[SupportLink]:
    """Swap the partnership's signposting for a new list, all at once."""
    with transaction.atomic():
        SupportLink.objects.filter(partnership=partnership).delete()
        saved = SupportLink.objects.bulk_create(
            SupportLink(
                partnership=partnership,
                name=link["name"].strip(),
                description=link["description"].strip(),
                contact=link.get("contact", "").strip(),
                url=link.get("url", "").strip(),
                position=position,
            )
            for position, link in enumerate(links)
        )
        audit_record(partnership=partnership, actor=actor, action="support_links.replace")
    return saved


def agency_create(*, partnership: Partnership, name: str, sector: str) -> Agency:
    return Agency.objects.create(partnership=partnership, name=name, sector=sector)


def team_create(
    *, partnership: Partnership, agency: Agency, name: str, parent: Team | None = None
) -> Team:
    """A team sits in one agency; a parent, if given, is where it rolls up in reports."""
    if agency.partnership_id != partnership.pk:
        raise ValueError(_("That agency belongs to another partnership."))
    if parent is not None and parent.partnership_id != partnership.pk:
        raise ValueError(_("That team belongs to another partnership."))
    return Team.objects.create(partnership=partnership, agency=agency, name=name, parent=parent)


def _clean_roles(roles: Iterable[str]) -> list[str]:
    cleaned = sorted(set(roles))
    unknown = [role for role in cleaned if role not in Role.values]
    if unknown or not cleaned:
        raise ValueError(_("Choose at least one role from the list."))
    return cleaned


def member_create(
    *,
    partnership: Partnership,
    user: User,
    display_name: str,
    roles: Iterable[str],
    constituency: str,
    agency: Agency | None = None,
    job_title: str = "",
    career_stage: str = "",
    team: Team | None = None,
) -> Member:
    if agency is not None and agency.partnership_id != partnership.pk:
        raise ValueError(_("That agency belongs to another partnership."))
    if team is not None and team.partnership_id != partnership.pk:
        raise ValueError(_("That team belongs to another partnership."))
    if constituency not in Constituency.values:
        raise ValueError(_("Choose a group from the list."))
    return Member.objects.create(
        partnership=partnership,
        user=user,
        display_name=display_name,
        roles=_clean_roles(roles),
        constituency=constituency,
        agency=agency,
        job_title=job_title,
        career_stage=career_stage,
        team=team,
    )


def invitation_create(
    *,
    partnership: Partnership,
    created_by: Member,
    email: str,
    roles: Iterable[str],
    constituency: str,
    agency: Agency | None = None,
) -> tuple[Invitation, str]:
    """Return the invitation and its token. The token is shown once and never stored."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        partnership=partnership,
        email=email,
        roles=_clean_roles(roles),
        constituency=constituency,
        agency=agency,
        token_hash=_token_hash(token),
        created_by=created_by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    audit_record(
        partnership=partnership, actor=created_by, action="invitation.create", target=invitation
    )
    return invitation, token


def invitation_for_token(*, token: str) -> Invitation:
    """The usable invitation for a token, or InvitationError saying plainly why not."""
    invitation = (
        Invitation.objects.select_related("partnership", "agency")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if invitation is None:
        raise InvitationError(_("This invitation link is not recognised. Ask for a new one."))
    if invitation.used_at is not None:
        raise InvitationError(_("This invitation link has already been used. Please sign in."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(_("This invitation link has expired. Ask for a new one."))
    return invitation


def invitation_accept(*, token: str, display_name: str, password: str) -> Member:
    """Create the account and membership, and spend the invitation, all or nothing."""
    with transaction.atomic():
        invitation = invitation_for_token(token=token)
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.used_at is not None:
            raise InvitationError(_("This invitation link has already been used. Please sign in."))
        user_model = get_user_model()
        user = user_model.objects.filter(username__iexact=invitation.email).first()
        if user is None:
            user = user_model.objects.create_user(
                username=invitation.email, email=invitation.email, password=password
            )
        member = member_create(
            partnership=invitation.partnership,
            user=user,
            display_name=display_name,
            roles=invitation.roles,
            constituency=invitation.constituency,
            agency=invitation.agency,
        )
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_at"])
    return member
