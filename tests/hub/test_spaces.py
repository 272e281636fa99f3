"""Learning spaces: the policy for every person through the services, the facilitator rota
(who is next, passing on, leaving), circles started through the circles app, the library of
lessons linked to assumptions, the pages for every role, hostile words on every form, and
another partnership finding nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from tests.conftest import FORBIDDEN, MISSING, OK, access_outcome, client_for
from tests.hostile import HOSTILE, check
from tests.hub.conftest import People, build_theory
from village.circles import selectors as circle_selectors
from village.circles import services as circles
from village.hub import policy, selectors, services
from village.hub.models import LearningSpace, Lesson, Project, RotaPlace, SpaceCircle
from village.hub.policy import HubError, SpaceAct
from village.people.models import Member, Partnership, Role

EVERYONE = ("admin", "facilitator", "lead", "staff", "family", "partner_lead", "observer")
TAKING_PART = frozenset(EVERYONE) - {"observer"}


@pytest.fixture
def space(people: People) -> LearningSpace:
    return services.space_create(
        partnership=people.staff.partnership,
        actor=people.staff,
        topic="Talking with teenagers",
        about="What helps, what does not.",
    )


def _circle(space: LearningSpace, actor: Member) -> SpaceCircle:
    return services.space_circle_start(
        space=space,
        actor=actor,
        title="First circle",
        purpose="Share what works.",
        prompts=["What helped?", "What got in the way?"],
        days=7,
    )


# --- the policy ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", EVERYONE)
def test_anyone_taking_part_starts_a_space_and_facilitates_it_first(
    people: People, who: str
) -> None:
    actor = getattr(people, who)
    if who not in TAKING_PART:
        with pytest.raises(HubError):
            services.space_create(partnership=actor.partnership, actor=actor, topic="Sleep")
        assert not LearningSpace.objects.exists()
        return
    space = services.space_create(partnership=actor.partnership, actor=actor, topic="Sleep")
    assert space.facilitator == actor
    assert [place.member for place in selectors.rota_of(space=space)] == [actor]
    assert [turn.member for turn in selectors.turns_of(space=space)] == [actor]


@pytest.mark.parametrize("who", EVERYONE)
def test_joining_the_rota_is_for_anyone_taking_part(
    space: LearningSpace, people: People, who: str
) -> None:
    actor = getattr(people, who)
    if who == "staff":
        with pytest.raises(HubError, match="already on"):
            services.space_join(space=space, actor=actor)
    elif who in TAKING_PART:
        services.space_join(space=space, actor=actor)
        assert RotaPlace.objects.filter(space=space, member=actor).exists()
    else:
        with pytest.raises(HubError, match="Observers"):
            services.space_join(space=space, actor=actor)
        assert not RotaPlace.objects.filter(space=space, member=actor).exists()


@pytest.mark.parametrize("who", EVERYONE)
def test_passing_the_role_on_is_for_the_facilitator_now_or_a_role_holder(
    space: LearningSpace, people: People, who: str
) -> None:
    services.space_join(space=space, actor=people.family)
    actor = getattr(people, who)
    if who in {"staff", "admin", "facilitator"}:
        services.facilitator_pass_on(space=space, actor=actor)
        space.refresh_from_db()
        assert space.facilitator == people.family
    else:
        with pytest.raises(HubError):
            services.facilitator_pass_on(space=space, actor=actor)
        space.refresh_from_db()
        assert space.facilitator == people.staff


def test_someone_on_the_rota_but_not_facilitating_cannot_pass_the_role_on(
    space: LearningSpace, people: People
) -> None:
    services.space_join(space=space, actor=people.family)
    with pytest.raises(HubError, match="Only the member facilitating now"):
        services.facilitator_pass_on(space=space, actor=people.family)


def test_the_matrix_of_persons_and_acts_is_the_policy(space: LearningSpace, people: People) -> None:
    services.space_join(space=space, actor=people.family)
    expected = {
        "staff": {"read", "join", "leave", "pass_on", "start_circle"},
        "family": {"read", "join", "leave"},
        "admin": {"read", "join", "pass_on"},
        "facilitator": {"read", "join", "pass_on"},
        "lead": {"read", "join"},
        "partner_lead": {"read", "join"},
        "observer": {"read"},
    }
    for who, acts in expected.items():
        can = policy.space_abilities(space=space, member=getattr(people, who))
        assert {act for act, yes in can.items() if yes} == acts, who


# --- the rota -----------------------------------------------------------------------------


def test_the_role_goes_round_the_rota_in_turn(space: LearningSpace, people: People) -> None:
    services.space_join(space=space, actor=people.family)
    services.space_join(space=space, actor=people.lead)
    assert selectors.next_facilitator(space=space) == people.family
    services.facilitator_pass_on(space=space, actor=people.staff)
    assert space.facilitator == people.family
    assert selectors.next_facilitator(space=space) == people.lead
    services.facilitator_pass_on(space=space, actor=people.family)
    services.facilitator_pass_on(space=space, actor=people.lead)
    assert space.facilitator == people.staff
    turns = [turn.member for turn in selectors.turns_of(space=space)]
    assert turns == [people.staff, people.lead, people.family, people.staff]


def test_alone_on_the_rota_the_role_stays(space: LearningSpace, people: People) -> None:
    with pytest.raises(HubError, match="Nobody else"):
        services.facilitator_pass_on(space=space, actor=people.staff)


def test_the_facilitator_leaving_hands_the_role_on_and_a_joiner_takes_an_empty_role(
    space: LearningSpace, people: People
) -> None:
    services.space_join(space=space, actor=people.family)
    services.space_leave(space=space, actor=people.staff)
    assert space.facilitator == people.family
    services.space_leave(space=space, actor=people.family)
    assert space.facilitator is None
    assert not space.rota.exists()
    services.space_join(space=space, actor=people.lead)
    assert space.facilitator == people.lead


def test_only_someone_on_the_rota_can_leave_it(space: LearningSpace, people: People) -> None:
    with pytest.raises(HubError, match="not on this space"):
        services.space_leave(space=space, actor=people.family)


# --- circles ------------------------------------------------------------------------------


def test_the_facilitator_starts_a_circle_through_the_circles_app(
    people: People,
) -> None:
    space = services.space_create(
        partnership=people.facilitator.partnership, actor=people.facilitator, topic="Sleep"
    )
    link = _circle(space, people.facilitator)
    assert link.circle.led_by == people.facilitator
    assert circle_selectors.circle_by_code(code=link.circle.join_code) == link.circle
    assert link.circle.created_by == people.facilitator
    assert list(selectors.circles_of(space=space)) == [link]


def test_someone_not_facilitating_the_space_cannot_start_its_circle(
    space: LearningSpace, people: People
) -> None:
    for who in EVERYONE:
        if who == "staff":
            continue
        with pytest.raises(HubError, match="Only the member facilitating"):
            _circle(space, getattr(people, who))
    assert not SpaceCircle.objects.exists()


def test_whoever_facilitates_the_space_runs_its_circle_through_the_circles_pages(
    space: LearningSpace, people: People
) -> None:
    """Members take the role in turn: the staff member whose turn it is, without the
    facilitator role, starts the space's circle and runs its steps; when the role passes on,
    the next member runs it and the last one no longer does."""
    staff = client_for(people.staff)
    page = staff.get(reverse("hub:space", args=[space.pk])).content.decode()
    assert "Start the circle" in page and "Ask one of them" not in page
    staff.post(
        reverse("hub:space_circle", args=[space.pk]),
        {"title": "Night", "purpose": "Talk", "prompts": "What helps?", "days": "3"},
    )
    circle = SpaceCircle.objects.get(space=space).circle
    assert circle.led_by == people.staff
    facilitate = reverse("circles:facilitate", args=[circle.pk])
    assert facilitate in staff.get(reverse("hub:space", args=[space.pk])).content.decode()
    assert staff.get(facilitate).status_code == 200
    staff.post(reverse("circles:theme_create", args=[circle.pk]), {"name": "Sleep"})
    assert [theme.name for theme in circle.themes.all()] == ["Sleep"]
    staff.post(reverse("circles:move_phase", args=[circle.pk]), {"phase": "vote"})
    circle.refresh_from_db()
    assert circle.phase == "vote"
    family = client_for(people.family)
    assert family.get(facilitate).status_code == 403
    assert facilitate not in family.get(reverse("hub:space", args=[space.pk])).content.decode()

    services.space_join(space=space, actor=people.family)
    staff.post(reverse("hub:space_pass_on", args=[space.pk]))
    circle.refresh_from_db()
    assert circle.led_by == people.family
    assert staff.get(facilitate).status_code == 403
    assert family.get(facilitate).status_code == 200
    family.post(reverse("circles:move_phase", args=[circle.pk]), {"phase": "ended"})
    circle.refresh_from_db()
    assert circle.phase == "ended"


def test_an_ended_circle_keeps_who_led_it_when_the_role_passes(
    space: LearningSpace, people: People
) -> None:
    link = _circle(space, people.staff)
    services.space_join(space=space, actor=people.family)
    circles.circle_move_to(circle=link.circle, actor=people.staff, phase="ended")
    services.facilitator_pass_on(space=space, actor=people.staff)
    link.circle.refresh_from_db()
    assert link.circle.led_by == people.staff
    fresh = _circle(space, people.family)
    services.space_leave(space=space, actor=people.family)
    fresh.circle.refresh_from_db()
    assert fresh.circle.led_by == people.staff, "the role, and the open circle, went back"


@pytest.mark.parametrize("days", [0, -1, 61])
def test_a_circle_stays_open_for_a_sensible_time(people: People, days: int) -> None:
    space = services.space_create(
        partnership=people.admin.partnership, actor=people.admin, topic="Sleep"
    )
    with pytest.raises(HubError, match="1 to 60 days"):
        services.space_circle_start(
            space=space, actor=people.admin, title="T", purpose="P", prompts=["Q"], days=days
        )


# --- the library --------------------------------------------------------------------------


def test_a_lesson_links_the_assumptions_it_tested(
    project: Project, space: LearningSpace, people: People
) -> None:
    built = build_theory(project, people.lead)
    lesson = services.lesson_add(
        project=project,
        actor=people.lead,
        title="Trust comes first",
        text="Families spoke when the convenor was someone they knew.",
        assumptions=[built.assumption],
        space=space,
    )
    assert list(lesson.assumptions.all()) == [built.assumption]
    assert list(selectors.lessons_in(space=space)) == [lesson]
    assert list(selectors.library_for(partnership=project.partnership)) == [lesson]


def test_a_lesson_links_only_its_own_projects_assumptions(
    project: Project, people: People, agency: object
) -> None:
    built = build_theory(project, people.lead)
    other = services.project_create(
        partnership=project.partnership,
        actor=people.staff,
        title="Other",
        kind="new",
        started_on=project.started_on,
        agencies=list(project.agencies.all()),
    )
    for wrong in (built.outcome, built.activity):
        with pytest.raises(HubError, match="assumptions from this project"):
            services.lesson_add(
                project=project, actor=people.lead, title="T", text="W", assumptions=[wrong]
            )
    with pytest.raises(HubError, match="assumptions from this project"):
        services.lesson_add(
            project=other, actor=people.staff, title="T", text="W", assumptions=[built.assumption]
        )
    assert not Lesson.objects.exists()


@pytest.mark.parametrize("who", EVERYONE)
def test_a_projects_leads_facilitators_and_admins_share_its_lessons_even_when_finished(
    project: Project, people: People, who: str
) -> None:
    project.gate_reached = 18
    project.save(update_fields=["gate_reached"])
    actor = getattr(people, who)
    if who in {"lead", "facilitator", "admin"}:
        services.lesson_add(project=project, actor=actor, title="T", text="What we learned.")
        assert Lesson.objects.count() == 1
    else:
        with pytest.raises(HubError, match="Only the project's leads"):
            services.lesson_add(project=project, actor=actor, title="T", text="W")
        assert not Lesson.objects.exists()


@pytest.mark.parametrize(
    ("title", "text"), [("", "W"), ("T", " "), ("T" * 201, "W"), ("T", "W" * 5001)]
)
def test_a_lesson_needs_words_that_fit(
    project: Project, people: People, title: str, text: str
) -> None:
    with pytest.raises(HubError):
        services.lesson_add(project=project, actor=people.lead, title=title, text=text)


# --- other partnerships -------------------------------------------------------------------


def test_another_partnership_finds_nothing(
    project: Project,
    space: LearningSpace,
    people: People,
    other_partnership: Partnership,
    make_member: Callable[..., Member],
) -> None:
    services.lesson_add(project=project, actor=people.lead, title="Ours", text="Only ours.")
    stranger = make_member(Role.ADMIN, partnership=other_partnership, name="Stranger")
    for act in SpaceAct:
        assert not policy.space_decide(
            act=act, people=policy.space_people_of(member=stranger, space=space)
        )
    with pytest.raises(HubError):
        services.space_join(space=space, actor=stranger)
    with pytest.raises(HubError):
        services.facilitator_pass_on(space=space, actor=stranger)
    with pytest.raises(HubError):
        services.lesson_add(project=project, actor=stranger, title="T", text="W")
    theirs = services.space_create(partnership=other_partnership, actor=stranger, topic="Theirs")
    with pytest.raises(HubError, match="learning space from this partnership"):
        services.lesson_add(project=project, actor=people.lead, title="T", text="W", space=theirs)
    client = client_for(stranger)
    for url in (
        reverse("hub:space", args=[space.pk]),
        reverse("hub:lesson_add", args=[project.pk]),
    ):
        assert access_outcome(client.get(url)) == MISSING
    for name in ("space_join", "space_leave", "space_pass_on", "space_circle"):
        assert access_outcome(client.post(reverse(f"hub:{name}", args=[space.pk]))) == MISSING
    for url in (reverse("hub:spaces"), reverse("hub:library")):
        page = client.get(url).content.decode()
        assert "Talking with teenagers" not in page
        assert "Only ours." not in page
    assert list(selectors.library_for(partnership=other_partnership)) == []


# --- pages --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", EVERYONE)
def test_every_member_reads_the_spaces_and_the_library(
    project: Project, space: LearningSpace, people: People, who: str
) -> None:
    services.lesson_add(project=project, actor=people.lead, title="Ours", text="Kept simple.")
    client = client_for(getattr(people, who))
    for url in (
        reverse("hub:spaces"),
        reverse("hub:space", args=[space.pk]),
        reverse("hub:library"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Kept simple." in client.get(reverse("hub:library")).content.decode()
    page = client.get(reverse("hub:space", args=[space.pk])).content.decode()
    assert "Facilitating now: Sam" in page
    assert ("Pass the role on" in page) == (who in {"staff", "admin", "facilitator"})
    assert ("Join the rota" in page) == (who in TAKING_PART - {"staff"})


@pytest.mark.parametrize("who", EVERYONE)
def test_the_lesson_page_is_for_those_who_share_lessons(
    project: Project, people: People, who: str
) -> None:
    response = client_for(getattr(people, who)).get(reverse("hub:lesson_add", args=[project.pk]))
    assert access_outcome(response) == (
        OK if who in {"lead", "admin", "facilitator"} else FORBIDDEN
    )


def test_observers_cannot_post_a_new_space(people: People) -> None:
    response = client_for(people.observer).post(reverse("hub:spaces"), {"topic": "Sleep"})
    assert access_outcome(response) == FORBIDDEN
    assert not LearningSpace.objects.exists()


def test_the_rota_by_its_buttons(space: LearningSpace, people: People) -> None:
    family = client_for(people.family)
    family.post(reverse("hub:space_join", args=[space.pk]))
    client_for(people.staff).post(reverse("hub:space_pass_on", args=[space.pk]))
    space.refresh_from_db()
    assert space.facilitator == people.family
    page = family.get(reverse("hub:space", args=[space.pk])).content.decode()
    assert "Facilitating now: Fay" in page
    assert "Next on the rota: Sam" in page
    response = family.post(reverse("hub:space_leave", args=[space.pk]), follow=True)
    assert "You are off the rota." in response.content.decode()
    space.refresh_from_db()
    assert space.facilitator == people.staff
    refused = client_for(people.lead).post(
        reverse("hub:space_pass_on", args=[space.pk]), follow=True
    )
    assert "Only the member facilitating now" in refused.content.decode()


def test_no_get_writes_on_the_buttons(space: LearningSpace, people: People) -> None:
    client = client_for(people.family)
    for name in ("space_join", "space_leave", "space_pass_on", "space_circle"):
        assert client.get(reverse(f"hub:{name}", args=[space.pk])).status_code == 405
    assert RotaPlace.objects.filter(space=space).count() == 1


def test_a_circle_by_its_form(people: People) -> None:
    client = client_for(people.facilitator)
    client.post(reverse("hub:spaces"), {"topic": "Sleep"})
    space = LearningSpace.objects.get()
    assert "Start the circle" in client.get(reverse("hub:space", args=[space.pk])).content.decode()
    response = client.post(
        reverse("hub:space_circle", args=[space.pk]),
        {"title": "Night", "purpose": "Talk", "prompts": "What helps?\n\nWhat not?", "days": "3"},
        follow=True,
    )
    assert "The circle is started." in response.content.decode()
    circle = SpaceCircle.objects.get(space=space).circle
    assert [prompt.text for prompt in circle.prompts.all()] == ["What helps?", "What not?"]


def test_a_lesson_by_its_form(project: Project, space: LearningSpace, people: People) -> None:
    built = build_theory(project, people.lead)
    response = client_for(people.lead).post(
        reverse("hub:lesson_add", args=[project.pk]),
        {
            "title": "Trust first",
            "text": "It took time.",
            "assumptions": [str(built.assumption.pk)],
            "space": str(space.pk),
        },
        follow=True,
    )
    assert "The lesson is in the library." in response.content.decode()
    lesson = Lesson.objects.get()
    assert list(lesson.assumptions.all()) == [built.assumption]
    assert lesson.space == space
    page = client_for(people.observer).get(reverse("hub:space", args=[space.pk])).content.decode()
    assert "Trust first" in page
    assert "Families trust the convenor" in page


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_words_on_every_form(project: Project, people: People, name: str) -> None:
    value = HOSTILE[name]
    build_theory(project, people.lead)
    facilitator = client_for(people.facilitator)
    check(facilitator.post(reverse("hub:spaces"), {"topic": value, "about": value}), value)
    space = services.space_create(
        partnership=project.partnership, actor=people.facilitator, topic="Safe"
    )
    check(
        facilitator.post(
            reverse("hub:space_circle", args=[space.pk]),
            {"title": value, "purpose": value, "prompts": value, "days": value},
        ),
        value,
    )
    check(
        facilitator.post(
            reverse("hub:lesson_add", args=[project.pk]),
            {"title": value, "text": value, "assumptions": value, "space": value},
        ),
        value,
    )
    for page in (
        reverse("hub:spaces"),
        reverse("hub:library"),
        reverse("hub:space", args=[space.pk]),
    ):
        check(facilitator.get(page), value)
    for lesson in Lesson.objects.all():
        assert "\x00" not in lesson.text
    for kept in LearningSpace.objects.all():
        assert len(kept.topic) <= 150
