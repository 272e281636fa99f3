"""Fetch-and-authorise helpers for the language pages: no side effects.

Glossary entries are looked up inside the acting admin's own partnership, so another
partnership's entry is never found (404), and anyone but an admin is refused (403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from village.language import policy, selectors
from village.language.models import GlossaryEntry
from village.people.access import acting_member
from village.people.models import Member


def reader_partnership_id(request: HttpRequest) -> int | None:
    """Whose glossary the lens reads with for this request: the signed-in member's
    partnership, or None (Village's own) for guests and people with no membership."""
    member = acting_member(request)
    return member.partnership_id if member is not None else None


def access_glossary_admin(request: HttpRequest) -> Member:
    """The signed-in admin of the partnership they are acting in, or 403."""
    member = acting_member(request)
    if member is None or not policy.can_manage_glossary(
        member=member, partnership=member.partnership
    ):
        raise PermissionDenied
    return member


def access_glossary_entry(
    request: HttpRequest, key: str
) -> tuple[Member, selectors.GlossaryRow, GlossaryEntry]:
    """(admin, the entry as the partnership uses it, its row to change) for one entry of the
    admin's partnership. A shipped entry the partnership has not changed gets a new row,
    saved only if a change is made."""
    admin = access_glossary_admin(request)
    found = selectors.entry_to_change(partnership=admin.partnership, key=key)
    if found is None:
        raise Http404
    return admin, *found
