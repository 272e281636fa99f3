"""Fetch a circle record and check the person may reach it, in one step, with no side effects.

Each helper looks the record up through the circle it belongs to, and the circle through the
acting member's own partnership (or its join code), so an id from another partnership or
another circle finds nothing (404), never someone else's row. Whether the *step* allows an
action is the policy's answer, given by the service as a message; these helpers answer only
whether the person may be here at all (403 when not).
"""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404

from village.circles import policy, selectors
from village.circles.keys import participant_hash
from village.circles.models import Action, Circle, CircleTemplate, Participant, Reflection, Theme
from village.circles.services import can_run_circles
from village.people import join_codes
from village.people.models import Member


def access_circle_by_code(*, code: str) -> Circle:
    """The circle with this join code, for anyone who has the code."""
    circle = selectors.circle_by_code(code=code)
    if circle is None:
        raise Http404
    return circle


_POLL_SECONDS = 2 * 60 * 60


def access_poll(*, code: str, member: Member | None, browser_key: str) -> tuple[int, str]:
    """(circle id, join code) for someone who has joined, for the poll every page makes every
    two seconds. What it finds is remembered in the cache (a code never changes, and nobody
    leaves a circle), so a poll from someone already seen reads no database."""
    normalised = join_codes.normalise(code)
    if not normalised:
        raise Http404
    code_key = f"circle-code:{normalised}"
    circle_id = cache.get(code_key)
    if circle_id is None:
        circle = access_circle_by_code(code=normalised)
        circle_id = circle.pk
        cache.set(code_key, circle_id, _POLL_SECONDS)
    who = (
        f"member:{member.pk}"
        if member is not None and member.is_active
        else participant_hash(circle_id=circle_id, key=browser_key)
    )
    joined_key = f"circle-live:{circle_id}:{normalised}:joined:{who}"
    if cache.get(joined_key) is None:
        access_participation(
            circle=access_circle_by_code(code=normalised), member=member, browser_key=browser_key
        )
        cache.set(joined_key, True, _POLL_SECONDS)
    return circle_id, normalised


def access_participation(*, circle: Circle, member: Member | None, browser_key: str) -> Participant:
    """This person's place in a circle found by its code; someone who has not joined is
    refused."""
    participant = selectors.participant_for(circle=circle, member=member, browser_key=browser_key)
    if participant is None:
        raise PermissionDenied
    return participant


def access_own_reflection(
    *, code: str, reflection_id: str, member: Member | None, browser_key: str
) -> tuple[Circle, Participant, Reflection]:
    """A reflection this browser wrote, in a circle this person joined."""
    circle = access_circle_by_code(code=code)
    participant = access_participation(circle=circle, member=member, browser_key=browser_key)
    reflection = (
        Reflection.objects.select_related("circle")
        .filter(circle=circle, public_id=reflection_id)
        .first()
    )
    if reflection is None:
        raise Http404
    if not selectors.is_own(
        reflection_id=reflection.public_id,
        secret_hash=reflection.secret_hash,
        browser_key=browser_key,
    ):
        raise PermissionDenied
    return circle, participant, reflection


def access_facilitation(*, pk: int, member: Member | None) -> tuple[Circle, Member]:
    """A circle of the member's own partnership that they run: admins and facilitators."""
    circle = Circle.objects.select_related("partnership").filter(pk=pk).first()
    if circle is None or member is None or member.partnership_id != circle.partnership_id:
        raise Http404
    people = policy.people_of(member=member, circle=circle)
    if not policy.decide_for(act=policy.Act.FACILITATE, circle=circle, people=people):
        raise PermissionDenied
    return circle, member


def access_theme(*, pk: int, theme_pk: int, member: Member | None) -> tuple[Circle, Member, Theme]:
    circle, member = access_facilitation(pk=pk, member=member)
    theme = Theme.objects.filter(circle=circle, pk=theme_pk).first()
    if theme is None:
        raise Http404
    theme.circle = circle
    return circle, member, theme


def access_action(
    *, pk: int, action_pk: int, member: Member | None
) -> tuple[Circle, Member, Action]:
    circle, member = access_facilitation(pk=pk, member=member)
    action = Action.objects.filter(circle=circle, pk=action_pk).first()
    if action is None:
        raise Http404
    action.circle = circle
    return circle, member, action


def access_reflection_to_group(
    *, pk: int, reflection_id: str, member: Member | None
) -> tuple[Circle, Member, Reflection]:
    """A reflection of a circle the member runs, for the page that moves it to a theme."""
    circle, member = access_facilitation(pk=pk, member=member)
    reflection = (
        Reflection.objects.select_related("prompt", "theme")
        .filter(circle=circle, public_id=reflection_id)
        .first()
    )
    if reflection is None:
        raise Http404
    return circle, member, reflection


def access_summary(*, pk: int, member: Member | None, browser_key: str) -> Circle:
    """Members of the circle's partnership read its summary, and so does anyone who took part;
    to everyone else the circle does not exist."""
    circle = Circle.objects.select_related("partnership").filter(pk=pk).first()
    if circle is None:
        raise Http404
    people = policy.people_of(member=member, circle=circle)
    joined = people & policy.MEMBERS or selectors.participant_for(
        circle=circle, member=member, browser_key=browser_key
    )
    if not policy.decide_for(
        act=policy.Act.VIEW_SUMMARY, circle=circle, people=people, joined=bool(joined)
    ):
        raise Http404
    return circle


def access_circle_runner(*, member: Member | None) -> Member:
    """A facilitator or admin, to start circles and keep their partnership's templates."""
    if member is None or not can_run_circles(member=member, partnership=member.partnership):
        raise PermissionDenied
    return member


def access_template(*, pk: int, member: Member | None) -> tuple[Member, CircleTemplate]:
    runner = access_circle_runner(member=member)
    template = selectors.templates_for(partnership=runner.partnership).filter(pk=pk).first()
    if template is None:
        raise Http404
    return runner, template
