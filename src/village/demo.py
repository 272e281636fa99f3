"""The demo partnership: six agencies, about twenty members in every role, two circles.

Loading it twice changes nothing. Everyone signs in with DEMO_PASSWORD.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from village.circles import services as circles
from village.circles.models import Circle, Moment, Phase
from village.people import services as people
from village.people.models import Agency, Constituency, Member, Partnership, Role, Sector

DEMO_SLUG = "demo"
DEMO_PASSWORD = "village-demo-2026"  # noqa: S105  (printed for people trying the demo)

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


PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("admin@demo.village", "Alex Admin", 0, (Role.ADMIN,), Constituency.MANAGER),
    DemoPerson(
        "facilitator@demo.village", "Fran Facilitator", 5, (Role.FACILITATOR,), Constituency.OTHER
    ),
    DemoPerson("lead@demo.village", "Lee Lead", 1, (Role.PARTNER_LEAD,), Constituency.MANAGER),
    DemoPerson("staff@demo.village", "Sam Staff", 0, (Role.STAFF,), Constituency.FRONTLINE),
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
    DemoPerson("sw1@demo.village", "Morag Social Worker", 0, (Role.STAFF,), Constituency.FRONTLINE),
    DemoPerson("sw2@demo.village", "Ewan Social Worker", 0, (Role.STAFF,), Constituency.FRONTLINE),
    DemoPerson("hv@demo.village", "Aisha Health Visitor", 1, (Role.STAFF,), Constituency.FRONTLINE),
    DemoPerson("nurse@demo.village", "Tom School Nurse", 1, (Role.STAFF,), Constituency.FRONTLINE),
    DemoPerson("teacher@demo.village", "Niamh Teacher", 2, (Role.STAFF,), Constituency.FRONTLINE),
    DemoPerson("officer@demo.village", "Callum Officer", 3, (Role.STAFF,), Constituency.FRONTLINE),
    DemoPerson(
        "housing@demo.village", "Rosa Housing Officer", 4, (Role.STAFF,), Constituency.FRONTLINE
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


def _members(partnership: Partnership, agencies: list[Agency]) -> dict[str, Member]:
    user_model = get_user_model()
    members: dict[str, Member] = {}
    for person in PEOPLE:
        user = user_model.objects.create_user(
            username=person.email, email=person.email, password=DEMO_PASSWORD
        )
        members[person.email] = people.member_create(
            partnership=partnership,
            user=user,
            display_name=person.name,
            roles=person.roles,
            constituency=person.constituency,
            agency=agencies[person.agency],
        )
    return members


def _open_circle(partnership: Partnership, facilitator: Member) -> Circle:
    now = timezone.now()
    circle = circles.circle_create(
        partnership=partnership,
        created_by=facilitator,
        title="Winter wellbeing circle",
        purpose="A space to say what is helping and what is wearing us down this winter.",
        agreements=[str(a) for a in circles.DEFAULT_AGREEMENTS],
        prompts=[str(p) for p in circles.DEFAULT_PROMPTS],
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


def _closed_circle(partnership: Partnership, facilitator: Member, agencies: list[Agency]) -> Circle:
    now = timezone.now()
    circle = circles.circle_create(
        partnership=partnership,
        created_by=facilitator,
        title="Autumn circle: working across agencies",
        purpose="What gets in the way of working well together, and what we will change.",
        agreements=[str(a) for a in circles.DEFAULT_AGREEMENTS],
        prompts=[str(p) for p in circles.DEFAULT_PROMPTS],
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
                ).id
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
        members = _members(partnership, agencies)
        facilitator = members["facilitator@demo.village"]
        _closed_circle(partnership, facilitator, agencies)
        _open_circle(partnership, facilitator)
    return partnership, True
