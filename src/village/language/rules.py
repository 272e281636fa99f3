"""django-rules predicates for the glossary, built on village.language.policy."""

from __future__ import annotations

import rules

from village.language import policy
from village.people.models import Member, Partnership


@rules.predicate
def manages_glossary(member: Member | None, partnership: Partnership | None) -> bool:
    return policy.can_manage_glossary(member=member, partnership=partnership)


rules.add_rule("language.manage_glossary", manages_glossary)
