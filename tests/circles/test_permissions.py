"""Every circle and people view, for every role, a member of another partnership, a visitor
who is not signed in, and a guest who joined with the code: allowed or refused as expected."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import FORBIDDEN, LOGIN, MISSING, OK, access_outcome, client_for
from village.circles import services
from village.circles.models import Circle, Phase
from village.people.models import Agency, Member, Partnership, Role

VISITOR = "visitor"
OUTSIDER = "other-partnership admin"
GUEST = "guest"
VIEWERS = (*Role.values, OUTSIDER, VISITOR, GUEST)
RUNS_CIRCLES = {Role.ADMIN, Role.FACILITATOR}
ALL_MEMBERS = set(Role.values)


@pytest.fixture
def world(
    circle: Circle,
    make_member: Callable[..., Member],
    other_partnership: Partnership,
    agency: Agency,
    facilitator: Member,
) -> dict[str, object]:
    theme = services.theme_create(circle=circle, actor=facilitator, name="A theme")
    services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.GROUP)
    action = services.action_create(
        circle=circle,
        actor=facilitator,
        text="An action",
        owner_agency=agency,
        due_on=timezone.localdate(),
    )
    clients: dict[str, Client] = {}
    for role in Role.values:
        clients[role] = client_for(facilitator if role == Role.FACILITATOR else make_member(role))
    clients[OUTSIDER] = client_for(make_member(Role.ADMIN, partnership=other_partnership))
    clients[VISITOR] = Client()
    guest = Client()
    guest.post(reverse("circles:join_circle", kwargs={"code": circle.join_code}), {"agree": "on"})
    clients[GUEST] = guest
    return {"circle": circle, "theme": theme, "action": action, "clients": clients}


def _expected_for_facilitation(viewer: str) -> str:
    if viewer in RUNS_CIRCLES:
        return OK
    if viewer in ALL_MEMBERS:
        return FORBIDDEN
    if viewer in (VISITOR, GUEST):
        return LOGIN
    return MISSING


def _expected_for_summary(viewer: str) -> str:
    return OK if viewer in ALL_MEMBERS or viewer == GUEST else MISSING


def _expected_for_admin_pages(viewer: str) -> str:
    if viewer in (Role.ADMIN, OUTSIDER):
        return OK
    return LOGIN if viewer in (VISITOR, GUEST) else FORBIDDEN


def _expected_for_member_pages(viewer: str) -> str:
    return LOGIN if viewer in (VISITOR, GUEST) else OK


def _expected_for_creating(viewer: str) -> str:
    if viewer in RUNS_CIRCLES or viewer == OUTSIDER:
        return OK
    return LOGIN if viewer in (VISITOR, GUEST) else FORBIDDEN


def _expected_for_participants(viewer: str) -> str:
    return OK if viewer == GUEST else FORBIDDEN


CASES: list[tuple[str, str, str, dict[str, str], Callable[[str], str]]] = [
    ("get", "circles:list", "", {}, _expected_for_member_pages),
    ("get", "circles:create", "", {}, _expected_for_creating),
    ("get", "circles:facilitate", "pk", {}, _expected_for_facilitation),
    ("get", "circles:facilitate_live", "pk", {}, _expected_for_facilitation),
    ("get", "circles:end", "pk", {}, _expected_for_facilitation),
    ("post", "circles:move_phase", "pk", {"phase": "vote"}, _expected_for_facilitation),
    ("post", "circles:theme_create", "pk", {"name": "New"}, _expected_for_facilitation),
    ("post", "circles:theme_rename", "theme", {"name": "Renamed"}, _expected_for_facilitation),
    ("post", "circles:group", "pk", {"reflection": []}, _expected_for_facilitation),
    ("post", "circles:undo", "pk", {}, _expected_for_facilitation),
    ("post", "circles:theme_delete", "theme", {}, _expected_for_facilitation),
    ("post", "circles:action_create", "pk", {"text": ""}, _expected_for_facilitation),
    ("get", "circles:action_delete", "action", {}, _expected_for_facilitation),
    ("post", "circles:pauses_seen", "pk", {}, _expected_for_facilitation),
    ("get", "circles:summary", "pk", {}, _expected_for_summary),
    ("get", "circles:summary_csv", "pk", {}, _expected_for_summary),
    ("get", "circles:live", "code", {}, _expected_for_participants),
    ("post", "circles:pause", "code", {}, _expected_for_participants),
    ("post", "circles:dots", "code", {}, _expected_for_participants),
    ("get", "people:members", "", {}, _expected_for_admin_pages),
    ("get", "people:audit", "", {}, _expected_for_admin_pages),
    ("get", "people:support", "", {}, _expected_for_admin_pages),
]


def _url(name: str, kind: str, world: dict[str, object]) -> str:
    circle: Circle = world["circle"]  # type: ignore[assignment]
    kwargs: dict[str, object] = {
        "": {},
        "pk": {"pk": circle.pk},
        "code": {"code": circle.join_code},
        "theme": {"pk": circle.pk, "theme_pk": world["theme"].pk},  # type: ignore[attr-defined]
        "action": {"pk": circle.pk, "action_pk": world["action"].pk},  # type: ignore[attr-defined]
    }[kind]
    url = reverse(name, kwargs=kwargs)
    return url + ("?v=0&s=reflect" if name in ("circles:live", "circles:facilitate_live") else "")


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize(
    ("method", "name", "kind", "data", "expected"), CASES, ids=[c[1] for c in CASES]
)
def test_view_access(
    world: dict[str, object],
    viewer: str,
    method: str,
    name: str,
    kind: str,
    data: dict[str, str],
    expected: Callable[[str], str],
) -> None:
    client: Client = world["clients"][viewer]  # type: ignore[index]
    url = _url(name, kind, world)
    response = client.get(url) if method == "get" else client.post(url, data)
    assert access_outcome(response) == expected(viewer), f"{viewer} {method.upper()} {url}"


@pytest.mark.parametrize("viewer", VIEWERS)
def test_room_and_join_pages_are_open_to_everyone(world: dict[str, object], viewer: str) -> None:
    circle: Circle = world["circle"]  # type: ignore[assignment]
    client: Client = world["clients"][viewer]  # type: ignore[index]
    assert client.get(reverse("circles:room", kwargs={"code": circle.join_code})).status_code == 200
    assert client.get(reverse("circles:join")).status_code == 200


def test_other_partnership_never_sees_this_partnership(world: dict[str, object]) -> None:
    circle: Circle = world["circle"]  # type: ignore[assignment]
    outsider: Client = world["clients"][OUTSIDER]  # type: ignore[index]
    assert circle.title not in outsider.get(reverse("circles:list")).content.decode()
    members_page = outsider.get(reverse("people:members")).content.decode()
    assert "Fran" not in members_page


def test_hidden_job_titles_do_not_show_in_circles(world: dict[str, object]) -> None:
    circle: Circle = world["circle"]  # type: ignore[assignment]
    staff: Client = world["clients"][Role.STAFF]  # type: ignore[index]
    staff.post(reverse("circles:join_circle", kwargs={"code": circle.join_code}), {"agree": "on"})
    page = staff.get(reverse("circles:room", kwargs={"code": circle.join_code})).content.decode()
    assert "Senior Practitioner" not in page
    assert "Northshire Social Work" not in page


def test_facilitator_cannot_touch_another_circles_theme(
    world: dict[str, object], make_circle: Callable[..., Circle]
) -> None:
    other_circle = make_circle(title="Another")
    theme = world["theme"]
    facilitator: Client = world["clients"][Role.FACILITATOR]  # type: ignore[index]
    url = reverse("circles:theme_delete", kwargs={"pk": other_circle.pk, "theme_pk": theme.pk})  # type: ignore[attr-defined]
    assert facilitator.post(url).status_code == 404
