"""Who may do what with people data. Services enforce these; rules.py and templates read them.

Every check takes the acting membership and the thing acted on, and is false across
partnerships: an admin of one partnership is nobody in another.
"""

from __future__ import annotations

from village.people.models import Invitation, Member, Partnership, Role


def _active_in(member: Member | None, partnership_id: int | None) -> bool:
    return (
        member is not None
        and partnership_id is not None
        and member.is_active
        and member.partnership_id == partnership_id
    )


def can_view_partnership(*, member: Member | None, partnership: Partnership | None) -> bool:
    return _active_in(member, partnership.pk if partnership else None)


def is_admin_of(*, member: Member | None, partnership: Partnership | None) -> bool:
    """Admins manage members, invitations, signposting and read the audit log."""
    return can_view_partnership(member=member, partnership=partnership) and bool(
        member and member.has_role(Role.ADMIN)
    )


def can_manage_member(*, actor: Member | None, member: Member) -> bool:
    return is_admin_of(member=actor, partnership=member.partnership)


def can_deactivate_member(*, actor: Member | None, member: Member) -> bool:
    """An admin may not deactivate themselves, so a partnership is never left without one."""
    return (
        can_manage_member(actor=actor, member=member)
        and actor is not None
        and (actor.pk != member.pk)
    )


def can_manage_teams(*, member: Member | None, partnership: Partnership | None) -> bool:
    """Admins make teams, put one inside another, and set members' teams and career stages."""
    return is_admin_of(member=member, partnership=partnership)


def can_manage_invitation(*, actor: Member | None, invitation: Invitation) -> bool:
    return is_admin_of(member=actor, partnership=invitation.partnership)


def needs_two_step(*, member: Member | None) -> bool:
    """Admins must use two-step verification: their account can read every audit log entry
    and change who belongs to the partnership."""
    return bool(member and member.is_active and member.has_role(Role.ADMIN))
