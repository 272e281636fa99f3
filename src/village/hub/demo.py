"""The learning hub in the demo: two projects at different gates, the first with stories of
change (some told anonymously) and one the panel selected, with its reason; its indicator
reads a released check-in figure live. Everything goes through the hub's services, as a
person on the pages would."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from village.hub import selectors, services
from village.hub.models import SourceKind
from village.hub.policy import DEFAULT_DOMAINS
from village.people.models import Agency, Member, Partnership

STORIES = (
    (
        "family@demo.village",
        True,
        0,
        "We set the agenda for our own meeting",
        "Before, meetings were about us. At the family group conference we chose who came and "
        "what we talked about first. My mum came, and the plan was written in our words.",
        "It was the first time the plan felt like ours.",
    ),
    (
        "sw1@demo.village",
        False,
        1,
        "Health and social work planned the visit together",
        "The health visitor and I met the family once, together, instead of twice apart. The "
        "family told their story once.",
        "Families told us they were tired of repeating themselves.",
    ),
    (
        "staff@demo.village",
        True,
        2,
        "The duty team now asks who the family wants there",
        "Our duty team added one question to the first call: who would you like with you?",
        "",
    ),
)
SELECTED_REASON = (
    "The panel chose this story because the family, not the services, decided what mattered "
    "first. It is the change the project exists for."
)


def _months_ago(today: date, months: int) -> date:
    return selectors.add_months(today, -months)


def demo_hub(
    *, partnership: Partnership, members: dict[str, Member], agencies: list[Agency]
) -> None:
    """A project past its 6-month gate with stories and a panel selection, and a new one
    that has passed only its first gate."""
    today = timezone.localdate()
    lead, family = members["staff@demo.village"], members["family@demo.village"]
    conferencing = services.project_create(
        partnership=partnership,
        actor=lead,
        title="Family group conferencing",
        kind="new",
        started_on=_months_ago(today, 8),
        agencies=[agencies[0], agencies[5]],
        summary="Families lead their own planning meetings, with the people they choose.",
        families_as_partners="Two parents from Families Together co-lead the project.",
        leads=[family],
    )
    activity = services.element_add(
        project=conferencing, actor=lead, kind="activity", label="Family group conferences"
    )
    outcome = services.element_add(
        project=conferencing, actor=lead, kind="outcome", label="Families feel heard"
    )
    assumption = services.element_add(
        project=conferencing,
        actor=lead,
        kind="assumption",
        label="Families trust an independent convenor",
    )
    indicator = services.element_add(
        project=conferencing, actor=lead, kind="indicator", label="Plans written with families"
    )
    for source, target in ((activity, outcome), (activity, assumption), (assumption, outcome)):
        services.connection_add(project=conferencing, actor=lead, source=source, target=target)
    services.connection_add(project=conferencing, actor=lead, source=indicator, target=assumption)
    services.gate_pass(project=conferencing, actor=lead, months=0)
    services.value_record(
        indicator=indicator,
        actor=lead,
        value=Decimal(4),
        measured_on=_months_ago(today, 7),
        is_baseline=True,
    )
    services.value_record(
        indicator=indicator, actor=lead, value=Decimal(11), measured_on=_months_ago(today, 2)
    )
    services.document_add(
        project=conferencing,
        actor=lead,
        kind="evaluation_plan",
        title="How we will know",
        text="We count plans written with families each month and ask families how heard "
        "they felt after each conference.",
    )
    services.gate_pass(project=conferencing, actor=lead, months=3)
    domains = [str(name) for name in DEFAULT_DOMAINS]
    told = [
        services.story_tell(
            project=conferencing,
            actor=members[email],
            domain=domains[domain],
            title=title,
            text=text,
            why_significant=why,
            anonymous=anonymous,
        )
        for email, anonymous, domain, title, text, why in STORIES
    ]
    services.story_select(
        story=told[0], actor=members["facilitator@demo.village"], reason=SELECTED_REASON
    )
    services.gate_pass(project=conferencing, actor=lead, months=6)
    wellbeing = services.element_add(
        project=conferencing, actor=lead, kind="indicator", label="Staff wellbeing"
    )
    released = selectors.released_figures(partnership=partnership)[SourceKind.PULSE]
    if released:
        services.indicator_source_set(
            indicator=wellbeing, actor=lead, kind=SourceKind.PULSE, key=released[0].key
        )

    schools = members["lead.schools@demo.village"]
    breakfast = services.project_create(
        partnership=partnership,
        actor=schools,
        title="Breakfast club with families",
        kind="existing",
        started_on=_months_ago(today, 1),
        agencies=[agencies[2]],
        summary="A school breakfast club that parents run with staff.",
    )
    club = services.element_add(
        project=breakfast, actor=schools, kind="activity", label="Parents run the club"
    )
    settled = services.element_add(
        project=breakfast, actor=schools, kind="outcome", label="Children start the day settled"
    )
    welcome = services.element_add(
        project=breakfast, actor=schools, kind="assumption", label="Parents feel welcome in school"
    )
    for source, target in ((club, settled), (club, welcome), (welcome, settled)):
        services.connection_add(project=breakfast, actor=schools, source=source, target=target)
    services.gate_pass(project=breakfast, actor=schools, months=0)
