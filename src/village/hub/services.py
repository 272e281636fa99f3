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

from village.anonymity import shuffled
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
from village.hub.matching import Problem, problem
from village.hub.models import (
    ABOUT_MAX_LENGTH,
    DOCUMENT_MAX_LENGTH,
    DOMAIN_MAX_LENGTH,
    ENTRY_MAX_LENGTH,
    LEGACY_MAX_LENGTH,
    LESSON_MAX_LENGTH,
    MAX_PAIRINGS,
    NOTE_MAX_LENGTH,
    OFFER_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SOURCE_LABEL_MAX_LENGTH,
    STORY_TEXT_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    TOPIC_MAX_LENGTH,
    Connection,
    Document,
    DocumentKind,
    Domain,
    Element,
    EntryKind,
    FacilitatorTurn,
    GatePassage,
    Handover,
    HandoverItem,
    HandoverKind,
    IndicatorSource,
    IndicatorTarget,
    IndicatorValue,
    LearningSpace,
    LegacyEntry,
    Lesson,
    Pairing,
    PairingEntry,
    PairingOffer,
    PairingPlace,
    PairingSide,
    PairingState,
    Project,
    ProjectKind,
    RotaPlace,
    Selection,
    SourceKind,
    SpaceCircle,
    Story,
)
from village.hub.policy import Act, HubError, PairingAct, SpaceAct, StoryAct
from village.people.models import Agency, CareerStage, Constituency, Member, Partnership, Role
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


# --- Good ancestors: pairings, the legacy log and handovers ------------------------------

_PROBLEMS = {
    Problem.SIZE: gettext_lazy(
        "A pairing has two people, or three with a lived-experience partner."
    ),
    Problem.SAME_PERSON: gettext_lazy("Choose different people."),
    Problem.SIDES: gettext_lazy(
        "A pairing joins someone new to the work with someone established or nearing "
        "retirement, and, if you wish, a partner with lived experience."
    ),
    Problem.SAME_TEAM: gettext_lazy(
        "Pairings join people from different teams. Choose someone from another team."
    ),
    Problem.FULL: gettext_lazy(
        "Someone here already has as many pairings as they said they would carry."
    ),
}


def side_of(member: Member) -> str:
    """Which part a member takes in a pairing: from their career stage, or as a partner with
    lived experience."""
    if member.career_stage == CareerStage.NEW:
        return PairingSide.NEW
    if member.career_stage in (CareerStage.ESTABLISHED, CareerStage.NEARING_RETIREMENT):
        return PairingSide.EXPERIENCED
    if member.has_role(Role.FAMILY) or member.constituency == Constituency.FAMILY:
        return PairingSide.LIVED
    raise HubError(
        _("Ask an admin to add your career stage, so Village knows who you might be paired with.")
    )


def offer_set(
    *, member: Member, offers: str, wants_to_learn: str, limit: int, is_open: bool = True
) -> PairingOffer:
    """Opts a member in to pairings (or changes what they said): what they offer, what they
    want to learn, the most pairings they will carry. The limit never drops below the
    pairings they already carry."""
    if not policy.takes_part(member=member, partnership=member.partnership):
        raise HubError(_("Observers can read the hub but not join pairings."))
    if not 1 <= limit <= MAX_PAIRINGS:
        raise HubError(_("Choose from 1 to %(most)s pairings.") % {"most": MAX_PAIRINGS})
    side = side_of(member)
    with transaction.atomic():
        # Held while the limit is checked, as pairing_propose holds it while it counts.
        PairingOffer.objects.select_for_update().filter(member=member).first()
        current = selectors.carrying(member=member)
        if limit < current:
            raise HubError(
                _("You are in %(count)s pairings now, so your limit can't be lower than that.")
                % {"count": current}
            )
        offer, _created = PairingOffer.objects.update_or_create(
            member=member,
            defaults={
                "side": side,
                "offers": _words(offers, limit=OFFER_MAX_LENGTH, what=_("what you offer")),
                "wants_to_learn": _words(
                    wants_to_learn, limit=OFFER_MAX_LENGTH, what=_("what you want to learn")
                ),
                "limit": limit,
                "is_open": is_open,
            },
        )
        audit_record(
            partnership=member.partnership, actor=member, action="hub.offer_set", target=offer
        )
    return offer


def pairing_propose(
    *, actor: Member, partners: Sequence[Member], goals: str, ends_on: date
) -> Pairing:
    """Proposes a pairing (or triad) of the actor and the people they chose from the
    suggestions. The matching rules (village.hub.matching) decide whether it may be; it
    starts when everyone has agreed. The proposer agrees by proposing."""
    partnership = actor.partnership
    if ends_on <= timezone.localdate():
        raise HubError(_("Choose an end date after today."))
    goals = _words(goals, limit=ENTRY_MAX_LENGTH, what=_("the goals"))
    people = [actor, *partners]
    if any(not policy.is_member_of(person, partnership.pk) for person in people):
        raise HubError(_("Choose people from this partnership."))
    if len({person.pk for person in people}) != len(people):
        raise HubError(str(_PROBLEMS[Problem.SAME_PERSON]))
    with transaction.atomic():
        offers = list(
            PairingOffer.objects.select_for_update()
            .filter(member__in=people, is_open=True)
            .select_related("member")
        )
        if len(offers) != len(people):
            raise HubError(_("Everyone in a pairing must have joined pairings first."))
        found = problem([selectors.candidate_of(offer=offer) for offer in offers])
        if found is not None:
            raise HubError(str(_PROBLEMS[found]))
        pairing = Pairing.objects.create(
            partnership=partnership, goals=goals, ends_on=ends_on, proposed_by=actor
        )
        PairingPlace.objects.bulk_create(
            PairingPlace(
                pairing=pairing,
                member=offer.member,
                side=offer.side,
                confirmed=offer.member_id == actor.pk,
            )
            for offer in offers
        )
        audit_record(
            partnership=partnership, actor=actor, action="hub.pairing_propose", target=pairing
        )
    return pairing


def _place(pairing: Pairing, actor: Member) -> PairingPlace:
    return PairingPlace.objects.select_for_update().get(pairing=pairing, member=actor)


def pairing_confirm(*, pairing: Pairing, actor: Member) -> Pairing:
    """The actor agrees to the pairing; it starts when the last person agrees."""
    policy.pairing_check(act=PairingAct.CONFIRM, pairing=pairing, member=actor)
    with transaction.atomic():
        place = _place(pairing, actor)
        if place.confirmed:
            raise HubError(_("You have already agreed to this pairing."))
        place.confirmed = True
        place.save(update_fields=["confirmed"])
        if not pairing.places.filter(confirmed=False).exists():
            pairing.state = PairingState.ACTIVE
            pairing.save(update_fields=["state"])
        audit_record(
            partnership=pairing.partnership,
            actor=actor,
            action="hub.pairing_confirm",
            target=pairing,
        )
    return pairing


def pairing_decline(*, pairing: Pairing, actor: Member) -> Pairing:
    """Anyone in a proposed pairing says no (the proposer withdraws it): it does not go
    ahead, and nobody's place is held by it any more."""
    policy.pairing_check(act=PairingAct.DECLINE, pairing=pairing, member=actor)
    with transaction.atomic():
        pairing.state = PairingState.DECLINED
        pairing.save(update_fields=["state"])
        audit_record(
            partnership=pairing.partnership,
            actor=actor,
            action="hub.pairing_decline",
            target=pairing,
        )
    return pairing


def pairing_goals_set(*, pairing: Pairing, actor: Member, goals: str) -> Pairing:
    policy.pairing_check(act=PairingAct.SET_GOALS, pairing=pairing, member=actor)
    pairing.goals = _words(goals, limit=ENTRY_MAX_LENGTH, what=_("the goals"))
    with transaction.atomic():
        pairing.save(update_fields=["goals"])
        audit_record(
            partnership=pairing.partnership, actor=actor, action="hub.pairing_goals", target=pairing
        )
    return pairing


def pairing_entry_add(*, pairing: Pairing, actor: Member, kind: str, text: str) -> PairingEntry:
    """A note or a check-in, read only by the people in the pairing."""
    policy.pairing_check(act=PairingAct.WRITE, pairing=pairing, member=actor)
    if kind not in EntryKind.values:
        raise HubError(_("Choose a note or a check-in."))
    with transaction.atomic():
        entry = PairingEntry.objects.create(
            pairing=pairing,
            kind=kind,
            text=_words(text, limit=ENTRY_MAX_LENGTH, what=_("the note")),
            author=actor,
        )
        audit_record(
            partnership=pairing.partnership, actor=actor, action="hub.pairing_entry", target=entry
        )
    return entry


def pairing_extend(*, pairing: Pairing, actor: Member, ends_on: date) -> Pairing:
    """A later end date for a pairing under way."""
    policy.pairing_check(act=PairingAct.EXTEND, pairing=pairing, member=actor)
    if ends_on <= pairing.ends_on:
        raise HubError(
            _("Choose a date after %(date)s, when the pairing ends now.")
            % {"date": pairing.ends_on.isoformat()}
        )
    with transaction.atomic():
        pairing.ends_on = ends_on
        pairing.save(update_fields=["ends_on"])
        audit_record(
            partnership=pairing.partnership,
            actor=actor,
            action="hub.pairing_extend",
            target=pairing,
        )
    return pairing


def _feedback(pairing: Pairing, actor: Member, feedback: str) -> None:
    place = _place(pairing, actor)
    if place.feedback_at is not None:
        raise HubError(_("You have already given your feedback on this pairing."))
    place.feedback = _words(feedback, limit=ENTRY_MAX_LENGTH, what=_("your feedback"))
    place.feedback_at = timezone.now()
    place.save(update_fields=["feedback", "feedback_at"])


def pairing_complete(*, pairing: Pairing, actor: Member, feedback: str) -> Pairing:
    """Closes a pairing, on its end date or early, with the actor's feedback; the others
    then give theirs."""
    policy.pairing_check(act=PairingAct.COMPLETE, pairing=pairing, member=actor)
    with transaction.atomic():
        _feedback(pairing, actor, feedback)
        pairing.state = PairingState.CLOSED
        pairing.closed_on = timezone.localdate()
        pairing.save(update_fields=["state", "closed_on"])
        audit_record(
            partnership=pairing.partnership,
            actor=actor,
            action="hub.pairing_complete",
            target=pairing,
        )
    return pairing


def pairing_feedback(*, pairing: Pairing, actor: Member, feedback: str) -> PairingPlace:
    """One person's feedback on a closed pairing, once."""
    policy.pairing_check(act=PairingAct.FEEDBACK, pairing=pairing, member=actor)
    with transaction.atomic():
        _feedback(pairing, actor, feedback)
        audit_record(
            partnership=pairing.partnership,
            actor=actor,
            action="hub.pairing_feedback",
            target=pairing,
        )
    return _place(pairing, actor)


def legacy_add(*, actor: Member, value_key: str, title: str, text: str) -> LegacyEntry:
    """Practice wisdom for those who come after, linked to a value of the published
    charter."""
    partnership = actor.partnership
    if not policy.takes_part(member=actor, partnership=partnership):
        raise HubError(_("Observers can read the legacy log but not write in it."))
    values = {value.key: value for value in selectors.charter_values(partnership=partnership)}
    if value_key not in values:
        raise HubError(_("Choose a value from the partnership's charter."))
    with transaction.atomic():
        entry = LegacyEntry.objects.create(
            partnership=partnership,
            author=actor,
            value_key=value_key,
            value_name=values[value_key].name,
            title=_words(title, limit=TITLE_MAX_LENGTH, what=_("a title")),
            text=_words(text, limit=LEGACY_MAX_LENGTH, what=_("what you learned")),
        )
        audit_record(partnership=partnership, actor=actor, action="hub.legacy_add", target=entry)
    return entry


def leaving_set(*, member: Member, leaving_on: date) -> Handover:
    """Records the day a member leaves and invites them to a handover: each of their legacy
    entries and open actions, to be given to someone to carry. Setting it again changes the
    date and adds anything new; carriers already chosen stay."""
    if not policy.is_member_of(member, member.partnership_id):
        raise HubError(_("This is not open to you."))
    if leaving_on < timezone.localdate():
        raise HubError(_("Choose today or a day to come."))
    with transaction.atomic():
        handover, _created = Handover.objects.update_or_create(
            member=member, defaults={"leaving_on": leaving_on}
        )
        found = [
            (HandoverKind.LEGACY, entry.pk, entry.title)
            for entry in selectors.legacy_of(partnership=member.partnership).filter(author=member)
        ]
        found += [
            (HandoverKind.REVIEW_ACTION, action.pk, action.text[:500])
            for action in selectors.open_actions_of(member=member)
        ]
        for kind, item_id, text in found:
            HandoverItem.objects.get_or_create(
                handover=handover, kind=kind, item_id=item_id, defaults={"text": text}
            )
        audit_record(
            partnership=member.partnership, actor=member, action="hub.leaving_set", target=handover
        )
    return handover


def carrier_set(*, item: HandoverItem, actor: Member, carrier: Member) -> HandoverItem:
    """Who will carry one thing a leaver leaves: another active member of the partnership."""
    handover = item.handover
    if not policy.may_hand_on(member=actor, handover=handover):
        raise HubError(_("Only the person leaving, or an admin, can choose who carries this."))
    if carrier.pk == handover.member_id or not policy.is_member_of(
        carrier, handover.member.partnership_id
    ):
        raise HubError(_("Choose someone else in this partnership who is staying."))
    with transaction.atomic():
        item.carrier = carrier
        item.save(update_fields=["carrier"])
        audit_record(
            partnership=handover.member.partnership,
            actor=actor,
            action="hub.carrier_set",
            target=item,
        )
    return item


# --- stories of change -------------------------------------------------------------------


def domain_add(*, project: Project, actor: Member, name: str) -> Domain:
    """A domain of change of the project's own. The first one keeps the default domains
    beside it, so stories already told in them stay in a domain the project has."""
    policy.story_check(act=StoryAct.NAME_DOMAINS, member=actor, project=project)
    name = " ".join(_words(name, limit=DOMAIN_MAX_LENGTH, what=_("the domain's name")).split())
    with transaction.atomic():
        _lock(project)
        if not Domain.objects.filter(project=project).exists():
            Domain.objects.bulk_create(
                Domain(project=project, name=str(default)) for default in policy.DEFAULT_DOMAINS
            )
        if Domain.objects.filter(project=project, name__iexact=name).exists():
            raise HubError(_("The project already has that domain."))
        domain = Domain.objects.create(project=project, name=name)
        audit_record(
            partnership=project.partnership, actor=actor, action="hub.domain_add", target=domain
        )
    return domain


def story_tell(
    *,
    project: Project,
    actor: Member,
    domain: str,
    title: str,
    text: str,
    why_significant: str = "",
    anonymous: bool,
) -> Story:
    """A story of the most significant change the teller saw, in one of the project's
    domains. Told anonymously, the row holds no person, no precise time and a random key,
    and it is written in a transaction of its own with no audit row (nothing that names
    the teller is written with it)."""
    policy.story_check(act=StoryAct.TELL, member=actor, project=project)
    if domain not in selectors.domains_of(project=project):
        raise HubError(_("Choose one of the project's domains of change."))
    story = Story(
        project=project,
        domain=domain,
        title=_words(title, limit=TITLE_MAX_LENGTH, what=_("a title")),
        text=_words(text, limit=STORY_TEXT_MAX_LENGTH, what=_("the story")),
        why_significant=_words(
            why_significant,
            limit=STORY_TEXT_MAX_LENGTH,
            what=_("why it matters"),
            required=False,
        ),
        told_by=None if anonymous else actor,
        told_on=timezone.localdate(),
    )
    with transaction.atomic():
        story.save(force_insert=True)
        if anonymous:
            _anonymous_stories_reshuffle(project)
        else:
            audit_record(
                partnership=project.partnership, actor=actor, action="hub.story_tell", target=story
            )
    return story


def _anonymous_stories_reshuffle(project: Project) -> None:
    """Write the project's anonymous stories not yet selected again, in random order, with
    the new one: where a row sits (rowid, ctid) and which transaction wrote it (xmin) then
    say nothing about the order they were told in, as circles reseal their reflections.
    Their keys stay (they are random), so nothing that points at one breaks; selected
    stories are left where they are, since a selection row points at them."""
    rows = list(Story.objects.filter(project=project, told_by=None, selection__isnull=True))
    Story.objects.filter(pk__in=[row.pk for row in rows]).delete()
    Story.objects.bulk_create(shuffled(rows))


def story_select(*, story: Story, actor: Member, reason: str) -> Selection:
    """The panel picks a story as most significant and says why: the reason is required."""
    project = story.project
    policy.story_check(act=StoryAct.SELECT, member=actor, project=project)
    reason = _words(reason, limit=REASON_MAX_LENGTH, what=_("why the panel chose this story"))
    with transaction.atomic():
        _lock(project)
        if Selection.objects.filter(story=story).exists():
            raise HubError(_("The panel has already selected this story."))
        selection = Selection.objects.create(story=story, reason=reason, selected_by=actor)
        audit_record(
            partnership=project.partnership,
            actor=actor,
            action="hub.story_select",
            target=selection,
        )
    return selection


# --- evidence from Village ---------------------------------------------------------------


def indicator_source_set(
    *, indicator: Element, actor: Member, kind: str, key: str
) -> IndicatorSource:
    """Makes an indicator read its value live from a figure Village has released to the
    whole partnership. Only a figure released now can be chosen."""
    _indicator(indicator, actor)
    if kind not in SourceKind.values:
        raise HubError(_("Choose a figure from the list."))
    figure = selectors.released_figure(
        partnership=indicator.project.partnership, kind=kind, key=key
    )
    if figure is None:
        raise HubError(_("That figure is not released to the partnership. Choose one listed."))
    with transaction.atomic():
        source, _created = IndicatorSource.objects.update_or_create(
            indicator=indicator,
            defaults={
                "kind": kind,
                "key": key,
                "label": figure.label[:SOURCE_LABEL_MAX_LENGTH],
                "set_by": actor,
            },
        )
        audit_record(
            partnership=indicator.project.partnership,
            actor=actor,
            action="hub.indicator_source_set",
            target=source,
        )
    return source


def indicator_source_clear(*, indicator: Element, actor: Member) -> None:
    """The indicator stops reading from Village; values recorded by hand stay."""
    _indicator(indicator, actor)
    with transaction.atomic():
        IndicatorSource.objects.filter(indicator=indicator).delete()
        audit_record(
            partnership=indicator.project.partnership,
            actor=actor,
            action="hub.indicator_source_clear",
            target=indicator,
        )


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
            _hand_to(locked, actor, actor)
        audit_record(
            partnership=space.partnership, actor=actor, action="hub.space_join", target=space
        )
    space.refresh_from_db()
    return place


def _hand_to(space: LearningSpace, member: Member | None, actor: Member) -> None:
    """The role, and with it the lead of the space's open circles: whoever facilitates the
    space now runs its circle, as the one whose turn it was started it."""
    space.facilitator = member
    space.save(update_fields=["facilitator"])
    FacilitatorTurn.objects.create(space=space, member=member)
    open_circles = [link.circle for link in selectors.circles_of(space=space)]
    try:
        circles.circles_lead_hand_on(circles=open_circles, led_by=member, actor=actor)
    except UserError as error:
        raise HubError(str(error)) from error


def space_leave(*, space: LearningSpace, actor: Member) -> None:
    """Off the rota; someone facilitating hands the role to whoever is next first."""
    policy.space_check(act=SpaceAct.LEAVE, space=space, member=actor)
    with transaction.atomic():
        locked = _lock_space(space)
        if locked.facilitator_id == actor.pk:
            following = selectors.next_facilitator(space=locked)
            _hand_to(locked, following if following != actor else None, actor)
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
        _hand_to(locked, following, actor)
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
    """A circle for the space, made by the circles app and led by the member whose turn it
    is: the space's policy has just said so, and the circles app trusts that to let them
    facilitate this circle without the facilitator role. It opens now and closes after
    ``days``."""
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
                led_by=actor,
            )
        except UserError as error:
            raise HubError(str(error)) from error
        link = SpaceCircle.objects.create(space=space, circle=circle)
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
