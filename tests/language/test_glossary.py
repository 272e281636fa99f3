"""A partnership's own glossary: admins add, change and turn off entries, each with a
source and an audit entry; every text box, the hints endpoint, the document check and
`village lens --partnership` then read with it; nobody else sees or uses it."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import FORBIDDEN, LOGIN, MISSING, OK, access_outcome, client_for, guest_in
from tests.hostile import HOSTILE, SCRIPT, check
from village import cli
from village.circles.models import Circle
from village.engines.lens import default_matcher
from village.errors import UserError
from village.language import selectors, services
from village.language.models import GlossaryEntry
from village.people import selectors as people_selectors
from village.people import services as people_services
from village.people.models import AuditEvent, Member, Partnership, Role

pytestmark = pytest.mark.django_db

GLOSSARY = reverse("language:glossary")
ADD = reverse("language:glossary_add")
HINTS = reverse("language:hints")
CHECK = reverse("language:check")
SOURCE = {"source_title": "Our language policy", "source_url": "https://example.org/policy"}
OWN = {
    "term": "pushy parent",
    "other_forms": ["pushy parents"],
    "category": "blaming",
    "severity": "warning",
    "alternatives": ["a parent speaking up for their child"],
    "reason": "Families told us it makes them sound like a nuisance for asking.",
    **SOURCE,
}
DRAFT = "The pushy parents asked about the placement."


def _entry(key: str) -> str:
    return reverse("language:glossary_entry", args=[key])


def _form(data: dict[str, Any]) -> dict[str, Any]:
    """Service arguments as a posted form: lists one item a line."""
    return {k: "\n".join(v) if isinstance(v, list) else v for k, v in data.items()}


def _flagged(partnership_id: int | None, text: str = DRAFT) -> dict[str, tuple[str, ...]]:
    found = selectors.hints_for(text=text, partnership_id=partnership_id)
    return {f.entry.term: f.alternatives for f in found}


@pytest.fixture
def admin(make_member: Callable[..., Member]) -> Member:
    return make_member(Role.ADMIN, name="Ada")


@pytest.fixture
def other_admin(make_member: Callable[..., Member], other_partnership: Partnership) -> Member:
    return make_member(Role.ADMIN, partnership=other_partnership, name="Olu")


@pytest.fixture
def own(admin: Member) -> GlossaryEntry:
    return services.own_entry_add(actor=admin, partnership=admin.partnership, **OWN)


def _placement(admin: Member) -> GlossaryEntry:
    found = selectors.entry_to_change(partnership=admin.partnership, key="placement")
    assert found is not None
    return found[1]


# Services and what the lens then reads.


def test_an_own_entry_is_flagged_in_its_partnership_only(
    own: GlossaryEntry, admin: Member, other_admin: Member
) -> None:
    assert _flagged(admin.partnership_id)["pushy parent"] == (
        "a parent speaking up for their child",
    )
    assert "pushy parent" not in _flagged(other_admin.partnership_id)
    assert "pushy parent" not in _flagged(None)
    found = selectors.document_findings(text=DRAFT, partnership_id=admin.partnership_id)
    assert [f.text for f in found] == ["pushy parents", "placement"]
    assert found[0].source.url == "https://example.org/policy"


def test_turning_a_shipped_entry_off_and_on_again(admin: Member, other_admin: Member) -> None:
    entry = services.entry_turn_off(actor=admin, entry=_placement(admin), **SOURCE)
    assert "placement" not in _flagged(admin.partnership_id)
    assert "placement" in _flagged(other_admin.partnership_id)
    assert "placement" in _flagged(None)
    services.entry_turn_on(actor=admin, entry=entry)
    assert "placement" in _flagged(admin.partnership_id)
    with pytest.raises(UserError):
        services.entry_turn_on(actor=admin, entry=entry)


def test_an_own_entry_turned_off_is_not_flagged_and_comes_back_as_it_was(
    own: GlossaryEntry, admin: Member
) -> None:
    services.entry_turn_off(actor=admin, entry=own, **SOURCE)
    assert "pushy parent" not in _flagged(admin.partnership_id)
    services.entry_turn_on(actor=admin, entry=own)
    assert "pushy parent" in _flagged(admin.partnership_id)


def test_shipped_words_in_the_partnerships_own_words_and_back(
    admin: Member, other_admin: Member
) -> None:
    shipped = default_matcher().entry_for("placement")
    assert shipped is not None
    entry = services.builtin_entry_edit(
        actor=admin,
        entry=_placement(admin),
        alternatives=["where you live"],
        reason="Our young people asked for it.",
        **SOURCE,
    )
    assert _flagged(admin.partnership_id)["placement"] == ("where you live",)
    assert _flagged(other_admin.partnership_id)["placement"] == shipped.alternatives
    services.builtin_entry_reset(actor=admin, entry=entry)
    assert _flagged(admin.partnership_id)["placement"] == shipped.alternatives
    with pytest.raises(UserError):
        services.builtin_entry_reset(actor=admin, entry=entry)


def test_a_word_already_in_a_glossary_is_refused(own: GlossaryEntry, admin: Member) -> None:
    with pytest.raises(UserError, match="Village's glossary already has “placements”"):
        services.own_entry_add(
            actor=admin, partnership=admin.partnership, **{**OWN, "term": "placements"}
        )
    with pytest.raises(UserError, match="Your glossary already has “pushy parent”"):
        services.own_entry_add(
            actor=admin, partnership=admin.partnership, **{**OWN, "term": "Pushy-Parent"}
        )
    assert GlossaryEntry.objects.count() == 1


def test_every_change_is_in_the_audit_log_by_term(own: GlossaryEntry, admin: Member) -> None:
    services.own_entry_update(actor=admin, entry=own, **{**OWN, "reason": "New reason."})
    services.entry_turn_off(actor=admin, entry=own, **SOURCE)
    services.entry_turn_on(actor=admin, entry=own)
    edited = services.builtin_entry_edit(
        actor=admin, entry=_placement(admin), alternatives=["home"], reason="", **SOURCE
    )
    services.builtin_entry_reset(actor=admin, entry=edited)
    events = AuditEvent.objects.filter(partnership=admin.partnership, action__startswith="g")
    assert sorted(e.action for e in events) == [
        "glossary.add",
        "glossary.edit",
        "glossary.edit",
        "glossary.off",
        "glossary.on",
        "glossary.reset",
    ]
    assert all(e.actor == admin for e in events)
    said = [e.what for e in people_selectors.audit_entries_for(partnership=admin.partnership)]
    assert "Added “pushy parent” to the partnership's glossary" in said
    assert "Turned off “pushy parent” in the partnership's glossary" in said
    assert "Went back to Village's words for “placement” in the glossary" in said


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_only_the_partnerships_admins_may_change_it(
    role: str, make_member: Callable[..., Member], own: GlossaryEntry, other_admin: Member
) -> None:
    for actor in (make_member(role), other_admin):
        with pytest.raises(PermissionDenied):
            services.own_entry_add(actor=actor, partnership=own.partnership, **OWN)
        with pytest.raises(PermissionDenied):
            services.entry_turn_off(actor=actor, entry=own, **SOURCE)
        with pytest.raises(PermissionDenied):
            services.own_entry_update(actor=actor, entry=own, **OWN)
        with pytest.raises(PermissionDenied):
            services.builtin_entry_edit(
                actor=actor,
                entry=GlossaryEntry(partnership=own.partnership, builtin="placement"),
                alternatives=["home"],
                reason="R",
                **SOURCE,
            )
    assert GlossaryEntry.objects.count() == 1 and own.is_on


def test_a_deactivated_admin_may_not_change_it(admin: Member, own: GlossaryEntry) -> None:
    admin.deactivated_at = timezone.now()
    admin.save()
    with pytest.raises(PermissionDenied):
        services.entry_turn_off(actor=admin, entry=own, **SOURCE)


def test_the_compiled_glossary_is_kept_until_it_changes(own: GlossaryEntry, admin: Member) -> None:
    first = selectors.matcher_for(partnership_id=admin.partnership_id)
    assert selectors.matcher_for(partnership_id=admin.partnership_id) is first
    services.entry_turn_off(actor=admin, entry=own, **SOURCE)
    assert selectors.matcher_for(partnership_id=admin.partnership_id) is not first


def test_a_partnership_without_changes_reads_with_villages_glossary(admin: Member) -> None:
    assert selectors.matcher_for(partnership_id=admin.partnership_id) is default_matcher()


# The hints endpoint, the document check and text boxes drawn after a post.


def _hints(client: Client, text: str = DRAFT) -> str:
    response = client.post(HINTS, {"text": text, "for": "id_text"})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", Role.values)
def test_every_member_gets_hints_from_their_partnerships_glossary(
    role: str, make_member: Callable[..., Member], own: GlossaryEntry
) -> None:
    page = _hints(client_for(make_member(role)))
    assert 'data-from="pushy parents" data-to="a parent speaking up for their child"' in page


def test_guests_and_other_partnerships_get_no_hints_from_it(
    own: GlossaryEntry, other_admin: Member, make_member: Callable[..., Member], circle: Circle
) -> None:
    other_staff = make_member(Role.STAFF, partnership=other_admin.partnership)
    for client in (Client(), guest_in(circle), client_for(other_staff)):
        page = _hints(client)
        assert "placement" in page and "pushy" not in page.replace("“pushy parents", "")


def test_a_guest_in_a_circle_reads_with_the_partnerships_glossary(
    own: GlossaryEntry, circle: Circle
) -> None:
    """Found: guests (most families) read with Village's glossary alone, whatever their
    partnership had added. The room's boxes now read with the circle's partnership's, and its
    live hints carry that partnership, signed, to the hints endpoint."""
    guest = guest_in(circle)
    page = guest.get(reverse("circles:room", kwargs={"code": circle.join_code})).content.decode()
    found = re.search(r'data-glossary="([^"]+)"', page)
    assert found is not None
    hints = guest.post(HINTS, {"text": DRAFT, "for": "id_text", "glossary": found.group(1)})
    assert 'data-from="pushy parents"' in hints.content.decode()
    held = guest.post(
        reverse("circles:reflect", kwargs={"code": circle.join_code}),
        {"prompt": circle.prompts.first().pk, "text": DRAFT},  # type: ignore[union-attr]
    )
    assert held.status_code == 200, "held once, without JavaScript, for its hints"
    assert 'data-from="pushy parents"' in held.content.decode()


@pytest.mark.parametrize("token", [str(1), "forged:token", SCRIPT])
def test_a_page_token_that_does_not_verify_reads_with_villages_glossary(
    own: GlossaryEntry, circle: Circle, token: str
) -> None:
    page = guest_in(circle).post(HINTS, {"text": DRAFT, "for": "id_text", "glossary": token})
    assert page.status_code == 200
    html = page.content.decode()
    assert "placement" in html and 'data-from="pushy parents"' not in html


def test_hints_compare_a_stamp_and_reuse_the_compiled_glossary(
    own: GlossaryEntry, admin: Member
) -> None:
    client = client_for(admin)
    _hints(client)
    with CaptureQueriesContext(connection) as queries:
        assert "pushy parents" in _hints(client)
    glossary_reads = [q for q in queries.captured_queries if "language_glossaryentry" in q["sql"]]
    assert len(glossary_reads) == 1 and "COUNT" in glossary_reads[0]["sql"].upper()


def test_the_document_check_and_its_download_use_the_partnerships_glossary(
    own: GlossaryEntry, make_member: Callable[..., Member], other_admin: Member
) -> None:
    staff = client_for(make_member(Role.STAFF))
    page = staff.post(CHECK, {"text": DRAFT}).content.decode()
    assert "<mark>pushy parents</mark>" in page and "Our language policy" in page
    download = staff.post(reverse("language:check_download"), {"text": DRAFT, "format": "csv"})
    assert "a parent speaking up for their child" in download.content.decode()
    outsider = client_for(other_admin).post(CHECK, {"text": DRAFT}).content.decode()
    assert "<mark>pushy parents</mark>" not in outsider


def test_a_text_box_drawn_by_the_server_uses_the_partnerships_glossary(
    own: GlossaryEntry, admin: Member, other_admin: Member
) -> None:
    """Without JavaScript the hints beside a box come from the server as the box is drawn."""
    for member in (admin, other_admin):
        links = [
            {"id": link.pk, "name": link.name, "description": link.description}
            for link in people_selectors.support_links_for(partnership=member.partnership)
        ]
        links[0]["description"] = "Advice for pushy parents and carers."
        people_services.support_links_replace(
            partnership=member.partnership, actor=member, links=links
        )
    ours = client_for(admin).get(reverse("people:support")).content.decode()
    theirs = client_for(other_admin).get(reverse("people:support")).content.decode()
    assert 'data-from="pushy parents"' in ours
    assert 'data-from="pushy parents"' not in theirs


# The admin pages.


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_only_admins_reach_the_glossary_pages(
    role: str, make_member: Callable[..., Member], own: GlossaryEntry
) -> None:
    client = client_for(make_member(role))
    key = f"own-{own.pk}"
    pages = [GLOSSARY, ADD, _entry(key), _entry("placement")]
    pages += [reverse(f"language:glossary_{name}", args=[key]) for name in ("off", "on", "reset")]
    assert client.post(GLOSSARY).status_code == 405
    for url in pages[1:]:
        assert access_outcome(client.post(url, _form({**OWN, "term": "x"}))) == FORBIDDEN, url
    for url in pages[:4]:
        assert access_outcome(client.get(url)) == FORBIDDEN, url
    assert access_outcome(Client().get(GLOSSARY)) == LOGIN
    assert GlossaryEntry.objects.count() == 1 and GlossaryEntry.objects.get().is_on


def test_another_partnerships_admin_never_sees_the_entries(
    own: GlossaryEntry, other_admin: Member
) -> None:
    client = client_for(other_admin)
    key = f"own-{own.pk}"
    assert "pushy parent" not in client.get(GLOSSARY, {"show": "all"}).content.decode()
    assert "pushy parent" not in client.get(GLOSSARY, {"q": "pushy"}).content.decode()
    for url in (_entry(key), reverse("language:glossary_off", args=[key])):
        assert access_outcome(client.get(url)) == MISSING
    assert access_outcome(client.post(reverse("language:glossary_off", args=[key]), SOURCE)) == (
        MISSING
    )
    assert access_outcome(client.get(_entry("no-such-entry"))) == MISSING
    assert access_outcome(client.get(_entry("own-99999999999999999999"))) == MISSING
    assert GlossaryEntry.objects.get().is_on


def test_an_admin_adds_a_word_and_sees_it_in_the_list(admin: Member) -> None:
    client = client_for(admin)
    assert access_outcome(client.get(ADD)) == OK
    response = client.post(ADD, {**_form(OWN), "form_token": "t" * 20})
    assert response.status_code == 302
    again = client.post(ADD, {**_form(OWN), "form_token": "t" * 20})  # a double click
    assert again.status_code == 302 and GlossaryEntry.objects.count() == 1
    entry = GlossaryEntry.objects.get()
    assert entry.other_forms == ["pushy parents"] and entry.partnership == admin.partnership
    page = client.get(GLOSSARY, {"q": "pushy"}).content.decode()
    assert "pushy parent" in page and "Your own" in page and "1 entry" in page
    assert "pushy parent" in _hints(client)


def test_the_list_is_searched_and_filtered(own: GlossaryEntry, admin: Member) -> None:
    services.entry_turn_off(actor=admin, entry=_placement(admin), **SOURCE)
    client = client_for(admin)
    off = client.get(GLOSSARY, {"show": "off"}).content.decode()
    assert ">placement</a>" in off and "pushy parent" not in off and "1 entry" in off
    mine = client.get(GLOSSARY, {"show": "own"}).content.decode()
    assert "pushy parent" in mine and ">placement</a>" not in mine
    changed = client.get(GLOSSARY, {"show": "changed"}).content.decode()
    assert ">placement</a>" in changed and "pushy" not in changed
    everything = client.get(GLOSSARY, {"show": "nonsense", "page": "999"}).content.decode()
    assert "Page 7 of 7" in everything  # 252 of Village's and 1 of theirs, 40 a page
    assert "seldom heard" in client.get(GLOSSARY, {"q": "hard to reach"}).content.decode()


def test_an_admin_turns_a_shipped_entry_off_with_a_source_and_on_again(admin: Member) -> None:
    client = client_for(admin)
    off = reverse("language:glossary_off", args=["placement"])
    assert access_outcome(client.get(off)) == OK
    missing = client.post(off, {"source_title": "", "source_url": ""}).content.decode()
    assert "Say why you are turning it off." in missing
    assert "Give a link to it, starting with https://" in missing
    assert not GlossaryEntry.objects.exists()
    assert client.post(off, SOURCE).status_code == 302
    page = client.get(_entry("placement")).content.decode()
    assert "It is off" in page and "Our language policy" in page
    assert "placement" not in _hints(client, "the placement")
    assert client.post(reverse("language:glossary_on", args=["placement"])).status_code == 302
    assert "placement" in _hints(client, "the placement")


def test_an_admin_puts_a_shipped_entry_in_their_own_words(admin: Member) -> None:
    client = client_for(admin)
    page = client.get(_entry("placement")).content.decode()
    assert "where [name] lives" in page  # the form starts from Village's words
    data = {"alternatives": "where you live\nhome", "reason": "Our young people said.", **SOURCE}
    assert client.post(_entry("placement"), data).status_code == 302
    assert 'data-to="where you live"' in _hints(client, "the placement")
    assert "Village's, in your words" in client.get(GLOSSARY, {"q": "placement"}).content.decode()
    client.post(reverse("language:glossary_reset", args=["placement"]))
    assert 'data-to="where you live"' not in _hints(client, "the placement")


def test_an_admin_changes_their_own_entry(own: GlossaryEntry, admin: Member) -> None:
    client = client_for(admin)
    data = _form({**OWN, "alternatives": ["a parent who advocates"]})
    assert client.post(_entry(f"own-{own.pk}"), data).status_code == 302
    assert 'data-to="a parent who advocates"' in _hints(client)


FIELDS = ["term", "other_forms", "alternatives", "reason", "source_title", "source_url"]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_input_on_the_add_form(admin: Member, field: str, name: str) -> None:
    client = client_for(admin)
    value = HOSTILE[name]
    response = client.post(ADD, {**_form(OWN), field: value})
    page = check(response, value)
    saved = GlossaryEntry.objects.first()
    if saved is None:
        assert response.status_code == 200 and "pushy parent" in page  # the form, back
        return
    assert response.status_code == 302
    assert "\x00" not in saved.term and "<" not in saved.term
    shown = client.get(_entry(f"own-{saved.pk}")).content.decode()
    assert SCRIPT not in shown
    # A saved glossary always works: its term is flagged.
    assert saved.term in _flagged(admin.partnership_id, f"A {saved.term}.")


@pytest.mark.parametrize("value", ["'; DROP TABLE language_glossaryentry; --", SCRIPT, "a{b,c}"])
def test_a_term_must_be_words(admin: Member, value: str) -> None:
    page = client_for(admin).post(ADD, _form({**OWN, "term": value})).content.decode()
    assert "Use letters, numbers, spaces, hyphens and apostrophes only." in page
    assert not GlossaryEntry.objects.exists()


@pytest.mark.parametrize("name", ["empty", "huge", "script", "sql", "nul"])
def test_hostile_input_on_the_turn_off_and_change_forms(admin: Member, name: str) -> None:
    client = client_for(admin)
    value = HOSTILE[name]
    check(
        client.post(
            reverse("language:glossary_off", args=["placement"]), {**SOURCE, "source_url": value}
        ),
        value,
    )
    check(
        client.post(_entry("placement"), {"alternatives": value, "reason": value, **SOURCE}), value
    )
    check(client.get(GLOSSARY, {"q": value, "show": value, "page": value}), value)
    assert all(row.is_on for row in GlossaryEntry.objects.all())


def test_the_home_page_links_admins_to_the_glossary(
    admin: Member, make_member: Callable[..., Member]
) -> None:
    assert GLOSSARY in client_for(admin).get(reverse("people:home")).content.decode()
    staff = client_for(make_member(Role.STAFF)).get(reverse("people:home")).content.decode()
    assert GLOSSARY not in staff


# The command line.


def _lens(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(DRAFT.encode())))
    code = cli.main(["lens", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_village_lens_reads_with_a_partnerships_glossary(
    own: GlossaryEntry,
    admin: Member,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services.entry_turn_off(actor=admin, entry=_placement(admin), **SOURCE)
    code, out, _err = _lens(capsys, monkeypatch, "--partnership", "northshire", "-")
    assert code == 0 and "'pushy parents' (own-" in out and "(placement)" not in out
    code, out, _err = _lens(capsys, monkeypatch, "-")
    assert "'pushy parents'" not in out and "(placement)" in out
    code, out, _err = _lens(
        capsys, monkeypatch, "--partnership", "northshire", "--explain", "Pushy Parents"
    )
    assert code == 0 and "Families told us" in out and "Our language policy" in out
    code, _out, err = _lens(
        capsys, monkeypatch, "--partnership", "northshire", "--explain", "placement"
    )
    assert code == 2 and "no explanation" in err


def test_village_lens_explains_an_unknown_partnership(
    partnership: Partnership, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = _lens(capsys, monkeypatch, "--partnership", "nowhere", "-")
    assert code == 2 and out == ""
    assert "no partnership has the short name 'nowhere'" in err
    code, _out, err = _lens(
        capsys, monkeypatch, "--partnership", "northshire", "--config", "x.yaml", "-"
    )
    assert code == 2 and "not both" in err


def test_the_engine_alone_cannot_read_a_partnership(capsys: pytest.CaptureFixture[str]) -> None:
    from village.engines.lens.cli import main

    assert main(["--partnership", "northshire", "-"]) == 2
    assert "needs Village's database" in capsys.readouterr().err
