"""Career stage as a lens on the review's panel ratings (issue 13, item 6). A rating keeps
its rater's career stage only when at least the minimum group size of the panel's members
share it (so a stored row never narrows to fewer people); figures by stage are released
through the same disclosure guard as the panel's figure, so a small stage is hidden
directly and cannot be worked out from the panel's figure less the other stages."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import client_for
from tests.reviews.conftest import Partners, person, rate_panel, value_of
from tests.reviews.test_pack import docx_text, pdf_text
from village.people.models import CareerStage, Constituency, Member, Role
from village.reviews import selectors
from village.reviews import services as review_services
from village.reviews.models import Panel, PanelRating, Review
from village.reviews.pack import review_pack
from village.reviews.pack_render import pack_docx, pack_pdf

NEW, ESTABLISHED, NEARING = (str(s) for s in CareerStage.values)
VALUE = "no-blame"


def _staged(members: list[Member], stage: str) -> list[Member]:
    Member.objects.filter(pk__in=[m.pk for m in members]).update(career_stage=stage)
    for member in members:
        member.refresh_from_db()
    return members


def _more_frontline(partners: Partners, count: int) -> list[Member]:
    return [
        person(
            partners.partnership,
            f"Extra{n}",
            roles=[Role.STAFF],
            constituency=Constituency.FRONTLINE,
            agency=partners.agencies[0],
        )
        for n in range(count)
    ]


def _frontline(review: Review) -> selectors.PanelFigure:
    return selectors.panel_figures(review=review)[value_of(review, VALUE).pk][Panel.FRONTLINE]


def test_stages_big_enough_are_shown_within_the_panel(review: Review, partners: Partners) -> None:
    frontline = [*partners.frontline, *_more_frontline(partners, 4)]
    new = _staged(frontline[:6], NEW)
    established = _staged(frontline[6:12], ESTABLISHED)
    rate_panel(review, new, {VALUE: 2})
    rate_panel(review, established, {VALUE: 6})
    review_services.ratings_close(review=review, actor=partners.facilitator)
    figure = _frontline(review)
    assert figure.shown
    by_stage = {stage.label: stage for stage in figure.stages}
    assert by_stage["New to the work"].mean == 2.0
    assert by_stage["Established"].mean == 6.0
    assert not by_stage["Nearing retirement"].shown
    page = client_for(partners.facilitator).get(reverse("reviews:meeting", args=[review.pk]))
    text = page.content.decode()
    assert "By career stage" in text and "New to the work" in text


def test_a_small_stage_is_not_kept_on_the_rating_nor_shown_nor_found_by_subtraction(
    review: Review, partners: Partners
) -> None:
    """Six new to the work and two nearing retirement on the frontline panel: the two keep
    no stage on their ratings, and since the panel's figure less the new-to-the-work figure
    would be theirs, the stages are not shown at all."""
    new = _staged(partners.frontline[:6], NEW)
    nearing = _staged(partners.frontline[6:8], NEARING)
    rate_panel(review, new, {VALUE: 2})
    rate_panel(review, nearing, {VALUE: 6})
    review_services.ratings_close(review=review, actor=partners.facilitator)
    stored = list(PanelRating.objects.values_list("career_stage", flat=True))
    assert stored.count(NEW) == 6 and stored.count("") == 2
    assert NEARING not in stored
    figure = _frontline(review)
    assert figure.shown
    minimum = partners.partnership.min_group_size
    true = {"New to the work": 6, "Not given": 2, "Established": 0, "Nearing retirement": 0}
    hidden = sum(true[s.label] for s in figure.stages if not s.shown)
    assert all(s.people >= minimum for s in figure.stages if s.shown and s.people)
    assert hidden == 0 or hidden >= minimum
    assert figure.stages == ()
    page = client_for(partners.facilitator).get(reverse("reviews:meeting", args=[review.pk]))
    assert "By career stage" not in page.content.decode()


def test_the_stage_counts_only_the_raters_own_panel(review: Review, partners: Partners) -> None:
    """Families sharing a stage do not make it common on the frontline panel."""
    _staged(partners.family, NEARING)
    [frontline] = _staged(partners.frontline[:1], NEARING)
    rate_panel(review, [frontline], {VALUE: 3})
    rate_panel(review, partners.family[:1], {VALUE: 3})
    review_services.ratings_close(review=review, actor=partners.facilitator)
    stored = dict(PanelRating.objects.values_list("panel", "career_stage"))
    assert stored == {Panel.FRONTLINE: "", Panel.FAMILY: NEARING}


def test_the_review_pack_shows_the_panels_by_career_stage_as_the_meeting_does(
    review: Review, partners: Partners
) -> None:
    """Found: only the meeting view broke the panels down by career stage; the pack, the
    review's printed report, did not."""
    frontline = [*partners.frontline, *_more_frontline(partners, 4)]
    rate_panel(review, _staged(frontline[:6], NEW), {VALUE: 2})
    rate_panel(review, _staged(frontline[6:12], ESTABLISHED), {VALUE: 6})
    review_services.ratings_close(review=review, actor=partners.facilitator)
    pack = review_pack(review=review)
    (value,) = [v for v in pack.values if v.key == VALUE]
    rows = {(row.panel, row.stage): row for row in value.stage_rows}
    assert rows[("Frontline staff", "New to the work")].words.startswith("2")
    assert rows[("Frontline staff", "Established")].words.startswith("6")
    assert not rows[("Frontline staff", "Nearing retirement")].words
    for text in (pdf_text(pack_pdf(pack)), docx_text(pack_docx(pack))):
        assert "the panels by career stage" in text and "New to the work" in text
