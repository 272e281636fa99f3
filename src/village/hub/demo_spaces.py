"""The demo's learning space (issue 13, items 5 and 7): a space on a topic with a rota of
four, a circle its facilitator started, the role passed on once, and the library's lessons
from two projects at different gates, each linked to the assumptions it tested. When the
demo has no hub projects yet, the two projects are made here."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from village.hub import selectors, services
from village.hub.models import Project
from village.people.models import Agency, Member, Partnership

# Two projects: one past its 3-month gate, one past its first.
_PROJECTS: tuple[tuple[str, str, int, tuple[str, str, str, str]], ...] = (
    (
        "Family group conferencing",
        "Families plan with their own network before a child protection meeting.",
        3,
        (
            "Conferences led by an independent convenor",
            "Families feel heard in decisions",
            "Families trust a convenor who is not their social worker",
            "Families who say they felt heard (out of 10)",
        ),
    ),
    (
        "Breakfast and homework club",
        "A school club where parents and staff meet each morning.",
        0,
        (
            "A breakfast club three mornings a week",
            "Children arrive ready to learn",
            "Parents will come in if there is food and no agenda",
            "Children on time (per cent)",
        ),
    ),
)


def _project(
    partnership: Partnership,
    lead: Member,
    agency: Agency,
    details: tuple[str, str, int, tuple[str, str, str, str]],
) -> Project:
    title, summary, gate, (activity, outcome, assumption, indicator) = details
    started = timezone.localdate() - timedelta(days=30 * (gate + 2))
    project = services.project_create(
        partnership=partnership,
        actor=lead,
        title=title,
        kind="new",
        started_on=started,
        agencies=[agency],
        summary=summary,
    )
    parts = {
        kind: services.element_add(project=project, actor=lead, kind=kind, label=label)
        for kind, label in (
            ("activity", activity),
            ("outcome", outcome),
            ("assumption", assumption),
            ("indicator", indicator),
        )
    }
    for source, target in (
        ("activity", "outcome"),
        ("activity", "assumption"),
        ("assumption", "outcome"),
        ("indicator", "assumption"),
    ):
        services.connection_add(
            project=project, actor=lead, source=parts[source], target=parts[target]
        )
    services.gate_pass(project=project, actor=lead, months=0)
    if gate >= 3:
        services.value_record(
            indicator=parts["indicator"],
            actor=lead,
            value=Decimal(4),
            measured_on=started + timedelta(days=14),
            is_baseline=True,
        )
        services.target_set(indicator=parts["indicator"], actor=lead, value=Decimal(7))
        services.document_add(
            project=project,
            actor=lead,
            kind="evaluation_plan",
            title="How we will know",
            text="We ask each family three questions after every conference.",
        )
        services.gate_pass(project=project, actor=lead, months=3)
    return project


def demo_spaces(
    *,
    partnership: Partnership,
    facilitator: Member,
    rota: list[Member],
    lead: Member,
    agencies: list[Agency],
) -> None:
    """A learning space started by a facilitator, with others on its rota; the facilitator
    runs its first circle and passes the role on; lessons from two projects fill the library."""
    projects = list(selectors.projects_for(partnership=partnership)[:2])
    if not projects:
        projects = [
            _project(partnership, lead, agencies[index], details)
            for index, details in enumerate(_PROJECTS)
        ]
    space = services.space_create(
        partnership=partnership,
        actor=facilitator,
        topic="Listening to families",
        about="A space to share what helps families speak, and what gets in the way.",
    )
    for member in rota:
        services.space_join(space=space, actor=member)
    services.space_circle_start(
        space=space,
        actor=facilitator,
        title="What helps families speak?",
        purpose="Share one thing you tried this month and what happened.",
        prompts=["What helped a family speak?", "What got in the way?"],
        days=14,
    )
    services.facilitator_pass_on(space=space, actor=facilitator)
    lessons = (
        (
            "Trust comes before planning",
            "Families said more when the convenor was not their social worker. "
            "We now meet once, with no agenda, before the conference.",
        ),
        (
            "Food first, talk later",
            "Parents came in when breakfast was simply on offer. "
            "When we added a sign-up sheet, fewer came.",
        ),
    )
    for project, (title, text) in zip(projects, lessons, strict=False):
        assumption = selectors.assumptions_of(project=project).first()
        services.lesson_add(
            project=project,
            actor=selectors.leads_of(project=project)[0],
            title=title,
            text=text,
            assumptions=[assumption] if assumption else [],
            space=space,
        )
