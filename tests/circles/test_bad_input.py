"""Bad input gets a clear message and loses nothing already written."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from village.circles import services
from village.circles.models import Circle, Phase, Reflection
from village.people.models import Agency, Member


def _joined_guest(circle: Circle) -> Client:
    client = Client()
    client.post(reverse("circles:join_circle", kwargs={"code": circle.join_code}), {"agree": "on"})
    client.post(
        reverse("circles:checkin", kwargs={"code": circle.join_code, "moment": "arrive"}),
        {"score": "3"},
    )
    return client


def _reflect(client: Client, circle: Circle, text: str, **extra: str) -> object:
    return client.post(
        reverse("circles:reflect", kwargs={"code": circle.join_code}),
        {"prompt": circle.prompts.first().pk, "text": text, **extra},
    )


def test_empty_reflection_is_refused_clearly(circle: Circle) -> None:
    response = _reflect(_joined_guest(circle), circle, "   ")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "This field is required" in response.content.decode()  # type: ignore[attr-defined]
    assert not Reflection.objects.exists()


def test_ten_thousand_characters_are_refused_and_kept_in_the_box(circle: Circle) -> None:
    long_text = "word " * 2000
    response = _reflect(_joined_guest(circle), circle, long_text)
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "Please keep it to 2,000 characters. This has 9,999." in page
    assert long_text.strip() in page
    assert not Reflection.objects.exists()


def test_html_and_script_are_stored_as_text_and_shown_escaped(circle: Circle) -> None:
    client = _joined_guest(circle)
    hostile = (
        "<script>alert('x')</script><img src=x onerror=alert(1)> '; DROP TABLE circles_circle;--"
    )
    assert _reflect(client, circle, hostile).status_code == 302  # type: ignore[attr-defined]
    assert Reflection.objects.get().text == hostile
    page = client.get(reverse("circles:room", kwargs={"code": circle.join_code})).content.decode()
    assert "<script>alert('x')</script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert Circle.objects.filter(pk=circle.pk).exists()


def test_identifying_details_warn_first_and_keep_the_text(circle: Circle) -> None:
    client = _joined_guest(circle)
    text = "Ring me on 07700 900123 about Mrs Smith"
    first = _reflect(client, circle, text)
    page = first.content.decode()  # type: ignore[attr-defined]
    assert "Check before you post" in page and "a phone number" in page
    assert "a person&#x27;s name" in page
    assert text in page and "07700" not in page.split("Check before you post")[1].split("</ul>")[0]
    assert not Reflection.objects.exists()
    second = _reflect(client, circle, text, confirmed="True")
    assert second.status_code == 302  # type: ignore[attr-defined]
    assert Reflection.objects.get().text == text


def test_wrong_join_code_says_so(db: None) -> None:
    response = Client().post(reverse("circles:join"), {"code": "NOPE-0000"})
    assert (
        "We could not find a circle, a check-in or a conversation with that code"
        in response.content.decode()
    )
    assert Client().get("/circles/c/NOPE0000/").status_code == 404


@pytest.mark.parametrize("code", ["", "x" * 5000, "' OR 1=1 --", "<b>code</b>", "\u202e\u0000"])
def test_hostile_join_codes_get_a_clear_answer(db: None, code: str) -> None:
    response = Client().post(reverse("circles:join"), {"code": code})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "<b>code</b>" not in page


def test_posting_to_a_closed_circle_keeps_the_words(circle: Circle, facilitator: Member) -> None:
    client = _joined_guest(circle)
    Circle.objects.filter(pk=circle.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    response = _reflect(client, circle, "My last thought before it closed")
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "This circle has closed." in page
    assert "My last thought before it closed" in page
    assert not Reflection.objects.exists()


def test_posting_after_reflect_phase_keeps_the_words(circle: Circle, facilitator: Member) -> None:
    client = _joined_guest(circle)
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.VOTE)
    page = _reflect(client, circle, "Something I forgot").content.decode()  # type: ignore[attr-defined]
    assert "Reflections are closed for now" in page and "Something I forgot" in page


def test_edit_with_empty_text_keeps_the_original(circle: Circle) -> None:
    client = _joined_guest(circle)
    _reflect(client, circle, "Original words")
    reflection = Reflection.objects.get()
    url = reverse(
        "circles:reflection_edit",
        kwargs={"code": circle.join_code, "reflection_id": reflection.public_id},
    )
    response = client.post(url, {"text": ""})
    assert "Write something, or withdraw it." in response.content.decode()
    reflection.refresh_from_db()
    assert reflection.text == "Original words"


def test_withdraw_asks_first(circle: Circle) -> None:
    client = _joined_guest(circle)
    _reflect(client, circle, "Maybe not")
    reflection = Reflection.objects.get()
    url = reverse(
        "circles:reflection_withdraw",
        kwargs={"code": circle.join_code, "reflection_id": reflection.public_id},
    )
    assert "Withdraw your reflection?" in client.get(url).content.decode()
    assert Reflection.objects.exists()
    client.post(url)
    assert not Reflection.objects.exists()


def test_create_circle_form_errors_keep_what_was_typed(facilitator: Member) -> None:
    client = client_for(facilitator)
    response = client.post(
        reverse("circles:create"),
        {
            "title": "Kept title",
            "purpose": "",
            "agreements": "One\nTwo",
            "prompts": "",
            "opens_at": "2026-12-01T10:00",
            "closes_at": "2026-12-01T09:00",
            "dots_per_person": "99",
            "uses_themes": "on",
        },
    )
    page = response.content.decode()
    assert "Kept title" in page
    assert "Say in a sentence why the circle is meeting." in page
    assert "Add at least one prompt: a question people reflect on." in page
    assert "The closing time must be after the opening time." in page
    assert "Give each person at most 10 dots." in page
    assert not Circle.objects.filter(title="Kept title").exists()


def test_dots_over_the_allowance_are_refused(circle: Circle, facilitator: Member) -> None:
    client = _joined_guest(circle)
    _reflect(client, circle, "Something to vote on")
    theme = services.theme_create(
        circle=circle,
        actor=facilitator,
        name="Theme",
        reflection_ids=[str(Reflection.objects.get().public_id)],
    )
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.VOTE)
    url = reverse("circles:dots", kwargs={"code": circle.join_code})
    for bad in ("4", "-1", "abc", ""):
        page = client.post(url, {f"theme_{theme.pk}": bad}).content.decode()
        assert "There is a problem" in page
    theme.refresh_from_db()
    assert theme.dots == 0


def test_csv_export_neutralises_formulas(
    circle: Circle, facilitator: Member, agency: Agency
) -> None:
    _reflect(_joined_guest(circle), circle, "A reflection to hold the theme")
    services.theme_create(
        circle=circle,
        actor=facilitator,
        name='=HYPERLINK("http://evil")',
        reflection_ids=[str(Reflection.objects.get().public_id)],
    )
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.GROUP)
    for text in ("+SUM(A1:A9)", "-2+3", "@cmd", "\tTabbed", "Plain action"):
        services.action_create(
            circle=circle,
            actor=facilitator,
            text=text,
            owner_agency=agency,
            due_on=timezone.localdate(),
        )
    response = client_for(facilitator).get(reverse("circles:summary_csv", kwargs={"pk": circle.pk}))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    cells = [cell for row in rows[1:] for cell in row[1:2]]
    assert '\'=HYPERLINK("http://evil")' in cells
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t")), cell
    assert "Plain action" in cells


def test_invalid_moment_and_score_are_refused(circle: Circle, facilitator: Member) -> None:
    client = _joined_guest(circle)
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.CLOSE)
    bad_moment = reverse("circles:checkin", kwargs={"code": circle.join_code, "moment": "sideways"})
    assert client.post(bad_moment, {"score": "3"}).status_code == 404
    leave = reverse("circles:checkin", kwargs={"code": circle.join_code, "moment": "leave"})
    assert "There is a problem" in client.post(leave, {"score": "7"}).content.decode()
