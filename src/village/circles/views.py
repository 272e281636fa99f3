"""Thin views: parse, fetch and authorise (access.py), call a service or selector, render.

Participants' forms post with HTMX and get back only the panel that changed, so the page
never reloads in the middle of a circle; without JavaScript the same forms post and redirect
as ordinary pages do. What the step allows is the policy's answer (``can`` in templates).
"""

from __future__ import annotations

from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from village.circles import access, changes, forms, live, policy, selectors, services, starters
from village.circles.models import Circle, Moment, Participant, Phase, Reflection
from village.conversations.selectors import link_by_code
from village.engines.identifying import identifying_hints
from village.exports import csv_text
from village.forms import JoinCodeForm
from village.htmx import is_htmx
from village.language.after_post import hold_once
from village.language.middleware import read_with
from village.once import new_token, run_once
from village.people import throttle
from village.people.browser_key import browser_key
from village.people.models import Member
from village.people.selectors import agencies_for, support_links_for
from village.pulse.selectors import round_by_code

POLL_NOW = "village-poll"


def _member(request: HttpRequest) -> Member | None:
    member = getattr(request, "member", None)
    return member if member else None


# --- participants -------------------------------------------------------------------------


def _circle_for_code(request: HttpRequest, code: str) -> Circle:
    """Find the circle; misses count towards this client's limit on trying codes."""
    if throttle.is_over(request, action="code"):
        raise throttle.Throttled(throttle.message("code"))
    try:
        circle = access.access_circle_by_code(code=code)
    except Http404:
        throttle.check(request, action="code")
        raise Http404(_("We could not find a circle with that code.")) from None
    read_with(partnership_id=circle.partnership_id)
    return circle


def _joined(request: HttpRequest, code: str) -> tuple[Circle, Participant]:
    circle = _circle_for_code(request, code)
    participant = access.access_participation(
        circle=circle, member=_member(request), browser_key=browser_key(request)
    )
    return circle, participant


def _people(request: HttpRequest, circle: Circle) -> frozenset[policy.Person]:
    return policy.people_of(member=_member(request), circle=circle)


def _limit(request: HttpRequest, circle: Circle, action: str, *, guests_only: bool) -> None:
    """Guests can start again by clearing cookies, so their actions are limited per client."""
    if policy.Person.GUEST in _people(request, circle) or not guests_only:
        throttle.check(request, action=action, scope=circle.pk)


def _room_context(
    request: HttpRequest,
    circle: Circle,
    participant: Participant | None = None,
    *,
    with_board: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    """Everything the room shows, decided by the policy for this person in this step."""
    if participant is None:
        participant = selectors.participant_for(
            circle=circle, member=_member(request), browser_key=browser_key(request)
        )
    joined = participant is not None
    can = policy.abilities(circle=circle, people=_people(request, circle), joined=joined)
    stage = policy.stage_of(circle)
    context: dict[str, Any] = {
        "circle": circle,
        "participant": participant,
        "can": can,
        "join_refusal": policy.decide_for(
            act=policy.Act.JOIN, circle=circle, people=_people(request, circle), joined=False
        ).reason,
        "steps": _steps(circle),
        "support_links": support_links_for(partnership=circle.partnership),
        "agree_form": forms.AgreeForm(),
        "checkin_form": forms.CheckInForm(),
        "pause_token": new_token(),
    }
    if participant is not None:
        arrived = services.has_checked(circle=circle, participant=participant, moment=Moment.ARRIVE)
        left = services.has_checked(circle=circle, participant=participant, moment=Moment.LEAVE)
        context.update(
            arrived=arrived,
            left=left,
            finished=stage == Phase.ENDED or (stage == Phase.CLOSE and left),
            reflection_form=forms.ReflectionForm(prompts=circle.prompts.all()),
            poll_url=_poll_url(reverse("circles:live", kwargs={"code": circle.join_code}), circle),
            poll_seconds=live.poll_seconds(circle=circle),
        )
        if with_board:
            context["board_html"] = live.board(
                circle=circle, variant=live.PARTICIPANT, browser_key=browser_key(request)
            )
        if can["give_dots"]:
            themes = list(selectors.votable_themes(circle=circle))
            dots_left = services.dots_left(circle=circle, participant=participant)
            context.update(
                themes=themes,
                dots_left=dots_left,
                dots_form=forms.DotsForm(themes=themes, dots=dots_left),
            )
    context.update(extra)
    return context


def _poll_url(base: str, circle: Circle, *, version: int | None = None) -> str:
    """The poll for a page showing ``version`` (by default the circle's latest)."""
    shown = circle.version if version is None else version
    return f"{base}?v={shown}&s={policy.stage_of(circle)}"


def _steps(circle: Circle) -> list[dict[str, Any]]:
    """The stepper: this circle's steps, each done, current or to come."""
    stage = policy.stage_of(circle)
    steps = policy.steps_of(circle)
    here = steps.index(stage) if stage in steps else len(steps) - 1
    return [
        {"label": phase.label, "current": i == here, "done": i < here}
        for i, phase in enumerate(steps)
    ]


def _now_panel(
    request: HttpRequest, circle: Circle, *, status: str = "", **extra: Any
) -> HttpResponse:
    """The participant's "now" panel alone, with a spoken status line, for an HTMX post."""
    circle.refresh_from_db()
    context = _room_context(request, circle, with_board=False, **extra)
    html = render_to_string("circles/_now.html", context, request=request)
    html += render_to_string("circles/_status.html", {"status": status, "oob": True})
    response = HttpResponse(html)
    response["HX-Trigger"] = POLL_NOW
    return response


def _done(request: HttpRequest, circle: Circle, message: str) -> HttpResponse:
    """After a participant's post: the new panel for HTMX, or the room again for a full page."""
    if is_htmx(request):
        return _now_panel(request, circle, status=message)
    messages.success(request, message)
    return redirect("circles:room", code=circle.join_code)


def _refused(request: HttpRequest, circle: Circle, message: str) -> HttpResponse:
    if is_htmx(request):
        return _now_panel(request, circle, status=message)
    messages.error(request, message)
    return redirect("circles:room", code=circle.join_code)


def _room_again(
    request: HttpRequest, circle: Circle, *, status: int = 200, **extra: Any
) -> HttpResponse:
    """The room (or just its panel, for HTMX) with a form's errors and the words kept."""
    if is_htmx(request):
        return _now_panel(request, circle, **extra)
    return render(
        request, "circles/room.html", _room_context(request, circle, **extra), status=status
    )


@require_GET
def room(request: HttpRequest, code: str) -> HttpResponse:
    circle = _circle_for_code(request, code)
    return render(request, "circles/room.html", _room_context(request, circle))


@require_GET
def live_poll(request: HttpRequest, code: str) -> HttpResponse:
    """Polled every two seconds by everyone in the circle: 204 when nothing changed (answered
    from the cache), else only what changed since the version the page shows."""
    try:
        circle_id, normalised = access.access_poll(
            code=code, member=_member(request), browser_key=browser_key(request)
        )
    except Http404:
        _circle_for_code(request, code)  # counts the miss towards the limit on codes
        raise
    seen = _version(request)
    state = changes.live_state(circle_id=circle_id, code=normalised, at_least=seen)
    stage_seen = request.GET.get("s", "")
    if seen == state.version and not state.ended_by_clock(stage_seen):
        return HttpResponse(status=204)
    circle = access.access_circle_by_code(code=normalised)
    return _participant_update(request, circle, seen=seen, stage_seen=stage_seen)


def _version(request: HttpRequest) -> int:
    try:
        return max(int(request.GET.get("v", "")), 0)
    except ValueError:
        return 0


def _participant_update(
    request: HttpRequest, circle: Circle, *, seen: int, stage_seen: str
) -> HttpResponse:
    stage = policy.stage_of(circle)

    def poller(version: int | None = None) -> str:
        base = reverse("circles:live", kwargs={"code": circle.join_code})
        return render_to_string(
            "circles/_poll.html",
            {
                "poll_url": _poll_url(base, circle, version=version),
                "poll_seconds": live.poll_seconds(circle=circle),
            },
        )

    if stage_seen == stage and not live.shows_every_card(
        circle=circle, variant=live.PARTICIPANT, stage=stage
    ):
        return HttpResponse(poller() + live.count_update(circle=circle))
    found = changes.difference(
        circle_id=circle.pk, code=circle.join_code, since=seen, until=circle.version
    )
    if stage_seen != stage or found.step or not found.complete:
        context = _room_context(request, circle)
        return HttpResponse(
            poller() + render_to_string("circles/_room_live.html", context, request=request)
        )
    html = live.update(
        circle=circle,
        variant=live.PARTICIPANT,
        since=seen,
        until=found.reached,
        found=found,
        browser_key=browser_key(request),
    )
    return HttpResponse(poller(found.reached) + html)


@require_POST
def join_circle(request: HttpRequest, code: str) -> HttpResponse:
    circle = _circle_for_code(request, code)
    form = forms.AgreeForm(request.POST)
    if not form.is_valid():
        return render(request, "circles/room.html", _room_context(request, circle, agree_form=form))

    def create() -> HttpResponse:
        try:
            if (
                selectors.participant_for(
                    circle=circle, member=_member(request), browser_key=browser_key(request)
                )
                is None
            ):
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
        raise Http404
    form = forms.CheckInForm(request.POST)
    if not form.is_valid():
        return _room_again(request, circle, checkin_form=form)

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
            return _refused(request, circle, str(error))
        return _done(request, circle, _("Thank you. Your answer is anonymous."))

    return run_once(request, create, replay_to=reverse("circles:room", kwargs={"code": code}))


@require_POST
def reflect(request: HttpRequest, code: str) -> HttpResponse:
    circle, participant = _joined(request, code)
    form = forms.ReflectionForm(request.POST, prompts=circle.prompts.all())
    if not form.is_valid():
        return _room_again(request, circle, reflection_form=form)
    text = form.cleaned_data["text"]
    hints = identifying_hints(text)
    if hold_once(form, found=bool(hints)):
        return _room_again(request, circle, reflection_form=form, identifying_hints=hints)

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
            throttled = isinstance(error, throttle.Throttled)
            return _room_again(
                request, circle, status=429 if throttled else 200, reflection_form=form
            )
        return _done(request, circle, _("Posted. You can change or withdraw it from this device."))

    return run_once(request, create, replay_to=reverse("circles:room", kwargs={"code": code}))


def _own_reflection(
    request: HttpRequest, code: str, reflection_id: str, act: policy.Act
) -> tuple[Circle, Participant, Reflection] | HttpResponse:
    """One's own reflection, or the room with the reason when this step does not allow `act`."""
    _circle_for_code(request, code)
    circle, participant, reflection = access.access_own_reflection(
        code=code,
        reflection_id=reflection_id,
        member=_member(request),
        browser_key=browser_key(request),
    )
    decision = policy.decide_for(act=act, circle=circle, people=_people(request, circle))
    if not decision:
        messages.error(request, decision.reason)
        return redirect("circles:room", code=circle.join_code)
    return circle, participant, reflection


def reflection_edit(request: HttpRequest, code: str, reflection_id: str) -> HttpResponse:
    """Change one's own reflection; the identifying-details check runs as it does on posting."""
    found = _own_reflection(request, code, reflection_id, policy.Act.EDIT_REFLECTION)
    if isinstance(found, HttpResponse):
        return found
    circle, participant, reflection = found
    form = forms.ReflectionEditForm(request.POST or None, initial={"text": reflection.text})
    hints: list[Any] = []
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        hints = identifying_hints(text)
        if not hold_once(form, found=bool(hints)):
            try:
                services.reflection_update(
                    reflection=reflection,
                    participant=participant,
                    browser_key=browser_key(request),
                    text=text,
                )
            except services.CircleError as error:
                form.add_error("text", str(error))
                hints = []
            else:
                messages.success(request, _("Your reflection is updated."))
                return redirect("circles:room", code=circle.join_code)
    return render(
        request,
        "circles/reflection_edit.html",
        {"circle": circle, "form": form, "identifying_hints": hints},
    )


def reflection_withdraw(request: HttpRequest, code: str, reflection_id: str) -> HttpResponse:
    found = _own_reflection(request, code, reflection_id, policy.Act.WITHDRAW_REFLECTION)
    if isinstance(found, HttpResponse):
        return found
    circle, participant, reflection = found
    if request.method == "POST":
        try:
            services.reflection_withdraw(
                reflection=reflection, participant=participant, browser_key=browser_key(request)
            )
        except services.CircleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your reflection is withdrawn."))
        return redirect("circles:room", code=circle.join_code)
    return render(
        request, "circles/reflection_withdraw.html", {"circle": circle, "reflection": reflection}
    )


@require_POST
def dots(request: HttpRequest, code: str) -> HttpResponse:
    circle, participant = _joined(request, code)
    themes = list(selectors.votable_themes(circle=circle))
    left = services.dots_left(circle=circle, participant=participant)
    form = forms.DotsForm(request.POST, themes=themes, dots=left)
    if not form.is_valid():
        return _room_again(request, circle, dots_form=form)

    def create() -> HttpResponse:
        try:
            _limit(request, circle, "dots", guests_only=True)
            services.dots_cast(circle=circle, participant=participant, allocation=form.allocation())
        except (services.CircleError, throttle.Throttled) as error:
            return _refused(request, circle, str(error))
        return _done(request, circle, _("Your dots are in. Nobody can see whose dots are whose."))

    return run_once(request, create, replay_to=reverse("circles:room", kwargs={"code": code}))


@require_POST
def pause(request: HttpRequest, code: str) -> HttpResponse:
    circle, participant = _joined(request, code)

    def create() -> HttpResponse:
        try:
            _limit(request, circle, "pause", guests_only=False)
            services.pause_request(circle=circle, participant=participant)
        except (services.CircleError, throttle.Throttled) as error:
            return _refused(request, circle, str(error))
        return _done(
            request,
            circle,
            _("The facilitator has been asked for a pause. They will not know who asked."),
        )

    return run_once(request, create, replay_to=reverse("circles:room", kwargs={"code": code}))


def join(request: HttpRequest) -> HttpResponse:
    """One page for any code: a circle's join code, a check-in's round code or a
    conversation's link code."""
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
        link = link_by_code(code=code)
        if link is not None:
            return redirect("conversations:join", code=link.code)
        throttle.check(request, action="code")
        form.add_error(
            "code",
            _(
                "We could not find a circle, a check-in or a conversation with that code. "
                "Check it with whoever shared it."
            ),
        )
    return render(request, "circles/join.html", {"form": form})


# --- starting circles ---------------------------------------------------------------------


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
    """Choose a template, then check its filled-in form and create the circle (and, if asked,
    save these settings as a template for the partnership)."""
    member = access.access_circle_runner(member=_member(request))
    choices = starters.starters_for(partnership=member.partnership)
    chosen = starters.find(choices, request.GET.get("template") or request.POST.get("template"))
    if chosen is None and request.method == "GET":
        return render(request, "circles/choose.html", {"starters": choices})
    starter = chosen or choices[0]
    form = forms.CircleForm(request.POST or None, starter=starter)
    if request.method == "POST" and form.is_valid():

        def create() -> HttpResponse:
            try:
                circle = services.circle_create(
                    partnership=member.partnership, created_by=member, **form.circle_values()
                )
                if form.cleaned_data["save_as"]:
                    services.template_save(
                        partnership=member.partnership, actor=member, **form.template_values()
                    )
            except services.CircleError as error:
                form.add_error(None, str(error))
                return render(request, "circles/create.html", {"form": form, "starter": starter})
            messages.success(request, _("Your circle is ready. Share the join code."))
            return redirect("circles:facilitate", pk=circle.pk)

        return run_once(request, create)
    return render(request, "circles/create.html", {"form": form, "starter": starter})


@login_required
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    member, template = access.access_template(pk=pk, member=_member(request))
    if request.method == "POST":
        services.template_delete(template=template, actor=member)
        messages.success(request, _("The template is removed. Circles made from it stay."))
        return redirect("circles:create")
    return render(request, "circles/template_delete.html", {"template": template})


# --- facilitating -------------------------------------------------------------------------


def _facilitated(request: HttpRequest, pk: int) -> tuple[Circle, Member]:
    return access.access_facilitation(pk=pk, member=_member(request))


def _facilitate_context(circle: Circle, member: Member, **extra: Any) -> dict[str, Any]:
    can = policy.abilities(
        circle=circle, people=policy.people_of(member=member, circle=circle), joined=False
    )
    steps = policy.steps_of(circle)
    stage = policy.stage_of(circle)
    later = (
        [phase for phase in steps if steps.index(phase) > steps.index(stage)]
        if stage in steps
        else []
    )
    context: dict[str, Any] = {
        "circle": circle,
        "can": can,
        "steps": _steps(circle),
        "next_step": later[0] if later and later[0] != Phase.ENDED else None,
        "skip_to": [phase for phase in later[1:] if phase != Phase.ENDED],
        "participants": selectors.participant_count(circle=circle),
        "join_url": reverse("circles:room", kwargs={"code": circle.join_code}),
        "board_html": live.board(circle=circle, variant=live.FACILITATOR),
        "themes": list(selectors.board_themes(circle=circle)),
        "reflection_count": selectors.reflection_count(circle=circle),
        "theme_form": forms.ThemeForm(),
        "action_form": forms.ActionForm(
            agencies=agencies_for(partnership=circle.partnership),
            themes=selectors.themes_for(circle=circle),
        ),
        "actions": selectors.actions_of(circle=circle),
        "undo": selectors.grouping_undo_of(circle=circle),
        "poll_url": _poll_url(reverse("circles:facilitate_live", kwargs={"pk": circle.pk}), circle),
    }
    context.update(extra)
    return context


@login_required
def facilitate(request: HttpRequest, pk: int) -> HttpResponse:
    circle, member = _facilitated(request, pk)
    return render(request, "circles/facilitate.html", _facilitate_context(circle, member))


@login_required
@require_GET
def facilitate_live(request: HttpRequest, pk: int) -> HttpResponse:
    """The facilitator's poll: new and changed cards and themes, the room panel and undo."""
    circle, member = _facilitated(request, pk)
    seen = _version(request)
    stage_seen = request.GET.get("s", "")
    stage = policy.stage_of(circle)
    if seen == circle.version and stage_seen == stage:
        return HttpResponse(status=204)
    found = changes.difference(
        circle_id=circle.pk, code=circle.join_code, since=seen, until=circle.version
    )
    if stage_seen != stage or found.step:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"  # a co-facilitator moved the circle on
        return response
    context = _facilitate_context(circle, member)
    if not found.complete:
        html = render_to_string(
            "circles/_poll.html", {"poll_url": context["poll_url"], "facilitating": True}
        )
        html += render_to_string(
            "circles/_facilitate_live.html", {**context, "oob": True}, request=request
        )
        return HttpResponse(html)
    base = reverse("circles:facilitate_live", kwargs={"pk": circle.pk})
    html = render_to_string(
        "circles/_poll.html",
        {"poll_url": _poll_url(base, circle, version=found.reached), "facilitating": True},
    )
    html += live.update(
        circle=circle, variant=live.FACILITATOR, since=seen, until=found.reached, found=found
    )
    if found.room:
        html += render_to_string(
            "circles/_facilitate_room.html", {**context, "oob": True}, request=request
        )
    if found.undo:
        html += render_to_string(
            "circles/_grouping_undo.html", {**context, "oob": True}, request=request
        )
    return HttpResponse(html)


def _facilitator_done(request: HttpRequest, circle: Circle, message: str) -> HttpResponse:
    """After a facilitator's post: a spoken status and a poll at once (HTMX), else the page."""
    if is_htmx(request):
        response = HttpResponse(
            render_to_string("circles/_status.html", {"status": message, "oob": True})
        )
        response["HX-Trigger"] = POLL_NOW
        return response
    messages.success(request, message)
    return redirect("circles:facilitate", pk=circle.pk)


def _facilitator_refused(request: HttpRequest, circle: Circle, message: str) -> HttpResponse:
    if is_htmx(request):
        return HttpResponse(
            render_to_string("circles/_status.html", {"status": message, "oob": True})
        )
    messages.error(request, message)
    return redirect("circles:facilitate", pk=circle.pk)


@login_required
@require_POST
def move_phase(request: HttpRequest, pk: int) -> HttpResponse:
    circle, member = _facilitated(request, pk)
    try:
        services.circle_move_to(circle=circle, actor=member, phase=request.POST.get("phase", ""))
    except services.CircleError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The circle has moved on to: %(phase)s.") % {"phase": Phase(circle.phase).label},
        )
    return redirect("circles:facilitate", pk=circle.pk)


@login_required
@require_GET
def end_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Ending asks first: it closes the circle for everyone and cannot be undone."""
    circle, member = _facilitated(request, pk)
    decision = policy.decide_for(
        act=policy.Act.MOVE_PHASE,
        circle=circle,
        people=policy.people_of(member=member, circle=circle),
    )
    if not decision:
        messages.error(request, decision.reason)
        return redirect("circles:facilitate", pk=circle.pk)
    return render(
        request,
        "circles/end.html",
        {"circle": circle, "participants": selectors.participant_count(circle=circle)},
    )


@login_required
@require_POST
def theme_create(request: HttpRequest, pk: int) -> HttpResponse:
    circle, member = _facilitated(request, pk)
    form = forms.ThemeForm(request.POST)
    if not form.is_valid():
        return _facilitator_refused(request, circle, form.first_error())

    def create() -> HttpResponse:
        try:
            theme = services.theme_create(
                circle=circle, actor=member, name=form.cleaned_data["name"]
            )
        except services.CircleError as error:
            return _facilitator_refused(request, circle, str(error))
        return _facilitator_done(
            request, circle, _("Theme “%(name)s” added.") % {"name": theme.name}
        )

    return run_once(request, create, replay_to=reverse("circles:facilitate", kwargs={"pk": pk}))


@login_required
@require_POST
def theme_rename(request: HttpRequest, pk: int, theme_pk: int) -> HttpResponse:
    circle, member, theme = access.access_theme(pk=pk, theme_pk=theme_pk, member=_member(request))
    form = forms.ThemeForm(request.POST)
    if not form.is_valid():
        return _facilitator_refused(request, circle, form.first_error())
    try:
        services.theme_rename(theme=theme, actor=member, name=form.cleaned_data["name"])
    except services.CircleError as error:
        return _facilitator_refused(request, circle, str(error))
    return _facilitator_done(
        request, circle, _("Theme renamed to “%(name)s”.") % {"name": theme.name}
    )


@login_required
@require_POST
def theme_delete(request: HttpRequest, pk: int, theme_pk: int) -> HttpResponse:
    circle, member, theme = access.access_theme(pk=pk, theme_pk=theme_pk, member=_member(request))
    try:
        services.theme_delete(theme=theme, actor=member)
    except services.CircleError as error:
        return _facilitator_refused(request, circle, str(error))
    return _facilitator_done(
        request,
        circle,
        _("Theme “%(name)s” removed. Its reflections are not in a theme now. You can undo this.")
        % {"name": theme.name},
    )


@login_required
@require_POST
def group(request: HttpRequest, pk: int) -> HttpResponse:
    """Move reflections into a theme (or out of every theme): by drag and drop, the Move
    dialog, or the Move page without JavaScript."""
    circle, member = _facilitated(request, pk)
    form = forms.GroupForm(request.POST, themes=selectors.board_themes(circle=circle))
    if not form.is_valid():
        return _facilitator_refused(request, circle, form.first_error())
    theme = form.cleaned_data["theme"]
    try:
        moved = services.reflections_group(
            circle=circle, actor=member, theme=theme, reflection_ids=form.cleaned_data["reflection"]
        )
    except services.CircleError as error:
        return _facilitator_refused(request, circle, str(error))
    where = theme.name if theme else _("Not in a theme yet")
    message = (
        ngettext(
            "Moved %(n)s reflection to “%(where)s”.",
            "Moved %(n)s reflections to “%(where)s”.",
            moved,
        )
        % {"n": moved, "where": where}
        if moved
        else _("That reflection is already in “%(where)s”.") % {"where": where}
    )
    return _facilitator_done(request, circle, message)


@login_required
@require_GET
def move_reflection(request: HttpRequest, pk: int, reflection_id: str) -> HttpResponse:
    """The Move page: choose a theme for one reflection (the keyboard and no-script way)."""
    circle, _runner, reflection = access.access_reflection_to_group(
        pk=pk, reflection_id=reflection_id, member=_member(request)
    )
    form = forms.GroupForm(
        initial={"reflection": [str(reflection.public_id)], "theme": reflection.theme_id},
        themes=selectors.board_themes(circle=circle),
    )
    return render(
        request, "circles/move.html", {"circle": circle, "reflection": reflection, "form": form}
    )


@login_required
@require_POST
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    circle, member = _facilitated(request, pk)
    try:
        moved = services.grouping_undo(circle=circle, actor=member)
    except services.CircleError as error:
        return _facilitator_refused(request, circle, str(error))
    return _facilitator_done(
        request,
        circle,
        ngettext("Undone: %(n)s reflection is back.", "Undone: %(n)s reflections are back.", moved)
        % {"n": moved},
    )


@login_required
@require_POST
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    circle, member = _facilitated(request, pk)
    form = forms.ActionForm(
        request.POST,
        agencies=agencies_for(partnership=circle.partnership),
        themes=selectors.themes_for(circle=circle),
    )
    if not form.is_valid() or hold_once(form):
        return render(
            request,
            "circles/facilitate.html",
            _facilitate_context(circle, member, action_form=form),
        )

    def create() -> HttpResponse:
        try:
            services.action_create(circle=circle, actor=member, **form.cleaned_data)
        except services.CircleError as error:
            form.add_error(None, str(error))
            return render(
                request,
                "circles/facilitate.html",
                _facilitate_context(circle, member, action_form=form),
            )
        messages.success(request, _("Action added."))
        return redirect("circles:facilitate", pk=circle.pk)

    return run_once(request, create)


@login_required
def action_delete(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    circle, member, action = access.access_action(
        pk=pk, action_pk=action_pk, member=_member(request)
    )
    if request.method == "POST":
        try:
            services.action_delete(action=action, actor=member)
        except services.CircleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Action removed."))
        return redirect("circles:facilitate", pk=circle.pk)
    return render(request, "circles/confirm_delete.html", {"circle": circle, "thing": action})


@login_required
@require_POST
def guests(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the circle to new guests, or open it again."""
    circle, member = _facilitated(request, pk)
    open_to_guests = request.POST.get("guests") == "open"
    try:
        services.circle_guests_set(circle=circle, actor=member, open_to_guests=open_to_guests)
    except services.CircleError as error:
        return _facilitator_refused(request, circle, str(error))
    return _facilitator_done(
        request,
        circle,
        _("New guests can join again.")
        if open_to_guests
        else _("The circle is closed to new guests. Everyone already in can carry on."),
    )


@login_required
@require_POST
def pauses_seen(request: HttpRequest, pk: int) -> HttpResponse:
    circle, member = _facilitated(request, pk)
    try:
        services.pauses_acknowledge(circle=circle, actor=member)
    except services.CircleError as error:
        return _facilitator_refused(request, circle, str(error))
    return _facilitator_done(request, circle, _("Thank you. The pause is noted."))


# --- the summary --------------------------------------------------------------------------


def _summary_circle(request: HttpRequest, pk: int) -> Circle:
    return access.access_summary(pk=pk, member=_member(request), browser_key=browser_key(request))


def summary(request: HttpRequest, pk: int) -> HttpResponse:
    circle = _summary_circle(request, pk)
    return render(
        request, "circles/summary.html", {"summary": selectors.circle_summary(circle=circle)}
    )


def summary_csv(request: HttpRequest, pk: int) -> HttpResponse:
    circle = _summary_circle(request, pk)
    data = selectors.circle_summary(circle=circle)
    response = HttpResponse(
        csv_text(header=selectors.SUMMARY_CSV_HEADER, rows=selectors.summary_rows(data)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="circle-{circle.pk}-summary.csv"'
    return response
