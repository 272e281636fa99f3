"""Finding a voter for a vote: one query, written out once, that must give the same voter
and conversation the ORM gives, and only to the person it belongs to."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conversations.conftest import key
from village.conversations import selectors, services
from village.conversations.models import Conversation, Link, Voter
from village.people.models import Member, Role


def _values(instance: object) -> dict[str, object]:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}  # type: ignore[attr-defined]


def test_a_guest_gets_their_voter_and_conversation_as_the_orm_reads_them(
    conversation: Conversation, family_link: Link
) -> None:
    voter, _new = services.voter_join(link=family_link, member=None, browser_key=key(1))
    with CaptureQueriesContext(connection) as queries:
        found = selectors.participation(pk=conversation.pk, member=None, browser_key=key(1))
    assert len(queries) == 1
    assert found is not None
    assert _values(found) == _values(Voter.objects.get(pk=voter.pk))
    stored = Conversation.objects.get(pk=conversation.pk)
    assert _values(found.conversation) == _values(stored)
    assert found.conversation.opens_at.tzinfo is not None
    assert found.conversation.closed_early is False


def test_nobody_else_gets_the_voter(
    conversation: Conversation,
    family_link: Link,
    make_conversation: Callable[..., Conversation],
) -> None:
    services.voter_join(link=family_link, member=None, browser_key=key(1))
    other = make_conversation()
    assert selectors.participation(pk=conversation.pk, member=None, browser_key=key(2)) is None
    assert selectors.participation(pk=other.pk, member=None, browser_key=key(1)) is None
    assert selectors.participation(pk=conversation.pk, member=None, browser_key="short") is None


def test_a_member_votes_as_their_membership_not_as_the_browser(
    conversation: Conversation, family_link: Link, make_member: Callable[..., Member]
) -> None:
    """A member who once joined as a guest on this browser, then signed in, votes as the
    member: the guest row under the same browser key is not theirs to use now."""
    guest, _new = services.voter_join(link=family_link, member=None, browser_key=key(1))
    member = make_member(Role.FAMILY, name="signed-in")
    mine, _new = services.voter_join(link=family_link, member=member, browser_key=key(1))
    found = selectors.participation(pk=conversation.pk, member=member, browser_key=key(1))
    assert found is not None and found.pk == mine.pk != guest.pk
    member.deactivated_at = timezone.now()  # a left member is a guest here again
    found = selectors.participation(pk=conversation.pk, member=member, browser_key=key(1))
    assert found is not None and found.pk == guest.pk
