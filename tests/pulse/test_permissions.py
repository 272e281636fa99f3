"""Every pulse view, for every role, an admin of another partnership, a visitor who is not
signed in, and a guest with the round code: allowed or refused as expected."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import FORBIDDEN, LOGIN, MISSING, OK, access_outcome, client_for
from tests.pulse.conftest import full_answers
from village.people.models import Member, Partnership, Role
from village.pulse import services
from village.pulse.models import Round

VISITOR = "visitor"
OUTSIDER = "other-partnership admin"
GUEST = "guest"
VIEWERS = (*Role.values, OUTSIDER, VISITOR, GUEST)
MANAGERS = {Role.ADMIN, Role.PARTNER_LEAD}
ALL_MEMBERS = set(Role.values)


@pytest.fixture
def world(
    make_round: Callable[..., Round],
    make_member: Callable[..., Member],
    other_partnership: Partnership,
    lead: Member,
) -> dict[str, object]:
    clients: dict[str, Client] = {}
    for role in Role.values:
        clients[role] = client_for(lead if role == Role.PARTNER_LEAD else make_member(role))
    clients[OUTSIDER] = client_for(make_member(Role.ADMIN, partnership=other_partnership))
    clients[VISITOR] = Client()
    clients[GUEST] = Client()
    open_round = make_round(title="Open")
    closed = make_round(title="Closed")
    for i in range(5):
        services.response_submit(
            round_=closed,
            member=None,
            browser_key=f"g{i}",
            answers=full_answers(closed.instruments),
        )
    services.round_close(round_=closed, actor=lead)
    clients[GUEST].get(reverse("pulse:start", kwargs={"code": open_round.round_code}))
    return {"open": open_round, "closed": closed, "clients": clients}


def _for_managers(viewer: str) -> str:
    if viewer in MANAGERS:
        return OK
    if viewer in ALL_MEMBERS:
        return FORBIDDEN
    return LOGIN if viewer in (VISITOR, GUEST) else MISSING


def _for_any_manager(viewer: str) -> str:
    """Pages about no one round: managers anywhere, including another partnership's admin."""
    if viewer in MANAGERS or viewer == OUTSIDER:
        return OK
    return LOGIN if viewer in (VISITOR, GUEST) else FORBIDDEN


def _for_admins(viewer: str) -> str:
    if viewer in (Role.ADMIN, OUTSIDER):
        return OK
    return LOGIN if viewer in (VISITOR, GUEST) else FORBIDDEN


def _for_members(viewer: str) -> str:
    return LOGIN if viewer in (VISITOR, GUEST) else OK


def _for_everyone(viewer: str) -> str:
    return OK


CASES: list[tuple[str, str, str, Callable[[str], str]]] = [
    ("get", "pulse:list", "", _for_members),
    ("get", "pulse:create", "", _for_any_manager),
    ("get", "pulse:trends", "", _for_any_manager),
    ("get", "pulse:licences", "", _for_admins),
    ("get", "pulse:manage", "open", _for_managers),
    ("post", "pulse:close", "open", _for_managers),
    ("get", "pulse:report", "closed", _for_managers),
    ("get", "pulse:report_print", "closed", _for_managers),
    ("get", "pulse:report_csv", "closed", _for_managers),
    ("get", "pulse:report", "open", _for_managers),
    ("get", "pulse:join", "", _for_everyone),
    ("get", "pulse:start", "code", _for_everyone),
    ("get", "pulse:answer", "step", _for_everyone),
]


def _url(name: str, kind: str, world: dict[str, object]) -> str:
    open_round: Round = world["open"]  # type: ignore[assignment]
    closed: Round = world["closed"]  # type: ignore[assignment]
    kwargs: dict[str, object] = {
        "": {},
        "open": {"pk": open_round.pk},
        "closed": {"pk": closed.pk},
        "code": {"code": open_round.round_code},
        "step": {"code": open_round.round_code, "step": 1},
    }[kind]
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize(
    ("method", "name", "kind", "expected"), CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES]
)
def test_view_access(
    world: dict[str, object],
    viewer: str,
    method: str,
    name: str,
    kind: str,
    expected: Callable[[str], str],
) -> None:
    client: Client = world["clients"][viewer]  # type: ignore[index]
    url = _url(name, kind, world)
    response = client.get(url) if method == "get" else client.post(url)
    assert access_outcome(response) == expected(viewer), f"{viewer} {method.upper()} {url}"


def test_only_managers_of_this_partnership_see_its_rounds(world: dict[str, object]) -> None:
    clients: dict[str, Client] = world["clients"]  # type: ignore[assignment]
    assert "Closed" in clients[Role.ADMIN].get(reverse("pulse:list")).content.decode()
    assert "Closed" not in clients[Role.STAFF].get(reverse("pulse:list")).content.decode()
    assert "Closed" not in clients[OUTSIDER].get(reverse("pulse:list")).content.decode()
    assert "Closed" not in clients[OUTSIDER].get(reverse("pulse:trends")).content.decode()


def test_staff_are_shown_the_round_they_were_asked_to_answer(world: dict[str, object]) -> None:
    clients: dict[str, Client] = world["clients"]  # type: ignore[assignment]
    page = clients[Role.STAFF].get(reverse("pulse:list")).content.decode()
    open_round: Round = world["open"]  # type: ignore[assignment]
    assert open_round.round_code in page


def test_member_not_in_the_audience_is_told_kindly(
    world: dict[str, object], make_member: Callable[..., Member]
) -> None:
    newcomer = client_for(make_member(Role.STAFF, name="New"))
    open_round: Round = world["open"]  # type: ignore[assignment]
    page = newcomer.get(reverse("pulse:start", kwargs={"code": open_round.round_code}))
    assert "for the people it was sent to" in page.content.decode()
