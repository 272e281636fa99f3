"""Forms parse and describe input; services decide what is allowed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from village.circles.models import CHECKIN_WORD_MAX_LENGTH, REFLECTION_MAX_LENGTH, Prompt, Theme
from village.circles.starters import Starter
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

TOO_LONG = _("Please keep it to 2,000 characters. This is much longer than that.")


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class FirstErrorForm(forms.Form):
    """A form whose first problem can be said in one sentence (for a short status line)."""

    def first_error(self) -> str:
        for errors in self.errors.values():
            return str(errors[0])
        return str(_("Something was not right. Please try again."))


class CircleForm(OnceForm, OpeningWindowForm):
    """A new circle, filled in from the template the facilitator chose."""

    template = forms.CharField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(
        label=_("Title"),
        max_length=150,
        help_text=_("For example: Team wellbeing circle, March."),
        error_messages=dict(
            required=_("Give the circle a title."),
            max_length=_("Keep the title to 150 characters."),
        ),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences: why this circle is meeting."),
        error_messages=dict(
            required=_("Say in a sentence why the circle is meeting."),
            max_length=_("Keep the purpose to 1,000 characters."),
        ),
    )
    agreements = forms.CharField(
        label=_("Agreements"),
        max_length=LONG_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One agreement on each line."),
        error_messages=dict(
            required=_("Add at least one agreement, such as: What is shared here stays here."),
            max_length=_("The agreements are too long. Keep them short, one on each line."),
        ),
    )
    prompts = forms.CharField(
        label=_("Prompts"),
        max_length=LONG_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One question on each line."),
        error_messages=dict(
            required=_("Add at least one prompt: a question people reflect on."),
            max_length=_("The prompts are too long. Keep each to one line."),
        ),
    )
    opens_at = forms.DateTimeField(
        label=_("Opens"),
        widget=DateTimeInput(),
        error_messages=dict(
            required=_("Say when the circle opens."),
            invalid=_("Enter the opening date and time, for example 14/03/2030 10:00."),
        ),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes"),
        widget=DateTimeInput(),
        error_messages=dict(
            required=_("Say when the circle closes."),
            invalid=_("Enter the closing date and time, for example 14/03/2030 12:00."),
        ),
    )
    uses_themes = forms.BooleanField(
        label=_("Group reflections into themes and vote on them"),
        required=False,
        help_text=_("Untick for a debrief: people reflect, agree any next steps, and check out."),
    )
    dots_per_person = forms.IntegerField(
        label=_("Dots each person can give to themes"),
        min_value=1,
        max_value=10,
        error_messages=dict(
            required=_("Say how many dots each person can give, from 1 to 10."),
            invalid=_("Enter a whole number of dots, from 1 to 10."),
            min_value=_("Give each person at least 1 dot."),
            max_value=_("Give each person at most 10 dots."),
        ),
    )
    support_first = forms.BooleanField(
        label=_("Show the support links first, above everything else"),
        required=False,
        help_text=_("Good for a hard day: people see where to get help before anything else."),
    )
    save_as = forms.CharField(
        label=_("Save these settings as a template (optional)"),
        max_length=120,
        required=False,
        help_text=_(
            "Give it a name, and other facilitators in your partnership can start from it."
        ),
        error_messages=dict(max_length=_("Keep the template's name to 120 characters.")),
    )

    def __init__(self, *args: Any, starter: Starter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.starter = starter
        initial = {
            "template": starter.key,
            "purpose": str(starter.purpose),
            "agreements": "\n".join(str(a) for a in starter.agreements),
            "prompts": "\n".join(str(p) for p in starter.prompts),
            "uses_themes": starter.uses_themes,
            "support_first": starter.support_first,
            "dots_per_person": starter.dots_per_person,
        }
        for name, value in initial.items():
            self.fields[name].initial = value
        self.start_window_now(length=timedelta(minutes=starter.minutes))

    def clean_agreements(self) -> list[str]:
        return _lines(self.cleaned_data["agreements"])

    def clean_prompts(self) -> list[str]:
        prompts = _lines(self.cleaned_data["prompts"])
        if not prompts:
            raise forms.ValidationError(_("Add at least one prompt: a question people reflect on."))
        if any(len(p) > 300 for p in prompts):
            raise forms.ValidationError(_("Keep each prompt to 300 characters."))
        return prompts

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        closes = data.get("closes_at")
        if closes and closes <= timezone.now() and not self.has_error("closes_at"):
            self.add_error(
                "closes_at", _("The closing time has passed. Choose a time later than now.")
            )
        if not data.get("uses_themes") and "dots_per_person" in self.errors:
            del self.errors["dots_per_person"]  # no voting, so the number of dots is not used
            data["dots_per_person"] = self.starter.dots_per_person
        return data

    def circle_values(self) -> dict[str, Any]:
        names = ("title", "purpose", "agreements", "prompts", "opens_at", "closes_at")
        values = {name: self.cleaned_data[name] for name in names}
        values.update(
            dots_per_person=self.cleaned_data["dots_per_person"],
            uses_themes=self.cleaned_data["uses_themes"],
            support_first=self.cleaned_data["support_first"],
        )
        return values

    def template_values(self) -> dict[str, Any]:
        length = self.cleaned_data["closes_at"] - self.cleaned_data["opens_at"]
        return {
            "name": self.cleaned_data["save_as"],
            "description": self.cleaned_data["purpose"][:300],
            "purpose": self.cleaned_data["purpose"],
            "agreements": self.cleaned_data["agreements"],
            "prompts": self.cleaned_data["prompts"],
            "uses_themes": self.cleaned_data["uses_themes"],
            "support_first": self.cleaned_data["support_first"],
            "dots_per_person": self.cleaned_data["dots_per_person"],
            "minutes": max(15, min(int(length.total_seconds() // 60), 24 * 60)),
        }


class AgreeForm(OnceForm):
    agree = forms.BooleanField(
        label=_("I agree to keep these agreements"),
        error_messages={"required": _("Tick the box to say you agree, so you can join.")},
    )


SCORE_CHOICES = [
    (1, _("1 – struggling")),
    (2, _("2")),
    (3, _("3 – okay")),
    (4, _("4")),
    (5, _("5 – doing well")),
]


class CheckInForm(OnceForm):
    score = forms.TypedChoiceField(
        choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect, label=_("Choose a number")
    )
    word = forms.CharField(
        label=_("One word, if you like (optional)"),
        max_length=CHECKIN_WORD_MAX_LENGTH,
        required=False,
    )


class ReflectionForm(HintsOnceForm, OnceForm):
    prompt = forms.ModelChoiceField(
        queryset=Prompt.objects.none(), label=_("Which question is this about?"), empty_label=None
    )
    text = forms.CharField(
        label=_("Your reflection"),
        widget=HintedTextarea(attrs={"rows": 4}),
        max_length=LONG_TEXT_LIMIT,
        help_text=_("Up to 2,000 characters. Please don't name children, families or colleagues."),
        error_messages={"max_length": TOO_LONG},
    )
    show_name = forms.BooleanField(
        label=_("Show my name with this (it is anonymous unless you tick this)"), required=False
    )
    name_to_show = forms.CharField(
        label=_("Name to show"),
        max_length=80,
        required=False,
        help_text=_("Add your agency or role only if you want to."),
    )

    def __init__(self, *args: Any, prompts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["prompt"].queryset = prompts  # type: ignore[attr-defined]
        self.fields["text"].widget.attrs["maxlength"] = str(REFLECTION_MAX_LENGTH)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("show_name") and not data.get("name_to_show", "").strip():
            self.add_error("name_to_show", _("Write the name to show, or untick the box."))
        return data


class ReflectionEditForm(HintsOnceForm):
    text = forms.CharField(
        label=_("Your reflection"),
        widget=HintedTextarea(attrs={"rows": 4}),
        max_length=LONG_TEXT_LIMIT,
        error_messages={"max_length": TOO_LONG, "required": _("Write something, or withdraw it.")},
    )


class ThemeForm(OnceForm, FirstErrorForm):
    name = forms.CharField(
        label=_("Theme name"),
        max_length=120,
        error_messages=dict(
            required=_("Give the theme a name."),
            max_length=_("Keep the theme's name to 120 characters."),
        ),
    )


class ManyValues(forms.Field):
    """Every value sent under one name, as text: the service matches them to reflections, so a
    value that is not one (a typo, an attack) simply moves nothing."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        return [str(item)[:64] for item in values][:500]


class GroupForm(FirstErrorForm):
    """Move reflections into a theme, or out of every theme."""

    reflection = ManyValues(error_messages=dict(required=_("Choose a reflection to move.")))
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.none(),
        label=_("Move it to"),
        required=False,
        empty_label=_("Not in a theme yet"),
        widget=forms.RadioSelect,
        error_messages=dict(
            invalid_choice=_("That theme is not in this circle any more. Choose another.")
        ),
    )

    def __init__(self, *args: Any, themes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes  # type: ignore[attr-defined]


class ActionForm(HintsOnceForm, OnceForm):
    text = forms.CharField(
        label=_("What will happen"),
        max_length=500,
        widget=HintedTextInput,
        error_messages=dict(
            required=_("Say what will happen."),
            max_length=_("Keep the action to 500 characters."),
        ),
    )
    owner_agency = owner_agency_field()
    due_on = due_on_field()
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.none(),
        label=_("Theme (optional)"),
        required=False,
        error_messages=dict(invalid_choice=_("Choose one of this circle's themes.")),
    )

    def __init__(self, *args: Any, agencies: Any, themes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["theme"].queryset = themes  # type: ignore[attr-defined]


class DotsForm(OnceForm):
    """One number field per theme; built from the circle's themes."""

    def __init__(self, *args: Any, themes: list[Theme], dots: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dots = dots
        for theme in themes:
            self.fields[f"theme_{theme.pk}"] = forms.IntegerField(
                label=theme.name,
                min_value=0,
                max_value=dots,
                initial=0,
                required=False,
                error_messages={
                    "invalid": _("Enter a whole number of dots, like 1 or 2."),
                    "min_value": _("Dots cannot be fewer than 0."),
                    "max_value": _("You have %(limit_value)s dots to give."),
                },
            )

    def allocation(self) -> dict[int, int]:
        return {
            int(name.removeprefix("theme_")): value or 0
            for name, value in self.cleaned_data.items()
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(self.has_error(name) for name in self.fields):
            return data  # the field's own message says what is wrong; a total would mislead
        total = sum(value or 0 for value in data.values())
        if total > self.dots:
            raise forms.ValidationError(
                _("You have %(dots)s dots. You gave %(total)s.")
                % {"dots": self.dots, "total": total}
            )
        if total == 0:
            raise forms.ValidationError(_("Give at least one dot."))
        return data
