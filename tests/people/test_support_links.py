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
        "links-INITIAL_FORMS": str(sum(1 for link in links if link.get("id"))),
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
    assert SupportLink.objects.get(partnership=circle.partnership, is_reminder=True).name == (
        "If a child may be at risk"
    )
    client = Client()
    client.post(reverse("circles:join_circle", kwargs={"code": circle.join_code}), {"agree": "on"})
    page = client.get(reverse("circles:room", kwargs={"code": circle.join_code})).content.decode()
    assert "Breathing Space" in page and "child protection procedures" in page


def test_admin_replaces_the_links_and_circles_show_them(
    circle: Circle, make_member: Callable[..., Member]
) -> None:
    admin = make_member(Role.ADMIN, name="Ada")
    reminder = SupportLink.objects.get(partnership=admin.partnership, is_reminder=True)
    response = client_for(admin).post(
        reverse("people:support"),
        _form(
            [
                {
                    "id": str(reminder.pk),
                    "name": "If a child may be at risk",
                    "description": "Call the duty team now.",
                },
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
    ) == ["If a child may be at risk", "Staff care line", "Samaritans"]
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


def _current(admin: Member) -> list[dict[str, str]]:
    return [
        {
            "id": str(link.pk),
            "name": link.name,
            "description": link.description,
            "contact": link.contact,
            "url": link.url,
        }
        for link in SupportLink.objects.filter(partnership=admin.partnership)
    ]


def test_the_child_protection_reminder_cannot_be_removed(
    circle: Circle, make_member: Callable[..., Member]
) -> None:
    """Finding: an admin could delete the reminder, and it vanished from every circle."""
    admin = make_member(Role.ADMIN, name="Ada")
    client = client_for(admin)
    links = _current(admin)
    reminder_index = next(i for i, link in enumerate(links) if link["name"].startswith("If a"))
    page = client.get(reverse("people:support")).content.decode()
    assert f'name="links-{reminder_index}-DELETE"' not in page
    assert 'name="links-0-DELETE"' in page
    # Ticking a Delete box it does not have, or leaving it out of the list, is refused.
    ticked = _form(links) | {f"links-{reminder_index}-DELETE": "on"}
    client.post(reverse("people:support"), ticked)
    without = [link for i, link in enumerate(links) if i != reminder_index]
    page = client.post(reverse("people:support"), _form(without)).content.decode()
    assert "The child protection reminder must stay" in page
    assert SupportLink.objects.filter(partnership=admin.partnership, is_reminder=True).count() == 1
    room = Client().get(reverse("circles:room", kwargs={"code": circle.join_code})).content
    assert b"child protection procedures" in room


def test_the_reminder_can_be_reworded(make_member: Callable[..., Member]) -> None:
    admin = make_member(Role.ADMIN, name="Ada")
    links = _current(admin)
    for link in links:
        if link["name"].startswith("If a"):
            link["description"] = "Tell your safeguarding lead today. Circles are not for reports."
    client_for(admin).post(reverse("people:support"), _form(links))
    reminder = SupportLink.objects.get(partnership=admin.partnership, is_reminder=True)
    assert reminder.description.startswith("Tell your safeguarding lead today.")


def test_links_move_up_and_down_keeping_unsaved_changes(
    circle: Circle, make_member: Callable[..., Member]
) -> None:
    """Finding: links could not be reordered."""
    admin = make_member(Role.ADMIN, name="Ada")
    client = client_for(admin)
    links = _current(admin)
    links[1]["description"] = "Day or night, any reason."
    response = client.post(reverse("people:support"), _form(links) | {"move": "up-1"}, follow=True)
    assert "“Samaritans” moved up." in response.content.decode()
    names = list(
        SupportLink.objects.filter(partnership=admin.partnership).values_list("name", flat=True)
    )
    assert names == ["Samaritans", "Breathing Space", "If a child may be at risk"]
    assert SupportLink.objects.get(name="Samaritans").description == "Day or night, any reason."
    client.post(reverse("people:support"), _form(_current(admin)) | {"move": "down-1"})
    names = list(
        SupportLink.objects.filter(partnership=admin.partnership).values_list("name", flat=True)
    )
    assert names == ["Samaritans", "If a child may be at risk", "Breathing Space"]
    room = Client().get(reverse("circles:room", kwargs={"code": circle.join_code})).content
    page = room.decode()
    assert page.index("Samaritans") < page.index("child protection") < page.index("Breathing")


def test_hostile_moves_change_nothing(make_member: Callable[..., Member]) -> None:
    admin = make_member(Role.ADMIN, name="Ada")
    before = _current(admin)
    for move in ("up-0", "down-99", "sideways-1", "up-x", "'; DROP TABLE people_supportlink;--"):
        response = client_for(admin).post(
            reverse("people:support"), _form(_current(admin)) | {"move": move}
        )
        assert response.status_code == 302
    assert [link["name"] for link in _current(admin)] == [link["name"] for link in before]
