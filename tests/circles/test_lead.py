"""A circle's lead (``Circle.led_by``): the member another app made it for (a learning space's
facilitator now) runs that circle without the facilitator role, and no other circle; a
guest, another member or another partnership's member gains nothing; the lead moves on only
while the circle is open."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from tests.conftest import client_for
from village.circles import policy, services
from village.circles.models import Circle, Phase
from village.circles.policy import Act, CircleError
from village.people.models import AuditEvent, Member, Partnership, Role

KEY = "k" * 43


@pytest.fixture
def lead(make_member: Callable[..., Member]) -> Member:
    return make_member(Role.STAFF, name="Lee")


@pytest.fixture
def led(make_circle: Callable[..., Circle], lead: Member) -> Circle:
    return make_circle(created_by=lead, led_by=lead)


def _group_one(circle: Circle, actor: Member) -> int:
    participant = services.participant_join(circle=circle, member=None, browser_key=KEY)
    reflection = services.reflection_create(
        circle=circle,
        participant=participant,
        prompt=circle.prompts.first(),
        text="The duty phone rings out.",
        browser_key=KEY,
    )
    theme = services.theme_create(circle=circle, actor=actor, name="Phones")
    return services.reflections_group(
        circle=circle, actor=actor, theme=theme, reflection_ids=[str(reflection.public_id)]
    )


def _facilitates(member: Member | None, circle: Circle) -> bool:
    return bool(
        policy.decide_for(
            act=Act.FACILITATE, circle=circle, people=policy.people_of(member=member, circle=circle)
        )
    )


def test_the_lead_facilitates_their_circle_without_the_role(led: Circle, lead: Member) -> None:
    assert not services.can_run_circles(member=lead, partnership=led.partnership)
    assert _facilitates(lead, led)
    assert _group_one(led, lead) == 1
    services.circle_move_to(circle=led, actor=lead, phase=Phase.VOTE)
    services.circle_move_to(circle=led, actor=lead, phase=Phase.ENDED)
    led.refresh_from_db()
    assert led.phase == Phase.ENDED


def test_the_lead_runs_no_other_circle(
    led: Circle, lead: Member, make_circle: Callable[..., Circle]
) -> None:
    other = make_circle()
    assert not _facilitates(lead, other)
    with pytest.raises(CircleError, match="Only the circle's facilitator"):
        services.circle_move_to(circle=other, actor=lead, phase=Phase.ENDED)
    with pytest.raises(CircleError, match="Only the circle's facilitator"):
        _group_one(other, lead)


def test_a_guest_or_another_member_gains_nothing(
    led: Circle, make_member: Callable[..., Member]
) -> None:
    colleague = make_member(Role.STAFF, name="Cal")
    assert not _facilitates(None, led)
    assert not _facilitates(colleague, led)
    with pytest.raises(CircleError, match="Only the circle's facilitator"):
        services.circle_move_to(circle=led, actor=colleague, phase=Phase.ENDED)


def test_another_partnerships_member_gains_nothing(
    led: Circle, make_member: Callable[..., Member], other_partnership: Partnership
) -> None:
    outsider = make_member(Role.STAFF, partnership=other_partnership, name="Oz")
    with pytest.raises(CircleError):
        services.circles_lead_hand_on(circles=[led], led_by=outsider, actor=outsider)
    led.refresh_from_db()
    assert led.led_by_id != outsider.pk
    led.led_by = outsider  # even if a row said so, the policy asks the partnership
    assert policy.people_of(member=outsider, circle=led) == {policy.Person.GUEST}
    with pytest.raises(CircleError):
        services.circle_move_to(circle=led, actor=outsider, phase=Phase.ENDED)


def test_the_lead_uses_the_facilitation_pages(
    led: Circle, lead: Member, make_member: Callable[..., Member]
) -> None:
    page = reverse("circles:facilitate", kwargs={"pk": led.pk})
    assert client_for(lead).get(page).status_code == 200
    client_for(lead).post(
        reverse("circles:move_phase", kwargs={"pk": led.pk}), {"phase": Phase.CLOSE}
    )
    led.refresh_from_db()
    assert led.phase == Phase.CLOSE
    assert client_for(make_member(Role.STAFF, name="Cal")).get(page).status_code == 403


def test_without_a_lead_only_a_facilitator_or_admin_creates(
    make_circle: Callable[..., Circle], lead: Member, make_member: Callable[..., Member]
) -> None:
    with pytest.raises(CircleError, match="facilitator or an admin"):
        make_circle(created_by=lead)
    with pytest.raises(CircleError, match="facilitator or an admin"):
        make_circle(created_by=lead, led_by=make_member(Role.FAMILY, name="Fay"))
    assert not Circle.objects.exists()
    assert make_circle(led_by=lead).led_by == lead, "a facilitator makes one for another"


def test_an_observer_or_an_outsider_cannot_be_made_lead(
    make_circle: Callable[..., Circle],
    make_member: Callable[..., Member],
    other_partnership: Partnership,
) -> None:
    observer = make_member(Role.OBSERVER, name="Obi")
    outsider = make_member(Role.STAFF, partnership=other_partnership, name="Oz")
    for who in (observer, outsider):
        with pytest.raises(CircleError, match="takes part"):
            make_circle(created_by=who, led_by=who)
    assert not Circle.objects.exists()


def test_the_lead_hands_on_only_while_the_circle_is_open(
    led: Circle,
    lead: Member,
    make_member: Callable[..., Member],
    make_circle: Callable[..., Circle],
) -> None:
    next_one = make_member(Role.FAMILY, name="Nia")
    ended = make_circle(created_by=lead, led_by=lead)
    services.circle_move_to(circle=ended, actor=lead, phase=Phase.ENDED)
    moved = services.circles_lead_hand_on(circles=[led, ended], led_by=next_one, actor=lead)
    assert moved == 1
    led.refresh_from_db()
    ended.refresh_from_db()
    assert led.led_by == next_one and ended.led_by == lead
    assert _facilitates(next_one, led) and not _facilitates(lead, led)
    assert AuditEvent.objects.filter(action="circle.lead", target_id=str(led.pk)).count() == 1
    services.circles_lead_hand_on(circles=[led], led_by=None, actor=next_one)
    led.refresh_from_db()
    assert led.led_by is None and not _facilitates(next_one, led)
