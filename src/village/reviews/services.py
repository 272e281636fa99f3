"""Every write to the charter, amendments and reviews. Views call these; nothing else writes
reviews rows. Each checks the policy (village.reviews.policy) before it writes.

Panel ratings are anonymous: ``panel_rate`` seals a member's ratings into the mix, and its
transaction writes that pending row alone (no audit row, no person). ``panel_release``
moves a shuffled batch into the ratings table. Nothing that names a person is written in a
transaction that writes a panel rating: audit rows for closing ratings are written before
the release, in their own transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from village.anonymity import release_size, seal, shuffled, unseal
from village.circles import selectors as circle_selectors
from village.conversations import selectors as conversation_selectors
from village.conversations import services as conversation_services
from village.errors import UserError
from village.people.models import Agency, Member, Partnership
from village.people.services import audit_record
from village.reviews import policy, selectors
from village.reviews.default_charter import default_charter
from village.reviews.keys import panel_marker
from village.reviews.models import (
    ACTION_MAX_LENGTH,
    CLAUSE_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    EVIDENCE_MAX_LENGTH,
    LINE_MAX_LENGTH,
    MILESTONE_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PREAMBLE_MAX_LENGTH,
    VALUE_TEXT_MAX_LENGTH,
    Action,
    ActionStatus,
    Amendment,
    AmendmentComment,
    AmendmentState,
    AmendmentVote,
    Barrier,
    Charter,
    CharterVersion,
    Clause,
    ClauseConversation,
    ClauseKind,
    Foundation,
    Milestone,
    NotRated,
    Panel,
    PanelRater,
    PanelRating,
    Party,
    PendingPanelRating,
    Representative,
    Represents,
    Review,
    ReviewState,
    Scale,
    SelfRating,
    Shortfall,
    Source,
    Value,
    VersionState,
)
from village.reviews.policy import Act, ReviewError

MAX_ITEMS = 20
MAX_LINKS = 10
LINK_MAX_LENGTH = 500
MAX_MILESTONES = 20
# A conversation action's progress as a review action's.
CONVERSATION_STATUS = {
    "planned": ActionStatus.OPEN,
    "under_way": ActionStatus.IN_PROGRESS,
    "done": ActionStatus.DONE,
}
# The representatives who may say why a panel did not rate: each panel's own constituency.
PANEL_REPRESENTED_BY = {Panel.FAMILY: Represents.FAMILY, Panel.FRONTLINE: Represents.FRONTLINE}


class ReviewNotReady(ReviewError):
    """A review that cannot close yet: ``missing`` lists each agency or panel and value
    with no rating and no reason recorded."""

    def __init__(self, message: str, missing: Sequence[selectors.Missing]) -> None:
        super().__init__(message)
        self.missing = list(missing)


# Words


def _too_long(limit: int, count: int) -> ReviewError:
    return ReviewError(
        _("Please keep it to %(max)s characters. This has %(count)s.")
        % {"max": f"{limit:,}", "count": f"{count:,}"}
    )


def _line(text: str, *, limit: int, missing: str) -> str:
    """One line of words: spaces tidied, not empty, not too long."""
    cleaned = " ".join(text.replace("\x00", "").split())
    if not cleaned:
        raise ReviewError(missing)
    if len(cleaned) > limit:
        raise _too_long(limit, len(cleaned))
    return cleaned


def _text(text: str, *, limit: int, missing: str = "") -> str:
    """Paragraphs: each line's spaces tidied, blank lines kept between paragraphs. Empty is
    allowed only when ``missing`` is empty."""
    lines = [" ".join(line.split()) for line in text.replace("\x00", "").splitlines()]
    cleaned = "\n".join(lines).strip()
    while "\n\n\n" in cleaned:
        cleaned = cleaned.replace("\n\n\n", "\n\n")
    if not cleaned and missing:
        raise ReviewError(missing)
    if len(cleaned) > limit:
        raise _too_long(limit, len(cleaned))
    return cleaned


def _items(values: Sequence[str], *, what: str) -> list[str]:
    """Principles or assumptions: one a line, each once, at most ``MAX_ITEMS``."""
    found: list[str] = []
    for value in values:
        cleaned = " ".join(value.replace("\x00", "").split())
        if cleaned and cleaned.casefold() not in {f.casefold() for f in found}:
            if len(cleaned) > LINE_MAX_LENGTH:
                raise _too_long(LINE_MAX_LENGTH, len(cleaned))
            found.append(cleaned)
    if len(found) > MAX_ITEMS:
        raise ReviewError(_("Write at most %(max)s %(what)s.") % {"max": MAX_ITEMS, "what": what})
    return found


def _choices(values: Sequence[str], *, allowed: Sequence[str], error: str) -> list[str]:
    """A set of choices in their usual order; anything else is refused."""
    chosen = set(values)
    if chosen - set(allowed):
        raise ReviewError(error)
    return [value for value in allowed if value in chosen]


def _parties(parties: Sequence[str]) -> list[str]:
    found = _choices(
        parties,
        allowed=Party.values,
        error=_(
            "Choose who it is for: families, practitioners, agencies, or leaders and commissioners."
        ),
    )
    if not found:
        raise ReviewError(_("Choose at least one party that this is for."))
    return found


def _links(links: Sequence[str]) -> list[str]:
    """Web addresses (https:// or http://) or addresses in Village (starting with one /)."""
    found: list[str] = []
    for link in links:
        cleaned = link.replace("\x00", "").strip()
        if not cleaned or cleaned in found:
            continue
        safe = cleaned.startswith(("https://", "http://")) or (
            cleaned.startswith("/") and not cleaned.startswith("//")
        )
        if not safe or any(char.isspace() for char in cleaned):
            raise ReviewError(
                _(
                    "Links must be web addresses starting with https:// or addresses in "
                    "Village starting with /."
                )
            )
        if len(cleaned) > LINK_MAX_LENGTH:
            raise _too_long(LINK_MAX_LENGTH, len(cleaned))
        found.append(cleaned)
    if len(found) > MAX_LINKS:
        raise ReviewError(_("Add at most %(max)s links.") % {"max": MAX_LINKS})
    return found


def _score(score: int | str) -> int:
    try:
        number = int(score)
    except (TypeError, ValueError):
        number = 0
    if number not in Scale.values:
        raise ReviewError(_("Choose a rating from excellent to unsatisfactory."))
    return number


# The charter


@dataclass(frozen=True)
class ValueText:
    """A value's words, as a page or the default charter gives them."""

    name: str
    description: str
    plain: str
    principles: Sequence[str] = ()
    assumptions: Sequence[str] = ()
    foundations: Sequence[str] = ()


def _value_fields(text: ValueText) -> dict[str, Any]:
    return {
        "name": _line(text.name, limit=NAME_MAX_LENGTH, missing=_("Give the value a name.")),
        "description": _text(
            text.description,
            limit=VALUE_TEXT_MAX_LENGTH,
            missing=_("Describe the value."),
        ),
        "plain": _text(
            text.plain,
            limit=VALUE_TEXT_MAX_LENGTH,
            missing=_("Say what the value means in plain words."),
        ),
        "principles": _items(text.principles, what=_("principles")),
        "assumptions": _items(text.assumptions, what=_("assumptions")),
        "foundations": _choices(
            text.foundations,
            allowed=Foundation.values,
            error=_("Choose from the five foundations of the Promise."),
        ),
    }


def _charter_audit(version: CharterVersion, actor: Member | None, action: str) -> None:
    charter = version.charter
    audit_record(partnership=charter.partnership, actor=actor, action=action, target=charter)


def _edit(version: CharterVersion, actor: Member) -> None:
    policy.check(act=Act.EDIT_DRAFT, target=version, member=actor)


def _free_key(taken: set[str], wanted: str) -> str:
    base = slugify(wanted)[:50] or "value"
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def _next_position(rows: Any) -> int:
    return (rows.aggregate(top=Max("position"))["top"] or 0) + 1


def value_add(*, version: CharterVersion, actor: Member, text: ValueText) -> Value:
    _edit(version, actor)
    fields = _value_fields(text)
    with transaction.atomic():
        values = Value.objects.filter(version=version)
        taken = set(values.values_list("key", flat=True))
        value = Value.objects.create(
            version=version,
            key=_free_key(taken, fields["name"]),
            position=_next_position(values),
            **fields,
        )
        _charter_audit(version, actor, "charter.draft.edit")
    return value


def value_update(*, value: Value, actor: Member, text: ValueText) -> Value:
    """New words for a value; its key stays, so it is still the same value in reviews."""
    _edit(value.version, actor)
    for name, cleaned in _value_fields(text).items():
        setattr(value, name, cleaned)
    with transaction.atomic():
        value.save()
        _charter_audit(value.version, actor, "charter.draft.edit")
    return value


def value_remove(*, value: Value, actor: Member) -> None:
    _edit(value.version, actor)
    with transaction.atomic():
        value.delete()
        _charter_audit(value.version, actor, "charter.draft.edit")


def clause_add(
    *, value: Value, actor: Member, kind: str, parties: Sequence[str], text: str
) -> Clause:
    """A right or a responsibility of a value, for one or more parties."""
    _edit(value.version, actor)
    if kind not in ClauseKind.values:
        raise ReviewError(_("Choose a right or a responsibility."))
    cleaned = _line(text, limit=CLAUSE_MAX_LENGTH, missing=_("Write the words of the clause."))
    chosen = _parties(parties)
    with transaction.atomic():
        clauses = Clause.objects.filter(value=value)
        clause = Clause.objects.create(
            value=value,
            key=f"{kind}-{secrets.token_hex(4)}",
            kind=kind,
            parties=chosen,
            text=cleaned,
            position=_next_position(clauses),
        )
        _charter_audit(value.version, actor, "charter.draft.edit")
    return clause


def clause_update(*, clause: Clause, actor: Member, parties: Sequence[str], text: str) -> Clause:
    _edit(clause.value.version, actor)
    clause.text = _line(text, limit=CLAUSE_MAX_LENGTH, missing=_("Write the words of the clause."))
    clause.parties = _parties(parties)
    with transaction.atomic():
        clause.save(update_fields=["text", "parties"])
        _charter_audit(clause.value.version, actor, "charter.draft.edit")
    return clause


def clause_remove(*, clause: Clause, actor: Member) -> None:
    _edit(clause.value.version, actor)
    with transaction.atomic():
        clause.delete()
        _charter_audit(clause.value.version, actor, "charter.draft.edit")


def version_update(
    *, version: CharterVersion, actor: Member, preamble: str, note: str
) -> CharterVersion:
    """The draft's opening words and its one-line note of what changed."""
    _edit(version, actor)
    version.preamble = _text(preamble, limit=PREAMBLE_MAX_LENGTH)
    version.note = _text(note, limit=LINE_MAX_LENGTH)
    with transaction.atomic():
        version.save(update_fields=["preamble", "note"])
        _charter_audit(version, actor, "charter.draft.edit")
    return version


def _copy(version: CharterVersion, *, note: str) -> CharterVersion:
    """A new draft with every value and clause of ``version``, keys kept."""
    charter = version.charter
    top = CharterVersion.objects.filter(charter=charter).aggregate(top=Max("number"))["top"]
    draft = CharterVersion.objects.create(
        charter=charter,
        number=(top or 0) + 1,
        preamble=version.preamble,
        note=note,
        based_on=version,
    )
    for value in selectors.values_of(version=version):
        clauses = list(value.clauses.all())
        value.pk = None
        value.version = draft
        value.save()
        Clause.objects.bulk_create(
            Clause(
                value=value,
                key=c.key,
                kind=c.kind,
                parties=c.parties,
                text=c.text,
                position=c.position,
            )
            for c in clauses
        )
    return draft


def _no_draft(charter: Charter) -> None:
    if selectors.draft_of(charter=charter) is not None:
        raise ReviewError(
            _("There is a draft already. Publish it, or change it, before starting another.")
        )


def draft_start(*, version: CharterVersion, actor: Member, note: str = "") -> CharterVersion:
    """A new draft, copied from the charter in force, to change and publish later."""
    policy.check(act=Act.NEW_DRAFT, target=version, member=actor)
    charter = version.charter
    current = selectors.published_version(charter=charter)
    if current is None or current.pk != version.pk:
        raise ReviewError(_("Start a new draft from the charter in force."))
    cleaned = _text(note, limit=LINE_MAX_LENGTH)
    try:
        with transaction.atomic():
            _no_draft(charter)
            draft = _copy(version, note=cleaned)
            _charter_audit(draft, actor, "charter.draft.start")
    except IntegrityError as error:
        raise ReviewError(_("There is a draft already.")) from error
    return draft


def charter_load_default(*, partnership: Partnership, actor: Member) -> CharterVersion:
    """Start the partnership's charter from Village's default (data/default_charter.yaml) as
    a draft, to change and publish. The default's words go through the same checks as any
    other value's words."""
    if not policy.can_open_reviews(member=actor, partnership=partnership):
        raise ReviewError(_("Only a facilitator or an admin can do this."))
    data = default_charter()
    values = [
        (
            item["key"],
            _value_fields(
                ValueText(
                    name=item["name"],
                    description=item["description"],
                    plain=item["plain"],
                    principles=item.get("principles", ()),
                    assumptions=item.get("assumptions", ()),
                    foundations=item.get("foundations", ()),
                )
            ),
            [
                (kind, number, _parties(clause["parties"]), clause["text"])
                for kind, group in (
                    (ClauseKind.RIGHT, item.get("rights", ())),
                    (ClauseKind.RESPONSIBILITY, item.get("responsibilities", ())),
                )
                for number, clause in enumerate(group, start=1)
            ],
        )
        for item in data["values"]
    ]
    try:
        with transaction.atomic():
            charter, _created = Charter.objects.get_or_create(
                partnership=partnership, defaults={"title": data["title"]}
            )
            _no_draft(charter)
            top = charter.versions.aggregate(top=Max("number"))["top"]
            version = CharterVersion.objects.create(
                charter=charter,
                number=(top or 0) + 1,
                preamble=_text(data["preamble"], limit=PREAMBLE_MAX_LENGTH),
                note=_("Village's default charter"),
            )
            for position, (key, fields, clauses) in enumerate(values, start=1):
                value = Value.objects.create(version=version, key=key, position=position, **fields)
                Clause.objects.bulk_create(
                    Clause(
                        value=value,
                        key=f"{kind}-{number}",
                        kind=kind,
                        parties=parties,
                        text=_line(text, limit=CLAUSE_MAX_LENGTH, missing=_("Write the clause.")),
                        position=index,
                    )
                    for index, (kind, number, parties, text) in enumerate(clauses, start=1)
                )
            _charter_audit(version, actor, "charter.load_default")
    except IntegrityError as error:
        raise ReviewError(_("There is a draft already.")) from error
    return version


def version_publish(
    *, version: CharterVersion, actor: Member, acknowledge_lens: bool = False
) -> CharterVersion:
    """Publish a draft; from then on it is never changed.

    Refused while any value has a right naming a party with no responsibility in that value
    (``selectors.reciprocity_gaps`` says exactly which). Each value's plain-language version
    is read by the language lens first: its suggestions (and anything more serious) stop
    publishing until the person publishing has read them and says so
    (``acknowledge_lens``), because the lens cannot tell a word used to reject it ("we do
    not say 'hard to reach'") from the word used; the version records that they did."""
    policy.check(act=Act.PUBLISH, target=version, member=actor)
    if not Value.objects.filter(version=version).exists():
        raise ReviewError(_("Add at least one value before publishing."))
    gaps = selectors.reciprocity_gaps(version=version)
    if gaps:
        raise ReviewError(
            _(
                "Every right needs a responsibility beside it, in the same value, for each "
                "party it names. Missing: %(gaps)s."
            )
            % {"gaps": "; ".join(f"{gap.value.name}: {gap.party_label}" for gap in gaps)}
        )
    notes = selectors.lens_findings(version=version)
    if notes and not acknowledge_lens:
        found = "; ".join(
            f"{note.value.name} (" + ", ".join(f"“{f.text}”" for f in note.findings) + ")"
            for note in notes
        )
        raise ReviewError(
            _(
                "The language lens has suggestions for the plain words of: %(found)s. Change "
                "the words, or say you have read the suggestions and publish as it is."
            )
            % {"found": found}
        )
    with transaction.atomic():
        updated = CharterVersion.objects.filter(pk=version.pk, state=VersionState.DRAFT).update(
            state=VersionState.PUBLISHED,
            published_at=timezone.now(),
            published_by=actor,
            lens_acknowledged=bool(notes),
        )
        if not updated:
            raise ReviewError(_("This version has been published already."))
        _charter_audit(version, actor, "charter.publish.lens" if notes else "charter.publish")
    version.refresh_from_db()
    return version


# Representatives and amendments


def representative_set(
    *, partnership: Partnership, actor: Member, member: Member, represents: str
) -> Representative:
    """Name a member to speak for their own constituency on amendments. A representative
    of a constituency must belong to it, so no constituency can be spoken for by another."""
    if not policy.can_set_representatives(member=actor, partnership=partnership):
        raise ReviewError(_("Only an admin can name representatives."))
    if not policy.is_member_of(member, partnership.pk):
        raise ReviewError(_("Representatives must be members of this partnership."))
    if represents not in Represents.values:
        raise ReviewError(_("Choose the constituency they represent."))
    if member.constituency != represents:
        raise ReviewError(
            _("%(name)s belongs to another constituency. A representative speaks for their own.")
            % {"name": member.display_name}
        )
    with transaction.atomic():
        representative, _created = Representative.objects.update_or_create(
            member=member, defaults={"partnership": partnership, "represents": represents}
        )
        audit_record(
            partnership=partnership, actor=actor, action="representative.set", target=member
        )
    return representative


def representative_remove(*, partnership: Partnership, actor: Member, member: Member) -> None:
    if not policy.can_set_representatives(member=actor, partnership=partnership):
        raise ReviewError(_("Only an admin can name representatives."))
    with transaction.atomic():
        Representative.objects.filter(partnership=partnership, member=member).delete()
        audit_record(
            partnership=partnership, actor=actor, action="representative.remove", target=member
        )


def amendment_propose(
    *, version: CharterVersion, actor: Member, clause: Clause, new_text: str, reason: str = ""
) -> Amendment:
    """New words for a clause of the charter in force, shown as a difference from the old."""
    policy.check(act=Act.PROPOSE_AMENDMENT, target=version, member=actor)
    charter = version.charter
    current = selectors.published_version(charter=charter)
    if current is None or current.pk != version.pk:
        raise ReviewError(_("Propose changes to the charter in force."))
    if clause.value.version_id != version.pk:
        raise ReviewError(_("Choose a clause of this version of the charter."))
    cleaned = _line(new_text, limit=CLAUSE_MAX_LENGTH, missing=_("Write the new words."))
    if cleaned == clause.text:
        raise ReviewError(_("The new words are the same as the old."))
    with transaction.atomic():
        amendment = Amendment.objects.create(
            charter=charter,
            version=version,
            value_key=clause.value.key,
            clause_key=clause.key,
            old_text=clause.text,
            new_text=cleaned,
            reason=_text(reason, limit=COMMENT_MAX_LENGTH),
            proposed_by=actor,
        )
        audit_record(
            partnership=charter.partnership,
            actor=actor,
            action="amendment.propose",
            target=charter,
        )
    return amendment


def amendment_comment(*, amendment: Amendment, actor: Member, text: str) -> AmendmentComment:
    policy.check(act=Act.COMMENT, target=amendment, member=actor)
    cleaned = _text(text, limit=COMMENT_MAX_LENGTH, missing=_("Write your comment."))
    with transaction.atomic():
        comment = AmendmentComment.objects.create(amendment=amendment, author=actor, text=cleaned)
        audit_record(
            partnership=amendment.charter.partnership,
            actor=actor,
            action="amendment.comment",
            target=amendment.charter,
        )
    return comment


def _accept(amendment: Amendment) -> None:
    """Put the accepted words into the charter's draft (a new copy of the charter in force
    when there is none). If the clause's words changed since the amendment was proposed,
    it is overtaken instead: nothing is written over someone else's accepted change."""
    charter = amendment.charter
    draft = selectors.draft_of(charter=charter)
    if draft is None:
        current = selectors.published_version(charter=charter)
        assert current is not None
        draft = _copy(current, note=_("Amendments accepted"))
    clause = Clause.objects.filter(
        value__version=draft, value__key=amendment.value_key, key=amendment.clause_key
    ).first()
    amendment.decided_at = timezone.now()
    if clause is None or clause.text != amendment.old_text:
        amendment.state = AmendmentState.OVERTAKEN
    else:
        clause.text = amendment.new_text
        clause.save(update_fields=["text"])
        amendment.state = AmendmentState.ACCEPTED
        amendment.into_version = draft
    amendment.save(update_fields=["state", "decided_at", "into_version"])


def amendment_vote(*, amendment: Amendment, actor: Member, yes: bool) -> Amendment:
    """A representative's yes or no (a second vote changes the first). An amendment is
    accepted, and goes into the draft, the moment every constituency says yes
    (``selectors.amendment_standing``): no constituency can be outvoted by the others."""
    policy.check(act=Act.VOTE_AMENDMENT, target=amendment, member=actor)
    represents = policy.representing(actor)
    with transaction.atomic():
        locked = Amendment.objects.select_for_update().get(pk=amendment.pk)
        if locked.state != AmendmentState.OPEN:
            raise ReviewError(_("This amendment has been decided."))
        AmendmentVote.objects.update_or_create(
            amendment=locked, member=actor, defaults={"represents": represents, "yes": yes}
        )
        if selectors.amendment_standing(amendment=locked).accepted:
            _accept(locked)
        audit_record(
            partnership=locked.charter.partnership,
            actor=actor,
            action="amendment.vote",
            target=locked.charter,
        )
    return locked


def amendment_withdraw(*, amendment: Amendment, actor: Member) -> Amendment:
    """The proposer, a facilitator or an admin withdraws an open amendment."""
    policy.check(act=Act.WITHDRAW_AMENDMENT, target=amendment, member=actor)
    with transaction.atomic():
        updated = Amendment.objects.filter(pk=amendment.pk, state=AmendmentState.OPEN).update(
            state=AmendmentState.WITHDRAWN, decided_at=timezone.now()
        )
        if not updated:
            raise ReviewError(_("This amendment has been decided."))
        audit_record(
            partnership=amendment.charter.partnership,
            actor=actor,
            action="amendment.withdraw",
            target=amendment.charter,
        )
    amendment.refresh_from_db()
    return amendment


# A clause starts a conversation

# Seeds are the clauses' words, so the conversation's statements may be as long as the longest.
SEED_LENGTH_FLOOR = 140


def clause_conversation_start(
    *,
    clause: Clause,
    actor: Member,
    question: str,
    context: str,
    opens_at: datetime,
    closes_at: datetime,
) -> ClauseConversation:
    """A brave conversation about a clause of the charter in force, seeded with every right
    and responsibility of its value, so people say where the system meets them and where
    not. The clause keeps a link to it (by keys, so it follows the clause into later
    versions) and shows its common ground once the results are shared."""
    version = clause.value.version
    policy.check(act=Act.START_CONVERSATION, target=version, member=actor)
    current = selectors.published_version(charter=version.charter)
    if current is None or current.pk != version.pk:
        raise ReviewError(_("Start conversations from the charter in force."))
    lines = list(
        Clause.objects.filter(value_id=clause.value_id)
        .order_by("-kind", "position", "pk")
        .values_list("text", flat=True)
    )
    longest = max((len(line) for line in lines), default=0)
    try:
        with transaction.atomic():
            conversation = conversation_services.conversation_create(
                partnership=version.charter.partnership,
                created_by=actor,
                question=question,
                context=context,
                opens_at=opens_at,
                closes_at=closes_at,
                seeds=lines,
                statement_max_length=max(SEED_LENGTH_FLOOR, longest),
            )
            link = ClauseConversation.objects.create(
                charter=version.charter,
                value_key=clause.value.key,
                clause_key=clause.key,
                conversation_id=conversation.pk,
                opened_by=actor,
            )
            _charter_audit(version, actor, "charter.clause.conversation")
    except UserError as error:
        # The conversation's own refusal (its times, its seeds' length), in its words.
        raise ReviewError(str(error)) from error
    return link


# Reviews


def _review_audit(review: Review, actor: Member | None, action: str) -> None:
    audit_record(partnership=review.partnership, actor=actor, action=action, target=review)


def _carry(previous: Review, review: Review) -> int:
    """Copy every action not done into the new review, with its status and milestones."""
    carried = 0
    for action in selectors.actions_of(review=previous).exclude(status=ActionStatus.DONE):
        milestones = list(action.milestones.all())
        copy = Action.objects.create(
            review=review,
            value=Value.objects.filter(version=review.version, key=action.value.key).first()
            if action.value
            else None,
            text=action.text,
            owner_agency=action.owner_agency,
            due_on=action.due_on,
            status=action.status,
            stuck_because=action.stuck_because,
            source=action.source,
            source_id=action.source_id,
            carried_from=action,
        )
        Milestone.objects.bulk_create(
            Milestone(action=copy, text=m.text, due_on=m.due_on, done=m.done, position=m.position)
            for m in milestones
        )
        carried += 1
    return carried


def review_open(*, partnership: Partnership, actor: Member, quarter: str) -> Review:
    """A quarter's review of the charter in force. The last review must have closed; every
    action of it not done comes into this one with its status and milestones."""
    if not policy.can_open_reviews(member=actor, partnership=partnership):
        raise ReviewError(_("Only a facilitator or an admin can do this."))
    quarter = quarter.strip().upper()
    if not selectors.QUARTER.match(quarter):
        raise ReviewError(_("Write the quarter as a year and a quarter, like 2026-Q4."))
    charter = selectors.charter_of(partnership=partnership)
    version = selectors.published_version(charter=charter) if charter else None
    if version is None:
        raise ReviewError(_("Publish the charter before opening a review of it."))
    try:
        with transaction.atomic():
            previous = selectors.latest_review(partnership=partnership)
            if previous is not None and previous.state != ReviewState.CLOSED:
                raise ReviewError(
                    _("Close the %(quarter)s review before opening the next.")
                    % {"quarter": previous.quarter}
                )
            if previous is not None and quarter <= previous.quarter:
                raise ReviewError(
                    _("The last review was for %(last)s, so the next is %(next)s or later.")
                    % {"last": previous.quarter, "next": selectors.quarter_after(previous.quarter)}
                )
            review = Review.objects.create(
                partnership=partnership,
                quarter=quarter,
                version=version,
                previous=previous,
                opened_by=actor,
            )
            if previous is not None:
                _carry(previous, review)
            _review_audit(review, actor, "review.open")
    except IntegrityError as error:
        raise ReviewError(_("There is a review for that quarter already.")) from error
    return review


def _value_of(review: Review, value: Value) -> Value:
    if value.version_id != review.version_id:
        raise ReviewError(_("Choose one of the values this review rates."))
    return value


def _agency_of(review: Review, agency: Agency) -> Agency:
    if agency.partnership_id != review.partnership_id:
        raise ReviewError(_("Choose one of the partnership's agencies."))
    return agency


def self_rate(
    *,
    review: Review,
    actor: Member,
    agency: Agency,
    value: Value,
    score: int | str,
    evidence: str = "",
    links: Sequence[str] = (),
) -> SelfRating:
    """An agency's partner lead rates their own agency on a value, with the evidence and
    links to what shows it. Rating again changes the rating; a reason recorded for not
    rating it goes."""
    policy.check(act=Act.SELF_RATE, target=review, member=actor)
    _agency_of(review, agency)
    if actor.agency_id != agency.pk:
        raise ReviewError(_("You rate your own agency only."))
    _value_of(review, value)
    fields = {
        "score": _score(score),
        "evidence": _text(evidence, limit=EVIDENCE_MAX_LENGTH),
        "links": _links(links),
        "rated_by": actor,
    }
    with transaction.atomic():
        rating, _created = SelfRating.objects.update_or_create(
            review=review, agency=agency, value=value, defaults=fields
        )
        NotRated.objects.filter(review=review, agency=agency, value=value).delete()
        _review_audit(review, actor, "review.self_rate")
    return rating


def _sealed_context(review: Review) -> str:
    return f"reviews.panel:{review.pk}"


def panel_rate(*, review: Review, actor: Member, ratings: Mapping[int, int | str]) -> int:
    """A panel member's anonymous ratings (value id to score), any values they choose, once
    a review. Sealed into the mix: the transaction writes the pending row alone, and the
    ratings reach the table in a shuffled batch later. Returns how many values were rated."""
    policy.check(act=Act.PANEL_RATE, target=review, member=actor)
    panel = policy.panel_of(actor)
    values = set(Value.objects.filter(version_id=review.version_id).values_list("pk", flat=True))
    try:
        chosen = {int(pk): _score(score) for pk, score in ratings.items()}
    except (TypeError, ValueError) as error:
        raise ReviewError(_("Choose one of the values this review rates.")) from error
    if not chosen:
        raise ReviewError(_("Rate at least one value."))
    if set(chosen) - values:
        raise ReviewError(_("Choose one of the values this review rates."))
    if selectors.has_panel_rated(review=review, member=actor):
        raise ReviewError(_("You have already rated this quarter. Thank you."))
    payload = {
        "panel": panel,
        "career_stage": _shared_stage(actor, panel),
        "ratings": {str(pk): score for pk, score in chosen.items()},
    }
    try:
        with transaction.atomic():
            still_open = Review.objects.select_for_update().filter(
                pk=review.pk, state=ReviewState.OPEN
            )
            if not still_open.exists():
                raise ReviewError(_("Ratings for this review have closed."))
            PendingPanelRating.objects.create(
                review=review,
                panel=panel,
                marker=panel_marker(review_id=review.pk, member_id=actor.pk),
                sealed=seal(payload=payload, context=_sealed_context(review)),
            )
    except IntegrityError as error:
        raise ReviewError(_("You have already rated this quarter. Thank you.")) from error
    return len(chosen)


def _shared_stage(member: Member, panel: str) -> str:
    """The rater's career stage, only when at least the minimum group size of the active
    members on their panel share it: a stored rating then points at no fewer people than
    that (as a check-in answer's attributes are coarsened). Otherwise none."""
    stage = member.career_stage
    if not stage:
        return ""
    alike = Member.objects.filter(partnership_id=member.partnership_id, career_stage=stage)
    sharing = sum(1 for other in alike if policy.panel_of(other) == panel)
    return stage if sharing >= member.partnership.min_group_size else ""


def panel_release(*, review: Review, final: bool = False) -> int:
    """Move a shuffled batch of waiting panel ratings into the ratings table, in one
    transaction: ratings with fresh random keys in random order, each rater's marker into
    ``PanelRater`` (so they cannot rate again), and the pending rows deleted. A batch holds
    at least the minimum group size (``anonymity.release_size``); ``final`` releases all
    (ratings have closed). Safe to run again. Returns how many people's ratings went."""
    with transaction.atomic():
        Review.objects.select_for_update().filter(pk=review.pk).exists()
        pending = list(PendingPanelRating.objects.filter(review=review))
        size = release_size(
            pending=len(pending), minimum=review.partnership.min_group_size, final=final
        )
        if not size:
            return 0
        batch = shuffled(pending)[:size]
        ratings = []
        for row in batch:
            payload = unseal(sealed=row.sealed, context=_sealed_context(review))
            ratings += [
                PanelRating(
                    review=review,
                    panel=payload["panel"],
                    value_id=int(pk),
                    score=score,
                    career_stage=payload.get("career_stage", ""),
                )
                for pk, score in payload["ratings"].items()
            ]
        PanelRating.objects.bulk_create(shuffled(ratings))
        PanelRater.objects.bulk_create(
            shuffled(
                [PanelRater(review=review, panel=row.panel, marker=row.marker) for row in batch]
            )
        )
        PendingPanelRating.objects.filter(pk__in=[row.pk for row in batch]).delete()
    return size


def panel_release_due() -> int:
    """Release every due batch, and everything left in reviews whose ratings have closed
    (the worker runs this every half minute)."""
    released = 0
    for review in Review.objects.filter(pk__in=PendingPanelRating.objects.values("review_id")):
        released += panel_release(review=review, final=review.state != ReviewState.OPEN)
    return released


def ratings_close(*, review: Review, actor: Member) -> Review:
    """Ratings end and the meeting can begin: every panel rating still waiting is released
    (in its own transaction, after the one that names who closed the ratings)."""
    policy.check(act=Act.CLOSE_RATINGS, target=review, member=actor)
    with transaction.atomic():
        updated = Review.objects.filter(pk=review.pk, state=ReviewState.OPEN).update(
            state=ReviewState.MEETING, ratings_closed_at=timezone.now()
        )
        if not updated:
            raise ReviewError(_("Ratings for this review have closed."))
        _review_audit(review, actor, "review.ratings.close")
    panel_release(review=review, final=True)
    review.refresh_from_db()
    return review


def not_rated_record(
    *,
    review: Review,
    actor: Member,
    value: Value,
    because: str,
    agency: Agency | None = None,
    panel: str = "",
) -> NotRated:
    """Why an agency or a panel did not rate a value this quarter. For an agency: its
    partner lead, a facilitator or an admin. For a panel: a representative of the panel's
    constituency, a facilitator or an admin. Recording it again changes the words."""
    if (agency is None) == (not panel):
        raise ReviewError(_("Say whether it is an agency or a panel that did not rate."))
    _value_of(review, value)
    if agency is not None:
        people = policy.check(act=Act.NOT_RATED_AGENCY, target=review, member=actor)
        _agency_of(review, agency)
        if not people & policy.RUNS and actor.agency_id != agency.pk:
            raise ReviewError(_("You can say why your own agency did not rate, not another."))
        if SelfRating.objects.filter(review=review, agency=agency, value=value).exists():
            raise ReviewError(_("This agency has rated this value already."))
        lookup: dict[str, Any] = {"agency": agency}
    else:
        people = policy.check(act=Act.NOT_RATED_PANEL, target=review, member=actor)
        if panel not in Panel.values:
            raise ReviewError(_("Choose the family panel or frontline staff."))
        if (
            not people & policy.RUNS
            and policy.representing(actor) != PANEL_REPRESENTED_BY[Panel(panel)]
        ):
            raise ReviewError(
                _(
                    "Only a representative of this panel's constituency, or a facilitator, "
                    "can say why."
                )
            )
        lookup = {"panel": panel}
    cleaned = _text(because, limit=COMMENT_MAX_LENGTH, missing=_("Say why it was not rated."))
    with transaction.atomic():
        record, _created = NotRated.objects.update_or_create(
            review=review,
            value=value,
            **lookup,
            defaults={"because": cleaned, "recorded_by": actor},
        )
        _review_audit(review, actor, "review.not_rated")
    return record


def shortfall_add(
    *, review: Review, actor: Member, value: Value, barrier: str, text: str
) -> Shortfall:
    """Where the system does not meet a value, and what kind of barrier is in the way."""
    policy.check(act=Act.ADD_SHORTFALL, target=review, member=actor)
    _value_of(review, value)
    if barrier not in Barrier.values:
        raise ReviewError(_("Choose what kind of barrier it is."))
    cleaned = _text(
        text, limit=VALUE_TEXT_MAX_LENGTH, missing=_("Say where the system falls short.")
    )
    with transaction.atomic():
        shortfall = Shortfall.objects.create(
            review=review, value=value, barrier=barrier, text=cleaned
        )
        _review_audit(review, actor, "review.shortfall.add")
    return shortfall


def shortfall_remove(*, shortfall: Shortfall, actor: Member) -> None:
    review = shortfall.review
    policy.check(act=Act.REMOVE_SHORTFALL, target=review, member=actor)
    with transaction.atomic():
        shortfall.delete()
        _review_audit(review, actor, "review.shortfall.remove")


def _milestone_rows(
    action: Action, milestones: Sequence[tuple[str, date | None]], start: int
) -> list[Milestone]:
    rows = [
        Milestone(
            action=action,
            text=_line(text, limit=MILESTONE_MAX_LENGTH, missing=_("Say what the milestone is.")),
            due_on=due_on,
            position=start + number,
        )
        for number, (text, due_on) in enumerate(milestones)
    ]
    if start + len(rows) > MAX_MILESTONES:
        raise ReviewError(
            _("An action can have at most %(max)s milestones.") % {"max": MAX_MILESTONES}
        )
    return rows


def action_add(
    *,
    review: Review,
    actor: Member,
    text: str,
    owner_agency: Agency,
    due_on: date,
    value: Value | None = None,
    milestones: Sequence[tuple[str, date | None]] = (),
) -> Action:
    """An action the partners agreed, owned by one agency, with a due date and milestones."""
    policy.check(act=Act.ADD_ACTION, target=review, member=actor)
    _agency_of(review, owner_agency)
    if value is not None:
        _value_of(review, value)
    cleaned = _line(text, limit=ACTION_MAX_LENGTH, missing=_("Say what will be done."))
    if due_on < timezone.localdate():
        raise ReviewError(_("The due date has passed. Choose today or a later date."))
    with transaction.atomic():
        action = Action.objects.create(
            review=review, value=value, text=cleaned, owner_agency=owner_agency, due_on=due_on
        )
        Milestone.objects.bulk_create(_milestone_rows(action, milestones, 0))
        _review_audit(review, actor, "review.action.add")
    return action


def _check_action(action: Action, actor: Member) -> None:
    """The owning agency's partner lead, a facilitator or an admin, on the latest copy."""
    people = policy.check(act=Act.UPDATE_ACTION, target=action.review, member=actor)
    if not people & policy.RUNS and actor.agency_id != action.owner_agency_id:
        raise ReviewError(
            _("Only the owning agency's partner lead, a facilitator or an admin can do this.")
        )
    later = action.carried_to.select_related("review").first()
    if later is not None:
        raise ReviewError(
            _("This action was carried into the %(quarter)s review: update it there.")
            % {"quarter": later.review.quarter}
        )


def action_update(*, action: Action, actor: Member, status: str, stuck_because: str = "") -> Action:
    """An action's progress. Stuck needs a reason; any other status clears it."""
    _check_action(action, actor)
    if status not in ActionStatus.values:
        raise ReviewError(_("Choose the action's status."))
    because = ""
    if status == ActionStatus.STUCK:
        because = _text(
            stuck_because, limit=COMMENT_MAX_LENGTH, missing=_("Say why the action is stuck.")
        )
    with transaction.atomic():
        action.status = status
        action.stuck_because = because
        action.save(update_fields=["status", "stuck_because"])
        _review_audit(action.review, actor, "review.action.update")
    return action


def milestone_add(
    *, action: Action, actor: Member, text: str, due_on: date | None = None
) -> Milestone:
    _check_action(action, actor)
    with transaction.atomic():
        [milestone] = _milestone_rows(action, [(text, due_on)], action.milestones.count())
        milestone.save()
        _review_audit(action.review, actor, "review.action.update")
    return milestone


def milestone_set_done(*, milestone: Milestone, actor: Member, done: bool) -> Milestone:
    _check_action(milestone.action, actor)
    with transaction.atomic():
        milestone.done = done
        milestone.save(update_fields=["done"])
        _review_audit(milestone.action.review, actor, "review.action.update")
    return milestone


def action_bring_in(
    *, review: Review, actor: Member, source: str, source_id: int, value: Value | None = None
) -> Action:
    """Copy an action from one of the partnership's circles or conversations ("you said,
    we did") into the review, with its owner, due date and progress, to follow it up here.
    Each is brought in once a review."""
    policy.check(act=Act.BRING_IN_ACTION, target=review, member=actor)
    if value is not None:
        _value_of(review, value)
    found: Any
    if source == Source.CIRCLE:
        found = circle_selectors.partnership_actions(partnership=review.partnership)
    elif source == Source.CONVERSATION:
        found = conversation_selectors.partnership_actions(partnership=review.partnership)
    else:
        raise ReviewError(_("Choose an action from a circle or a conversation."))
    original = found.filter(pk=source_id).first()
    if original is None:
        raise ReviewError(
            _("Choose an action from one of the partnership's circles or conversations.")
        )
    status = CONVERSATION_STATUS.get(getattr(original, "status", ""), ActionStatus.OPEN)
    try:
        with transaction.atomic():
            action = Action.objects.create(
                review=review,
                value=value,
                text=original.text,
                owner_agency=original.owner_agency,
                due_on=original.due_on,
                status=status,
                source=source,
                source_id=original.pk,
            )
            _review_audit(review, actor, "review.action.bring_in")
    except IntegrityError as error:
        raise ReviewError(_("This action is in the review already.")) from error
    return action


def review_close(*, review: Review, actor: Member) -> Review:
    """Close the review, once every agency and both panels have rated every value or
    recorded why not (``selectors.missing_ratings``); otherwise ``ReviewNotReady`` says
    what is missing."""
    policy.check(act=Act.CLOSE_REVIEW, target=review, member=actor)
    panel_release(review=review, final=True)
    missing = selectors.missing_ratings(review=review)
    if missing:
        raise ReviewNotReady(
            ngettext(
                "This review cannot close yet. This needs a rating, or a note of why it was "
                "not rated: %(missing)s.",
                "This review cannot close yet. Each of these needs a rating, or a note of why "
                "it was not rated: %(missing)s.",
                len(missing),
            )
            % {"missing": "; ".join(str(item) for item in missing)},
            missing,
        )
    with transaction.atomic():
        updated = Review.objects.filter(pk=review.pk, state=ReviewState.MEETING).update(
            state=ReviewState.CLOSED, closed_at=timezone.now()
        )
        if not updated:
            raise ReviewError(_("This review has closed already."))
        _review_audit(review, actor, "review.close")
    review.refresh_from_db()
    return review
