"""Check-ins for everyone they ask: staff are asked the work scales, families the questions
written for them, and a round's audience and its questionnaires must match.

Finding: families were asked "Is your work emotionally exhausting?" and about colleagues in
other agencies, because the default set went to every role and the email talked about
"wellbeing at work"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.pulse.conftest import full_answers
from village.engines.instruments import get_instrument, load_instruments
from village.people.models import Member, Role
from village.pulse import selectors, services
from village.pulse.models import Audience, AudienceSnapshot, Round

STAFF_SETS = {"cbi", "proqol5", "psychological_safety", "multiagency"}
WORK_WORDS = ("work", "colleague", "agencies", "agency", "job")


def test_every_question_set_says_who_it_is_for() -> None:
    audiences = {i.id: set(i.audiences) for i in load_instruments().values()}
    for instrument_id in STAFF_SETS:
        assert audiences[instrument_id] == {Audience.STAFF}, instrument_id
    assert audiences["family"] == {Audience.FAMILY}
    assert audiences["swemwbs"] == {Audience.STAFF, Audience.FAMILY}


def test_the_family_questions_are_short_plain_and_about_being_heard() -> None:
    family = get_instrument("family")
    assert not family.validated, "reported as the project's own questions"
    texts = [item.text for item in family.items]
    assert len(texts) <= 10
    assert all(len(text.split()) <= 14 for text in texts), texts
    joined = " ".join(texts).lower()
    for idea in ("listened to", "respect", "blamed", "who to contact"):
        assert idea in joined, idea
    words = (joined + " " + family.instructions.lower()).split()
    assert not [w for w in words if w.strip(".,?'") in WORK_WORDS], "nothing about work"


@pytest.fixture
def family_member(make_member: Callable[..., Member]) -> Member:
    return make_member(Role.FAMILY, name="Dawn")


def test_a_round_for_families_refuses_work_questionnaires_with_a_clear_message(
    make_round: Callable[..., Round], family_member: Member
) -> None:
    for work_set in ("cbi", "multiagency"):
        with pytest.raises(services.PulseError) as refused:
            make_round(intended_for=Audience.FAMILY, instruments=["family", work_set])
        message = str(refused.value)
        assert get_instrument(work_set).name in message
        assert "written for staff" in message
    assert not Round.objects.exists()


def test_a_round_for_staff_refuses_the_family_questions(make_round: Callable[..., Round]) -> None:
    with pytest.raises(services.PulseError, match="written for families"):
        make_round(intended_for=Audience.STAFF, instruments=["family"])


def test_a_round_for_families_asks_family_members_only(
    make_round: Callable[..., Round], make_member: Callable[..., Member], family_member: Member
) -> None:
    make_member(Role.STAFF, name="Sam")
    round_ = make_round(intended_for=Audience.FAMILY, instruments=["family"])
    asked = list(AudienceSnapshot.objects.filter(round=round_).values_list("member", flat=True))
    assert asked == [family_member.pk]
    with pytest.raises(services.PulseError, match="families asks family"):
        make_round(
            intended_for=Audience.FAMILY, instruments=["family"], audience_roles=[Role.STAFF]
        )


def test_a_round_for_staff_never_asks_family_members(
    make_round: Callable[..., Round], family_member: Member
) -> None:
    round_ = make_round()
    assert not AudienceSnapshot.objects.filter(round=round_, member=family_member).exists()
    with pytest.raises(services.PulseError, match="check-in for families"):
        make_round(audience_roles=[Role.FAMILY])
    page = client_for(family_member).get(reverse("pulse:start", args=[round_.round_code]))
    assert "for the people it was sent to" in page.content.decode()


def test_family_members_are_not_emailed_about_work(
    make_round: Callable[..., Round],
    family_member: Member,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        make_round(intended_for=Audience.FAMILY, instruments=["family"], comment_question="")
    (message,) = mail.outbox
    text = (message.subject + " " + message.body).lower()
    assert "at work" not in text and "colleague" not in text
    assert "you and your family" in text


def test_staff_are_emailed_about_wellbeing_at_work(
    make_round: Callable[..., Round], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        make_round()
    assert all("at work" in message.body for message in mail.outbox)


def test_the_schedule_page_for_families_offers_only_questions_written_for_them(
    lead: Member,
) -> None:
    client = client_for(lead)
    page = client.get(reverse("pulse:create") + "?for=family").content.decode()
    assert get_instrument("family").name in page
    assert get_instrument("cbi").name not in page
    assert "Roles to ask" not in page, "a family check-in asks family members"
    staff_page = client.get(reverse("pulse:create")).content.decode()
    assert get_instrument("cbi").name in staff_page
    assert get_instrument("family").name not in staff_page


def test_the_schedule_form_refuses_a_mismatch_sent_by_hand(lead: Member) -> None:
    now = timezone.localtime()
    page = client_for(lead).post(
        reverse("pulse:create"),
        {
            "intended_for": Audience.FAMILY,
            "title": "Families",
            "instruments": ["cbi"],
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert page.status_code == 200
    assert "Choose questions from the list" in page.content.decode()
    assert not Round.objects.exists()


def test_a_family_round_is_scheduled_from_the_form(lead: Member, family_member: Member) -> None:
    now = timezone.localtime()
    client_for(lead).post(
        reverse("pulse:create") + "?for=family",
        {
            "intended_for": Audience.FAMILY,
            "title": "How is support for your family?",
            "instruments": ["family"],
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "guests_allowed": "guests",
        },
    )
    round_ = Round.objects.get()
    assert round_.intended_for == Audience.FAMILY
    assert round_.instruments == ["family"]
    assert "work" not in round_.comment_question


def test_trends_keep_families_and_staff_apart(
    make_round: Callable[..., Round],
    make_member: Callable[..., Member],
    make_staff: Callable[..., list[Member]],
    lead: Member,
) -> None:
    """SWEMWBS suits both audiences, but a family average and a staff average are two
    different trends, never one line."""
    services.licence_confirm(
        partnership=lead.partnership, actor=make_member(Role.ADMIN), instrument_id="swemwbs"
    )
    staff = make_staff(5)
    families = [make_member(Role.FAMILY, name=f"Parent {i}") for i in range(5)]
    for audience, people, sets in (
        (Audience.STAFF, staff, ["swemwbs"]),
        (Audience.FAMILY, families, ["family", "swemwbs"]),
    ):
        round_ = make_round(title=f"For {audience}", intended_for=audience, instruments=sets)
        for index, member in enumerate(people):
            services.response_submit(
                round_=round_,
                member=member,
                browser_key=f"{audience}-{index}",
                answers=full_answers(sets),
            )
        services.round_close(round_=round_, actor=lead)
    trends = {
        t.name: [row.round.title for row in t.rows]
        for t in selectors.trends_for(partnership=lead.partnership)
    }
    swemwbs = {name: titles for name, titles in trends.items() if "SWEMWBS" in name}
    assert sorted(swemwbs.values()) == [["For family"], ["For staff"]]
    assert len(swemwbs) == 2, "two trends, named apart"
