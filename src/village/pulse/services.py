"""Every write to check-in rounds. Views call these; nothing else writes pulse rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from village.anonymity import dedupe_marker, release_size, seal, shuffled, unseal
from village.engines.generalise import generalisation
from village.engines.instruments import (
    AnswerError,
    InstrumentScore,
    get_instrument,
    load_instruments,
    score,
)
from village.errors import UserError
from village.people import join_codes
from village.people.browser_key import keyed_hash
from village.people.models import Agency, Member, Partnership, Role
from village.people.selectors import members_for
from village.people.services import audit_record
from village.pulse.models import (
    COMMENT_MAX_LENGTH,
    NO_TEAM,
    NOT_GIVEN,
    AudienceSnapshot,
    Draft,
    LicenceConfirmation,
    Participation,
    PendingResponse,
    ReleasedReport,
    Response,
    Round,
)
from village.retention import retention_cutoff

DEFAULT_INSTRUMENTS: tuple[str, ...] = ("cbi", "multiagency")
DEFAULT_COMMENT_QUESTION = gettext_lazy(
    "Is there anything else you would like to say about your wellbeing at work?"
)
# The role a person is reported under when they hold several: the first that applies.
REPORT_ROLE_ORDER: tuple[str, ...] = (
    Role.STAFF,
    Role.FAMILY,
    Role.PARTNER_LEAD,
    Role.FACILITATOR,
    Role.ADMIN,
    Role.OBSERVER,
)
# The order stored attributes are coarsened in until each combination is shared by enough
# people. Agency goes before sector: an agency names its sector, so keeping the agency once
# the sector is dropped would hide nothing.
COARSENING_ORDER: tuple[str, ...] = ("team", "career_stage", "role", "agency", "sector")
GUEST_ATTRIBUTES = {"audience": "guest"}


class PulseError(UserError):
    """Something a person asked for that the round cannot do now; the message is safe to show."""


def _new_code() -> str:
    code = join_codes.new_code(taken=lambda c: Round.objects.filter(round_code=c).exists())
    if code is None:
        raise PulseError(_("We could not make a round code just now. Please try again."))
    return code


def participation_hash(*, round_: Round, key: str) -> str:
    return keyed_hash(key=key, purpose=f"round:{round_.pk}:participant")


def draft_hash(*, round_: Round, key: str) -> str:
    """A different purpose from the participation hash: the two rows cannot be joined."""
    return keyed_hash(key=key, purpose=f"round:{round_.pk}:draft")


def licence_is_confirmed(*, partnership: Partnership, instrument_id: str) -> bool:
    if not get_instrument(instrument_id).licence.requires_confirmation:
        return True
    return LicenceConfirmation.objects.filter(
        partnership=partnership, instrument=instrument_id
    ).exists()


def licence_confirm(*, partnership: Partnership, actor: Member, instrument_id: str) -> None:
    """Only an admin of the partnership may confirm it holds the instrument's licence."""
    if instrument_id not in load_instruments():
        raise PulseError(_("We do not know that questionnaire."))
    if actor.partnership_id != partnership.pk or not actor.has_role(Role.ADMIN):
        raise PulseError(_("Only an admin of this partnership can confirm a licence."))
    confirmation, created = LicenceConfirmation.objects.get_or_create(
        partnership=partnership, instrument=instrument_id, defaults={"confirmed_by": actor}
    )
    if created:
        audit_record(
            partnership=partnership,
            actor=actor,
            action=f"pulse.licence.confirm.{instrument_id}",
            target=confirmation,
        )


def _check_instruments(partnership: Partnership, instruments: Sequence[str]) -> list[str]:
    chosen = list(dict.fromkeys(instruments))
    if not chosen:
        raise PulseError(_("Choose at least one questionnaire."))
    known = load_instruments()
    for instrument_id in chosen:
        if instrument_id not in known:
            raise PulseError(_("We do not know one of those questionnaires."))
        if not licence_is_confirmed(partnership=partnership, instrument_id=instrument_id):
            raise PulseError(
                _(
                    "%(name)s needs your partnership's own licence. An admin must confirm "
                    "it on the licences page before it can be used."
                )
                % {"name": known[instrument_id].short_name}
            )
    return chosen


def round_schedule(
    *,
    partnership: Partnership,
    created_by: Member,
    title: str,
    instruments: Sequence[str],
    opens_at: datetime,
    closes_at: datetime,
    comment_question: str = "",
    audience_agencies: Iterable[Agency] = (),
    audience_roles: Iterable[str] = (),
    guests_allowed: bool = False,
    site_url: str = "",
    notify: bool = True,
) -> Round:
    """Schedule a round. If it opens now, its audience is snapshotted and emailed at once."""
    chosen = _check_instruments(partnership, instruments)
    if not title.strip():
        raise PulseError(_("Give the round a title."))
    if closes_at <= opens_at:
        raise PulseError(_("The closing time must be after the opening time."))
    if closes_at <= timezone.now():
        raise PulseError(_("The closing time must be in the future."))
    agencies = list(audience_agencies)
    if any(a.partnership_id != partnership.pk for a in agencies):
        raise PulseError(_("Choose agencies from this partnership."))
    roles = sorted(set(audience_roles))
    if any(role not in Role.values for role in roles):
        raise PulseError(_("Choose roles from the list."))
    with transaction.atomic():
        round_ = Round.objects.create(
            partnership=partnership,
            created_by=created_by,
            title=title.strip()[:150],
            instruments=chosen,
            comment_question=comment_question.strip()[:300],
            round_code=_new_code(),
            opens_at=opens_at,
            closes_at=closes_at,
            audience_roles=roles,
            guests_allowed=guests_allowed,
        )
        round_.audience_agencies.set(agencies)
        audit_record(
            partnership=partnership, actor=created_by, action="pulse.round.schedule", target=round_
        )
    if opens_at <= timezone.now():
        round_open(round_=round_, site_url=site_url, notify=notify)
    return round_


def _report_role(member: Member, audience_roles: Sequence[str]) -> str:
    wanted = [r for r in REPORT_ROLE_ORDER if r in member.roles]
    if audience_roles:
        wanted = [r for r in wanted if r in audience_roles]
    return wanted[0] if wanted else NOT_GIVEN


def audience_members(round_: Round) -> list[Member]:
    """Members the round is for right now: its agencies (all if none) and roles (all if none)."""
    agency_ids = set(round_.audience_agencies.values_list("pk", flat=True))
    members = members_for(partnership=round_.partnership).select_related("team")
    return [
        member
        for member in members
        if (not agency_ids or member.agency_id in agency_ids)
        and (not round_.audience_roles or member.has_role(*round_.audience_roles))
    ]


SNAPSHOT_BATCH = 2000


def round_open(*, round_: Round, site_url: str = "", notify: bool = True) -> int:
    """Snapshot who the round is for, as they are now, and email them the link. Runs once.

    The snapshot is written in short batches (two workers opening the same round write the
    same rows once), then one short transaction marks the round open and queues the emails:
    only the call that marks it open sends them. Returns how many were asked, or 0 if it was
    open already.
    ``notify=False`` skips the emails (the demo loader uses it)."""
    from village.pulse.tasks import email_round_link

    if Round.objects.filter(pk=round_.pk, opened=True).exists():
        return 0
    members = audience_members(round_)
    rows = [
        AudienceSnapshot(
            round=round_,
            member=member,
            agency=str(member.agency_id) if member.agency_id else NOT_GIVEN,
            sector=member.agency.sector if member.agency else NOT_GIVEN,
            role=_report_role(member, round_.audience_roles),
            career_stage=member.career_stage or NOT_GIVEN,
            team=str(member.team_id) if member.team_id else NO_TEAM,
        )
        for member in members
    ]
    for start in range(0, len(rows), SNAPSHOT_BATCH):
        with transaction.atomic():
            AudienceSnapshot.objects.bulk_create(
                rows[start : start + SNAPSHOT_BATCH], ignore_conflicts=True
            )
    with transaction.atomic():
        if not Round.objects.filter(pk=round_.pk, opened=False).update(opened=True):
            return 0
        audit_record(
            partnership=round_.partnership, actor=None, action="pulse.round.open", target=round_
        )
        if notify:
            # Queued in the same transaction: the round is marked open and its emails queued
            # together, or neither (the queue is a table in the same database).
            email_round_link.enqueue(
                round_id=round_.pk, member_ids=[m.pk for m in members], site_url=site_url
            )
    round_.opened = True
    return len(members)


def rounds_open_due() -> int:
    """Open every round whose time has come and not yet gone (the worker runs this every
    half minute; a round whose window passed unopened is opened silently as it closes)."""
    now = timezone.now()
    due = Round.objects.filter(opened=False, closed=False, opens_at__lte=now, closes_at__gt=now)
    return sum(1 for round_ in due.select_related("partnership") if round_open(round_=round_))


def round_close(*, round_: Round, actor: Member | None) -> Round:
    """Close the round for good, in one short transaction, and queue its report's release.

    From the moment it commits no answer is taken (``response_submit`` checks under the same
    row lock). The release itself is slow, so it runs in the worker (``round_release``),
    outside this transaction. Closing twice, or by two workers at once, closes once."""
    from village.pulse.tasks import release_round

    if not round_.opened:
        round_open(round_=round_, notify=False)
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if locked.closed:
            return locked
        locked.closed = True
        locked.closes_at = min(locked.closes_at, timezone.now())
        locked.save(update_fields=["closed", "closes_at"])
        audit_record(
            partnership=locked.partnership, actor=actor, action="pulse.round.close", target=locked
        )
    release_round.enqueue(round_id=locked.pk)
    locked.refresh_from_db()
    return locked


def rounds_close_due() -> int:
    """Close every round whose closing time has passed (the worker runs this)."""
    due = list(
        Round.objects.filter(closed=False, closes_at__lte=timezone.now()).select_related(
            "partnership"
        )
    )
    for round_ in due:
        round_close(round_=round_, actor=None)
    return len(due)


RELEASE_GRACE = timedelta(minutes=10)


def rounds_release_stranded() -> int:
    """Queue again the release of rounds closed a while ago with no report yet (a worker
    stopped mid-release); a release still in the queue would have run long since."""
    from village.pulse.tasks import release_round

    stranded = list(
        Round.objects.filter(
            closed=True, released=False, closes_at__lte=timezone.now() - RELEASE_GRACE
        ).values_list("pk", flat=True)
    )
    for round_id in stranded:
        release_round.enqueue(round_id=round_id)
    return len(stranded)


def _released_before(round_: Round) -> set[int]:
    return set(
        ReleasedReport.objects.filter(round__partnership_id=round_.partnership_id).values_list(
            "pk", flat=True
        )
    )


def round_release(*, round_: Round) -> bool:
    """Release a closed round's report: the last answers in the mix, then the report tables.

    The tables are computed outside any transaction (seconds for a large round, reading
    only), then stored in one short transaction, only if no report exists yet and no other
    report of the partnership was stored meanwhile (its ledger would then be out of date:
    the computation runs again with it). Two workers racing store one report. Returns
    whether this call stored it."""
    from village.pulse.reports import release, report_summary

    if not Round.objects.filter(pk=round_.pk, closed=True, released=False).exists():
        return False
    pending_release(round_=round_, final=True)
    Draft.objects.filter(round=round_).delete()
    while True:
        before = _released_before(round_)
        released = release(round_)
        with transaction.atomic():
            Partnership.objects.select_for_update().filter(pk=round_.partnership_id).exists()
            if not Round.objects.filter(pk=round_.pk, released=False).exists():
                return False
            if _released_before(round_) != before:
                continue
            ReleasedReport.objects.create(
                round=round_,
                data=released.data,
                audiences=released.audiences,
                summary=report_summary(released.data),
            )
            Round.objects.filter(pk=round_.pk).update(released=True)
            audit_record(
                partnership=round_.partnership,
                actor=None,
                action="pulse.report.release",
                target=round_,
            )
        round_.released = True
        return True


def comments_delete_expired(*, now: datetime | None = None) -> int:
    """Retention: delete the comments' text of rounds that closed longer ago than their
    partnership keeps raw text, from the answers and from the released report, whose figures
    stay (it says when the comments went and how many it showed). One short transaction per
    round; rounds done already are skipped. Returns how many rounds lost their comments."""
    from village.pulse.reports import comments_deleted

    now = now or timezone.now()
    today = timezone.localdate(now)
    done = 0
    for partnership in Partnership.objects.all():
        expired = Round.objects.filter(
            partnership=partnership,
            closed=True,
            closes_at__lt=retention_cutoff(partnership=partnership, now=now),
        ).exclude(report__comments_deleted_on__isnull=False)
        for round_ in expired:
            with transaction.atomic():
                Response.objects.filter(round=round_).exclude(comment="").update(comment="")
                Draft.objects.filter(round=round_).delete()
                report = ReleasedReport.objects.select_for_update().filter(round=round_).first()
                if report is not None:
                    report.data = comments_deleted(report.data)
                    report.comments_deleted_on = today
                    report.save(update_fields=["data", "comments_deleted_on"])
                    audit_record(
                        partnership=partnership,
                        actor=None,
                        action="pulse.retention.comments",
                        target=round_,
                    )
            done += 1
    return done


def check_can_answer(*, round_: Round, member: Member | None) -> None:
    """Raise PulseError saying plainly why this person cannot answer this round now."""
    now = timezone.now()
    if round_.closed or now >= round_.closes_at:
        raise PulseError(_("This check-in has closed. Thank you for your interest."))
    if now < round_.opens_at or not round_.opened:
        raise PulseError(_("This check-in has not opened yet. Please come back later."))
    if member is None or member.partnership_id != round_.partnership_id:
        if not round_.guests_allowed:
            raise PulseError(
                _("This check-in is for members of the partnership. Please sign in to take part.")
            )
        return
    if not AudienceSnapshot.objects.filter(round=round_, member=member).exists():
        raise PulseError(
            _("This check-in is for the people it was sent to when it opened. Thank you.")
        )


def _participation_lookup(round_: Round, member: Member | None, key: str) -> dict[str, Any]:
    if member is not None and member.partnership_id == round_.partnership_id:
        return {"round": round_, "member": member}
    return {"round": round_, "browser_hash": participation_hash(round_=round_, key=key)}


def _clean_answers(answers: Mapping[str, Mapping[str, Any]], instruments: Sequence[str]) -> dict:
    """Keep only answers that are allowed values for known items; drop anything else."""
    cleaned: dict[str, dict[str, int]] = {}
    for instrument_id in instruments:
        instrument = get_instrument(instrument_id)
        given = answers.get(instrument_id) or {}
        kept: dict[str, int] = {}
        for item in instrument.items:
            value = given.get(str(item.number))
            try:
                number = int(value) if value is not None else None
            except (TypeError, ValueError):
                number = None
            if number is not None and number in item.scale.values:
                kept[str(item.number)] = number
        if kept:
            cleaned[instrument_id] = kept
    return cleaned


def _clean_comment(comment: str) -> str:
    cleaned = comment.strip()
    if len(cleaned) > COMMENT_MAX_LENGTH:
        raise PulseError(
            _("Please keep your comment to %(max)s characters. This has %(count)s.")
            % {"max": f"{COMMENT_MAX_LENGTH:,}", "count": f"{len(cleaned):,}"}
        )
    return cleaned


def drafts_discard(*, browser_key: str) -> int:
    """Delete every unfinished answer kept for this browser key, in every round.

    Called when someone signs out, so the next person on a shared computer cannot see or
    carry on with their half-finished check-in. Returns how many drafts went.
    """
    hashes = [
        draft_hash(round_=round_, key=browser_key)
        for round_ in Round.objects.filter(drafts__isnull=False).distinct().only("pk")
    ]
    deleted, _per_model = Draft.objects.filter(key_hash__in=hashes).delete()
    return deleted


def draft_save(
    *,
    round_: Round,
    member: Member | None,
    browser_key: str,
    step: int,
    answers: Mapping[str, Mapping[str, Any]],
    comment: str | None = None,
) -> Draft:
    """Keep unfinished answers for this device, merged into what was saved before."""
    check_can_answer(round_=round_, member=member)
    if has_answered(round_=round_, member=member, browser_key=browser_key):
        raise PulseError(_("You have already taken part in this check-in. Thank you."))
    key_hash = draft_hash(round_=round_, key=browser_key)
    with transaction.atomic():
        draft = Draft.objects.select_for_update().filter(key_hash=key_hash).first()
        if draft is None:
            draft = Draft(round=round_, key_hash=key_hash, updated_on=timezone.localdate())
        merged = {k: dict(v) for k, v in (draft.answers or {}).items()}
        for instrument_id, values in _clean_answers(answers, round_.instruments).items():
            merged.setdefault(instrument_id, {}).update(values)
        draft.answers = merged
        if comment is not None:
            draft.comment = _clean_comment(comment)
        draft.step = max(1, step)
        draft.updated_on = timezone.localdate()
        draft.save()
    return draft


def _own_hash(lookup: Mapping[str, Any]) -> str:
    member = lookup.get("member")
    return f"member:{member.pk}" if member is not None else str(lookup["browser_hash"])


def _marker(round_: Round, lookup: Mapping[str, Any]) -> str:
    return dedupe_marker(participant_hash=_own_hash(lookup), purpose=f"round:{round_.pk}:answer")


def _sealed_context(round_: Round) -> str:
    return f"pulse.response:{round_.pk}"


def has_answered(*, round_: Round, member: Member | None, browser_key: str) -> bool:
    """Answered already: waiting in the mix (by marker) or released (participation done)."""
    lookup = _participation_lookup(round_, member, browser_key)
    return (
        PendingResponse.objects.filter(round=round_, marker=_marker(round_, lookup)).exists()
        or Participation.objects.filter(**lookup, completed=True).exists()
    )


def response_submit(
    *,
    round_: Round,
    member: Member | None,
    browser_key: str,
    answers: Mapping[str, Mapping[str, Any]],
    comment: str = "",
) -> list[InstrumentScore]:
    """Seal the answer into the mix; it reaches the responses table later, in a batch.

    The transaction that stores it writes only the sealed pending row (and deletes this
    browser's draft, which names nobody): no participation, no session, no audit row. The
    scores returned are for the person's own private page and are not kept with them.
    """
    check_can_answer(round_=round_, member=member)
    lookup = _participation_lookup(round_, member, browser_key)
    if has_answered(round_=round_, member=member, browser_key=browser_key):
        raise PulseError(_("You have already taken part in this check-in. Thank you."))
    cleaned_comment = _clean_comment(comment) if round_.comment_question else ""
    cleaned = _clean_answers(answers, round_.instruments)
    results = []
    for instrument_id in round_.instruments:
        instrument = get_instrument(instrument_id)
        given = {int(k): v for k, v in cleaned.get(instrument_id, {}).items()}
        try:
            results.append(score(instrument=instrument, answers=given))
        except AnswerError as error:
            raise PulseError(
                _("Please answer every question in “%(name)s”.") % {"name": instrument.name}
            ) from error
    who = {"member": member.pk} if member is not None and "member" in lookup else {}
    payload = {
        **who,
        "browser_hash": lookup.get("browser_hash", ""),
        "scores": {
            f"{result.instrument_id}.{sub.id}": round(sub.score, 4)
            for result in results
            for sub in result.subscales
        },
        "answers": cleaned,
        "comment": cleaned_comment,
    }
    try:
        with transaction.atomic():
            if not Round.objects.select_for_update().filter(pk=round_.pk, closed=False).exists():
                raise PulseError(_("This check-in has closed. Thank you for your interest."))
            PendingResponse.objects.create(
                round=round_,
                marker=_marker(round_, lookup),
                sealed=seal(payload=payload, context=_sealed_context(round_)),
            )
            Draft.objects.filter(key_hash=draft_hash(round_=round_, key=browser_key)).delete()
    except IntegrityError as error:
        raise PulseError(_("You have already taken part in this check-in. Thank you.")) from error
    return results


def stored_member_attributes(round_: Round) -> dict[int, dict[str, str]]:
    """Each asked member's attributes as they may be stored: coarsened over the snapshot.

    Reports count the people asked through this too, so a coarsened answer and the person
    who gave it fall in the same cell.
    """
    fields = ("agency", "sector", "role", "career_stage", "team")
    snapshot = {
        member_id: dict(zip(fields, values, strict=True))
        for member_id, *values in AudienceSnapshot.objects.filter(round=round_).values_list(
            "member_id", *fields
        )
    }
    rule = generalisation(
        population=list(snapshot.values()),
        order=COARSENING_ORDER,
        minimum=round_.partnership.min_group_size,
        unknown=NOT_GIVEN,
    )
    return {
        member_id: {"audience": "member", **rule.apply(attributes)}
        for member_id, attributes in snapshot.items()
    }


def pending_release(*, round_: Round, final: bool = False) -> int:
    """Move a batch of sealed answers into the responses table, in one transaction.

    In random order, with fresh random keys, each member's attributes coarsened over the
    snapshot; the same transaction marks those people's participation done and deletes the
    pending rows, so a dump shows at most which batch an answer came in. Safe to run again at
    any time (a stopped server loses nothing: pending rows wait until the next run). With
    ``final`` (the round is closing) everything left goes out.
    """
    with transaction.atomic():
        Round.objects.select_for_update().filter(pk=round_.pk).exists()
        pending = list(PendingResponse.objects.filter(round=round_))
        size = release_size(
            pending=len(pending), minimum=round_.partnership.min_group_size, final=final
        )
        if not size:
            return 0
        batch = shuffled(pending)[:size]
        payloads = [unseal(sealed=row.sealed, context=_sealed_context(round_)) for row in batch]
        attributes = stored_member_attributes(round_)
        today = timezone.localdate()
        Response.objects.bulk_create(
            Response(
                round=round_,
                submitted_on=today,
                attributes=attributes.get(payload["member"], {"audience": "member"})
                if "member" in payload
                else GUEST_ATTRIBUTES,
                scores=payload["scores"],
                answers=payload["answers"],
                comment=payload["comment"],
            )
            for payload in payloads
        )
        _participations_done(round_=round_, payloads=payloads)
        PendingResponse.objects.filter(pk__in=[row.pk for row in batch]).delete()
    return size


def _participations_done(*, round_: Round, payloads: Sequence[Mapping[str, Any]]) -> None:
    members = [p["member"] for p in payloads if "member" in p]
    hashes = [p["browser_hash"] for p in payloads if "member" not in p]
    Participation.objects.filter(round=round_, member_id__in=members).update(completed=True)
    Participation.objects.filter(round=round_, browser_hash__in=hashes).update(completed=True)
    have = set(
        Participation.objects.filter(round=round_, member_id__in=members).values_list(
            "member_id", flat=True
        )
    )
    have_hashes = set(
        Participation.objects.filter(round=round_, browser_hash__in=hashes).values_list(
            "browser_hash", flat=True
        )
    )
    Participation.objects.bulk_create(
        shuffled(
            [
                Participation(round=round_, member_id=m, completed=True)
                for m in members
                if m not in have
            ]
            + [
                Participation(round=round_, browser_hash=h, completed=True)
                for h in hashes
                if h not in have_hashes
            ]
        )
    )


def pending_release_due() -> int:
    """Release every batch that is due, and everything left in closed rounds (the worker and
    `village release_pending` run this, so a stopped server's answers are never stranded)."""
    released = 0
    now = timezone.now()
    for round_ in Round.objects.filter(pk__in=PendingResponse.objects.values("round_id")):
        released += pending_release(round_=round_, final=round_.closed or round_.closes_at <= now)
    return released
