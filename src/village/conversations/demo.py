"""The demo partnership's brave conversation: 63 people across the three invited groups
(five families' votes recorded in person by the facilitator) and 40 seed statements, with
votes drawn so that one statement is popular overall but not with families, and another
divides managers from families. Some statements were written by participants: one waits
for a moderator, one was not accepted, one was split. Used by `village demo`."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from village.conversations import selectors, services
from village.conversations.models import ConstituencyKind, Conversation, Moderation, Reason
from village.people.models import Agency, Member

QUESTION = "How should our services work with families affected by substance use?"
POPULAR_NOT_WITH_FAMILIES = (
    "Agencies should share information about a family with each other without asking first."
)
DIVIDES_MANAGERS_AND_FAMILIES = "Our services already listen well to families."
SEEDS = (
    POPULAR_NOT_WITH_FAMILIES,
    DIVIDES_MANAGERS_AND_FAMILIES,
    "Families should be able to read what is written about them.",
    "Parents should be invited to every meeting about their child.",
    "Workers should have time to build a relationship before making decisions.",
    "Recovery takes time and services should not give up on families.",
    "Children should have their own worker who stays with them.",
    "Families should not have to tell their story again to each new worker.",
    "Staff need training in how substance use affects the whole family.",
    "Support should be there in the evenings and at weekends.",
    "Services should meet families at home rather than in offices.",
    "Families should have an advocate who is on their side.",
    "Letters to families should be written in plain language.",
    "Managers should spend time on the frontline each month.",
    "Caseloads are too high for workers to know families well.",
    "Peer supporters with lived experience should be part of every team.",
    "Grandparents and kinship carers need more support.",
    "Schools should know when a family is getting support, with the family's agreement.",
    "Drug testing should not be the main measure of progress.",
    "Families should help decide how services are commissioned.",
    "Waiting lists for treatment are too long.",
    "Workers should be honest with families about what they are worried about.",
    "Children should be asked what would help them.",
    "Housing should be part of every family support plan.",
    "Police should be trained to respond to families with care.",
    "Services should celebrate progress, not only point out problems.",
    "The same worker should follow a family through different services.",
    "Families should get a copy of every plan about them.",
    "Support groups for parents in recovery should be easy to find.",
    "Staff need supervision that helps them cope with the work.",
    "Funding should follow what families say helps.",
    "Stigma stops families asking for help early.",
    "Health visitors should be able to refer straight to family support.",
    "Services should use words that do not blame families.",
    "Young carers should be identified and supported.",
    "There should be one plan for the whole family, not one per agency.",
    "Families should be able to choose a worker they trust.",
    "Meetings should be at times that suit parents who work.",
    "Information sharing rules should be explained to families clearly.",
    "Services should keep in touch after a case is closed.",
)
WRITTEN = (
    (ConstituencyKind.FAMILY, "Parents should be able to bring a friend to meetings.", "accept"),
    (ConstituencyKind.FRONTLINE, "Workers need fewer forms and more time with families.", "split"),
    (ConstituencyKind.FAMILY, "My worker is rubbish and should be sacked.", "reject"),
    (ConstituencyKind.MANAGER, "Every agency should report back on what changed.", "wait"),
)
GROUP_SIZES = {
    ConstituencyKind.FAMILY: 10,
    ConstituencyKind.FRONTLINE: 30,
    ConstituencyKind.MANAGER: 18,
}
IN_PERSON_FAMILIES = 5
# Chance of agreeing, by group, for the two statements the demo is built to show.
SHAPED: dict[str, dict[str, float]] = {
    POPULAR_NOT_WITH_FAMILIES: {
        ConstituencyKind.FAMILY: 0.1,
        ConstituencyKind.FRONTLINE: 0.85,
        ConstituencyKind.MANAGER: 0.95,
    },
    DIVIDES_MANAGERS_AND_FAMILIES: {
        ConstituencyKind.FAMILY: 0.1,
        ConstituencyKind.FRONTLINE: 0.5,
        ConstituencyKind.MANAGER: 0.9,
    },
}


def _value(rng: random.Random, agree: float) -> int:
    """Agree with the given chance; otherwise mostly disagree, sometimes pass."""
    draw = rng.random()
    if draw < agree:
        return 1
    return 0 if draw < agree + (1 - agree) * 0.2 else -1


def _card(rng: random.Random, kind: str, statements: list, base: dict[int, float]) -> dict:
    chosen = rng.sample(statements, k=min(len(statements), rng.randint(25, 35)))
    shaped = [s for s in statements if s.text in SHAPED]
    return {
        s.pk: _value(rng, SHAPED[s.text][kind] if s.text in SHAPED else base[s.pk])
        for s in {*chosen, *shaped}
    }


def demo_conversation(*, facilitator: Member, co_moderator: Member, agency: Agency) -> Conversation:
    """The conversation, its links, voters, votes, moderation and one action."""
    rng = random.Random("brave conversation")
    now = timezone.now()
    conversation = services.conversation_create(
        partnership=facilitator.partnership,
        created_by=facilitator,
        question=QUESTION,
        context=(
            "The partnership is rewriting its guidance for working with families affected by "
            "substance use this spring. What you say here shapes it, and the actions agreed "
            "will be reported back at the next partnership meeting."
        ),
        opens_at=now - timedelta(days=7),
        closes_at=now + timedelta(days=14),
        seeds=SEEDS,
        moderation=Moderation.PRE,
        expected={
            ConstituencyKind.FAMILY: 20,
            ConstituencyKind.FRONTLINE: 40,
            ConstituencyKind.MANAGER: 20,
        },
    )
    services.moderators_set(conversation=conversation, actor=facilitator, members=[co_moderator])
    groups = {c.kind: c for c in selectors.constituencies_of(conversation=conversation)}
    links = {
        kind: services.link_create(
            conversation=conversation, actor=facilitator, constituency=groups[kind]
        )[0]
        for kind in GROUP_SIZES
    }
    services.link_create(conversation=conversation, actor=facilitator, constituency=None)
    statements = list(selectors.votable_statements(conversation=conversation))
    base = {s.pk: rng.uniform(0.3, 0.8) for s in statements}
    keys: dict[str, list[str]] = {}
    for kind, size in GROUP_SIZES.items():
        keys[kind] = [f"demo-{kind}-{n:02d}".ljust(43, "x") for n in range(size)]
        for key in keys[kind]:
            voter, _new = services.voter_join(link=links[kind], member=None, browser_key=key)
            for pk, value in _card(rng, kind, statements, base).items():
                services.vote_cast(voter=voter, member=None, statement_id=pk, value=value)
    services.in_person_record(
        conversation=conversation,
        actor=facilitator,
        constituency=groups[ConstituencyKind.FAMILY],
        consent_recorded=True,
        cards=[
            _card(rng, ConstituencyKind.FAMILY, statements, base)
            for _person in range(IN_PERSON_FAMILIES)
        ],
    )
    for kind, text, decision in WRITTEN:
        statement = services.statement_write(
            conversation=conversation, member=None, browser_key=keys[kind][0], text=text
        )
        if decision == "accept":
            services.statement_accept(statement=statement, actor=co_moderator)
        elif decision == "reject":
            services.statement_reject(
                statement=statement, actor=co_moderator, reason=Reason.HURTFUL
            )
        elif decision == "split":
            services.statement_split(
                statement=statement,
                actor=co_moderator,
                parts=[
                    "Workers need fewer forms to fill in.",
                    "Workers need more time with families.",
                ],
            )
    popular = next(
        s
        for s in statements
        if s.text == "Families should not have to tell their story again to each new worker."
    )
    services.action_create(
        conversation=conversation,
        actor=facilitator,
        statement=popular,
        text="One shared family summary, written with the family, that every agency reads first.",
        owner_agency=agency,
        due_on=timezone.localdate() + timedelta(days=90),
    )
    return conversation
