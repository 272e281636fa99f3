"""Thin views for the hub's pages: parse, fetch and authorise (access.py), call a service or
selector, render. Someone whose role never takes a step gets the 403 page; someone who could,
at another point in the journey, is told why not now."""

from __future__ import annotations

from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from village.engines.identifying import identifying_hints
from village.engines.theory import GATE_MONTHS, Kind, connection_type
from village.engines.theory import connections_csv as write_connections
from village.engines.theory import elements_csv as write_elements
from village.hub import access, forms, policy, selectors, services
from village.hub.models import Connection, Element, LearningSpace, Pairing, Project, Story
from village.hub.policy import Act, HubError
from village.once import run_once
from village.people.models import Member, Role
from village.people.selectors import agencies_for, members_for


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
    context: dict[str, Any] = {
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
    context.update(_evidence_context(element, context["can"], bound.get("source_form")))
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


# --- Good ancestors: pairings, the legacy log and handovers ------------------------------


def _ancestors_page(request: HttpRequest, member: Member, **bound: Any) -> HttpResponse:
    offer = selectors.offer_of(member=member)
    suggested = selectors.suggestions_for(member=member)
    handover = selectors.handover_of(member=member)
    offer_initial = (
        {
            "offers": offer.offers,
            "wants_to_learn": offer.wants_to_learn,
            "limit": offer.limit,
            "is_open": offer.is_open,
        }
        if offer
        else None
    )
    context = {
        "offer": offer,
        "carrying": selectors.carrying(member=member),
        "takes_part": policy.takes_part(member=member, partnership=member.partnership),
        "offer_form": bound.get("offer_form") or forms.OfferForm(initial=offer_initial),
        "suggestions": suggested,
        "propose_form": bound.get("propose_form") or forms.ProposeForm(offers=suggested),
        "pairings": selectors.pairings_of(member=member),
        "handover": handover,
        "handovers": selectors.handovers_for(partnership=member.partnership)
        if member.has_role(Role.ADMIN)
        else None,
        "leaving_form": bound.get("leaving_form")
        or forms.LeavingForm(initial={"leaving_on": handover and handover.leaving_on}),
    }
    return render(request, "hub/ancestors.html", context, status=400 if bound else 200)


@login_required
def ancestors(request: HttpRequest) -> HttpResponse:
    """Good ancestors: joining pairings, suggestions, one's pairings and a leaving date."""
    member = _member(request)
    if request.method != "POST":
        return _ancestors_page(request, member)
    form = forms.OfferForm(request.POST)
    if form.is_valid():
        try:
            services.offer_set(member=member, **form.cleaned_data)
        except HubError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved. Village suggests people you could pair with."))
            return redirect("hub:ancestors")
    return _ancestors_page(request, member, offer_form=form)


@login_required
@require_POST
def pairing_propose(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = forms.ProposeForm(request.POST, offers=selectors.suggestions_for(member=member))
    if not form.is_valid():
        return _ancestors_page(request, member, propose_form=form)

    def create() -> HttpResponse:
        data = form.cleaned_data
        chosen = [data["partner"]] + ([data["third"]] if data["third"] else [])
        partners = list(members_for(partnership=member.partnership).filter(pk__in=chosen))
        try:
            pairing = services.pairing_propose(
                actor=member, partners=partners, goals=data["goals"], ends_on=data["ends_on"]
            )
        except HubError as error:
            form.add_error(None, str(error))
            return _ancestors_page(request, member, propose_form=form)
        messages.success(request, _("Proposed. It starts when everyone in it has agreed."))
        return redirect("hub:pairing", pk=pairing.pk)

    return run_once(request, create)


@login_required
@require_POST
def leaving(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = forms.LeavingForm(request.POST)
    if form.is_valid():
        try:
            handover = services.leaving_set(
                member=member, leaving_on=form.cleaned_data["leaving_on"]
            )
        except HubError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you. Now choose who will carry what you leave."))
            return redirect("hub:handover", pk=handover.pk)
    return _ancestors_page(request, member, leaving_form=form)


def _pairing(request: HttpRequest, pk: int) -> tuple[Pairing, Member]:
    member = _member(request)
    pairing = access.access_pairing(pk=pk, member=member)
    if policy.pairing_person(member=member, pairing=pairing) != policy.PairingPerson.PARTNER:
        raise PermissionDenied
    return pairing, member


def _pairing_page(
    request: HttpRequest, pairing: Pairing, member: Member, **bound: Any
) -> HttpResponse:
    places = list(selectors.places_of(pairing=pairing))
    mine = next(place for place in places if place.member_id == member.pk)
    context = {
        "pairing": pairing,
        "places": places,
        "mine": mine,
        "can": policy.pairing_abilities(pairing=pairing, member=member),
        "entries": selectors.entries_of(pairing=pairing),
        "goals_form": bound.get("goals_form") or forms.GoalsForm(initial={"goals": pairing.goals}),
        "entry_form": bound.get("entry_form") or forms.EntryForm(),
        "extend_form": bound.get("extend_form") or forms.ExtendForm(),
        "feedback_form": bound.get("feedback_form") or forms.FeedbackForm(),
    }
    return render(request, "hub/pairing_detail.html", context, status=400 if bound else 200)


@login_required
@require_GET
def pairing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pairing, member = _pairing(request, pk)
    return _pairing_page(request, pairing, member)


# --- stories of change -------------------------------------------------------------------


def _stories_page(
    request: HttpRequest, project: Project, member: Member, **bound: Any
) -> HttpResponse:
    can = policy.story_abilities(member=member, project=project)
    failed = bound.get("select_form")

    def select_form(story: Story) -> forms.SelectForm | None:
        if not can["select_story"] or hasattr(story, "selection"):
            return None
        if failed is not None and failed.prefix == _select_prefix(story.pk):
            return failed
        return forms.SelectForm(prefix=_select_prefix(story.pk))

    context = {
        "project": project,
        "can": can,
        "domains": [
            (group.domain, [(story, select_form(story)) for story in group.stories])
            for group in selectors.stories_by_domain(project=project)
        ],
        "domain_form": bound.get("domain_form") or forms.DomainForm(),
    }
    return render(request, "hub/stories.html", context, status=400 if bound else 200)


def _select_prefix(story_pk: int) -> str:
    """Each story's form has fields of its own, so no two share an id on the page."""
    return f"story-{story_pk}"


@login_required
@require_GET
def stories(request: HttpRequest, pk: int) -> HttpResponse:
    project, member = _project(request, pk)
    return _stories_page(request, project, member)


def _may_ever_story(project: Project, member: Member, act: policy.StoryAct) -> None:
    """A 403 for someone whose part never takes this step; a finished project's refusal
    is the service's message."""
    if not policy.story_may_ever(act=act, member=member, project=project):
        raise PermissionDenied


@login_required
def story_tell(request: HttpRequest, pk: int) -> HttpResponse:
    project, member = _project(request, pk)
    _may_ever_story(project, member, policy.StoryAct.TELL)
    domains = selectors.domains_of(project=project)
    form = forms.StoryForm(_posted(request), domains=domains)

    def page(form: forms.StoryForm, **extra: Any) -> HttpResponse:
        context = {"project": project, "form": form, **extra}
        return render(request, "hub/story_tell.html", context)

    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        hints = identifying_hints("\n".join((data["title"], data["text"], data["why_significant"])))
        if hints and not data["confirmed"]:
            again = request.POST.copy()
            again["confirmed"] = "True"
            return page(forms.StoryForm(again, domains=domains), identifying_hints=hints)

        def create() -> HttpResponse:
            try:
                services.story_tell(
                    project=project,
                    actor=member,
                    domain=data["domain"],
                    title=data["title"],
                    text=data["text"],
                    why_significant=data["why_significant"],
                    anonymous=bool(data["anonymous"]),
                )
            except HubError as error:
                form.add_error(None, str(error))
                return page(form)
            messages.success(request, _("Thank you. Your story is shared with the project."))
            return redirect("hub:stories", pk=project.pk)

        return run_once(request, create)
    return page(form)


@login_required
@require_POST
def pairing_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    pairing, member = _pairing(request, pk)
    try:
        services.pairing_confirm(pairing=pairing, actor=member)
    except HubError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you for agreeing."))
    return redirect("hub:pairing", pk=pairing.pk)


def story_select(request: HttpRequest, pk: int, story_pk: int) -> HttpResponse:
    project, member = _project(request, pk)
    _may_ever_story(project, member, policy.StoryAct.SELECT)
    story = access.access_story(project=project, pk=story_pk)
    form = forms.SelectForm(request.POST, prefix=_select_prefix(story.pk))
    if not form.is_valid():
        return _stories_page(request, project, member, select_form=form)
    try:
        services.story_select(story=story, actor=member, reason=form.cleaned_data["reason"])
    except HubError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The story is selected, with the panel's reason."))
    return redirect("hub:stories", pk=project.pk)


@login_required
@require_POST
def pairing_decline(request: HttpRequest, pk: int) -> HttpResponse:
    pairing, member = _pairing(request, pk)
    try:
        services.pairing_decline(pairing=pairing, actor=member)
    except HubError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("This pairing is not going ahead. Nobody's place is held."))
    return redirect("hub:pairing", pk=pairing.pk)


def _pairing_form_post(
    request: HttpRequest,
    pk: int,
    name: str,
    form_class: type[forms.forms.Form],
    done: str,
    act: Any,
) -> HttpResponse:
    """A form on the pairing page: input that does not parse comes back beside the form;
    a step the policy refuses now is said at the top of the page (the form may be gone)."""
    pairing, member = _pairing(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _pairing_page(request, pairing, member, **{name: form})
    try:
        act(pairing=pairing, actor=member, **form.cleaned_data)
    except HubError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("hub:pairing", pk=pairing.pk)


@login_required
@require_POST
def pairing_goals(request: HttpRequest, pk: int) -> HttpResponse:
    return _pairing_form_post(
        request, pk, "goals_form", forms.GoalsForm, _("Goals saved."), services.pairing_goals_set
    )


def domain_add(request: HttpRequest, pk: int) -> HttpResponse:
    project, member = _project(request, pk)
    _may_ever_story(project, member, policy.StoryAct.NAME_DOMAINS)
    form = forms.DomainForm(request.POST)
    if not form.is_valid():
        return _stories_page(request, project, member, domain_form=form)
    try:
        services.domain_add(project=project, actor=member, name=form.cleaned_data["name"])
    except HubError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The domain is added."))
    return redirect("hub:stories", pk=project.pk)


# --- evidence from Village ---------------------------------------------------------------


def _evidence_context(
    element: Element, can: dict[str, bool], source_form: forms.SourceForm | None
) -> dict[str, Any]:
    """An indicator's live value, and for those who record values, the figures to choose."""
    if element.kind != Kind.INDICATOR:
        return {}
    if source_form is None and can["record_values"]:
        partnership = element.project.partnership
        source_form = forms.SourceForm(figures=selectors.released_figures(partnership=partnership))
    return {"live": selectors.live_value(indicator=element), "source_form": source_form}


@login_required
@require_POST
def pairing_entry(request: HttpRequest, pk: int) -> HttpResponse:
    pairing, member = _pairing(request, pk)
    form = forms.EntryForm(request.POST)
    if not form.is_valid():
        return _pairing_page(request, pairing, member, entry_form=form)

    def create() -> HttpResponse:
        try:
            services.pairing_entry_add(pairing=pairing, actor=member, **form.cleaned_data)
        except HubError as error:
            form.add_error(None, str(error))
            return _pairing_page(request, pairing, member, entry_form=form)
        messages.success(request, _("Saved. Only the people in this pairing can read it."))
        return redirect("hub:pairing", pk=pairing.pk)

    return run_once(request, create)


@login_required
@require_POST
def pairing_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _pairing_form_post(
        request, pk, "extend_form", forms.ExtendForm, _("Extended."), services.pairing_extend
    )


@login_required
@require_POST
def pairing_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _pairing_form_post(
        request,
        pk,
        "feedback_form",
        forms.FeedbackForm,
        _("The pairing is closed. Thank you for your feedback."),
        services.pairing_complete,
    )


@login_required
@require_POST
def pairing_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    return _pairing_form_post(
        request,
        pk,
        "feedback_form",
        forms.FeedbackForm,
        _("Thank you for your feedback."),
        services.pairing_feedback,
    )


@login_required
def legacy(request: HttpRequest) -> HttpResponse:
    """The legacy log: practice wisdom, each entry linked to a charter value."""
    member = _member(request)
    partnership = member.partnership
    values = [(v.key, v.name) for v in selectors.charter_values(partnership=partnership)]
    can_write = policy.takes_part(member=member, partnership=partnership)
    form = forms.LegacyForm(_posted(request), values=values)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():

            def create() -> HttpResponse:
                try:
                    services.legacy_add(actor=member, **form.cleaned_data)
                except HubError as error:
                    form.add_error(None, str(error))
                    return _legacy_page(request, member, form, can_write, values)
                messages.success(request, _("Added to the legacy log. Thank you."))
                return redirect("hub:legacy")

            return run_once(request, create)
    return _legacy_page(request, member, form, can_write, values)


def _legacy_page(
    request: HttpRequest,
    member: Member,
    form: forms.LegacyForm,
    can_write: bool,
    values: list[tuple[str, str]],
) -> HttpResponse:
    return render(
        request,
        "hub/legacy.html",
        {
            "entries": selectors.legacy_of(partnership=member.partnership),
            "form": form,
            "can_write": can_write and bool(values),
            "has_values": bool(values),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    """What a leaver leaves, and who will carry each thing."""
    handover = access.access_handover(pk=pk, member=_member(request))
    carriers = selectors.possible_carriers(handover=handover)
    items = [
        (
            item,
            forms.CarrierForm(
                members=carriers, initial={"carrier": item.carrier_id}, prefix=f"item{item.pk}"
            ),
        )
        for item in selectors.handover_items(handover=handover)
    ]
    return render(request, "hub/handover.html", {"handover": handover, "items": items})


@login_required
@require_POST
def carrier_set(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    member = _member(request)
    handover = access.access_handover(pk=pk, member=member)
    item = access.access_handover_item(handover=handover, pk=item_pk)
    form = forms.CarrierForm(
        request.POST,
        members=selectors.possible_carriers(handover=handover),
        prefix=f"item{item.pk}",
    )
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("carrier", [])))
        return redirect("hub:handover", pk=handover.pk)
    carrier = form.cleaned_data["carrier"]
    try:
        services.carrier_set(item=item, actor=member, carrier=carrier)
    except HubError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s will carry it.") % {"name": carrier.display_name})
    return redirect("hub:handover", pk=handover.pk)


def indicator_source(request: HttpRequest, pk: int, element_pk: int) -> HttpResponse:
    project, element, member = _element(request, pk, element_pk)
    _may_ever(project, member, Act.RECORD_VALUES)
    if request.POST.get("clear"):
        try:
            services.indicator_source_clear(indicator=element, actor=member)
        except HubError as error:
            return _refused(request, project, element, error)
        return _done(request, project, element, _("It no longer reads from Village."))
    form = forms.SourceForm(
        request.POST, figures=selectors.released_figures(partnership=project.partnership)
    )
    if not form.is_valid():
        return _element_page(request, project, element, member, source_form=form)
    kind, key = form.chosen()
    try:
        services.indicator_source_set(indicator=element, actor=member, kind=kind, key=key)
    except HubError as error:
        return _refused(request, project, element, error)
    return _done(request, project, element, _("It now reads its value from Village."))


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
    links = list(selectors.circles_of(space=space))
    return render(
        request,
        "hub/space_detail.html",
        {
            "space": space,
            "can": policy.space_abilities(space=space, member=member),
            "next_facilitator": selectors.next_facilitator(space=space),
            "rota": selectors.rota_of(space=space),
            "turns": selectors.turns_of(space=space)[:10],
            "circles": links,
            "facilitates": {
                link.circle_id
                for link in links
                if rules.test_rule("circles.facilitate", member, link.circle)
            },
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
