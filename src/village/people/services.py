"""Every write to partnerships, agencies, members, invitations and the audit log."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialApp
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from village.errors import UserError
from village.people import policy
from village.people.models import (
    Agency,
    AuditEvent,
    CareerStage,
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
)
# The child-protection reminder: every partnership has it, and admins may reword it only.
DEFAULT_REMINDER = (
    "If a child may be at risk",
    "Follow your child protection procedures now. This space is not the place to report it.",
)


class PeopleError(UserError):
    """A change to people, teams or invitations that cannot be made; safe to show."""


class InvitationError(PeopleError):
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
        SupportLink.objects.create(
            partnership=partnership,
            name=DEFAULT_REMINDER[0],
            description=DEFAULT_REMINDER[1],
            position=len(DEFAULT_SUPPORT_LINKS),
            is_reminder=True,
        )
    return partnership


class SupportLinkError(UserError):
    """A change to the support links that would leave circles without the reminder."""


def support_links_replace(
    *, partnership: Partnership, actor: Member, links: Sequence[Mapping[str, object]]
) -> list[SupportLink]:
    """Swap the partnership's signposting for a new list, in the order given, all at once.

    Each link may name the ``id`` of an existing link. The child-protection reminder must be
    among them (with its words changed, if the admin wants): it cannot be removed."""
    if not policy.is_admin_of(member=actor, partnership=partnership):
        raise PermissionDenied
    reminder = SupportLink.objects.filter(partnership=partnership, is_reminder=True).first()
    kept = [link for link in links if reminder is not None and link.get("id") == reminder.pk]
    if reminder is not None and not kept:
        raise SupportLinkError(
            _(
                "The child protection reminder must stay, so every circle shows it. "
                "You can change its words."
            )
        )
    with transaction.atomic():
        SupportLink.objects.filter(partnership=partnership).delete()
        saved = SupportLink.objects.bulk_create(
            SupportLink(
                partnership=partnership,
                name=str(link["name"]).strip(),
                description=str(link["description"]).strip(),
                contact=str(link.get("contact") or "").strip(),
                url=str(link.get("url") or "").strip(),
                position=position,
                is_reminder=reminder is not None and link.get("id") == reminder.pk,
            )
            for position, link in enumerate(links)
        )
        audit_record(partnership=partnership, actor=actor, action="support_links.replace")
    return saved


def agency_create(*, partnership: Partnership, name: str, sector: str) -> Agency:
    return Agency.objects.create(partnership=partnership, name=name, sector=sector)


TEAM_NAME_LIMIT = 200


def _check_team(
    *, partnership: Partnership, agency: Agency, name: str, parent: Team | None, team: Team | None
) -> str:
    """The cleaned name, or PeopleError saying plainly what is wrong."""
    cleaned = " ".join(name.split())
    if agency.partnership_id != partnership.pk:
        raise PeopleError(_("That agency belongs to another partnership."))
    if not cleaned:
        raise PeopleError(_("Give the team a name."))
    if len(cleaned) > TEAM_NAME_LIMIT:
        raise PeopleError(_("Keep the team name to %(limit)s characters.") % {"limit": 200})
    if parent is not None:
        if parent.partnership_id != partnership.pk:
            raise PeopleError(_("That team belongs to another partnership."))
        if parent.agency_id != agency.pk:
            raise PeopleError(_("A team and the team it is inside must be in the same agency."))
        above: Team | None = parent
        while above is not None and team is not None:
            if above.pk == team.pk:
                raise PeopleError(
                    _("“%(team)s” cannot be inside “%(parent)s”: “%(parent)s” is inside it.")
                    % {"team": team.name, "parent": parent.name}
                )
            above = above.parent
    same = Team.objects.filter(partnership=partnership, agency=agency, name__iexact=cleaned)
    if team is not None:
        same = same.exclude(pk=team.pk)
    if same.exists():
        raise PeopleError(
            _("There is already a team called “%(name)s” in %(agency)s.")
            % {"name": cleaned, "agency": agency.name}
        )
    return cleaned


def team_create(
    *,
    partnership: Partnership,
    agency: Agency,
    name: str,
    parent: Team | None = None,
    actor: Member | None = None,
) -> Team:
    """A team sits in one agency; a parent, if given, is where it rolls up in reports.

    ``actor`` is the admin making it on a page (checked and audited); the demo loader and
    tests make teams without one."""
    if actor is not None:
        _require(policy.can_manage_teams(member=actor, partnership=partnership))
    cleaned = _check_team(
        partnership=partnership, agency=agency, name=name, parent=parent, team=None
    )
    team = Team.objects.create(partnership=partnership, agency=agency, name=cleaned, parent=parent)
    if actor is not None:
        audit_record(partnership=partnership, actor=actor, action="team.create", target=team)
    return team


def team_update(*, actor: Member, team: Team, name: str, parent: Team | None) -> Team:
    """Rename a team or move it inside another team of its agency (or to the top)."""
    _require(policy.can_manage_teams(member=actor, partnership=team.partnership))
    team.name = _check_team(
        partnership=team.partnership, agency=team.agency, name=name, parent=parent, team=team
    )
    team.parent = parent
    team.save(update_fields=["name", "parent"])
    audit_record(partnership=team.partnership, actor=actor, action="team.update", target=team)
    return team


def _clean_roles(roles: Iterable[str]) -> list[str]:
    cleaned = sorted(set(roles))
    unknown = [role for role in cleaned if role not in Role.values]
    if unknown or not cleaned:
        raise PeopleError(_("Choose at least one role from the list."))
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
        raise PeopleError(_("That agency belongs to another partnership."))
    if team is not None and team.partnership_id != partnership.pk:
        raise PeopleError(_("That team belongs to another partnership."))
    if constituency not in Constituency.values:
        raise PeopleError(_("Choose a group from the list."))
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


def user_create(*, email: str, password: str | None, email_verified: bool = False) -> User:
    """An account that signs in with its email address.

    ``email_verified`` is True only where Village itself has proved the address (the demo);
    an account made from an invitation must prove it with a code sent to it before it can
    sign in, so nobody can make an account for an address they do not own.
    """
    email = email.strip().lower()
    user = get_user_model().objects.create_user(username=email, email=email, password=password)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=email_verified)
    return user


def two_step_activate(*, user: User, secret: str) -> None:
    """Turn on two-step verification with a known authenticator secret, plus recovery codes.

    For the demo and tests; people set their own up through the account pages.
    """
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)


def identity_provider_set(
    *,
    partnership: Partnership,
    provider_id: str,
    name: str,
    server_url: str,
    client_id: str,
    secret: str,
    verified_domains: Sequence[str] = (),
) -> SocialApp:
    """Add or update an OpenID Connect provider that signs in this partnership's members.

    A provider already set up for other partnerships keeps them: one organisation's
    identity provider may serve several partnerships it belongs to. ``verified_domains``
    are email domains the provider owns, for providers (such as Entra ID) that do not say
    whether an address is verified; only addresses there are then trusted.
    """
    app = SocialApp.objects.filter(provider="openid_connect", provider_id=provider_id).first()
    if app is None:
        app = SocialApp(provider="openid_connect", provider_id=provider_id)
    settings = dict(app.settings or {})
    partnerships = set(settings.get("partnerships", [])) | {partnership.slug}
    settings.update({"server_url": server_url.rstrip("/"), "partnerships": sorted(partnerships)})
    if verified_domains:
        settings["verified_email"] = sorted({d.strip().lower() for d in verified_domains})
    app.name = name
    app.client_id = client_id
    app.secret = secret
    app.settings = settings
    app.save()
    return app


def account_exists(*, email: str) -> bool:
    email = email.strip()
    return (
        get_user_model().objects.filter(username__iexact=email).exists()
        or get_user_model().objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


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
    _require(policy.is_admin_of(member=created_by, partnership=partnership))
    if agency is not None and agency.partnership_id != partnership.pk:
        raise PeopleError(_("That agency belongs to another partnership."))
    email = email.strip().lower()
    if Member.objects.filter(
        partnership=partnership, user__email__iexact=email, deactivated_at__isnull=True
    ).exists():
        raise PeopleError(_("That person is already a member of this partnership."))
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
    if invitation.revoked_at is not None:
        raise InvitationError(_("This invitation has been withdrawn. Ask for a new one."))
    if invitation.used_at is not None:
        raise InvitationError(_("This invitation link has already been used. Please sign in."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(_("This invitation link has expired. Ask for a new one."))
    return invitation


def _spend(token: str) -> Invitation:
    """Lock and re-check the invitation inside the caller's transaction."""
    invitation = invitation_for_token(token=token)
    locked = (
        Invitation.objects.select_for_update().select_related("partnership").get(pk=invitation.pk)
    )
    if not locked.is_open:
        raise InvitationError(_("This invitation link has already been used. Please sign in."))
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
    return locked


def invitation_accept(*, token: str, display_name: str, password: str) -> Member:
    """Make a new account and its membership from an invitation, and spend it.

    Only for an address with no account yet: it never signs anyone in, and never touches an
    existing account (whose owner joins with ``invitation_join`` after signing in with their
    own password). The new account signs in only once its address is proved by a code.
    """
    with transaction.atomic():
        invitation = _spend(token)
        if account_exists(email=invitation.email):
            raise InvitationError(
                _("You already have a Village account. Sign in with your own password to join.")
            )
        user = user_create(email=invitation.email, password=password)
        member = _member_as_invited(invitation=invitation, user=user, display_name=display_name)
        audit_record(
            partnership=invitation.partnership,
            actor=member,
            action="invitation.accept",
            target=invitation,
        )
    return member


def _member_as_invited(*, invitation: Invitation, user: User, display_name: str) -> Member:
    """A new membership with the roles, constituency and agency the invitation gives."""
    return member_create(
        partnership=invitation.partnership,
        user=user,
        display_name=display_name,
        roles=invitation.roles,
        constituency=invitation.constituency,
        agency=invitation.agency,
    )


def _user_owns_email(user: AbstractBaseUser, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def invitation_join(*, token: str, user: User, display_name: str) -> Member:
    """Add a membership to the signed-in person's own account, and spend the invitation.

    The person has signed in with their own password (and second step), and the
    invitation's address must be one of their verified addresses.
    """
    with transaction.atomic():
        invitation = invitation_for_token(token=token)
        if not _user_owns_email(user, invitation.email):
            raise InvitationError(
                _(
                    "This invitation is for a different email address. Sign out, then sign "
                    "in with the address it was sent to."
                )
            )
        existing = Member.objects.filter(user=user, partnership=invitation.partnership).first()
        if existing is not None and existing.is_active:
            raise InvitationError(
                _("You are already a member of %(name)s.") % {"name": invitation.partnership}
            )
        invitation = _spend(token)
        if existing is not None:
            existing.deactivated_at = None
            existing.roles = _clean_roles(invitation.roles)
            existing.constituency = invitation.constituency
            existing.agency = invitation.agency
            existing.save(update_fields=["deactivated_at", "roles", "constituency", "agency"])
            member = existing
        else:
            member = _member_as_invited(invitation=invitation, user=user, display_name=display_name)
        audit_record(
            partnership=invitation.partnership,
            actor=member,
            action="invitation.accept",
            target=invitation,
        )
    return member


def invitation_revoke(*, actor: Member, invitation: Invitation) -> Invitation:
    """Withdraw an unused invitation: its link stops working at once."""
    _require(policy.can_manage_invitation(actor=actor, invitation=invitation))
    if not invitation.is_open:
        raise InvitationError(_("That invitation has already been used or withdrawn."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        partnership=invitation.partnership,
        actor=actor,
        action="invitation.revoke",
        target=invitation,
    )
    return invitation


def invitation_resend(*, actor: Member, invitation: Invitation) -> tuple[Invitation, str]:
    """A fresh link for an unused invitation, valid for another week; the old link stops."""
    _require(policy.can_manage_invitation(actor=actor, invitation=invitation))
    if not invitation.is_open:
        raise InvitationError(_("That invitation has already been used or withdrawn."))
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _token_hash(token)
    invitation.expires_at = timezone.now() + INVITATION_LIFETIME
    invitation.save(update_fields=["token_hash", "expires_at"])
    audit_record(
        partnership=invitation.partnership,
        actor=actor,
        action="invitation.resend",
        target=invitation,
    )
    return invitation, token


def member_update(
    *,
    actor: Member,
    member: Member,
    roles: Iterable[str],
    constituency: str,
    agency: Agency | None,
    team: Team | None,
    career_stage: str,
) -> Member:
    """Change what a member does and where they sit. Their past anonymous answers keep what
    was recorded then (nothing links them to this row)."""
    _require(policy.can_manage_member(actor=actor, member=member))
    partnership = member.partnership
    if agency is not None and agency.partnership_id != partnership.pk:
        raise PeopleError(_("That agency belongs to another partnership."))
    _check_place(member=member, agency=agency, team=team, career_stage=career_stage)
    if constituency not in Constituency.values:
        raise PeopleError(_("Choose a group from the list."))
    cleaned = _clean_roles(roles)
    if member.pk == actor.pk and Role.ADMIN not in cleaned:
        raise PeopleError(_("You cannot remove your own admin role. Ask another admin."))
    member.roles = cleaned
    member.constituency = constituency
    member.agency = agency
    member.team = team
    member.career_stage = career_stage
    member.save(update_fields=["roles", "constituency", "agency", "team", "career_stage"])
    audit_record(partnership=partnership, actor=actor, action="member.update", target=member)
    return member


def _check_place(
    *, member: Member, agency: Agency | None, team: Team | None, career_stage: str
) -> None:
    """A member's team must be in their own agency; their career stage one of the list."""
    if career_stage and career_stage not in CareerStage.values:
        raise PeopleError(_("Choose a career stage from the list."))
    if team is None:
        return
    if team.partnership_id != member.partnership_id:
        raise PeopleError(_("That team belongs to another partnership."))
    if agency is None:
        raise PeopleError(
            _("%(name)s has no agency yet. Set their agency before their team.")
            % {"name": member.display_name}
        )
    if team.agency_id != agency.pk:
        raise PeopleError(
            _("%(team)s is in %(team_agency)s, but %(name)s is in %(agency)s.")
            % {
                "team": team.name,
                "team_agency": team.agency.name,
                "name": member.display_name,
                "agency": agency.name,
            }
        )


@dataclass(frozen=True)
class Place:
    """Where a member sits, for reports: their team and career stage."""

    member: Member
    team: Team | None
    career_stage: str


def member_places_set(*, actor: Member, places: Sequence[Place]) -> int:
    """Set many members' teams and career stages at once: all or nothing, each change
    audited. Returns how many members changed."""
    for place in places:
        _require(policy.can_manage_member(actor=actor, member=place.member))
        _check_place(
            member=place.member,
            agency=place.member.agency,
            team=place.team,
            career_stage=place.career_stage,
        )
    changed = [
        place
        for place in places
        if (place.member.team_id, place.member.career_stage)
        != (place.team.pk if place.team else None, place.career_stage)
    ]
    with transaction.atomic():
        for place in changed:
            place.member.team = place.team
            place.member.career_stage = place.career_stage
            place.member.save(update_fields=["team", "career_stage"])
            audit_record(
                partnership=place.member.partnership,
                actor=actor,
                action="member.place",
                target=place.member,
            )
    return len(changed)


def member_deactivate(*, actor: Member, member: Member) -> Member:
    """The person can no longer act in this partnership. Nothing they said anonymously is
    rewritten or removed: no anonymous row points at them."""
    _require(policy.can_deactivate_member(actor=actor, member=member))
    if not member.is_active:
        raise PeopleError(_("That member is already deactivated."))
    member.deactivated_at = timezone.now()
    member.save(update_fields=["deactivated_at"])
    audit_record(
        partnership=member.partnership, actor=actor, action="member.deactivate", target=member
    )
    return member
