"""Forms parse and describe input for the review pages; services decide what is allowed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from village.once import OnceForm
from village.people.models import Agency
from village.reviews.models import (
    ACTION_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    EVIDENCE_MAX_LENGTH,
    VALUE_TEXT_MAX_LENGTH,
    ActionStatus,
    Barrier,
    Panel,
    Scale,
    Value,
)

# Big enough for every limit the services apply, small enough that nobody posts a book: the
# services say plainly when words are over their own limit.
LINKS_MAX_LENGTH = 6000
SCALE_CHOICES = [(str(score.value), score.label) for score in Scale]
_VALUE_ERRORS = dict(
    required=_("Choose the value it is about."),
    invalid_choice=_("Choose one of the values this review rates."),
)
_SCORE_ERRORS = dict(invalid_choice=_("Choose a rating from excellent to unsatisfactory."))


def score_field(value: Value, *, hint: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=value.name,
        help_text=hint or value.plain,
        choices=SCALE_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages=_SCORE_ERRORS,
    )


class OpenReviewForm(OnceForm):
    quarter = forms.CharField(
        label=_("Quarter"),
        max_length=20,
        help_text=_("A year and a quarter, like 2026-Q4."),
        error_messages=dict(
            required=_("Write the quarter as a year and a quarter, like 2026-Q4."),
            max_length=_("Write the quarter as a year and a quarter, like 2026-Q4."),
        ),
    )


class SelfRatingForm(forms.Form):
    """An agency's own rating of every value: a score, its evidence and links for each.
    A value left unrated is left as it was."""

    def __init__(self, *args: Any, values: Iterable[Value], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.values = list(values)
        for value in self.values:
            self.fields[f"score_{value.pk}"] = score_field(value)
            self.fields[f"evidence_{value.pk}"] = forms.CharField(
                label=_("How do you know? Your evidence for “%(value)s”") % {"value": value.name},
                required=False,
                max_length=EVIDENCE_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages=dict(max_length=_("Keep the evidence to 3,000 characters.")),
            )
            self.fields[f"links_{value.pk}"] = forms.CharField(
                label=_("Links for “%(value)s”, one a line") % {"value": value.name},
                help_text=_(
                    "Addresses in Village, like /circles/12/summary/, or web addresses "
                    "starting with https://."
                ),
                required=False,
                max_length=LINKS_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages=dict(max_length=_("That is too many links.")),
            )

    def rows(self) -> list[tuple[Value, Any, Any, Any]]:
        return [
            (v, self[f"score_{v.pk}"], self[f"evidence_{v.pk}"], self[f"links_{v.pk}"])
            for v in self.values
        ]

    def ratings(self) -> list[tuple[Value, str, str, list[str]]]:
        """The values given a score, with their evidence and links."""
        data = self.cleaned_data
        return [
            (v, data[f"score_{v.pk}"], data[f"evidence_{v.pk}"], data[f"links_{v.pk}"].splitlines())
            for v in self.values
            if data[f"score_{v.pk}"]
        ]


class PanelRatingForm(OnceForm):
    """Every value on one page, each on the six-point scale; any can be left out."""

    def __init__(self, *args: Any, values: Iterable[Value], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.values = list(values)
        for value in self.values:
            self.fields[f"score_{value.pk}"] = score_field(value)

    def ratings(self) -> dict[int, str]:
        return {
            v.pk: self.cleaned_data[f"score_{v.pk}"]
            for v in self.values
            if self.cleaned_data[f"score_{v.pk}"]
        }


class NotRatedForm(forms.Form):
    who = forms.ChoiceField(
        label=_("Who did not rate it"),
        error_messages=dict(
            required=_("Choose the agency or panel that did not rate."),
            invalid_choice=_("Choose one of the agencies or panels in the list."),
        ),
    )
    value = forms.ModelChoiceField(
        queryset=Value.objects.none(), label=_("Which value"), error_messages=_VALUE_ERRORS
    )
    because = forms.CharField(
        label=_("Why it was not rated"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=dict(
            required=_("Say why it was not rated."),
            max_length=_("Keep the reason to 1,000 characters."),
        ),
    )

    def __init__(
        self, *args: Any, values: Any, agencies: Iterable[Agency], panels: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value"].queryset = values  # type: ignore[attr-defined]
        choices = [(f"agency:{a.pk}", a.name) for a in agencies]
        if panels:
            choices += [(f"panel:{p.value}", str(p.label)) for p in Panel]
        self.fields["who"].choices = [("", _("Choose…")), *choices]  # type: ignore[attr-defined]


class ShortfallForm(OnceForm):
    value = forms.ModelChoiceField(
        queryset=Value.objects.none(), label=_("Which value"), error_messages=_VALUE_ERRORS
    )
    barrier = forms.ChoiceField(
        label=_("What kind of barrier is in the way"),
        choices=[("", _("Choose…")), *Barrier.choices],
        error_messages=dict(
            required=_("Choose what kind of barrier it is."),
            invalid_choice=_("Choose what kind of barrier it is."),
        ),
    )
    text = forms.CharField(
        label=_("Where the system doesn't meet this, and why not"),
        max_length=VALUE_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=dict(
            required=_("Say where the system falls short."),
            max_length=_("Keep it to 2,000 characters."),
        ),
    )

    def __init__(self, *args: Any, values: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value"].queryset = values  # type: ignore[attr-defined]


class ActionForm(OnceForm):
    text = forms.CharField(
        label=_("What will be done"),
        max_length=ACTION_MAX_LENGTH,
        error_messages=dict(
            required=_("Say what will be done."),
            max_length=_("Keep the action to 500 characters."),
        ),
    )
    value = forms.ModelChoiceField(
        queryset=Value.objects.none(),
        label=_("Which value it is for"),
        required=False,
        empty_label=_("More than one, or none in particular"),
        error_messages=_VALUE_ERRORS,
    )
    owner_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label=_("Which agency owns it"),
        error_messages=dict(
            required=_("Choose the agency that owns it."),
            invalid_choice=_("Choose one of the partnership's agencies."),
        ),
    )
    due_on = forms.DateField(
        label=_("Due by"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=dict(
            required=_("Say when it is due."),
            invalid=_("Enter the due date, for example 14/03/2030."),
        ),
    )
    milestones = forms.CharField(
        label=_("Milestones, one a line"),
        help_text=_("The steps on the way, if any."),
        required=False,
        max_length=LINKS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=dict(max_length=_("That is too many milestones.")),
    )

    def __init__(self, *args: Any, values: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value"].queryset = values  # type: ignore[attr-defined]
        self.fields["owner_agency"].queryset = agencies  # type: ignore[attr-defined]

    def milestone_lines(self) -> list[tuple[str, None]]:
        return [
            (line, None) for line in self.cleaned_data["milestones"].splitlines() if line.strip()
        ]


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Progress"),
        choices=ActionStatus.choices,
        error_messages=dict(
            required=_("Choose the action's status."),
            invalid_choice=_("Choose the action's status."),
        ),
    )
    stuck_because = forms.CharField(
        label=_("If it is stuck, why"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=dict(max_length=_("Keep the reason to 1,000 characters.")),
    )


class BringInForm(OnceForm):
    source = forms.ChoiceField(
        choices=[("circle", "circle"), ("conversation", "conversation")],
        error_messages=dict(
            required=_("Choose an action from a circle or a conversation."),
            invalid_choice=_("Choose an action from a circle or a conversation."),
        ),
    )
    source_id = forms.IntegerField(
        min_value=1,
        max_value=2**62,
        error_messages=dict(
            required=_("Choose an action from a circle or a conversation."),
            invalid=_("Choose an action from a circle or a conversation."),
            min_value=_("Choose an action from a circle or a conversation."),
            max_value=_("Choose an action from a circle or a conversation."),
        ),
    )
