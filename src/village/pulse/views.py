"""Thin views: parse, check permission, call a service or selector, render."""

from __future__ import annotations

from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from village.engines.identifying import identifying_hints
from village.exports import csv_text
from village.once import run_once
from village.people import throttle
from village.people.browser_key import browser_key
from village.people.models import Member
from village.people.selectors import agencies_for, support_links_for
from village.pulse import forms, selectors, services
from village.pulse.models import Round


def _member(request: HttpRequest) -> Member | None:
    member = getattr(request, "member", None)
    return member if member else None


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _signed_in_member(request: HttpRequest, rule: str) -> Member:
    member = _member(request)
    if member is None or not rules.test_rule(rule, member):
        raise PermissionDenied
    return member


def _managed_round(request: HttpRequest, pk: int, rule: str = "pulse.manage") -> Round:
    """Fetch and authorise in one step; another partnership's round does not exist here."""
    member = _member(request)
    round_ = get_object_or_404(Round.objects.select_related("partnership"), pk=pk)
    if not rules.test_rule("pulse.view_round", member, round_):
        raise Http404
    if not rules.test_rule(rule, member, round_):
        raise PermissionDenied
    return round_


def _round_for_code(request: HttpRequest, code: str) -> Round:
    """Find the round; misses count towards this client's limit on trying codes."""
    if throttle.is_over(request, action="code"):
        raise throttle.Throttled(throttle.message("code"))
    round_ = selectors.round_by_code(code=code)
    if round_ is None:
        throttle.check(request, action="code")
        raise Http404(_("We could not find a check-in with that code."))
    return round_


# -- for managers ------------------------------------------------------------------------


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    member = _signed_in_member(request, "pulse.list")
    can_manage = rules.test_rule("pulse.schedule", member)
    return render(
        request,
        "pulse/list.html",
        {
            "to_answer": selectors.rounds_to_answer(member=member),
            "rounds": selectors.rounds_for(partnership=member.partnership) if can_manage else [],
            "can_manage": can_manage,
            "can_confirm": rules.test_rule("pulse.confirm_licence", member),
        },
    )


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    member = _signed_in_member(request, "pulse.schedule")
    partnership = member.partnership
    form = forms.RoundForm(
        request.POST or None,
        instruments=selectors.instrument_choices(partnership=partnership),
        agencies=agencies_for(partnership=partnership),
    )
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
                return render(request, "pulse/create.html", {"form": form})
            messages.success(request, _("The check-in is scheduled. Share the link or the code."))
            return redirect("pulse:manage", pk=round_.pk)

        return run_once(request, create)
    return render(request, "pulse/create.html", {"form": form})


@login_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _managed_round(request, pk)
    return render(
        request,
        "pulse/manage.html",
        {
            "round": round_,
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
    round_ = _managed_round(request, pk)
    services.round_close(round_=round_, actor=_member(request))
    messages.success(
        request, _("The check-in is closed. Its report is being made and is ready in a minute.")
    )
    return redirect("pulse:report", pk=round_.pk)


def _page_number(request: HttpRequest, name: str) -> int:
    """A page number from the address; anything that is not a number is the first page."""
    value = request.GET.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 7 else 1


def _report_page(request: HttpRequest, pk: int) -> selectors.ReportPage | Round:
    round_ = _managed_round(request, pk, "pulse.view_report")
    report = selectors.report_for(
        round_=round_,
        agency=request.GET.get("agency", ""),
        page=_page_number(request, "page"),
        guest_page=_page_number(request, "guest_page"),
    )
    return report if report is not None else round_


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    page = _report_page(request, pk)
    if isinstance(page, Round):
        return render(request, "pulse/report_not_ready.html", {"round": page})
    return render(request, "pulse/report.html", {"report": page})


@login_required
def report_print(request: HttpRequest, pk: int) -> HttpResponse:
    page = _report_page(request, pk)
    if isinstance(page, Round):
        return render(request, "pulse/report_not_ready.html", {"round": page})
    return render(request, "pulse/report.html", {"report": page, "printing": True})


@login_required
def report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _managed_round(request, pk, "pulse.view_report")
    response = HttpResponse(
        csv_text(header=selectors.CSV_HEADER, rows=selectors.report_csv_rows(round_=round_)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="check-in-{round_.pk}-report.csv"'
    return response


@login_required
def trends(request: HttpRequest) -> HttpResponse:
    member = _signed_in_member(request, "pulse.view_trends")
    return render(
        request,
        "pulse/trends.html",
        {"trends": selectors.trends_for(partnership=member.partnership)},
    )


@login_required
def licences(request: HttpRequest) -> HttpResponse:
    member = _signed_in_member(request, "pulse.confirm_licence")
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
    form = forms.CodeForm(request.POST or request.GET or None)
    if form.is_bound and form.is_valid():
        if throttle.is_over(request, action="code"):
            form.add_error("code", throttle.message("code"))
            return render(request, "pulse/join.html", {"form": form}, status=429)
        round_ = selectors.round_by_code(code=form.cleaned_data["code"])
        if round_ is not None:
            return redirect("pulse:start", code=round_.round_code)
        throttle.check(request, action="code")
        form.add_error(
            "code",
            _("We could not find a check-in with that code. Check it with whoever shared it."),
        )
    return render(request, "pulse/join.html", {"form": form})


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
            "instruments": selectors.instruments_of(round_=round_),
        },
    )


def _step_form(
    request: HttpRequest,
    round_: Round,
    step: selectors.Step,
    draft: Any,
    data: Any = None,
) -> forms.InstrumentForm | forms.FinishForm:
    if data is None and request.method == "POST":
        data = request.POST
    if step.instrument is not None:
        saved = (draft.answers or {}).get(step.instrument.id, {}) if draft else {}
        return forms.InstrumentForm(
            data,
            instrument=step.instrument,
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
                if hints and not form.cleaned_data.get("confirmed"):
                    confirmed = request.POST.copy()
                    confirmed["confirmed"] = "True"
                    context["form"] = _step_form(request, round_, current, draft, data=confirmed)
                    context["identifying_hints"] = hints
                    return render(request, "pulse/step.html", context)
                answers = dict(draft.answers) if draft else {}
                answers.update(payload["answers"])
                if not selectors.answers_as_member(round_=round_, member=member):
                    throttle.check(request, action="pulse", scope=round_.pk)
                results = services.response_submit(
                    round_=round_,
                    member=member,
                    browser_key=key,
                    answers=answers,
                    comment=payload.get("comment", draft.comment if draft else ""),
                )
                return _results(request, round_, results)
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


def _results(request: HttpRequest, round_: Round, results: list[Any]) -> HttpResponse:
    """The person's own scores, shown once in the reply to their last answer and never stored
    with anything that could link them back to the person."""
    instruments = {i.id: i for i in selectors.instruments_of(round_=round_)}
    response = render(
        request,
        "pulse/results.html",
        {
            "round": round_,
            "results": [(instruments[r.instrument_id], r) for r in results],
            "support_links": support_links_for(partnership=round_.partnership),
        },
    )
    response["Cache-Control"] = "no-store"
    return response
