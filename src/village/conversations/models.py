"""Brave conversations: a question, statements, votes, constituencies, moderation, actions.

Votes are anonymous rows: a random integer key (the SQLite rowid too), the statement, the
value and the day, and a per-conversation pseudonym that is a keyed hash of a secret only the
voter's browser holds (or, for a signed-in member, a hash keyed with the server's secret), so
no stored value joins a vote to a member or guest. A Voter row says which constituency a
pseudonym joined through, taken from the link it used, and a career stage only once at
least the minimum group size of its constituency's voters declared it (until then it waits
sealed in ``PendingStage``). No row in this app names a participant: there is no table of who
took part.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from village.anonymity import RandomKeyField
from village.people.models import CareerStage

STATEMENT_MAX_LENGTH = 140
STATEMENT_HARD_LIMIT = 500
QUESTION_MAX_LENGTH = 300
CONTEXT_MAX_LENGTH = 3000
POLICY_MAX_LENGTH = 5000

DEFAULT_POLICY = _(
    "Statements are short, about one idea, and about how services work. "
    "A moderator accepts a statement unless it:\n"
    "- could identify someone: a name, a place, or details of a family or a case;\n"
    "- is hurtful, blaming or discriminatory about anyone;\n"
    "- is about more than one idea (it may be split into two);\n"
    "- says the same as a statement already there;\n"
    "- is off the question, or is a question rather than a statement.\n"
    "A moderator may fix spelling or make a statement clearer before anyone has voted on it, "
    "and says why. Every decision is counted in the moderation log, which everyone can read."
)


class Moderation(models.TextChoices):
    PRE = "pre", _("Before statements are shown (pre-moderation)")
    POST = "post", _("After statements are shown (post-moderation)")


class ConstituencyKind(models.TextChoices):
    FAMILY = "family", _("Families and people with lived experience")
    FRONTLINE = "frontline", _("Frontline practitioners")
    MANAGER = "manager", _("Managers and commissioners")
    OTHER = "other", _("Other")


INVITED_KINDS = (ConstituencyKind.FAMILY, ConstituencyKind.FRONTLINE, ConstituencyKind.MANAGER)


class State(models.TextChoices):
    """A statement's place in moderation."""

    PENDING = "pending", _("Waiting for a moderator")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not accepted")


class Reason(models.TextChoices):
    """Why a moderator decided as they did: each is a point of the moderation policy."""

    IDENTIFYING = "identifying", _("It could identify someone")
    HURTFUL = "hurtful", _("It is hurtful, blaming or discriminatory")
    MORE_THAN_ONE = "more_than_one", _("It is about more than one idea")
    DUPLICATE = "duplicate", _("It says the same as another statement")
    OFF_TOPIC = "off_topic", _("It is off the question")
    NOT_A_STATEMENT = "not_a_statement", _("It is a question, not a statement")
    SPLIT = "split", _("Split into separate statements")
    REWORDED = "reworded", _("Reworded to be clearer")
    CLARITY = "clarity", _("Spelling or wording made clearer")


# The reasons a moderator chooses when rejecting; split and reword are their own actions.
REJECT_REASONS = (
    Reason.IDENTIFYING,
    Reason.HURTFUL,
    Reason.MORE_THAN_ONE,
    Reason.DUPLICATE,
    Reason.OFF_TOPIC,
    Reason.NOT_A_STATEMENT,
)


class Channel(models.TextChoices):
    WEB = "web", _("Online")
    IN_PERSON = "in_person", _("In person, recorded by a facilitator")
    IMPORTED = "imported", _("Imported from Polis")


class Conversation(models.Model):
    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.CASCADE, related_name="conversations"
    )
    question = models.CharField(_("question"), max_length=QUESTION_MAX_LENGTH)
    context = models.TextField(_("context"), max_length=CONTEXT_MAX_LENGTH)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    # Closed early by a facilitator; past closes_at it counts as closed anyway.
    closed_early = models.BooleanField(default=False)
    moderation = models.CharField(max_length=4, choices=Moderation.choices, default=Moderation.PRE)
    results_while_open = models.BooleanField(default=False)
    moderation_policy = models.TextField(max_length=POLICY_MAX_LENGTH)
    statement_max_length = models.PositiveSmallIntegerField(
        default=STATEMENT_MAX_LENGTH,
        validators=[MinValueValidator(40), MaxValueValidator(STATEMENT_HARD_LIMIT)],
    )
    moderators = models.ManyToManyField("people.Member", blank=True, related_name="+")
    created_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]

    def __str__(self) -> str:
        return self.question


class Constituency(models.Model):
    """One of a conversation's constituencies, with the number of people expected in it."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="constituencies"
    )
    kind = models.CharField(max_length=10, choices=ConstituencyKind.choices)
    expected = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "kind"], name="constituency_once")
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class Link(models.Model):
    """A way in: a constituency's link (unlimited, single-use or limited to a number), or an
    open link whose people say their constituency themselves (reported apart, never
    weighted as an invited constituency). The code is the last part of the address."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="links")
    constituency = models.ForeignKey(
        Constituency, on_delete=models.CASCADE, null=True, blank=True, related_name="links"
    )
    code = models.CharField(max_length=12, unique=True)
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)
    revoked = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_uses__isnull=True)
                | models.Q(uses__lte=models.F("max_uses")),
                name="link_uses_within_limit",
            )
        ]

    def __str__(self) -> str:
        return f"Link {self.code}"

    @property
    def is_open_link(self) -> bool:
        return self.constituency_id is None

    @property
    def uses_left(self) -> int | None:
        return None if self.max_uses is None else max(self.max_uses - self.uses, 0)


class Voter(models.Model):
    """A pseudonym's constituency: from its link, or self-declared on an open link, and the
    career stage the voter chose to add, if any. Holds no person, session, address or time
    finer than the day."""

    id = RandomKeyField(primary_key=True)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="voters")
    pseudonym = models.CharField(max_length=64)
    constituency = models.ForeignKey(
        Constituency, on_delete=models.CASCADE, null=True, blank=True, related_name="voters"
    )
    declared = models.ForeignKey(
        Constituency, on_delete=models.CASCADE, null=True, blank=True, related_name="declared"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    # Only if the voter chose to add it, for results by career stage, and only once at least
    # the minimum group size of voters in the same constituency declared it (services).
    career_stage = models.CharField(
        max_length=20, choices=CareerStage.choices, blank=True, default="", db_default=""
    )
    joined_on = models.DateField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "pseudonym"], name="voter_once"),
            models.CheckConstraint(
                condition=models.Q(constituency__isnull=True) | models.Q(declared__isnull=True),
                name="voter_invited_or_declared",
            ),
        ]

    def __str__(self) -> str:
        return f"Voter in {self.conversation_id}"


class PendingStage(models.Model):
    """A declared career stage held back until enough voters in its constituency declare it:
    sealed with a key the database never holds (the voter, their constituency and the stage
    are inside), beside nothing but the conversation. Every join writes all of a
    conversation's pending stages again with fresh keys and seals in random order, so
    neither their keys nor which transaction wrote them (xmin) nor where they lie (ctid)
    points at a voter."""

    id = RandomKeyField(primary_key=True)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="pending_stages"
    )
    sealed = models.BinaryField()

    def __str__(self) -> str:
        return f"Pending stage in {self.conversation_id}"


class Statement(models.Model):
    """A short statement people vote on. Seeds come from the facilitator; the rest carry only
    their author's constituency. Split and reworded statements link to the original."""

    id = RandomKeyField(primary_key=True)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="statements"
    )
    text = models.CharField(max_length=STATEMENT_HARD_LIMIT)
    seed = models.BooleanField(default=False)
    author_constituency = models.ForeignKey(
        Constituency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_declared = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    # In post-moderation statements are shown at once and reviewed afterwards.
    reviewed = models.BooleanField(default=False)
    original = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="derived"
    )
    created_on = models.DateField()
    moderated_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Statement {self.pk}"


class Vote(models.Model):
    """One pseudonym's answer to one statement: agree (1), pass (0) or disagree (-1)."""

    id = RandomKeyField(primary_key=True)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    pseudonym = models.CharField(max_length=64)
    value = models.SmallIntegerField(validators=[MinValueValidator(-1), MaxValueValidator(1)])
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    voted_on = models.DateField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "pseudonym"], name="vote_once"),
            models.CheckConstraint(
                condition=models.Q(value__gte=-1) & models.Q(value__lte=1), name="vote_value"
            ),
        ]
        indexes = [models.Index(fields=["conversation", "pseudonym"])]

    def __str__(self) -> str:
        return f"Vote {self.value}"


class InPersonSession(models.Model):
    """Votes a facilitator recorded from a meeting (cards on a table), with the consent of
    the people there. It names the facilitator who recorded them, never the people, and is
    written in its own transaction, apart from the votes."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="in_person_sessions"
    )
    recorded_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    held_on = models.DateField()
    people = models.PositiveIntegerField()
    consent_recorded = models.BooleanField()

    class Meta:
        ordering = ["-held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent_recorded=True), name="in_person_consent"
            )
        ]

    def __str__(self) -> str:
        return f"In-person votes on {self.held_on}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    DONE = "done", _("Done")
    NOT_DOING = "not_doing", _("Not going ahead")


class Action(models.Model):
    """What will change because of a statement ("you said, we did")."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="actions")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(max_length=500)
    owner_agency = models.ForeignKey(
        "people.Agency", on_delete=models.PROTECT, related_name="conversation_actions"
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.text


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not accepted")
    SPLIT = "split", _("Split into separate statements")
    REWORDED = "reworded", _("Reworded")
    EDITED = "edited", _("Spelling or wording fixed")


class ModerationEntry(models.Model):
    """One moderation decision, for the published log: the day, what was decided and why.
    It names neither the statement nor the moderator (the audit log keeps who)."""

    id = RandomKeyField(primary_key=True)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="moderation_log"
    )
    decided_on = models.DateField()
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)

    class Meta:
        ordering = ["decided_on", "decision", "reason"]

    def __str__(self) -> str:
        return f"{self.decision} on {self.decided_on}"


class ResultsSnapshot(models.Model):
    """A conversation's results as the worker last computed them: the one thing the results
    pages read (they never compute). ``data`` holds figures only, already passed through the
    disclosure rules: no statement text (read from the statements when shown, so a statement
    rejected later never shows), no participant ids. ``members`` is kept apart from it, so
    the results pages never load it: the voter ids in each opinion group the results show,
    which "where I stand" needs to set a person beside those groups (it says no more than
    the votes do: a voter's votes are linkable by the pseudonym, and the groups come from
    them). ``priorities`` holds the engine's priority for each statement id, which the
    voting page draws the next statement by; it is never shown. ``queued`` is set while a
    recompute waits in the queue, so a burst of votes queues one recompute, not one each."""

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="results"
    )
    computed_at = models.DateTimeField(null=True, blank=True)
    votes = models.PositiveIntegerField(default=0)
    data = models.JSONField(null=True, blank=True)
    members = models.JSONField(null=True, blank=True)
    priorities = models.JSONField(default=dict, blank=True)
    queued = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Results of {self.conversation_id}"
