"""Conversation results: computed by the worker from the votes, stored as a snapshot, shown
by the results page, its print view, PDF and CSV, which never compute. Small groups are
hidden, directly and by subtraction; open-link people are reported apart and never weighed
as an invited group; a rejected statement reaches none of them."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.conftest import DATABASE_TASKS, client_for
from tests.conversations.conftest import (
    SEEDS,
    Voting,
    guest_via,
    key,
    link_for,
    seeds_of,
    vote_as_guest,
)
from village.conversations import selectors, services
from village.conversations.models import (
    ConstituencyKind,
    Conversation,
    Moderation,
    ResultsSnapshot,
    Statement,
    Vote,
)
from village.pdf import PdfUnavailable, load_weasyprint
from village.people.models import Member, Partnership

FAMILY, FRONTLINE, MANAGER, OTHER = (k.value for k in ConstituencyKind)
AGREE, PASS, DISAGREE = 1, 0, -1
# How each group votes on the four seeds: the first and third are common ground, the second
# divides families from everyone else, everyone disagrees with the fourth.
PATTERN = {
    FAMILY: (AGREE, DISAGREE, AGREE, DISAGREE),
    FRONTLINE: (AGREE, AGREE, AGREE, DISAGREE),
    MANAGER: (AGREE, AGREE, AGREE, DISAGREE),
    OTHER: (AGREE, AGREE, PASS, PASS),
}


@pytest.fixture
def voting(conversation: Conversation, facilitator: Member) -> Voting:
    return Voting(conversation, facilitator)


@pytest.fixture
def voted(voting: Voting) -> Conversation:
    """Six families, eight frontline staff and seven managers, each voting on every seed."""
    voting.group(FAMILY, 6, PATTERN[FAMILY])
    voting.group(FRONTLINE, 8, PATTERN[FRONTLINE])
    voting.group(MANAGER, 7, PATTERN[MANAGER])
    return voting.conversation


def _refresh(conversation: Conversation) -> dict[str, Any]:
    snapshot = services.results_refresh(conversation=conversation)
    assert snapshot.data is not None
    return snapshot.data


def _cells(table: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {cell["key"]: cell for cell in table["cells"]}


def test_results_show_common_ground_divides_groups_and_voice(voted: Conversation) -> None:
    data = _refresh(voted)
    assert data["status"] == "ok"
    results = selectors.results_for(conversation=voted)
    assert results.ready and results.votes == 21 * 4
    assert {s.text for s in results.common_ground} == {SEEDS[0], SEEDS[2]}
    assert results.divides[0].statement.text == SEEDS[1]
    assert dict(results.divides[0].agreement) == {
        "Families and people with lived experience": 0,
        "Frontline practitioners": 100,
        "Managers and commissioners": 100,
    }
    voice = {row.label: row for row in results.voice}
    assert all(voice[label].shown for label in ("Frontline practitioners",))
    assert results.balanced and results.raw
    assert {g.label for g in results.groups} >= {"Group A"}


def test_balanced_support_weighs_each_group_the_same_beside_raw_agreement(
    voting: Voting,
) -> None:
    """Five families who all disagree weigh as much as forty staff who all agree."""
    voting.group(FAMILY, 5, (DISAGREE, AGREE, AGREE, AGREE))
    voting.group(FRONTLINE, 20, (AGREE, AGREE, AGREE, AGREE))
    voting.group(FRONTLINE, 20, (AGREE, AGREE, AGREE, DISAGREE))
    voting.group(MANAGER, 5, (AGREE, AGREE, AGREE, AGREE))
    data = _refresh(voting.conversation)
    first, _, _, last = (data["statements"][str(s.pk)] for s in seeds_of(voting.conversation))
    assert (first["agree"], last["agree"]) == (90, 60)  # 45 and 30 of 50 people
    # Smoothed agreement (agrees + 1) / (votes + 2) in each group, averaged.
    assert first["balanced"] == round(100 * (1 / 7 + 41 / 42 + 6 / 7) / 3)  # 66
    assert last["balanced"] == round(100 * (6 / 7 + 21 / 42 + 6 / 7) / 3)  # 74
    results = selectors.results_for(conversation=voting.conversation)
    ranked = {r.statement.text: r for r in results.balanced}
    assert (ranked[SEEDS[0]].balanced_place, ranked[SEEDS[0]].raw_place) == (4, 3)
    assert ranked[SEEDS[0]].explanation.startswith("1 place lower than by raw agreement")
    assert ranked[SEEDS[3]].explanation.startswith("1 place higher than by raw agreement")


def test_a_small_group_is_hidden_directly_and_by_subtraction(
    voting: Voting, voted: Conversation
) -> None:
    """Two people came through the "other" link. Their group is hidden everywhere, and so is
    enough else that the two cannot be worked out from the totals."""
    voting.group(OTHER, 2, PATTERN[OTHER])
    data = _refresh(voted)
    minimum = data["minimum"]
    people = _cells(data["participants"]["constituencies"])
    assert not people[OTHER]["shown"]
    assert "Fewer than 5 people" in people[OTHER]["reason"]
    true_votes = {FAMILY: 6, FRONTLINE: 8, MANAGER: 7, OTHER: 2, "open": 0}
    for statement in seeds_of(voted):
        figures = data["statements"][str(statement.pk)]
        cells = _cells(figures["constituencies"])
        assert not cells[OTHER]["shown"]
        # Whatever is hidden, together, is not a group under the minimum: the total minus
        # every shown cell gives no small group away.
        hidden = sum(true_votes[k] for k, cell in cells.items() if not cell["shown"])
        assert hidden == 0 or hidden >= minimum
        assert sum(not cells[k]["shown"] for k in (FAMILY, FRONTLINE, MANAGER)) >= 1
        # Balanced support averages every group that voted, the hidden one too: hidden.
        assert figures["balanced"] is None
        assert not figures["common_ground"], "common ground needs every group's votes shown"
    assert data["common_ground"] == []
    voice = {row["key"]: row for row in data["voice"]}
    assert not voice[OTHER]["shown"]
    hidden_voice = [k for k, row in voice.items() if not row["shown"] and true_votes.get(k)]
    assert sum(true_votes[k] for k in hidden_voice) >= minimum


def test_the_page_and_csv_show_no_figure_of_a_hidden_group(
    voting: Voting, voted: Conversation, facilitator: Member
) -> None:
    voting.group(OTHER, 2, PATTERN[OTHER])
    _refresh(voted)
    page = client_for(facilitator).get(reverse("conversations:results", kwargs={"pk": voted.pk}))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Fewer than 5 people answered in this group" in text
    csv = client_for(facilitator).get(reverse("conversations:results_csv", kwargs={"pk": voted.pk}))
    rows = csv.content.decode().splitlines()
    other_rows = [r for r in rows if ",constituency,Other," in r]
    assert other_rows and all("Fewer than 5 people" in r for r in other_rows)


def test_open_link_people_are_reported_apart_and_never_weighed_as_invited(
    voting: Voting, voted: Conversation
) -> None:
    before = _refresh(voted)
    voting.group(FAMILY, 6, (DISAGREE, DISAGREE, DISAGREE, DISAGREE), declared=FAMILY)
    after = _refresh(voted)
    first = str(seeds_of(voted)[0].pk)
    assert after["statements"][first]["balanced"] == before["statements"][first]["balanced"]
    assert after["statements"][first]["agree"] < before["statements"][first]["agree"]
    people = _cells(after["participants"]["constituencies"])
    assert people["open"]["shown"] and people["open"]["people"] == 5  # 6, rounded to 5
    assert people[FAMILY]["people"] == 5  # the invited families only
    declared = _cells(after["participants"]["open_link"])
    assert declared[FAMILY]["shown"]
    cells = _cells(after["statements"][first]["constituencies"])
    assert cells["open"]["shown"] and cells["open"]["disagree"] == 100


@pytest.fixture
def written(make_conversation: Callable[..., Conversation], facilitator: Member) -> Conversation:
    """A post-moderation conversation where a participant wrote a statement (shown at once,
    starting like a spreadsheet formula) that people voted on."""
    conversation = make_conversation(moderation=Moderation.POST)
    voting = Voting(conversation, facilitator)
    [writer, *_rest] = voting.group(FAMILY, 6, PATTERN[FAMILY])
    statement = services.statement_write(
        conversation=conversation,
        member=None,
        browser_key=writer,
        text="=HYPERLINK(zebracrossing) families need quiet rooms",
    )
    for n in range(101, 107):
        vote_as_guest(conversation, key(n), statement, AGREE)
    return conversation


def _exports(conversation: Conversation, client: Client) -> dict[str, str]:
    pk = {"pk": conversation.pk}
    found = {
        name: client.get(reverse(f"conversations:{name}", kwargs=pk)).content.decode()
        for name in ("results", "results_print", "results_csv")
    }
    try:
        load_weasyprint()
    except PdfUnavailable:
        return found
    import pypdf

    pdf = client.get(reverse("conversations:results_pdf", kwargs=pk)).content
    found["pdf"] = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return found


def test_a_rejected_statement_never_reaches_results_pdf_or_csv(
    written: Conversation, facilitator: Member
) -> None:
    data = _refresh(written)
    statement = Statement.objects.get(conversation=written, seed=False)
    assert str(statement.pk) in data["statements"]
    client = client_for(facilitator)
    shown = _exports(written, client)
    assert all("zebracrossing" in text for text in shown.values()), "shown while accepted"
    assert "'=HYPERLINK(zebracrossing)" in shown["results_csv"], "formula made plain text"

    services.statement_reject(statement=statement, actor=facilitator, reason="off_topic")
    stale = _exports(written, client)  # before the worker recomputes: the words are gone
    assert not any("zebracrossing" in text for text in stale.values())
    data = _refresh(written)
    assert str(statement.pk) not in data["statements"]
    assert not any("zebracrossing" in text for text in _exports(written, client).values())


def test_the_pdf_is_a_pdf(voted: Conversation, facilitator: Member) -> None:
    try:
        load_weasyprint()
    except PdfUnavailable as error:
        pytest.skip(f"WeasyPrint cannot load here (it needs Pango): {error}")
    _refresh(voted)
    response = client_for(facilitator).get(
        reverse("conversations:results_pdf", kwargs={"pk": voted.pk})
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_pages_read_the_snapshot_and_never_compute(
    voted: Conversation, facilitator: Member
) -> None:
    client = client_for(facilitator)
    url = reverse("conversations:results", kwargs={"pk": voted.pk})
    page = client.get(url)
    assert "have not been worked out yet" in page.content.decode()
    assert not ResultsSnapshot.objects.exists()
    _refresh(voted)
    Vote.objects.filter(conversation=voted).delete()  # the page shows the snapshot still
    assert "from 84 votes" in client.get(url).content.decode()


def test_who_may_see_results_and_when(
    voted: Conversation, facilitator: Member, make_member: Callable[..., Member]
) -> None:
    _refresh(voted)
    url = reverse("conversations:results", kwargs={"pk": voted.pk})
    family = guest_via(link_for(voted, facilitator, FAMILY), n=900)
    staff = client_for(make_member("staff", name="s"))
    assert Client().get(url).status_code == 404, "a stranger: the conversation is not there"
    assert client_for(facilitator).get(url).status_code == 200, "who runs it, while open"
    refused = family.get(url)
    assert refused.status_code == 403 and "shared when the conversation closes" in (
        refused.content.decode()
    )
    assert staff.get(url).status_code == 403
    Conversation.objects.filter(pk=voted.pk).update(results_while_open=True)
    assert family.get(url).status_code == 200 and staff.get(url).status_code == 200
    Conversation.objects.filter(pk=voted.pk).update(results_while_open=False, closed_early=True)
    assert family.get(url).status_code == 200
    csv = family.get(reverse("conversations:results_csv", kwargs={"pk": voted.pk}))
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")


def test_another_partnership_sees_nothing(
    voted: Conversation, other_partnership: Partnership, make_member: Callable[..., Member]
) -> None:
    _refresh(voted)
    client = client_for(make_member("facilitator", partnership=other_partnership, name="o"))
    for name in ("results", "results_print", "results_csv", "results_pdf"):
        assert (
            client.get(reverse(f"conversations:{name}", kwargs={"pk": voted.pk})).status_code == 404
        )


@pytest.mark.django_db(transaction=True)  # the worker reconnects between steps
def test_a_vote_refreshes_the_results_through_the_worker_with_no_page_loaded(
    settings: Any, conversation: Conversation, facilitator: Member
) -> None:
    settings.TASKS = DATABASE_TASKS
    link = link_for(conversation, facilitator, FAMILY)
    browsers = [guest_via(link, n=n) for n in range(1, 4)]
    [first, *_] = seeds_of(conversation)
    vote_url = reverse("conversations:vote", kwargs={"pk": conversation.pk})
    for browser in browsers:
        browser.post(vote_url, {"statement": first.pk, "value": AGREE})
    snapshot = ResultsSnapshot.objects.get(conversation=conversation)
    assert snapshot.queued and snapshot.computed_at is None
    assert DBTaskResult.objects.count() == 1, "three votes, one recompute queued"

    _spacing_passes()
    call_command("worker", "--once", stdout=None)
    snapshot.refresh_from_db()
    assert snapshot.votes == 3 and snapshot.computed_at is not None and not snapshot.queued
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}

    browsers[0].post(vote_url, {"statement": seeds_of(conversation)[1].pk, "value": DISAGREE})
    _spacing_passes()
    call_command("worker", "--once", stdout=None)
    snapshot.refresh_from_db()
    assert snapshot.votes == 4


def _spacing_passes() -> None:
    """What the worker sees once the recompute's spacing has passed."""
    DBTaskResult.objects.filter(status="READY").update(
        run_after=timezone.now() - services.RECOMPUTE_SPACING
    )


@pytest.mark.django_db(transaction=True)  # the worker reconnects between steps
def test_a_recompute_waits_its_spacing_so_votes_meanwhile_share_it(
    settings: Any, conversation: Conversation, facilitator: Member
) -> None:
    """While votes keep coming, the worker recomputes about every RECOMPUTE_SPACING, not
    without a break: a recompute queued by a vote starts that long after it, and a worker
    that looks before then leaves it waiting."""
    settings.TASKS = DATABASE_TASKS
    client = guest_via(link_for(conversation, facilitator, FAMILY))
    [first, second, *_] = seeds_of(conversation)
    vote_url = reverse("conversations:vote", kwargs={"pk": conversation.pk})
    before = timezone.now()
    client.post(vote_url, {"statement": first.pk, "value": AGREE})
    [queued] = DBTaskResult.objects.all()
    assert queued.run_after is not None
    assert before + services.RECOMPUTE_SPACING <= queued.run_after
    assert queued.run_after <= timezone.now() + services.RECOMPUTE_SPACING

    call_command("worker", "--once", stdout=None)
    client.post(vote_url, {"statement": second.pk, "value": AGREE})
    assert DBTaskResult.objects.get().status == "READY", "not run before its time"
    assert ResultsSnapshot.objects.get(conversation=conversation).computed_at is None

    _spacing_passes()
    call_command("worker", "--once", stdout=None)
    snapshot = ResultsSnapshot.objects.get(conversation=conversation)
    assert snapshot.votes == 2 and not snapshot.queued


def test_without_weasyprint_the_pdf_link_says_so(
    voted: Conversation, facilitator: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    import village.pdf

    def unavailable() -> None:
        raise PdfUnavailable("no Pango here")

    monkeypatch.setattr(village.pdf, "load_weasyprint", unavailable)
    response = client_for(facilitator).get(
        reverse("conversations:results_pdf", kwargs={"pk": voted.pk})
    )
    assert response.status_code == 503
    assert "Print, which can save a PDF too" in response.content.decode()


def test_statement_words_are_escaped_on_every_results_page(
    make_conversation: Callable[..., Conversation], facilitator: Member
) -> None:
    hostile = "<script>alert('x')</script> Robert'); DROP TABLE votes;--"
    conversation = make_conversation(seeds=[*SEEDS, hostile])
    Voting(conversation, facilitator).group(FAMILY, 6, PATTERN[FAMILY])
    statement = Statement.objects.get(conversation=conversation, text=hostile)
    for n in range(101, 107):
        vote_as_guest(conversation, key(n), statement, AGREE)
    _refresh(conversation)
    client = client_for(facilitator)
    for name in ("results", "results_print"):
        text = client.get(reverse(f"conversations:{name}", kwargs={"pk": conversation.pk}))
        page = text.content.decode()
        assert "<script>alert" not in page and "&lt;script&gt;alert(" in page
    assert Vote.objects.filter(conversation=conversation).count() == 6 * 4 + 6
