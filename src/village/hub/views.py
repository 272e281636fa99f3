"""Thin views for the hub's pages: parse, fetch and authorise (access.py), call a service or
selector, render. Someone whose role never takes a step gets the 403 page; someone who could,
at another point in the journey, is told why not now."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from village.circles import services as circles
from village.engines.identifying import identifying_hints
from village.engines.theory import GATE_MONTHS, Kind, connection_type
from village.engines.theory import connections_csv as write_connections
from village.engines.theory import elements_csv as write_elements
from village.hub import access, forms, policy, selectors, services
from village.hub.models import Connection, Element, LearningSpace, Project
from village.hub.policy import Act, HubError
from village.once import run_once
from village.people.models import Member
from village.people.selectors import agencies_for


def _member(request: HttpRequest) -> Member:
    member = getattr(request, "member", None)
    if not member:
        raise PermissionDenied
    return member


def _project(request: HttpRequest, pk: int) -> tuple[Project, Member]:
    member = _member(request)
    return access.access_project(pk=pk, member=member), member


def _may_ever(project: Project, member: Member, act: Act) -> None:
    """A 403 for someone whose part in the project never takes this step."""
    if not policy.people_of(member=member, project=project) & policy.POLICY[act].people:
        raise PermissionDenied


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# --- the list and starting a project -----------------------------------------------------


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    partnership = member.partnership
    can_start = policy.can_start_projects(member=member, partnership=partnership)
    form = forms.ProjectForm(_posted(request), agencies=agencies_for(partnership=partnership))
    if request.method == "POST":
        if not can_start:
            raise PermissionDenied
        if form.is_valid():

            def create() -> HttpResponse:
                data = form.cleaned_data
                try:
                    project = services.project_create(
                        partnership=partnership,
                        actor=member,
                        title=data["title"],
                        kind=data["kind"],
                        summary=data["summary"],
                        families_as_partners=data["families_as_partners"],
                        started_on=data["started_on"],
                        agencies=list(data["agencies"]),
                    )
                except HubError as error:
                    form.add_error(None, str(error))
                    return _list_page(request, member, form, can_start)
                messages.success(
                    request, _("The project is started. Now build its theory of change.")
                )
                return redirect("hub:project", pk=project.pk)

            return run_once(request, create)
    return _list_page(request, member, form, can_start)


def _list_page(
    request: HttpRequest, member: Member, form: forms.ProjectForm, can_start: bool
) -> HttpResponse:
    return render(
        request,
        "hub/project_list.html",
        {
            "projects": selectors.projects_for(partnership=member.partnership),
            "form": form,
            "can_start": can_start,
        },
    )


# --- a project --------------------------------------------------------------------------


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project, member = _project(request, pk)
    steps = selectors.steps_of(project=project)
    return render(
        request,
        "hub/project_detail.html",
        {
            "project": project,
            "can": policy.abilities(project=project, member=member),
            "theory": [
                (heading, kind.value, steps[kind.value]) for kind, heading in _KIND_HEADINGS.items()
            ],
            "journey": [
                (gate, [services.gap_message(gap) for gap in gate.gaps])
                for gate in selectors.journey_of(project=project)
            ],
            "indicators": selectors.indicators_of(project=project),
            "documents": selectors.documents_of(project=project),
            "leads": selectors.leads_of(project=project),
            "lead_form": forms.LeadForm(members=selectors.possible_leads(project=project)),
            "can_share_lessons": policy.can_share_lessons(member=member, project=project),
        },
    )


@login_required
@require_POST
def lead_add(request: HttpRequest, pk: int) -> HttpResponse:
    project, member = _project(request, pk)
    _may_ever(project, member, Act.EDIT_PROJECT)
    form = forms.LeadForm(request.POST, members=selectors.possible_leads(project=project))
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors.get("member", [])))
        return redirect("hub:project", pk=project.pk)
    chosen = form.cleaned_data["member"]
    try:
        services.lead_add(project=project, actor=member, member=chosen)
    except HubError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("%(name)s now leads the project too.") % {"name": chosen.display_name}
        )
    return redirect("hub:project", pk=project.pk)


_KIND_HEADINGS = {
    Kind.OUTCOME: gettext_lazy("Outcomes"),
    Kind.ACTIVITY: gettext_lazy("Activities"),
    Kind.ASSUMPTION: gettext_lazy("Assumptions"),
    Kind.INDICATOR: gettext_lazy("Indicators"),
}


@login_required
def element_add(request: HttpRequest, pk: int) -> HttpResponse:
    project, member = _project(request, pk)
    _may_ever(project, member, Act.EDIT_THEORY)
    form = forms.ElementForm(_posted(request), initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():

        def create() -> HttpResponse:
            try:
                element = services.element_add(
                    project=project,
                    actor=member,
                    kind=form.cleaned_data["kind"],
                    label=form.cleaned_data["label"],
                    description=form.cleaned_data["description"],
                )
            except HubError as error:
                form.add_error(None, str(error))
                return render(request, "hub/element_add.html", {"project": project, "form": form})
            messages.success(request, _("Added. Now connect it to the rest of the theory."))
            return redirect("hub:element", pk=project.pk, element_pk=element.pk)

        return run_once(request, create)
    return render(request, "hub/element_add.html", {"project": project, "form": form})


def _targets(element: Element) -> list[Element]:
    """The parts this one may connect to that it does not connect to yet."""
    taken = set(element.outgoing.values_list("target_id", flat=True))
    return [
        other
        for other in Element.objects.filter(project_id=element.project_id).exclude(pk=element.pk)
        if other.pk not in taken and connection_type(Kind(element.kind), Kind(other.kind))
    ]


def _link(connection: Connection) -> selectors.Link:
    meaning = connection_type(Kind(connection.source.kind), Kind(connection.target.kind))
    return selectors.Link(connection, meaning or "")


def _element_page(
    request: HttpRequest, project: Project, element: Element, member: Member, **bound: Any
) -> HttpResponse:
    indicator = next(
        (i for i in selectors.indicators_of(project=project) if i.indicator.pk == element.pk),
        None,
    )
    context = {
        "project": project,
        "element": element,
        "can": policy.abilities(project=project, member=member),
        "outgoing": [_link(c) for c in element.outgoing.select_related("source", "target")],
        "incoming": [_link(c) for c in element.incoming.select_related("source", "target")],
        "indicator": indicator,
        "words_form": bound.get("words_form")
        or forms.ElementWordsForm(
            initial={"label": element.label, "description": element.description}
        ),
        "evidence_form": bound.get("evidence_form")
        or forms.EvidenceForm(initial={"evidence": element.evidence}),
        "connection_form": bound.get("connection_form")
        or forms.ConnectionForm(targets=_targets(element)),
        "value_form": bound.get("value_form")
        or forms.ValueForm(has_baseline=bool(indicator and indicator.baseline)),
        "target_form": bound.get("target_form") or forms.TargetForm(),
    }
    return render(request, "hub/element_detail.html", context, status=400 if bound else 200)


def _element(request: HttpRequest, pk: int, element_pk: int) -> tuple[Project, Element, Member]:
    project, member = _project(request, pk)
    return project, access.access_element(project=project, pk=element_pk), member


def _done(request: HttpRequest, project: Project, element: Element, words: str) -> HttpResponse:
    messages.success(request, words)
    return redirect("hub:element", pk=project.pk, element_pk=element.pk)


def _refused(
    request: HttpRequest, project: Project, element: Element, error: HubError
) -> HttpResponse:
    messages.error(request, str(error))
    return redirect("hub:element", pk=project.pk, element_pk=element.pk)


@login_required
@require_GET
def element_detail(request: HttpRequest, pk: int, element_pk: int) -> HttpResponse:
    project, element, member = _element(request, pk, element_pk)
    return _element_page(request, project, element, member)


@login_required
@require_POST
def element_edit(request: HttpRequest, pk: int, element_pk: int) -> HttpResponse:
    project, element, member = _element(request, pk, element_pk)
    _may_ever(project, member, Act.EDIT_THEORY)
    form = forms.ElementWordsForm(request.POST)
    if not form.is_valid():
        return _element_page(request, project, element, member, words_form=form)
    try:
        services.element_update(
            element=element,
            actor=member,
            label=form.cleaned_data["label"],
            description=form.cleaned_data["description"],
        )
    except HubError as error:
        return _refused(request, project, element, error)
    return _done(request, project, element, _("The new words are saved."))


@login_required
@require_POST
def evidence(request: HttpRequest, pk: int, element_pk: int) -> HttpResponse:
    project, element, member = _element(request, pk, element_pk)
    _may_ever(project, member, Act.EDIT_THEORY)
    form = forms.EvidenceForm(request.POST)
    if not form.is_valid():
        return _element_page(request, project, element, member, evidence_form=form)
    try:
        services.evidence_set(
            assumption=element, actor=member, evidence=form.cleaned_data["evidence"]
        )
    except HubError as error:
        return _refused(request, project, element, error)
    return _done(request, project, element, _("The evidence status is saved."))


@login_required
@require_POST
def connection_add(request: HttpRequest, pk: int, element_pk: int) -> HttpResponse:
    project, element, member = _element(request, pk, element_pk)
    _may_ever(project, member, Act.EDIT_THEORY)
    form = forms.ConnectionForm(request.POST, targets=_targets(element))
    if not form.is_valid():
        return _element_page(request, project, element, member, connection_form=form)
    target = access.access_element(project=project, pk=form.cleaned_data["target"])
    try:
        services.connection_add(project=project, actor=member, source=element, target=target)
    except HubError as error:
        return _refused(request, project, element, error)
    return _done(request, project, element, _("Connected."))


@login_required
@require_POST
def connection_remove(request: HttpRequest, pk: int, connection_pk: int) -> HttpResponse:
    project, member = _project(request, pk)
    _may_ever(project, member, Act.EDIT_THEORY)
    connection = (
        Connection.objects.filter(project=project, pk=connection_pk)
        .select_related("source")
        .first()
    )
    if connection is None:
        raise Http404
    try:
        services.connection_remove(connection=connection, actor=member)
    except HubError as error:
        return _refused(request, project, connection.source, error)
    return _done(request, project, connection.source, _("The connection is taken out."))


@login_required
@require_POST
def element_remove(request: HttpRequest, pk: int, element_pk: int) -> HttpResponse:
    project, element, member = _element(request, pk, element_pk)
    _may_ever(project, member, Act.EDIT_THEORY)
    try:
        services.element_remove(element=element, actor=member)
    except HubError as error:
        return _refused(request, project, element, error)
    messages.success(request, _("Taken out of the theory of change."))
    return redirect("hub:project", pk=project.pk)


@login_required
@require_POST
def value_add(request: HttpRequest, pk: int, element_pk: int) -> HttpResponse:
    project, element, member = _element(request, pk, element_pk)
    _may_ever(project, member, Act.RECORD_VALUES)
    has_baseline = element.values.filter(is_baseline=True).exists()
    form = forms.ValueForm(request.POST, has_baseline=has_baseline)
    if not form.is_valid():
        return _element_page(request, project, element, member, value_form=form)

    def create() -> HttpResponse:
        data = form.cleaned_data
        try:
            services.value_record(
                indicator=element,
                actor=member,
                value=data["value"],
                measured_on=data["measured_on"],
                is_baseline=bool(data.get("is_baseline")),
                note=data["note"],
            )
        except HubError as error:
            return _refused(request, project, element, error)
        return _done(request, project, element, _("The value is recorded."))

    return run_once(request, create)


@login_required
@require_POST
def target_set(request: HttpRequest, pk: int, element_pk: int) -> HttpResponse:
    project, element, member = _element(request, pk, element_pk)
    _may_ever(project, member, Act.RECORD_VALUES)
    form = forms.TargetForm(request.POST)
    if not form.is_valid():
        return _element_page(request, project, element, member, target_form=form)

    def create() -> HttpResponse:
        try:
            services.target_set(
                indicator=element,
                actor=member,
                value=form.cleaned_data["value"],
                reason=form.cleaned_data["reason"],
            )
        except HubError as error:
            form.add_error(None, str(error))
            return _element_page(request, project, element, member, target_form=form)
        return _done(request, project, element, _("The target is set."))

    return run_once(request, create)


# --- the journey ------------------------------------------------------------------------


@login_required
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    project, member = _project(request, pk)
    _may_ever(project, member, Act.ADD_DOCUMENT)
    form = forms.DocumentForm(_posted(request), initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        hints = identifying_hints(f"{form.cleaned_data['title']}\n{form.cleaned_data['text']}")
        if hints and not form.cleaned_data["confirmed"]:
            again = request.POST.copy()
            again["confirmed"] = "True"
            context = {
                "project": project,
                "form": forms.DocumentForm(again),
                "identifying_hints": hints,
            }
            return render(request, "hub/document_add.html", context)

        def create() -> HttpResponse:
            data = form.cleaned_data
            try:
                services.document_add(
                    project=project,
                    actor=member,
                    kind=data["kind"],
                    title=data["title"],
                    text=data["text"],
                )
            except HubError as error:
                form.add_error(None, str(error))
                return render(request, "hub/document_add.html", {"project": project, "form": form})
            messages.success(request, _("The document is added."))
            return redirect("hub:project", pk=project.pk)

        return run_once(request, create)
    return render(request, "hub/document_add.html", {"project": project, "form": form})


@login_required
@require_POST
def gate_pass(request: HttpRequest, pk: int, months: int) -> HttpResponse:
    project, member = _project(request, pk)
    _may_ever(project, member, Act.CLEAR_GATE)
    if months not in GATE_MONTHS:
        raise Http404
    try:
        services.gate_pass(project=project, actor=member, months=months)
    except HubError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The %(months)s-month gate is passed.") % {"months": months})
    return redirect("hub:project", pk=project.pk)


# --- Kumu files -------------------------------------------------------------------------


def _csv(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def export_elements(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.access_project(pk=pk, member=_member(request))
    theory = selectors.theory_of(project=project)
    return _csv(write_elements(theory), f"project-{project.pk}-elements.csv")


@login_required
@require_GET
def export_connections(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.access_project(pk=pk, member=_member(request))
    theory = selectors.theory_of(project=project)
    return _csv(write_connections(theory), f"project-{project.pk}-connections.csv")


@login_required
def theory_import(request: HttpRequest, pk: int) -> HttpResponse:
    project, member = _project(request, pk)
    _may_ever(project, member, Act.EDIT_THEORY)
    form = forms.ImportForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        elements, connections = form.contents()
        try:
            imported = services.theory_import(
                project=project, actor=member, elements=elements, connections=connections
            )
        except HubError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The theory of change is imported."))
            if imported.ignored_columns:
                messages.info(
                    request,
                    _("These columns were not imported: %(columns)s.")
                    % {"columns": ", ".join(imported.ignored_columns)},
                )
            return redirect("hub:project", pk=project.pk)
    return render(
        request,
        "hub/theory_import.html",
        {"project": project, "form": form},
        status=400 if form.errors else 200,
    )


# --- learning spaces (issue 13, item 5) ----------------------------------------------------


def _space(request: HttpRequest, pk: int) -> tuple[LearningSpace, Member]:
    member = _member(request)
    return access.access_space(pk=pk, member=member), member


@login_required
def space_list(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    partnership = member.partnership
    can_start = policy.can_start_spaces(member=member, partnership=partnership)
    form = forms.SpaceForm(_posted(request))

    def page() -> HttpResponse:
        return render(
            request,
            "hub/space_list.html",
            {
                "spaces": selectors.spaces_for(partnership=partnership),
                "form": form,
                "can_start": can_start,
            },
        )

    if request.method == "POST":
        if not can_start:
            raise PermissionDenied
        if form.is_valid():

            def create() -> HttpResponse:
                try:
                    space = services.space_create(
                        partnership=partnership,
                        actor=member,
                        topic=form.cleaned_data["topic"],
                        about=form.cleaned_data["about"],
                    )
                except HubError as error:
                    form.add_error(None, str(error))
                    return page()
                messages.success(request, _("The space is started. You facilitate it first."))
                return redirect("hub:space", pk=space.pk)

            return run_once(request, create)
    return page()


def _space_page(
    request: HttpRequest,
    space: LearningSpace,
    member: Member,
    circle_form: forms.SpaceCircleForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "hub/space_detail.html",
        {
            "space": space,
            "can": policy.space_abilities(space=space, member=member),
            "runs_circles": circles.can_run_circles(member=member, partnership=space.partnership),
            "next_facilitator": selectors.next_facilitator(space=space),
            "rota": selectors.rota_of(space=space),
            "turns": selectors.turns_of(space=space)[:10],
            "circles": selectors.circles_of(space=space),
            "lessons": selectors.lessons_in(space=space),
            "circle_form": circle_form or forms.SpaceCircleForm(),
        },
    )


@login_required
@require_GET
def space_detail(request: HttpRequest, pk: int) -> HttpResponse:
    space, member = _space(request, pk)
    return _space_page(request, space, member)


def _space_step(request: HttpRequest, pk: int, act: policy.SpaceAct) -> HttpResponse:
    """Join, leave or pass the role on: one button each, the answer as a message."""
    space, member = _space(request, pk)
    done = {
        policy.SpaceAct.JOIN: (services.space_join, _("You are on the rota.")),
        policy.SpaceAct.LEAVE: (services.space_leave, _("You are off the rota.")),
        policy.SpaceAct.PASS_ON: (services.facilitator_pass_on, _("The role is passed on.")),
    }
    step, words = done[act]
    try:
        step(space=space, actor=member)
    except HubError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, words)
    return redirect("hub:space", pk=space.pk)


@login_required
@require_POST
def space_join(request: HttpRequest, pk: int) -> HttpResponse:
    return _space_step(request, pk, policy.SpaceAct.JOIN)


@login_required
@require_POST
def space_leave(request: HttpRequest, pk: int) -> HttpResponse:
    return _space_step(request, pk, policy.SpaceAct.LEAVE)


@login_required
@require_POST
def facilitator_pass_on(request: HttpRequest, pk: int) -> HttpResponse:
    return _space_step(request, pk, policy.SpaceAct.PASS_ON)


@login_required
@require_POST
def space_circle_start(request: HttpRequest, pk: int) -> HttpResponse:
    space, member = _space(request, pk)
    form = forms.SpaceCircleForm(request.POST)
    if not form.is_valid():
        return _space_page(request, space, member, form)

    def create() -> HttpResponse:
        try:
            services.space_circle_start(
                space=space,
                actor=member,
                title=form.cleaned_data["title"],
                purpose=form.cleaned_data["purpose"],
                prompts=form.prompt_lines(),
                days=form.cleaned_data["days"],
            )
        except HubError as error:
            form.add_error(None, str(error))
            return _space_page(request, space, member, form)
        messages.success(request, _("The circle is started. Share its join code."))
        return redirect("hub:space", pk=space.pk)

    return run_once(request, create)


@login_required
@require_GET
def library(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    return render(
        request,
        "hub/library.html",
        {"lessons": selectors.library_for(partnership=member.partnership)},
    )


@login_required
def lesson_add(request: HttpRequest, pk: int) -> HttpResponse:
    project, member = _project(request, pk)
    if not policy.can_share_lessons(member=member, project=project):
        raise PermissionDenied
    form = forms.LessonForm(
        _posted(request),
        assumptions=selectors.assumptions_of(project=project),
        spaces=selectors.spaces_for(partnership=project.partnership),
    )

    def page() -> HttpResponse:
        return render(request, "hub/lesson_add.html", {"project": project, "form": form})

    if request.method == "POST" and form.is_valid():

        def create() -> HttpResponse:
            data = form.cleaned_data
            try:
                services.lesson_add(
                    project=project,
                    actor=member,
                    title=data["title"],
                    text=data["text"],
                    assumptions=list(data["assumptions"]),
                    space=data["space"],
                )
            except HubError as error:
                form.add_error(None, str(error))
                return page()
            messages.success(request, _("The lesson is in the library."))
            return redirect("hub:library")

        return run_once(request, create)
    return page()
