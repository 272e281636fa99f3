"""Every write to circles. Views call these; nothing else writes circle rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from village.circles.models import (
    PHASE_ORDER,
    REFLECTION_MAX_LENGTH,
    Action,
    CheckIn,
    Circle,
    Moment,
    Participant,
    Phase,
    Prompt,
    Reflection,
    Theme,
)
from village.people import join_codes
from village.people.browser_key import keyed_hash
from village.people.models import Agency, Member, Partnership
from village.people.services import audit_record

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


class CircleError(Exception):
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
    """Move forward to any later phase; phases in between are skipped."""
    if phase not in PHASE_ORDER or PHASE_ORDER.index(phase) <= PHASE_ORDER.index(circle.phase):
        raise CircleError(_("A circle can only move on to a later step."))
    circle.phase = phase
    circle.save(update_fields=["phase"])
    _bump(circle)
    audit_record(
        partnership=circle.partnership, actor=actor, action=f"circle.phase.{phase}", target=circle
    )
    return circle


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


def checkin_record(
    *, circle: Circle, participant: Participant, moment: str, score: int, word: str = ""
) -> CheckIn:
    """An anonymous arrival or leaving score; the participant row only learns that it happened."""
    if moment == Moment.ARRIVE:
        _check_open(circle)
    elif circle.phase not in (Phase.CLOSE, Phase.ENDED):
        raise CircleError(_("Checking out opens at the end of the circle."))
    if not 1 <= score <= 5:
        raise CircleError(_("Choose a number from 1 to 5."))
    done_field = "checked_in" if moment == Moment.ARRIVE else "checked_out"
    with transaction.atomic():
        updated = Participant.objects.filter(pk=participant.pk, **{done_field: False}).update(
            **{done_field: True}
        )
        if not updated:
            raise CircleError(_("You have already answered this."))
        checkin = CheckIn.objects.create(
            circle=circle,
            moment=moment,
            score=score,
            word=word.strip()[:40],
            created_on=timezone.localdate(),
        )
    return checkin


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
    reflection.secret_hash = reflection_secret(reflection_id=reflection.id, key=browser_key)
    # One transaction: if the database goes away in between, neither happened, so the words
    # given back on the "not saved yet" page are saved exactly once when sent again.
    with transaction.atomic():
        reflection.save(force_insert=True)
        _bump(circle)
    return reflection


def _owned(reflection: Reflection, browser_key: str) -> None:
    if reflection_secret(reflection_id=reflection.id, key=browser_key) != reflection.secret_hash:
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
        Reflection.objects.filter(circle=circle, id__in=list(reflection_ids)).update(theme=theme)
    _bump(circle)
    audit_record(partnership=circle.partnership, actor=actor, action="theme.create", target=theme)
    return theme


def reflections_group(
    *, circle: Circle, actor: Member, theme: Theme | None, reflection_ids: Sequence[str]
) -> int:
    """Put reflections into a theme, or back to ungrouped when theme is None."""
    if theme is not None and theme.circle_id != circle.pk:
        raise CircleError(_("Choose one of this circle's themes."))
    count = Reflection.objects.filter(circle=circle, id__in=list(reflection_ids)).update(
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


def dots_cast(*, circle: Circle, participant: Participant, allocation: Mapping[int, int]) -> int:
    """Give dots to themes in one go. The themes learn counts; nobody learns whose dots."""
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
    with transaction.atomic():
        updated = Participant.objects.filter(
            pk=participant.pk, dots_used__lte=circle.dots_per_person - wanted
        ).update(dots_used=F("dots_used") + wanted)
        if not updated:
            participant.refresh_from_db(fields=["dots_used"])
            raise CircleError(
                _("You have %(left)s dots left.")
                % {"left": max(circle.dots_per_person - participant.dots_used, 0)}
            )
        participant.dots_used += wanted
        for theme_id, count in allocation.items():
            if count:
                Theme.objects.filter(pk=theme_id).update(dots=F("dots") + count)
    _bump(circle)
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
