"""Every write to hub projects. Views and the command line call these; nothing else writes
hub rows. Each checks the policy (village.hub.policy) before it writes, and the theory's
rules (village.engines.theory) before a part or a connection is saved, so what a page adds
and what a Kumu file brings in obey the same rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from village.circles import services as circles
from village.engines.theory import (
    Element as TheoryElement,
)
from village.engines.theory import (
    Evidence,
    Gap,
    Imported,
    Kind,
    Need,
    TheoryImportError,
    missing,
    read_theory,
)
from village.engines.theory.graph import connection_problem, element_problems
from village.errors import UserError
from village.hub import policy, selectors
from village.hub.models import (
    ABOUT_MAX_LENGTH,
    DOCUMENT_MAX_LENGTH,
    LESSON_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    TOPIC_MAX_LENGTH,
    Connection,
    Document,
    DocumentKind,
    Element,
    FacilitatorTurn,
    GatePassage,
    IndicatorTarget,
    IndicatorValue,
    LearningSpace,
    Lesson,
    Project,
    ProjectKind,
    RotaPlace,
    SpaceCircle,
)
from village.hub.policy import Act, HubError, SpaceAct
from village.people.models import Agency, Member, Partnership
from village.people.services import audit_record

VALUE_LIMIT = Decimal("1e10")
KINDS = frozenset(kind.value for kind in Kind)
EVIDENCE = frozenset(evidence.value for evidence in Evidence)


def _words(text: str, *, limit: int, what: str, required: bool = True) -> str:
    text = text.strip()
    if required and not text:
        raise HubError(_("Write %(what)s.") % {"what": what})
    if len(text) > limit:
        raise HubError(
            _("Keep %(what)s to %(limit)s characters.") % {"what": what, "limit": f"{limit:,}"}
        )
    return text


def project_create(
    *,
    partnership: Partnership,
    actor: Member,
    title: str,
    kind: str,
    started_on: date,
    agencies: Sequence[Agency],
    summary: str = "",
    families_as_partners: str = "",
    leads: Sequence[Member] = (),
) -> Project:
    """A project owned by one or more of the partnership's agencies; whoever starts it
    leads it, with any other leads they name."""
    if not policy.can_start_projects(member=actor, partnership=partnership):
        raise HubError(_("Observers can read projects but not start them."))
    if kind not in ProjectKind.values:
        raise HubError(_("Say whether this is new work or work already running."))
    if not agencies:
        raise HubError(_("Choose at least one agency that owns the project."))
    if any(agency.partnership_id != partnership.pk for agency in agencies):
        raise HubError(_("Choose agencies from this partnership."))
    if any(not policy.is_member_of(lead, partnership.pk) for lead in leads):
        raise HubError(_("Choose leads from this partnership's members."))
    with transaction.atomic():
        project = Project.objects.create(
            partnership=partnership,
            title=_words(title, limit=TITLE_MAX_LENGTH, what=_("the project's name")),
            kind=kind,
            summary=_words(
                summary, limit=SUMMARY_MAX_LENGTH, what=_("the summary"), required=False
            ),
            families_as_partners=_words(
                families_as_partners,
                limit=SUMMARY_MAX_LENGTH,
                what=_("how families are partners"),
                required=False,
            ),
            started_on=started_on,
            created_by=actor,
        )
        project.agencies.set(agencies)
        project.leads.set({actor, *leads})
        audit_record(
            partnership=partnership, actor=actor, action="hub.project_create", target=project
        )
    return project


def lead_add(*, project: Project, actor: Member, member: Member) -> None:
    """Another lead for the project: a member of its partnership, from any agency, or a
    family member, since families are partners in the work."""
    policy.check(act=Act.EDIT_PROJECT, project=project, member=actor)
    if not policy.is_member_of(member, project.partnership_id):
        raise HubError(_("Choose a lead from this partnership's members."))
    if project.leads.filter(pk=member.pk).exists():
        raise HubError(_("%(name)s already leads this project.") % {"name": member.display_name})
    with transaction.atomic():
        project.leads.add(member)
        audit_record(
            partnership=project.partnership, actor=actor, action="hub.lead_add", target=member
        )


def _lock(project: Project) -> None:
    """Holds the project's row until the transaction ends, so two people adding parts or
    connections at once take turns (keys stay unique, no connection is made twice)."""
    Project.objects.select_for_update().filter(pk=project.pk).first()


def _next_key(project: Project, kind: str) -> str:
    taken = set(Element.objects.filter(project=project).values_list("key", flat=True))
    number = Element.objects.filter(project=project, kind=kind).count() + 1
    while f"{kind}-{number}" in taken:
        number += 1
    return f"{kind}-{number}"


def _checked(element: TheoryElement) -> None:
    found = element_problems(element)
    if found:
        raise HubError(found[0])


def element_add(
    *,
    project: Project,
    actor: Member,
    kind: str,
    label: str,
    description: str = "",
    evidence: str = "",
) -> Element:
    """An outcome, activity, assumption or indicator; an assumption starts untested unless
    its evidence is given."""
    policy.check(act=Act.EDIT_THEORY, project=project, member=actor)
    if kind not in KINDS:
        raise HubError(_("Choose an outcome, an activity, an assumption or an indicator."))
    if kind == Kind.ASSUMPTION and not evidence:
        evidence = Evidence.UNTESTED
    if evidence and evidence not in EVIDENCE:
        raise HubError(_("Choose an evidence status from the list."))
    label, description = label.strip(), description.strip()
    with transaction.atomic():
        _lock(project)
        key = _next_key(project, kind)
        _checked(
            TheoryElement(
                key=key,
                kind=Kind(kind),
                label=label,
                description=description,
                evidence=Evidence(evidence) if evidence else None,
            )
        )
        element = Element.objects.create(
            project=project,
            key=key,
            kind=kind,
            label=label,
            description=description,
            evidence=evidence,
        )
        audit_record(
            partnership=project.partnership, actor=actor, action="hub.element_add", target=element
        )
    return element


def element_update(*, element: Element, actor: Member, label: str, description: str) -> Element:
    """New words for a part of the theory; its kind, key and connections stay."""
    project = element.project
    policy.check(act=Act.EDIT_THEORY, project=project, member=actor)
    label, description = label.strip(), description.strip()
    _checked(
        TheoryElement(
            key=element.key,
            kind=Kind(element.kind),
            label=label,
            description=description,
            evidence=Evidence(element.evidence) if element.evidence else None,
        )
    )
    with transaction.atomic():
        element.label, element.description = label, description
        element.save(update_fields=["label", "description"])
        audit_record(
            partnership=project.partnership,
            actor=actor,
            action="hub.element_update",
            target=element,
        )
    return element


def evidence_set(*, assumption: Element, actor: Member, evidence: str) -> Element:
    """What the project now knows about an assumption: the theory lives as evidence comes."""
    policy.check(act=Act.EDIT_THEORY, project=assumption.project, member=actor)
    if assumption.kind != Kind.ASSUMPTION:
        raise HubError(_("Only an assumption has an evidence status."))
    if evidence not in EVIDENCE:
        raise HubError(_("Choose an evidence status from the list."))
    assumption.evidence = evidence
    assumption.save(update_fields=["evidence"])
    audit_record(
        partnership=assumption.project.partnership,
        actor=actor,
        action="hub.evidence_set",
        target=assumption,
    )
    return assumption


def element_remove(*, element: Element, actor: Member) -> None:
    """Takes a part out of the theory with its connections. An indicator with values keeps
    them: it stays."""
    project = element.project
    policy.check(act=Act.EDIT_THEORY, project=project, member=actor)
    if element.values.exists() or element.targets.exists():
        raise HubError(
            _("“%(label)s” has values or a target recorded, so it stays.")
            % {"label": element.label}
        )
    with transaction.atomic():
        audit_record(
            partnership=project.partnership,
            actor=actor,
            action="hub.element_remove",
            target=element,
        )
        element.delete()


def _theory_element(element: Element) -> TheoryElement:
    return TheoryElement(key=element.key, kind=Kind(element.kind), label=element.label)


def connection_add(
    *, project: Project, actor: Member, source: Element, target: Element
) -> Connection:
    """Joins two parts of the theory where the theory allows it (graph.CONNECTION_TYPES)."""
    policy.check(act=Act.EDIT_THEORY, project=project, member=actor)
    if source.project_id != project.pk or target.project_id != project.pk:
        raise HubError(_("Choose two parts of this project's theory."))
    problem = connection_problem(_theory_element(source), _theory_element(target))
    if problem:
        raise HubError(problem)
    with transaction.atomic():
        _lock(project)
        if Connection.objects.filter(source=source, target=target).exists():
            raise HubError(_("These two are already connected."))
        connection = Connection.objects.create(project=project, source=source, target=target)
        audit_record(
            partnership=project.partnership,
            actor=actor,
            action="hub.connection_add",
            target=connection,
        )
    return connection


def connection_remove(*, connection: Connection, actor: Member) -> None:
    project = connection.project
    policy.check(act=Act.EDIT_THEORY, project=project, member=actor)
    with transaction.atomic():
        audit_record(
            partnership=project.partnership,
            actor=actor,
            action="hub.connection_remove",
            target=connection,
        )
        connection.delete()


def theory_import(
    *, project: Project, actor: Member | None, elements: bytes, connections: bytes
) -> Imported:
    """A whole theory from Kumu's two CSV files, into a project whose theory is still empty
    (nothing is merged or replaced). All of it is saved, or nothing. ``actor`` is None from
    the command line, which acts for whoever runs the server."""
    if actor is not None:
        policy.check(act=Act.EDIT_THEORY, project=project, member=actor)
    try:
        imported = read_theory(elements=elements, connections=connections)
    except TheoryImportError as error:
        raise HubError(str(error)) from error
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if Element.objects.filter(project=locked).exists():
            raise HubError(
                _(
                    "This project already has a theory of change. Import into a project whose "
                    "theory is empty, so nothing is overwritten."
                )
            )
        rows = Element.objects.bulk_create(
            Element(
                project=locked,
                key=e.key,
                kind=e.kind,
                label=e.label,
                description=e.description,
                tags=list(e.tags),
                evidence=e.evidence or "",
            )
            for e in imported.theory.elements
        )
        by_key = {row.key: row for row in Element.objects.filter(project=locked)}
        assert len(by_key) == len(rows)
        Connection.objects.bulk_create(
            Connection(project=locked, source=by_key[c.source], target=by_key[c.target])
            for c in imported.theory.connections
        )
        audit_record(
            partnership=project.partnership, actor=actor, action="hub.theory_import", target=project
        )
    return imported


def theory_export_record(*, project: Project, actor: Member | None) -> None:
    """Notes that the theory was downloaded (who and when, never what)."""
    audit_record(
        partnership=project.partnership, actor=actor, action="hub.theory_export", target=project
    )


def _indicator(indicator: Element, actor: Member) -> None:
    policy.check(act=Act.RECORD_VALUES, project=indicator.project, member=actor)
    if indicator.kind != Kind.INDICATOR:
        raise HubError(_("Values and targets belong to indicators."))


def _amount(value: Decimal) -> Decimal:
    if not value.is_finite() or abs(value) >= VALUE_LIMIT:
        raise HubError(_("Give a number smaller than ten billion."))
    return value.quantize(Decimal("0.0001"))


def value_record(
    *,
    indicator: Element,
    actor: Member,
    value: Decimal,
    measured_on: date,
    is_baseline: bool = False,
    note: str = "",
) -> IndicatorValue:
    """A measurement of an indicator on a day; the first one may be its baseline. Values are
    never overwritten: a later measurement is a new row."""
    _indicator(indicator, actor)
    with transaction.atomic():
        _lock(indicator.project)
        if is_baseline and indicator.values.filter(is_baseline=True).exists():
            raise HubError(
                _("“%(label)s” already has a baseline. Record this as a new value instead.")
                % {"label": indicator.label}
            )
        recorded = IndicatorValue.objects.create(
            indicator=indicator,
            value=_amount(value),
            measured_on=measured_on,
            is_baseline=is_baseline,
            note=_words(note, limit=NOTE_MAX_LENGTH, what=_("the note"), required=False),
            recorded_by=actor,
        )
        audit_record(
            partnership=indicator.project.partnership,
            actor=actor,
            action="hub.value_record",
            target=recorded,
        )
    return recorded


def target_set(
    *, indicator: Element, actor: Member, value: Decimal, reason: str = ""
) -> IndicatorTarget:
    """A new target for an indicator. Changing one needs a reason, and the old target stays
    in its history with the reason it changed."""
    _indicator(indicator, actor)
    with transaction.atomic():
        _lock(indicator.project)
        current = indicator.targets.order_by("-set_at", "-pk").first()
        value = _amount(value)
        if current is not None and current.value == value:
            raise HubError(_("That is already the target."))
        reason = _words(
            reason,
            limit=NOTE_MAX_LENGTH,
            what=_("why the target changed"),
            required=current is not None,
        )
        target = IndicatorTarget.objects.create(
            indicator=indicator, value=value, reason=reason, set_by=actor
        )
        audit_record(
            partnership=indicator.project.partnership,
            actor=actor,
            action="hub.target_set",
            target=target,
        )
    return target


def document_add(*, project: Project, actor: Member, kind: str, title: str, text: str) -> Document:
    """An evaluation plan, a story of change, a mid-point review or an outcome report."""
    policy.check(act=Act.ADD_DOCUMENT, project=project, member=actor)
    if kind not in DocumentKind.values:
        raise HubError(_("Choose what kind of document this is."))
    with transaction.atomic():
        document = Document.objects.create(
            project=project,
            kind=kind,
            title=_words(title, limit=TITLE_MAX_LENGTH, what=_("a title")),
            text=_words(text, limit=DOCUMENT_MAX_LENGTH, what=_("the document")),
            added_by=actor,
        )
        audit_record(
            partnership=project.partnership, actor=actor, action="hub.document_add", target=document
        )
    return document


def gap_message(gap: Gap) -> str:
    """What a gate still needs, in words."""
    if gap.need == Need.BASELINES:
        return ngettext(
            "A baseline for every indicator: %(names)s has none yet.",
            "A baseline for every indicator: %(names)s have none yet.",
            len(gap.names),
        ) % {"names": ", ".join(f"“{name}”" for name in gap.names)}
    return str(NEEDS[gap.need])


NEEDS = {
    Need.THEORY: gettext_lazy(
        "A theory of change: at least one outcome, an activity that leads to it, and an "
        "assumption in between (the step before it rests on it, and it leads on to an outcome)."
    ),
    Need.EVALUATION_PLAN: gettext_lazy(
        "An evaluation plan, and at least one indicator to test an assumption."
    ),
    Need.STORIES: gettext_lazy("First stories of change."),
    Need.MIDPOINT_REVIEW: gettext_lazy("A mid-point review."),
    Need.OUTCOME_REPORT: gettext_lazy("An outcome report."),
}


def gate_pass(*, project: Project, actor: Member, months: int) -> GatePassage:
    """Passes the next gate of the journey, only when the project has everything it needs
    (village.engines.theory.journey); else refuses, naming each thing missing."""
    policy.check(act=Act.CLEAR_GATE, project=project, member=actor)
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        upcoming = selectors.next_gate(project=locked)
        if months != upcoming:
            raise HubError(
                _("The next gate is at %(months)s months. Gates are passed in order.")
                % {"months": upcoming}
            )
        gaps = missing(months=months, progress=selectors.progress_of(project=locked))
        if gaps:
            raise HubError(
                _("The %(months)s-month gate needs: %(needs)s")
                % {"months": months, "needs": " ".join(gap_message(gap) for gap in gaps)}
            )
        passage = GatePassage.objects.create(project=locked, months=months, passed_by=actor)
        locked.gate_reached = months
        locked.save(update_fields=["gate_reached"])
        project.gate_reached = months
        audit_record(
            partnership=project.partnership, actor=actor, action="hub.gate_pass", target=passage
        )
    return passage


# --- learning spaces (issue 13, item 5) ----------------------------------------------------

CIRCLE_DAYS_MAX = 60


def space_create(
    *, partnership: Partnership, actor: Member, topic: str, about: str = ""
) -> LearningSpace:
    """A space on a topic; whoever starts it is first on the rota and facilitates first."""
    if not policy.can_start_spaces(member=actor, partnership=partnership):
        raise HubError(_("Observers can read learning spaces but not start them."))
    with transaction.atomic():
        space = LearningSpace.objects.create(
            partnership=partnership,
            topic=_words(topic, limit=TOPIC_MAX_LENGTH, what=_("the topic")),
            about=_words(about, limit=ABOUT_MAX_LENGTH, what=_("what it is about"), required=False),
            started_by=actor,
            facilitator=actor,
        )
        RotaPlace.objects.create(space=space, member=actor, position=1)
        FacilitatorTurn.objects.create(space=space, member=actor)
        audit_record(partnership=partnership, actor=actor, action="hub.space_create", target=space)
    return space


def _lock_space(space: LearningSpace) -> LearningSpace:
    """The space's row, held until the transaction ends, so rota changes take turns."""
    return LearningSpace.objects.select_for_update().get(pk=space.pk)


def space_join(*, space: LearningSpace, actor: Member) -> RotaPlace:
    """A place at the end of the rota; with nobody facilitating, the joiner takes the role."""
    policy.space_check(act=SpaceAct.JOIN, space=space, member=actor)
    with transaction.atomic():
        locked = _lock_space(space)
        if locked.rota.filter(member=actor).exists():
            raise HubError(_("You are already on this space's rota."))
        last = locked.rota.aggregate(last=Max("position"))["last"] or 0
        place = RotaPlace.objects.create(space=locked, member=actor, position=last + 1)
        if locked.facilitator_id is None:
            _hand_to(locked, actor)
        audit_record(
            partnership=space.partnership, actor=actor, action="hub.space_join", target=space
        )
    space.refresh_from_db()
    return place


def _hand_to(space: LearningSpace, member: Member | None) -> None:
    space.facilitator = member
    space.save(update_fields=["facilitator"])
    FacilitatorTurn.objects.create(space=space, member=member)


def space_leave(*, space: LearningSpace, actor: Member) -> None:
    """Off the rota; someone facilitating hands the role to whoever is next first."""
    policy.space_check(act=SpaceAct.LEAVE, space=space, member=actor)
    with transaction.atomic():
        locked = _lock_space(space)
        if locked.facilitator_id == actor.pk:
            following = selectors.next_facilitator(space=locked)
            _hand_to(locked, following if following != actor else None)
        locked.rota.filter(member=actor).delete()
        audit_record(
            partnership=space.partnership, actor=actor, action="hub.space_leave", target=space
        )
    space.refresh_from_db()


def facilitator_pass_on(*, space: LearningSpace, actor: Member) -> Member:
    """The role goes to whoever is next on the rota, in turn."""
    policy.space_check(act=SpaceAct.PASS_ON, space=space, member=actor)
    with transaction.atomic():
        locked = _lock_space(space)
        following = selectors.next_facilitator(space=locked)
        if following is None or following.pk == locked.facilitator_id:
            raise HubError(_("Nobody else is on the rota yet, so the role stays where it is."))
        _hand_to(locked, following)
        audit_record(
            partnership=space.partnership,
            actor=actor,
            action="hub.facilitator_pass_on",
            target=space,
        )
    space.refresh_from_db()
    return following


def space_circle_start(
    *,
    space: LearningSpace,
    actor: Member,
    title: str,
    purpose: str,
    prompts: Sequence[str],
    days: int,
) -> SpaceCircle:
    """A circle for the space, made by the circles app and facilitated by the member whose
    turn it is; it opens now and closes after ``days``."""
    policy.space_check(act=SpaceAct.START_CIRCLE, space=space, member=actor)
    if not 1 <= days <= CIRCLE_DAYS_MAX:
        raise HubError(
            _("Keep the circle open for 1 to %(days)s days.") % {"days": CIRCLE_DAYS_MAX}
        )
    opens_at = timezone.now()
    with transaction.atomic():
        try:
            circle = circles.circle_create(
                partnership=space.partnership,
                created_by=actor,
                title=_words(title, limit=150, what=_("the circle's name")),
                purpose=_words(purpose, limit=1000, what=_("what the circle is for")),
                agreements=[],
                prompts=prompts,
                opens_at=opens_at,
                closes_at=opens_at + timedelta(days=days),
            )
        except UserError as error:
            raise HubError(str(error)) from error
        link = SpaceCircle.objects.create(space=space, circle=circle, facilitator=actor)
        audit_record(
            partnership=space.partnership,
            actor=actor,
            action="hub.space_circle_start",
            target=space,
        )
    return link


def lesson_add(
    *,
    project: Project,
    actor: Member,
    title: str,
    text: str,
    assumptions: Sequence[Element] = (),
    space: LearningSpace | None = None,
) -> Lesson:
    """What a project learned, for the shared library, linked to the assumptions of its own
    theory that it tested and, if chosen, shared in one of the partnership's spaces."""
    if not policy.can_share_lessons(member=actor, project=project):
        raise HubError(
            _("Only the project's leads, a facilitator or an admin can share its lessons.")
        )
    if any(a.project_id != project.pk or a.kind != Kind.ASSUMPTION.value for a in assumptions):
        raise HubError(_("Choose assumptions from this project's theory of change."))
    if space is not None and space.partnership_id != project.partnership_id:
        raise HubError(_("Choose a learning space from this partnership."))
    with transaction.atomic():
        lesson = Lesson.objects.create(
            project=project,
            space=space,
            title=_words(title, limit=TITLE_MAX_LENGTH, what=_("a title for the lesson")),
            text=_words(text, limit=LESSON_MAX_LENGTH, what=_("what was learned")),
            added_by=actor,
        )
        lesson.assumptions.set(assumptions)
        audit_record(
            partnership=project.partnership, actor=actor, action="hub.lesson_add", target=lesson
        )
    return lesson
