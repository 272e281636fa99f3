"""Partnerships, their agencies and members, invitations and the audit log.

Every other record in Village belongs to exactly one partnership, reached through these.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

SAFE_MIN_GROUP_SIZE = 5
SAFE_MIN_COMMENT_GROUP_SIZE = 10


class Sector(models.TextChoices):
    SOCIAL_WORK = "social_work", _("Social work")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    POLICE = "police", _("Police")
    HOUSING = "housing", _("Housing")
    THIRD_SECTOR = "third_sector", _("Third sector")
    FAMILY = "family", _("Family or lived-experience organisation")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    FACILITATOR = "facilitator", _("Facilitator")
    PARTNER_LEAD = "partner_lead", _("Partner lead")
    STAFF = "staff", _("Staff")
    FAMILY = "family", _("Family or lived-experience member")
    OBSERVER = "observer", _("Observer")


def role_labels(roles: list[str]) -> list[str]:
    """Roles as people say them ("Partner lead"), never their codes."""
    return [str(Role(role).label) if role in Role.values else role for role in roles]


class Constituency(models.TextChoices):
    FAMILY = "family", _("Family or lived experience")
    FRONTLINE = "frontline", _("Frontline practitioner")
    MANAGER = "manager", _("Manager or commissioner")
    OTHER = "other", _("Other")


class CareerStage(models.TextChoices):
    NEW = "new", _("New to the work")
    ESTABLISHED = "established", _("Established")
    NEARING_RETIREMENT = "nearing_retirement", _("Nearing retirement")


class Partnership(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(unique=True)
    min_group_size = models.PositiveSmallIntegerField(
        default=SAFE_MIN_GROUP_SIZE, validators=[MinValueValidator(SAFE_MIN_GROUP_SIZE)]
    )
    min_comment_group_size = models.PositiveSmallIntegerField(
        default=SAFE_MIN_COMMENT_GROUP_SIZE,
        validators=[MinValueValidator(SAFE_MIN_COMMENT_GROUP_SIZE)],
    )
    retention_days = models.PositiveIntegerField(default=365)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_group_size__gte=SAFE_MIN_GROUP_SIZE),
                name="partnership_min_group_size_floor",
            ),
            models.CheckConstraint(
                condition=models.Q(min_comment_group_size__gte=SAFE_MIN_COMMENT_GROUP_SIZE),
                name="partnership_min_comment_group_size_floor",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SupportLink(models.Model):
    """Signposting shown in every circle's support panel; each partnership sets its own.

    One link per partnership is the child-protection reminder: admins may reword it, never
    remove it."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="support_links"
    )
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300)
    contact = models.CharField(max_length=200, blank=True)
    url = models.URLField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_reminder = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="agencies")
    name = models.CharField(_("name"), max_length=200)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="agency_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team inside an agency. Reports roll small teams up into their parent team."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="teams")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "agency", "name"], name="team_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A person's place in one partnership. Roles are a list of Role values."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="members")
    agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    display_name = models.CharField(_("name to show"), max_length=120)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    roles = models.JSONField(default=list)
    constituency = models.CharField(max_length=20, choices=Constituency.choices)
    career_stage = models.CharField(max_length=20, choices=CareerStage.choices, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)
    # Set when an admin deactivates the membership: the person can no longer act in this
    # partnership. Nothing they contributed anonymously is touched (nothing links to it).
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partnership"], name="member_once_per_partnership"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def role_labels(self) -> list[str]:
        return role_labels(self.roles)

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None


class Invitation(models.Model):
    """A single-use link that expires. Only a hash of its token is stored."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    agency = models.ForeignKey(Agency, on_delete=models.SET_NULL, null=True, blank=True)
    roles = models.JSONField(default=list)
    constituency = models.CharField(max_length=20, choices=Constituency.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invitation to {self.email}"

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.revoked_at is None

    @property
    def role_labels(self) -> list[str]:
        return role_labels(self.roles)


class AuditEvent(models.Model):
    """Who did what, when. Never holds contribution text."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="audit")
    actor = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type} {self.target_id}"
