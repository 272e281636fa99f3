"""The quarterly review pages, by role: who sees each page, who is refused, and what each
form does over the web, through to closing a review and opening the next quarter's with its
open actions carried over. Hostile input on every form is refused plainly or kept safely."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import FORBIDDEN, MISSING, OK, access_outcome, client_for
from tests.hostile import HOSTILE, SCRIPT, check
from tests.reviews.conftest import Partners, person, rate_panel, value_of
from village.circles import services as circle_services
from village.circles.models import Circle
from village.people.models import Constituency, Member, Partnership, Role
from village.reviews import selectors, services
from village.reviews.models import (
    Action,
    ActionStatus,
    Milestone,
    NotRated,
    PendingPanelRating,
    Review,
    ReviewState,
    SelfRating,
    Shortfall,
    Value,
)

PAGES = [
    "review",
    "self_rate",
    "panel_rate",
    "not_rated",
    "shortfalls",
    "meeting",
    "gaps",
    "actions",
    "close_ratings",
    "close",
]


def url(name: str, review: Review, **kwargs: Any) -> str:
    return reverse(f"reviews:{name}", kwargs={"pk": review.pk, **kwargs})


def later(days: int = 30) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def observer(partners: Partners) -> Member:
    return person(
        partners.partnership, "Olive", roles=[Role.OBSERVER], constituency=Constituency.FAMILY
    )


def who(partners: Partners, name: str) -> Member:
    return {
        "facilitator": partners.facilitator,
        "lead": partners.leads[0],
        "family": partners.family[1],
        "family representative": partners.family[0],
        "frontline": partners.frontline[1],
        "observer": observer(partners),
    }[name]


# Facilitators here are frontline practitioners, so they rate on the frontline panel too.
ALLOWED = {
    "facilitator": {*PAGES} - {"self_rate"},
    "lead": {*PAGES} - {"panel_rate", "close_ratings", "close"},
    "family": {*PAGES} - {"self_rate", "not_rated", "close_ratings", "close"},
    "family representative": {*PAGES} - {"self_rate", "close_ratings", "close"},
    "frontline": {*PAGES} - {"self_rate", "not_rated", "close_ratings", "close"},
    "observer": {*PAGES} - {"self_rate", "panel_rate", "not_rated", "close_ratings", "close"},
}


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_each_page_by_role(review: Review, partners: Partners, name: str) -> None:
    client = client_for(who(partners, name))
    assert access_outcome(client.get(reverse("reviews:list"))) == OK
    for page in PAGES:
        expected = OK if page in ALLOWED[name] else FORBIDDEN
        assert access_outcome(client.get(url(page, review))) == expected, page


def test_another_partnership_and_strangers_are_refused(
    review: Review, make_member: Callable[..., Member], other_partnership: Partnership
) -> None:
    outsider = client_for(make_member(Role.FACILITATOR, partnership=other_partnership, name="o"))
    for page in PAGES:
        assert access_outcome(outsider.get(url(page, review))) == MISSING, page
    assert access_outcome(outsider.post(url("close_ratings", review))) == MISSING
    assert "2026-Q3" not in outsider.get(reverse("reviews:list")).content.decode()
    stranger = Client()
    assert stranger.get(url("review", review)).status_code == 302
    assert Review.objects.get(pk=review.pk).state == ReviewState.OPEN


def test_the_main_navigation_links_to_reviews(partners: Partners) -> None:
    page = client_for(partners.family[1]).get(reverse("people:home")).content.decode()
    assert f'href="{reverse("reviews:list")}"' in page


def test_only_facilitators_open_a_review_and_the_quarter_must_make_sense(
    published: Any, partners: Partners
) -> None:
    lead = client_for(partners.leads[0])
    assert "Open the review" not in lead.get(reverse("reviews:list")).content.decode()
    assert lead.post(reverse("reviews:list"), {"quarter": "2026-Q3"}).status_code == 403
    fac = client_for(partners.facilitator)
    page = fac.post(reverse("reviews:list"), {"quarter": "next spring"}).content.decode()
    assert "Write the quarter as a year and a quarter, like 2026-Q4." in page
    assert not Review.objects.exists()
    response = fac.post(reverse("reviews:list"), {"quarter": "2026-q3"})
    review = Review.objects.get()
    assert response["Location"] == url("review", review)
    assert review.quarter == "2026-Q3"
    page = fac.post(reverse("reviews:list"), {"quarter": "2026-Q4"}).content.decode()
    assert "Close the 2026-Q3 review before opening the next." in page


def test_an_agency_lead_rates_their_own_agency(review: Review, partners: Partners) -> None:
    lead = partners.leads[0]
    client = client_for(lead)
    value = value_of(review, "no-blame")
    page = client.get(url("self_rate", review)).content.decode()
    assert f"Rate {lead.agency.name} on each value" in page  # type: ignore[union-attr]
    response = client.post(
        url("self_rate", review),
        {
            f"score_{value.pk}": "4",
            f"evidence_{value.pk}": "Staff told us in circles.",
            f"links_{value.pk}": "/circles/1/summary/\nhttps://example.org/report",
        },
    )
    assert response["Location"] == url("review", review)
    rating = SelfRating.objects.get(review=review, value=value)
    assert (rating.agency, rating.score) == (lead.agency, 4)
    assert rating.links == ["/circles/1/summary/", "https://example.org/report"]
    # The page starts from what was saved.
    assert "Staff told us in circles." in client.get(url("self_rate", review)).content.decode()

    page = client.post(url("self_rate", review), {}).content.decode()
    assert "Choose a rating for at least one value." in page
    page = client.post(
        url("self_rate", review),
        {f"score_{value.pk}": "5", f"links_{value.pk}": "javascript:alert(1)"},
    ).content.decode()
    assert "Links must be web addresses" in page
    assert SelfRating.objects.get(review=review, value=value).score == 4

    assert client_for(partners.family[1]).post(url("self_rate", review), {}).status_code == 403


def test_a_family_member_rates_anonymously_once(review: Review, partners: Partners) -> None:
    member = partners.family[1]
    client = client_for(member)
    page = client.get(url("panel_rate", review)).content.decode()
    assert "Your answers are anonymous." in page
    assert "You are rating as part of the family panel." in page
    assert "at least 5 people have rated" in page
    values = list(Value.objects.filter(version_id=review.version_id))
    answers = {f"score_{v.pk}": "2" for v in values}
    response = client.post(url("panel_rate", review), answers)
    assert response["Location"] == url("panel_rate", review)
    assert PendingPanelRating.objects.filter(review=review).count() == 1
    assert selectors.has_panel_rated(review=review, member=member)
    page = client.get(url("panel_rate", review)).content.decode()
    assert "You have rated this quarter. Thank you." in page
    assert "Send my answers" not in page
    client.post(url("panel_rate", review), answers)
    assert PendingPanelRating.objects.filter(review=review).count() == 1

    other = client_for(partners.family[2])
    assert "Rate at least one value." in other.post(url("panel_rate", review), {}).content.decode()
    assert client_for(partners.leads[0]).post(url("panel_rate", review), answers).status_code == (
        403
    )


def test_not_rated_reasons_by_whom_they_belong_to(review: Review, partners: Partners) -> None:
    value = value_of(review, "no-blame")
    lead = client_for(partners.leads[0])
    other_agency = partners.agencies[1]
    page = lead.post(
        url("not_rated", review),
        {"who": f"agency:{other_agency.pk}", "value": value.pk, "because": "No data."},
    ).content.decode()
    assert "Choose one of the agencies or panels in the list." in page
    assert lead.post(
        url("not_rated", review),
        {"who": f"agency:{partners.agencies[0].pk}", "value": value.pk, "because": "No data."},
    ).status_code == (302)
    representative = client_for(partners.family[0])
    representative.post(
        url("not_rated", review),
        {"who": "panel:family", "value": value.pk, "because": "We met too late."},
    )
    assert set(NotRated.objects.values_list("panel", "because")) == {
        ("", "No data."),
        ("family", "We met too late."),
    }


def test_shortfalls_added_by_partners_removed_by_facilitators_after_asking(
    review: Review, partners: Partners
) -> None:
    value = value_of(review, "no-blame")
    family = client_for(partners.family[1])
    family.post(
        url("shortfalls", review),
        {"value": value.pk, "barrier": "culture", "text": "Blame is still the habit."},
    )
    shortfall = Shortfall.objects.get()
    assert "Blame is still the habit." in family.get(url("meeting", review)).content.decode()
    remove = url("shortfall_remove", review, shortfall_pk=shortfall.pk)
    assert family.get(remove).status_code == 403
    fac = client_for(partners.facilitator)
    assert "Remove this shortfall?" in fac.get(remove).content.decode()
    assert Shortfall.objects.exists()
    fac.post(remove)
    assert not Shortfall.objects.exists()
    assert client_for(observer(partners)).post(url("shortfalls", review), {}).status_code == 403


def test_actions_agreed_updated_and_brought_in(
    review: Review, partners: Partners, make_circle: Callable[..., Circle]
) -> None:
    fac = client_for(partners.facilitator)
    agency = partners.agencies[0]
    fac.post(
        url("actions", review),
        {
            "text": "Protect supervision time",
            "owner_agency": agency.pk,
            "due_on": later(),
            "milestones": "Agree the hours\n\nStart in March",
        },
    )
    action = Action.objects.get()
    assert [m.text for m in action.milestones.all()] == ["Agree the hours", "Start in March"]
    page = fac.post(
        url("actions", review), {"text": "Late", "owner_agency": agency.pk, "due_on": "2001-01-01"}
    ).content.decode()
    assert "The due date has passed." in page
    assert client_for(partners.leads[0]).post(url("actions", review), {}).status_code == 403

    lead = client_for(partners.leads[0])
    update = url("action_update", review, action_pk=action.pk)
    lead.post(update, {"status": "stuck", "stuck_because": ""})
    assert Action.objects.get().status == ActionStatus.OPEN
    lead.post(update, {"status": "stuck", "stuck_because": "No cover for the hours."})
    assert Action.objects.get().stuck_because == "No cover for the hours."
    other_lead = client_for(partners.leads[1])
    other_lead.post(update, {"status": "done"})
    assert Action.objects.get().status == ActionStatus.STUCK

    first = action.milestones.get(text="Agree the hours")
    done = url("milestone_done", review, action_pk=action.pk, milestone_pk=first.pk)
    other_lead.post(done, {"done": "yes"})
    assert not Milestone.objects.get(pk=first.pk).done
    assert lead.get(done).status_code == 405
    lead.post(done, {"done": "yes"})
    assert Milestone.objects.get(pk=first.pk).done
    assert "Mark not done" in lead.get(url("actions", review)).content.decode()

    circle = make_circle(title="Kinship carers")
    for phase in ("group", "vote", "act"):
        circle_services.circle_move_to(circle=circle, actor=partners.facilitator, phase=phase)
    from_circle = circle_services.action_create(
        circle=circle,
        actor=partners.facilitator,
        text="Meet carers monthly",
        owner_agency=agency,
        due_on=timezone.localdate() + timedelta(days=9),
    )
    assert "Meet carers monthly" in fac.get(url("actions", review)).content.decode()
    fac.post(url("action_bring_in", review), {"source": "circle", "source_id": from_circle.pk})
    assert Action.objects.filter(source="circle", source_id=from_circle.pk).exists()
    page = fac.get(url("actions", review)).content.decode()
    assert "There are no actions from circles or conversations to bring in." in page


def test_closing_asks_first_refuses_with_what_is_missing_then_next_quarter_carries_actions(
    review: Review, partners: Partners, complete: Callable[[Review], None]
) -> None:
    fac = client_for(partners.facilitator)
    fac.post(
        url("actions", review),
        {
            "text": "Family voices on panels",
            "owner_agency": partners.agencies[1].pk,
            "due_on": later(),
        },
    )
    assert "Yes, close the ratings" in fac.get(url("close_ratings", review)).content.decode()
    assert Review.objects.get().state == ReviewState.OPEN
    response = fac.post(url("close_ratings", review))
    assert response["Location"] == url("meeting", review)
    assert Review.objects.get().state == ReviewState.MEETING

    page = fac.post(url("close", review)).content.decode()
    assert "This review cannot close yet." in page
    assert "Family panel on “No blame”" in page
    assert Review.objects.get().state == ReviewState.MEETING


def test_a_complete_review_closes_and_the_next_quarter_carries_open_actions(
    review: Review, partners: Partners, complete: Callable[[Review], None]
) -> None:
    complete(review)
    fac = client_for(partners.facilitator)
    fac.post(
        url("actions", review),
        {
            "text": "Family voices on panels",
            "owner_agency": partners.agencies[1].pk,
            "due_on": later(),
        },
    )
    fac.post(url("close_ratings", review))
    page = fac.get(url("gaps", review)).content.decode()
    assert "<svg" in page
    assert "No gaps of 2 points or more." in page
    response = fac.post(url("close", review))
    assert response["Location"] == url("review", review)
    assert Review.objects.get(pk=review.pk).state == ReviewState.CLOSED
    assert "Open next quarter" in fac.get(url("review", review)).content.decode()
    lead = client_for(partners.leads[0])
    assert "Open next quarter" not in lead.get(url("review", review)).content.decode()
    page = lead.get(url("self_rate", review)).content.decode()
    assert "This review has closed. It can be read but not changed." in page
    assert "Save our ratings" not in page
    fac.post(reverse("reviews:list"), {"quarter": "2026-Q4"})
    later_review = Review.objects.get(quarter="2026-Q4")
    page = fac.get(url("actions", later_review)).content.decode()
    assert "Family voices on panels" in page
    assert "Carried over from 2026-Q3." in page


def test_a_gap_of_two_points_is_flagged_in_words(review: Review, partners: Partners) -> None:
    value = value_of(review, "no-blame")
    services.self_rate(
        review=review, actor=partners.leads[0], agency=partners.agencies[0], value=value, score=6
    )
    rate_panel(review, partners.family[:5], {"no-blame": 3})
    services.panel_release(review=review, final=True)
    page = client_for(partners.family[1]).get(url("gaps", review)).content.decode()
    agency = partners.agencies[0].name
    assert "<strong>Flag:</strong> 3.0 above the family panel" in page
    assert f"{agency} rates itself 3.0 points higher on “No blame” than the family panel does." in (
        page
    )


def _forms(
    review: Review, partners: Partners
) -> list[tuple[Member, str, Callable[[str], dict[str, Any]]]]:
    value = value_of(review, "no-blame")
    agency = partners.agencies[0]
    action = services.action_add(
        review=review,
        actor=partners.facilitator,
        text="Keep",
        owner_agency=agency,
        due_on=timezone.localdate() + timedelta(days=3),
    )
    return [
        (partners.facilitator, reverse("reviews:list"), lambda v: {"quarter": v}),
        (
            partners.leads[0],
            url("self_rate", review),
            lambda v: {f"score_{value.pk}": v, f"evidence_{value.pk}": v, f"links_{value.pk}": v},
        ),
        (
            partners.leads[0],
            url("self_rate", review),
            lambda v: {f"score_{value.pk}": "3", f"evidence_{value.pk}": v},
        ),
        (partners.family[1], url("panel_rate", review), lambda v: {f"score_{value.pk}": v}),
        (
            partners.facilitator,
            url("not_rated", review),
            lambda v: {"who": v, "value": v, "because": v},
        ),
        (
            partners.facilitator,
            url("not_rated", review),
            lambda v: {"who": "panel:family", "value": value.pk, "because": v},
        ),
        (
            partners.family[2],
            url("shortfalls", review),
            lambda v: {"value": value.pk, "barrier": "culture", "text": v},
        ),
        (partners.family[2], url("shortfalls", review), lambda v: {"value": v, "barrier": v}),
        (
            partners.facilitator,
            url("actions", review),
            lambda v: {"text": v, "owner_agency": agency.pk, "due_on": later(), "milestones": v},
        ),
        (
            partners.facilitator,
            url("actions", review),
            lambda v: {"text": "Ok", "owner_agency": v, "due_on": v, "value": v},
        ),
        (
            partners.facilitator,
            url("action_update", review, action_pk=action.pk),
            lambda v: {"status": v, "stuck_because": v},
        ),
        (
            partners.facilitator,
            url("action_update", review, action_pk=action.pk),
            lambda v: {"status": "stuck", "stuck_because": v},
        ),
        (
            partners.facilitator,
            url(
                "milestone_done",
                review,
                action_pk=action.pk,
                milestone_pk=services.milestone_add(
                    action=action, actor=partners.facilitator, text="Step"
                ).pk,
            ),
            lambda v: {"done": v},
        ),
        (
            partners.facilitator,
            url("action_bring_in", review),
            lambda v: {"source": v, "source_id": v},
        ),
    ]


def test_hostile_input_on_every_form_is_refused_plainly_or_kept_safe(
    review: Review, partners: Partners
) -> None:
    for member, address, fields in _forms(review, partners):
        client = client_for(member)
        for name, value in HOSTILE.items():
            response = client.post(address, fields(value), follow=True)
            assert response.status_code == 200, (address, name)
            check(response, value)
    # Whatever was kept shows as words, never as markup.
    for address in ("meeting", "shortfalls", "actions", "gaps", "review"):
        page = client_for(partners.facilitator).get(url(address, review)).content.decode()
        assert SCRIPT not in page
    assert Review.objects.count() == 1
