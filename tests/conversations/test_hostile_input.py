"""Every conversation form, sent empty, huge, malformed and hostile input: each gets a clear
answer (never a 500), nothing hostile is echoed unescaped, and nothing bad is saved."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.conversations.conftest import guest_via
from tests.hostile import HOSTILE, SCRIPT, check
from village.conversations import selectors, services
from village.conversations.models import Conversation, Link, Statement
from village.people.models import Member


@pytest.mark.parametrize("kind", HOSTILE)
def test_participant_forms(conversation: Conversation, family_link: Link, kind: str) -> None:
    value = HOSTILE[kind]
    client = guest_via(family_link)
    pk = conversation.pk
    code = quote(value[:50], safe="") or "x"
    check(client.post(reverse("conversations:join", kwargs={"code": code})), value)
    check(
        client.post(
            reverse("conversations:join", kwargs={"code": family_link.code}), {"declared": value}
        ),
        value,
    )
    vote = reverse("conversations:vote", kwargs={"pk": pk})
    check(client.post(vote, {"statement": value, "value": value}), value)
    statement = selectors.votable_statements(conversation=conversation).first()
    assert statement is not None
    check(client.post(vote, {"statement": statement.pk, "value": value}), value)
    page = check(
        client.post(
            reverse("conversations:write", kwargs={"pk": pk}), {"text": value, "confirmed": value}
        ),
        value,
    )
    if kind == "huge":
        assert "much too long" in page
    if kind == "empty":
        assert "Write a statement first." in page
    for text in Statement.objects.filter(seed=False).values_list("text", flat=True):
        assert "\x00" not in text and len(text) <= conversation.statement_max_length


@pytest.mark.parametrize("kind", HOSTILE)
def test_facilitator_and_moderator_forms(
    conversation: Conversation, family_link: Link, facilitator: Member, kind: str
) -> None:
    value = HOSTILE[kind]
    client = client_for(facilitator)
    pk = conversation.pk
    fields = ("question", "context", "opens_at", "closes_at", "seeds", "moderation_policy")
    page = check(
        client.post(
            reverse("conversations:create"),
            {
                **dict.fromkeys(fields, value),
                "statement_max_length": value,
                "moderation": value,
                "expected_family": value,
            },
        ),
        value,
    )
    if kind == "huge":
        assert "We could not read what was sent" in page
    check(
        client.post(reverse("conversations:edit", kwargs={"pk": pk}), dict.fromkeys(fields, value)),
        value,
    )
    check(client.post(reverse("conversations:seeds", kwargs={"pk": pk}), {"seeds": value}), value)
    check(
        client.post(
            reverse("conversations:links_create", kwargs={"pk": pk}),
            {"group": value, "kind": value, "number": value},
        ),
        value,
    )
    check(
        client.post(reverse("conversations:moderators", kwargs={"pk": pk}), {"moderators": value}),
        value,
    )
    check(
        client.post(
            reverse("conversations:action_create", kwargs={"pk": pk}),
            {"statement": value, "text": value, "owner_agency": value, "due_on": value},
        ),
        value,
    )
    guest = guest_via(family_link)
    guest.post(reverse("conversations:write", kwargs={"pk": pk}), {"text": "A fair point to make"})
    statement = Statement.objects.get(seed=False)
    kwargs = {"pk": pk, "statement_pk": statement.pk}
    check(
        client.post(
            reverse("conversations:decide", kwargs=kwargs), {"decision": value, "reason": value}
        ),
        value,
    )
    for name, field in (
        ("statement_edit", "text"),
        ("statement_reword", "text"),
        ("statement_split", "parts"),
    ):
        check(client.post(reverse(f"conversations:{name}", kwargs=kwargs), {field: value}), value)
    statement.refresh_from_db()
    assert "\x00" not in statement.text and len(statement.text) <= 140
    saved = Conversation.objects.get(pk=pk)
    assert "\x00" not in saved.question and len(saved.question) <= 300


def test_a_body_that_is_not_utf8_gets_a_clear_answer(
    conversation: Conversation, family_link: Link
) -> None:
    client = guest_via(family_link)
    response = client.post(
        reverse("conversations:write", kwargs={"pk": conversation.pk}),
        b"text=caf%E9+%FF%00",
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )
    assert response.status_code in (200, 302, 400)


def test_hostile_statement_text_is_escaped_where_it_is_shown(
    conversation: Conversation, family_link: Link, facilitator: Member
) -> None:
    guest = guest_via(family_link)
    guest.post(
        reverse("conversations:write", kwargs={"pk": conversation.pk}),
        {"text": SCRIPT, "confirmed": "True"},
    )
    statement = Statement.objects.get(seed=False)
    assert statement.text == SCRIPT
    services.statement_accept(statement=statement, actor=facilitator)
    for page in (
        client_for(facilitator).get(
            reverse("conversations:moderate", kwargs={"pk": conversation.pk})
        ),
        client_for(facilitator).get(
            reverse("conversations:manage", kwargs={"pk": conversation.pk})
        ),
        guest.get(reverse("conversations:answers", kwargs={"pk": conversation.pk})),
    ):
        check(page, SCRIPT)
