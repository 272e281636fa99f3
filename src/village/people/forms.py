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
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("What they offer"), max_length=300)
    contact = forms.CharField(
        label=_("Phone or other contact (optional)"), max_length=200, required=False
    )
    url = forms.URLField(label=_("Web address (optional)"), required=False, assume_scheme="https")


SupportLinkFormSet = forms.formset_factory(SupportLinkForm, extra=1, can_delete=True, max_num=20)


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
