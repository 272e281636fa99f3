"""The demo's good ancestors: three pairings (a triad under way with a check-in, a pairing
waiting for one person to agree, and one closed early with feedback from both sides) and
practice wisdom in the legacy log, linked to the published charter."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from village.hub import selectors, services
from village.people.models import Member, Partnership
from village.people.selectors import members_for

OFFERS = {
    "staff@demo.village": (
        "A fresh eye and recent training.",
        "How to stay steady in hard visits.",
    ),
    "sw2@demo.village": ("Energy, and what I learned at university.", "Working with health."),
    "nurse@demo.village": ("New ideas from school nursing.", "How schools see families."),
    "sw1@demo.village": ("Thirty years of working alongside families.", "What new staff see."),
    "hv@demo.village": ("Knowing families from the very start.", "How duty teams decide."),
    "teacher@demo.village": ("How schools notice and support children.", "Community health."),
    "family@demo.village": ("What it is like to be on the other side.", "How staff are trained."),
}
LEGACY = (
    (
        "Ask, then wait",
        "Families often answer the second time you ask. Ask, then leave a quiet space.",
    ),
    (
        "Tell the story once",
        "Plan visits with the other agencies so a family tells their story once, not five times.",
    ),
)


def demo_ancestors(*, partnership: Partnership) -> None:
    people: dict[str, Member] = {
        member.user.email: member for member in members_for(partnership=partnership)
    }
    for email, (offers, wants) in OFFERS.items():
        services.offer_set(
            member=people[email],
            offers=offers,
            wants_to_learn=wants,
            limit=2 if email == "sw1@demo.village" else 1,
        )
    ends_on = timezone.localdate() + timedelta(days=180)
    triad = services.pairing_propose(
        actor=people["staff@demo.village"],
        partners=[people["sw1@demo.village"], people["family@demo.village"]],
        goals="Sam learns how to keep families at the centre of duty visits.",
        ends_on=ends_on,
    )
    for email in ("sw1@demo.village", "family@demo.village"):
        services.pairing_confirm(pairing=triad, actor=people[email])
    services.pairing_entry_add(
        pairing=triad,
        actor=people["sw1@demo.village"],
        kind="check_in",
        text="We met for coffee and talked about a hard first visit. Sam asked good questions.",
    )
    services.pairing_propose(
        actor=people["sw2@demo.village"],
        partners=[people["hv@demo.village"]],
        goals="Ewan learns how health visitors get to know families early.",
        ends_on=ends_on,
    )
    closed = services.pairing_propose(
        actor=people["nurse@demo.village"],
        partners=[people["teacher@demo.village"]],
        goals="Tom learns how guidance staff notice when a child is struggling.",
        ends_on=ends_on,
    )
    services.pairing_confirm(pairing=closed, actor=people["teacher@demo.village"])
    services.pairing_complete(
        pairing=closed,
        actor=people["teacher@demo.village"],
        feedback="We met our goals early. Tom now joins our weekly check-in.",
    )
    services.pairing_feedback(
        pairing=closed,
        actor=people["nurse@demo.village"],
        feedback="Short and useful. I know who to call in the school now.",
    )
    values = selectors.charter_values(partnership=partnership)
    for (title, text), value in zip(LEGACY, values, strict=False):
        services.legacy_add(
            actor=people["sw1@demo.village"], value_key=value.key, title=title, text=text
        )
