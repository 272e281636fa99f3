"""Who may change a partnership's glossary. Services enforce it; pages read it.

Only the partnership's admins change its glossary: every text box in the partnership then
uses it, so it is a decision for the partnership, not one person's preference. An admin of
one partnership is nobody in another.
"""

from __future__ import annotations

from village.people import policy as people_policy
from village.people.models import Member, Partnership


def can_manage_glossary(*, member: Member | None, partnership: Partnership | None) -> bool:
    return people_policy.is_admin_of(member=member, partnership=partnership)
