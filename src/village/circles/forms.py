"""Forms parse and describe input; services decide what is allowed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from village.circles.models import CHECKIN_WORD_MAX_LENGTH, REFLECTION_MAX_LENGTH, Prompt, Theme
from village.circles.services import DEFAULT_AGREEMENTS, DEFAULT_PROMPTS
from village.forms import LONG_TEXT_LIMIT, DateTimeInput, OpeningWindowForm
from village.once import OnceForm
from village.people.models import Agency

TOO_LONG = _("Please keep it to 2,000 characters. This is much longer than that.")


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class CircleForm(OnceForm, OpeningWindowForm):
    title = forms.CharField(label=_("Title"), max_length=150)
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences: why this circle is meeting."),
    )
    agreements = forms.CharField(
        label=_("Agreements"),
        max_length=LONG_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One agreement on each line."),
    )
    prompts = forms.CharField(
        label=_("Prompts"),
        max_length=LONG_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One question on each line."),
    )
    opens_at = forms.DateTimeField(label=_("Opens"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes"), widget=DateTimeInput())
    dots_per_person = forms.IntegerField(
        label=_("Dots each person can give to themes"), min_value=1, max_value=10, initial=3
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreements"].initial = "\n".join(str(a) for a in DEFAULT_AGREEMENTS)
        self.fields["prompts"].initial = "\n".join(str(p) for p in DEFAULT_PROMPTS)
        self.start_window_now(length=timedelta(hours=2))

    def clean_agreements(self) -> list[str]:
        return _lines(self.cleaned_data["agreements"])

    def clean_prompts(self) -> list[str]:
        prompts = _lines(self.cleaned_data["prompts"])
        if not prompts:
            raise forms.ValidationError(_("Add at least one prompt."))
        if any(len(p) > 300 for p in prompts):
            raise forms.ValidationError(_("Keep each prompt to 300 characters."))
        return prompts


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


class ReflectionForm(OnceForm):
    prompt = forms.ModelChoiceField(
        queryset=Prompt.objects.none(), label=_("Which question is this about?"), empty_label=None
    )
    text = forms.CharField(
        label=_("Your reflection"),
        widget=forms.Textarea(attrs={"rows": 4}),
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
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, prompts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["prompt"].queryset = prompts  # type: ignore[attr-defined]
        self.fields["text"].widget.attrs["maxlength"] = str(REFLECTION_MAX_LENGTH)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("show_name") and not data.get("name_to_show", "").strip():
            self.add_error("name_to_show", _("Write the name to show, or untick the box."))
        return data


class ReflectionEditForm(forms.Form):
    text = forms.CharField(
        label=_("Your reflection"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=LONG_TEXT_LIMIT,
        error_messages={"max_length": TOO_LONG},
    )


class ThemeForm(OnceForm):
    name = forms.CharField(label=_("Theme name"), max_length=120)
    reflections = forms.MultipleChoiceField(
        label=_("Reflections in this theme"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args: Any, reflection_choices: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reflections"].choices = reflection_choices  # type: ignore[attr-defined]


class GroupForm(forms.Form):
    """Move reflections into an existing theme, or back to ungrouped."""

    theme = forms.ModelChoiceField(
        queryset=Theme.objects.none(),
        label=_("Move to"),
        required=False,
        empty_label=_("Back to ungrouped"),
    )
    reflections = forms.MultipleChoiceField(
        label=_("Reflections to move"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self, *args: Any, themes: Any, reflection_choices: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes  # type: ignore[attr-defined]
        self.fields["reflections"].choices = reflection_choices  # type: ignore[attr-defined]


class ActionForm(OnceForm):
    text = forms.CharField(label=_("What will happen"), max_length=500)
    owner_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label=_("Which agency owns it")
    )
    due_on = forms.DateField(label=_("Due by"), widget=forms.DateInput(attrs={"type": "date"}))
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.none(), label=_("Theme (optional)"), required=False
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
