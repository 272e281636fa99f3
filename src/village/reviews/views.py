"""Thin views for the charter, amendments and quarterly review pages: parse, fetch and
authorise (access.py), call a service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from village.language.after_post import hold_once
from village.once import run_once
from village.pdf import PdfUnavailable
from village.people.models import Member
from village.people.selectors import agencies_for
from village.pulse.charts import bar_chart
from village.reviews import access, forms, policy, selectors, services
from village.reviews.home import partnership_home
from village.reviews.models import (
    Action,
    Amendment,
    CharterVersion,
    Clause,
    ClauseKind,
    Milestone,
    Review,
    Shortfall,
    Value,
)
from village.reviews.pack import ReviewPack, review_pack
from village.reviews.pack_render import CONTENT_TYPES, pack_docx, pack_filename, pack_pdf
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
        elif not hold_once(form):
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
    if request.method == "POST" and not refused and form.is_valid() and not hold_once(form):
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
        if form.is_valid() and not hold_once(form):

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


def _action_form(review: Review, request: HttpRequest, *, posted: bool = True) -> forms.ActionForm:
    return forms.ActionForm(
        _posted(request) if posted else None,
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
        if form.is_valid() and not hold_once(form):

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


def _status_form(action: Action, data: Any = None) -> forms.ActionStatusForm:
    """An action's progress form; its boxes are named per action, as one page has many."""
    return forms.ActionStatusForm(
        data,
        auto_id=f"action-{action.pk}-%s",
        initial={"status": action.status, "stuck_because": action.stuck_because},
    )


def _actions_page(
    request: HttpRequest,
    review: Review,
    member: Member,
    form: forms.ActionForm,
    held: forms.ActionStatusForm | None = None,
    held_for: int | None = None,
) -> HttpResponse:
    """The actions with their progress forms; `held` is the one shown again for its hints."""
    can = policy.abilities(target=review, member=member)
    actions = selectors.actions_of(review=review)
    return render(
        request,
        "reviews/review_actions.html",
        _context(
            review,
            member,
            form=form,
            actions=[
                (action, held if held and action.pk == held_for else _status_form(action))
                for action in actions
            ],
            bringable=selectors.bringable_actions(review=review) if can["bring_in_action"] else [],
        ),
    )


@login_required
@require_POST
def action_update(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    review, member = _review(request, pk)
    action = Action.objects.filter(review=review, pk=action_pk).first()
    if action is None:
        raise Http404
    form = _status_form(action, request.POST)
    if not form.is_valid():
        return _back(
            request, "reviews:actions", review, error=str(next(iter(form.errors.values()))[0])
        )
    if hold_once(form):
        add = _action_form(review, request, posted=False)
        return _actions_page(request, review, member, add, held=form, held_for=action.pk)
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


def _can(target: policy.Target, member: Member) -> dict[str, bool]:
    return policy.abilities(target=target, member=member)


def _version_url(version: CharterVersion) -> str:
    if version.is_published:
        return reverse("reviews:version", args=[version.pk])
    return reverse("reviews:draft", args=[version.pk])


# --- reading the charter ----------------------------------------------------------------------


@login_required
@require_GET
def charter(request: HttpRequest) -> HttpResponse:
    """The charter in force, read relationally; or how to start one."""
    member = _member(request)
    found = selectors.charter_of(partnership=member.partnership)
    published = selectors.published_version(charter=found) if found else None
    if published is not None:
        return _version_page(request, published, member)
    return render(
        request,
        "reviews/charter_none.html",
        {
            "draft": selectors.draft_of(charter=found) if found else None,
            "can_start": policy.can_open_reviews(member=member, partnership=member.partnership),
        },
    )


@login_required
@require_GET
def version(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    return _version_page(request, access.access_version(pk=pk, member=member), member)


def _version_page(request: HttpRequest, version: CharterVersion, member: Member) -> HttpResponse:
    charter = version.charter
    current = selectors.published_version(charter=charter)
    return render(
        request,
        "reviews/charter_version.html",
        {
            "version": version,
            "in_force": current is not None and current.pk == version.pk,
            "draft": selectors.draft_of(charter=charter),
            "readings": selectors.charter_reading(version=version),
            "open_amendments": selectors.amendments_of(charter=charter, state="open").count(),
            "can": _can(version, member),
            "can_name": policy.can_set_representatives(
                member=member, partnership=member.partnership
            ),
        },
    )


@login_required
@require_POST
def load_default(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    try:
        draft = services.charter_load_default(partnership=member.partnership, actor=member)
    except ReviewError as error:
        messages.error(request, str(error))
        return redirect("reviews:charter")
    messages.success(
        request, _("Village's default charter is your draft. Change it, then publish it.")
    )
    return redirect("reviews:draft", pk=draft.pk)


@login_required
@require_GET
def versions(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    found = selectors.charter_of(partnership=member.partnership)
    rows = list(selectors.versions_of(charter=found)) if found else []
    numbers = [v.number for v in rows]
    form = forms.DifferencesForm(
        numbers=numbers,
        initial={"old": numbers[1], "new": numbers[0]} if len(numbers) > 1 else {},
    )
    return render(request, "reviews/charter_versions.html", {"rows": rows, "form": form})


@login_required
@require_GET
def differences(request: HttpRequest) -> HttpResponse:
    """The differences between any two versions, word by word."""
    member = _member(request)
    found = selectors.charter_of(partnership=member.partnership)
    if found is None:
        return redirect("reviews:charter")
    by_number = {v.number: v for v in selectors.versions_of(charter=found)}
    form = forms.DifferencesForm(request.GET, numbers=list(by_number))
    found_differences = None
    if form.is_valid():
        old, new = by_number[form.cleaned_data["old"]], by_number[form.cleaned_data["new"]]
        found_differences = selectors.version_differences(old=old, new=new)
    return render(
        request,
        "reviews/charter_differences.html",
        {"form": form, "differences": found_differences},
    )


# --- changing the draft -----------------------------------------------------------------------


@login_required
@require_POST
def draft_start(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    version = access.access_version(pk=pk, member=member)
    try:
        draft = services.draft_start(version=version, actor=member)
    except ReviewError as error:
        messages.error(request, str(error))
        return redirect("reviews:version", pk=version.pk)
    messages.success(request, _("A new draft is ready, copied from the charter in force."))
    return redirect("reviews:draft", pk=draft.pk)


@login_required
def draft(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft, with its values and clauses to change, and its opening words."""
    member = _member(request)
    version = access.access_version(pk=pk, member=member)
    if version.is_published:
        return redirect("reviews:version", pk=version.pk)
    form = forms.VersionForm(
        _posted(request), initial={"preamble": version.preamble, "note": version.note}
    )
    if request.method == "POST" and form.is_valid() and not hold_once(form):
        try:
            services.version_update(version=version, actor=member, **form.cleaned_data)
        except ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The opening words are saved."))
            return redirect("reviews:draft", pk=version.pk)
    return render(
        request,
        "reviews/charter_draft.html",
        {
            "version": version,
            "form": form,
            "readings": selectors.charter_reading(version=version),
            "values": selectors.values_of(version=version),
            "gaps": selectors.reciprocity_gaps(version=version),
            "can": _can(version, member),
        },
    )


def _refused(act: policy.Act, version: CharterVersion, member: Member) -> None:
    """Refuse a page whose only use is a change the person may not make, in plain words."""
    decision = policy.decide_for(
        act=act, target=version, people=policy.people_of(member=member, target=version)
    )
    if not decision:
        raise PermissionDenied(decision.reason)


@login_required
def value_add(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    version = access.access_version(pk=pk, member=member)
    _refused(policy.Act.EDIT_DRAFT, version, member)
    form = forms.ValueForm(_posted(request))
    if request.method == "POST" and form.is_valid() and not hold_once(form):

        def create() -> HttpResponse:
            try:
                value = services.value_add(
                    version=version, actor=member, text=services.ValueText(**form.value_text())
                )
            except ReviewError as error:
                form.add_error(None, str(error))
                return _value_page(request, version, form, None)
            messages.success(request, _("The value is added. Add its rights and responsibilities."))
            return redirect(f"{reverse('reviews:draft', args=[version.pk])}#value-{value.pk}")

        return run_once(request, create)
    return _value_page(request, version, form, None)


def _value_page(
    request: HttpRequest, version: CharterVersion, form: Any, value: Value | None
) -> HttpResponse:
    return render(
        request, "reviews/charter_value.html", {"version": version, "form": form, "value": value}
    )


@login_required
def value_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    value = access.access_value(pk=pk, member=member)
    _refused(policy.Act.EDIT_DRAFT, value.version, member)
    form = forms.ValueForm(
        _posted(request),
        initial={
            "name": value.name,
            "description": value.description,
            "plain": value.plain,
            "principles": "\n".join(value.principles),
            "assumptions": "\n".join(value.assumptions),
            "foundations": value.foundations,
        },
    )
    if request.method == "POST" and form.is_valid() and not hold_once(form):
        try:
            services.value_update(
                value=value, actor=member, text=services.ValueText(**form.value_text())
            )
        except ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The value is saved."))
            return redirect(f"{reverse('reviews:draft', args=[value.version_id])}#value-{value.pk}")
    return _value_page(request, value.version, form, value)


@login_required
def value_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    value = access.access_value(pk=pk, member=member)
    _refused(policy.Act.EDIT_DRAFT, value.version, member)
    return _remove_from_draft(
        request,
        version_id=value.version_id,
        remove=lambda: services.value_remove(value=value, actor=member),
        done=_("The value and its clauses are removed from the draft."),
        title=_("Remove this value and all its rights and responsibilities?"),
        thing=value.name,
    )


def _remove_from_draft(
    request: HttpRequest,
    *,
    version_id: int,
    remove: Callable[[], object],
    done: str,
    title: str,
    thing: str,
) -> HttpResponse:
    """Removing a value or a clause from a draft: a page that asks first, then the post that
    removes it and goes back to the draft."""
    back = reverse("reviews:draft", args=[version_id])
    if request.method == "POST":
        try:
            remove()
        except ReviewError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done)
        return redirect(back)
    return render(
        request, "reviews/charter_remove.html", {"title": title, "thing": thing, "back": back}
    )


@login_required
def clause_add(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    value = access.access_value(pk=pk, member=member)
    _refused(policy.Act.EDIT_DRAFT, value.version, member)
    form = forms.ClauseForm(_posted(request), initial={"kind": ClauseKind.RIGHT})
    if request.method == "POST" and form.is_valid() and not hold_once(form):

        def create() -> HttpResponse:
            try:
                services.clause_add(value=value, actor=member, **form.cleaned_data)
            except ReviewError as error:
                form.add_error(None, str(error))
                return _clause_page(request, value, form, None)
            messages.success(request, _("The clause is added."))
            return redirect(f"{reverse('reviews:draft', args=[value.version_id])}#value-{value.pk}")

        return run_once(request, create)
    return _clause_page(request, value, form, None)


def _clause_page(
    request: HttpRequest, value: Value, form: Any, clause: Clause | None
) -> HttpResponse:
    return render(
        request, "reviews/charter_clause.html", {"value": value, "form": form, "clause": clause}
    )


@login_required
def clause_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    clause = access.access_clause(pk=pk, member=member)
    value = clause.value
    _refused(policy.Act.EDIT_DRAFT, value.version, member)
    form = forms.ClauseEditForm(
        _posted(request), initial={"parties": clause.parties, "text": clause.text}
    )
    if request.method == "POST" and form.is_valid() and not hold_once(form):
        try:
            services.clause_update(clause=clause, actor=member, **form.cleaned_data)
        except ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The clause is saved."))
            return redirect(f"{reverse('reviews:draft', args=[value.version_id])}#value-{value.pk}")
    return _clause_page(request, value, form, clause)


@login_required
def clause_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    clause = access.access_clause(pk=pk, member=member)
    _refused(policy.Act.EDIT_DRAFT, clause.value.version, member)
    return _remove_from_draft(
        request,
        version_id=clause.value.version_id,
        remove=lambda: services.clause_remove(clause=clause, actor=member),
        done=_("The clause is removed from the draft."),
        title=_("Remove this %(kind)s?") % {"kind": clause.get_kind_display().lower()},
        thing=clause.text,
    )


@login_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publishing asks first, listing what stops it: rights with no responsibility beside
    them, and the language lens's suggestions, which the person publishing must say they
    have read."""
    member = _member(request)
    version = access.access_version(pk=pk, member=member)
    _refused(policy.Act.PUBLISH, version, member)
    form = forms.PublishForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.version_publish(
                version=version,
                actor=member,
                acknowledge_lens=form.cleaned_data["acknowledge_lens"],
            )
        except ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Version %(n)s is published.") % {"n": version.number})
            return redirect("reviews:charter")
    return render(
        request,
        "reviews/charter_publish.html",
        {
            "version": version,
            "form": form,
            "gaps": selectors.reciprocity_gaps(version=version),
            "notes": selectors.lens_findings(version=version),
        },
    )


# --- representatives --------------------------------------------------------------------------


def _partnership_members(member: Member) -> Any:
    return Member.objects.filter(
        partnership=member.partnership, deactivated_at__isnull=True
    ).order_by("display_name")


@login_required
def representatives(request: HttpRequest) -> HttpResponse:
    """An admin names who speaks for each constituency on amendments."""
    member = _member(request)
    partnership = member.partnership
    if not policy.can_set_representatives(member=member, partnership=partnership):
        raise PermissionDenied(_("Only an admin can name representatives."))
    form = forms.RepresentativeForm(_posted(request), members=_partnership_members(member))
    if request.method == "POST" and form.is_valid():
        try:
            services.representative_set(
                partnership=partnership,
                actor=member,
                member=form.cleaned_data["member"],
                represents=form.cleaned_data["represents"],
            )
        except ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The representative is named."))
            return redirect("reviews:representatives")
    return render(
        request,
        "reviews/charter_representatives.html",
        {"form": form, "rows": selectors.representatives_for(partnership=partnership)},
    )


@login_required
def representative_remove(request: HttpRequest, member_pk: int) -> HttpResponse:
    member = _member(request)
    partnership = member.partnership
    if not policy.can_set_representatives(member=member, partnership=partnership):
        raise PermissionDenied(_("Only an admin can name representatives."))
    row = selectors.representatives_for(partnership=partnership).filter(member_id=member_pk).first()
    if row is None:
        messages.error(request, _("That person is not a representative."))
        return redirect("reviews:representatives")
    back = reverse("reviews:representatives")
    if request.method == "POST":
        try:
            services.representative_remove(partnership=partnership, actor=member, member=row.member)
        except ReviewError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("They no longer represent their constituency."))
        return redirect(back)
    return render(
        request,
        "reviews/charter_remove.html",
        {
            "title": _("Stop this person representing their constituency?"),
            "thing": f"{row.member.display_name}: {row.get_represents_display()}",
            "back": back,
            "yes": _("Yes, stop"),
        },
    )


# --- amendments -------------------------------------------------------------------------------


@login_required
def amendment_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose new words for a clause of the charter in force."""
    member = _member(request)
    clause = access.access_clause(pk=pk, member=member)
    version = clause.value.version
    _refused(policy.Act.PROPOSE_AMENDMENT, version, member)
    form = forms.AmendmentForm(_posted(request), initial={"new_text": clause.text})
    if request.method == "POST" and form.is_valid() and not hold_once(form):

        def create() -> HttpResponse:
            try:
                amendment = services.amendment_propose(
                    version=version, actor=member, clause=clause, **form.cleaned_data
                )
            except ReviewError as error:
                form.add_error(None, str(error))
                return _propose_page(request, clause, form)
            messages.success(request, _("Your amendment is proposed. Representatives can vote."))
            return redirect("reviews:amendment", pk=amendment.pk)

        return run_once(request, create)
    return _propose_page(request, clause, form)


def _propose_page(request: HttpRequest, clause: Clause, form: Any) -> HttpResponse:
    return render(request, "reviews/amendment_propose.html", {"clause": clause, "form": form})


@login_required
@require_GET
def amendments(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    found = selectors.charter_of(partnership=member.partnership)
    rows = list(selectors.amendments_of(charter=found)) if found else []
    return render(request, "reviews/amendment_list.html", {"rows": rows})


def _amendment_page(
    request: HttpRequest,
    amendment: Amendment,
    member: Member,
    *,
    comment_form: Any = None,
    vote_form: Any = None,
) -> HttpResponse:
    return render(
        request,
        "reviews/amendment_detail.html",
        {
            "amendment": amendment,
            "clause": selectors.amendment_clause(amendment=amendment),
            "pieces": selectors.amendment_difference(amendment=amendment),
            "standing": selectors.amendment_standing(amendment=amendment),
            "comments": amendment.comments.select_related("author"),
            "comment_form": comment_form or forms.CommentForm(),
            "vote_form": vote_form or forms.VoteForm(),
            "represents": policy.representing(member),
            "can": _can(amendment, member),
        },
    )


@login_required
@require_GET
def amendment(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    return _amendment_page(request, access.access_amendment(pk=pk, member=member), member)


@login_required
@require_POST
def amendment_comment(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    found = access.access_amendment(pk=pk, member=member)
    form = forms.CommentForm(request.POST)
    if not form.is_valid() or hold_once(form):
        return _amendment_page(request, found, member, comment_form=form)

    def create() -> HttpResponse:
        try:
            services.amendment_comment(
                amendment=found, actor=member, text=form.cleaned_data["text"]
            )
        except ReviewError as error:
            form.add_error("text", str(error))
            return _amendment_page(request, found, member, comment_form=form)
        messages.success(request, _("Your comment is added."))
        return redirect(f"{reverse('reviews:amendment', args=[found.pk])}#comments")

    return run_once(request, create)


@login_required
@require_POST
def amendment_vote(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    found = access.access_amendment(pk=pk, member=member)
    form = forms.VoteForm(request.POST)
    if not form.is_valid():
        return _amendment_page(request, found, member, vote_form=form)
    try:
        decided = services.amendment_vote(
            amendment=found, actor=member, yes=form.cleaned_data["answer"] == "yes"
        )
    except ReviewError as error:
        form.add_error(None, str(error))
        return _amendment_page(request, found, member, vote_form=form)
    messages.success(
        request,
        _("Your vote is saved. Every constituency said yes: the change is in the draft.")
        if decided.state == "accepted"
        else _("Your vote is saved."),
    )
    return redirect("reviews:amendment", pk=found.pk)


@login_required
def amendment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    found = access.access_amendment(pk=pk, member=member)
    decision = policy.decide_for(
        act=policy.Act.WITHDRAW_AMENDMENT,
        target=found,
        people=policy.people_of(member=member, target=found),
    )
    if not decision:
        raise PermissionDenied(decision.reason)
    back = reverse("reviews:amendment", args=[found.pk])
    if request.method == "POST":
        try:
            services.amendment_withdraw(amendment=found, actor=member)
        except ReviewError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The amendment is withdrawn."))
        return redirect(back)
    return render(
        request,
        "reviews/charter_remove.html",
        {
            "title": _("Withdraw this amendment?"),
            "thing": found.new_text,
            "back": back,
            "yes": _("Yes, withdraw it"),
        },
    )


# --- a clause starts a conversation -----------------------------------------------------------


@login_required
def clause_conversation(request: HttpRequest, pk: int) -> HttpResponse:
    """A facilitator opens a brave conversation from a clause, seeded with every right and
    responsibility of its value; the clause then shows it and, once shared, its common
    ground."""
    member = _member(request)
    clause = access.access_clause(pk=pk, member=member)
    _refused(policy.Act.START_CONVERSATION, clause.value.version, member)
    form = forms.ClauseConversationForm(
        _posted(request),
        initial={"question": _("How well do we live up to this, and where does the system not?")},
    )
    if request.method != "POST":
        form.start_window_now(length=forms.CONVERSATION_LENGTH)
    elif form.is_valid() and not hold_once(form):

        def create() -> HttpResponse:
            try:
                link = services.clause_conversation_start(
                    clause=clause, actor=member, **form.cleaned_data
                )
            except ReviewError as error:
                form.add_error(None, str(error))
                return _conversation_page(request, clause, form)
            messages.success(
                request, _("The conversation is ready, seeded from this value. Make its links.")
            )
            return redirect("conversations:manage", pk=link.conversation_id)

        return run_once(request, create)
    return _conversation_page(request, clause, form)


def _conversation_page(request: HttpRequest, clause: Clause, form: Any) -> HttpResponse:
    return render(
        request,
        "reviews/charter_conversation.html",
        {
            "clause": clause,
            "form": form,
            "seeds": clause.value.clauses.order_by("-kind", "position", "pk"),
        },
    )


# The review pack: print view, PDF and Word document. Everyone who may read the review may
# read its pack (the pack holds panel figures only as the disclosure guard releases them).


def _pack(request: HttpRequest, pk: int) -> ReviewPack:
    review: Review = access.access_review(pk=pk, member=_member(request))
    return review_pack(review=review)


def _download(pack: ReviewPack, fmt: str, data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{pack_filename(pack, fmt)}"'
    return response


@login_required
@require_GET
def pack_print(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "reviews/pack_print.html", {"pack": _pack(request, pk)})


@login_required
@require_GET
def pack_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    pack = _pack(request, pk)
    try:
        data = pack_pdf(pack)
    except PdfUnavailable:
        return render(request, "reviews/pack_no_pdf.html", {"pack": pack}, status=503)
    return _download(pack, "pdf", data)


@login_required
@require_GET
def pack_docx_download(request: HttpRequest, pk: int) -> HttpResponse:
    pack = _pack(request, pk)
    return _download(pack, "docx", pack_docx(pack))


# The partnership home: this quarter at a glance (reviews/home.py says what it reads).


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "reviews/home.html", {"home": partnership_home(member=_member(request))})
