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
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from village.circles import forms, selectors, services
from village.circles.live import live_fragment
from village.circles.models import (
    PHASE_ORDER,
    Action,
    Circle,
    Moment,
    Participant,
    Phase,
    Reflection,
    Theme,
)
from village.engines.identifying import identifying_hints
from village.exports import csv_text
from village.forms import JoinCodeForm
from village.once import new_token, run_once
from village.people import throttle
from village.people.browser_key import browser_key
from village.people.models import Member
from village.people.selectors import agencies_for, support_links_for
from village.pulse.selectors import round_by_code


def _member(request: HttpRequest) -> Member | None:
    member = getattr(request, "member", None)
    return member if member else None


def _circle_for_code(request: HttpRequest, code: str) -> Circle:
    """Find the circle; misses count towards this client's limit on trying codes."""
    if throttle.is_over(request, action="code"):
        raise throttle.Throttled(throttle.message("code"))
    circle = selectors.circle_by_code(code=code)
    if circle is None:
        throttle.check(request, action="code")
        raise Http404(_("We could not find a circle with that code."))
    return circle


def _is_guest(request: HttpRequest, circle: Circle) -> bool:
    """Guests can start again by clearing cookies, so their actions are limited per client."""
    member = _member(request)
    return member is None or member.partnership_id != circle.partnership_id


def _limit(request: HttpRequest, circle: Circle, action: str, *, guests_only: bool) -> None:
    if _is_guest(request, circle) or not guests_only:
        throttle.check(request, action=action, scope=circle.pk)


def _facilitated_circle(request: HttpRequest, pk: int) -> tuple[Circle, Member]:
    """Fetch and authorise in one step; another partnership's circle does not exist here."""
    member = _member(request)
    circle = get_object_or_404(Circle.objects.select_related("partnership"), pk=pk)
    if not rules.test_rule("circles.view_summary", member, circle):
        raise Http404
    if not rules.test_rule("circles.facilitate", member, circle) or member is None:
        raise PermissionDenied
    return circle, member


def _participant(request: HttpRequest, circle: Circle) -> Participant | None:
    return selectors.participant_for(
        circle=circle, member=_member(request), browser_key=browser_key(request)
    )


def _joined(request: HttpRequest, code: str) -> tuple[Circle, Participant]:
    """Fetch the circle and this person's place in it; someone who has not joined is refused."""
    circle = _circle_for_code(request, code)
    participant = _participant(request, circle)
    if participant is None:
        raise PermissionDenied
    return circle, participant


def _room_context(request: HttpRequest, circle: Circle, **extra: Any) -> dict[str, Any]:
    participant = _participant(request, circle)
    context: dict[str, Any] = {
        "circle": circle,
        "participant": participant,
        "phases": PHASE_ORDER,
        "support_links": support_links_for(partnership=circle.partnership),
        "agree_form": forms.AgreeForm(),
        "checkin_form": forms.CheckInForm(),
        "pause_token": new_token(),
    }
    if participant is not None:
        context["reflection_form"] = forms.ReflectionForm(prompts=circle.prompts.all())
        context["themes"] = list(selectors.themes_for(circle=circle))
        context["arrived"] = services.has_checked(
            circle=circle, participant=participant, moment=Moment.ARRIVE
        )
        context["left"] = services.has_checked(
            circle=circle, participant=participant, moment=Moment.LEAVE
        )
        if circle.phase == Phase.VOTE:
            context["dots_left"] = services.dots_left(circle=circle, participant=participant)
            context["dots_form"] = forms.DotsForm(
                themes=context["themes"], dots=context["dots_left"]
            )
        context["live_html"] = live_fragment(circle=circle, browser_key=browser_key(request))
    context.update(extra)
    return context


@require_GET
def room(request: HttpRequest, code: str) -> HttpResponse:
    circle = _circle_for_code(request, code)
    return render(request, "circles/room.html", _room_context(request, circle))


@require_GET
def live(request: HttpRequest, code: str) -> HttpResponse:
    """Polled every two seconds. Unchanged: 204 and nothing to swap. New step: reload the page."""
    circle = _joined(request, code)[0]
    if request.GET.get("phase") != circle.phase:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    if request.GET.get("v") == str(circle.version):
        return HttpResponse(status=204)
    return HttpResponse(live_fragment(circle=circle, browser_key=browser_key(request)))


@require_POST
def join_circle(request: HttpRequest, code: str) -> HttpResponse:
    circle = _circle_for_code(request, code)
    form = forms.AgreeForm(request.POST)
    if not form.is_valid():
        return render(request, "circles/room.html", _room_context(request, circle, agree_form=form))

    def create() -> HttpResponse:
        try:
            if _participant(request, circle) is None:
                _limit(request, circle, "join", guests_only=True)
            services.participant_join(
                circle=circle, member=_member(request), browser_key=browser_key(request)
            )
        except (services.CircleError, throttle.Throttled) as error:
            messages.error(request, str(error))
        return redirect("circles:room", code=circle.join_code)

    return run_once(request, create)


@require_POST
def checkin(request: HttpRequest, code: str, moment: str) -> HttpResponse:
    circle, participant = _joined(request, code)
    if moment not in Moment.values:
        raise PermissionDenied
    form = forms.CheckInForm(request.POST)
    if not form.is_valid():
        return render(
            request, "circles/room.html", _room_context(request, circle, checkin_form=form)
        )

    def create() -> HttpResponse:
        try:
            _limit(request, circle, "checkin", guests_only=True)
            services.checkin_record(
                circle=circle,
                participant=participant,
                moment=moment,
                score=form.cleaned_data["score"],
                word=form.cleaned_data["word"],
            )
        except (services.CircleError, throttle.Throttled) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Thank you. Your answer is anonymous."))
        return redirect("circles:room", code=circle.join_code)

    return run_once(request, create)


@require_POST
def reflect(request: HttpRequest, code: str) -> HttpResponse:
    circle, participant = _joined(request, code)
    form = forms.ReflectionForm(request.POST, prompts=circle.prompts.all())
    if not form.is_valid():
        return render(
            request, "circles/room.html", _room_context(request, circle, reflection_form=form)
        )
    text = form.cleaned_data["text"]
    hints = identifying_hints(text)
    if hints and not form.cleaned_data["confirmed"]:
        data = request.POST.copy()
        data["confirmed"] = "True"
        return render(
            request,
            "circles/room.html",
            _room_context(
                request,
                circle,
                reflection_form=forms.ReflectionForm(data, prompts=circle.prompts.all()),
                identifying_hints=hints,
            ),
        )

    def create() -> HttpResponse:
        try:
            _limit(request, circle, "post", guests_only=False)
            services.reflection_create(
                circle=circle,
                participant=participant,
                prompt=form.cleaned_data["prompt"],
                text=text,
                browser_key=browser_key(request),
                author_label=form.cleaned_data["name_to_show"]
                if form.cleaned_data["show_name"]
                else "",
            )
        except (services.CircleError, throttle.Throttled) as error:
            form.add_error("text", str(error))
            return render(
                request,
                "circles/room.html",
                _room_context(request, circle, reflection_form=form),
                status=429 if isinstance(error, throttle.Throttled) else 200,
            )
        messages.success(request, _("Posted. You can change or withdraw it from this device."))
        return redirect("circles:room", code=circle.join_code)

    return run_once(request, create)


def _own_reflection(request: HttpRequest, circle: Circle, reflection_id: str) -> Reflection:
    reflection = get_object_or_404(
        circle.reflections.select_related("circle"), public_id=reflection_id
    )
    if not selectors.is_own(
        reflection_id=reflection.public_id,
        secret_hash=reflection.secret_hash,
        browser_key=browser_key(request),
    ):
        raise PermissionDenied
    return reflection


def reflection_edit(request: HttpRequest, code: str, reflection_id: str) -> HttpResponse:
    circle = _circle_for_code(request, code)
    reflection = _own_reflection(request, circle, reflection_id)
    form = forms.ReflectionEditForm(request.POST or None, initial={"text": reflection.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.reflection_update(
                reflection=reflection,
                browser_key=browser_key(request),
                text=form.cleaned_data["text"],
            )
        except services.CircleError as error:
            form.add_error("text", str(error))
        else:
            messages.success(request, _("Your reflection is updated."))
            return redirect("circles:room", code=circle.join_code)
    return render(request, "circles/reflection_edit.html", {"circle": circle, "form": form})


def reflection_withdraw(request: HttpRequest, code: str, reflection_id: str) -> HttpResponse:
    circle = _circle_for_code(request, code)
    reflection = _own_reflection(request, circle, reflection_id)
    if request.method == "POST":
        services.reflection_withdraw(reflection=reflection, browser_key=browser_key(request))
        messages.success(request, _("Your reflection is withdrawn."))
        return redirect("circles:room", code=circle.join_code)
    return render(
        request, "circles/reflection_withdraw.html", {"circle": circle, "reflection": reflection}
    )


@require_POST
def dots(request: HttpRequest, code: str) -> HttpResponse:
    circle, participant = _joined(request, code)
    themes = list(selectors.themes_for(circle=circle))
    left = services.dots_left(circle=circle, participant=participant)
    form = forms.DotsForm(request.POST, themes=themes, dots=left)
    if not form.is_valid():
        return render(request, "circles/room.html", _room_context(request, circle, dots_form=form))

    def create() -> HttpResponse:
        try:
            _limit(request, circle, "dots", guests_only=True)
            services.dots_cast(circle=circle, participant=participant, allocation=form.allocation())
        except (services.CircleError, throttle.Throttled) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your dots are in. Nobody can see whose dots are whose."))
        return redirect("circles:room", code=circle.join_code)

    return run_once(request, create)


@require_POST
def pause(request: HttpRequest, code: str) -> HttpResponse:
    circle = _joined(request, code)[0]

    def create() -> HttpResponse:
        try:
            _limit(request, circle, "pause", guests_only=False)
        except throttle.Throttled as error:
            messages.error(request, str(error))
        else:
            services.pause_request(circle=circle)
            messages.success(
                request,
                _("The facilitator has been asked for a pause. They will not know who asked."),
            )
        return redirect("circles:room", code=circle.join_code)

    return run_once(request, create)


def join(request: HttpRequest) -> HttpResponse:
    """One page for any code: a circle's join code or a check-in's round code."""
    form = JoinCodeForm(request.POST or request.GET or None)
    if form.is_bound and form.is_valid():
        if throttle.is_over(request, action="code"):
            form.add_error("code", throttle.message("code"))
            return render(request, "circles/join.html", {"form": form}, status=429)
        code = form.cleaned_data["code"]
        circle = selectors.circle_by_code(code=code)
        if circle is not None:
            return redirect("circles:room", code=circle.join_code)
        round_ = round_by_code(code=code)
        if round_ is not None:
            return redirect("pulse:start", code=round_.round_code)
        throttle.check(request, action="code")
        form.add_error(
            "code",
            _(
                "We could not find a circle or a check-in with that code. Check it with "
                "whoever shared it."
            ),
        )
    return render(request, "circles/join.html", {"form": form})


@login_required
def circle_list(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if not rules.test_rule("circles.list", member) or member is None:
        raise PermissionDenied
    return render(
        request,
        "circles/list.html",
        {
            "circles": selectors.circles_for(partnership=member.partnership),
            "can_create": rules.test_rule("circles.create", member),
        },
    )


@login_required
def circle_create(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    if not rules.test_rule("circles.create", member) or member is None:
        raise PermissionDenied
    form = forms.CircleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def create() -> HttpResponse:
            try:
                circle = services.circle_create(
                    partnership=member.partnership, created_by=member, **form.cleaned_data
                )
            except services.CircleError as error:
                form.add_error(None, str(error))
                return render(request, "circles/create.html", {"form": form})
            messages.success(request, _("Your circle is ready. Share the join code."))
            return redirect("circles:facilitate", pk=circle.pk)

        return run_once(request, create)
    return render(request, "circles/create.html", {"form": form})


def _group_form(circle: Circle, reflections: list[Reflection], data: Any = None) -> forms.GroupForm:
    return forms.GroupForm(
        data,
        prefix="move",
        themes=circle.themes.all(),
        reflection_choices=[
            (str(r.public_id), f"{r.text[:200]} ({r.theme.name if r.theme else _('ungrouped')})")
            for r in reflections
        ],
    )


def _facilitate_context(circle: Circle, **extra: Any) -> dict[str, Any]:
    reflections = list(selectors.reflections_of(circle=circle))
    themes = list(selectors.themes_for(circle=circle))
    context: dict[str, Any] = {
        "circle": circle,
        "later_phases": PHASE_ORDER[PHASE_ORDER.index(circle.phase) + 1 :],
        "reflections": reflections,
        "themes": themes,
        "actions": list(circle.actions.select_related("owner_agency", "theme")),
        "participants": selectors.participant_count(circle=circle),
        "join_url": reverse("circles:room", kwargs={"code": circle.join_code}),
        "theme_form": forms.ThemeForm(
            reflection_choices=[
                (str(r.public_id), r.text[:200]) for r in reflections if r.theme_id is None
            ]
        ),
        "group_form": _group_form(circle, reflections),
        "action_form": forms.ActionForm(
            agencies=agencies_for(partnership=circle.partnership),
            themes=circle.themes.all(),
        ),
    }
    context.update(extra)
    return context


@login_required
def facilitate(request: HttpRequest, pk: int) -> HttpResponse:
    circle = _facilitated_circle(request, pk)[0]
    template = "circles/_facilitate_live.html" if request.htmx else "circles/facilitate.html"  # type: ignore[attr-defined]
    return render(request, template, _facilitate_context(circle))


@login_required
@require_POST
def move_phase(request: HttpRequest, pk: int) -> HttpResponse:
    circle, member = _facilitated_circle(request, pk)
    try:
        services.circle_move_to(circle=circle, actor=member, phase=request.POST.get("phase", ""))
    except services.CircleError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The circle has moved on to: %(phase)s.") % {"phase": circle.get_phase_display()},
        )
    return redirect("circles:facilitate", pk=circle.pk)


@login_required
@require_POST
def theme_create(request: HttpRequest, pk: int) -> HttpResponse:
    circle, member = _facilitated_circle(request, pk)
    choices = [
        (str(r.public_id), r.text[:200]) for r in circle.reflections.filter(theme__isnull=True)
    ]
    form = forms.ThemeForm(request.POST, reflection_choices=choices)
    if not form.is_valid():
        return render(
            request, "circles/facilitate.html", _facilitate_context(circle, theme_form=form)
        )

    def create() -> HttpResponse:
        services.theme_create(
            circle=circle,
            actor=member,
            name=form.cleaned_data["name"],
            reflection_ids=form.cleaned_data["reflections"],
        )
        messages.success(request, _("Theme added."))
        return redirect("circles:facilitate", pk=circle.pk)

    return run_once(request, create)


@login_required
@require_POST
def group_reflections(request: HttpRequest, pk: int) -> HttpResponse:
    circle, member = _facilitated_circle(request, pk)
    form = _group_form(circle, list(selectors.reflections_of(circle=circle)), request.POST)
    if not form.is_valid():
        return render(
            request, "circles/facilitate.html", _facilitate_context(circle, group_form=form)
        )
    moved = services.reflections_group(
        circle=circle,
        actor=member,
        theme=form.cleaned_data["theme"],
        reflection_ids=form.cleaned_data["reflections"],
    )
    messages.success(
        request,
        ngettext("%(n)s reflection moved.", "%(n)s reflections moved.", moved) % {"n": moved},
    )
    return redirect("circles:facilitate", pk=circle.pk)


@login_required
def theme_delete(request: HttpRequest, pk: int, theme_pk: int) -> HttpResponse:
    circle, member = _facilitated_circle(request, pk)
    theme = get_object_or_404(Theme, pk=theme_pk, circle=circle)
    if request.method == "POST":
        services.theme_delete(theme=theme, actor=member)
        messages.success(
            request, _("Theme removed. Its reflections are back in the ungrouped list.")
        )
        return redirect("circles:facilitate", pk=circle.pk)
    return render(request, "circles/confirm_delete.html", {"circle": circle, "thing": theme})


@login_required
@require_POST
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    circle, member = _facilitated_circle(request, pk)
    form = forms.ActionForm(
        request.POST,
        agencies=agencies_for(partnership=circle.partnership),
        themes=circle.themes.all(),
    )
    if not form.is_valid():
        return render(
            request, "circles/facilitate.html", _facilitate_context(circle, action_form=form)
        )

    def create() -> HttpResponse:
        try:
            services.action_create(circle=circle, actor=member, **form.cleaned_data)
        except services.CircleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Action added."))
        return redirect("circles:facilitate", pk=circle.pk)

    return run_once(request, create)


@login_required
def action_delete(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    circle, member = _facilitated_circle(request, pk)
    action = get_object_or_404(Action, pk=action_pk, circle=circle)
    if request.method == "POST":
        services.action_delete(action=action, actor=member)
        messages.success(request, _("Action removed."))
        return redirect("circles:facilitate", pk=circle.pk)
    return render(request, "circles/confirm_delete.html", {"circle": circle, "thing": action})


@login_required
@require_POST
def guests(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the circle to new guests, or open it again."""
    circle, member = _facilitated_circle(request, pk)
    open_to_guests = request.POST.get("guests") == "open"
    services.circle_guests_set(circle=circle, actor=member, open_to_guests=open_to_guests)
    messages.success(
        request,
        _("New guests can join again.")
        if open_to_guests
        else _("The circle is closed to new guests. Everyone already in can carry on."),
    )
    return redirect("circles:facilitate", pk=circle.pk)


@login_required
@require_POST
def pauses_seen(request: HttpRequest, pk: int) -> HttpResponse:
    circle, member = _facilitated_circle(request, pk)
    services.pauses_acknowledge(circle=circle, actor=member)
    return redirect("circles:facilitate", pk=circle.pk)


def _summary_circle(request: HttpRequest, pk: int) -> Circle:
    circle = get_object_or_404(Circle.objects.select_related("partnership"), pk=pk)
    if rules.test_rule("circles.view_summary", _member(request), circle):
        return circle
    if _participant(request, circle) is not None:
        return circle
    raise Http404


def summary(request: HttpRequest, pk: int) -> HttpResponse:
    circle = _summary_circle(request, pk)
    return render(
        request, "circles/summary.html", {"summary": selectors.circle_summary(circle=circle)}
    )


def summary_csv(request: HttpRequest, pk: int) -> HttpResponse:
    circle = _summary_circle(request, pk)
    data = selectors.circle_summary(circle=circle)
    rows: list[list[object]] = [
        ["theme", theme.name, theme.dots if data.counts_shown else "", "", ""]
        for theme in data.themes
    ]
    rows += [
        ["action", action.text, "", action.owner_agency.name, action.due_on.isoformat()]
        for action in data.actions
    ]
    response = HttpResponse(
        csv_text(header=["kind", "text", "dots", "owning agency", "due"], rows=rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="circle-{circle.pk}-summary.csv"'
    return response
