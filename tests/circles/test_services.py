"""Circle services: the journey through every phase, and the rules each step enforces."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from village.circles import selectors, services
from village.circles.models import Circle, Moment, Participant, Phase, Reflection, Theme
from village.circles.starters import REGULAR
from village.people import join_codes
from village.people.models import Agency, Member

KEY_A = "a" * 43
KEY_B = "b" * 43


def test_circle_starts_with_defaults_and_a_join_code(circle: Circle) -> None:
    assert circle.phase == Phase.REFLECT
    assert len(circle.join_code) == join_codes.LENGTH
    assert [p.text for p in circle.prompts.all()] == [str(p) for p in REGULAR.prompts]
    assert circle.agreements[1] == "No names of children or families."


def test_join_code_is_found_whatever_the_case_or_spacing(circle: Circle) -> None:
    messy = " " + circle.join_code[:4].lower() + "-" + circle.join_code[4:] + " "
    assert selectors.circle_by_code(code=messy) == circle
    assert selectors.circle_by_code(code="") is None


def test_closing_before_opening_is_refused(make_circle: Callable[..., Circle]) -> None:
    now = timezone.now()
    with pytest.raises(services.CircleError, match="after the opening"):
        make_circle(opens_at=now, closes_at=now - timedelta(hours=1))


def test_guest_joins_once_per_browser(circle: Circle) -> None:
    first = services.participant_join(circle=circle, member=None, browser_key=KEY_A)
    again = services.participant_join(circle=circle, member=None, browser_key=KEY_A)
    other = services.participant_join(circle=circle, member=None, browser_key=KEY_B)
    assert first.pk == again.pk != other.pk
    assert first.member is None and first.browser_hash and KEY_A not in first.browser_hash


def test_member_of_another_partnership_joins_as_a_guest(
    circle: Circle, make_member: Callable[..., Member], other_partnership: object
) -> None:
    outsider = make_member("staff", partnership=other_partnership)
    participant = services.participant_join(circle=circle, member=outsider, browser_key=KEY_A)
    assert participant.member is None


def test_closed_and_unopened_circles_refuse_joining(make_circle: Callable[..., Circle]) -> None:
    now = timezone.now()
    later = make_circle(opens_at=now + timedelta(hours=1), closes_at=now + timedelta(hours=2))
    with pytest.raises(services.CircleError, match="not opened yet"):
        services.participant_join(circle=later, member=None, browser_key=KEY_A)
    over = make_circle(opens_at=now - timedelta(hours=2), closes_at=now + timedelta(hours=1))
    Circle.objects.filter(pk=over.pk).update(closes_at=now - timedelta(hours=1))
    over.refresh_from_db()
    with pytest.raises(services.CircleError, match="closed"):
        services.participant_join(circle=over, member=None, browser_key=KEY_A)


def test_a_circle_whose_window_has_passed_cannot_be_created(
    make_circle: Callable[..., Circle],
) -> None:
    """Finding: a circle whose window had passed could be created."""
    now = timezone.now()
    with pytest.raises(services.CircleError, match="The closing time has passed"):
        make_circle(opens_at=now - timedelta(hours=3), closes_at=now - timedelta(hours=1))
    assert not Circle.objects.exists()


def test_check_in_once_and_out_once(circle: Circle, facilitator: Member) -> None:
    participant = services.participant_join(circle=circle, member=None, browser_key=KEY_A)
    services.checkin_record(circle=circle, participant=participant, moment=Moment.ARRIVE, score=3)
    with pytest.raises(services.CircleError, match="already"):
        services.checkin_record(
            circle=circle, participant=participant, moment=Moment.ARRIVE, score=4
        )
    with pytest.raises(services.CircleError, match="end of the circle"):
        services.checkin_record(
            circle=circle, participant=participant, moment=Moment.LEAVE, score=4
        )
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.CLOSE)
    with pytest.raises(services.CircleError, match="1 to 5"):
        services.checkin_record(
            circle=circle, participant=participant, moment=Moment.LEAVE, score=9
        )
    services.checkin_record(circle=circle, participant=participant, moment=Moment.LEAVE, score=5)
    with pytest.raises(services.CircleError, match="already"):
        services.checkin_record(
            circle=circle, participant=participant, moment=Moment.LEAVE, score=4
        )
    assert circle.checkins.count() == 0, "alone, both answers wait in the mix"
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.ENDED)
    assert circle.checkins.count() == 2 and circle.pending.count() == 0
    participant.refresh_from_db()
    assert participant.checked_in and participant.checked_out


def test_only_the_author_browser_can_edit_or_withdraw(circle: Circle) -> None:
    participant = services.participant_join(circle=circle, member=None, browser_key=KEY_A)
    prompt = circle.prompts.first()
    reflection = services.reflection_create(
        circle=circle, participant=participant, prompt=prompt, text="First words", browser_key=KEY_A
    )
    with pytest.raises(services.CircleError, match="Only the person"):
        services.reflection_update(
            reflection=reflection, participant=participant, browser_key=KEY_B, text="Hijacked"
        )
    with pytest.raises(services.CircleError, match="Only the person"):
        services.reflection_withdraw(
            reflection=reflection, participant=participant, browser_key=KEY_B
        )
    services.reflection_update(
        reflection=reflection, participant=participant, browser_key=KEY_A, text="Better words"
    )
    reflection.refresh_from_db()
    assert reflection.text == "Better words"
    row = selectors.reflection_rows(circle=circle)[0]
    for key, expected in ((KEY_A, True), (KEY_B, False)):
        assert (
            selectors.is_own(reflection_id=row.id, secret_hash=row.secret_hash, browser_key=key)
            is expected
        )
    services.reflection_withdraw(reflection=reflection, participant=participant, browser_key=KEY_A)
    assert not Reflection.objects.filter(pk=reflection.pk).exists()


def test_reflections_only_while_reflecting(circle: Circle, facilitator: Member) -> None:
    participant = services.participant_join(circle=circle, member=None, browser_key=KEY_A)
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.GROUP)
    with pytest.raises(services.CircleError, match="closed for now"):
        services.reflection_create(
            circle=circle,
            participant=participant,
            prompt=circle.prompts.first(),
            text="Late thought",
            browser_key=KEY_A,
        )


def test_phases_move_forward_and_can_skip(circle: Circle, facilitator: Member) -> None:
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.ACT)
    assert circle.phase == Phase.ACT
    with pytest.raises(services.CircleError, match="later step"):
        services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.GROUP)
    with pytest.raises(services.CircleError):
        services.circle_move_to(circle=circle, actor=facilitator, phase="nonsense")


def test_every_change_bumps_the_live_version(circle: Circle, facilitator: Member) -> None:
    participant = services.participant_join(circle=circle, member=None, browser_key=KEY_A)
    services.reflection_create(
        circle=circle,
        participant=participant,
        prompt=circle.prompts.first(),
        text="x",
        browser_key=KEY_A,
    )
    services.pause_request(circle=circle, participant=participant)
    circle.refresh_from_db()
    assert circle.version == 3 and circle.pause_requests == 1, "joined, posted, paused"


def test_themes_dots_and_actions(circle: Circle, facilitator: Member, agency: Agency) -> None:
    guests = [
        services.participant_join(circle=circle, member=None, browser_key=key)
        for key in (KEY_A, KEY_B)
    ]
    reflection = services.reflection_create(
        circle=circle,
        participant=guests[0],
        prompt=circle.prompts.first(),
        text="Shared contact list",
        browser_key=KEY_A,
    )
    theme = services.theme_create(
        circle=circle,
        actor=facilitator,
        name="Who to call",
        reflection_ids=[str(reflection.public_id)],
    )
    second = services.reflection_create(
        circle=circle,
        participant=guests[1],
        prompt=circle.prompts.first(),
        text="Protected time",
        browser_key=KEY_B,
    )
    other = services.theme_create(
        circle=circle, actor=facilitator, name="Time", reflection_ids=[str(second.public_id)]
    )
    empty = services.theme_create(circle=circle, actor=facilitator, name="Nothing in it")
    with pytest.raises(services.CircleError, match="Voting is not open"):
        services.dots_cast(circle=circle, participant=guests[0], allocation={theme.pk: 1})
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.VOTE)
    services.dots_cast(circle=circle, participant=guests[0], allocation={theme.pk: 2, other.pk: 1})
    with pytest.raises(services.CircleError, match="0 dots left"):
        services.dots_cast(circle=circle, participant=guests[0], allocation={theme.pk: 1})
    with pytest.raises(services.CircleError, match="negative"):
        services.dots_cast(circle=circle, participant=guests[1], allocation={theme.pk: -1})
    with pytest.raises(services.CircleError, match="that have reflections in them"):
        services.dots_cast(circle=circle, participant=guests[1], allocation={empty.pk: 1})
    services.dots_cast(circle=circle, participant=guests[1], allocation={theme.pk: 3})
    theme.refresh_from_db()
    assert theme.dots == 0, "two people's dots wait in the mix: too few to count apart"
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.ACT)
    theme.refresh_from_db()
    assert theme.dots == 5
    assert [p.dots_used for p in Participant.objects.order_by("pk")] == [3, 3]
    action = services.action_create(
        circle=circle,
        actor=facilitator,
        text="Publish a duty list",
        owner_agency=agency,
        due_on=timezone.localdate(),
        theme=theme,
    )
    summary = selectors.circle_summary(circle=circle)
    assert [t.name for t in summary.themes] == ["Who to call", "Time"], (
        "the empty theme is left out"
    )
    assert summary.actions == [action]
    with pytest.raises(services.CircleError, match="reflect and themes steps"):
        services.theme_delete(theme=theme, actor=facilitator)
    assert Theme.objects.filter(pk=theme.pk).exists()


def test_action_owner_must_be_in_the_partnership(
    circle: Circle, facilitator: Member, other_partnership: object
) -> None:
    from village.people.services import agency_create

    foreign = agency_create(partnership=other_partnership, name="Elsewhere", sector="health")  # type: ignore[arg-type]
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.ACT)
    with pytest.raises(services.CircleError, match="this partnership"):
        services.action_create(
            circle=circle,
            actor=facilitator,
            text="x",
            owner_agency=foreign,
            due_on=timezone.localdate(),
        )


def test_mood_spread_hidden_below_the_minimum(circle: Circle, facilitator: Member) -> None:
    for index in range(4):
        participant = services.participant_join(
            circle=circle, member=None, browser_key=f"{index}" * 43
        )
        services.checkin_record(
            circle=circle, participant=participant, moment=Moment.ARRIVE, score=2
        )
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.ENDED)
    summary = selectors.circle_summary(circle=circle)
    assert summary.arriving.answered == 4 and summary.arriving.counts is None
    later = make_circle_with_five_arrivals(circle, facilitator)
    summary = selectors.circle_summary(circle=later)
    assert summary.arriving.counts == (0, 4, 0, 0, 1)


def make_circle_with_five_arrivals(circle: Circle, facilitator: Member) -> Circle:
    later = services.circle_create(
        partnership=circle.partnership,
        created_by=facilitator,
        title="Later",
        purpose="Again.",
        agreements=[],
        prompts=["How?"],
        opens_at=circle.opens_at,
        closes_at=circle.closes_at,
    )
    for index, score in enumerate((2, 2, 2, 2, 5)):
        participant = services.participant_join(circle=later, member=None, browser_key=f"{index}")
        services.checkin_record(
            circle=later, participant=participant, moment=Moment.ARRIVE, score=score
        )
    services.circle_move_to(circle=later, actor=facilitator, phase=Phase.ENDED)
    return later


def test_live_list_shows_change_links_only_to_the_author(circle: Circle) -> None:
    from village.circles.live import PARTICIPANT, board

    participant = services.participant_join(circle=circle, member=None, browser_key=KEY_A)
    reflection = services.reflection_create(
        circle=circle,
        participant=participant,
        prompt=circle.prompts.first(),
        text="Shared words",
        browser_key=KEY_A,
    )
    circle.refresh_from_db()
    author_view = board(circle=circle, variant=PARTICIPANT, browser_key=KEY_A)
    other_view = board(circle=circle, variant=PARTICIPANT, browser_key=KEY_B)
    assert "Shared words" in author_view and "Shared words" in other_view
    assert f"r/{reflection.public_id}/edit/" in author_view
    assert "edit/" not in other_view and str(reflection.public_id) not in other_view
    services.reflection_update(
        reflection=reflection, participant=participant, browser_key=KEY_A, text="Changed words"
    )
    circle.refresh_from_db()
    assert "Changed words" in board(circle=circle, variant=PARTICIPANT, browser_key=KEY_B)


def test_reflections_move_between_themes_and_back(circle: Circle, facilitator: Member) -> None:
    participant = services.participant_join(circle=circle, member=None, browser_key=KEY_A)
    first = services.reflection_create(
        circle=circle,
        participant=participant,
        prompt=circle.prompts.first(),
        text="One",
        browser_key=KEY_A,
    )
    theme = services.theme_create(circle=circle, actor=facilitator, name="Theme")
    moved = services.reflections_group(
        circle=circle, actor=facilitator, theme=theme, reflection_ids=[str(first.public_id)]
    )
    first.refresh_from_db()
    assert moved == 1 and first.theme == theme
    services.reflections_group(
        circle=circle, actor=facilitator, theme=None, reflection_ids=[str(first.public_id)]
    )
    first.refresh_from_db()
    assert first.theme is None


def test_reflections_cannot_move_into_another_circles_theme(
    circle: Circle, facilitator: Member, make_circle: Callable[..., Circle]
) -> None:
    elsewhere = services.theme_create(circle=make_circle(), actor=facilitator, name="Elsewhere")
    with pytest.raises(services.CircleError, match="this circle's themes"):
        services.reflections_group(
            circle=circle, actor=facilitator, theme=elsewhere, reflection_ids=[]
        )
