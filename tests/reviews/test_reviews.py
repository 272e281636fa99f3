"""The quarterly review: agencies rate themselves, the family panel and frontline staff rate
anonymously (shown only at the minimum group size), shortfalls, why-not records, actions
carried from quarter to quarter and brought in from circles and conversations, the gap
matrix with its flags and trend, and a review that cannot close until everyone rated."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.conversations.conftest import SEEDS
from tests.reviews.conftest import QUARTER, Partners, person, rate_panel, value_of
from village.circles import services as circle_services
from village.circles.models import Circle
from village.conversations import selectors as conversation_selectors
from village.conversations import services as conversation_services
from village.people import services as people_services
from village.people.models import Constituency, Member, Partnership, Role
from village.reviews import selectors, services
from village.reviews.models import (
    Action,
    ActionStatus,
    CharterVersion,
    NotRated,
    Panel,
    PanelRater,
    PanelRating,
    PendingPanelRating,
    Review,
    ReviewState,
    SelfRating,
    Source,
    Value,
)
from village.reviews.policy import ReviewError
from village.reviews.services import ReviewNotReady
from village.worker import TICK

NEXT = "2026-Q4"


def _later(days: int = 30) -> date:
    return timezone.localdate() + timedelta(days=days)


def _close(review: Review, partners: Partners, fill: Callable[[Review], None]) -> Review:
    fill(review)
    services.ratings_close(review=review, actor=partners.facilitator)
    return services.review_close(review=review, actor=partners.facilitator)


def test_a_review_rates_the_charter_in_force_one_quarter_at_a_time(
    draft: CharterVersion, partners: Partners, complete: Callable[[Review], None]
) -> None:
    open_review = lambda quarter: services.review_open(  # noqa: E731
        partnership=partners.partnership, actor=partners.facilitator, quarter=quarter
    )
    with pytest.raises(ReviewError, match="Publish the charter"):
        open_review(QUARTER)
    published = services.version_publish(version=draft, actor=partners.facilitator)
    for bad in ("", "2026", "2026-Q5", "Q3-2026", "2026-Q3'; --"):
        with pytest.raises(ReviewError, match="like 2026-Q4"):
            open_review(bad)
    review = open_review(" 2026-q3 ")
    assert review.quarter == QUARTER and review.version == published
    assert review.state == ReviewState.OPEN
    with pytest.raises(ReviewError, match="Close the 2026-Q3 review"):
        open_review(NEXT)
    with pytest.raises(ReviewError, match="facilitator or an admin"):
        services.review_open(
            partnership=partners.partnership, actor=partners.leads[0], quarter=NEXT
        )
    _close(review, partners, complete)
    with pytest.raises(ReviewError, match="2026-Q4 or later"):
        open_review("2026-Q2")
    assert open_review(NEXT).previous == review


def test_an_agency_rates_itself_with_evidence_and_links(review: Review, partners: Partners) -> None:
    lead, other = partners.leads
    value = value_of(review, "family-rights")
    rating = services.self_rate(
        review=review,
        actor=lead,
        agency=partners.agencies[0],
        value=value,
        score=5,
        evidence="Families read their records with a worker.\n\n\n\nAudit, May.",
        links=["https://example.org/audit", "/circles/3/summary/", "https://example.org/audit"],
    )
    assert rating.score == 5 and rating.rated_by == lead
    assert rating.evidence == "Families read their records with a worker.\n\nAudit, May."
    assert rating.links == ["https://example.org/audit", "/circles/3/summary/"]
    again = services.self_rate(
        review=review, actor=lead, agency=partners.agencies[0], value=value, score="3"
    )
    assert again.pk == rating.pk and again.score == 3
    with pytest.raises(ReviewError, match="own agency"):
        services.self_rate(
            review=review, actor=lead, agency=partners.agencies[1], value=value, score=4
        )
    for score in (0, 7, "", "six", None):
        with pytest.raises(ReviewError, match="excellent to unsatisfactory"):
            services.self_rate(
                review=review,
                actor=other,
                agency=partners.agencies[1],
                value=value,
                score=score,  # type: ignore[arg-type]
            )
    for link in ("javascript:alert(1)", "//evil.example", "data:text/html,x", "/a b"):
        with pytest.raises(ReviewError, match="Links must be"):
            services.self_rate(
                review=review,
                actor=other,
                agency=partners.agencies[1],
                value=value,
                score=4,
                links=[link],
            )
    for member in (partners.facilitator, partners.frontline[0], partners.family[0]):
        with pytest.raises(ReviewError, match="partner lead"):
            services.self_rate(
                review=review, actor=member, agency=partners.agencies[0], value=value, score=4
            )
    assert SelfRating.objects.count() == 1


def test_panel_ratings_wait_in_the_mix_and_are_released_in_batches(
    review: Review, partners: Partners
) -> None:
    """Nothing reaches the ratings table while fewer than twice the minimum wait; then a
    batch leaves the minimum behind; closing the ratings releases the rest."""
    rate_panel(review, partners.family[:5], {"no-blame": 2})
    rate_panel(review, partners.frontline[:4], {"no-blame": 6})
    assert PendingPanelRating.objects.count() == 9
    assert services.panel_release_due() == 0
    assert not PanelRating.objects.exists()
    figures = selectors.panel_figures(review=review)[value_of(review, "no-blame").pk]
    assert not figures[Panel.FAMILY].shown and not figures[Panel.FRONTLINE].shown
    rate_panel(review, partners.frontline[4:5], {"no-blame": 6})
    assert ("panel ratings released", services.panel_release_due) in TICK
    assert services.panel_release_due() == 5
    assert PendingPanelRating.objects.count() == 5 and PanelRater.objects.count() == 5
    services.ratings_close(review=review, actor=partners.facilitator)
    assert not PendingPanelRating.objects.exists()
    assert PanelRating.objects.count() == PanelRater.objects.count() == 10
    figures = selectors.panel_figures(review=review)[value_of(review, "no-blame").pk]
    assert (figures[Panel.FAMILY].mean, figures[Panel.FAMILY].people) == (2.0, 5)
    assert figures[Panel.FRONTLINE].mean == 6.0


def test_panel_ratings_below_the_minimum_are_hidden_and_not_by_subtraction(
    review: Review, partners: Partners
) -> None:
    """Four families and six frontline staff: the families' figure is hidden, with no
    count and no average, and nothing is released for both panels together, so the
    families' ratings cannot be worked out from a total less the frontline's."""
    rate_panel(review, partners.family[:4], {"family-rights": 1})
    rate_panel(review, partners.frontline[:6], {"family-rights": 6})
    services.ratings_close(review=review, actor=partners.facilitator)
    value = value_of(review, "family-rights")
    figures = selectors.panel_figures(review=review)
    assert set(figures[value.pk]) == {Panel.FAMILY, Panel.FRONTLINE}
    family, frontline = figures[value.pk][Panel.FAMILY], figures[value.pk][Panel.FRONTLINE]
    assert not family.shown and family.people is None and family.mean is None
    assert "Fewer than 5" in family.hidden_because
    assert frontline.shown and frontline.mean == 6.0 and frontline.people == 5
    # The gap matrix and the meeting view show no more than the figures do.
    [row] = [r for r in selectors.gap_matrix(review=review).rows if r.value == value]
    assert row.family == family and row.frontline == frontline
    [sides] = [s for s in selectors.meeting(review=review) if s.value == value]
    assert sides.family == family
    # Another value nobody rated says so.
    other = figures[value_of(review, "no-blame").pk][Panel.FAMILY]
    assert not other.shown and "Nobody" in other.hidden_because


def test_each_person_rates_once_on_their_own_panel_while_ratings_are_open(
    review: Review, partners: Partners
) -> None:
    value = value_of(review, "no-blame")
    family = partners.family[0]
    services.panel_rate(review=review, actor=family, ratings={value.pk: 4})
    assert selectors.has_panel_rated(review=review, member=family)
    with pytest.raises(ReviewError, match="already rated"):
        services.panel_rate(review=review, actor=family, ratings={value.pk: 2})
    observer = person(
        partners.partnership,
        "Obs",
        roles=[Role.OBSERVER],
        constituency=Constituency.FAMILY,
    )
    for outsider in (partners.leads[0], partners.admin, observer):
        with pytest.raises(ReviewError):
            services.panel_rate(review=review, actor=outsider, ratings={value.pk: 4})
    frontline = partners.frontline[0]
    for ratings in ({}, {value.pk: 9}, {value.pk: "x"}, {"abc": 3}, {10**9: 3}):
        with pytest.raises(ReviewError):
            services.panel_rate(review=review, actor=frontline, ratings=ratings)  # type: ignore[arg-type]
    services.ratings_close(review=review, actor=partners.facilitator)
    assert selectors.has_panel_rated(review=review, member=family)
    with pytest.raises(ReviewError, match="closed"):
        services.panel_rate(review=review, actor=frontline, ratings={value.pk: 4})
    assert PanelRating.objects.count() == 1


def test_a_review_cannot_close_until_everyone_rated_every_value_or_said_why_not(
    review: Review, partners: Partners, complete: Callable[[Review], None]
) -> None:
    with pytest.raises(ReviewError, match="Close the ratings first"):
        services.review_close(review=review, actor=partners.facilitator)
    values = list(Value.objects.filter(version_id=review.version_id))
    # Everything but: Northshire Health on No blame; the family panel rated by three only.
    no_blame = value_of(review, "no-blame")
    for lead in partners.leads:
        assert lead.agency is not None
        for value in values:
            if not (lead == partners.leads[1] and value == no_blame):
                services.self_rate(
                    review=review, actor=lead, agency=lead.agency, value=value, score=4
                )
    rate_panel(review, partners.family[:3], {v.key: 5 for v in values})
    rate_panel(review, partners.frontline[:5], {v.key: 5 for v in values})
    services.ratings_close(review=review, actor=partners.facilitator)
    with pytest.raises(ReviewNotReady) as refused:
        services.review_close(review=review, actor=partners.facilitator)
    missing = refused.value.missing
    assert len(missing) == 1 + len(values)
    assert "Northshire Health on “No blame”" in str(refused.value)
    assert "Family panel on “Family rights”: too few ratings to show" in str(refused.value)
    assert all(m.too_few for m in missing if m.panel == Panel.FAMILY)
    review.refresh_from_db()
    assert review.state == ReviewState.MEETING
    # Why not, from the agency's lead and the families' representative.
    services.not_rated_record(
        review=review,
        actor=partners.leads[1],
        value=no_blame,
        agency=partners.agencies[1],
        because="Our review of incidents is not finished.",
    )
    family_rep = partners.representatives[Constituency.FAMILY]
    for value in values:
        services.not_rated_record(
            review=review,
            actor=family_rep,
            value=value,
            panel=Panel.FAMILY,
            because="Only three families could come this quarter.",
        )
    closed = services.review_close(review=review, actor=partners.facilitator)
    assert closed.state == ReviewState.CLOSED and closed.closed_at is not None
    with pytest.raises(ReviewError, match="closed"):
        services.shortfall_add(
            review=closed, actor=partners.family[0], value=no_blame, barrier="law", text="Late."
        )


def test_who_may_say_why_not(review: Review, partners: Partners) -> None:
    value = value_of(review, "no-blame")
    record = lambda actor, **where: services.not_rated_record(  # noqa: E731
        review=review, actor=actor, value=value, because="Because.", **where
    )
    with pytest.raises(ReviewError, match="your own agency"):
        record(partners.leads[0], agency=partners.agencies[1])
    with pytest.raises(ReviewError, match="representative of this panel"):
        record(partners.representatives[Constituency.FAMILY], panel=Panel.FRONTLINE)
    with pytest.raises(ReviewError):
        record(partners.family[3], panel=Panel.FAMILY)
    with pytest.raises(ReviewError, match="agency or a panel"):
        record(partners.facilitator)
    with pytest.raises(ReviewError, match="agency or a panel"):
        record(partners.facilitator, agency=partners.agencies[0], panel=Panel.FAMILY)
    with pytest.raises(ReviewError, match="Say why"):
        services.not_rated_record(
            review=review, actor=partners.facilitator, value=value, panel="family", because=" "
        )
    record(partners.representatives[Constituency.FRONTLINE], panel=Panel.FRONTLINE)
    record(partners.facilitator, agency=partners.agencies[1])
    mine = record(partners.leads[0], agency=partners.agencies[0])
    assert NotRated.objects.count() == 3
    # Rating after all replaces the reason; a rated value needs no reason.
    services.self_rate(
        review=review, actor=partners.leads[0], agency=partners.agencies[0], value=value, score=2
    )
    assert not NotRated.objects.filter(pk=mine.pk).exists()
    with pytest.raises(ReviewError, match="rated this value already"):
        record(partners.leads[0], agency=partners.agencies[0])


def _self(review: Review, lead_index: int, partners: Partners, key: str, score: int) -> None:
    lead = partners.leads[lead_index]
    assert lead.agency is not None
    services.self_rate(
        review=review, actor=lead, agency=lead.agency, value=value_of(review, key), score=score
    )


def _panel_scores(review: Review, members: list, scores: dict[str, list[int]]) -> None:
    """Member n rates each value with the n-th score of its list."""
    for n, member in enumerate(members):
        services.panel_rate(
            review=review,
            actor=member,
            ratings={value_of(review, key).pk: s[n] for key, s in scores.items()},
        )


def test_gap_flags_match_hand_worked_examples(review: Review, partners: Partners) -> None:
    """Worked by hand:

    Family rights. Family panel 4, 4, 4, 3, 3: average 3.6. Frontline 5, 5, 5, 5, 4: 4.8.
      Social Work rates itself 6: gaps 6 - 3.6 = 2.4 (flagged) and 6 - 4.8 = 1.2.
      Health rates itself 3: gaps 3 - 3.6 = -0.6 and 3 - 4.8 = -1.8 (neither flagged).
    No blame. Family panel all 2: average 2.0. Frontline all 6: 6.0.
      Social Work rates itself 4: gaps 4 - 2 = 2.0 (flagged, exactly two) and 4 - 6 = -2.0
      (flagged: the agency rates itself lower than its staff do).
      Health rates itself 3: gaps 1.0 and -3.0 (flagged).
    """
    _self(review, 0, partners, "family-rights", 6)
    _self(review, 1, partners, "family-rights", 3)
    _self(review, 0, partners, "no-blame", 4)
    _self(review, 1, partners, "no-blame", 3)
    _panel_scores(
        review, partners.family[:5], {"family-rights": [4, 4, 4, 3, 3], "no-blame": [2] * 5}
    )
    _panel_scores(
        review, partners.frontline[:5], {"family-rights": [5, 5, 5, 5, 4], "no-blame": [6] * 5}
    )
    services.ratings_close(review=review, actor=partners.facilitator)
    matrix = selectors.gap_matrix(review=review)
    assert [a.name for a in matrix.agencies] == ["Northshire Health", "Northshire Social Work"]
    rows = {row.value.key: row for row in matrix.rows}
    found = {
        (key, cell.agency.name): (
            cell.self_score,
            [(g.panel, g.size, g.flagged) for g in cell.gaps],
            cell.flagged,
        )
        for key in ("family-rights", "no-blame")
        for cell in rows[key].cells
    }
    assert rows["family-rights"].family.mean == 3.6
    assert rows["family-rights"].frontline.mean == 4.8
    assert found == {
        ("family-rights", "Northshire Social Work"): (
            6,
            [("family", 2.4, True), ("frontline", 1.2, False)],
            True,
        ),
        ("family-rights", "Northshire Health"): (
            3,
            [("family", -0.6, False), ("frontline", -1.8, False)],
            False,
        ),
        ("no-blame", "Northshire Social Work"): (
            4,
            [("family", 2.0, True), ("frontline", -2.0, True)],
            True,
        ),
        ("no-blame", "Northshire Health"): (
            3,
            [("family", 1.0, False), ("frontline", -3.0, True)],
            True,
        ),
    }
    # A value with no ratings has no gaps; an unrated agency has none either.
    assert all(not cell.gaps for cell in rows["staff-wellbeing"].cells)
    assert len(matrix.flagged) == 3
    assert "fewer than 5" in matrix.note


def test_the_trend_follows_each_value_across_quarters(
    review: Review, partners: Partners, complete: Callable[[Review], None]
) -> None:
    _close(review, partners, complete)
    second = services.review_open(
        partnership=partners.partnership, actor=partners.facilitator, quarter=NEXT
    )
    _self(second, 0, partners, "no-blame", 6)
    rate_panel(second, partners.family[:5], {"no-blame": 2})
    services.ratings_close(review=second, actor=partners.facilitator)
    [row] = [r for r in selectors.gap_matrix(review=second).rows if r.value.key == "no-blame"]
    social_work = next(c for c in row.cells if c.agency == partners.agencies[0])
    assert [(p.quarter, p.self_score, p.family, p.frontline) for p in social_work.trend] == [
        (QUARTER, 4, 5.0, 5.0),
        (NEXT, 6, 2.0, None),
    ]
    assert [g.size for g in social_work.gaps] == [4.0]


def test_open_actions_carry_into_next_quarter_with_their_status(
    review: Review, partners: Partners, complete: Callable[[Review], None]
) -> None:
    fac = partners.facilitator
    value = value_of(review, "relationships-first")
    add = lambda text, **more: services.action_add(  # noqa: E731
        review=review, actor=fac, text=text, owner_agency=partners.agencies[0], **more
    )
    steps = [("Agree the caseload limit", _later(10)), ("Recruit two workers", None)]
    planned = add("Cap caseloads at 15 families", due_on=_later(), value=value, milestones=steps)
    under_way = add("Plan handovers with families", due_on=_later(60))
    stuck = add("Share one plan across agencies", due_on=_later(90))
    done = add("Write to families about their rights", due_on=_later(5))
    services.action_update(action=under_way, actor=fac, status=ActionStatus.IN_PROGRESS)
    services.action_update(
        action=stuck, actor=fac, status=ActionStatus.STUCK, stuck_because="No shared system."
    )
    services.action_update(action=done, actor=fac, status=ActionStatus.DONE)
    services.milestone_set_done(milestone=planned.milestones.get(position=0), actor=fac, done=True)
    _close(review, partners, complete)
    second = services.review_open(partnership=partners.partnership, actor=fac, quarter=NEXT)
    carried = {a.carried_from_id: a for a in selectors.actions_of(review=second)}
    assert set(carried) == {planned.pk, under_way.pk, stuck.pk}
    copy = carried[planned.pk]
    assert (copy.text, copy.owner_agency, copy.due_on, copy.status) == (
        planned.text,
        planned.owner_agency,
        planned.due_on,
        ActionStatus.OPEN,
    )
    assert copy.value is not None and copy.value.key == "relationships-first"
    assert [(m.text, m.done) for m in copy.milestones.all()] == [
        ("Agree the caseload limit", True),
        ("Recruit two workers", False),
    ]
    assert carried[under_way.pk].status == ActionStatus.IN_PROGRESS
    assert carried[stuck.pk].status == ActionStatus.STUCK
    assert carried[stuck.pk].stuck_because == "No shared system."
    # Progress is recorded on the newest copy.
    with pytest.raises(ReviewError, match="carried into the 2026-Q4 review"):
        services.action_update(action=planned, actor=fac, status=ActionStatus.DONE)
    services.action_update(action=copy, actor=fac, status=ActionStatus.DONE)
    assert [a.pk for a in selectors.actions_due(review=second, by=_later(60))] == [
        carried[under_way.pk].pk
    ]


def test_action_progress_belongs_to_its_owner_and_those_who_run_reviews(
    review: Review, partners: Partners
) -> None:
    action = services.action_add(
        review=review,
        actor=partners.facilitator,
        text="Open records to families",
        owner_agency=partners.agencies[1],
        due_on=_later(),
    )
    with pytest.raises(ReviewError, match="owning agency"):
        services.action_update(action=action, actor=partners.leads[0], status="done")
    with pytest.raises(ReviewError, match="why the action is stuck"):
        services.action_update(action=action, actor=partners.leads[1], status="stuck")
    with pytest.raises(ReviewError, match="status"):
        services.action_update(action=action, actor=partners.leads[1], status="finished")
    services.action_update(
        action=action, actor=partners.leads[1], status="stuck", stuck_because="Waiting on law."
    )
    services.action_update(action=action, actor=partners.leads[1], status="in_progress")
    action.refresh_from_db()
    assert (action.status, action.stuck_because) == ("in_progress", "")
    for bad in (
        {"text": " ", "due_on": _later()},
        {"text": "Fine", "due_on": timezone.localdate() - timedelta(days=1)},
        {"text": "x" * 501, "due_on": _later()},
    ):
        with pytest.raises(ReviewError):
            services.action_add(
                review=review,
                actor=partners.facilitator,
                owner_agency=partners.agencies[0],
                **bad,  # type: ignore[arg-type]
            )
    with pytest.raises(ReviewError, match="facilitator or an admin"):
        services.action_add(
            review=review,
            actor=partners.leads[0],
            text="Mine",
            owner_agency=partners.agencies[0],
            due_on=_later(),
        )


def test_actions_from_circles_and_conversations_are_brought_in_once(
    review: Review,
    partners: Partners,
    make_circle: Callable[..., Circle],
    make_member: Callable[..., Member],
    other_partnership: Partnership,
) -> None:
    fac = partners.facilitator
    circle = make_circle()
    for phase in ("group", "vote", "act"):
        circle_services.circle_move_to(circle=circle, actor=fac, phase=phase)
    from_circle = circle_services.action_create(
        circle=circle,
        actor=fac,
        text="Protect supervision time",
        owner_agency=partners.agencies[1],
        due_on=_later(),
    )
    now = timezone.now()
    conversation = conversation_services.conversation_create(
        partnership=partners.partnership,
        created_by=fac,
        question="How should services work with families?",
        context="",
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=5),
        seeds=SEEDS,
    )
    statement = conversation_selectors.votable_statements(conversation=conversation).first()
    assert statement is not None
    from_conversation = conversation_services.action_create(
        conversation=conversation,
        actor=fac,
        statement=statement,
        text="Let families read their case notes",
        owner_agency=partners.agencies[0],
        due_on=_later(),
    )
    conversation_services.action_update(action=from_conversation, actor=fac, status="under_way")
    bringable = selectors.bringable_actions(review=review)
    assert {(b.source, b.source_id, b.where) for b in bringable} == {
        (Source.CIRCLE, from_circle.pk, circle.title),
        (Source.CONVERSATION, from_conversation.pk, conversation.question),
    }
    brought = services.action_bring_in(
        review=review, actor=fac, source=Source.CONVERSATION, source_id=from_conversation.pk
    )
    assert (brought.text, brought.status, brought.owner_agency) == (
        "Let families read their case notes",
        ActionStatus.IN_PROGRESS,
        partners.agencies[0],
    )
    circle_brought = services.action_bring_in(
        review=review,
        actor=fac,
        source=Source.CIRCLE,
        source_id=from_circle.pk,
        value=value_of(review, "staff-wellbeing"),
    )
    assert circle_brought.status == ActionStatus.OPEN and circle_brought.source == Source.CIRCLE
    assert selectors.bringable_actions(review=review) == []
    with pytest.raises(ReviewError, match="in the review already"):
        services.action_bring_in(
            review=review, actor=fac, source=Source.CIRCLE, source_id=from_circle.pk
        )
    for source, source_id in (("pulse", from_circle.pk), (Source.CIRCLE, 10**9)):
        with pytest.raises(ReviewError):
            services.action_bring_in(review=review, actor=fac, source=source, source_id=source_id)
    # Another partnership's action is not found from here.
    outsider = make_member(Role.FACILITATOR, partnership=other_partnership, name="out")
    elsewhere = people_services.agency_create(
        partnership=other_partnership, name="Elsewhere", sector="health"
    )
    theirs = conversation_services.conversation_create(
        partnership=other_partnership,
        created_by=outsider,
        question="Elsewhere?",
        context="",
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=5),
        seeds=SEEDS,
    )
    their_action = conversation_services.action_create(
        conversation=theirs,
        actor=outsider,
        statement=conversation_selectors.votable_statements(conversation=theirs)[0],
        text="Theirs",
        owner_agency=elsewhere,
        due_on=_later(),
    )
    with pytest.raises(ReviewError, match="partnership's circles or conversations"):
        services.action_bring_in(
            review=review, actor=fac, source=Source.CONVERSATION, source_id=their_action.pk
        )
    assert Action.objects.filter(review=review).count() == 2


def test_shortfalls_say_where_the_system_falls_short_and_why(
    review: Review, partners: Partners
) -> None:
    value = value_of(review, "whole-family-approaches")
    shortfall = services.shortfall_add(
        review=review,
        actor=partners.family[2],
        value=value,
        barrier="data",
        text="Each agency keeps its own plan.\nNobody can see them all.",
    )
    assert shortfall.get_barrier_display() == "Data and systems"
    for barrier, text in (("money", "Words"), ("law", " "), ("law", "x" * 2001)):
        with pytest.raises(ReviewError):
            services.shortfall_add(
                review=review, actor=partners.family[2], value=value, barrier=barrier, text=text
            )
    with pytest.raises(ReviewError, match="facilitator or an admin"):
        services.shortfall_remove(shortfall=shortfall, actor=partners.family[2])
    [sides] = [s for s in selectors.meeting(review=review) if s.value == value]
    assert sides.shortfalls == (shortfall,)
    services.shortfall_remove(shortfall=shortfall, actor=partners.facilitator)
    assert not review.shortfalls.exists()


def test_quarters_by_hand() -> None:
    assert selectors.quarter_for(date(2026, 1, 1)) == "2026-Q1"
    assert selectors.quarter_for(date(2026, 9, 30)) == "2026-Q3"
    assert selectors.quarter_for(date(2026, 10, 1)) == "2026-Q4"
    assert selectors.quarter_after("2026-Q3") == "2026-Q4"
    assert selectors.quarter_after("2026-Q4") == "2027-Q1"
