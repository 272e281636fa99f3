"""A partnership's own glossary: its own entries, and its changes to Village's.

Each row belongs to one partnership. A row is either a new entry of the partnership's own
(``builtin`` empty: the term, its other forms, alternatives, reason and source) or a change to
one of Village's shipped entries (``builtin`` names it): turned off, or its alternatives and
reason in the partnership's own words. Rows are never deleted: turning off is the undo, and
turning on again brings the entry back as it was. The lens reads these rows as plain data
(see :func:`village.language.selectors.glossary_settings`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

TERM_MAX = 80
ALTERNATIVE_MAX = 80
REASON_MAX = 1000
SOURCE_TITLE_MAX = 200
SOURCE_URL_MAX = 500


class Severity(models.TextChoices):
    """The severities the hints show (``info`` is never shown as a hint, so not offered)."""

    SUGGESTION = "suggestion", _("A suggestion")
    WARNING = "warning", _("Worth changing")
    ERROR = "error", _("Best not used")


class Category(models.TextChoices):
    STIGMATISING = "stigmatising", _("Stigmatising: labels people")
    DEFICIT = "deficit", _("Deficit: only what is wrong")
    BLAMING = "blaming", _("Blaming: puts the problem in the person")
    INSTITUTIONAL = "institutional", _("Institutional: the system's words, not people's")
    JARGON = "jargon", _("Jargon: words only professionals use")


class GlossaryEntry(models.Model):
    partnership = models.ForeignKey(
        "people.Partnership", on_delete=models.CASCADE, related_name="glossary_entries"
    )
    # The id of the shipped entry this row changes; empty for the partnership's own entry.
    builtin = models.CharField(max_length=100, blank=True)
    term = models.CharField(max_length=TERM_MAX)
    other_forms = models.JSONField(default=list, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    severity = models.CharField(max_length=20, choices=Severity.choices, blank=True)
    alternatives = models.JSONField(default=list, blank=True)
    reason = models.TextField(max_length=REASON_MAX, blank=True)
    # Where the entry's words (or the changed words) come from.
    source_title = models.CharField(max_length=SOURCE_TITLE_MAX, blank=True)
    source_url = models.URLField(max_length=SOURCE_URL_MAX, blank=True)
    is_on = models.BooleanField(default=True)
    # Where the decision to turn it off comes from.
    off_source_title = models.CharField(max_length=SOURCE_TITLE_MAX, blank=True)
    off_source_url = models.URLField(max_length=SOURCE_URL_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "builtin"],
                condition=~models.Q(builtin=""),
                name="language_one_change_per_builtin_entry",
            ),
        ]

    def __str__(self) -> str:
        return self.term

    @property
    def is_own(self) -> bool:
        return not self.builtin

    @property
    def is_edited(self) -> bool:
        """A change to a shipped entry that gives it new words (not only turns it off)."""
        return bool(self.builtin and (self.alternatives or self.reason))
