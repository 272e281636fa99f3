"""Every write to circles. Views call these; nothing else writes circle rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from village.anonymity import dedupe_marker, random_key, release_size, seal, shuffled, unseal
from village.circles.models import (
    PHASE_ORDER,
    REFLECTION_MAX_LENGTH,
    Action,
    CheckIn,
    Circle,
    Moment,
    Participant,
    PendingAnswer,
    Phase,
    Prompt,
    Purpose,
    Reflection,
    Theme,
)
from village.errors import UserError
from village.people import join_codes
from village.people.browser_key import keyed_hash
from village.people.models import Agency, Member, Partnership
from village.people.services import audit_record
from village.retention import retention_cutoff

DEFAULT_AGREEMENTS = (
    gettext_lazy("What is shared here stays here."),
    gettext_lazy("No names of children or families."),
    gettext_lazy("Speak from your own experience."),
    gettext_lazy("Power with, not power over."),
    gettext_lazy("Titles stay at the door."),
)
DEFAULT_PROMPTS = (
    gettext_lazy("What is working for my wellbeing in multiagency work?"),
    gettext_lazy("What isn't working?"),
    gettext_lazy("What would help?"),
)


class CircleError(UserError):
    """Something a person asked for that the circle cannot do now; the message is safe to show."""


def _bump(circle: Circle) -> None:
    """Tell live pages something changed."""
    Circle.objects.filter(pk=circle.pk).update(version=F("version") + 1)


def circle_create(
    *,
    partnership: Partnership,
    created_by: Member,
    title: str,
    purpose: str,
    agreements: Sequence[str],
    prompts: Sequence[str],
    opens_at: datetime,
    closes_at: datetime,
    dots_per_person: int = 3,
) -> Circle:
    if closes_at <= opens_at:
        raise CircleError(_("The closing time must be after the opening time."))
    if not [p for p in prompts if p.strip()]:
        raise CircleError(_("Add at least one prompt."))
    code = join_codes.new_code(taken=lambda c: Circle.objects.filter(join_code=c).exists())
    if code is None:
        raise CircleError(_("We could not make a join code just now. Please try again."))
    with transaction.atomic():
        circle = Circle.objects.create(
            partnership=partnership,
            created_by=created_by,
            title=title,
            purpose=purpose,
            agreements=[a.strip() for a in agreements if a.strip()],
            join_code=code,
            opens_at=opens_at,
            closes_at=closes_at,
            dots_per_person=dots_per_person,
        )
        Prompt.objects.bulk_create(
            Prompt(circle=circle, text=text.strip(), position=position)
            for position, text in enumerate(p for p in prompts if p.strip())
        )
        audit_record(
            partnership=partnership, actor=created_by, action="circle.create", target=circle
        )
    return circle


def circle_move_to(*, circle: Circle, actor: Member, phase: str) -> Circle:
    """Move forward to any later phase; phases in between are skipped.

    Leaving the reflect step reseals the reflections; leaving the vote releases every dot
    still waiting; ending releases every mood still waiting and reseals again. Each runs in
    its own transaction, apart from the audit row that names the facilitator."""
    if phase not in PHASE_ORDER or PHASE_ORDER.index(phase) <= PHASE_ORDER.index(circle.phase):
        raise CircleError(_("A circle can only move on to a later step."))
    previous = circle.phase
    circle.phase = phase
    circle.save(update_fields=["phase"])
    _bump(circle)
    audit_record(
        partnership=circle.partnership, actor=actor, action=f"circle.phase.{phase}", target=circle
    )
    if previous == Phase.VOTE:
        pending_release(circle=circle, purpose=Purpose.DOTS, final=True)
    if phase == Phase.ENDED:
        circle_release_all(circle=circle)
    elif previous == Phase.REFLECT:
        reflections_reseal(circle=circle)
    return circle


def circle_release_all(*, circle: Circle) -> None:
    """At the end: every answer still waiting goes out, and the reflections are resealed."""
    for purpose in Purpose.values:
        pending_release(circle=circle, purpose=purpose, final=True)
    reflections_reseal(circle=circle)


def reflections_reseal(*, circle: Circle) -> int:
    """Delete and re-insert the circle's reflections in random order, in one transaction,
    with fresh keys and the same public ids and secret hashes: afterwards their xmin and ctid
    (PostgreSQL) and rowid (SQLite) say nothing about who posted when."""
    with transaction.atomic():
        Circle.objects.select_for_update().filter(pk=circle.pk).exists()
        rows = list(Reflection.objects.filter(circle=circle))
        if not rows:
            return 0
        Reflection.objects.filter(pk__in=[row.pk for row in rows]).delete()
        for row in rows:
            row.id = random_key()
        Reflection.objects.bulk_create(shuffled(rows))
    return len(rows)


def circles_release_due() -> int:
    """The mix, run by the worker (and `village release_pending`), never by a request: a
    batch of each kind of answer where enough wait, and everything left in circles that
    ended or closed by the clock, so a stopped server strands nothing. Returns how many
    circles had answers released."""
    due = Circle.objects.filter(pk__in=PendingAnswer.objects.values("circle_id"))
    count = 0
    for circle in due.select_related("partnership"):
        if circle.phase == Phase.ENDED or circle.closes_at <= timezone.now():
            circle_release_all(circle=circle)
            count += 1
        elif sum(pending_release(circle=circle, purpose=p) for p in Purpose.values):
            count += 1
    return count


def text_delete_expired(*, now: datetime | None = None) -> int:
    """Retention: delete the words of circles that closed longer ago than their partnership
    keeps raw text: each reflection's text and shown name, and each check-in word. The rows
    stay, so themes, dots, counts and actions are kept. One short transaction per circle.
    Returns how many circles lost text."""
    now = now or timezone.now()
    done = 0
    for partnership in Partnership.objects.all():
        expired = Circle.objects.filter(
            partnership=partnership,
            closes_at__lt=retention_cutoff(partnership=partnership, now=now),
        )
        with_text = expired.filter(
            Q(pk__in=Reflection.objects.exclude(text="", author_label="").values("circle_id"))
            | Q(pk__in=CheckIn.objects.exclude(word="").values("circle_id"))
        )
        for circle in with_text:
            with transaction.atomic():
                Reflection.objects.filter(circle=circle).update(text="", author_label="")
                CheckIn.objects.filter(circle=circle).exclude(word="").update(word="")
                audit_record(
                    partnership=partnership, actor=None, action="circle.retention", target=circle
                )
            done += 1
    return done


def _check_open(circle: Circle) -> None:
    now = timezone.now()
    if circle.phase == Phase.ENDED or now >= circle.closes_at:
        raise CircleError(_("This circle has closed."))
    if now < circle.opens_at:
        raise CircleError(_("This circle has not opened yet."))


def participant_join(*, circle: Circle, member: Member | None, browser_key: str) -> Participant:
    """Join once per member, or once per browser for guests. Joining twice is harmless."""
    _check_open(circle)
    lookup: dict[str, Any] = {"circle": circle}
    if member is not None and member.partnership_id == circle.partnership_id:
        lookup["member"] = member
    else:
        lookup["browser_hash"] = participant_hash(circle=circle, key=browser_key)
        if circle.guests_closed and not Participant.objects.filter(**lookup).exists():
            raise CircleError(
                _(
                    "This circle is not taking new guests now. "
                    "If you were expecting to join, ask the facilitator."
                )
            )
    try:
        with transaction.atomic():
            participant, _created = Participant.objects.get_or_create(**lookup)
    except IntegrityError:
        participant = Participant.objects.get(**lookup)
    return participant


def participant_hash(*, circle: Circle, key: str) -> str:
    return keyed_hash(key=key, purpose=f"circle:{circle.pk}:participant")


def reflection_secret(*, reflection_id: object, key: str) -> str:
    return keyed_hash(key=key, purpose=f"reflection:{reflection_id}")


def _marker(circle: Circle, participant: Participant, purpose: str) -> str:
    return dedupe_marker(
        participant_hash=f"participant:{participant.pk}", purpose=f"circle:{circle.pk}:{purpose}"
    )


def _sealed_context(circle: Circle, purpose: str) -> str:
    return f"circles.{purpose}:{circle.pk}"


def _pending(circle: Circle, participant: Participant, purpose: str) -> PendingAnswer | None:
    return PendingAnswer.objects.filter(
        circle=circle, purpose=purpose, marker=_marker(circle, participant, purpose)
    ).first()


def has_checked(*, circle: Circle, participant: Participant, moment: str) -> bool:
    """Answered already: waiting in the mix (by marker) or released (the done flag)."""
    done_field = "checked_in" if moment == Moment.ARRIVE else "checked_out"
    if Participant.objects.filter(pk=participant.pk, **{done_field: True}).exists():
        return True
    return _pending(circle, participant, moment) is not None


def checkin_record(
    *, circle: Circle, participant: Participant, moment: str, score: int, word: str = ""
) -> None:
    """An anonymous arrival or leaving score, sealed into the mix.

    Its transaction writes only the pending row; the mood reaches the check-in table, and
    the participant is marked done, in a later shuffled batch."""
    if moment == Moment.ARRIVE:
        _check_open(circle)
    elif circle.phase not in (Phase.CLOSE, Phase.ENDED):
        raise CircleError(_("Checking out opens at the end of the circle."))
    if not 1 <= score <= 5:
        raise CircleError(_("Choose a number from 1 to 5."))
    if has_checked(circle=circle, participant=participant, moment=moment):
        raise CircleError(_("You have already answered this."))
    payload = {"participant": participant.pk, "score": score, "word": word.strip()[:40]}
    try:
        with transaction.atomic():
            PendingAnswer.objects.create(
                circle=circle,
                purpose=moment,
                marker=_marker(circle, participant, moment),
                sealed=seal(payload=payload, context=_sealed_context(circle, moment)),
            )
    except IntegrityError as error:
        raise CircleError(_("You have already answered this.")) from error


def pending_release(*, circle: Circle, purpose: str, final: bool = False) -> int:
    """Release a shuffled batch of waiting moods or dots, in one transaction.

    Moods become check-in rows with fresh random keys, dots are added to the themes, the
    same transaction marks those participants done and deletes the pending rows, so a dump
    shows at most which batch an answer came in. Safe to re-run; ``final`` releases all."""
    with transaction.atomic():
        Circle.objects.select_for_update().filter(pk=circle.pk).exists()
        pending = list(PendingAnswer.objects.filter(circle=circle, purpose=purpose))
        size = release_size(
            pending=len(pending), minimum=circle.partnership.min_group_size, final=final
        )
        if not size:
            return 0
        batch = shuffled(pending)[:size]
        payloads = [
            unseal(sealed=row.sealed, context=_sealed_context(circle, purpose)) for row in batch
        ]
        if purpose == Purpose.DOTS:
            _dots_release(circle, payloads)
        else:
            today = timezone.localdate()
            CheckIn.objects.bulk_create(
                CheckIn(
                    circle=circle,
                    moment=purpose,
                    score=payload["score"],
                    word=payload["word"],
                    created_on=today,
                )
                for payload in payloads
            )
            done_field = "checked_in" if purpose == Moment.ARRIVE else "checked_out"
            Participant.objects.filter(
                circle=circle, pk__in=[payload["participant"] for payload in payloads]
            ).update(**{done_field: True})
        PendingAnswer.objects.filter(pk__in=[row.pk for row in batch]).delete()
    if purpose == Purpose.DOTS:
        _bump(circle)
    return size


def _dots_release(circle: Circle, payloads: Sequence[Mapping[str, Any]]) -> None:
    totals: Counter[int] = Counter()
    used: Counter[int] = Counter()
    for payload in payloads:
        for theme_id, count in payload["allocation"].items():
            totals[int(theme_id)] += count
            used[payload["participant"]] += count
    for theme_id, count in totals.items():
        Theme.objects.filter(pk=theme_id, circle=circle).update(dots=F("dots") + count)
    for participant_id, count in used.items():
        Participant.objects.filter(pk=participant_id, circle=circle).update(
            dots_used=F("dots_used") + count
        )


def _clean_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise CircleError(_("Write something before you post."))
    if len(cleaned) > REFLECTION_MAX_LENGTH:
        raise CircleError(
            _("Please keep it to %(max)s characters. This has %(count)s.")
            % {"max": f"{REFLECTION_MAX_LENGTH:,}", "count": f"{len(cleaned):,}"}
        )
    return cleaned


def reflection_create(
    *,
    circle: Circle,
    participant: Participant,
    prompt: Prompt,
    text: str,
    browser_key: str,
    author_label: str = "",
) -> Reflection:
    """Post a reflection. Anonymous unless the author gave a label to show."""
    _check_open(circle)
    if circle.phase != Phase.REFLECT:
        raise CircleError(_("Reflections are closed for now. Your words are still in the box."))
    if prompt.circle_id != circle.pk:
        raise CircleError(_("Choose one of this circle's prompts."))
    if participant.circle_id != circle.pk:
        raise CircleError(_("Join this circle first."))
    cleaned = _clean_text(text)
    reflection = Reflection(
        circle=circle,
        prompt=prompt,
        text=cleaned,
        author_label=author_label.strip()[:200],
        created_on=timezone.localdate(),
    )
    reflection.secret_hash = reflection_secret(reflection_id=reflection.public_id, key=browser_key)
    # One transaction: if the database goes away in between, neither happened, so the words
    # given back on the "not saved yet" page are saved exactly once when sent again.
    with transaction.atomic():
        reflection.save(force_insert=True)
        _bump(circle)
    return reflection


def _owned(reflection: Reflection, browser_key: str) -> None:
    expected = reflection_secret(reflection_id=reflection.public_id, key=browser_key)
    if expected != reflection.secret_hash:
        raise CircleError(_("Only the person who wrote this can change it, from the same device."))


def reflection_update(*, reflection: Reflection, browser_key: str, text: str) -> Reflection:
    _owned(reflection, browser_key)
    _check_open(reflection.circle)
    reflection.text = _clean_text(text)
    reflection.save(update_fields=["text"])
    _bump(reflection.circle)
    return reflection


def reflection_withdraw(*, reflection: Reflection, browser_key: str) -> None:
    _owned(reflection, browser_key)
    circle = reflection.circle
    reflection.delete()
    _bump(circle)


def theme_create(
    *, circle: Circle, actor: Member, name: str, reflection_ids: Sequence[str] = ()
) -> Theme:
    cleaned = name.strip()
    if not cleaned:
        raise CircleError(_("Give the theme a name."))
    with transaction.atomic():
        theme = Theme.objects.create(circle=circle, name=cleaned[:120])
        Reflection.objects.filter(circle=circle, public_id__in=list(reflection_ids)).update(
            theme=theme
        )
    _bump(circle)
    audit_record(partnership=circle.partnership, actor=actor, action="theme.create", target=theme)
    return theme


def reflections_group(
    *, circle: Circle, actor: Member, theme: Theme | None, reflection_ids: Sequence[str]
) -> int:
    """Put reflections into a theme, or back to ungrouped when theme is None."""
    if theme is not None and theme.circle_id != circle.pk:
        raise CircleError(_("Choose one of this circle's themes."))
    count = Reflection.objects.filter(circle=circle, public_id__in=list(reflection_ids)).update(
        theme=theme
    )
    _bump(circle)
    audit_record(
        partnership=circle.partnership, actor=actor, action="reflections.group", target=theme
    )
    return count


def theme_delete(*, theme: Theme, actor: Member) -> None:
    """Remove a theme; its reflections go back to ungrouped, nothing is lost."""
    circle = theme.circle
    audit_record(partnership=circle.partnership, actor=actor, action="theme.delete", target=theme)
    theme.delete()
    _bump(circle)


def _dots_waiting(circle: Circle, participant: Participant) -> dict[str, int]:
    row = _pending(circle, participant, Purpose.DOTS)
    if row is None:
        return {}
    allocation: dict[str, int] = unseal(
        sealed=row.sealed, context=_sealed_context(circle, Purpose.DOTS)
    )["allocation"]
    return allocation


def dots_left(*, circle: Circle, participant: Participant) -> int:
    """Dots this person can still give: counted ones and ones waiting in the mix."""
    used = Participant.objects.values_list("dots_used", flat=True).get(pk=participant.pk)
    waiting = sum(_dots_waiting(circle, participant).values())
    return max(circle.dots_per_person - used - waiting, 0)


def dots_cast(*, circle: Circle, participant: Participant, allocation: Mapping[int, int]) -> int:
    """Give dots to themes. They wait, sealed, in the mix (one pending row per person, added
    to on each cast) and reach the themes' counts in a shuffled batch: the transaction that
    stores them writes no participant row, and nobody learns whose dots are whose."""
    if circle.phase != Phase.VOTE:
        raise CircleError(_("Voting is not open now."))
    if any(count < 0 for count in allocation.values()):
        raise CircleError(_("Dots cannot be negative."))
    wanted = sum(allocation.values())
    if wanted == 0:
        raise CircleError(_("Give at least one dot."))
    themes = set(Theme.objects.filter(circle=circle).values_list("pk", flat=True))
    if not set(allocation) <= themes:
        raise CircleError(_("Choose from this circle's themes."))
    marker = _marker(circle, participant, Purpose.DOTS)
    context = _sealed_context(circle, Purpose.DOTS)
    try:
        with transaction.atomic():
            row = (
                PendingAnswer.objects.select_for_update()
                .filter(circle=circle, purpose=Purpose.DOTS, marker=marker)
                .first()
            )
            waiting: Counter[str] = Counter(
                unseal(sealed=row.sealed, context=context)["allocation"] if row else {}
            )
            used = Participant.objects.values_list("dots_used", flat=True).get(pk=participant.pk)
            left = circle.dots_per_person - used - sum(waiting.values())
            if wanted > left:
                raise CircleError(_("You have %(left)s dots left.") % {"left": max(left, 0)})
            waiting.update({str(theme_id): count for theme_id, count in allocation.items()})
            payload = {"participant": participant.pk, "allocation": dict(waiting)}
            if row is None:
                row = PendingAnswer(circle=circle, purpose=Purpose.DOTS, marker=marker)
            row.sealed = seal(payload=payload, context=context)
            row.save()
    except IntegrityError as error:
        raise CircleError(_("Your dots were not counted. Please try again.")) from error
    return wanted


def action_create(
    *,
    circle: Circle,
    actor: Member,
    text: str,
    owner_agency: Agency,
    due_on: date,
    theme: Theme | None = None,
) -> Action:
    cleaned = text.strip()
    if not cleaned:
        raise CircleError(_("Say what the action is."))
    if owner_agency.partnership_id != circle.partnership_id:
        raise CircleError(_("Choose an agency in this partnership."))
    if theme is not None and theme.circle_id != circle.pk:
        raise CircleError(_("Choose one of this circle's themes."))
    action = Action.objects.create(
        circle=circle, text=cleaned[:500], owner_agency=owner_agency, due_on=due_on, theme=theme
    )
    _bump(circle)
    audit_record(partnership=circle.partnership, actor=actor, action="action.create", target=action)
    return action


def action_delete(*, action: Action, actor: Member) -> None:
    circle = action.circle
    audit_record(partnership=circle.partnership, actor=actor, action="action.delete", target=action)
    action.delete()
    _bump(circle)


def circle_guests_set(*, circle: Circle, actor: Member, open_to_guests: bool) -> Circle:
    """Close a circle to new guests, or open it again. Guests already in stay in."""
    circle.guests_closed = not open_to_guests
    circle.save(update_fields=["guests_closed"])
    _bump(circle)
    action = "circle.guests.open" if open_to_guests else "circle.guests.close"
    audit_record(partnership=circle.partnership, actor=actor, action=action, target=circle)
    return circle


def pause_request(*, circle: Circle) -> None:
    """An anonymous signal: only a count, no person and no time."""
    Circle.objects.filter(pk=circle.pk).update(
        pause_requests=F("pause_requests") + 1, version=F("version") + 1
    )


def pauses_acknowledge(*, circle: Circle, actor: Member) -> None:
    Circle.objects.filter(pk=circle.pk).update(pauses_seen=F("pause_requests"))
    audit_record(
        partnership=circle.partnership, actor=actor, action="circle.pause.seen", target=circle
    )
