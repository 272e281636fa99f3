"""People forms: parse and describe input; services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from village.once import OnceForm
from village.people.models import Agency, CareerStage, Constituency, Role, Team


class InvitationForm(OnceForm):
    email = forms.EmailField(label=_("Email address"))
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    constituency = forms.ChoiceField(
        label=_("Which group do they speak for?"), choices=Constituency.choices
    )
    agency: forms.ModelChoiceField[Agency] = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label=_("Agency"), required=False
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class SupportLinkForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        error_messages={
            "required": _("Give the link a name, such as Breathing Space."),
            "max_length": _("Keep the name to 120 characters."),
        },
    )
    description = forms.CharField(
        label=_("What they offer"),
        max_length=300,
        error_messages={
            "required": _("Say in a sentence what they offer."),
            "max_length": _("Keep this to 300 characters."),
        },
    )
    contact = forms.CharField(
        label=_("Phone or other contact (optional)"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("Keep the contact to 200 characters.")},
    )
    url = forms.URLField(
        label=_("Web address (optional)"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address, such as https://breathingspace.scot")},
    )

    @property
    def is_reminder(self) -> bool:
        return bool(self.initial.get("is_reminder"))


class BaseSupportLinkFormSet(forms.BaseFormSet):
    """The reminder's form has no "Delete" box: it can be reworded, never removed."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if isinstance(form, SupportLinkForm) and form.is_reminder:
            form.fields.pop("DELETE", None)


SupportLinkFormSet = forms.formset_factory(
    SupportLinkForm, formset=BaseSupportLinkFormSet, extra=1, can_delete=True, max_num=20
)


class AcceptInvitationForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        help_text=_("Shown only where you choose to show it."),
    )
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters. Not just numbers, and not a common password."),
    )

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class JoinForm(forms.Form):
    """Joining another partnership with the account one is signed in to."""

    display_name = forms.CharField(
        label=_("Your name in this partnership"),
        max_length=120,
        help_text=_("Shown only where you choose to show it."),
    )


class MemberForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    constituency = forms.ChoiceField(
        label=_("Which group do they speak for?"), choices=Constituency.choices
    )
    agency: forms.ModelChoiceField[Agency] = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label=_("Agency"), required=False
    )
    team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        queryset=Team.objects.none(), label=_("Team"), required=False
    )
    career_stage = forms.ChoiceField(
        label=_("Career stage (optional)"),
        choices=[("", _("Not given")), *CareerStage.choices],
        required=False,
    )

    def __init__(self, *args: Any, agencies: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
