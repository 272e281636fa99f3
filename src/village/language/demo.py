"""The demo partnership's glossary: one word of its own, and one of Village's turned off, so
the glossary pages and the hints show both kinds of change."""

from __future__ import annotations

from village.language import selectors, services
from village.language.models import Category, Severity
from village.people.models import Member

DEMO_POLICY = {
    "source_title": "Riverside language charter, agreed with the family panel",
    "source_url": "https://example.org/riverside/language-charter",
}


def demo_glossary(*, admin: Member) -> None:
    services.own_entry_add(
        actor=admin,
        partnership=admin.partnership,
        term="pushy parent",
        other_forms=["pushy parents", "pushy mum", "pushy dad"],
        category=Category.BLAMING,
        severity=Severity.WARNING,
        alternatives=["a parent speaking up for their child"],
        reason="Our family panel told us it makes parents sound like a nuisance for asking.",
        **DEMO_POLICY,
    )
    found = selectors.entry_to_change(partnership=admin.partnership, key="siblings")
    assert found is not None, "Village's glossary has 'siblings'"
    services.entry_turn_off(actor=admin, entry=found[1], **DEMO_POLICY)
