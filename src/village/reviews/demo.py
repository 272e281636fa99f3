"""The demo partnership's charter and values reviews: Village's default charter, published;
last quarter's review closed (every agency's own rating, family panel and frontline staff
ratings from enough people to show, shortfalls and actions); this quarter's open, with last
quarter's unfinished actions carried in and an action brought in from a circle. On family
rights the family panel rates the system two points below the agencies' own rating, so the
gap matrix flags it. Used by `village demo`."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from village.circles import selectors as circle_selectors
from village.people import services as people
from village.people.models import Agency, Constituency, Member, Partnership, Role
from village.reviews import selectors, services
from village.reviews.models import ActionStatus, Barrier, Panel, Review, Source, Value

GAP_VALUE = "family-rights"
# Each value's rating by the agencies, and the family panel's and frontline staff's, on the
# six-point scale (6 excellent, 1 unsatisfactory). Panel raters alternate between the score
# given and one below it, so their averages fall half a point or so under it.
SCORES: dict[str, tuple[int, int, int]] = {
    GAP_VALUE: (5, 3, 5),
    "family-inclusive-practice": (4, 4, 4),
    "whole-family-approaches": (4, 4, 5),
    "relationships-first": (5, 5, 5),
    "trauma-responsive-practice": (3, 4, 3),
    "staff-wellbeing": (3, 4, 3),
    "power-with-not-over": (4, 4, 4),
    "no-blame": (4, 5, 4),
}
# The panel ratings on the gap value are all the same, so its family average is exactly
# two points under the agencies' own rating.
PANEL_RATERS = 7
EVIDENCE = (
    "Case file audit of twenty families this quarter; feedback from the family panel's "
    "meeting in the second month."
)
SHORTFALLS = (
    (
        GAP_VALUE,
        Barrier.POLICY,
        "Families are not routinely given copies of the plans and reports written about them.",
    ),
    (
        GAP_VALUE,
        Barrier.DATA,
        "Our case record systems cannot share a plan with a family, so copies depend on "
        "someone remembering to post one.",
    ),
    (
        "staff-wellbeing",
        Barrier.WORKFORCE,
        "Vacancies in duty teams mean reflective supervision is the first thing cancelled.",
    ),
    (
        "whole-family-approaches",
        Barrier.RESOURCES,
        "Each agency writes its own plan, so a family can have four plans and no one plan.",
    ),
)
# Text, owning agency (by index), value, days until due, milestones, and the status it had
# reached when the quarter closed.
ACTIONS = (
    (
        "Give every family a copy of their plan within five working days of a meeting.",
        0,
        GAP_VALUE,
        80,
        ("Agree the letter with the family panel", "Start in duty and assessment"),
        ActionStatus.IN_PROGRESS,
    ),
    (
        "Agree one whole-family plan that every agency writes into.",
        1,
        "whole-family-approaches",
        150,
        ("Draft the shared plan", "Test it with five families"),
        ActionStatus.STUCK,
    ),
    (
        "Protect two hours a month of reflective supervision for frontline staff.",
        2,
        "staff-wellbeing",
        60,
        (),
        ActionStatus.OPEN,
    ),
    (
        "Run a trauma-responsive practice session for every reception and front desk team.",
        4,
        "trauma-responsive-practice",
        30,
        (),
        ActionStatus.DONE,
    ),
)
STUCK_BECAUSE = "The data-sharing agreement it needs has not been signed by every agency."
# Agencies of the demo with no partner lead among the demo's people get one here.
NEW_LEADS = ((0, "Shona Lead"), (5, "Mags Lead"))


def _leads(partnership: Partnership, agencies: list[Agency], leads: list[Member]) -> list[Member]:
    """A partner lead for every agency, in the agencies' order."""
    by_agency = {lead.agency_id: lead for lead in leads}
    for index, name in NEW_LEADS:
        user = people.user_create(
            email=f"lead.{index}@demo.village", password=None, email_verified=True
        )
        by_agency[agencies[index].pk] = people.member_create(
            partnership=partnership,
            user=user,
            display_name=name,
            roles=[Role.PARTNER_LEAD],
            constituency=Constituency.MANAGER,
            agency=agencies[index],
        )
    return [by_agency[agency.pk] for agency in agencies]


def _rate(review: Review, leads: list[Member], panels: dict[str, list[Member]]) -> None:
    values = {value.key: value for value in Value.objects.filter(version_id=review.version_id)}
    for lead in leads:
        assert lead.agency is not None
        for key, (own, _family, _frontline) in SCORES.items():
            services.self_rate(
                review=review,
                actor=lead,
                agency=lead.agency,
                value=values[key],
                score=own,
                evidence=EVIDENCE,
            )
    for column, panel in ((1, Panel.FAMILY), (2, Panel.FRONTLINE)):
        for number, member in enumerate(panels[panel][:PANEL_RATERS]):
            ratings = {
                values[key].pk: scores[column] - (number % 2 if key != GAP_VALUE else 0)
                for key, scores in SCORES.items()
            }
            services.panel_rate(review=review, actor=member, ratings=ratings)


def _last_quarter(
    review: Review,
    facilitator: Member,
    leads: list[Member],
    agencies: list[Agency],
    panels: dict[str, list[Member]],
) -> None:
    _rate(review, leads, panels)
    services.ratings_close(review=review, actor=facilitator)
    values = {value.key: value for value in Value.objects.filter(version_id=review.version_id)}
    for key, barrier, text in SHORTFALLS:
        services.shortfall_add(
            review=review, actor=facilitator, value=values[key], barrier=barrier, text=text
        )
    today = timezone.localdate()
    actions = [
        (
            services.action_add(
                review=review,
                actor=facilitator,
                text=text,
                owner_agency=agencies[owner],
                due_on=today + timedelta(days=days),
                value=values[key],
                milestones=[
                    (step, today + timedelta(days=days * (n + 1) // (len(steps) + 1)))
                    for n, step in enumerate(steps)
                ],
            ),
            status,
        )
        for text, owner, key, days, steps, status in ACTIONS
    ]
    services.review_close(review=review, actor=facilitator)
    for action, status in actions:
        if status != ActionStatus.OPEN:
            services.action_update(
                action=action,
                actor=facilitator,
                status=status,
                stuck_because=STUCK_BECAUSE if status == ActionStatus.STUCK else "",
            )


def _this_quarter(review: Review, facilitator: Member, leads: list[Member]) -> None:
    """Two agencies have rated so far, and a circle's action is brought in."""
    values = {value.key: value for value in Value.objects.filter(version_id=review.version_id)}
    for lead in leads[1:3]:
        assert lead.agency is not None
        for key, (own, _family, _frontline) in SCORES.items():
            services.self_rate(
                review=review, actor=lead, agency=lead.agency, value=values[key], score=own
            )
    circle_action = circle_selectors.partnership_actions(partnership=review.partnership).first()
    if circle_action is not None:
        services.action_bring_in(
            review=review,
            actor=facilitator,
            source=Source.CIRCLE,
            source_id=circle_action.pk,
            value=values["relationships-first"],
        )


def demo_reviews(
    *,
    partnership: Partnership,
    admin: Member,
    facilitator: Member,
    agencies: list[Agency],
    members: list[Member],
) -> None:
    """The charter, its representatives and two quarters of reviews, from the demo's
    people (``members``: everyone, from whom the leads, panels and representatives come)."""
    version = services.charter_load_default(partnership=partnership, actor=facilitator)
    services.version_publish(version=version, actor=facilitator)
    leads = _leads(
        partnership, agencies, [m for m in members if Role.PARTNER_LEAD in m.roles and m.agency]
    )
    panels: dict[str, list[Member]] = {
        Panel.FAMILY: [m for m in members if m.constituency == Constituency.FAMILY],
        Panel.FRONTLINE: [m for m in members if m.constituency == Constituency.FRONTLINE],
    }
    for represents, member in (
        (Constituency.FAMILY, panels[Panel.FAMILY][0]),
        (Constituency.FRONTLINE, panels[Panel.FRONTLINE][0]),
        (Constituency.MANAGER, leads[0]),
    ):
        services.representative_set(
            partnership=partnership, actor=admin, member=member, represents=represents
        )
    this = selectors.quarter_for(timezone.localdate())
    last = services.review_open(
        partnership=partnership, actor=facilitator, quarter=selectors.quarter_before(this)
    )
    _last_quarter(last, facilitator, leads, agencies, panels)
    current = services.review_open(partnership=partnership, actor=facilitator, quarter=this)
    _this_quarter(current, facilitator, leads)
