"""Language hints after posting, in every hinted box: without JavaScript a post whose words
have hints comes back once, words kept and hints shown, and the next post goes as it is;
with JavaScript the live panel showed them already (hints.js marks the form), so it goes at
once; words without hints always go at once. Nothing about the hints is kept."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for, guest_in
from tests.conversations.conftest import conversation, family_link, guest_via, make_conversation
from tests.pulse.conftest import answer_all_but_last, lead, make_round
from tests.reviews.conftest import Partners, draft, partners, published, review
from village.circles import services as circle_services
from village.circles.models import Action as CircleAction
from village.circles.models import Circle, Phase, Reflection
from village.conversations.models import Conversation, Link, Statement
from village.language import selectors as language_selectors
from village.language import services as language_services
from village.people.models import Member, Role, SupportLink
from village.pulse.models import PendingResponse, Round
from village.reviews import services as review_services
from village.reviews.models import (
    Action,
    Amendment,
    AmendmentComment,
    CharterVersion,
    Clause,
    ClauseKind,
    Milestone,
    NotRated,
    Review,
    SelfRating,
    Shortfall,
    Value,
)

pytestmark = pytest.mark.django_db
__all__ = [  # fixtures shared with the apps' own tests
    "conversation",
    "draft",
    "family_link",
    "lead",
    "make_conversation",
    "make_round",
    "partners",
    "published",
    "review",
]

FLAGGED = "Parents who are non-compliant get no help from us"
MARKED = re.compile(r'name="(?:[\w-]*-)?confirmed" value="True"')


def _later() -> str:
    return (timezone.localdate() + timedelta(days=30)).isoformat()


@dataclass
class Box:
    """One hinted box: who posts, where, the fields around the words, and whether the words
    were kept. `prefix` names the form's fields in a formset."""

    client: Client
    url: str
    fields: Callable[[str], dict[str, Any]]
    kept: Callable[[str], bool]
    prefix: str = ""

    def post(self, text: str, **marks: str) -> Any:
        data = self.fields(text) | {f"{self.prefix}{name}": v for name, v in marks.items()}
        return self.client.post(self.url, data)


def _first_value(version: CharterVersion) -> Value:
    return Value.objects.filter(version=version).order_by("position")[0]


def _first_right(version: CharterVersion) -> Clause:
    return Clause.objects.filter(value__version=version, kind=ClauseKind.RIGHT).order_by(
        "value__position", "position"
    )[0]


def _reflection_box(circle: Circle) -> Box:
    prompt = circle.prompts.first()
    assert prompt is not None
    return Box(
        guest_in(circle),
        reverse("circles:reflect", kwargs={"code": circle.join_code}),
        lambda text: {"prompt": prompt.pk, "text": text},
        lambda text: Reflection.objects.filter(text=text).exists(),
    )


def _reflection(request: pytest.FixtureRequest) -> Box:
    return _reflection_box(request.getfixturevalue("circle"))


def _reflection_edit(request: pytest.FixtureRequest) -> Box:
    circle: Circle = request.getfixturevalue("circle")
    box = _reflection(request)
    assert box.post("A first thought").status_code == 302
    mine = Reflection.objects.get(text="A first thought")
    return Box(
        box.client,
        reverse(
            "circles:reflection_edit",
            kwargs={"code": circle.join_code, "reflection_id": mine.public_id},
        ),
        lambda text: {"text": text},
        lambda text: Reflection.objects.filter(pk=mine.pk, text=text).exists(),
    )


def _circle_action(request: pytest.FixtureRequest) -> Box:
    circle: Circle = request.getfixturevalue("circle")
    facilitator: Member = request.getfixturevalue("facilitator")
    circle_services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.ACT)
    agency = request.getfixturevalue("agency")
    return Box(
        client_for(facilitator),
        reverse("circles:action_create", kwargs={"pk": circle.pk}),
        lambda text: {"text": text, "owner_agency": agency.pk, "due_on": _later()},
        lambda text: CircleAction.objects.filter(text=text).exists(),
    )


def _statement(request: pytest.FixtureRequest) -> Box:
    conversation: Conversation = request.getfixturevalue("conversation")
    link: Link = request.getfixturevalue("family_link")
    return Box(
        guest_via(link),
        reverse("conversations:write", kwargs={"pk": conversation.pk}),
        lambda text: {"text": text[:120]},
        lambda text: Statement.objects.filter(text=text[:120]).exists(),
    )


def _review_box(request: pytest.FixtureRequest) -> tuple[Partners, Review, Value]:
    found: Review = request.getfixturevalue("review")
    value = Value.objects.filter(version_id=found.version_id).order_by("position")[0]
    return request.getfixturevalue("partners"), found, value


def _review_url(name: str, found: Review) -> str:
    return reverse(f"reviews:{name}", kwargs={"pk": found.pk})


def _evidence(request: pytest.FixtureRequest) -> Box:
    people, found, value = _review_box(request)
    return Box(
        client_for(people.leads[0]),
        _review_url("self_rate", found),
        lambda text: {f"score_{value.pk}": "4", f"evidence_{value.pk}": text},
        lambda text: SelfRating.objects.filter(evidence=text).exists(),
    )


def _not_rated(request: pytest.FixtureRequest) -> Box:
    people, found, value = _review_box(request)
    who = f"agency:{people.agencies[0].pk}"
    return Box(
        client_for(people.leads[0]),
        _review_url("not_rated", found),
        lambda text: {"who": who, "value": value.pk, "because": text},
        lambda text: NotRated.objects.filter(because=text).exists(),
    )


def _shortfall(request: pytest.FixtureRequest) -> Box:
    people, found, value = _review_box(request)
    return Box(
        client_for(people.family[1]),
        _review_url("shortfalls", found),
        lambda text: {"value": value.pk, "barrier": "culture", "text": text},
        lambda text: Shortfall.objects.filter(text=text).exists(),
    )


def _review_action(request: pytest.FixtureRequest) -> Box:
    people, found, _value = _review_box(request)
    agency = people.agencies[0].pk
    return Box(
        client_for(people.facilitator),
        _review_url("actions", found),
        lambda text: {"text": text[:60], "owner_agency": agency, "due_on": _later()},
        lambda text: Action.objects.filter(text=text[:60]).exists(),
    )


def _milestones(request: pytest.FixtureRequest) -> Box:
    people, found, _value = _review_box(request)
    agency = people.agencies[0].pk
    return Box(
        client_for(people.facilitator),
        _review_url("actions", found),
        lambda text: {
            "text": f"Steps: {text[:40]}",
            "owner_agency": agency,
            "due_on": _later(),
            "milestones": text,
        },
        lambda text: Milestone.objects.filter(text=text).exists(),
    )


def _action_progress(request: pytest.FixtureRequest) -> Box:
    people, found, _value = _review_box(request)
    action = review_services.action_add(
        review=found,
        actor=people.facilitator,
        text="Protect supervision time",
        owner_agency=people.agencies[0],
        due_on=timezone.localdate() + timedelta(days=30),
    )
    return Box(
        client_for(people.leads[0]),
        reverse("reviews:action_update", kwargs={"pk": found.pk, "action_pk": action.pk}),
        lambda text: {"status": "stuck", "stuck_because": text},
        lambda text: Action.objects.filter(pk=action.pk, stuck_because=text).exists(),
    )


def _draft_box(request: pytest.FixtureRequest) -> tuple[Partners, CharterVersion]:
    return request.getfixturevalue("partners"), request.getfixturevalue("draft")


def _preamble(request: pytest.FixtureRequest) -> Box:
    people, version = _draft_box(request)
    return Box(
        client_for(people.facilitator),
        reverse("reviews:draft", args=[version.pk]),
        lambda text: {"preamble": text, "note": ""},
        lambda text: CharterVersion.objects.filter(pk=version.pk, preamble=text).exists(),
    )


def _value_add(request: pytest.FixtureRequest) -> Box:
    people, version = _draft_box(request)
    return Box(
        client_for(people.facilitator),
        reverse("reviews:value_add", args=[version.pk]),
        lambda text: {"name": text[:30], "description": text, "plain": "Plainly."},
        lambda text: Value.objects.filter(description=text).exists(),
    )


def _value_edit(request: pytest.FixtureRequest) -> Box:
    people, version = _draft_box(request)
    value = _first_value(version)
    return Box(
        client_for(people.facilitator),
        reverse("reviews:value_edit", args=[value.pk]),
        lambda text: {"name": value.name, "description": value.description, "plain": text},
        lambda text: Value.objects.filter(pk=value.pk, plain=text).exists(),
    )


def _clause_add_box(people: Partners, version: CharterVersion) -> Box:
    value = _first_value(version)
    return Box(
        client_for(people.facilitator),
        reverse("reviews:clause_add", args=[value.pk]),
        lambda text: {"kind": "right", "parties": ["families"], "text": text},
        lambda text: Clause.objects.filter(text=text).exists(),
    )


def _clause_add(request: pytest.FixtureRequest) -> Box:
    return _clause_add_box(*_draft_box(request))


def _clause_edit(request: pytest.FixtureRequest) -> Box:
    people, version = _draft_box(request)
    clause = _first_right(version)
    return Box(
        client_for(people.facilitator),
        reverse("reviews:clause_edit", args=[clause.pk]),
        lambda text: {"parties": clause.parties, "text": text},
        lambda text: Clause.objects.filter(pk=clause.pk, text=text).exists(),
    )


def _amendment(request: pytest.FixtureRequest) -> Box:
    people: Partners = request.getfixturevalue("partners")
    clause = _first_right(request.getfixturevalue("published"))
    return Box(
        client_for(people.family[3]),
        reverse("reviews:amendment_propose", args=[clause.pk]),
        lambda text: {"new_text": text, "reason": "Clearer."},
        lambda text: Amendment.objects.filter(new_text=text).exists(),
    )


def _amendment_comment(request: pytest.FixtureRequest) -> Box:
    people: Partners = request.getfixturevalue("partners")
    published: CharterVersion = request.getfixturevalue("published")
    proposed = review_services.amendment_propose(
        version=published,
        actor=people.family[3],
        clause=_first_right(published),
        new_text="Families have the right to read their own records.",
    )
    return Box(
        client_for(people.frontline[4]),
        reverse("reviews:amendment_comment", args=[proposed.pk]),
        lambda text: {"text": text},
        lambda text: AmendmentComment.objects.filter(text=text).exists(),
    )


def _clause_conversation(request: pytest.FixtureRequest) -> Box:
    people: Partners = request.getfixturevalue("partners")
    clause = _first_right(request.getfixturevalue("published"))
    now = timezone.localtime()
    return Box(
        client_for(people.facilitator),
        reverse("reviews:clause_conversation", args=[clause.pk]),
        lambda text: {
            "question": f"How well do we do? {text[:20]}",
            "context": text,
            "opens_at": (now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        },
        lambda text: Conversation.objects.filter(context=text).exists(),
    )


def _support_link(request: pytest.FixtureRequest) -> Box:
    admin: Member = request.getfixturevalue("make_member")(Role.ADMIN, name="Ada")
    current = SupportLink.objects.filter(partnership=admin.partnership).order_by("position")
    links = [
        {"id": str(link.pk), "name": link.name, "description": link.description} for link in current
    ]
    new = len(links)

    def fields(text: str) -> dict[str, Any]:
        data = {
            "links-TOTAL_FORMS": str(new + 2),  # the last is the blank "add a link": kept blank
            "links-INITIAL_FORMS": str(new),
            "links-MIN_NUM_FORMS": "0",
            "links-MAX_NUM_FORMS": "20",
            f"links-{new}-name": "Staff care line",
            f"links-{new}-description": text,
        }
        for index, link in enumerate(links):
            data |= {f"links-{index}-{name}": value for name, value in link.items()}
        return data

    return Box(
        client_for(admin),
        reverse("people:support"),
        fields,
        lambda text: SupportLink.objects.filter(description=text).exists(),
        prefix=f"links-{new}-",
    )


BOXES: dict[str, Callable[[pytest.FixtureRequest], Box]] = {
    "circle reflection": _reflection,
    "circle reflection, changed": _reflection_edit,
    "circle action": _circle_action,
    "conversation statement": _statement,
    "review evidence": _evidence,
    "why a value was not rated": _not_rated,
    "review shortfall": _shortfall,
    "review action": _review_action,
    "review action milestones": _milestones,
    "why a review action is stuck": _action_progress,
    "charter opening words": _preamble,
    "charter value": _value_add,
    "charter value, changed": _value_edit,
    "charter clause": _clause_add,
    "charter clause, changed": _clause_edit,
    "charter amendment": _amendment,
    "amendment comment": _amendment_comment,
    "conversation from a clause": _clause_conversation,
    "support link": _support_link,
}


@pytest.fixture(params=list(BOXES))
def box(request: pytest.FixtureRequest) -> Box:
    return BOXES[request.param](request)


def test_without_javascript_the_hints_come_back_once_then_it_goes_as_it_is(box: Box) -> None:
    first = box.post(FLAGGED)
    page = first.content.decode()
    assert first.status_code == 200
    assert "Words to think about" in page and 'data-from="non-compliant"' in page
    assert FLAGGED[:40] in page, "the words are kept in the box"
    assert MARKED.search(page), "the page carries the mark that lets the next post through"
    assert not box.kept(FLAGGED)
    assert box.post(FLAGGED, confirmed="True").status_code == 302
    assert box.kept(FLAGGED)


def test_with_the_live_panel_shown_it_goes_at_once(box: Box) -> None:
    assert box.post(FLAGGED, hints_shown="True").status_code == 302
    assert box.kept(FLAGGED)


def test_words_without_hints_go_at_once(box: Box) -> None:
    plain = "We met the family at home and agreed the plan together"
    assert box.post(plain).status_code == 302
    assert box.kept(plain)


def test_a_pulse_comment_shows_its_hints_once(make_round: Callable[..., Round]) -> None:
    """Each check-in is answered once per browser, so each post here is a new person."""
    round_ = make_round()

    def comment(text: str, **marks: str) -> Any:
        client = Client()
        last = answer_all_but_last(client, round_)
        url = reverse("pulse:answer", kwargs={"code": round_.round_code, "step": last})
        return client.post(url, {"comment": text, "next": "1", **marks})

    held = comment(FLAGGED)
    page = held.content.decode()
    assert held.status_code == 200 and 'data-from="non-compliant"' in page
    assert FLAGGED in page and MARKED.search(page)
    assert PendingResponse.objects.count() == 0
    assert comment(FLAGGED, confirmed="True").status_code == 302
    assert comment(FLAGGED, hints_shown="True").status_code == 302
    assert comment("Supervision helped this month").status_code == 302
    assert PendingResponse.objects.count() == 3


def test_identifying_details_and_hints_share_one_look(circle: Circle) -> None:
    """The live panel showing the hints does not skip the identifying-details check, and a
    post is never held twice: after one look it goes, whatever the look was for."""
    box = _reflection_box(circle)
    named = "Call Sarah on 07700 900123, she is non-compliant"
    page = box.post(named, hints_shown="True").content.decode()
    assert "Check before you post" in page and MARKED.search(page)
    assert not box.kept(named)
    assert box.post(named, confirmed="True", hints_shown="True").status_code == 302
    assert box.kept(named)


def test_the_marks_are_hidden_fields_that_hints_js_finds(circle: Circle) -> None:
    page = guest_in(circle).get(reverse("circles:room", kwargs={"code": circle.join_code}))
    html = page.content.decode()
    assert re.search(r'<input type="hidden" name="hints_shown"[^>]* data-hints-shown', html)
    assert '<input type="hidden" name="confirmed"' in html


@pytest.mark.parametrize(
    "mark", ["", "False", "0", "<script>", "' OR 1=1 --", "True" * 1000, "\x00"]
)
def test_hostile_marks_never_break_the_page_or_skip_the_look(circle: Circle, mark: str) -> None:
    box = _reflection_box(circle)
    response = box.post(FLAGGED, confirmed=mark, hints_shown=mark)
    assert response.status_code in (200, 302)
    assert "<script>" not in response.content.decode()
    if mark in ("", "False", "0"):
        assert response.status_code == 200 and not box.kept(FLAGGED)


def test_the_partnership_glossary_decides_what_is_held(
    partners: Partners, draft: CharterVersion
) -> None:
    """A post is held for the words its own partnership flags, as the panel shows them, and
    not for a shipped entry the partnership turned off."""
    language_services.own_entry_add(
        actor=partners.admin,
        partnership=partners.partnership,
        term="pushy parent",
        other_forms=["pushy parents"],
        category="blaming",
        severity="warning",
        alternatives=["a parent speaking up for their child"],
        reason="Families told us it makes them sound like a nuisance for asking.",
        source_title="Our language policy",
        source_url="https://example.org/policy",
    )
    found = language_selectors.entry_to_change(
        partnership=partners.partnership, key="non-compliant"
    )
    assert found is not None
    language_services.entry_turn_off(
        actor=partners.admin,
        entry=found[1],
        source_title="Our language policy",
        source_url="https://example.org/policy",
    )
    box = _clause_add_box(partners, draft)
    own = "Pushy parents should be heard first"
    page = box.post(own).content.decode()
    assert 'data-from="Pushy parents"' in page and not box.kept(own)
    assert box.post(FLAGGED).status_code == 302
    assert box.kept(FLAGGED)
