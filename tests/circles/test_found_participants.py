"""What was found for participants, support and the summary, each tried through the views."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for, guest_in
from village.circles import services
from village.circles.models import Circle, Phase, Reflection
from village.people.models import Agency, Member

CHILD_PROTECTION = "Follow your child protection procedures now."


def _reflect(client: Client, circle: Circle, text: str, **extra: str) -> str:
    response = client.post(
        reverse("circles:reflect", kwargs={"code": circle.join_code}),
        {"prompt": circle.prompts.first().pk, "text": text, **extra},  # type: ignore[union-attr]
        follow=True,
    )
    return response.content.decode()


def test_editing_is_checked_for_identifying_details_like_posting(circle: Circle) -> None:
    """Finding: the warning about naming people was skipped entirely on edit."""
    client = guest_in(circle)
    _reflect(client, circle, "Too many meetings this week")
    reflection = Reflection.objects.get()
    url = reverse(
        "circles:reflection_edit",
        kwargs={"code": circle.join_code, "reflection_id": reflection.public_id},
    )
    page = client.post(url, {"text": "Liam's mum was in tears"}).content.decode()
    assert "Check before you post" in page and "a person&#x27;s name" in page
    assert "Liam&#x27;s mum was in tears" in page, "the words stay in the box"
    assert Reflection.objects.get().text == "Too many meetings this week"
    client.post(url, {"text": "Liam's mum was in tears", "confirmed": "True"})
    assert Reflection.objects.get().text == "Liam's mum was in tears"


def test_the_identifying_warning_looks_like_a_warning(circle: Circle) -> None:
    """Finding: the warning looked like a green success panel."""
    page = _reflect(guest_in(circle), circle, "Talked to Sarah after the visit")
    warning = page[page.index('id="identifying-warning"') - 200 :][:400]
    assert "ds_warning-text" in warning and "ds_notification-panel" not in warning
    assert not Reflection.objects.exists()


def test_support_shows_on_the_agreements_page_before_joining(circle: Circle) -> None:
    """Finding: the support panel appeared only after joining."""
    page = Client().get(reverse("circles:room", kwargs={"code": circle.join_code}))
    html = page.content.decode()
    assert "Our agreements" in html and 'id="circle-support"' in html
    assert "Breathing Space" in html and CHILD_PROTECTION in html
    assert "I need a pause" not in html, "asking for a pause needs someone to have joined"


def test_a_debrief_shows_support_first(make_circle: Callable[..., Circle]) -> None:
    debrief = make_circle(uses_themes=False, support_first=True)
    html = Client().get(reverse("circles:room", kwargs={"code": debrief.join_code})).content
    page = html.decode()
    assert page.index('id="circle-support"') < page.index("Our agreements")


def test_text_being_written_survives_a_step_change(circle: Circle, facilitator: Member) -> None:
    """Finding: the page reloaded itself (HX-Refresh) when the facilitator moved on, wiping a
    half-written reflection. Now the poll swaps only the parts that change, and the panel
    that replaces the reflection box has a place for the unsent words."""
    client = guest_in(circle)
    room = client.get(reverse("circles:room", kwargs={"code": circle.join_code})).content
    assert b"js-reflect-form" in room
    circle.refresh_from_db()
    seen = circle.version
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.GROUP)
    response = client.get(
        reverse("circles:live", kwargs={"code": circle.join_code}), {"v": seen, "s": "reflect"}
    )
    assert "HX-Refresh" not in response
    html = response.content.decode()
    assert 'id="circle-now" class="village-now" hx-swap-oob="true"' in html
    assert "js-kept-words" in html and "Your words were not posted" in html
    assert 'aria-current="step"' in html


def test_the_summary_prints_and_its_csv_is_complete(
    circle: Circle, facilitator: Member, agency: Agency
) -> None:
    """Finding: no print button; the CSV left out the title, date, arrival and leaving
    figures and reflection counts."""
    guests = [guest_in(circle) for _ in range(5)]
    _reflect(guests[0], circle, "Shared duty list please")
    services.theme_create(
        circle=circle,
        actor=facilitator,
        name="Who to call",
        reflection_ids=[str(Reflection.objects.get().public_id)],
    )
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.CLOSE)
    for guest in guests[:2]:
        guest.post(
            reverse("circles:checkin", kwargs={"code": circle.join_code, "moment": "leave"}),
            {"score": "4"},
        )
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.ENDED)
    client = client_for(facilitator)
    page = client.get(reverse("circles:summary", kwargs={"pk": circle.pk})).content.decode()
    assert "js-print" in page and "Print this summary" in page
    response = client.get(reverse("circles:summary_csv", kwargs={"pk": circle.pk}))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["kind", "name", "count", "reflections", "owning agency", "due"]
    assert ["circle", "Test circle", "", "", "", ""] in rows
    assert ["date", circle.opens_at.date().isoformat(), "", "", "", ""] in rows
    assert ["people who took part", "", "5", "", "", ""] in rows
    assert ["reflections", "", "1", "", "", ""] in rows
    assert ["theme", "Who to call", "0", "1", "", ""] in rows
    assert ["arriving", "people who answered", "5", "", "", ""] in rows
    assert ["arriving", "score 3", "5", "", "", ""] in rows, "five answered: the spread shows"
    assert ["leaving", "people who answered", "2", "", "", ""] in rows
    assert not any(row[0] == "leaving" and row[1].startswith("score") for row in rows), (
        "two answered: too few, so the spread is left out as on the page"
    )


def test_past_due_dates_and_duplicate_actions_are_refused(
    circle: Circle, facilitator: Member, agency: Agency
) -> None:
    """Finding: actions accepted a due date in 2020, and duplicates."""
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.ACT)
    client = client_for(facilitator)
    url = reverse("circles:action_create", kwargs={"pk": circle.pk})
    data = {"text": "Publish a duty list", "owner_agency": agency.pk}
    page = client.post(url, {**data, "due_on": "2020-01-01"}).content.decode()
    assert "The due date has passed. Choose today or a later date." in page
    assert "Publish a duty list" in page, "what was typed is kept"
    later = (timezone.localdate() + timedelta(days=14)).isoformat()
    client.post(url, {**data, "due_on": later})
    page = client.post(
        url, {**data, "text": "  publish a DUTY list. ", "due_on": later}
    ).content.decode()
    assert "This action is already on the list." in page
    assert circle.actions.count() == 1
