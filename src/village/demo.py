"""The demo partnership: six agencies, teams (some inside a parent team) of 2-6 people with
their career stages, about sixty members in every role, two circles and a saved circle
template, a brave conversation (conversations/demo.py), the default charter with two
quarters of values reviews (reviews/demo.py), a glossary of its own (language/demo.py), and
check-ins: for staff, two closed rounds with reports and one open; for families (parents,
carers and people with lived experience), one closed round with a report and one open, with
the questions written for them.

Loading it twice changes nothing. Everyone signs in with DEMO_PASSWORD.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from village.circles import services as circles
from village.circles.models import Circle, Moment, Phase
from village.circles.starters import REGULAR
from village.conversations.demo import demo_conversation
from village.engines.instruments import get_instrument
from village.hub.demo import demo_hub
from village.hub.demo_ancestors import demo_ancestors
from village.hub.demo_spaces import demo_spaces
from village.language.demo import demo_glossary
from village.people import services as people
from village.people.models import (
    Agency,
    CareerStage,
    Constituency,
    Member,
    Partnership,
    Role,
    Sector,
    Team,
)
from village.pulse import services as pulse
from village.pulse.models import AUDIENCE_ROLES, Audience, Round
from village.reviews.demo import demo_reviews

DEMO_SLUG = "demo"
DEMO_PASSWORD = "village-demo-2026"  # noqa: S105  (printed for people trying the demo)
# Admins must use two-step verification; the demo admins' authenticator secret is public like
# the password, and `village demo_code` prints its current code.
DEMO_TOTP_SECRET = "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA"  # noqa: S105

AGENCIES: tuple[tuple[str, str], ...] = (
    ("Riverside Council Social Work", Sector.SOCIAL_WORK),
    ("Riverside Health and Social Care", Sector.HEALTH),
    ("Riverside Schools", Sector.EDUCATION),
    ("Police Scotland, Riverside", Sector.POLICE),
    ("Riverside Housing Association", Sector.HOUSING),
    ("Families Together (lived experience)", Sector.FAMILY),
)


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    agency: int
    roles: tuple[str, ...]
    constituency: str
    team: str = ""
    career_stage: str = ""


PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("admin@demo.village", "Alex Admin", 0, (Role.ADMIN,), Constituency.MANAGER),
    DemoPerson(
        "facilitator@demo.village", "Fran Facilitator", 5, (Role.FACILITATOR,), Constituency.OTHER
    ),
    DemoPerson("lead@demo.village", "Lee Lead", 1, (Role.PARTNER_LEAD,), Constituency.MANAGER),
    DemoPerson(
        "staff@demo.village",
        "Sam Staff",
        0,
        (Role.STAFF,),
        Constituency.FRONTLINE,
        "Duty and assessment",
        CareerStage.NEW,
    ),
    DemoPerson("family@demo.village", "Fiona Family", 5, (Role.FAMILY,), Constituency.FAMILY),
    DemoPerson("observer@demo.village", "Olu Observer", 2, (Role.OBSERVER,), Constituency.OTHER),
    DemoPerson(
        "lead.schools@demo.village", "Priya Lead", 2, (Role.PARTNER_LEAD,), Constituency.MANAGER
    ),
    DemoPerson(
        "lead.police@demo.village", "Jo Lead", 3, (Role.PARTNER_LEAD,), Constituency.MANAGER
    ),
    DemoPerson(
        "lead.housing@demo.village", "Kai Lead", 4, (Role.PARTNER_LEAD,), Constituency.MANAGER
    ),
    *(
        DemoPerson(email, name, agency, (Role.STAFF,), Constituency.FRONTLINE, team, stage)
        for email, name, agency, team, stage in (
            (
                "sw1@demo.village",
                "Morag Social Worker",
                0,
                "Long-term support",
                CareerStage.NEARING_RETIREMENT,
            ),
            ("sw2@demo.village", "Ewan Social Worker", 0, "Duty and assessment", CareerStage.NEW),
            (
                "hv@demo.village",
                "Aisha Health Visitor",
                1,
                "Health visiting",
                CareerStage.ESTABLISHED,
            ),
            ("nurse@demo.village", "Tom School Nurse", 1, "School nursing", CareerStage.NEW),
            (
                "teacher@demo.village",
                "Niamh Teacher",
                2,
                "Riverside High guidance",
                CareerStage.ESTABLISHED,
            ),
            (
                "officer@demo.village",
                "Callum Officer",
                3,
                "Public protection unit",
                CareerStage.ESTABLISHED,
            ),
            (
                "housing@demo.village",
                "Rosa Housing Officer",
                4,
                "Homeless prevention",
                CareerStage.NEARING_RETIREMENT,
            ),
        )
    ),
    DemoPerson("parent1@demo.village", "Dawn Parent", 5, (Role.FAMILY,), Constituency.FAMILY),
    DemoPerson("parent2@demo.village", "Kenny Parent", 5, (Role.FAMILY,), Constituency.FAMILY),
    DemoPerson("carer@demo.village", "Grace Kinship Carer", 5, (Role.FAMILY,), Constituency.FAMILY),
    DemoPerson(
        "cofac@demo.village",
        "Iain Co-facilitator",
        0,
        (Role.FACILITATOR, Role.STAFF),
        Constituency.FRONTLINE,
    ),
)

OPEN_REFLECTIONS: tuple[tuple[int, str], ...] = (
    (0, "Peer supervision across agencies helps me feel less alone with hard decisions."),
    (0, "When the health visitor and I plan visits together, families tell their story once."),
    (1, "Meetings where each agency defends itself leave me drained for the rest of the day."),
    (1, "I don't know who to call in housing when a family is about to lose their home."),
    (2, "A shared debrief after difficult meetings, with people from every agency."),
    (2, "Protected time to reflect, not squeezed in between visits."),
)

CLOSED_THEMES: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    (
        "Knowing who to call",
        7,
        (
            "I never know who is on duty in the other agencies.",
            "A shared contact list would save hours every week.",
        ),
    ),
    (
        "Blame after things go wrong",
        5,
        (
            "Reviews feel like a hunt for whose fault it was.",
            "We need to learn together, not defend our own agency.",
        ),
    ),
    ("Time to reflect", 3, ("Reflection always loses to the next crisis.",)),
)


def _members(
    partnership: Partnership, agencies: list[Agency], teams: dict[str, Team]
) -> dict[str, Member]:
    members: dict[str, Member] = {}
    for person in PEOPLE:
        user = people.user_create(email=person.email, password=DEMO_PASSWORD, email_verified=True)
        if Role.ADMIN in person.roles:
            people.two_step_activate(user=user, secret=DEMO_TOTP_SECRET)
        members[person.email] = people.member_create(
            partnership=partnership,
            user=user,
            display_name=person.name,
            roles=person.roles,
            constituency=person.constituency,
            agency=agencies[person.agency],
            team=teams[person.team] if person.team else None,
            career_stage=person.career_stage,
        )
    return members


def _open_circle(partnership: Partnership, facilitator: Member) -> Circle:
    now = timezone.now()
    circle = circles.circle_create(
        partnership=partnership,
        created_by=facilitator,
        title="Winter wellbeing circle",
        purpose="A space to say what is helping and what is wearing us down this winter.",
        agreements=[str(a) for a in REGULAR.agreements],
        prompts=[str(p) for p in REGULAR.prompts],
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=30),
    )
    prompts = list(circle.prompts.all())
    for index, (prompt_index, text) in enumerate(OPEN_REFLECTIONS):
        participant = circles.participant_join(
            circle=circle, member=None, browser_key=f"demo-open-{index}"
        )
        circles.checkin_record(
            circle=circle, participant=participant, moment=Moment.ARRIVE, score=2 + index % 3
        )
        circles.reflection_create(
            circle=circle,
            participant=participant,
            prompt=prompts[prompt_index],
            text=text,
            browser_key=f"demo-open-{index}",
        )
    return circle


def _saved_template(partnership: Partnership, facilitator: Member) -> None:
    """A template the partnership saved, beside Village's own three."""
    circles.template_save(
        partnership=partnership,
        actor=facilitator,
        name="Monthly duty team huddle",
        description="Half an hour at the end of the month: what helped, what didn't, one change.",
        purpose="A short monthly space for the duty team to look after each other.",
        agreements=[str(a) for a in REGULAR.agreements],
        prompts=["What helped this month?", "What got in the way?", "One thing to change?"],
        uses_themes=True,
        support_first=False,
        dots_per_person=2,
        minutes=30,
    )


def _closed_circle(partnership: Partnership, facilitator: Member, agencies: list[Agency]) -> Circle:
    now = timezone.now()
    circle = circles.circle_create(
        partnership=partnership,
        created_by=facilitator,
        title="Autumn circle: working across agencies",
        purpose="What gets in the way of working well together, and what we will change.",
        agreements=[str(a) for a in REGULAR.agreements],
        prompts=[str(p) for p in REGULAR.prompts],
        opens_at=now - timedelta(days=40),
        closes_at=now + timedelta(days=1),
    )
    prompt = circle.prompts.first()
    assert prompt is not None
    participants = [
        circles.participant_join(circle=circle, member=None, browser_key=f"demo-closed-{i}")
        for i in range(6)
    ]
    for index, participant in enumerate(participants):
        circles.checkin_record(
            circle=circle, participant=participant, moment=Moment.ARRIVE, score=1 + index % 4
        )
    themes = []
    for name, dots, texts in CLOSED_THEMES:
        ids = [
            str(
                circles.reflection_create(
                    circle=circle,
                    participant=participants[0],
                    prompt=prompt,
                    text=text,
                    browser_key="demo-closed-0",
                ).public_id
            )
            for text in texts
        ]
        themes.append(
            (
                circles.theme_create(
                    circle=circle, actor=facilitator, name=name, reflection_ids=ids
                ),
                dots,
            )
        )
    circles.circle_move_to(circle=circle, actor=facilitator, phase=Phase.VOTE)
    voters = iter(participants)
    for theme, dots in themes:
        remaining = dots
        while remaining:
            give = min(remaining, circle.dots_per_person)
            circles.dots_cast(circle=circle, participant=next(voters), allocation={theme.pk: give})
            remaining -= give
    circles.circle_move_to(circle=circle, actor=facilitator, phase=Phase.ACT)
    circles.action_create(
        circle=circle,
        actor=facilitator,
        text="Publish one shared duty contact list for all six agencies.",
        owner_agency=agencies[0],
        due_on=(now + timedelta(days=30)).date(),
        theme=themes[0][0],
    )
    circles.action_create(
        circle=circle,
        actor=facilitator,
        text="Run joint learning reviews instead of single-agency reviews.",
        owner_agency=agencies[1],
        due_on=(now + timedelta(days=60)).date(),
        theme=themes[1][0],
    )
    circles.circle_move_to(circle=circle, actor=facilitator, phase=Phase.CLOSE)
    for index, participant in enumerate(participants):
        circles.checkin_record(
            circle=circle, participant=participant, moment=Moment.LEAVE, score=2 + index % 4
        )
    circles.circle_move_to(circle=circle, actor=facilitator, phase=Phase.ENDED)
    return circle


# (agency index, team, parent team, people in it): teams of 2-6, so some report cells are
# hidden and small teams roll up into their parent.
TEAMS: tuple[tuple[int, str, str | None, int], ...] = (
    (0, "Children's services", None, 0),
    (0, "Duty and assessment", "Children's services", 4),
    (0, "Long-term support", "Children's services", 6),
    (0, "Fostering and kinship", "Children's services", 2),
    (1, "Community health", None, 0),
    (1, "Health visiting", "Community health", 6),
    (1, "School nursing", "Community health", 3),
    (2, "Riverside High guidance", None, 5),
    (2, "Primary support", None, 4),
    (3, "Public protection unit", None, 2),
    (4, "Homeless prevention", None, 3),
)
STAGES = (
    CareerStage.NEW,
    CareerStage.ESTABLISHED,
    CareerStage.ESTABLISHED,
    CareerStage.NEARING_RETIREMENT,
)
COMMENTS = (
    "Caseloads have been heavy since the summer and it shows.",
    "Joint visits with health have made a real difference.",
    "I would value more reflective supervision.",
    "Meetings run over and eat into time with families.",
    "The new duty contact list helps a lot.",
    "I feel listened to by my manager.",
    "Travel between areas takes too long.",
    "Peer support sessions are the best part of my month.",
    "Hard to switch off after difficult visits.",
    "More time to plan with other agencies, please.",
    "Good team, tired team.",
    "I am proud of the work we do with families.",
    "<script>alert('not run')</script> Comments are shown as text.",
)
# How each agency tends to answer (1 low to 5 high) so the report has something to show.
AGENCY_TONE = (3.6, 3.1, 2.8, 3.3, 3.0, 2.6)
OPEN_ROUND_TITLE = "Winter check-in"
FAMILY_CLOSED_TITLE = "Families' autumn check-in"
FAMILY_OPEN_TITLE = "Families' winter check-in"
FAMILY_AGENCY = 5
FAMILY_FOLK = (
    "Lorna Parent",
    "Jamie Carer",
    "Ayesha Parent",
    "Ross Kinship Carer",
    "Mel Parent",
    "Steph Foster Carer",
)
FAMILY_COMMENTS = (
    "The family support worker really listens.",
    "I never know who to ring when things go wrong.",
    "Meetings are full of jargon and I feel judged.",
    "Having the same worker for a year has made all the difference.",
)


def _teams(partnership: Partnership, agencies: list[Agency]) -> dict[str, Team]:
    teams: dict[str, Team] = {}
    for agency_index, name, parent, _size in TEAMS:
        teams[name] = people.team_create(
            partnership=partnership,
            agency=agencies[agency_index],
            name=name,
            parent=teams[parent] if parent else None,
        )
    return teams


def _team_members(
    partnership: Partnership, agencies: list[Agency], teams: dict[str, Team]
) -> list[Member]:
    """Frontline staff in teams; they only answer check-ins, so they have no password."""
    members = []
    for agency_index, name, _parent, size in TEAMS:
        slug = "".join(ch for ch in name.lower() if ch.isalnum())
        for i in range(size):
            email = f"{slug}.{i + 1}@demo.village"
            user = people.user_create(email=email, password=None, email_verified=True)
            members.append(
                people.member_create(
                    partnership=partnership,
                    user=user,
                    display_name=f"{name} colleague {i + 1}",
                    roles=[Role.STAFF],
                    constituency=Constituency.FRONTLINE,
                    agency=agencies[agency_index],
                    career_stage=STAGES[(i + agency_index) % len(STAGES)],
                    team=teams[name],
                )
            )
    return members


def _answers(instrument_ids: list[str], tone: float, rng: random.Random) -> dict[str, dict]:
    answers: dict[str, dict[str, int]] = {}
    for instrument_id in instrument_ids:
        instrument = get_instrument(instrument_id)
        answers[instrument_id] = {}
        for item in instrument.items:
            values = item.scale.values
            guess = tone + rng.gauss(0, 0.9)
            position = min(len(values) - 1, max(0, round(guess) - 1))
            answers[instrument_id][str(item.number)] = values[position]
    return answers


def _respond(
    round_: Round,
    members: list[Member],
    agencies: list[Agency],
    *,
    drift: float,
    skip: int,
    comments: tuple[str, ...] = COMMENTS,
) -> None:
    """Most of the members it asks answer (every ``skip``-th does not), plus a few guests."""
    rng = random.Random(f"{round_.title}")
    unsaid = iter(comments)
    asked = [m for m in members if m.has_role(*AUDIENCE_ROLES[round_.intended_for])]
    for index, member in enumerate(asked):
        if skip and index % skip == skip - 1:
            continue
        tone = AGENCY_TONE[agencies.index(member.agency)] if member.agency else 3.0
        pulse.response_submit(
            round_=round_,
            member=member,
            browser_key=f"demo-pulse-{round_.pk}-member-{index}",
            answers=_answers(round_.instruments, tone + drift, rng),
            comment=next(unsaid, "") if index % 3 == 0 else "",
        )
    for index in range(4):
        pulse.response_submit(
            round_=round_,
            member=None,
            browser_key=f"demo-pulse-{round_.pk}-guest-{index}",
            answers=_answers(round_.instruments, 3.0 + drift, rng),
            comment=next(unsaid, ""),
        )


def _schedule(
    partnership: Partnership,
    lead: Member,
    title: str,
    intended_for: str,
    *,
    opened: timedelta,
    closes: timedelta,
) -> Round:
    now = timezone.now()
    return pulse.round_schedule(
        partnership=partnership,
        created_by=lead,
        title=title,
        intended_for=intended_for,
        instruments=list(pulse.DEFAULT_SETS[intended_for]),
        comment_question=str(pulse.DEFAULT_COMMENT_QUESTIONS[intended_for]),
        opens_at=now - opened,
        closes_at=now + closes,
        guests_allowed=True,
        notify=False,
    )


def _pulse(
    partnership: Partnership, lead: Member, members: list[Member], agencies: list[Agency]
) -> None:
    """Staff are asked the work scales; families the questions written for them, with
    SWEMWBS (the demo admin confirms the partnership's licence for it)."""
    for title, days_ago, drift in (("Spring check-in", 220, 0.0), ("Autumn check-in", 70, 0.3)):
        round_ = _schedule(
            partnership,
            lead,
            title,
            Audience.STAFF,
            opened=timedelta(days=days_ago),
            closes=timedelta(days=1),
        )
        _respond(round_, members, agencies, drift=drift, skip=7)
        pulse.round_close(round_=round_, actor=lead)
    families = _schedule(
        partnership,
        lead,
        FAMILY_CLOSED_TITLE,
        Audience.FAMILY,
        opened=timedelta(days=60),
        closes=timedelta(days=1),
    )
    _respond(families, members, agencies, drift=0.2, skip=7, comments=FAMILY_COMMENTS)
    pulse.round_close(round_=families, actor=lead)
    open_round = _schedule(
        partnership,
        lead,
        OPEN_ROUND_TITLE,
        Audience.STAFF,
        opened=timedelta(hours=1),
        closes=timedelta(days=14),
    )
    _respond(open_round, members[-3:], agencies, drift=0.1, skip=0)
    _schedule(
        partnership,
        lead,
        FAMILY_OPEN_TITLE,
        Audience.FAMILY,
        opened=timedelta(hours=1),
        closes=timedelta(days=14),
    )


def _family_members(partnership: Partnership, agency: Agency) -> list[Member]:
    """Parents and carers who answer check-ins for families; no password, like team staff."""
    members = []
    for index, name in enumerate(FAMILY_FOLK, start=1):
        user = people.user_create(
            email=f"family.{index}@demo.village", password=None, email_verified=True
        )
        members.append(
            people.member_create(
                partnership=partnership,
                user=user,
                display_name=name,
                roles=[Role.FAMILY],
                constituency=Constituency.FAMILY,
                agency=agency,
            )
        )
    return members


def demo_load() -> tuple[Partnership, bool]:
    """Load the demo partnership once. Returns it and whether it was created now."""
    existing = Partnership.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        partnership = people.partnership_create(
            name="Riverside Children's Partnership", slug=DEMO_SLUG
        )
        agencies = [
            people.agency_create(partnership=partnership, name=name, sector=sector)
            for name, sector in AGENCIES
        ]
        teams = _teams(partnership, agencies)
        members = _members(partnership, agencies, teams)
        facilitator = members["facilitator@demo.village"]
        _closed_circle(partnership, facilitator, agencies)
        _open_circle(partnership, facilitator)
        _saved_template(partnership, facilitator)
        staff = _team_members(partnership, agencies, teams)
        families = _family_members(partnership, agencies[FAMILY_AGENCY])
        pulse.licence_confirm(
            partnership=partnership, actor=members["admin@demo.village"], instrument_id="swemwbs"
        )
        _pulse(
            partnership,
            members["lead@demo.village"],
            [*members.values(), *staff, *families],
            agencies,
        )
        demo_conversation(
            facilitator=facilitator,
            co_moderator=members["family@demo.village"],
            agency=agencies[0],
        )
        demo_reviews(
            partnership=partnership,
            admin=members["admin@demo.village"],
            facilitator=facilitator,
            agencies=agencies,
            members=[*members.values(), *staff, *families],
        )
        demo_glossary(admin=members["admin@demo.village"])
        demo_hub(partnership=partnership, members=members, agencies=agencies)
        demo_spaces(
            partnership=partnership,
            facilitator=facilitator,
            rota=[members["staff@demo.village"], members["family@demo.village"], staff[0]],
        )
        demo_ancestors(partnership=partnership)
    return partnership, True
