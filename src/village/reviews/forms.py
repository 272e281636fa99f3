"""Forms parse and describe input for the review pages; services decide what is allowed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from village.forms import (
    LONG_TEXT_LIMIT,
    DateTimeInput,
    OpeningWindowForm,
    due_on_field,
    owner_agency_field,
)
from village.language.after_post import HintsOnceForm
from village.language.widgets import HintedTextarea, HintedTextInput
from village.once import OnceForm
from village.people.models import Agency, Member
from village.reviews.models import (
    ACTION_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    EVIDENCE_MAX_LENGTH,
    VALUE_TEXT_MAX_LENGTH,
    ActionStatus,
    Barrier,
    ClauseKind,
    Foundation,
    Panel,
    Party,
    Represents,
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


class SelfRatingForm(HintsOnceForm):
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
                widget=HintedTextarea(attrs={"rows": 3}),
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


class NotRatedForm(HintsOnceForm):
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
        widget=HintedTextarea(attrs={"rows": 3}),
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


class ShortfallForm(HintsOnceForm, OnceForm):
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
        widget=HintedTextarea(attrs={"rows": 4}),
        error_messages=dict(
            required=_("Say where the system falls short."),
            max_length=_("Keep it to 2,000 characters."),
        ),
    )

    def __init__(self, *args: Any, values: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value"].queryset = values  # type: ignore[attr-defined]


class ActionForm(HintsOnceForm, OnceForm):
    text = forms.CharField(
        label=_("What will be done"),
        max_length=ACTION_MAX_LENGTH,
        widget=HintedTextInput,
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
    owner_agency = owner_agency_field()
    due_on = due_on_field()
    milestones = forms.CharField(
        label=_("Milestones, one a line"),
        help_text=_("The steps on the way, if any."),
        required=False,
        max_length=LINKS_MAX_LENGTH,
        widget=HintedTextarea(attrs={"rows": 3}),
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


class ActionStatusForm(HintsOnceForm):
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
        widget=HintedTextarea(attrs={"rows": 2}),
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


_TOO_MUCH = _("That is too much to keep. Please shorten it.")
CONVERSATION_LENGTH = timedelta(days=14)


def _text(label: Any, *, required: bool = True, rows: int = 0, **extra: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=LONG_TEXT_LIMIT,
        widget=HintedTextarea(attrs={"rows": rows}) if rows else forms.TextInput,
        error_messages={"max_length": _TOO_MUCH, **extra.pop("error_messages", {})},
        **extra,
    )


def lines(text: str) -> list[str]:
    """One item a line, blank lines left out."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class VersionForm(HintsOnceForm):
    preamble = _text(_("Opening words"), required=False, rows=5)
    note = _text(
        _("What changed in this version, in a line"),
        required=False,
        help_text=_("For example: Clearer words for family rights."),
    )


class ValueForm(HintsOnceForm, OnceForm):
    name = _text(_("Name"), error_messages={"required": _("Give the value a name.")})
    description = _text(
        _("Description"), rows=4, error_messages={"required": _("Describe the value.")}
    )
    plain = _text(
        _("In plain words"),
        rows=4,
        help_text=_(
            "How a family member would say it. The language lens reads this before publishing."
        ),
        error_messages={"required": _("Say what the value means in plain words.")},
    )
    principles = _text(
        _("Principles"), required=False, rows=4, help_text=_("One principle on each line.")
    )
    assumptions = _text(
        _("Assumptions"), required=False, rows=3, help_text=_("One assumption on each line.")
    )
    foundations = forms.MultipleChoiceField(
        label=_("Foundations of the Promise it serves"),
        choices=Foundation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose from the five foundations of the Promise.")},
    )

    def value_text(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "plain": data["plain"],
            "principles": lines(data["principles"]),
            "assumptions": lines(data["assumptions"]),
            "foundations": data["foundations"],
        }


_PARTIES = forms.MultipleChoiceField(
    label=_("Whose is it?"),
    choices=Party.choices,
    widget=forms.CheckboxSelectMultiple,
    error_messages={
        "required": _(
            "Choose at least one party: families, practitioners, agencies, or leaders "
            "and commissioners."
        ),
        "invalid_choice": _(
            "Choose from families, practitioners, agencies, and leaders and commissioners."
        ),
    },
)


class ClauseForm(HintsOnceForm, OnceForm):
    kind = forms.ChoiceField(
        label=_("Is it a right or a responsibility?"),
        choices=ClauseKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a right or a responsibility."),
            "invalid_choice": _("Choose a right or a responsibility."),
        },
    )
    parties = _PARTIES
    text = _text(
        _("Words of the clause"),
        rows=3,
        error_messages={"required": _("Write the words of the clause.")},
    )


class ClauseEditForm(HintsOnceForm):
    parties = _PARTIES
    text = _text(
        _("Words of the clause"),
        rows=3,
        error_messages={"required": _("Write the words of the clause.")},
    )


class PublishForm(forms.Form):
    acknowledge_lens = forms.BooleanField(
        label=_("I have read the language lens's suggestions and want to publish as it is"),
        required=False,
    )


class RepresentativeForm(forms.Form):
    member: forms.ModelChoiceField[Member] = forms.ModelChoiceField(
        label=_("Member"),
        queryset=Member.objects.none(),
        error_messages={
            "required": _("Choose a member."),
            "invalid_choice": _("Choose a member of this partnership from the list."),
        },
    )
    represents = forms.ChoiceField(
        label=_("The constituency they speak for"),
        choices=Represents.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the constituency they represent."),
            "invalid_choice": _("Choose the constituency they represent."),
        },
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class AmendmentForm(HintsOnceForm, OnceForm):
    new_text = _text(
        _("The words you propose"),
        rows=4,
        error_messages={"required": _("Write the new words.")},
    )
    reason = _text(_("Why"), required=False, rows=3, help_text=_("Say why it should change."))


class CommentForm(HintsOnceForm, OnceForm):
    text = _text(_("Your comment"), rows=3, error_messages={"required": _("Write your comment.")})


class VoteForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=(("yes", _("Yes")), ("no", _("No"))),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose yes or no."),
            "invalid_choice": _("Choose yes or no."),
        },
    )


class DifferencesForm(forms.Form):
    old = forms.TypedChoiceField(label=_("From version"), coerce=int, choices=())
    new = forms.TypedChoiceField(label=_("To version"), coerce=int, choices=())

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(n, str(n)) for n in numbers]
        for name in ("old", "new"):
            field = self.fields[name]
            field.choices = choices  # type: ignore[attr-defined]
            field.error_messages["invalid_choice"] = _("Choose a version from the list.")
            field.error_messages["required"] = _("Choose two versions to compare.")


class ClauseConversationForm(HintsOnceForm, OnceForm, OpeningWindowForm):
    # The conversation's own limits (conversations.models, which this app does not import).
    question = forms.CharField(
        label=_("Question"),
        max_length=300,
        error_messages={
            "required": _("Write the question the conversation is about."),
            "max_length": _("Keep the question to 300 characters."),
        },
    )
    context = forms.CharField(
        label=_("Context"),
        required=False,
        max_length=3000,
        widget=HintedTextarea(attrs={"rows": 4}),
        help_text=_("Why now, and what will happen with the results."),
        error_messages={"max_length": _("Keep the context to 3,000 characters.")},
    )
    opens_at = forms.DateTimeField(
        label=_("Opens"),
        widget=DateTimeInput(),
        error_messages={
            "required": _("Say when the conversation opens."),
            "invalid": _("Enter the opening date and time, for example 14/03/2030 10:00."),
        },
    )
    closes_at = forms.DateTimeField(
        label=_("Closes"),
        widget=DateTimeInput(),
        error_messages={
            "required": _("Say when the conversation closes."),
            "invalid": _("Enter the closing date and time, for example 28/03/2030 17:00."),
        },
    )
