"""Thin views: parse, check permission, call a service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from village.engines.identifying import identifying_hints
from village.exports import csv_text
from village.language.after_post import hold_once
from village.language.middleware import read_with
from village.once import run_once
from village.people import throttle
from village.people.browser_key import browser_key
from village.people.models import Member
from village.people.selectors import agencies_for, support_links_for
from village.pulse import access, forms, own_results, policy, selectors, services
from village.pulse.models import Audience, Round
from village.pulse.policy import Action


def _member(request: HttpRequest) -> Member | None:
    member = getattr(request, "member", None)
    return member if member else None


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _managed_round(request: HttpRequest, pk: int, action: Action = Action.MANAGE) -> Round:
    """Fetch and authorise in one step; another partnership's round does not exist here."""
    return access.access_round(member=_member(request), pk=pk, action=action)


def _round_for_code(request: HttpRequest, code: str) -> Round:
    """Find the round; misses count towards this client's limit on trying codes."""
    if throttle.is_over(request, action="code"):
        raise throttle.Throttled(throttle.message("code"))
    round_ = selectors.round_by_code(code=code)
    if round_ is None:
        throttle.check(request, action="code")
        raise Http404(_("We could not find a check-in with that code."))
    read_with(partnership_id=round_.partnership_id)
    return round_


# -- for managers ------------------------------------------------------------------------


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if member is None:
        raise PermissionDenied
    can_manage = policy.may(member=member, action=Action.SCHEDULE)
    rounds = selectors.rounds_for(partnership=member.partnership) if can_manage else []
    return render(
        request,
        "pulse/list.html",
        {
            "to_answer": selectors.rounds_to_answer(member=member),
            "rounds": policy.with_permissions(member=member, rounds=rounds),
            "can_manage": can_manage,
            "can_see_trends": policy.may(member=member, action=Action.TRENDS),
            "can_confirm": policy.may(member=member, action=Action.CONFIRM_LICENCE),
        },
    )


def _intended_for(request: HttpRequest) -> str:
    chosen = request.POST.get("intended_for") or request.GET.get("for", "")
    return chosen if chosen in Audience.values else Audience.STAFF


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    member = access.access_partnership_action(member=_member(request), action=Action.SCHEDULE)
    partnership = member.partnership
    intended_for = _intended_for(request)
    defaults = selectors.default_instruments(partnership=partnership, intended_for=intended_for)
    form = forms.RoundForm(
        request.POST or None,
        intended_for=intended_for,
        instruments=selectors.instrument_choices(
            partnership=partnership, intended_for=intended_for
        ),
        defaults=defaults,
        time_taken=selectors.time_estimate(instrument_ids=defaults, comment=True),
        agencies=agencies_for(partnership=partnership),
    )
    context = {"form": form, "for_families": intended_for == Audience.FAMILY}
    if request.method == "POST" and form.is_valid():

        def create() -> HttpResponse:
            try:
                round_ = services.round_schedule(
                    partnership=partnership,
                    created_by=member,
                    site_url=_site_url(request),
                    **form.cleaned_data,
                )
            except services.PulseError as error:
                form.add_error(None, str(error))
                return render(request, "pulse/create.html", context)
            messages.success(request, _("The check-in is scheduled. Share the link or the code."))
            return redirect("pulse:manage", pk=round_.pk)

        return run_once(request, create)
    return render(request, "pulse/create.html", context)


@login_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _managed_round(request, pk)
    return render(
        request,
        "pulse/manage.html",
        {
            "round": round_,
            "can": policy.permissions(member=_member(request), round_=round_),
            "link": request.build_absolute_uri(
                reverse("pulse:start", kwargs={"code": round_.round_code})
            ),
            "asked": selectors.audience_size(round_=round_),
            "instruments": selectors.instruments_of(round_=round_),
        },
    )


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _managed_round(request, pk, Action.CLOSE)
    member = _member(request)
    assert member is not None
    try:
        services.round_close_early(round_=round_, actor=member)
    except services.PulseError as error:
        messages.error(request, str(error))
        return redirect("pulse:manage", pk=round_.pk)
    messages.success(
        request, _("The check-in is closed. Its report is being made and is ready in a minute.")
    )
    return redirect("pulse:report", pk=round_.pk)


def _not_ready(request: HttpRequest, round_: Round, action: Action) -> HttpResponse | None:
    """The plain page a manager sees when the round's state does not allow the action yet."""
    reason = policy.refusal(member=_member(request), action=action, round_=round_)
    if not reason:
        return None
    return render(request, "pulse/report_not_ready.html", {"round": round_, "reason": reason})


def _page_number(request: HttpRequest, name: str) -> int:
    """A page number from the address; anything that is not a number is the first page."""
    value = request.GET.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 7 else 1


def _report_page(request: HttpRequest, pk: int, action: Action) -> HttpResponse:
    round_ = _managed_round(request, pk, action)
    refused = _not_ready(request, round_, action)
    if refused is not None:
        return refused
    report = selectors.report_for(
        round_=round_,
        agency=request.GET.get("agency", ""),
        page=_page_number(request, "page"),
        guest_page=_page_number(request, "guest_page"),
    )
    if report is None:
        return render(request, "pulse/report_not_ready.html", {"round": round_})
    return render(
        request,
        "pulse/report.html",
        {"report": report, "printing": action is Action.PRINT},
    )


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_page(request, pk, Action.VIEW_REPORT)


@login_required
def report_print(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_page(request, pk, Action.PRINT)


@login_required
def report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _managed_round(request, pk, Action.CSV)
    refused = _not_ready(request, round_, Action.CSV)
    if refused is not None:
        return refused
    response = HttpResponse(
        csv_text(header=selectors.CSV_HEADER, rows=selectors.report_csv_rows(round_=round_)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="check-in-{round_.pk}-report.csv"'
    return response


@login_required
def trends(request: HttpRequest) -> HttpResponse:
    member = access.access_partnership_action(member=_member(request), action=Action.TRENDS)
    return render(
        request,
        "pulse/trends.html",
        {"trends": selectors.trends_for(partnership=member.partnership)},
    )


@login_required
def licences(request: HttpRequest) -> HttpResponse:
    member = access.access_partnership_action(
        member=_member(request), action=Action.CONFIRM_LICENCE
    )
    if request.method == "POST":
        form = forms.LicenceForm(request.POST)
        if form.is_valid():

            def create() -> HttpResponse:
                try:
                    services.licence_confirm(
                        partnership=member.partnership,
                        actor=member,
                        instrument_id=request.POST.get("instrument", ""),
                    )
                except services.PulseError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(request, _("Thank you. The licence is confirmed."))
                return redirect("pulse:licences")

            return run_once(request, create)
    else:
        form = forms.LicenceForm()
    return render(
        request,
        "pulse/licences.html",
        {"licences": selectors.licences_for(partnership=member.partnership), "form": form},
    )


# -- for people answering ----------------------------------------------------------------


def join(request: HttpRequest) -> HttpResponse:
    """Round codes are typed on the one "Join with a code" page, with circle codes."""
    code = request.GET.get("code", "")
    target = reverse("circles:join")
    return redirect(f"{target}?{urlencode({'code': code})}" if code else target)


def _unavailable(request: HttpRequest, round_: Round) -> str:
    """Why this person cannot answer now, in plain words, or '' if they can."""
    member = _member(request)
    try:
        services.check_can_answer(round_=round_, member=member)
    except services.PulseError as error:
        return str(error)
    if selectors.has_completed(round_=round_, member=member, browser_key=browser_key(request)):
        return _("You have already taken part in this check-in. Thank you.")
    return ""


def start(request: HttpRequest, code: str) -> HttpResponse:
    round_ = _round_for_code(request, code)
    reason = _unavailable(request, round_)
    draft = None if reason else selectors.draft_for(round_=round_, browser_key=browser_key(request))
    return render(
        request,
        "pulse/start.html",
        {
            "round": round_,
            "reason": reason,
            "draft": draft,
            "steps": len(selectors.steps_for(round_=round_)),
            "time_taken": selectors.round_time_estimate(round_=round_),
            "instruments": selectors.instruments_of(round_=round_),
        },
    )


def _step_form(
    request: HttpRequest,
    round_: Round,
    step: selectors.Step,
    draft: Any,
) -> forms.InstrumentForm | forms.FinishForm:
    data = request.POST if request.method == "POST" else None
    if step.instrument is not None:
        saved = (draft.answers or {}).get(step.instrument.id, {}) if draft else {}
        return forms.InstrumentForm(
            data,
            instrument=step.instrument,
            items=step.items,
            initial={f"item_{k}": v for k, v in saved.items()},
        )
    initial = {"comment": draft.comment} if draft else {}
    return forms.FinishForm(data, question=round_.comment_question, initial=initial)


def _step_payload(
    form: forms.InstrumentForm | forms.FinishForm, step: selectors.Step, *, valid: bool
) -> dict[str, Any]:
    if isinstance(form, forms.InstrumentForm):
        answers = form.answers() if valid else form.partial_answers()
        return {"answers": {form.instrument.id: answers}}
    if valid:
        return {"answers": {}, "comment": form.cleaned_data.get("comment", "")}
    comment = str(form.data.get("comment", "")) if "comment" in form.fields else ""
    return {"answers": {}, "comment": comment}


def answer(request: HttpRequest, code: str, step: int) -> HttpResponse:
    round_ = _round_for_code(request, code)
    reason = _unavailable(request, round_)
    if reason:
        return render(request, "pulse/start.html", {"round": round_, "reason": reason})
    member = _member(request)
    key = browser_key(request)
    steps = selectors.steps_for(round_=round_)
    if not 1 <= step <= len(steps):
        raise Http404
    current = steps[step - 1]
    draft = selectors.draft_for(round_=round_, browser_key=key)
    form = _step_form(request, round_, current, draft)
    context: dict[str, Any] = {"round": round_, "step": current, "form": form}
    if request.method == "POST":
        saving = "save" in request.POST
        valid = form.is_valid()
        try:
            if saving or not current.is_last:
                if saving or valid:
                    services.draft_save(
                        round_=round_,
                        member=member,
                        browser_key=key,
                        step=step if saving else step + 1,
                        **_step_payload(form, current, valid=valid),
                    )
            elif valid:
                payload = _step_payload(form, current, valid=True)
                hints = identifying_hints(payload.get("comment", ""))
                if isinstance(form, forms.FinishForm) and hold_once(form, found=bool(hints)):
                    context["identifying_hints"] = hints
                    return render(request, "pulse/step.html", context)
                if not selectors.answers_as_member(round_=round_, member=member):
                    throttle.check(request, action="pulse", scope=round_.pk)
                results = services.response_submit(
                    round_=round_,
                    member=member,
                    browser_key=key,
                    answers=services.merged_answers(
                        draft.answers if draft else {}, payload["answers"]
                    ),
                    comment=payload.get("comment", draft.comment if draft else ""),
                )
                done = redirect("pulse:results", code=round_.round_code)
                own_results.keep(done, round_=round_, browser_key=key, results=results)
                return done
        except (services.PulseError, throttle.Throttled) as error:
            form.add_error(None, str(error))
            status = 429 if isinstance(error, throttle.Throttled) else 200
            return render(request, "pulse/step.html", context, status=status)
        if saving:
            messages.success(
                request,
                _("Your answers are saved on this device. Come back to this link to finish."),
            )
            return redirect("pulse:start", code=round_.round_code)
        if valid:
            return redirect("pulse:answer", code=round_.round_code, step=step + 1)
    return render(request, "pulse/step.html", context)


def results(request: HttpRequest, code: str) -> HttpResponse:
    """The person's own scores, read from this browser only; the server keeps none."""
    round_ = selectors.round_by_code(code=code)
    if round_ is None:
        raise Http404
    response = render(
        request,
        "pulse/results.html",
        {
            "round": round_,
            "results": own_results.read(request, round_=round_, browser_key=browser_key(request)),
            "support_links": support_links_for(partnership=round_.partnership),
        },
    )
    response["Cache-Control"] = "no-store"
    return response
