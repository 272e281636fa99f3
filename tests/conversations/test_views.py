"""The conversation pages for each role, allowed and refused, and the participant's journey
with no account: join from a link, vote one statement at a time, change an answer, write a
statement that gets the lens's and the identifying check's warnings, moderation by a
co-moderator from a family, and the published log."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import FORBIDDEN, LOGIN, MISSING, OK, access_outcome, client_for
from tests.conversations.conftest import guest_via, link_for
from village.conversations import selectors, services
from village.conversations.models import (
    ConstituencyKind,
    Conversation,
    Link,
    State,
    Statement,
    Vote,
    Voter,
)
from village.logs import redact
from village.people.models import Member, Partnership, Role

FAMILY = ConstituencyKind.FAMILY


def _first(conversation: Conversation) -> Statement:
    statement = selectors.votable_statements(conversation=conversation).order_by("text").first()
    assert statement is not None
    return statement


def test_a_facilitator_creates_a_conversation_with_seeds_and_makes_links(
    facilitator: Member,
) -> None:
    client = client_for(facilitator)
    assert client.get(reverse("conversations:create")).status_code == 200
    response = client.post(
        reverse("conversations:create"),
        {
            "question": "How should services work with families affected by substance use?",
            "context": "We are rewriting the guidance.",
            "opens_at": "2020-01-01T10:00",
            "closes_at": "2099-01-01T10:00",
            "seeds": "One idea\nAnother idea\n\n",
            "moderation": "pre",
            "moderation_policy": "",
            "statement_max_length": "140",
            "expected_family": "20",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    conversation = Conversation.objects.get()
    assert conversation.statements.count() == 2
    assert conversation.constituencies.get(kind=FAMILY).expected == 20
    family = conversation.constituencies.get(kind=FAMILY)
    made = client.post(
        reverse("conversations:links_create", kwargs={"pk": conversation.pk}),
        {"group": str(family.pk), "kind": "single", "number": "3"},
    )
    assert made.status_code == 302
    assert Link.objects.filter(constituency=family, max_uses=1).count() == 3
    page = client.get(reverse("conversations:manage", kwargs={"pk": conversation.pk}))
    assert page.status_code == 200
    assert "/conversations/j/" in page.content.decode()


@pytest.mark.parametrize(
    ("role", "create", "manage", "moderate"),
    [
        (Role.ADMIN, OK, OK, OK),
        (Role.FACILITATOR, OK, OK, OK),
        (Role.PARTNER_LEAD, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        (Role.STAFF, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        (Role.FAMILY, FORBIDDEN, FORBIDDEN, FORBIDDEN),
        (Role.OBSERVER, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ],
)
def test_running_pages_by_role(
    conversation: Conversation,
    make_member: Callable[..., Member],
    role: str,
    create: str,
    manage: str,
    moderate: str,
) -> None:
    client = client_for(make_member(role, name=f"{role}-x"))
    pk = conversation.pk
    assert access_outcome(client.get(reverse("conversations:create"))) == create
    assert access_outcome(client.get(reverse("conversations:manage", kwargs={"pk": pk}))) == manage
    assert access_outcome(client.get(reverse("conversations:moderate", kwargs={"pk": pk}))) == (
        moderate
    )
    assert access_outcome(client.get(reverse("conversations:log", kwargs={"pk": pk}))) == OK
    assert access_outcome(client.get(reverse("conversations:list"))) == OK


def test_another_partnership_and_strangers_are_refused(
    conversation: Conversation,
    make_member: Callable[..., Member],
    other_partnership: Partnership,
) -> None:
    outsider = client_for(make_member(Role.ADMIN, partnership=other_partnership, name="out"))
    pk = conversation.pk
    for name in ("manage", "moderate", "edit", "log", "log_csv"):
        url = reverse(f"conversations:{name}", kwargs={"pk": pk})
        assert access_outcome(outsider.get(url)) == MISSING, name
    assert access_outcome(outsider.post(reverse("conversations:close", kwargs={"pk": pk}))) == (
        MISSING
    )
    stranger = Client()
    assert access_outcome(stranger.get(reverse("conversations:manage", kwargs={"pk": pk}))) == (
        LOGIN
    )
    assert access_outcome(stranger.get(reverse("conversations:vote", kwargs={"pk": pk}))) == (
        FORBIDDEN
    )
    assert access_outcome(stranger.get(reverse("conversations:log", kwargs={"pk": pk}))) == MISSING
    assert Conversation.objects.get(pk=pk).closed_early is False


def test_a_family_member_joins_votes_changes_and_writes_with_no_account(
    conversation: Conversation, family_link: Link, facilitator: Member
) -> None:
    page = Client().get(reverse("conversations:join", kwargs={"code": family_link.code}))
    assert page.status_code == 200 and conversation.question in page.content.decode()
    client = guest_via(family_link)
    pk = conversation.pk
    shown = client.get(reverse("conversations:vote", kwargs={"pk": pk})).content.decode()
    assert "You have answered 0 of 4 statements." in shown
    statement = next(s for s in conversation.statements.all() if s.text in shown)
    url = reverse("conversations:vote", kwargs={"pk": pk})
    assert client.post(url, {"statement": statement.pk, "value": "1"}).status_code == 302
    after = client.get(url).content.decode()
    assert "You have answered 1 of 4 statements." in after and statement.text not in after
    client.post(url, {"statement": statement.pk, "value": "-1", "back": "answers"})
    assert Vote.objects.get(statement=statement).value == -1
    answers = client.get(reverse("conversations:answers", kwargs={"pk": pk})).content.decode()
    assert statement.text in answers and 'aria-pressed="true">Disagree' in answers

    write = reverse("conversations:write", kwargs={"pk": pk})
    warned = client.post(write, {"text": "Parents who are non-compliant get no help"})
    page = warned.content.decode()
    assert warned.status_code == 200 and "non-compliant" in page and "perhaps" in page
    assert not Statement.objects.filter(text__contains="non-compliant").exists()
    named = client.post(write, {"text": "Call Sarah on 07700 900123 about this"}).content.decode()
    assert "07700" in named and "could identify" in named.lower()
    similar = client.post(write, {"text": "families should read their own case notes"})
    assert "Is this what you mean?" in similar.content.decode()
    posted = client.post(write, {"text": "Parents should chair their own meetings"})
    assert posted.status_code == 302
    mine = Statement.objects.get(text="Parents should chair their own meetings")
    assert mine.state == State.PENDING and mine.author_constituency.kind == FAMILY
    kept = client.post(write, {"text": "x" * 141, "confirmed": "True"}).content.decode()
    assert "Please keep it to 140 characters" in kept


def test_a_link_cannot_be_reused_past_its_limit_over_the_web(
    conversation: Conversation, facilitator: Member
) -> None:
    link = link_for(conversation, facilitator, FAMILY, max_uses=1)
    guest_via(link, 1)
    second = Client()
    page = second.get(reverse("conversations:join", kwargs={"code": link.code})).content.decode()
    assert "as many people as it allows" in page
    response = second.post(reverse("conversations:join", kwargs={"code": link.code}))
    assert "as many people as it allows" in response.content.decode()
    assert Voter.objects.count() == 1


def test_an_open_link_asks_for_a_group(conversation: Conversation, facilitator: Member) -> None:
    link = link_for(conversation, facilitator, "")
    client = Client()
    url = reverse("conversations:join", kwargs={"code": link.code})
    assert "Which group are you in?" in client.get(url).content.decode()
    refused = client.post(url, {})
    assert "Choose the group you belong to." in refused.content.decode()
    guest_via(link, 7, declared=FAMILY)
    voter = Voter.objects.get()
    assert voter.constituency is None and voter.declared.kind == FAMILY


def test_a_family_co_moderator_moderates_and_the_log_is_published(
    conversation: Conversation,
    family_link: Link,
    facilitator: Member,
    make_member: Callable[..., Member],
) -> None:
    parent = make_member(Role.FAMILY, name="dawn")
    staff = make_member(Role.STAFF, name="sam")
    services.moderators_set(conversation=conversation, actor=facilitator, members=[parent])
    guest = guest_via(family_link)
    guest.post(
        reverse("conversations:write", kwargs={"pk": conversation.pk}),
        {"text": '=HYPERLINK("http://x") Parents should chair their own meetings'},
    )
    guest.post(
        reverse("conversations:write", kwargs={"pk": conversation.pk}),
        {"text": "Something off the question entirely"},
    )
    first, second = Statement.objects.filter(seed=False).order_by("text")
    moderator = client_for(parent)
    queue = moderator.get(reverse("conversations:moderate", kwargs={"pk": conversation.pk}))
    assert queue.status_code == 200 and "Parents should chair" in queue.content.decode()
    refused = client_for(staff).post(
        reverse("conversations:decide", kwargs={"pk": conversation.pk, "statement_pk": first.pk}),
        {"decision": "accept"},
    )
    assert refused.status_code == 403
    moderator.post(
        reverse("conversations:decide", kwargs={"pk": conversation.pk, "statement_pk": first.pk}),
        {"decision": "accept"},
    )
    moderator.post(
        reverse("conversations:decide", kwargs={"pk": conversation.pk, "statement_pk": second.pk}),
        {"decision": "reject", "reason": "off_topic"},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state, second.reason) == ("accepted", "rejected", "off_topic")
    log = guest.get(reverse("conversations:log", kwargs={"pk": conversation.pk})).content.decode()
    assert "It is off the question" in log and "Accepted" in log
    assert "Parents should chair" not in log
    csv = guest.get(reverse("conversations:log_csv", kwargs={"pk": conversation.pk}))
    lines = csv.content.decode().splitlines()
    assert lines[0] == "day,decision,reason,statements"
    assert any(line.endswith(",Not accepted,It is off the question,1") for line in lines)
    assert not any(line.startswith(("=", "+", "-", "@")) for line in lines)


def test_split_and_reword_pages(
    conversation: Conversation, family_link: Link, facilitator: Member
) -> None:
    guest_via(family_link)
    statement = Statement.objects.create(
        conversation=conversation, text="Fewer meetings and more visits", created_on="2030-01-01"
    )
    client = client_for(facilitator)
    kwargs = {"pk": conversation.pk, "statement_pk": statement.pk}
    assert client.get(reverse("conversations:statement_split", kwargs=kwargs)).status_code == 200
    client.post(
        reverse("conversations:statement_split", kwargs=kwargs),
        {"parts": "Fewer meetings\nMore visits"},
    )
    assert set(statement.derived.values_list("text", flat=True)) == {
        "Fewer meetings",
        "More visits",
    }
    derived = statement.derived.first()
    assert derived is not None
    kwargs["statement_pk"] = derived.pk
    client.post(
        reverse("conversations:statement_reword", kwargs=kwargs), {"text": "Hold fewer meetings"}
    )
    assert derived.derived.get().text == "Hold fewer meetings"


def test_link_codes_are_taken_out_of_log_lines() -> None:
    line = 'GET /conversations/j/ABCD2345/ 404 "/conversations/j/ABCD2345/?x=1"'
    assert "ABCD2345" not in redact(line)
    assert "/conversations/j/[redacted]/" in redact(line)


def test_join_with_a_code_takes_a_conversation_link_code(
    conversation: Conversation, facilitator: Member
) -> None:
    """The one join page (circles and check-ins) sends a conversation's code to its join
    page, typed in any case and with spaces."""
    link = link_for(conversation, facilitator, FAMILY)
    typed = f" {link.code[:4].lower()} {link.code[4:]} "
    response = Client().post(reverse("circles:join"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("conversations:join", kwargs={"code": link.code})
    page = Client().get(response["Location"]).content.decode()
    assert conversation.question in page
