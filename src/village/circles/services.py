"""Every write to circles. Views call these; nothing else writes circle rows."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from village.anonymity import dedupe_marker, random_key, release_size, seal, shuffled, unseal
from village.circles import changes, policy, selectors
from village.circles.changes import changed
from village.circles.keys import participant_hash, reflection_secret
from village.circles.models import (
    PHASE_ORDER,
    REFLECTION_MAX_LENGTH,
    Action,
    CheckIn,
    Circle,
    CircleTemplate,
    Moment,
    Participant,
    PendingAnswer,
    Phase,
    Prompt,
    Purpose,
    Reflection,
    Theme,
)
from village.circles.policy import Act, CircleError
from village.people import join_codes
from village.people.models import Agency, Member, Partnership
from village.people.services import audit_record
from village.retention import retention_cutoff


def _check(act: Act, circle: Circle, actor: Member | None) -> None:
    """The policy's answer for someone acting as a member (or a guest, when None)."""
    policy.check(act=act, circle=circle, people=policy.people_of(member=actor, circle=circle))


def _check_participant(act: Act, circle: Circle, participant: Participant) -> None:
    """The policy's answer for someone who has joined: by their roles, or as a guest."""
    if participant.circle_id != circle.pk:
        raise CircleError(_("Join this circle first."))
    member = participant.member if participant.member_id else None
    policy.check(act=act, circle=circle, people=policy.people_of(member=member, circle=circle))


def can_run_circles(*, member: Member | None, partnership: Partnership) -> bool:
    """Facilitators and admins start circles and save templates in their own partnership."""
    return bool(
        member is not None
        and member.is_active
        and member.partnership_id == partnership.pk
        and member.has_role(*policy.RUNS)
    )


def _check_runs(member: Member, partnership: Partnership) -> None:
    if not can_run_circles(member=member, partnership=partnership):
        raise CircleError(_("Only a facilitator or an admin can do this."))


def _check_lead(member: Member, partnership_id: int) -> None:
    if not policy.may_lead(member=member, partnership_id=partnership_id):
        raise CircleError(_("A circle is led by someone in its partnership who takes part."))


def circles_lead_hand_on(
    *, circles: Sequence[Circle], led_by: Member | None, actor: Member | None
) -> int:
    """The circles among these that are still open are led by ``led_by`` from now (nobody,
    when None: the partnership's facilitators and admins still run them). Ended circles keep
    the lead they ended with, as the record of who led them. Returns how many moved.

    The same trust as ``circle_create``'s ``led_by``: only another app's service calls this,
    after its own policy has decided (the hub: a learning space's role has passed on). A lead
    from another partnership is refused; one who has left or only observes is kept as the
    lead but runs nothing (``policy.people_of`` asks again on every act)."""
    if not circles:
        return 0
    if led_by is not None and any(c.partnership_id != led_by.partnership_id for c in circles):
        raise CircleError(_("A circle is led by someone in its partnership who takes part."))
    moving = list(
        Circle.objects.filter(
            pk__in=[circle.pk for circle in circles], closes_at__gt=timezone.now()
        )
        .exclude(phase=Phase.ENDED)
        .exclude(led_by=led_by)
        .select_related("partnership")
    )
    with transaction.atomic():
        Circle.objects.filter(pk__in=[circle.pk for circle in moving]).update(led_by=led_by)
        for circle in moving:
            audit_record(
                partnership=circle.partnership, actor=actor, action="circle.lead", target=circle
            )
    return len(moving)


def _lines(values: Sequence[str]) -> list[str]:
    return [value.strip() for value in values if value.strip()]


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
    uses_themes: bool = True,
    support_first: bool = False,
    led_by: Member | None = None,
) -> Circle:
    """A new circle. Only a facilitator or an admin may create one, unless it is made for
    ``led_by`` to lead: then they facilitate this circle (and no other) whatever their roles.

    ``led_by`` is a matter of trust between apps: the circles pages never pass it, and a
    caller passes it only after its own policy has decided that this member leads (the hub:
    the member whose turn it is to facilitate a learning space, who is also ``created_by``).
    Here it is checked only that the lead is an active member of the partnership who takes
    part in circles (not an observer), and that whoever makes a circle for someone else to
    lead is a facilitator or an admin."""
    if led_by is None or led_by.pk != created_by.pk:
        _check_runs(created_by, partnership)
    if led_by is not None:
        _check_lead(led_by, partnership.pk)
    if closes_at <= opens_at:
        raise CircleError(_("The closing time must be after the opening time."))
    if closes_at <= timezone.now():
        raise CircleError(_("The closing time has passed. Choose a time later than now."))
    if not _lines(prompts):
        raise CircleError(_("Add at least one prompt."))
    code = join_codes.new_code(taken=lambda c: Circle.objects.filter(join_code=c).exists())
    if code is None:
        raise CircleError(_("We could not make a join code just now. Please try again."))
    with transaction.atomic():
        circle = Circle.objects.create(
            partnership=partnership,
            created_by=created_by,
            title=title.strip(),
            purpose=purpose.strip(),
            agreements=_lines(agreements),
            join_code=code,
            opens_at=opens_at,
            closes_at=closes_at,
            dots_per_person=dots_per_person,
            uses_themes=uses_themes,
            support_first=support_first,
            led_by=led_by,
        )
        Prompt.objects.bulk_create(
            Prompt(circle=circle, text=text, position=position)
            for position, text in enumerate(_lines(prompts))
        )
        audit_record(
            partnership=partnership, actor=created_by, action="circle.create", target=circle
        )
    return circle


def circle_move_to(*, circle: Circle, actor: Member, phase: str) -> Circle:
    """Move forward to any later step of this circle; steps in between are skipped.

    Leaving the reflect step reseals the reflections; leaving the vote releases every dot
    still waiting; ending releases every mood still waiting and reseals again. Each runs in
    its own transaction, apart from the audit row that names the facilitator."""
    _check(Act.MOVE_PHASE, circle, actor)
    steps = policy.steps_of(circle)
    if phase not in steps or PHASE_ORDER.index(phase) <= PHASE_ORDER.index(circle.phase):
        raise CircleError(_("A circle can only move on to a later step."))
    previous = circle.phase
    with transaction.atomic():
        circle.phase = phase
        circle.grouping_undo = {}
        circle.save(update_fields=["phase", "grouping_undo"])
        changed(circle, (changes.STEP, phase))
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


def participant_join(*, circle: Circle, member: Member | None, browser_key: str) -> Participant:
    """Join once per member, or once per browser for guests. Joining twice is harmless."""
    people = policy.people_of(member=member, circle=circle)
    policy.check(act=Act.JOIN, circle=circle, people=people, joined=False)
    lookup: dict[str, Any] = {"circle": circle}
    if policy.Person.GUEST in people:
        lookup["browser_hash"] = participant_hash(circle_id=circle.pk, key=browser_key)
        if circle.guests_closed and not Participant.objects.filter(**lookup).exists():
            raise CircleError(
                _(
                    "This circle is not taking new guests now. "
                    "If you were expecting to join, ask the facilitator."
                )
            )
    else:
        lookup["member"] = member
    try:
        with transaction.atomic():
            participant, created = Participant.objects.get_or_create(**lookup)
            if created:
                changed(circle, (changes.ROOM, ""))
    except IntegrityError:
        participant = Participant.objects.get(**lookup)
    return participant


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
    if moment not in Moment.values:
        raise CircleError(_("Choose arriving or leaving."))
    act = Act.CHECK_IN if moment == Moment.ARRIVE else Act.CHECK_OUT
    _check_participant(act, circle, participant)
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
    shows at most which batch an answer came in. Safe to re-run; ``final`` releases all.

    Only the waiting answers are locked, not the circle: every post moves the circle's version
    on, and a post must never wait for a large batch. Answers another release holds are
    skipped, so two workers never release the same answer."""
    with transaction.atomic():
        pending = list(
            PendingAnswer.objects.select_for_update(skip_locked=True).filter(
                circle=circle, purpose=purpose
            )
        )
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
        changed(circle, *((changes.THEME, str(theme_id)) for theme_id in _themes_in(payloads)))
    return size


def _themes_in(payloads: Sequence[Mapping[str, Any]]) -> set[int]:
    return {int(theme_id) for payload in payloads for theme_id in payload["allocation"]}


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
    _check_participant(Act.POST_REFLECTION, circle, participant)
    if prompt.circle_id != circle.pk:
        raise CircleError(_("Choose one of this circle's prompts."))
    cleaned = _clean_text(text)
    reflection = Reflection(
        circle=circle,
        prompt=prompt,
        text=cleaned,
        author_label=author_label.strip()[:200],
        created_on=timezone.localdate(),
    )
    reflection.secret_hash = reflection_secret(reflection_id=reflection.public_id, key=browser_key)
    # Saved in a transaction of its own; live pages are told after, without holding up the
    # next post (see changed_after).
    reflection.save(force_insert=True)
    changes.changed_after(circle, (changes.NEW, str(reflection.public_id)))
    return reflection


def _owned(reflection: Reflection, browser_key: str) -> None:
    expected = reflection_secret(reflection_id=reflection.public_id, key=browser_key)
    if expected != reflection.secret_hash:
        raise CircleError(_("Only the person who wrote this can change it, from the same device."))


def reflection_update(
    *, reflection: Reflection, participant: Participant, browser_key: str, text: str
) -> Reflection:
    """Change the words of one's own reflection, while the circle is still reflecting."""
    circle = reflection.circle
    _check_participant(Act.EDIT_REFLECTION, circle, participant)
    _owned(reflection, browser_key)
    reflection.text = _clean_text(text)
    with transaction.atomic():
        reflection.save(update_fields=["text"])
        changed(circle, (changes.EDIT, str(reflection.public_id)))
    return reflection


def reflection_withdraw(
    *, reflection: Reflection, participant: Participant, browser_key: str
) -> None:
    """Take one's own reflection back, for everyone, until voting starts."""
    circle = reflection.circle
    _check_participant(Act.WITHDRAW_REFLECTION, circle, participant)
    _owned(reflection, browser_key)
    with transaction.atomic():
        reflection.delete()
        changed(circle, (changes.GONE, str(reflection.public_id)))


def _theme_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise CircleError(_("Give the theme a name."))
    if len(cleaned) > 120:
        raise CircleError(_("Keep the theme's name to 120 characters."))
    return cleaned


def _move_notes(public_ids: Sequence[object]) -> tuple[tuple[str, str], ...]:
    return tuple((changes.MOVE, str(public_id)) for public_id in public_ids)


def theme_create(
    *, circle: Circle, actor: Member, name: str, reflection_ids: Sequence[str] = ()
) -> Theme:
    """A new theme, empty or with the reflections given (the demo seeds themes this way)."""
    _check(Act.CREATE_THEME, circle, actor)
    cleaned = _theme_name(name)
    if Theme.objects.filter(circle=circle, name__iexact=cleaned).exists():
        raise CircleError(_("There is already a theme with that name."))
    with transaction.atomic():
        theme = Theme.objects.create(circle=circle, name=cleaned)
        moved = list(
            Reflection.objects.filter(
                circle=circle, public_id__in=_uuids(reflection_ids)
            ).values_list("public_id", flat=True)
        )
        Reflection.objects.filter(circle=circle, public_id__in=moved).update(theme=theme)
        changed(circle, (changes.NEW_THEME, str(theme.pk)), *_move_notes(moved))
    audit_record(partnership=circle.partnership, actor=actor, action="theme.create", target=theme)
    return theme


def theme_rename(*, theme: Theme, actor: Member, name: str) -> Theme:
    circle = theme.circle
    _check(Act.RENAME_THEME, circle, actor)
    cleaned = _theme_name(name)
    if Theme.objects.filter(circle=circle, name__iexact=cleaned).exclude(pk=theme.pk).exists():
        raise CircleError(_("There is already a theme with that name."))
    with transaction.atomic():
        theme.name = cleaned
        theme.save(update_fields=["name"])
        changed(circle, (changes.THEME, str(theme.pk)))
    audit_record(partnership=circle.partnership, actor=actor, action="theme.rename", target=theme)
    return theme


def _uuids(values: Sequence[str]) -> list[uuid.UUID]:
    """The values that are reflection ids; anything else (a typo, an attack) matches nothing."""
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


def reflections_group(
    *, circle: Circle, actor: Member, theme: Theme | None, reflection_ids: Sequence[str]
) -> int:
    """Put reflections into a theme, or back to ungrouped when theme is None.

    What each was in before is kept, so the facilitator can undo this move."""
    _check(Act.GROUP, circle, actor)
    if theme is not None and theme.circle_id != circle.pk:
        raise CircleError(_("Choose one of this circle's themes."))
    target = theme.pk if theme is not None else None
    with transaction.atomic():
        before = {
            str(public_id): theme_id
            for public_id, theme_id in Reflection.objects.filter(
                circle=circle, public_id__in=_uuids(reflection_ids)
            )
            .exclude(_in_theme(target))
            .values_list("public_id", "theme_id")
        }
        if not before:
            return 0
        Reflection.objects.filter(circle=circle, public_id__in=list(before)).update(theme=theme)
        _remember(circle, {"moved": before, "to": target})
        changed(circle, (changes.UNDO, ""), *_move_notes(list(before)))
    audit_record(
        partnership=circle.partnership, actor=actor, action="reflections.group", target=theme
    )
    return len(before)


def _in_theme(theme_id: int | None) -> Q:
    return Q(theme__isnull=True) if theme_id is None else Q(theme_id=theme_id)


def _remember(circle: Circle, undo: dict[str, Any]) -> None:
    Circle.objects.filter(pk=circle.pk).update(grouping_undo=undo)
    circle.grouping_undo = undo


def theme_delete(*, theme: Theme, actor: Member) -> None:
    """Remove a theme; its reflections go back to ungrouped, and the removal can be undone."""
    circle = theme.circle
    _check(Act.DELETE_THEME, circle, actor)
    with transaction.atomic():
        held = [
            str(public_id) for public_id in theme.reflections.values_list("public_id", flat=True)
        ]
        audit_record(
            partnership=circle.partnership, actor=actor, action="theme.delete", target=theme
        )
        notes = ((changes.GONE_THEME, str(theme.pk)), (changes.UNDO, ""), *_move_notes(held))
        theme.delete()
        _remember(circle, {"removed_theme": theme.name, "moved": dict.fromkeys(held)})
        changed(circle, *notes)


def grouping_undo(*, circle: Circle, actor: Member) -> int:
    """Undo the last grouping change: reflections go back where they were (those still where
    the change put them), and a removed theme comes back with them. Returns how many moved."""
    _check(Act.UNDO_GROUPING, circle, actor)
    with transaction.atomic():
        Circle.objects.select_for_update().filter(pk=circle.pk).exists()
        undo = Circle.objects.values_list("grouping_undo", flat=True).get(pk=circle.pk) or {}
        if not undo:
            raise CircleError(_("There is nothing to undo."))
        notes: list[tuple[str, str]] = [(changes.UNDO, "")]
        restored: Theme | None = None
        if undo.get("removed_theme"):
            restored = Theme.objects.create(
                circle=circle, name=_free_name(circle, undo["removed_theme"])
            )
            notes.append((changes.NEW_THEME, str(restored.pk)))
        moved = 0
        for public_id, previous in undo.get("moved", {}).items():
            now_in = undo.get("to") if restored is None else None
            back_to = restored.pk if restored is not None else previous
            if back_to is not None and not Theme.objects.filter(pk=back_to, circle=circle).exists():
                back_to = None
            moved += (
                Reflection.objects.filter(circle=circle, public_id__in=_uuids([public_id]))
                .filter(_in_theme(now_in))
                .update(theme_id=back_to)
            )
            notes.append((changes.MOVE, public_id))
        _remember(circle, {})
        changed(circle, *notes)
    audit_record(partnership=circle.partnership, actor=actor, action="reflections.group.undo")
    return moved


def _free_name(circle: Circle, name: str) -> str:
    """The name again, or with a number if a theme of that name was made since."""
    taken = {
        n.casefold() for n in Theme.objects.filter(circle=circle).values_list("name", flat=True)
    }
    candidate, number = name, 2
    while candidate.casefold() in taken:
        candidate, number = f"{name} ({number})", number + 1
    return candidate[:120]


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
    stores them writes no participant row, and nobody learns whose dots are whose. Only a
    theme with reflections in it can be given dots."""
    _check_participant(Act.GIVE_DOTS, circle, participant)
    if any(count < 0 for count in allocation.values()):
        raise CircleError(_("Dots cannot be negative."))
    wanted = sum(allocation.values())
    if wanted == 0:
        raise CircleError(_("Give at least one dot."))
    votable = set(selectors.votable_themes(circle=circle).values_list("pk", flat=True))
    if not {theme for theme, count in allocation.items() if count} <= votable:
        raise CircleError(_("Choose from this circle's themes that have reflections in them."))
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


def _action_words(text: str) -> str:
    """An action's words as compared for duplicates: case, spacing and end punctuation aside."""
    return re.sub(r"[\s.!]+$", "", " ".join(text.split())).casefold()


def action_create(
    *,
    circle: Circle,
    actor: Member,
    text: str,
    owner_agency: Agency,
    due_on: date,
    theme: Theme | None = None,
) -> Action:
    _check(Act.ADD_ACTION, circle, actor)
    cleaned = " ".join(text.split())
    if not cleaned:
        raise CircleError(_("Say what the action is."))
    if len(cleaned) > 500:
        raise CircleError(_("Keep the action to 500 characters."))
    if owner_agency.partnership_id != circle.partnership_id:
        raise CircleError(_("Choose an agency in this partnership."))
    if theme is not None and theme.circle_id != circle.pk:
        raise CircleError(_("Choose one of this circle's themes."))
    if due_on < timezone.localdate():
        raise CircleError(_("The due date has passed. Choose today or a later date."))
    words = _action_words(cleaned)
    if any(
        _action_words(other) == words for other in circle.actions.values_list("text", flat=True)
    ):
        raise CircleError(_("This action is already on the list."))
    with transaction.atomic():
        action = Action.objects.create(
            circle=circle, text=cleaned, owner_agency=owner_agency, due_on=due_on, theme=theme
        )
        changed(circle, (changes.ACTIONS, ""))
    audit_record(partnership=circle.partnership, actor=actor, action="action.create", target=action)
    return action


def action_delete(*, action: Action, actor: Member) -> None:
    circle = action.circle
    _check(Act.DELETE_ACTION, circle, actor)
    audit_record(partnership=circle.partnership, actor=actor, action="action.delete", target=action)
    with transaction.atomic():
        action.delete()
        changed(circle, (changes.ACTIONS, ""))


def circle_guests_set(*, circle: Circle, actor: Member, open_to_guests: bool) -> Circle:
    """Close a circle to new guests, or open it again. Guests already in stay in."""
    _check(Act.SET_GUESTS, circle, actor)
    with transaction.atomic():
        circle.guests_closed = not open_to_guests
        circle.save(update_fields=["guests_closed"])
        changed(circle, (changes.ROOM, ""))
    action = "circle.guests.open" if open_to_guests else "circle.guests.close"
    audit_record(partnership=circle.partnership, actor=actor, action=action, target=circle)
    return circle


def pause_request(*, circle: Circle, participant: Participant) -> None:
    """An anonymous signal: only a count, no person and no time."""
    _check_participant(Act.ASK_PAUSE, circle, participant)
    with transaction.atomic():
        Circle.objects.filter(pk=circle.pk).update(pause_requests=F("pause_requests") + 1)
        changed(circle, (changes.ROOM, ""))


def pauses_acknowledge(*, circle: Circle, actor: Member) -> None:
    _check(Act.ACKNOWLEDGE_PAUSE, circle, actor)
    with transaction.atomic():
        Circle.objects.filter(pk=circle.pk).update(pauses_seen=F("pause_requests"))
        changed(circle, (changes.ROOM, ""))
    audit_record(
        partnership=circle.partnership, actor=actor, action="circle.pause.seen", target=circle
    )


def template_save(
    *,
    partnership: Partnership,
    actor: Member,
    name: str,
    description: str = "",
    purpose: str,
    agreements: Sequence[str],
    prompts: Sequence[str],
    uses_themes: bool,
    support_first: bool,
    dots_per_person: int,
    minutes: int,
) -> CircleTemplate:
    """Save a partnership's own template; saving under a name it already has replaces it."""
    _check_runs(actor, partnership)
    cleaned = " ".join(name.split())
    if not cleaned:
        raise CircleError(_("Give the template a name."))
    if not _lines(prompts):
        raise CircleError(_("Add at least one prompt."))
    values = {
        "description": description.strip()[:300],
        "purpose": purpose.strip(),
        "agreements": _lines(agreements),
        "prompts": _lines(prompts),
        "uses_themes": uses_themes,
        "support_first": support_first,
        "dots_per_person": dots_per_person,
        "minutes": minutes,
        "created_by": actor,
    }
    with transaction.atomic():
        template = CircleTemplate.objects.filter(
            partnership=partnership, name__iexact=cleaned[:120]
        ).first()
        if template is None:
            template = CircleTemplate(partnership=partnership, name=cleaned[:120])
        for field, value in values.items():
            setattr(template, field, value)
        template.save()
        audit_record(
            partnership=partnership, actor=actor, action="circle_template.save", target=template
        )
    return template


def template_delete(*, template: CircleTemplate, actor: Member) -> None:
    _check_runs(actor, template.partnership)
    audit_record(
        partnership=template.partnership,
        actor=actor,
        action="circle_template.delete",
        target=template,
    )
    template.delete()
