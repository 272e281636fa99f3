"""The audit log in plain words: each action code as a short sentence naming what it was done
to, never the code.

Targets are named by what people call them: a circle's or check-in's title, a member's name,
a team's name, an invitation's address, a glossary entry's term. Themes, actions and
reflections are never named (their words may come from what people wrote), so their
sentences say "a theme".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from village.engines.instruments import load_instruments
from village.people.models import AuditEvent

PHRASES = {
    "circle.create": gettext_lazy("Started the circle {target}"),
    "circle.phase.ended": gettext_lazy("Ended the circle {target}"),
    "circle.lead": gettext_lazy("Handed the lead of the circle {target} on"),
    "circle.guests.open": gettext_lazy("Opened the circle {target} to guests again"),
    "circle.guests.close": gettext_lazy("Closed the circle {target} to new guests"),
    "circle.pause.seen": gettext_lazy("Took the pause someone asked for in the circle {target}"),
    "theme.create": gettext_lazy("Made a theme in a circle"),
    "theme.delete": gettext_lazy("Removed a theme from a circle"),
    "theme.rename": gettext_lazy("Renamed a theme in a circle"),
    "reflections.group": gettext_lazy("Grouped reflections into a theme"),
    "reflections.group.undo": gettext_lazy("Undid the last grouping change in a circle"),
    "circle_template.save": gettext_lazy("Saved a circle template"),
    "circle_template.delete": gettext_lazy("Removed a circle template"),
    "action.create": gettext_lazy("Agreed an action in a circle"),
    "action.delete": gettext_lazy("Removed an action from a circle"),
    "pulse.round.schedule": gettext_lazy("Scheduled the check-in {target}"),
    "pulse.round.open": gettext_lazy("Opened the check-in {target}"),
    "pulse.round.close": gettext_lazy("Closed the check-in {target}"),
    "pulse.report.release": gettext_lazy("Made the report of the check-in {target}"),
    "pulse.retention.comments": gettext_lazy(
        "Deleted the comments of the check-in {target}, as the partnership keeps them no longer"
    ),
    "circle.retention": gettext_lazy(
        "Deleted the words written in the circle {target}, as the partnership keeps them no longer"
    ),
    "conversation.create": gettext_lazy("Started the conversation {target}"),
    "conversation.import": gettext_lazy(
        "Imported the conversation {target} from a Polis export, from the server's command line"
    ),
    "conversation.export": gettext_lazy(
        "Wrote out the statements and votes of the conversation {target} in Polis's format, "
        "from the server's command line"
    ),
    "conversation.update": gettext_lazy("Changed the settings of the conversation {target}"),
    "conversation.seeds": gettext_lazy("Added seed statements to the conversation {target}"),
    "conversation.close": gettext_lazy("Closed the conversation {target} early"),
    "conversation.moderators": gettext_lazy("Chose the co-moderators of the conversation {target}"),
    "conversation.links": gettext_lazy("Made links to join the conversation {target}"),
    "conversation.link.revoke": gettext_lazy("Stopped a link to the conversation {target}"),
    "conversation.in_person": gettext_lazy(
        "Added votes from a meeting to the conversation {target}, with the consent of those there"
    ),
    "conversation.action.create": gettext_lazy("Agreed an action in the conversation {target}"),
    "conversation.action.update": gettext_lazy(
        "Changed the progress of an action in the conversation {target}"
    ),
    "statement.accept": gettext_lazy("Accepted a statement in the conversation {target}"),
    "statement.reject": gettext_lazy("Did not accept a statement in the conversation {target}"),
    "statement.edit": gettext_lazy("Fixed the wording of a statement in the conversation {target}"),
    "statement.split": gettext_lazy("Split a statement in the conversation {target}"),
    "statement.reword": gettext_lazy("Reworded a statement in the conversation {target}"),
    "charter.load_default": gettext_lazy(
        "Started a draft of the charter {target} from Village's default"
    ),
    "charter.draft.start": gettext_lazy("Started a new draft of the charter {target}"),
    "charter.draft.edit": gettext_lazy("Changed the draft of the charter {target}"),
    "charter.publish": gettext_lazy("Published a new version of the charter {target}"),
    "charter.publish.lens": gettext_lazy(
        "Published a new version of the charter {target}, having read the language lens's "
        "suggestions"
    ),
    "charter.clause.conversation": gettext_lazy(
        "Opened a brave conversation from a clause of the charter {target}"
    ),
    "amendment.propose": gettext_lazy("Proposed an amendment to the charter {target}"),
    "amendment.comment": gettext_lazy("Commented on an amendment to the charter {target}"),
    "amendment.vote": gettext_lazy("Voted on an amendment to the charter {target}"),
    "amendment.withdraw": gettext_lazy("Withdrew an amendment to the charter {target}"),
    "representative.set": gettext_lazy("Named {target} a representative of their constituency"),
    "representative.remove": gettext_lazy("Stopped {target} being a representative"),
    "review.open": gettext_lazy("Opened the values review {target}"),
    "review.self_rate": gettext_lazy("Rated an agency against a value in the review {target}"),
    "review.not_rated": gettext_lazy("Said why a value was not rated in the review {target}"),
    "review.shortfall.add": gettext_lazy(
        "Added where the system falls short to the review {target}"
    ),
    "review.shortfall.remove": gettext_lazy("Removed a shortfall from the review {target}"),
    "review.action.add": gettext_lazy("Agreed an action in the review {target}"),
    "review.action.update": gettext_lazy(
        "Changed the progress of an action in the review {target}"
    ),
    "review.action.bring_in": gettext_lazy("Brought an action into the review {target}"),
    "review.ratings.close": gettext_lazy("Closed the ratings of the review {target}"),
    "review.close": gettext_lazy("Closed the review {target}"),
    "support_links.replace": gettext_lazy("Changed the support links"),
    "invitation.create": gettext_lazy("Invited {target}"),
    "invitation.accept": gettext_lazy("Accepted an invitation and joined"),
    "invitation.revoke": gettext_lazy("Withdrew the invitation to {target}"),
    "invitation.resend": gettext_lazy("Made a new invitation link for {target}"),
    "member.update": gettext_lazy("Changed the roles or details of {target}"),
    "member.place": gettext_lazy("Set the team or career stage of {target}"),
    "member.deactivate": gettext_lazy("Deactivated {target}"),
    "team.create": gettext_lazy("Made the team {target}"),
    "team.update": gettext_lazy("Changed the team {target}"),
    "glossary.add": gettext_lazy("Added {target} to the partnership's glossary"),
    "glossary.edit": gettext_lazy("Changed the words for {target} in the partnership's glossary"),
    "glossary.reset": gettext_lazy("Went back to Village's words for {target} in the glossary"),
    "glossary.off": gettext_lazy("Turned off {target} in the partnership's glossary"),
    "glossary.on": gettext_lazy("Turned on {target} in the partnership's glossary again"),
    "hub.project_create": gettext_lazy("Started the project {target}"),
    "hub.lead_add": gettext_lazy("Made {target} a lead of a project"),
    "hub.element_add": gettext_lazy("Added {target} to a theory of change"),
    "hub.element_update": gettext_lazy("Changed the words of {target} in a theory of change"),
    "hub.element_remove": gettext_lazy("Took {target} out of a theory of change"),
    "hub.evidence_set": gettext_lazy("Changed how well {target} is shown to hold"),
    "hub.connection_add": gettext_lazy("Joined two parts of a theory of change: {target}"),
    "hub.connection_remove": gettext_lazy("Took out a link in a theory of change: {target}"),
    "hub.theory_export": gettext_lazy("Saved the theory of change of {target} as files"),
    "hub.theory_import": gettext_lazy("Loaded a theory of change into {target} from files"),
    "hub.value_record": gettext_lazy("Recorded a value for {target}"),
    "hub.target_set": gettext_lazy("Set a new target for {target}"),
    "hub.indicator_source_set": gettext_lazy("Linked {target} to a figure Village reports"),
    "hub.indicator_source_clear": gettext_lazy("Unlinked {target} from a figure Village reports"),
    "hub.document_add": gettext_lazy("Added the document {target} to a project"),
    "hub.gate_pass": gettext_lazy("Passed a project's gate: {target}"),
    "hub.domain_add": gettext_lazy("Added the kind of change {target} to a project"),
    "hub.story_tell": gettext_lazy("Told the story of change {target}"),
    "hub.story_select": gettext_lazy("Chose a story of change as the most significant: {target}"),
    "hub.space_create": gettext_lazy("Started the learning space {target}"),
    "hub.space_join": gettext_lazy("Joined the learning space {target}"),
    "hub.space_leave": gettext_lazy("Left the learning space {target}"),
    "hub.facilitator_pass_on": gettext_lazy("Passed on the facilitator's role in {target}"),
    "hub.space_circle_start": gettext_lazy("Started a circle in the learning space {target}"),
    "hub.lesson_add": gettext_lazy("Added the lesson {target} to the library"),
    "hub.offer_set": gettext_lazy("Said what {target} offers and wants to learn in a pairing"),
    "hub.pairing_propose": gettext_lazy("Proposed a pairing: {target}"),
    "hub.pairing_confirm": gettext_lazy("Agreed to a pairing: {target}"),
    "hub.pairing_decline": gettext_lazy("Said no to a pairing: {target}"),
    "hub.pairing_goals": gettext_lazy("Set the goals of a pairing: {target}"),
    "hub.pairing_entry": gettext_lazy("Wrote a note or check-in in a pairing: {target}"),
    "hub.pairing_extend": gettext_lazy("Extended a pairing: {target}"),
    "hub.pairing_complete": gettext_lazy("Closed a pairing: {target}"),
    "hub.pairing_feedback": gettext_lazy("Gave feedback on a pairing: {target}"),
    "hub.legacy_add": gettext_lazy("Added to the legacy log: {target}"),
    "hub.leaving_set": gettext_lazy("Recorded a leaving date: {target}"),
    "hub.carrier_set": gettext_lazy("Chose who carries a piece of work on: {target}"),
}
# Codes with a part that varies: the circle's step, the instrument's id.
STEPS = {
    "reflect": gettext_lazy("reflecting"),
    "group": gettext_lazy("grouping into themes"),
    "vote": gettext_lazy("voting"),
    "act": gettext_lazy("agreeing actions"),
    "close": gettext_lazy("checking out"),
}
PHASE_PREFIX = "circle.phase."
LICENCE_PREFIX = "pulse.licence.confirm."
# Where each kind of target's name is kept: (app, model, field, quoted).
NAMES = {
    "Circle": ("circles", "Circle", "title", True),
    "Round": ("pulse", "Round", "title", True),
    "Conversation": ("conversations", "Conversation", "question", True),
    "Charter": ("reviews", "Charter", "title", True),
    "Review": ("reviews", "Review", "quarter", True),
    "Team": ("people", "Team", "name", True),
    "Member": ("people", "Member", "display_name", False),
    "Invitation": ("people", "Invitation", "email", False),
    "GlossaryEntry": ("language", "GlossaryEntry", "term", True),
}


def describe(*, action: str, target: str = "") -> str:
    """One sentence for an audit action code, with the target's name in it."""
    if action in PHRASES:
        return str(PHRASES[action]).format(target=target)
    if action.startswith(PHASE_PREFIX) and action.removeprefix(PHASE_PREFIX) in STEPS:
        return _("Moved the circle %(target)s on to %(step)s") % {
            "target": target,
            "step": STEPS[action.removeprefix(PHASE_PREFIX)],
        }
    if action.startswith(LICENCE_PREFIX):
        instrument = load_instruments().get(action.removeprefix(LICENCE_PREFIX))
        if instrument is not None:
            return _("Confirmed the partnership's licence for %(name)s") % {
                "name": instrument.short_name
            }
    return _("Made a change")


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    who: str
    what: str


def _names(events: Iterable[AuditEvent]) -> dict[tuple[str, str], str]:
    """Every target's name, read once per kind of target."""
    wanted: dict[str, set[str]] = {}
    for event in events:
        if event.target_type in NAMES and event.target_id.isdigit():
            wanted.setdefault(event.target_type, set()).add(event.target_id)
    names = {}
    for kind, ids in wanted.items():
        app, model, field, quoted = NAMES[kind]
        rows = apps.get_model(app, model).objects.filter(pk__in=ids).values_list("pk", field)
        for pk, name in rows:
            names[(kind, str(pk))] = f"“{name}”" if quoted else str(name)
    return names


def entries(events: Iterable[AuditEvent]) -> list[AuditEntry]:
    events = list(events)
    names = _names(events)
    return [
        AuditEntry(
            at=event.at,
            who=event.actor.display_name if event.actor else _("Village, automatically"),
            what=describe(
                action=event.action,
                target=names.get((event.target_type, event.target_id), _("(since removed)")),
            ),
        )
        for event in events
    ]
