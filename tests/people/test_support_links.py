"""Admins set the signposting that every circle's support panel shows."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from village.circles.models import Circle
from village.people.models import AuditEvent, Member, Role, SupportLink


def _form(links: list[dict[str, str]], *, total: int | None = None) -> dict[str, str]:
    data = {
        "links-TOTAL_FORMS": str(total if total is not None else len(links)),
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "20",
    }
    for index, link in enumerate(links):
        data |= {f"links-{index}-{field}": value for field, value in link.items()}
    return data


def test_new_partnership_starts_with_default_signposting(circle: Circle) -> None:
    names = list(
        SupportLink.objects.filter(partnership=circle.partnership).values_list("name", flat=True)
    )
    assert names == ["Breathing Space", "Samaritans", "If a child may be at risk"]
    client = Client()
    client.post(reverse("circles:join_circle", kwargs={"code": circle.join_code}), {"agree": "on"})
    page = client.get(reverse("circles:room", kwargs={"code": circle.join_code})).content.decode()
    assert "Breathing Space" in page and "child protection procedures" in page


def test_admin_replaces_the_links_and_circles_show_them(
    circle: Circle, make_member: Callable[..., Member]
) -> None:
    admin = make_member(Role.ADMIN, name="Ada")
    response = client_for(admin).post(
        reverse("people:support"),
        _form(
            [
                {
                    "name": "Staff care line",
                    "description": "Talk to someone in confidence.",
                    "contact": "0800 000 000",
                },
                {
                    "name": "Samaritans",
                    "description": "Day or night.",
                    "url": "https://www.samaritans.org",
                },
            ]
        ),
    )
    assert response.status_code == 302
    assert list(
        SupportLink.objects.filter(partnership=admin.partnership).values_list("name", flat=True)
    ) == ["Staff care line", "Samaritans"]
    assert AuditEvent.objects.filter(action="support_links.replace", actor=admin).exists()


def test_bad_links_are_refused_and_nothing_is_lost(make_member: Callable[..., Member]) -> None:
    admin = make_member(Role.ADMIN, name="Ada")
    before = list(
        SupportLink.objects.filter(partnership=admin.partnership).values_list("name", flat=True)
    )
    page = (
        client_for(admin)
        .post(
            reverse("people:support"),
            _form(
                [{"name": "<script>x</script>", "description": "", "url": "javascript:alert(1)"}]
            ),
        )
        .content.decode()
    )
    assert "There is a problem" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    after = list(
        SupportLink.objects.filter(partnership=admin.partnership).values_list("name", flat=True)
    )
    assert after == before
