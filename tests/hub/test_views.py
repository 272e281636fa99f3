"""The hub's pages for every role, allowed and refused; another partnership finds nothing;
hostile words on every form are refused clearly or kept, never run as script; the Kumu files
download and upload."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import FORBIDDEN, MISSING, OK, access_outcome, client_for
from tests.hostile import HOSTILE, check
from tests.hub.conftest import People, build_theory
from village.engines.theory.kumu import MAX_BYTES
from village.hub import services
from village.hub.models import Document, Element, GatePassage, IndicatorValue, Project
from village.people.models import Agency, Member, Role

EDITORS = ("admin", "facilitator", "lead")
READERS = ("staff", "family", "partner_lead", "observer")


def _pages(project: Project, element: Element) -> list[str]:
    return [
        reverse("hub:list"),
        reverse("hub:project", args=[project.pk]),
        reverse("hub:element", args=[project.pk, element.pk]),
        reverse("hub:export_elements", args=[project.pk]),
        reverse("hub:export_connections", args=[project.pk]),
    ]


def _edit_pages(project: Project) -> list[str]:
    return [
        reverse("hub:element_add", args=[project.pk]),
        reverse("hub:document_add", args=[project.pk]),
        reverse("hub:theory_import", args=[project.pk]),
    ]


@pytest.mark.parametrize("who", EDITORS + READERS)
def test_every_member_reads_and_only_editors_open_the_edit_pages(
    project: Project, people: People, who: str
) -> None:
    built = build_theory(project, people.lead)
    client = client_for(getattr(people, who))
    for url in _pages(project, built.outcome):
        assert access_outcome(client.get(url)) == OK, url
    expected = OK if who in EDITORS else FORBIDDEN
    for url in _edit_pages(project):
        assert access_outcome(client.get(url)) == expected, url


def test_another_partnership_and_strangers_find_nothing(
    project: Project, people: People, make_member: Callable[..., Member], other_partnership
) -> None:
    built = build_theory(project, people.lead)
    outsider = client_for(make_member(Role.ADMIN, partnership=other_partnership, name="Out"))
    for url in _pages(project, built.outcome)[1:] + _edit_pages(project):
        assert access_outcome(outsider.get(url)) == MISSING, url
    gate = reverse("hub:gate_pass", args=[project.pk, 0])
    assert access_outcome(outsider.post(gate)) == MISSING
    assert not GatePassage.objects.exists()
    listing = outsider.get(reverse("hub:list")).content.decode()
    assert project.title not in listing
    stranger = client_for(None).get(reverse("hub:project", args=[project.pk]))
    assert "/sign-in/" in stranger["Location"]


def test_a_member_cannot_reach_another_projects_part_through_their_own(
    project: Project, people: People, agency: Agency
) -> None:
    other = services.project_create(
        partnership=agency.partnership,
        actor=people.staff,
        title="Other",
        kind="new",
        started_on=date(2026, 1, 1),
        agencies=[agency],
    )
    built = build_theory(project, people.lead)
    url = reverse("hub:element", args=[other.pk, built.outcome.pk])
    assert access_outcome(client_for(people.staff).get(url)) == MISSING


@pytest.mark.parametrize("who", EDITORS + READERS)
def test_passing_a_gate_on_the_page(project: Project, people: People, who: str) -> None:
    client = client_for(getattr(people, who))
    url = reverse("hub:gate_pass", args=[project.pk, 0])
    if who not in EDITORS:
        assert access_outcome(client.post(url)) == FORBIDDEN
        return
    refused = client.post(url, follow=True).content.decode()
    assert "The 0-month gate needs: A theory of change" in refused
    build_theory(project, people.lead)
    passed = client.post(url, follow=True).content.decode()
    assert "The 0-month gate is passed." in passed
    assert GatePassage.objects.filter(project=project, months=0).count() == 1


def test_a_lead_builds_and_connects_a_theory_on_the_pages(project: Project, people: People) -> None:
    client = client_for(people.lead)
    add = reverse("hub:element_add", args=[project.pk])
    for kind, label in (("activity", "Conferences"), ("outcome", "Heard")):
        response = client.post(add, {"kind": kind, "label": label})
        assert response.status_code == 302
    activity = Element.objects.get(project=project, kind="activity")
    outcome = Element.objects.get(project=project, kind="outcome")
    connect = reverse("hub:connection_add", args=[project.pk, activity.pk])
    assert client.post(connect, {"target": outcome.pk}).status_code == 302
    assert activity.outgoing.filter(target=outcome).exists()
    wrong = client.post(
        reverse("hub:connection_add", args=[project.pk, outcome.pk]), {"target": activity.pk}
    )
    assert wrong.status_code == 400
    assert "Choose one of the parts listed." in wrong.content.decode()


def test_an_indicator_page_records_a_baseline_and_a_changed_target(
    project: Project, people: People
) -> None:
    client = client_for(people.lead)
    indicator = services.element_add(
        project=project, actor=people.lead, kind="indicator", label="N"
    )
    values = reverse("hub:value_add", args=[project.pk, indicator.pk])
    assert (
        client.post(
            values, {"value": "12", "measured_on": "2026-02-01", "is_baseline": "on"}
        ).status_code
        == 302
    )
    assert IndicatorValue.objects.get(indicator=indicator).is_baseline
    target = reverse("hub:target_set", args=[project.pk, indicator.pk])
    assert client.post(target, {"value": "20"}).status_code == 302
    refused = client.post(target, {"value": "15"})
    assert "Write why the target changed." in refused.content.decode()
    assert client.post(target, {"value": "15", "reason": "Smaller group."}).status_code == 302
    page = client.get(reverse("hub:element", args=[project.pk, indicator.pk])).content.decode()
    assert "Smaller group." in page and "(baseline)" in page


def test_the_kumu_files_download_and_import_into_an_empty_project(
    project: Project, people: People, agency: Agency
) -> None:
    build_theory(project, people.lead)
    client = client_for(people.facilitator)
    elements = client.get(reverse("hub:export_elements", args=[project.pk]))
    connections = client.get(reverse("hub:export_connections", args=[project.pk]))
    assert elements["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in elements["Content-Disposition"]
    copy = services.project_create(
        partnership=agency.partnership,
        actor=people.facilitator,
        title="Copy",
        kind="new",
        started_on=date(2026, 1, 1),
        agencies=[agency],
    )
    url = reverse("hub:theory_import", args=[copy.pk])
    response = client.post(
        url,
        {
            "elements": SimpleUploadedFile("e.csv", elements.content),
            "connections": SimpleUploadedFile("c.csv", connections.content),
        },
    )
    assert response.status_code == 302
    assert copy.elements.count() == 3 and copy.connections.count() == 3
    again = client.post(
        url,
        {
            "elements": SimpleUploadedFile("e.csv", elements.content),
            "connections": SimpleUploadedFile("c.csv", b"From,To\n"),
        },
    )
    assert again.status_code == 400
    assert "already has a theory of change" in again.content.decode()


@pytest.mark.parametrize(
    ("elements", "words"),
    [
        (b"Label,Type\n<script>alert(1)</script>,Person\n", "is not a type"),
        ("Label,Type\nCaf\u00e9,Activity\n".encode("latin-1"), "not in UTF-8"),
        (b"", "The elements file is empty."),
        (b"Label,Type\n" + b"x" * MAX_BYTES, "That file is over 2 MB."),
        (b'Label,Type\n"Talk,Activity\n', "not valid CSV at line"),
    ],
)
def test_a_bad_upload_says_what_is_wrong_and_saves_nothing(
    project: Project, people: People, elements: bytes, words: str
) -> None:
    response = client_for(people.lead).post(
        reverse("hub:theory_import", args=[project.pk]),
        {
            "elements": SimpleUploadedFile("e.csv", elements),
            "connections": SimpleUploadedFile("c.csv", b"From,To\n"),
        },
    )
    page = check(response, "")
    assert response.status_code == 400
    assert words in page
    assert not project.elements.exists()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_words_on_every_form(project: Project, people: People, name: str) -> None:
    value = HOSTILE[name]
    client = client_for(people.lead)
    indicator = services.element_add(
        project=project, actor=people.lead, kind="indicator", label="N"
    )
    posts = [
        (
            reverse("hub:list"),
            {"title": value, "kind": "new", "started_on": value, "agencies": value},
        ),
        (
            reverse("hub:element_add", args=[project.pk]),
            {"kind": "outcome", "label": value, "description": value},
        ),
        (
            reverse("hub:document_add", args=[project.pk]),
            {"kind": "evaluation_plan", "title": value, "text": value},
        ),
        (
            reverse("hub:value_add", args=[project.pk, indicator.pk]),
            {"value": value, "measured_on": "2026-01-01", "note": value},
        ),
        (
            reverse("hub:target_set", args=[project.pk, indicator.pk]),
            {"value": "3", "reason": value},
        ),
        (reverse("hub:evidence", args=[project.pk, indicator.pk]), {"evidence": value}),
        (
            reverse("hub:element_edit", args=[project.pk, indicator.pk]),
            {"label": value, "description": value},
        ),
        (reverse("hub:connection_add", args=[project.pk, indicator.pk]), {"target": value}),
    ]
    for url, data in posts:
        check(client.post(url, data, follow=True), value)
    for label in Element.objects.filter(project=project).values_list("label", flat=True):
        assert label in {"N", value.replace("\x00", "").strip()}
    for text in Document.objects.values_list("text", flat=True):
        assert text == value.replace("\x00", "").strip()
    check(client.get(reverse("hub:project", args=[project.pk])), value)


def test_a_document_that_may_identify_someone_is_shown_back_before_it_is_saved(
    project: Project, people: People
) -> None:
    client = client_for(people.lead)
    url = reverse("hub:document_add", args=[project.pk])
    words = {
        "kind": "outcome_report",
        "title": "A report",
        "text": "Mrs Smith at 12 Hill Street said so.",
    }
    first = client.post(url, words)
    page = first.content.decode()
    assert first.status_code == 200
    assert "Check before you post" in page and "a street address" in page
    assert 'name="confirmed" value="True"' in page
    assert not Document.objects.exists()
    assert client.post(url, {**words, "confirmed": "True"}).status_code == 302
    assert Document.objects.get().text == words["text"]


@pytest.mark.parametrize("who", READERS)
def test_readers_posting_to_edit_pages_are_refused_and_nothing_is_written(
    project: Project, people: People, who: str
) -> None:
    built = build_theory(project, people.lead)
    client = client_for(getattr(people, who))
    posts = [
        (reverse("hub:element_add", args=[project.pk]), {"kind": "outcome", "label": "Mine"}),
        (
            reverse("hub:document_add", args=[project.pk]),
            {"kind": "evaluation_plan", "title": "t", "text": "t"},
        ),
        (
            reverse("hub:evidence", args=[project.pk, built.assumption.pk]),
            {"evidence": "supported"},
        ),
        (reverse("hub:element_remove", args=[project.pk, built.outcome.pk]), {}),
        (reverse("hub:element_edit", args=[project.pk, built.outcome.pk]), {"label": "Mine"}),
        (reverse("hub:connection_add", args=[project.pk, built.outcome.pk]), {"target": "1"}),
    ]
    for url, data in posts:
        assert access_outcome(client.post(url, data)) == FORBIDDEN, url
    assert project.elements.count() == 3 and not Document.objects.exists()
    built.outcome.refresh_from_db()
    assert built.outcome.label == "Families feel heard"
    built.assumption.refresh_from_db()
    assert built.assumption.evidence == "untested"


def test_a_finished_project_tells_its_lead_why_nothing_changes(
    project: Project, people: People
) -> None:
    build_theory(project, people.lead)
    project.gate_reached = 18
    project.save(update_fields=["gate_reached"])
    client = client_for(people.lead)
    response = client.post(
        reverse("hub:element_add", args=[project.pk]), {"kind": "outcome", "label": "More"}
    )
    assert "it is finished" in response.content.decode()
    assert project.elements.count() == 3
    page = client.get(reverse("hub:project", args=[project.pk])).content.decode()
    assert "Add a part" not in page and "Pass the" not in page


def test_a_lead_names_a_family_member_as_a_lead_who_can_then_change_the_theory(
    project: Project, people: People, make_member: Callable[..., Member], other_partnership
) -> None:
    client = client_for(people.lead)
    url = reverse("hub:lead_add", args=[project.pk])
    page = client.get(reverse("hub:project", args=[project.pk])).content.decode()
    assert "Add them as a lead" in page and people.family.display_name in page
    outsider = make_member(Role.STAFF, partnership=other_partnership, name="Out")
    refused = client.post(url, {"member": outsider.pk}, follow=True).content.decode()
    assert "Choose someone from the list." in refused
    assert client.post(url, {"member": people.family.pk}).status_code == 302
    assert set(project.leads.all()) == {people.lead, people.family}
    added = client_for(people.family).post(
        reverse("hub:element_add", args=[project.pk]), {"kind": "outcome", "label": "Heard"}
    )
    assert added.status_code == 302
    assert access_outcome(client_for(people.staff).post(url, {"member": people.staff.pk})) == (
        FORBIDDEN
    )


def test_a_part_gets_new_words_and_keeps_its_connections(project: Project, people: People) -> None:
    built = build_theory(project, people.lead)
    client = client_for(people.lead)
    url = reverse("hub:element_edit", args=[project.pk, built.outcome.pk])
    empty = client.post(url, {"label": " ", "description": "x"})
    assert empty.status_code == 400 and "Write a few words for it." in empty.content.decode()
    assert client.post(url, {"label": "Families say they were heard"}).status_code == 302
    built.outcome.refresh_from_db()
    assert built.outcome.label == "Families say they were heard"
    assert built.outcome.key == "outcome-1"
    assert built.outcome.incoming.count() == 2
