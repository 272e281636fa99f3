"""Safe-space circles.

Reflections and check-ins are anonymous rows: a random integer key that is also the SQLite
rowid (so neither the key nor the hidden rowid counts the order of writing), no link to a
member, guest, IP or user agent, and only the day. Who took part lives in Participant, with
no key that joins it to what they said.

Check-in moods and dots are shown only in aggregate, so they pass through a mix: each waits
sealed in PendingAnswer and is released in a shuffled batch, in one transaction that also
marks those participants done. Reflections are shown one by one as they are posted, so they
cannot wait; instead they are resealed (deleted and re-inserted in random order, same public
ids) when the reflect step ends and when the circle ends, so PostgreSQL's xmin and ctid stop
carrying posting order.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from village.anonymity import RandomKeyField

REFLECTION_MAX_LENGTH = 2000
CHECKIN_WORD_MAX_LENGTH = 40


class Phase(models.TextChoices):
    REFLECT = "reflect", _("Reflect")
    GROUP = "group", _("Group into themes")
    VOTE = "vote", _("Vote")
    ACT = "act", _("Agree actions")
    CLOSE = "close", _("Check out")
    ENDED = "ended", _("Ended")


PHASE_ORDER: tuple[str, ...] = tuple(Phase.values)


class Moment(models.TextChoices):
    ARRIVE = "arrive", _("Arriving")
    LEAVE = "leave", _("Leaving")


class Circle(models.Model):
    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.CASCADE, related_name="circles"
    )
    title = models.CharField(_("title"), max_length=150)
    purpose = models.TextField(_("purpose"), max_length=1000)
    agreements = models.JSONField(default=list)
    join_code = models.CharField(max_length=12, unique=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.REFLECT)
    dots_per_person = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    created_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The member who leads this circle: they facilitate it (and no other circle) whatever their
    # roles. Set by another app's service that has decided so (a learning space's facilitator
    # now); see services.circle_create and circles_lead_hand_on.
    led_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)
    pause_requests = models.PositiveIntegerField(default=0)
    pauses_seen = models.PositiveIntegerField(default=0)
    guests_closed = models.BooleanField(default=False)
    # A debrief has no themes or votes: its steps skip grouping and voting.
    uses_themes = models.BooleanField(default=True)
    # Support is shown above everything else (a debrief after a hard day), not only beside it.
    support_first = models.BooleanField(default=False)
    # The last grouping change, so the facilitator can undo it: reflection public ids with the
    # theme each was in before (None for ungrouped), and a removed theme's name.
    grouping_undo = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-opens_at"]

    def __str__(self) -> str:
        return self.title


class Prompt(models.Model):
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="prompts")
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class Participant(models.Model):
    """That someone took part, never what they said. A guest is a keyed hash of a browser key."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(
        "people.Member", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    browser_hash = models.CharField(max_length=64, blank=True)
    dots_used = models.PositiveSmallIntegerField(default=0)
    checked_in = models.BooleanField(default=False)
    checked_out = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["circle", "member"],
                condition=models.Q(member__isnull=False),
                name="participant_member_once",
            ),
            models.UniqueConstraint(
                fields=["circle", "browser_hash"],
                condition=~models.Q(browser_hash=""),
                name="participant_browser_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Participant in {self.circle_id}"


class Theme(models.Model):
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=120)
    dots = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-dots", "name"]

    def __str__(self) -> str:
        return self.name


class Reflection(models.Model):
    id = RandomKeyField(primary_key=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No database constraint on these two (Django still deletes a circle's reflections with
    # it): on PostgreSQL, each insert checking the constraint share-locked the circle and
    # prompt rows, and a busy circle's posts, overlapping on those rows while the circle's
    # version was bumped, queued on PostgreSQL's shared-lock bookkeeping (MultiXact).
    circle = models.ForeignKey(
        Circle, on_delete=models.CASCADE, related_name="reflections", db_constraint=False
    )
    prompt = models.ForeignKey(
        Prompt, on_delete=models.CASCADE, related_name="reflections", db_constraint=False
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="reflections"
    )
    text = models.TextField(max_length=REFLECTION_MAX_LENGTH)
    author_label = models.CharField(max_length=200, blank=True)
    secret_hash = models.CharField(max_length=64)
    created_on = models.DateField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Reflection {self.pk}"


class CheckIn(models.Model):
    id = RandomKeyField(primary_key=True)
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="checkins")
    moment = models.CharField(max_length=6, choices=Moment.choices)
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    word = models.CharField(max_length=CHECKIN_WORD_MAX_LENGTH, blank=True)
    created_on = models.DateField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.moment} {self.score}"


class Purpose(models.TextChoices):
    """What a pending answer is: an arrival or leaving mood, or dots."""

    ARRIVE = "arrive", _("Arriving")
    LEAVE = "leave", _("Leaving")
    DOTS = "dots", _("Dots")


class PendingAnswer(models.Model):
    """A mood or dots waiting in the mix, sealed with a key the database never holds.

    The marker is a server-keyed hash of the participant's own hash and the purpose, so one
    person has one pending answer per purpose and a dump cannot join it to Participant."""

    id = RandomKeyField(primary_key=True)
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="pending")
    purpose = models.CharField(max_length=6, choices=Purpose.choices)
    marker = models.CharField(max_length=64)
    sealed = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["circle", "purpose", "marker"], name="pending_answer_once"
            )
        ]

    def __str__(self) -> str:
        return f"Pending {self.purpose} for {self.circle_id}"


class CircleTemplate(models.Model):
    """A partnership's own starting point for new circles, saved by a facilitator or admin.

    Village's built-in templates live in code (circles/starters.py); these sit beside them."""

    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.CASCADE, related_name="circle_templates"
    )
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    purpose = models.TextField(max_length=1000)
    agreements = models.JSONField(default=list)
    prompts = models.JSONField(default=list)
    uses_themes = models.BooleanField(default=True)
    support_first = models.BooleanField(default=False)
    dots_per_person = models.PositiveSmallIntegerField(default=3)
    minutes = models.PositiveSmallIntegerField(default=120)
    created_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"], name="circle_template_name_once"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Action(models.Model):
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="actions")
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    text = models.CharField(max_length=500)
    owner_agency = models.ForeignKey(
        "people.Agency", on_delete=models.PROTECT, related_name="circle_actions"
    )
    due_on = models.DateField()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.text
