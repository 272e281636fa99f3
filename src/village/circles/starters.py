"""The templates a facilitator starts a circle from: Village's own three, then the
partnership's saved ones.

Each fills in the whole form (purpose, agreements, prompts, length, whether there are themes
and votes, whether support comes first) so a facilitator who has never run a circle can set
one up in two minutes and change anything before creating it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from village.circles import selectors
from village.circles.models import CircleTemplate
from village.people.models import Partnership


@dataclass(frozen=True)
class Starter:
    """A template as the choose page and the form need it. ``key`` is what the page sends:
    a built-in template's name, or the id of one the partnership saved."""

    key: str
    name: str | Promise
    description: str | Promise
    purpose: str | Promise
    agreements: Sequence[str | Promise]
    prompts: Sequence[str | Promise]
    uses_themes: bool = True
    support_first: bool = False
    dots_per_person: int = 3
    minutes: int = 120
    saved: CircleTemplate | None = None


REGULAR = Starter(
    key="regular",
    name=_("A regular multiagency reflection"),
    description=_(
        "Reflect on what is and isn't working for your wellbeing, group what you hear into "
        "themes, vote, and agree actions. About two hours."
    ),
    purpose=_("To hear what helps and what gets in the way of our wellbeing in multiagency work."),
    agreements=(
        _("What is shared here stays here."),
        _("No names of children or families."),
        _("Speak from your own experience."),
        _("Power with, not power over."),
        _("Titles stay at the door."),
    ),
    prompts=(
        _("What is working for my wellbeing in multiagency work?"),
        _("What isn't working?"),
        _("What would help?"),
    ),
)

DEBRIEF = Starter(
    key="debrief",
    name=_("A safe debrief after a hard day or a critical incident"),
    description=_(
        "A short, gentle space to say how you are. Support is shown first. No themes and no "
        "voting: reflect, agree any next steps, check out. About an hour."
    ),
    purpose=_(
        "To look after each other after a hard day. We talk about how we are, not who did what."
    ),
    agreements=(
        _("We talk about how we are, not about who did what."),
        _("No details that could identify a child, a family or a colleague."),
        _("You can pass, stay quiet or step away at any time."),
        _("What is shared here stays here."),
        _("If you need support after today, the links on this page are for you."),
    ),
    prompts=(
        _("How are you right now?"),
        _("What has stayed with you from today?"),
        _("What would help you in the next few days?"),
    ),
    uses_themes=False,
    support_first=True,
    minutes=60,
)

NEW_TO_THE_WORK = Starter(
    key="new",
    name=_("A circle for people new to the work"),
    description=_(
        "For people in their first year or two. Share what has surprised you and what helps "
        "you find your feet, then agree what would help the next new starters."
    ),
    purpose=_("To share what it is like to be new to multiagency work, and what would help."),
    agreements=(
        _("What is shared here stays here."),
        _("No names of children or families."),
        _("There are no silly questions."),
        _("Speak from your own experience."),
        _("Titles stay at the door."),
    ),
    prompts=(
        _("What has surprised you about working with other agencies?"),
        _("What or who has helped you find your feet?"),
        _("What do you wish someone had told you at the start?"),
    ),
    minutes=90,
)

BUILT_IN: tuple[Starter, ...] = (REGULAR, DEBRIEF, NEW_TO_THE_WORK)


def _saved(template: CircleTemplate) -> Starter:
    return Starter(
        key=str(template.pk),
        name=template.name,
        description=template.description,
        purpose=template.purpose,
        agreements=tuple(template.agreements),
        prompts=tuple(template.prompts),
        uses_themes=template.uses_themes,
        support_first=template.support_first,
        dots_per_person=template.dots_per_person,
        minutes=template.minutes,
        saved=template,
    )


def starters_for(*, partnership: Partnership) -> list[Starter]:
    """Village's templates first, then the partnership's own, by name."""
    return [*BUILT_IN, *(_saved(t) for t in selectors.templates_for(partnership=partnership))]


def find(starters: Sequence[Starter], key: str | None) -> Starter | None:
    """The starter the page asked for, or None for an unknown or missing key."""
    return next((starter for starter in starters if key and starter.key == key), None)
