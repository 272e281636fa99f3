"""The policy matrix: every person (each role, and a guest) in every step, against every act
the policy names. Each act is tried for real (through its service, or through its view where
a service does not apply: a guest has no member to act as, an observer has never joined,
pages decide what a board shows) inside a savepoint that is rolled back, and must be allowed
exactly when circles/policy.py says so.

The expectations come from the policy, so the matrix checks that the services and views
enforce it, everywhere. What the policy itself says is pinned by the hand-written tests of
what was found (test_found_*.py) and by the spot checks at the end of this file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from village.circles import policy, services
from village.circles.models import Action, Circle, Moment, Participant, Phase, Reflection, Theme
from village.circles.policy import Act, Person
from village.people.browser_key import COOKIE_NAME
from village.people.models import Agency, Member

GUEST_KEY = "g" * 43
OTHER_KEY = "o" * 43


@dataclass
class World:
    """A circle brought to one step, with someone in it to act."""

    person: Person
    circle: Circle
    facilitator: Member
    agency: Agency
    actor: Member | None
    participant: Participant | None
    own: Reflection | None
    other: Reflection
    theme: Theme
    action: Action
    client: Client
    theme_pk: int = 0
    action_pk: int = 0

    @property
    def key(self) -> str:
        return GUEST_KEY if self.actor is None else ""

    def fresh(self) -> None:
        """Read everything again: a rolled-back attempt leaves stale objects behind."""
        self.circle.refresh_from_db()
        self.theme = Theme.objects.get(pk=self.theme_pk)
        self.action = Action.objects.get(pk=self.action_pk)
        self.other = Reflection.objects.get(public_id=self.other.public_id)
        if self.own is not None:
            self.own = Reflection.objects.select_related("circle").get(public_id=self.own.public_id)
        if self.participant is not None:
            self.participant.refresh_from_db()


def _move(circle: Circle, facilitator: Member, stage: Phase) -> None:
    if stage != circle.phase:
        services.circle_move_to(circle=circle, actor=facilitator, phase=stage)


@pytest.fixture
def build(
    make_circle: Callable[..., Circle],
    make_member: Callable[..., Member],
    facilitator: Member,
    agency: Agency,
) -> Callable[[Person, Phase], World]:
    def make(person: Person, stage: Phase) -> World:
        circle = make_circle()
        actor = None if person == Person.GUEST else make_member(person.value, name=person.value)
        prompt = circle.prompts.first()
        other_participant = services.participant_join(
            circle=circle, member=None, browser_key=OTHER_KEY
        )
        other = services.reflection_create(
            circle=circle,
            participant=other_participant,
            prompt=prompt,
            text="Someone else's words",
            browser_key=OTHER_KEY,
        )
        participant = own = None
        if policy.decide(act=Act.JOIN, people={person}, stage=Phase.REFLECT, joined=False):
            participant = services.participant_join(
                circle=circle, member=actor, browser_key=GUEST_KEY
            )
            own = services.reflection_create(
                circle=circle,
                participant=participant,
                prompt=prompt,
                text="My own words",
                browser_key=GUEST_KEY,
            )
        theme = services.theme_create(
            circle=circle,
            actor=facilitator,
            name="A theme",
            reflection_ids=[str(other.public_id)],
        )
        action = Action.objects.create(
            circle=circle,
            text="An action",
            owner_agency=agency,
            due_on=timezone.localdate() + timedelta(days=7),
        )
        _move(circle, facilitator, stage)
        client = client_for(actor) if actor is not None else Client()
        client.cookies[COOKIE_NAME] = GUEST_KEY
        world = World(
            person=person,
            circle=circle,
            facilitator=facilitator,
            agency=agency,
            actor=actor,
            participant=participant,
            own=own,
            other=other,
            theme=theme,
            action=action,
            client=client,
            theme_pk=theme.pk,
            action_pk=action.pk,
        )
        world.fresh()
        return world

    return make


class _RolledBack(Exception):
    pass


def _later(circle: Circle) -> str:
    steps = policy.steps_of(circle)
    index = steps.index(Phase(circle.phase))
    return steps[min(index + 1, len(steps) - 1)]


def _board_shows(world: World, marker: str) -> bool:
    page = world.client.get(reverse("circles:room", kwargs={"code": world.circle.join_code}))
    html = page.content.decode()
    return 'id="circle-board-wrap"' in html and marker in html


def _view_allows(response: Any) -> bool:
    if response.status_code in (403, 404, 405):
        return False
    location = response.get("Location", "")
    return not (response.status_code == 302 and "/sign-in/" in location)


# What each act does, as a member acting through the service. ``None`` means the act is
# tried through its view for everyone (what a page shows, or a page that is the act).
def _as_participant(world: World) -> Participant:
    assert world.participant is not None
    return world.participant


SERVICE_ATTEMPTS: dict[Act, Callable[[World], object]] = {
    Act.JOIN: lambda w: services.participant_join(
        circle=w.circle, member=w.actor, browser_key=GUEST_KEY
    ),
    Act.CHECK_IN: lambda w: services.checkin_record(
        circle=w.circle, participant=_as_participant(w), moment=Moment.ARRIVE, score=3
    ),
    Act.CHECK_OUT: lambda w: services.checkin_record(
        circle=w.circle, participant=_as_participant(w), moment=Moment.LEAVE, score=3
    ),
    Act.POST_REFLECTION: lambda w: services.reflection_create(
        circle=w.circle,
        participant=_as_participant(w),
        prompt=w.circle.prompts.first(),  # type: ignore[arg-type]
        text="More words",
        browser_key=GUEST_KEY,
    ),
    Act.EDIT_REFLECTION: lambda w: services.reflection_update(
        reflection=w.own,  # type: ignore[arg-type]
        participant=_as_participant(w),
        browser_key=GUEST_KEY,
        text="Changed words",
    ),
    Act.WITHDRAW_REFLECTION: lambda w: services.reflection_withdraw(
        reflection=w.own,  # type: ignore[arg-type]
        participant=_as_participant(w),
        browser_key=GUEST_KEY,
    ),
    Act.GIVE_DOTS: lambda w: services.dots_cast(
        circle=w.circle, participant=_as_participant(w), allocation={w.theme.pk: 1}
    ),
    Act.ASK_PAUSE: lambda w: services.pause_request(
        circle=w.circle, participant=_as_participant(w)
    ),
    Act.CREATE_THEME: lambda w: services.theme_create(
        circle=w.circle,
        actor=w.actor,  # type: ignore[arg-type]
        name="New theme",
    ),
    Act.RENAME_THEME: lambda w: services.theme_rename(
        theme=w.theme,
        actor=w.actor,  # type: ignore[arg-type]
        name="Renamed",
    ),
    Act.DELETE_THEME: lambda w: services.theme_delete(theme=w.theme, actor=w.actor),  # type: ignore[arg-type]
    Act.GROUP: lambda w: services.reflections_group(
        circle=w.circle,
        actor=w.actor,  # type: ignore[arg-type]
        theme=None,
        reflection_ids=[str(w.other.public_id)],
    ),
    Act.UNDO_GROUPING: lambda w: services.grouping_undo(circle=w.circle, actor=w.actor),  # type: ignore[arg-type]
    Act.ADD_ACTION: lambda w: services.action_create(
        circle=w.circle,
        actor=w.actor,  # type: ignore[arg-type]
        text="A new action",
        owner_agency=w.agency,
        due_on=timezone.localdate(),
    ),
    Act.DELETE_ACTION: lambda w: services.action_delete(action=w.action, actor=w.actor),  # type: ignore[arg-type]
    Act.MOVE_PHASE: lambda w: services.circle_move_to(
        circle=w.circle,
        actor=w.actor,  # type: ignore[arg-type]
        phase=_later(w.circle),
    ),
    Act.SET_GUESTS: lambda w: services.circle_guests_set(
        circle=w.circle,
        actor=w.actor,  # type: ignore[arg-type]
        open_to_guests=False,
    ),
    Act.ACKNOWLEDGE_PAUSE: lambda w: services.pauses_acknowledge(circle=w.circle, actor=w.actor),  # type: ignore[arg-type]
}
PARTICIPANT_ACTS = {
    Act.CHECK_IN,
    Act.CHECK_OUT,
    Act.POST_REFLECTION,
    Act.EDIT_REFLECTION,
    Act.WITHDRAW_REFLECTION,
    Act.GIVE_DOTS,
    Act.ASK_PAUSE,
}


def _code(w: World) -> dict[str, str]:
    return {"code": w.circle.join_code}


def _pk(w: World) -> dict[str, int]:
    return {"pk": w.circle.pk}


# The same acts through their views: for someone the service cannot act as (a guest running a
# circle, an observer taking part), and for the acts that are pages.
VIEW_ATTEMPTS: dict[Act, Callable[[World], Any]] = {
    Act.CHECK_IN: lambda w: w.client.post(
        reverse("circles:checkin", kwargs={**_code(w), "moment": "arrive"}), {"score": "3"}
    ),
    Act.CHECK_OUT: lambda w: w.client.post(
        reverse("circles:checkin", kwargs={**_code(w), "moment": "leave"}), {"score": "3"}
    ),
    Act.POST_REFLECTION: lambda w: w.client.post(
        reverse("circles:reflect", kwargs=_code(w)),
        {"prompt": w.circle.prompts.first().pk, "text": "More words"},  # type: ignore[union-attr]
    ),
    Act.EDIT_REFLECTION: lambda w: w.client.post(
        reverse(
            "circles:reflection_edit",
            kwargs={**_code(w), "reflection_id": w.other.public_id},
        ),
        {"text": "Changed"},
    ),
    Act.WITHDRAW_REFLECTION: lambda w: w.client.post(
        reverse(
            "circles:reflection_withdraw",
            kwargs={**_code(w), "reflection_id": w.other.public_id},
        )
    ),
    Act.GIVE_DOTS: lambda w: w.client.post(
        reverse("circles:dots", kwargs=_code(w)), {f"theme_{w.theme.pk}": "1"}
    ),
    Act.ASK_PAUSE: lambda w: w.client.post(reverse("circles:pause", kwargs=_code(w))),
    Act.FACILITATE: lambda w: w.client.get(reverse("circles:facilitate", kwargs=_pk(w))),
    Act.CREATE_THEME: lambda w: w.client.post(
        reverse("circles:theme_create", kwargs=_pk(w)), {"name": "New theme"}
    ),
    Act.RENAME_THEME: lambda w: w.client.post(
        reverse("circles:theme_rename", kwargs={**_pk(w), "theme_pk": w.theme.pk}),
        {"name": "Renamed"},
    ),
    Act.DELETE_THEME: lambda w: w.client.post(
        reverse("circles:theme_delete", kwargs={**_pk(w), "theme_pk": w.theme.pk})
    ),
    Act.GROUP: lambda w: w.client.post(
        reverse("circles:group", kwargs=_pk(w)), {"reflection": str(w.other.public_id)}
    ),
    Act.UNDO_GROUPING: lambda w: w.client.post(reverse("circles:undo", kwargs=_pk(w))),
    Act.ADD_ACTION: lambda w: w.client.post(
        reverse("circles:action_create", kwargs=_pk(w)), {"text": "A new action"}
    ),
    Act.DELETE_ACTION: lambda w: w.client.post(
        reverse("circles:action_delete", kwargs={**_pk(w), "action_pk": w.action.pk})
    ),
    Act.MOVE_PHASE: lambda w: w.client.post(
        reverse("circles:move_phase", kwargs=_pk(w)), {"phase": _later(w.circle)}
    ),
    Act.SET_GUESTS: lambda w: w.client.post(
        reverse("circles:guests", kwargs=_pk(w)), {"guests": "close"}
    ),
    Act.ACKNOWLEDGE_PAUSE: lambda w: w.client.post(reverse("circles:pauses_seen", kwargs=_pk(w))),
    Act.VIEW_SUMMARY: lambda w: w.client.get(reverse("circles:summary", kwargs=_pk(w))),
    Act.DOWNLOAD_CSV: lambda w: w.client.get(reverse("circles:summary_csv", kwargs=_pk(w))),
}
BOARD_MARKERS = {
    Act.SEE_REFLECTIONS: 'id="board-all"',
    Act.SEE_THEMES: 'id="board-themes"',
    Act.SEE_ACTIONS: 'id="board-actions"',
}


def _attempt(world: World, act: Act) -> bool:
    """Try the act; True when it went through. Whatever it wrote is rolled back."""
    world.fresh()
    if world.circle.grouping_undo == {} and act == Act.UNDO_GROUPING:
        world.circle.grouping_undo = {"moved": {str(world.other.public_id): world.theme.pk}}
        Circle.objects.filter(pk=world.circle.pk).update(grouping_undo=world.circle.grouping_undo)
    outcome = False
    try:
        with transaction.atomic():
            if act in BOARD_MARKERS:
                outcome = _board_shows(world, BOARD_MARKERS[act])
            elif act in SERVICE_ATTEMPTS and (
                (act in PARTICIPANT_ACTS and world.participant is not None)
                or (act not in PARTICIPANT_ACTS and (act == Act.JOIN or world.actor is not None))
            ):
                try:
                    SERVICE_ATTEMPTS[act](world)
                    outcome = True
                except services.CircleError:
                    outcome = False
            else:
                outcome = _view_allows(VIEW_ATTEMPTS[act](world))
            raise _RolledBack
    except _RolledBack:
        pass
    return outcome


def _expected(world: World, act: Act) -> bool:
    return bool(
        policy.decide(
            act=act,
            people={world.person},
            stage=Phase(world.circle.phase),
            joined=world.participant is not None,
        )
    )


@pytest.mark.parametrize("stage", list(Phase), ids=[phase.value for phase in Phase])
@pytest.mark.parametrize("person", list(Person), ids=[person.value for person in Person])
def test_every_act_is_allowed_exactly_when_the_policy_says(
    build: Callable[[Person, Phase], World], person: Person, stage: Phase
) -> None:
    world = build(person, stage)
    wrong = []
    for act in Act:
        world.fresh()
        expected = _expected(world, act)
        if _attempt(world, act) != expected:
            wrong.append(f"{act.value}: expected {'allowed' if expected else 'refused'}")
    assert not wrong, f"{person.value} in {stage.value}: " + "; ".join(wrong)


def test_the_matrix_covers_every_act() -> None:
    covered = set(SERVICE_ATTEMPTS) | set(VIEW_ATTEMPTS) | set(BOARD_MARKERS)
    assert covered == set(Act)
    assert set(policy.POLICY) == set(Act)


# --- spot checks on what the policy says ----------------------------------------------------


def test_an_ended_circle_is_read_only_for_everyone() -> None:
    readable = {Act.FACILITATE, Act.VIEW_SUMMARY, Act.DOWNLOAD_CSV, Act.SEE_ACTIONS}
    for person in Person:
        for act in set(Act) - readable:
            assert not policy.decide(act=act, people={person}, stage=Phase.ENDED), (person, act)


@pytest.mark.parametrize(
    ("act", "stages"),
    [
        (Act.POST_REFLECTION, {Phase.REFLECT}),
        (Act.EDIT_REFLECTION, {Phase.REFLECT}),
        (Act.WITHDRAW_REFLECTION, {Phase.REFLECT, Phase.GROUP}),
        (Act.GIVE_DOTS, {Phase.VOTE}),
        (Act.CHECK_OUT, {Phase.CLOSE}),
        (Act.ASK_PAUSE, {Phase.REFLECT, Phase.GROUP, Phase.VOTE, Phase.ACT, Phase.CLOSE}),
        (Act.DELETE_THEME, {Phase.REFLECT, Phase.GROUP}),
        (Act.GROUP, {Phase.REFLECT, Phase.GROUP}),
    ],
)
def test_the_steps_each_act_belongs_to(act: Act, stages: set[Phase]) -> None:
    person = Person.FACILITATOR
    allowed = {stage for stage in Phase if policy.decide(act=act, people={person}, stage=stage)}
    assert allowed == stages


def test_only_admins_and_facilitators_run_circles_and_observers_do_not_take_part() -> None:
    for person in Person:
        runs = bool(policy.decide(act=Act.MOVE_PHASE, people={person}, stage=Phase.REFLECT))
        assert runs == (person in (Person.ADMIN, Person.FACILITATOR))
        joins = bool(
            policy.decide(act=Act.JOIN, people={person}, stage=Phase.REFLECT, joined=False)
        )
        assert joins == (person != Person.OBSERVER)


def test_a_debrief_has_no_theme_or_vote_steps(
    make_circle: Callable[..., Circle], facilitator: Member
) -> None:
    debrief = make_circle(uses_themes=False, support_first=True)
    assert policy.steps_of(debrief) == (Phase.REFLECT, Phase.ACT, Phase.CLOSE, Phase.ENDED)
    with pytest.raises(services.CircleError, match="no themes or voting"):
        services.theme_create(circle=debrief, actor=facilitator, name="Nope")
    with pytest.raises(services.CircleError, match="later step"):
        services.circle_move_to(circle=debrief, actor=facilitator, phase=Phase.GROUP)
    services.circle_move_to(circle=debrief, actor=facilitator, phase=Phase.ACT)
    assert debrief.phase == Phase.ACT


def test_taking_part_waits_for_the_opening_time(
    make_circle: Callable[..., Circle], facilitator: Member
) -> None:
    now = timezone.now()
    later = make_circle(opens_at=now + timedelta(hours=1), closes_at=now + timedelta(hours=3))
    with pytest.raises(services.CircleError, match="not opened yet"):
        services.participant_join(circle=later, member=None, browser_key=GUEST_KEY)
    services.theme_create(circle=later, actor=facilitator, name="Prepared in advance")
