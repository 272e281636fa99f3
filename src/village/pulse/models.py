"""Wellbeing check-in rounds.

Who was asked (AudienceSnapshot), who took part (Participation) and what was said (Response)
are kept apart. A submitted answer first waits, sealed, in PendingResponse (the mix); it is
released into Response in shuffled batches of at least the minimum group size, in one
transaction that also marks those people's Participation done, so a dump shows at most which
batch an answer came in. A Response has a random integer key (the SQLite rowid), the day
only, and no link to a member, participation, guest, IP address or browser. Its attributes
are {"audience": "guest"} for a guest, and for a member the snapshot taken when the round
opened, coarsened so at least the minimum group size of the snapshot share them. A Draft
is keyed by a hash of the browser's key with its own purpose, so it cannot be joined to the
Participation row (whose guest hash has a different purpose) without the browser's key.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from village.anonymity import RandomKeyField

COMMENT_MAX_LENGTH = 2000
NOT_GIVEN = "unknown"
NO_TEAM = "none"


class Round(models.Model):
    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.CASCADE, related_name="pulse_rounds"
    )
    title = models.CharField(_("title"), max_length=150)
    instruments = models.JSONField(default=list)
    comment_question = models.CharField(_("comment question"), max_length=300, blank=True)
    round_code = models.CharField(max_length=12, unique=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    audience_agencies = models.ManyToManyField("people.Agency", blank=True, related_name="+")
    audience_roles = models.JSONField(default=list, blank=True)
    guests_allowed = models.BooleanField(_("open to guests"), default=False)
    created_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened = models.BooleanField(default=False)
    closed = models.BooleanField(default=False)
    released = models.BooleanField(default=False)

    class Meta:
        ordering = ["-opens_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class AudienceSnapshot(models.Model):
    """One person asked to take part, with their details as they were when the round opened."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="audience")
    member = models.ForeignKey("people.Member", on_delete=models.CASCADE, related_name="+")
    agency = models.CharField(max_length=20)
    sector = models.CharField(max_length=20)
    role = models.CharField(max_length=20)
    career_stage = models.CharField(max_length=20)
    team = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="snapshot_member_once")
        ]

    def __str__(self) -> str:
        return f"Audience of {self.round_id}"

    def attributes(self) -> dict[str, str]:
        return {
            "agency": self.agency,
            "sector": self.sector,
            "role": self.role,
            "career_stage": self.career_stage,
            "team": self.team,
        }


class Participation(models.Model):
    """That someone took part, never what they answered. A guest is a keyed hash only."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(
        "people.Member", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    browser_hash = models.CharField(max_length=64, blank=True)
    completed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member"],
                condition=models.Q(member__isnull=False),
                name="participation_member_once",
            ),
            models.UniqueConstraint(
                fields=["round", "browser_hash"],
                condition=~models.Q(browser_hash=""),
                name="participation_browser_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Participation in {self.round_id}"


class Response(models.Model):
    """One anonymous set of answers: no person, no participation, no time finer than the day."""

    id = RandomKeyField(primary_key=True)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    submitted_on = models.DateField()
    attributes = models.JSONField(default=dict)
    scores = models.JSONField(default=dict)
    answers = models.JSONField(default=dict)
    comment = models.TextField(blank=True, max_length=COMMENT_MAX_LENGTH)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Response {self.pk}"


class PendingResponse(models.Model):
    """A submitted answer waiting in the mix: sealed with a key the database never holds.

    The marker is a server-keyed hash of the person's own participation hash, so the same
    person cannot submit twice while waiting, and a dump cannot join it to who took part."""

    id = RandomKeyField(primary_key=True)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="pending")
    marker = models.CharField(max_length=64)
    sealed = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "marker"], name="pending_response_once")
        ]

    def __str__(self) -> str:
        return f"Pending answer for {self.round_id}"


class Draft(models.Model):
    """Unfinished answers, found again only with the browser's key. Deleted on submit."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="drafts")
    key_hash = models.CharField(max_length=64, unique=True)
    answers = models.JSONField(default=dict)
    comment = models.TextField(blank=True)
    step = models.PositiveSmallIntegerField(default=1)
    updated_on = models.DateField()

    def __str__(self) -> str:
        return f"Draft for {self.round_id}"


class LicenceConfirmation(models.Model):
    """A partnership admin confirmed the partnership holds its own licence for an instrument."""

    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.CASCADE, related_name="pulse_licences"
    )
    instrument = models.CharField(max_length=40)
    confirmed_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "instrument"], name="licence_once_per_partnership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} licence"


class ReleasedReport(models.Model):
    """The round's report tables, released once in a fixed order when it closed, and the
    disclosure guard's history, so every later view shows the same numbers.

    ``audiences`` is this report's part of the partnership's ledger: the members asked who
    each shown group covered, packed, so a later release reads it instead of rebuilding it.
    Empty for reports released before it was stored; those are rebuilt from ``data``.

    ``summary`` is the little the trends page reads (``reports.report_summary``), so it never
    decodes whole reports. ``comments_deleted_on`` is the day the comments' text was deleted
    at the end of the partnership's retention period; the figures stay."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="report")
    data = models.JSONField(default=dict)
    audiences = models.BinaryField(default=b"", editable=False)
    summary = models.JSONField(default=dict)
    comments_deleted_on = models.DateField(null=True, blank=True)
    released_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Report for {self.round_id}"
