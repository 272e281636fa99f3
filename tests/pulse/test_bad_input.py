"""Bad input gets a clear, kind message and loses nothing the person already gave."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tests.pulse.conftest import answer_all_but_last, full_answers, step_post
from village.people.models import Member, Role
from village.pulse import services
from village.pulse.models import Draft, Response, Round


def _step(client: Client, round_: Round, step: int, data: dict[str, str]) -> str:
    url = reverse("pulse:answer", kwargs={"code": round_.round_code, "step": step})
    return client.post(url, data).content.decode()


def test_missing_answers_are_named_and_chosen_answers_kept(
    make_round: Callable[..., Round],
) -> None:
    round_ = make_round()
    page = _step(Client(), round_, 1, {"item_1": "4", "item_2": "2", "next": "1"})
    assert "There is a problem" in page
    assert "Choose an answer for question 3." in page
    assert "Choose an answer for question 1." not in page
    assert re.search(r'name="item_1"[^>]*value="4"[^>]*checked', page)
    assert not re.search(r'name="item_1"[^>]*value="3"[^>]*checked', page)
    assert Response.objects.count() == 0


def test_empty_page_lists_every_question_on_it(make_round: Callable[..., Round]) -> None:
    page = _step(Client(), make_round(), 1, {"next": "1"})
    assert page.count("Choose an answer for question") >= 7
    assert "Choose an answer for question 7." in page


@pytest.mark.parametrize("value", ["0", "6", "-1", "999", "three", "<b>"])
def test_out_of_range_answers_are_refused_plainly(
    make_round: Callable[..., Round], value: str
) -> None:
    data = step_post("cbi") | {"item_5": value}
    page = _step(Client(), make_round(), 1, data)
    assert "Choose one of the answers shown for question 5." in page


def test_out_of_range_answers_never_reach_a_draft(make_round: Callable[..., Round]) -> None:
    round_ = make_round()
    _step(Client(), round_, 1, {"item_1": "9", "item_2": "3", "save": "1"})
    assert Draft.objects.get().answers == {"cbi": {"2": 3}}
    with pytest.raises(services.PulseError, match="answer every question"):
        services.response_submit(
            round_=round_,
            member=None,
            browser_key="x",
            answers={"cbi": {"1": 7}, "multiagency": {"1": 1}},
        )


def test_a_huge_comment_is_refused_and_kept_for_editing(make_round: Callable[..., Round]) -> None:
    round_ = make_round()
    client = Client()
    last = answer_all_but_last(client, round_)
    huge = "words" * 2000
    page = _step(client, round_, last, {"comment": huge, "next": "1"})
    assert "Please keep your comment to 2,000 characters. This has 10,000." in page
    assert huge.strip()[:200] in page
    assert Response.objects.count() == 0
    assert Draft.objects.get().answers.keys() == {"cbi", "multiagency"}
    saved = _step(client, round_, last, {"comment": huge, "save": "1"})
    assert "Please keep your comment" in saved


def test_identifying_details_in_a_comment_warn_first_and_keep_it(
    make_round: Callable[..., Round],
) -> None:
    round_ = make_round()
    client = Client()
    last = answer_all_but_last(client, round_)
    comment = "Mrs Patel on 07700 900123 was let down again"
    page = _step(client, round_, last, {"comment": comment, "next": "1"})
    assert "Check before you post" in page and "a phone number" in page
    assert comment in page
    assert Response.objects.count() == 0
    sent = _step(client, round_, last, {"comment": comment, "confirmed": "True", "next": "1"})
    assert "Check before you post" not in sent
    services.round_close(round_=round_, actor=None)
    assert Response.objects.get().comment == comment


def test_html_and_script_are_stored_as_text_and_shown_escaped(
    make_round: Callable[..., Round], lead: Member
) -> None:
    round_ = make_round()
    script = "<script>alert('x')</script><b>bold</b>"
    for i in range(10):
        services.response_submit(
            round_=round_,
            member=None,
            browser_key=f"g{i}",
            answers=full_answers(round_.instruments),
            comment=f"{script} {i}",
        )
    services.round_close(round_=round_, actor=lead)
    assert Response.objects.filter(comment__startswith="<script>").count() == 10
    page = client_for(lead).get(reverse("pulse:report", kwargs={"pk": round_.pk})).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<script>alert(" not in page


def test_wrong_round_code_says_so(make_round: Callable[..., Round]) -> None:
    make_round()
    client = Client()
    page = client.post(reverse("circles:join"), {"code": "NOPE-1234"}).content.decode()
    assert "We could not find a circle, a check-in or a conversation with that code" in page
    assert "NOPE-1234" in page
    assert client.post(reverse("circles:join"), {"code": ""}).status_code == 200
    assert client.get(reverse("pulse:start", kwargs={"code": "ZZZZZZZZ"})).status_code == 404


def test_round_code_is_forgiving_about_case_and_spaces(make_round: Callable[..., Round]) -> None:
    round_ = make_round()
    code = round_.round_code.lower()
    response = Client().post(reverse("circles:join"), {"code": f" {code[:4]} {code[4:]} "})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/pulse/r/{round_.round_code}/")


def test_closed_round_says_so_and_keeps_nothing(
    make_round: Callable[..., Round], lead: Member
) -> None:
    round_ = make_round()
    client = Client()
    _step(client, round_, 1, {"item_1": "2", "save": "1"})
    services.round_close(round_=round_, actor=lead)
    page = _step(client, round_, 2, step_post("cbi"))
    assert "This check-in has closed" in page
    start = client.get(reverse("pulse:start", kwargs={"code": round_.round_code}))
    assert "This check-in has closed" in start.content.decode()
    assert Response.objects.count() == 0
    assert Draft.objects.count() == 0, "drafts are deleted when the round closes"


def test_swemwbs_without_a_licence_is_refused_on_the_form(
    lead: Member, make_member: Callable[..., Member]
) -> None:
    page = client_for(lead).post(
        reverse("pulse:create"),
        {
            "title": "Wellbeing",
            "instruments": ["swemwbs"],
            "opens_at": "2030-01-01T09:00",
            "closes_at": "2030-01-08T09:00",
        },
    )
    content = page.content.decode()
    assert "SWEMWBS needs your partnership&#x27;s own licence" in content
    assert 'value="Wellbeing"' in content, "what was typed is kept"
    assert Round.objects.count() == 0


def test_schedule_form_explains_missing_and_backwards_fields(lead: Member) -> None:
    content = (
        client_for(lead)
        .post(
            reverse("pulse:create"),
            {"title": "", "opens_at": "2030-01-08T09:00", "closes_at": "2030-01-01T09:00"},
        )
        .content.decode()
    )
    assert "Choose at least one questionnaire." in content
    assert "The closing time must be after the opening time." in content


def test_staff_cannot_schedule_and_members_of_no_audience_cannot_answer(
    make_member: Callable[..., Member], make_round: Callable[..., Round]
) -> None:
    round_ = make_round(audience_roles=[Role.PARTNER_LEAD])
    staff = make_member(Role.STAFF, name="Sam")
    assert client_for(staff).get(reverse("pulse:create")).status_code == 403
    with pytest.raises(services.PulseError, match="sent to when it opened"):
        services.response_submit(
            round_=round_, member=staff, browser_key="s", answers=full_answers(round_.instruments)
        )
