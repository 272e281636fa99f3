"""The partnership home shows this quarter at a glance, by role, and never a figure that has
not been released to the whole partnership."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import escape

from tests.conftest import LOGIN, OK, access_outcome, client_for
from village.conversations import selectors as conversation_selectors
from village.conversations import services as conversation_services
from village.conversations.models import Conversation
from village.demo import demo_load
from village.people.models import Member
from village.pulse.models import Round
from village.reviews import selectors

HOME = reverse("reviews:home")
TRENDS_FOR_MANAGERS = "Admins and partner leads see the check-ins' trends here."


def _page(email: str) -> str:
    member = Member.objects.get(user__email=email)
    response = client_for(member).get(HOME)
    assert access_outcome(response) == OK
    return response.content.decode()


def test_home_by_role(db: None) -> None:
    partnership, _created = demo_load()
    released = Round.objects.filter(partnership=partnership, released=True).first()
    assert released is not None
    for email in ("admin@demo.village", "lead@demo.village"):
        page = _page(email)
        assert escape(released.title) in page and reverse("pulse:trends") in page
        assert TRENDS_FOR_MANAGERS not in page
    for email in (
        "facilitator@demo.village",
        "staff@demo.village",
        "family@demo.village",
        "observer@demo.village",
    ):
        page = _page(email)
        assert TRENDS_FOR_MANAGERS in page and escape(released.title) not in page
        assert "Autumn circle: working across agencies" in page
        assert "Publish one shared duty contact list for all six agencies." in page
        assert "Family rights: Family panel 3.0" in page
        current, last = selectors.reviews_for(partnership=partnership)
        assert reverse("reviews:pack_print", kwargs={"pk": last.pk}) in page
        assert reverse("reviews:gaps", kwargs={"pk": last.pk}) in page
        assert reverse("reviews:review", kwargs={"pk": current.pk}) in page
        for action in selectors.actions_due(review=current, by=current.opened_at.date()):
            assert escape(action.text) in page
    assert access_outcome(client_for(None).get(HOME)) == LOGIN
    member = Member.objects.get(user__email="family@demo.village")
    assert HOME in client_for(member).get(reverse("people:home")).content.decode()


def test_unreleased_figures_never_appear(db: None) -> None:
    partnership, _created = demo_load()
    conversation = Conversation.objects.get(partnership=partnership)
    conversation_services.results_refresh(conversation=conversation)  # the worker's work
    results = conversation_selectors.results_for(conversation=conversation)
    assert results.ready and not conversation.results_while_open
    texts = [s.text for s in results.common_ground] + [d.statement.text for d in results.divides]
    assert texts
    for email in ("admin@demo.village", "facilitator@demo.village", "family@demo.village"):
        page = _page(email)
        assert not [text for text in texts if escape(text) in page]
        assert escape(conversation.question) not in page
        for open_round in Round.objects.filter(partnership=partnership, released=False):
            assert escape(open_round.title) not in page

    conversation_services.conversation_close(
        conversation=conversation, actor=Member.objects.get(user__email="facilitator@demo.village")
    )
    page = _page("family@demo.village")
    assert escape(conversation.question) in page
    assert all(escape(text) in page for text in texts)
