"""The demo's learning space (issue 13, items 5 and 7): a space on a topic with a rota of
four, a circle its facilitator started, the role passed on once, and the library's lessons
from the demo's two projects (made by hub/demo.py, before this), each linked to the
assumptions it tested."""

from __future__ import annotations

from village.hub import selectors, services
from village.people.models import Member, Partnership


def demo_spaces(
    *,
    partnership: Partnership,
    facilitator: Member,
    rota: list[Member],
) -> None:
    """A learning space started by a facilitator, with others on its rota; the facilitator
    runs its first circle and passes the role on; lessons from two projects fill the library."""
    projects = list(selectors.projects_for(partnership=partnership)[:2])
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
