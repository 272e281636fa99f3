"""Guests who can't stuff or pad a circle: per-client limits, closing to new guests, a summary
that shows no counts while the circle is live, and create forms that create once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from village.circles import services
from village.circles.models import CheckIn, Circle, Participant, Phase, Reflection, Theme
from village.people.models import Member

POSTED_A_LOT = "You have posted a lot in a short time. Please wait a minute."


def _url(name: str, circle: Circle, **kwargs: str) -> str:
    return reverse(name, kwargs={"code": circle.join_code, **kwargs})


def _main(response: object) -> str:
    page = response.content.decode()  # type: ignore[attr-defined]
    return page[page.index('<header class="ds_page-header"') : page.index("</main>")]


def _fresh_guest(circle: Circle) -> tuple[Client, str]:
    """A guest who has just cleared their cookies, then joins again."""
    client = Client()
    response = client.post(_url("circles:join_circle", circle), {"agree": "on"}, follow=True)
    return client, response.content.decode()


def test_clearing_cookies_cannot_stuff_dots(circle: Circle, facilitator: Member) -> None:
    """Finding: clearing cookies gave one guest new dots (63 dots from one person)."""
    theme = services.theme_create(circle=circle, actor=facilitator, name="Staffing")
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.VOTE)
    refused = ""
    for _attempt in range(21):
        client, page = _fresh_guest(circle)
        if "Please wait a few minutes" in page:
            refused = page
            continue
        client.post(_url("circles:dots", circle), {f"theme_{theme.pk}": "3"})
    theme.refresh_from_db()
    assert "Many people have joined from here in a short time." in refused
    assert theme.dots <= 30
    assert Participant.objects.filter(circle=circle).count() <= 10


def test_clearing_cookies_cannot_stuff_check_ins(circle: Circle) -> None:
    """Finding: clearing cookies gave one guest new check-in answers."""
    for _attempt in range(15):
        client, _page = _fresh_guest(circle)
        client.post(_url("circles:checkin", circle, moment="arrive"), {"score": "1"})
    assert CheckIn.objects.filter(circle=circle).count() <= 10


def test_a_flood_of_posts_is_refused_and_the_text_kept(circle: Circle) -> None:
    """Finding: one guest posted 300 reflections in 10 seconds."""
    client, _page = _fresh_guest(circle)
    client.post(_url("circles:checkin", circle, moment="arrive"), {"score": "3"})
    prompt = circle.prompts.first().pk  # type: ignore[union-attr]
    statuses = []
    for number in range(30):
        response = client.post(
            _url("circles:reflect", circle), {"prompt": prompt, "text": f"Post number {number}"}
        )
        statuses.append(response.status_code)
    assert Reflection.objects.filter(circle=circle).count() == 10
    assert statuses[10] == 429
    page = response.content.decode()
    assert POSTED_A_LOT in page
    assert "Post number 29" in page


def test_a_guest_cannot_flood_pause_requests(circle: Circle) -> None:
    client, _page = _fresh_guest(circle)
    for _attempt in range(10):
        client.post(_url("circles:pause", circle))
    circle.refresh_from_db()
    assert circle.pause_requests == 3


def test_join_codes_cannot_be_guessed_quickly(circle: Circle) -> None:
    """Finding: join codes had no rate limit."""
    client = Client()
    for number in range(10):
        assert client.get(f"/circles/c/WRONG{number:03d}/").status_code == 404
    response = client.post(reverse("circles:join"), {"code": circle.join_code})
    assert response.status_code == 429
    assert "You have tried a lot of codes in a short time." in response.content.decode()
    assert client.get(_url("circles:room", circle)).status_code == 429


def test_limits_are_per_client_address(circle: Circle) -> None:
    for _attempt in range(10):
        Client(REMOTE_ADDR="192.0.2.1").get("/circles/c/WRONG000/")
    assert Client(REMOTE_ADDR="192.0.2.1").get(_url("circles:room", circle)).status_code == 429
    assert Client(REMOTE_ADDR="192.0.2.2").get(_url("circles:room", circle)).status_code == 200


def test_members_are_not_limited_by_their_office_address(
    circle: Circle, make_member: object
) -> None:
    """A partnership's members join once each, so many can join from one office."""
    for number in range(12):
        member = make_member("staff", name=f"m{number}")  # type: ignore[operator]
        client_for(member).post(_url("circles:join_circle", circle), {"agree": "on"})
    assert Participant.objects.filter(circle=circle, member__isnull=False).count() == 12


def test_facilitator_closes_the_circle_to_new_guests(circle: Circle, facilitator: Member) -> None:
    inside, _page = _fresh_guest(circle)
    manager = client_for(facilitator)
    page = manager.get(reverse("circles:facilitate", kwargs={"pk": circle.pk})).content.decode()
    assert "1 person has joined" in page
    manager.post(reverse("circles:guests", kwargs={"pk": circle.pk}), {"guests": "close"})
    _late, page = _fresh_guest(circle)
    assert "This circle is not taking new guests now." in page
    assert Participant.objects.filter(circle=circle).count() == 1
    prompt = circle.prompts.first().pk  # type: ignore[union-attr]
    inside.post(_url("circles:reflect", circle), {"prompt": prompt, "text": "Still here"})
    assert Reflection.objects.filter(circle=circle, text="Still here").exists()
    manager.post(reverse("circles:guests", kwargs={"pk": circle.pk}), {"guests": "open"})
    _late, page = _fresh_guest(circle)
    assert Participant.objects.filter(circle=circle).count() == 2


def test_only_facilitators_close_a_circle_to_guests(circle: Circle, make_member: object) -> None:
    staff = make_member("staff")  # type: ignore[operator]
    response = client_for(staff).post(
        reverse("circles:guests", kwargs={"pk": circle.pk}), {"guests": "close"}
    )
    assert response.status_code == 403
    circle.refresh_from_db()
    assert not circle.guests_closed


def test_live_summary_shows_no_counts_until_the_circle_ends(
    circle: Circle, facilitator: Member
) -> None:
    """Finding: a guest polling a live circle's summary watched mood and dot counts change."""
    theme = services.theme_create(circle=circle, actor=facilitator, name="Staffing")
    guests = [_fresh_guest(circle)[0] for _ in range(6)]
    for guest in guests:
        guest.post(_url("circles:checkin", circle, moment="arrive"), {"score": "2"})
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.VOTE)
    watcher = guests[0]
    summary_url = reverse("circles:summary", kwargs={"pk": circle.pk})
    csv_url = reverse("circles:summary_csv", kwargs={"pk": circle.pk})
    before = _main(watcher.get(summary_url))
    before_csv = watcher.get(csv_url).content.decode()
    guests[1].post(_url("circles:dots", circle), {f"theme_{theme.pk}": "2"})
    after = _main(watcher.get(summary_url))
    assert before == after
    assert watcher.get(csv_url).content.decode() == before_csv
    assert "The numbers appear here when the circle has ended" in after
    assert "people took part" not in after and "How people arrived" not in after
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.ENDED)
    ended = watcher.get(summary_url).content.decode()
    assert "6 people took part" in ended and "<td>2</td>" in ended


def test_repeated_submits_of_one_reflection_store_one(circle: Circle) -> None:
    """Finding: 10 simultaneous submits of one reflection stored 10 copies (the concurrent
    case is tests/test_once.py; here the same form is sent ten times through the view)."""
    client, _page = _fresh_guest(circle)
    client.post(_url("circles:checkin", circle, moment="arrive"), {"score": "3"})
    room = client.get(_url("circles:room", circle)).content.decode()
    form = room[room.index(_url("circles:reflect", circle)) :]
    token = form.split('name="form_token" value="')[1].split('"')[0]
    data = {"prompt": circle.prompts.first().pk, "text": "Said once", "form_token": token}  # type: ignore[union-attr]
    responses = [client.post(_url("circles:reflect", circle), data) for _ in range(10)]
    assert [r.status_code for r in responses] == [302] * 10
    assert Reflection.objects.filter(text="Said once").count() == 1
    again = client.post(_url("circles:reflect", circle), data, follow=True).content.decode()
    assert "This was already sent. It is saved once." in again
    assert Reflection.objects.filter(text="Said once").count() == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("circles:theme_create", {"name": "Once only"}),
        ("circles:action_create", {"text": "Once only", "due_on": "2030-01-01"}),
    ],
)
def test_facilitator_create_forms_create_once(
    circle: Circle, facilitator: Member, agency: object, name: str, data: dict[str, str]
) -> None:
    client = client_for(facilitator)
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.GROUP)
    page = client.get(reverse("circles:facilitate", kwargs={"pk": circle.pk})).content.decode()
    assert 'name="form_token"' in page
    posted = {**data, "owner_agency": str(agency.pk), "form_token": "t" * 22}  # type: ignore[attr-defined]
    for _attempt in range(3):
        client.post(reverse(name, kwargs={"pk": circle.pk}), posted)
    assert (
        Theme.objects.filter(name="Once only").count()
        + circle.actions.filter(text="Once only").count()
        == 1
    )


def test_circle_create_form_creates_once(facilitator: Member) -> None:
    client = client_for(facilitator)
    data = {
        "title": "Made once",
        "purpose": "To test.",
        "agreements": "One",
        "prompts": "How are you?",
        "opens_at": "2030-01-01T10:00",
        "closes_at": "2030-01-01T12:00",
        "dots_per_person": "3",
        "form_token": "c" * 22,
    }
    first = client.post(reverse("circles:create"), data)
    second = client.post(reverse("circles:create"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Circle.objects.filter(title="Made once").count() == 1


def test_client_addresses_are_never_stored_or_kept_in_the_cache(
    circle: Circle, settings: object
) -> None:
    """The limits count a keyed hash of the address in the cache; no table holds the address,
    and neither do the cache's keys or values."""
    from io import StringIO

    from django.core.cache import cache
    from django.core.management import call_command

    address = "203.0.113.77"
    client = Client(REMOTE_ADDR=address)
    client.post(_url("circles:join_circle", circle), {"agree": "on"})
    client.post(_url("circles:checkin", circle, moment="arrive"), {"score": "3"})
    prompt = circle.prompts.first().pk  # type: ignore[union-attr]
    client.post(_url("circles:reflect", circle), {"prompt": prompt, "text": "Counted, not kept"})
    client.get("/circles/c/WRONG000/")
    dump = StringIO()
    call_command("dumpdata", stdout=dump)
    assert address not in dump.getvalue()
    internal = cache._cache  # type: ignore[attr-defined]  # the local-memory cache's own dict
    assert any(key.startswith(":1:throttle:") for key in internal)
    assert not any(address in key or address.encode() in value for key, value in internal.items())
