"""Thin views for the quarterly review pages: parse, fetch and authorise (access.py), call a
service or selector, render. Every change is a post that redirects; steps that cannot be
undone (closing the ratings, closing the review) ask first on a page of their own."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from village.once import run_once
from village.people.models import Member
from village.people.selectors import agencies_for
from village.pulse.charts import bar_chart
from village.reviews import access, forms, policy, selectors, services
from village.reviews.models import Action, Milestone, Review, Shortfall, Value
from village.reviews.policy import Act, ReviewError


def _member(request: HttpRequest) -> Member:
    member = getattr(request, "member", None)
    if not member:
        raise PermissionDenied
    return member


def _review(request: HttpRequest, pk: int) -> tuple[Review, Member]:
    member = _member(request)
    return access.access_review(pk=pk, member=member), member


def _refusal(review: Review, member: Member, act: Act) -> str:
    """Why this person cannot take this step now, or "". Someone whose role never takes it
    gets the 403 page; someone who could, at another stage, is told why not now."""
    people = policy.people_of(member=member, target=review)
    if not people & policy.POLICY[act].people:
        raise PermissionDenied
    return policy.decide_for(act=act, target=review, people=people).reason


def _back(
    request: HttpRequest, where: str, review: Review, *, error: str = "", done: str = ""
) -> HttpResponse:
    if error:
        messages.error(request, error)
    elif done:
        messages.success(request, done)
    return redirect(where, pk=review.pk)


def _values(review: Review) -> Any:
    return Value.objects.filter(version_id=review.version_id)


def _posted(request: HttpRequest) -> Any:
    """The posted fields, even none (an empty post is still a post to answer), or None."""
    return request.POST if request.method == "POST" else None


def _chosen_value(request: HttpRequest) -> dict[str, str]:
    """The value a link from the meeting view chose, to start the form with."""
    chosen = request.GET.get("value", "")
    return {"value": chosen} if chosen.isdigit() else {}


def _context(review: Review, member: Member, **extra: Any) -> dict[str, Any]:
    return {
        "review": review,
        "can": policy.abilities(target=review, member=member),
        **extra,
    }


# --- the list and opening a quarter -------------------------------------------------------------


def _next_quarter(member: Member) -> str:
    latest = selectors.latest_review(partnership=member.partnership)
    today = selectors.quarter_for(timezone.localdate())
    if latest is None:
        return today
    return max(today, selectors.quarter_after(latest.quarter))


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    partnership = member.partnership
    can_open = policy.can_open_reviews(member=member, partnership=partnership)
    form = forms.OpenReviewForm(
        _posted(request), initial={"quarter": _next_quarter(member)} if can_open else None
    )
    if request.method == "POST":
        if not can_open:
            raise PermissionDenied
        if form.is_valid():

            def create() -> HttpResponse:
                try:
                    review = services.review_open(
                        partnership=partnership, actor=member, quarter=form.cleaned_data["quarter"]
                    )
                except ReviewError as error:
                    form.add_error("quarter", str(error))
                    return _list_page(request, member, form, can_open)
                carried = review.actions.count()
                messages.success(
                    request,
                    _("The %(quarter)s review is open for ratings.") % {"quarter": review.quarter}
                    + (
                        " "
                        + ngettext(
                            "%(n)s open action came with it from last quarter.",
                            "%(n)s open actions came with it from last quarter.",
                            carried,
                        )
                        % {"n": carried}
                        if carried
                        else ""
                    ),
                )
                return redirect("reviews:review", pk=review.pk)

            return run_once(request, create)
    return _list_page(request, member, form, can_open)


def _list_page(
    request: HttpRequest, member: Member, form: forms.OpenReviewForm, can_open: bool
) -> HttpResponse:
    return render(
        request,
        "reviews/review_list.html",
        {
            "reviews": selectors.reviews_for(partnership=member.partnership),
            "form": form,
            "can_open": can_open,
        },
    )


# --- one review ---------------------------------------------------------------------------------


@login_required
@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review, member = _review(request, pk)
    people = policy.people_of(member=member, target=review)
    return render(
        request,
        "reviews/review_detail.html",
        _context(
            review,
            member,
            missing=selectors.missing_ratings(review=review),
            can_open=policy.can_open_reviews(member=member, partnership=review.partnership),
            panel_rated=bool(people & policy.PANELS)
            and selectors.has_panel_rated(review=review, member=member),
            actions=selectors.actions_of(review=review),
        ),
    )


@login_required
def self_rate(request: HttpRequest, pk: int) -> HttpResponse:
    review, member = _review(request, pk)
    refused = _refusal(review, member, Act.SELF_RATE)
    agency = member.agency
    if agency is None:
        refused = refused or _("You are not in an agency, so there is no agency for you to rate.")
    values = list(_values(review))
    initial: dict[str, Any] = {}
    if agency is not None:
        for rating in review.self_ratings.filter(agency=agency):
            initial[f"score_{rating.value_id}"] = str(rating.score)
            initial[f"evidence_{rating.value_id}"] = rating.evidence
            initial[f"links_{rating.value_id}"] = "\n".join(rating.links)
    form = forms.SelfRatingForm(_posted(request), values=values, initial=initial)
    if request.method == "POST" and not refused and form.is_valid():
        assert agency is not None
        ratings = form.ratings()
        if not ratings:
            form.add_error(None, _("Choose a rating for at least one value."))
        else:
            try:
                with transaction.atomic():
                    for value, score, evidence, links in ratings:
                        field = f"score_{value.pk}"
                        services.self_rate(
                            review=review,
                            actor=member,
                            agency=agency,
                            value=value,
                            score=score,
                            evidence=evidence,
                            links=links,
                        )
            except ReviewError as error:
                form.add_error(field, str(error))
            else:
                return _back(
                    request,
                    "reviews:review",
                    review,
                    done=_("%(agency)s's ratings are saved: %(n)s values.")
                    % {"agency": agency.name, "n": len(ratings)},
                )
    return render(
        request,
        "reviews/review_self_rate.html",
        _context(review, member, form=form, refused=refused, agency=agency),
    )


@login_required
def panel_rate(request: HttpRequest, pk: int) -> HttpResponse:
    review, member = _review(request, pk)
    refused = _refusal(review, member, Act.PANEL_RATE)
    rated = selectors.has_panel_rated(review=review, member=member)
    form = forms.PanelRatingForm(_posted(request), values=_values(review))
    if request.method == "POST" and not refused and not rated and form.is_valid():

        def create() -> HttpResponse:
            try:
                services.panel_rate(review=review, actor=member, ratings=form.ratings())
            except ReviewError as error:
                form.add_error(None, str(error))
                return _panel_page(request, review, member, form, refused, rated)
            return _back(
                request, "reviews:panel_rate", review, done=_("Thank you. Your ratings are in.")
            )

        return run_once(request, create)
    return _panel_page(request, review, member, form, refused, rated)


def _panel_page(
    request: HttpRequest,
    review: Review,
    member: Member,
    form: forms.PanelRatingForm,
    refused: str,
    rated: bool,
) -> HttpResponse:
    return render(
        request,
        "reviews/review_panel_rate.html",
        _context(
            review,
            member,
            form=form,
            refused=refused,
            rated=rated,
            panel=selectors.PANEL_LABELS.get(policy.panel_of(member), ""),
            minimum=review.partnership.min_group_size,
        ),
    )


@login_required
def not_rated(request: HttpRequest, pk: int) -> HttpResponse:
    review, member = _review(request, pk)
    people = policy.people_of(member=member, target=review)
    can = policy.abilities(target=review, member=member)
    for_agency = people & policy.POLICY[Act.NOT_RATED_AGENCY].people
    for_panel = people & policy.POLICY[Act.NOT_RATED_PANEL].people
    if not for_agency and not for_panel:
        raise PermissionDenied
    # Both steps belong to the same stages, so either answers why not now.
    act = Act.NOT_RATED_AGENCY if for_agency else Act.NOT_RATED_PANEL
    refused = policy.decide_for(act=act, target=review, people=people).reason
    agencies = agencies_for(partnership=review.partnership)
    if not people & policy.RUNS:
        own = member.agency_id if for_agency else None
        agencies = agencies.filter(pk=own) if own is not None else agencies.none()
    form = forms.NotRatedForm(
        _posted(request),
        values=_values(review),
        agencies=agencies,
        panels=bool(can[Act.NOT_RATED_PANEL]),
    )
    if request.method == "POST" and not refused and form.is_valid():
        kind, _sep, key = form.cleaned_data["who"].partition(":")
        who: dict[str, Any] = (
            {"agency": agencies.get(pk=int(key))} if kind == "agency" else {"panel": key}
        )
        try:
            services.not_rated_record(
                review=review,
                actor=member,
                value=form.cleaned_data["value"],
                because=form.cleaned_data["because"],
                **who,
            )
        except ReviewError as error:
            form.add_error(None, str(error))
        else:
            return _back(request, "reviews:review", review, done=_("The reason is recorded."))
    return render(
        request,
        "reviews/review_not_rated.html",
        _context(review, member, form=form, refused=refused),
    )


# --- shortfalls ---------------------------------------------------------------------------------


@login_required
def shortfalls(request: HttpRequest, pk: int) -> HttpResponse:
    review, member = _review(request, pk)
    form = forms.ShortfallForm(
        _posted(request), values=_values(review), initial=_chosen_value(request)
    )
    if request.method == "POST":
        refused = _refusal(review, member, Act.ADD_SHORTFALL)
        if refused:
            return _back(request, "reviews:shortfalls", review, error=refused)
        if form.is_valid():

            def create() -> HttpResponse:
                try:
                    services.shortfall_add(review=review, actor=member, **form.cleaned_data)
                except ReviewError as error:
                    form.add_error(None, str(error))
                    return _shortfalls_page(request, review, member, form)
                return _back(
                    request, "reviews:shortfalls", review, done=_("The shortfall is added.")
                )

            return run_once(request, create)
    return _shortfalls_page(request, review, member, form)


def _shortfalls_page(
    request: HttpRequest, review: Review, member: Member, form: forms.ShortfallForm
) -> HttpResponse:
    return render(
        request,
        "reviews/review_shortfalls.html",
        _context(
            review,
            member,
            form=form,
            shortfalls=review.shortfalls.select_related("value"),
        ),
    )


@login_required
def shortfall_remove(request: HttpRequest, pk: int, shortfall_pk: int) -> HttpResponse:
    review, member = _review(request, pk)
    shortfall = Shortfall.objects.filter(review=review, pk=shortfall_pk).first()
    if shortfall is None:
        raise Http404
    refused = _refusal(review, member, Act.REMOVE_SHORTFALL)
    if request.method == "POST":
        try:
            services.shortfall_remove(shortfall=shortfall, actor=member)
        except ReviewError as error:
            return _back(request, "reviews:shortfalls", review, error=str(error))
        return _back(request, "reviews:shortfalls", review, done=_("The shortfall is removed."))
    return render(
        request,
        "reviews/review_confirm.html",
        _context(
            review,
            member,
            refused=refused,
            heading=_("Remove this shortfall?"),
            thing=shortfall.text,
            button=_("Yes, remove it"),
            back="reviews:shortfalls",
        ),
    )


# --- the meeting and the gap matrix -------------------------------------------------------------


@login_required
@require_GET
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    review, member = _review(request, pk)
    return render(
        request,
        "reviews/review_meeting.html",
        _context(
            review,
            member,
            sides=selectors.meeting(review=review),
            note=selectors.disclosure_note(review=review),
        ),
    )


def _trend_chart(value: Value, cell: selectors.GapCell) -> Any:
    rows: list[tuple[str, float | None]] = []
    for point in cell.trend:
        rows += [
            (_("%(quarter)s: own rating") % {"quarter": point.quarter}, point.self_score),
            (_("%(quarter)s: family panel") % {"quarter": point.quarter}, point.family),
            (_("%(quarter)s: frontline staff") % {"quarter": point.quarter}, point.frontline),
        ]
    return bar_chart(
        title=_("%(agency)s on “%(value)s”, quarter by quarter")
        % {"agency": cell.agency.name, "value": value.name},
        rows=rows,
        low=0,
        high=6,
    )


@login_required
@require_GET
def gaps(request: HttpRequest, pk: int) -> HttpResponse:
    review, member = _review(request, pk)
    matrix = selectors.gap_matrix(review=review)
    trends = [
        (row, cell, _trend_chart(row.value, cell))
        for row in matrix.rows
        for cell in row.cells
        if any(
            p.self_score is not None or p.family is not None or p.frontline is not None
            for p in cell.trend
        )
    ]
    return render(
        request,
        "reviews/review_gaps.html",
        _context(review, member, matrix=matrix, trends=trends),
    )


# --- actions ------------------------------------------------------------------------------------


def _action_form(review: Review, request: HttpRequest) -> forms.ActionForm:
    return forms.ActionForm(
        _posted(request),
        values=_values(review),
        agencies=agencies_for(partnership=review.partnership),
        initial=_chosen_value(request),
    )


@login_required
def actions(request: HttpRequest, pk: int) -> HttpResponse:
    review, member = _review(request, pk)
    form = _action_form(review, request)
    if request.method == "POST":
        refused = _refusal(review, member, Act.ADD_ACTION)
        if refused:
            return _back(request, "reviews:actions", review, error=refused)
        if form.is_valid():

            def create() -> HttpResponse:
                data = form.cleaned_data
                try:
                    services.action_add(
                        review=review,
                        actor=member,
                        text=data["text"],
                        owner_agency=data["owner_agency"],
                        due_on=data["due_on"],
                        value=data["value"],
                        milestones=form.milestone_lines(),
                    )
                except ReviewError as error:
                    form.add_error(None, str(error))
                    return _actions_page(request, review, member, form)
                return _back(request, "reviews:actions", review, done=_("The action is agreed."))

            return run_once(request, create)
    return _actions_page(request, review, member, form)


def _actions_page(
    request: HttpRequest, review: Review, member: Member, form: forms.ActionForm
) -> HttpResponse:
    can = policy.abilities(target=review, member=member)
    return render(
        request,
        "reviews/review_actions.html",
        _context(
            review,
            member,
            form=form,
            actions=selectors.actions_of(review=review),
            bringable=selectors.bringable_actions(review=review) if can["bring_in_action"] else [],
            statuses=forms.ActionStatusForm.base_fields["status"].choices,  # type: ignore[attr-defined]
        ),
    )


@login_required
@require_POST
def action_update(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    review, member = _review(request, pk)
    action = Action.objects.filter(review=review, pk=action_pk).first()
    if action is None:
        raise Http404
    form = forms.ActionStatusForm(request.POST)
    if not form.is_valid():
        return _back(
            request, "reviews:actions", review, error=str(next(iter(form.errors.values()))[0])
        )
    try:
        services.action_update(action=action, actor=member, **form.cleaned_data)
    except ReviewError as error:
        return _back(request, "reviews:actions", review, error=str(error))
    return _back(
        request,
        "reviews:actions",
        review,
        done=_("“%(action)s” is now: %(status)s.")
        % {"action": action.text, "status": action.get_status_display()},
    )


@login_required
@require_POST
def action_bring_in(request: HttpRequest, pk: int) -> HttpResponse:
    review, member = _review(request, pk)
    form = forms.BringInForm(request.POST)
    if not form.is_valid():
        return _back(
            request, "reviews:actions", review, error=str(next(iter(form.errors.values()))[0])
        )

    def create() -> HttpResponse:
        try:
            services.action_bring_in(review=review, actor=member, **form.cleaned_data)
        except ReviewError as error:
            return _back(request, "reviews:actions", review, error=str(error))
        return _back(
            request, "reviews:actions", review, done=_("The action is brought into the review.")
        )

    return run_once(request, create)


@login_required
@require_POST
def milestone_done(
    request: HttpRequest, pk: int, action_pk: int, milestone_pk: int
) -> HttpResponse:
    review, member = _review(request, pk)
    milestone = Milestone.objects.filter(
        action__review=review, action_id=action_pk, pk=milestone_pk
    ).first()
    if milestone is None:
        raise Http404
    done = request.POST.get("done") == "yes"
    try:
        services.milestone_set_done(milestone=milestone, actor=member, done=done)
    except ReviewError as error:
        return _back(request, "reviews:actions", review, error=str(error))
    return _back(
        request,
        "reviews:actions",
        review,
        done=(_("“%(milestone)s” is done.") if done else _("“%(milestone)s” is not done yet."))
        % {"milestone": milestone.text},
    )


# --- closing ------------------------------------------------------------------------------------


@login_required
def close_ratings(request: HttpRequest, pk: int) -> HttpResponse:
    review, member = _review(request, pk)
    refused = _refusal(review, member, Act.CLOSE_RATINGS)
    if request.method == "POST":
        try:
            services.ratings_close(review=review, actor=member)
        except ReviewError as error:
            return _back(request, "reviews:review", review, error=str(error))
        return _back(
            request,
            "reviews:meeting",
            review,
            done=_("Ratings are closed. The meeting can begin."),
        )
    return render(
        request,
        "reviews/review_confirm.html",
        _context(
            review,
            member,
            refused=refused,
            heading=_("Close the ratings for %(quarter)s?") % {"quarter": review.quarter},
            thing=_(
                "After this, nobody on the family panel or frontline staff can rate this "
                "quarter, and every panel rating still waiting is counted. Agencies can still "
                "change their own ratings until the review closes. This cannot be undone."
            ),
            button=_("Yes, close the ratings"),
            back="reviews:review",
        ),
    )


@login_required
def close_review(request: HttpRequest, pk: int) -> HttpResponse:
    review, member = _review(request, pk)
    refused = _refusal(review, member, Act.CLOSE_REVIEW)
    missing: list[selectors.Missing] = []
    if request.method == "POST":
        try:
            services.review_close(review=review, actor=member)
        except services.ReviewNotReady as error:
            missing = error.missing
            refused = _(
                "This review cannot close yet. Each of these needs a rating, or a note "
                "of why it was not rated."
            )
        except ReviewError as error:
            return _back(request, "reviews:review", review, error=str(error))
        else:
            return _back(
                request,
                "reviews:review",
                review,
                done=_("The %(quarter)s review is closed.") % {"quarter": review.quarter},
            )
    elif not refused:
        missing = selectors.missing_ratings(review=review)
    return render(
        request,
        "reviews/review_close.html",
        _context(review, member, refused=refused, missing=missing),
    )
