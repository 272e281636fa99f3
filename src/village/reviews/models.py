"""The relational charter and the quarterly values review.

**Charter.** One per partnership, in numbered versions. A version is a draft (changed by
those who run reviews) or published (never changed again); a new draft starts as a copy of
the last published version. Values and clauses keep their ``key`` from version to version,
so amendments, ratings and trends follow the same value or clause across versions.

**Amendments.** Any member proposes new words for a clause of the published charter; members
comment; representatives of each constituency say yes or no. Accepted, it goes into the
draft version.

**Reviews.** One per partnership per quarter, rating the charter version published when it
opened. Agencies rate themselves (named rows: an agency speaks for itself). The family panel
and frontline staff rate anonymously: a ``PanelRating`` holds the review, the panel, the
value and the score, with a random key (the SQLite rowid too) and no person, no time. It
reaches its table through a mix: a ``PendingPanelRating`` (sealed with a key the database
never holds, beside a server-keyed marker of the person) is written alone in its
transaction and released in shuffled batches of at least the minimum group size. The
release moves each marker to ``PanelRater`` (the "has rated" mark that stops anyone rating
twice), which a dump cannot join to a member without the server's secret. No table in this
app names who rated.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from village.anonymity import RandomKeyField

PREAMBLE_MAX_LENGTH = 3000
NAME_MAX_LENGTH = 120
VALUE_TEXT_MAX_LENGTH = 2000
CLAUSE_MAX_LENGTH = 1000
LINE_MAX_LENGTH = 500
COMMENT_MAX_LENGTH = 1000
EVIDENCE_MAX_LENGTH = 3000
ACTION_MAX_LENGTH = 500
MILESTONE_MAX_LENGTH = 300


class Party(models.TextChoices):
    """Who a right or responsibility belongs to."""

    FAMILIES = "families", _("Families")
    PRACTITIONERS = "practitioners", _("Practitioners")
    AGENCIES = "agencies", _("Agencies")
    LEADERS = "leaders", _("Leaders and commissioners")


class Foundation(models.TextChoices):
    """The five foundations of Scotland's Promise."""

    VOICE = "voice", _("Voice")
    FAMILY = "family", _("Family")
    CARE = "care", _("Care")
    PEOPLE = "people", _("People")
    SCAFFOLDING = "scaffolding", _("Scaffolding")


class ClauseKind(models.TextChoices):
    RIGHT = "right", _("Right")
    RESPONSIBILITY = "responsibility", _("Responsibility")


class VersionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Charter(models.Model):
    partnership = models.OneToOneField(
        "people.Partnership", on_delete=models.CASCADE, related_name="charter"
    )
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class CharterVersion(models.Model):
    """One version of a charter. Published versions are never changed: services refuse."""

    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    state = models.CharField(
        max_length=10, choices=VersionState.choices, default=VersionState.DRAFT
    )
    preamble = models.TextField(max_length=PREAMBLE_MAX_LENGTH, blank=True)
    # What changed from the version before, in a line.
    note = models.CharField(max_length=LINE_MAX_LENGTH, blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The person publishing read the language lens's findings and chose to publish anyway.
    lens_acknowledged = models.BooleanField(default=False)

    class Meta:
        ordering = ["charter", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["charter", "number"], name="charter_version_number"),
            models.UniqueConstraint(
                fields=["charter"],
                condition=models.Q(state="draft"),
                name="charter_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"

    @property
    def is_published(self) -> bool:
        return self.state == VersionState.PUBLISHED


class Value(models.Model):
    version = models.ForeignKey(CharterVersion, on_delete=models.CASCADE, related_name="values")
    key = models.SlugField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    description = models.TextField(max_length=VALUE_TEXT_MAX_LENGTH)
    # The same value in plain words, checked by the language lens before publishing.
    plain = models.TextField(max_length=VALUE_TEXT_MAX_LENGTH)
    principles = models.JSONField(default=list)
    assumptions = models.JSONField(default=list)
    foundations = models.JSONField(default=list)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="value_key_once"),
        ]

    def __str__(self) -> str:
        return self.name


class Clause(models.Model):
    """A right or a responsibility of a value, naming the parties it belongs to."""

    value = models.ForeignKey(Value, on_delete=models.CASCADE, related_name="clauses")
    key = models.SlugField(max_length=60)
    kind = models.CharField(max_length=14, choices=ClauseKind.choices)
    parties = models.JSONField(default=list)
    text = models.TextField(max_length=CLAUSE_MAX_LENGTH)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["value", "key"], name="clause_key_once"),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def party_labels(self) -> list[str]:
        return [str(Party(p).label) if p in Party.values else p for p in self.parties]


class Represents(models.TextChoices):
    """The constituencies whose yes an amendment needs: each has equal power."""

    FAMILY = "family", _("Families and people with lived experience")
    FRONTLINE = "frontline", _("Frontline practitioners")
    MANAGER = "manager", _("Managers and commissioners")


class Representative(models.Model):
    """A member an admin named to speak for their own constituency on amendments."""

    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.CASCADE, related_name="representatives"
    )
    member = models.OneToOneField(
        "people.Member", on_delete=models.CASCADE, related_name="representative"
    )
    represents = models.CharField(max_length=10, choices=Represents.choices)
    named_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["represents", "pk"]

    def __str__(self) -> str:
        return f"Representative of {self.represents}"


class AmendmentState(models.TextChoices):
    OPEN = "open", _("Open for comments and votes")
    ACCEPTED = "accepted", _("Accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    OVERTAKEN = "overtaken", _("Overtaken: the clause changed before this was accepted")


class Amendment(models.Model):
    """New words for one clause of a published version: old text to new text."""

    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="amendments")
    version = models.ForeignKey(CharterVersion, on_delete=models.PROTECT, related_name="+")
    value_key = models.SlugField(max_length=60)
    clause_key = models.SlugField(max_length=60)
    old_text = models.TextField(max_length=CLAUSE_MAX_LENGTH)
    new_text = models.TextField(max_length=CLAUSE_MAX_LENGTH)
    reason = models.TextField(max_length=COMMENT_MAX_LENGTH, blank=True)
    proposed_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(
        max_length=10, choices=AmendmentState.choices, default=AmendmentState.OPEN
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The draft version the accepted change went into.
    into_version = models.ForeignKey(
        CharterVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-proposed_at", "-pk"]

    def __str__(self) -> str:
        return f"Amendment {self.pk}"


class AmendmentComment(models.Model):
    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment on amendment {self.amendment_id}"


class AmendmentVote(models.Model):
    """A representative's yes or no, with the constituency they spoke for at the time."""

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey("people.Member", on_delete=models.CASCADE, related_name="+")
    represents = models.CharField(max_length=10, choices=Represents.choices)
    yes = models.BooleanField()
    voted_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["represents", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["amendment", "member"], name="amendment_vote_once"),
        ]

    def __str__(self) -> str:
        return f"{'Yes' if self.yes else 'No'} on amendment {self.amendment_id}"


class ReviewState(models.TextChoices):
    OPEN = "open", _("Open for ratings")
    MEETING = "meeting", _("Ratings closed: ready for the meeting")
    CLOSED = "closed", _("Closed")


class Scale(models.IntegerChoices):
    """The six-point scale of Scottish self-evaluation."""

    EXCELLENT = 6, _("Excellent")
    VERY_GOOD = 5, _("Very good")
    GOOD = 4, _("Good")
    ADEQUATE = 3, _("Adequate")
    WEAK = 2, _("Weak")
    UNSATISFACTORY = 1, _("Unsatisfactory")


_SCORE = models.Q(score__gte=1) & models.Q(score__lte=6)


class Review(models.Model):
    """A quarter's review of the charter version published when it opened."""

    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.CASCADE, related_name="reviews"
    )
    quarter = models.CharField(max_length=7)
    version = models.ForeignKey(CharterVersion, on_delete=models.PROTECT, related_name="reviews")
    state = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.OPEN)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    ratings_closed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "quarter"], name="review_once_a_quarter"
            ),
        ]

    def __str__(self) -> str:
        return self.quarter


class SelfRating(models.Model):
    """An agency's own rating of one value, with its evidence. Named: an agency speaks for
    itself."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="self_ratings")
    agency = models.ForeignKey("people.Agency", on_delete=models.PROTECT, related_name="+")
    value = models.ForeignKey(Value, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(choices=Scale.choices)
    evidence = models.TextField(max_length=EVIDENCE_MAX_LENGTH, blank=True)
    links = models.JSONField(default=list)
    rated_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["value__position", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["review", "agency", "value"], name="self_rating_once"),
            models.CheckConstraint(condition=_SCORE, name="self_rating_score"),
        ]

    def __str__(self) -> str:
        return f"{self.score} for value {self.value_id}"


class Panel(models.TextChoices):
    FAMILY = "family", _("Family panel")
    FRONTLINE = "frontline", _("Frontline staff")


class PanelRating(models.Model):
    """One anonymous panel rating of one value: no person, no time, a random key; a career
    stage only when it is shared widely enough (see ``career_stage``)."""

    id = RandomKeyField(primary_key=True)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="panel_ratings")
    panel = models.CharField(max_length=10, choices=Panel.choices)
    value = models.ForeignKey(Value, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(choices=Scale.choices)
    # The rater's career stage, kept only when at least the minimum group size of the
    # panel's members share it (else empty), so it never narrows a row to fewer people.
    career_stage = models.CharField(max_length=20, blank=True, default="", db_default="")

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=_SCORE, name="panel_rating_score")]

    def __str__(self) -> str:
        return f"Panel rating {self.pk}"


class PendingPanelRating(models.Model):
    """One person's panel ratings waiting in the mix, sealed with a key the database never
    holds. The marker is a server-keyed hash of the member, so nobody rates twice while
    waiting, and a dump cannot join it to a member."""

    id = RandomKeyField(primary_key=True)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="pending")
    panel = models.CharField(max_length=10, choices=Panel.choices)
    marker = models.CharField(max_length=64)
    sealed = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "marker"], name="pending_panel_once"),
        ]

    def __str__(self) -> str:
        return f"Pending panel ratings for {self.review_id}"


class PanelRater(models.Model):
    """That someone with this marker rated in this review: written in the release batch,
    in random order, never beside a member."""

    id = RandomKeyField(primary_key=True)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="raters")
    panel = models.CharField(max_length=10, choices=Panel.choices)
    marker = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "marker"], name="panel_rater_once"),
        ]

    def __str__(self) -> str:
        return f"Rated in {self.review_id}"


class NotRated(models.Model):
    """Why an agency or a panel did not rate a value this quarter."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="not_rated")
    value = models.ForeignKey(Value, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        "people.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    panel = models.CharField(max_length=10, choices=Panel.choices, blank=True)
    because = models.TextField(max_length=COMMENT_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["value__position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(agency__isnull=False) & models.Q(panel=""))
                | (models.Q(agency__isnull=True) & ~models.Q(panel="")),
                name="not_rated_agency_or_panel",
            ),
            models.UniqueConstraint(
                fields=["review", "value", "agency"],
                condition=models.Q(agency__isnull=False),
                name="not_rated_agency_once",
            ),
            models.UniqueConstraint(
                fields=["review", "value", "panel"],
                condition=~models.Q(panel=""),
                name="not_rated_panel_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Not rated: value {self.value_id}"


class Barrier(models.TextChoices):
    POLICY = "policy", _("Policy")
    RESOURCES = "resources", _("Resources")
    CULTURE = "culture", _("Culture")
    DATA = "data", _("Data and systems")
    LAW = "law", _("Law")
    WORKFORCE = "workforce", _("Workforce")


class Shortfall(models.Model):
    """Where the system does not meet a value, and why not."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="shortfalls")
    value = models.ForeignKey(Value, on_delete=models.PROTECT, related_name="+")
    barrier = models.CharField(max_length=10, choices=Barrier.choices)
    text = models.TextField(max_length=VALUE_TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["value__position", "barrier", "pk"]

    def __str__(self) -> str:
        return f"Shortfall ({self.barrier})"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    STUCK = "stuck", _("Stuck")
    DONE = "done", _("Done")


class Source(models.TextChoices):
    """Where an action came from: agreed in the review, or brought in ("you said, we did")."""

    REVIEW = "review", _("Agreed in the review")
    CIRCLE = "circle", _("From a circle")
    CONVERSATION = "conversation", _("From a conversation")


class Action(models.Model):
    """What partners agreed to do, owned by one agency. Carried into the next quarter's
    review, as a new row pointing at this one, until it is done."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="actions")
    value = models.ForeignKey(
        Value, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.CharField(max_length=ACTION_MAX_LENGTH)
    owner_agency = models.ForeignKey(
        "people.Agency", on_delete=models.PROTECT, related_name="review_actions"
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=11, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    stuck_because = models.TextField(max_length=COMMENT_MAX_LENGTH, blank=True)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.REVIEW)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="stuck") | ~models.Q(stuck_because=""),
                name="review_action_stuck_says_why",
            ),
            models.UniqueConstraint(
                fields=["review", "source", "source_id"],
                condition=models.Q(source_id__isnull=False),
                name="review_action_brought_once",
            ),
            models.UniqueConstraint(
                fields=["review", "carried_from"],
                condition=models.Q(carried_from__isnull=False),
                name="review_action_carried_once",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    text = models.CharField(max_length=MILESTONE_MAX_LENGTH)
    due_on = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class ClauseConversation(models.Model):
    """A brave conversation a facilitator opened from a clause. Held by the clause's keys, so
    it follows the clause into later versions; the conversation is named by its id, as
    actions brought in from conversations are (this app reaches conversations only through
    their services and selectors). The clause shows a link to it and, once its results are
    shared, its common ground."""

    charter = models.ForeignKey(
        Charter, on_delete=models.CASCADE, related_name="clause_conversations"
    )
    value_key = models.SlugField(max_length=60)
    clause_key = models.SlugField(max_length=60)
    conversation_id = models.PositiveIntegerField()
    opened_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["charter", "conversation_id"], name="clause_conversation_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Conversation {self.conversation_id} on clause {self.clause_key}"
