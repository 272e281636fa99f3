"""Forms parse and describe input; services decide what is allowed and say what is wrong.

Text fields take up to ``LONG_TEXT_LIMIT`` here, so the service's own message ("Please keep
it to 1,000 characters. This has 1,204.") is the one people see, with their words kept."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from village.forms import LONG_TEXT_LIMIT, DateTimeInput, OpeningWindowForm
from village.once import OnceForm
from village.people.models import Member
from village.reviews.models import ClauseKind, Foundation, Party, Represents

_TOO_MUCH = _("That is too much to keep. Please shorten it.")
CONVERSATION_LENGTH = timedelta(days=14)


def _text(label: Any, *, required: bool = True, rows: int = 0, **extra: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=LONG_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput,
        error_messages={"max_length": _TOO_MUCH, **extra.pop("error_messages", {})},
        **extra,
    )


def lines(text: str) -> list[str]:
    """One item a line, blank lines left out."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class VersionForm(forms.Form):
    preamble = _text(_("Opening words"), required=False, rows=5)
    note = _text(
        _("What changed in this version, in a line"),
        required=False,
        help_text=_("For example: Clearer words for family rights."),
    )


class ValueForm(OnceForm):
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


class ClauseForm(OnceForm):
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


class ClauseEditForm(forms.Form):
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


class AmendmentForm(OnceForm):
    new_text = _text(
        _("The words you propose"),
        rows=4,
        error_messages={"required": _("Write the new words.")},
    )
    reason = _text(_("Why"), required=False, rows=3, help_text=_("Say why it should change."))


class CommentForm(OnceForm):
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


class ClauseConversationForm(OnceForm, OpeningWindowForm):
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
        widget=forms.Textarea(attrs={"rows": 4}),
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
