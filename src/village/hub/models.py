"""The learning hub: projects with a living theory of change, on an 18-month journey.

**Projects.** A project belongs to one partnership, is owned by one or more of its agencies
and run by its leads (members of any agency, families too). Its theory of change is a graph
(village.engines.theory): ``Element`` rows are its outcomes, activities, assumptions and
indicators, each with a ``key`` that names it in a Kumu export, and ``Connection`` rows join
them. An assumption carries its evidence status.

**The journey.** Gates at 0, 3, 6, 12 and 18 months; ``GatePassage`` records who passed
each, and ``Project.gate_reached`` is the last one passed. ``Document`` rows are what the
gates ask for beyond the theory: an evaluation plan, stories of change, a mid-point review,
an outcome report. An indicator's values are recorded over time (``IndicatorValue``, one of
them its baseline), and its target is a history: a changed target is a new
``IndicatorTarget`` row with the reason, never an overwrite.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from village.anonymity import RandomKeyField
from village.engines.theory import EVIDENCE_LABELS, KIND_LABELS, Evidence, Kind
from village.engines.theory.graph import DESCRIPTION_MAX, KEY_MAX, LABEL_MAX

TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 3000
NOTE_MAX_LENGTH = 500
DOCUMENT_MAX_LENGTH = 20_000

# The kinds and evidence statuses are the engine's, so a Kumu file and a page say the same.
ELEMENT_KINDS = [(kind.value, KIND_LABELS[kind]) for kind in Kind]
EVIDENCE_STATUSES = [(evidence.value, EVIDENCE_LABELS[evidence]) for evidence in Evidence]


class ProjectKind(models.TextChoices):
    NEW = "new", _("A new piece of work")
    EXISTING = "existing", _("Work that is already running")


class DocumentKind(models.TextChoices):
    EVALUATION_PLAN = "evaluation_plan", _("Evaluation plan")
    MIDPOINT_REVIEW = "midpoint_review", _("Mid-point review")
    OUTCOME_REPORT = "outcome_report", _("Outcome report")


class Project(models.Model):
    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.CASCADE, related_name="hub_projects"
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    summary = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=ProjectKind.choices)
    families_as_partners = models.TextField(blank=True)
    started_on = models.DateField()
    agencies = models.ManyToManyField("people.Agency", related_name="hub_projects")
    leads = models.ManyToManyField("people.Member", related_name="hub_projects_led")
    created_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    gate_reached = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class Element(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="elements")
    key = models.CharField(max_length=KEY_MAX)
    kind = models.CharField(max_length=12, choices=ELEMENT_KINDS)
    label = models.CharField(max_length=LABEL_MAX)
    description = models.TextField(blank=True, max_length=DESCRIPTION_MAX)
    tags = models.JSONField(default=list, blank=True)
    evidence = models.CharField(max_length=12, choices=EVIDENCE_STATUSES, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="hub_element_key_unique")
        ]

    def __str__(self) -> str:
        return self.label


class Connection(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="connections")
    source = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="outgoing")
    target = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="incoming")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="hub_connection_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source} -> {self.target}"


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(max_digits=14, decimal_places=4)
    measured_on = models.DateField()
    is_baseline = models.BooleanField(default=False)
    note = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True)
    recorded_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measured_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator"],
                condition=models.Q(is_baseline=True),
                name="hub_one_baseline_per_indicator",
            )
        ]

    def __str__(self) -> str:
        return f"{self.value} on {self.measured_on}"


class IndicatorTarget(models.Model):
    """One target an indicator had; the latest is the one in force."""

    indicator = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="targets")
    value = models.DecimalField(max_digits=14, decimal_places=4)
    reason = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True)
    set_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["set_at", "pk"]

    def __str__(self) -> str:
        return str(self.value)


class Document(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    text = models.TextField(max_length=DOCUMENT_MAX_LENGTH)
    added_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return self.title


class GatePassage(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="passages")
    months = models.PositiveSmallIntegerField()
    passed_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    passed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["months"]
        constraints = [models.UniqueConstraint(fields=["project", "months"], name="hub_gate_once")]

    def __str__(self) -> str:
        return f"{self.months} months"


# --- Good ancestors: pairings, the legacy log and handovers ------------------------------
#
# **Pairings.** A member opts in with a ``PairingOffer``: what they offer, what they want to
# learn and the most pairings they will carry. A ``Pairing`` joins two or three of them (its
# ``PairingPlace`` rows): proposed until everyone has confirmed, then active, then closed,
# with each place's feedback. ``PairingEntry`` rows are its notes and check-ins, seen only by
# the people in it. **The legacy log** (``LegacyEntry``) holds practice wisdom, each entry
# linked to a value of the published charter by the value's key and name (the hub reads the
# charter only through reviews.selectors). **Handovers.** A member who records a leaving date
# gets a ``Handover``; each ``HandoverItem`` is one legacy entry or open action they leave
# and the member who will carry it.

OFFER_MAX_LENGTH = 1000
ENTRY_MAX_LENGTH = 4000
LEGACY_MAX_LENGTH = 4000
MAX_PAIRINGS = 5


class PairingSide(models.TextChoices):
    NEW = "new", _("New to the work")
    EXPERIENCED = "experienced", _("Established or nearing retirement")
    LIVED = "lived", _("A partner with lived experience")


class PairingState(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for everyone to agree")
    ACTIVE = "active", _("Under way")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Not going ahead")


class EntryKind(models.TextChoices):
    NOTE = "note", _("Note")
    CHECK_IN = "check_in", _("Check-in")


class PairingOffer(models.Model):
    member = models.OneToOneField(
        "people.Member", on_delete=models.CASCADE, related_name="pairing_offer"
    )
    side = models.CharField(max_length=12, choices=PairingSide.choices)
    offers = models.TextField(max_length=OFFER_MAX_LENGTH)
    wants_to_learn = models.TextField(max_length=OFFER_MAX_LENGTH)
    limit = models.PositiveSmallIntegerField(default=1)
    is_open = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.member)


class Pairing(models.Model):
    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.CASCADE, related_name="hub_pairings"
    )
    goals = models.TextField(max_length=ENTRY_MAX_LENGTH)
    state = models.CharField(
        max_length=10, choices=PairingState.choices, default=PairingState.PROPOSED
    )
    ends_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Pairing {self.pk}"


class PairingPlace(models.Model):
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="places")
    member = models.ForeignKey(
        "people.Member", on_delete=models.CASCADE, related_name="pairing_places"
    )
    side = models.CharField(max_length=12, choices=PairingSide.choices)
    confirmed = models.BooleanField(default=False)
    feedback = models.TextField(max_length=ENTRY_MAX_LENGTH, blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["side", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pairing", "member"], name="hub_pairing_place_once")
        ]

    def __str__(self) -> str:
        return str(self.member)


class PairingEntry(models.Model):
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    text = models.TextField(max_length=ENTRY_MAX_LENGTH)
    author = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class LegacyEntry(models.Model):
    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.CASCADE, related_name="hub_legacy"
    )
    author = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="hub_legacy"
    )
    value_key = models.SlugField(max_length=60)
    value_name = models.CharField(max_length=200)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    text = models.TextField(max_length=LEGACY_MAX_LENGTH)
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class HandoverKind(models.TextChoices):
    LEGACY = "legacy", _("Legacy log entry")
    REVIEW_ACTION = "review_action", _("Action from a values review")


class Handover(models.Model):
    member = models.OneToOneField(
        "people.Member", on_delete=models.CASCADE, related_name="hub_handover"
    )
    leaving_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Handover for {self.member}"


class HandoverItem(models.Model):
    """One thing a leaver hands on, named by its kind and id (a review action lives in
    another app), with its words as they were, and who will carry it."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=14, choices=HandoverKind.choices)
    item_id = models.PositiveBigIntegerField()
    text = models.CharField(max_length=500)
    carrier = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["handover", "kind", "item_id"], name="hub_handover_item_once"
            )
        ]

    def __str__(self) -> str:
        return self.text


# --- stories of change -------------------------------------------------------------------

STORY_TEXT_MAX_LENGTH = 5000
DOMAIN_MAX_LENGTH = 120
REASON_MAX_LENGTH = 2000


class Domain(models.Model):
    """A domain of change the project groups its stories by (Most Significant Change).
    A project with none of its own uses ``policy.DEFAULT_DOMAINS``."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="domains")
    name = models.CharField(max_length=DOMAIN_MAX_LENGTH)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="hub_domain_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Story(models.Model):
    """A story of the most significant change someone saw. An anonymous story holds no
    person and no link to one: ``told_by`` is empty, its key is random and its time is the
    day only, as circles' reflections are (docs/privacy.md)."""

    id = RandomKeyField(primary_key=True)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stories")
    domain = models.CharField(max_length=DOMAIN_MAX_LENGTH)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    text = models.TextField(max_length=STORY_TEXT_MAX_LENGTH)
    why_significant = models.TextField(max_length=STORY_TEXT_MAX_LENGTH, blank=True)
    told_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    told_on = models.DateField()

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def anonymous(self) -> bool:
        return self.told_by_id is None


class Selection(models.Model):
    """The panel's choice of a story as most significant, with why: a named record."""

    story = models.OneToOneField(Story, on_delete=models.CASCADE, related_name="selection")
    reason = models.TextField(max_length=REASON_MAX_LENGTH)
    selected_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    selected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["selected_at", "pk"]

    def __str__(self) -> str:
        return f"Selection of {self.story}"


# --- evidence from Village ---------------------------------------------------------------

SOURCE_KEY_MAX_LENGTH = 200
SOURCE_LABEL_MAX_LENGTH = 1000


class SourceKind(models.TextChoices):
    PULSE = "pulse", _("A wellbeing check-in figure")
    CONVERSATION = "conversation", _("Support for a statement in a conversation")
    REVIEW = "review", _("A values review panel rating")


class IndicatorSource(models.Model):
    """Where in Village an indicator reads its live value: a released figure, named by
    its source and its key (village/released.py), read each time the page is shown."""

    indicator = models.OneToOneField(Element, on_delete=models.CASCADE, related_name="source")
    kind = models.CharField(max_length=12, choices=SourceKind.choices)
    key = models.CharField(max_length=SOURCE_KEY_MAX_LENGTH)
    label = models.CharField(max_length=SOURCE_LABEL_MAX_LENGTH)
    set_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.label


# --- learning spaces (issue 13, item 5) ----------------------------------------------------
# A learning space is member-led: anyone who takes part starts one on a topic, and the
# members on its rota take the facilitator role in turn (``facilitator`` holds it now, the
# rota's order says who is next, and ``FacilitatorTurn`` keeps who held it when). A space
# runs circles (the circles app makes them; ``SpaceCircle`` links each to the space, and the
# circle's ``led_by`` is the space's facilitator while it is open). The library is the
# partnership's: ``Lesson`` rows say what a project learned, each linked to the assumptions
# of its theory that it tested, and shared in a space if the writer chose one.

TOPIC_MAX_LENGTH = 150
ABOUT_MAX_LENGTH = 2000
LESSON_MAX_LENGTH = 5000


class LearningSpace(models.Model):
    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.CASCADE, related_name="learning_spaces"
    )
    topic = models.CharField(max_length=TOPIC_MAX_LENGTH)
    about = models.TextField(blank=True, max_length=ABOUT_MAX_LENGTH)
    started_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    facilitator = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["topic", "pk"]

    def __str__(self) -> str:
        return self.topic


class RotaPlace(models.Model):
    """A member's place on a space's rota: lower places facilitate sooner."""

    space = models.ForeignKey(LearningSpace, on_delete=models.CASCADE, related_name="rota")
    member = models.ForeignKey("people.Member", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["space", "member"], name="hub_rota_once"),
        ]

    def __str__(self) -> str:
        return f"{self.position}: {self.member_id}"


class FacilitatorTurn(models.Model):
    space = models.ForeignKey(LearningSpace, on_delete=models.CASCADE, related_name="turns")
    member = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    began_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-began_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.member_id} from {self.began_at}"


class SpaceCircle(models.Model):
    space = models.ForeignKey(LearningSpace, on_delete=models.CASCADE, related_name="circles")
    circle = models.OneToOneField(
        "circles.Circle", on_delete=models.CASCADE, related_name="learning_space"
    )

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.space_id}: {self.circle_id}"


class Lesson(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="lessons")
    space = models.ForeignKey(
        LearningSpace, on_delete=models.SET_NULL, null=True, blank=True, related_name="lessons"
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    text = models.TextField(max_length=LESSON_MAX_LENGTH)
    assumptions = models.ManyToManyField(Element, related_name="lessons")
    added_by = models.ForeignKey(
        "people.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at", "-pk"]

    def __str__(self) -> str:
        return self.title
