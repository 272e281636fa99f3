"""People forms: parse and describe input; services decide what is allowed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from village.language.after_post import HintsOnceForm
from village.language.widgets import HintedTextInput
from village.once import OnceForm
from village.people.models import Agency, CareerStage, Constituency, Member, Role, Team
from village.people.services import Place

ROLES_ERRORS = {
    "required": _("Choose at least one role."),
    "invalid_choice": _("Choose roles from the list."),
}
CONSTITUENCY_ERRORS = {
    "required": _("Choose which group they speak for."),
    "invalid_choice": _("Choose a group from the list."),
}
AGENCY_ERRORS = {"invalid_choice": _("Choose an agency from the list.")}
TEAM_ERRORS = {"invalid_choice": _("Choose a team from the list.")}
CAREER_STAGE_ERRORS = {"invalid_choice": _("Choose a career stage from the list.")}
CAREER_STAGES = [("", _("Not given")), *CareerStage.choices]


class InvitationForm(OnceForm):
    email = forms.EmailField(
        label=_("Email address"),
        error_messages={
            "required": _("Give the email address to send the invitation to."),
            "invalid": _("Give an email address like name@example.org."),
        },
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages=ROLES_ERRORS,
    )
    constituency = forms.ChoiceField(
        label=_("Which group do they speak for?"),
        choices=Constituency.choices,
        error_messages=CONSTITUENCY_ERRORS,
    )
    agency: forms.ModelChoiceField[Agency] = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label=_("Agency"),
        required=False,
        empty_label=_("No agency"),
        error_messages=AGENCY_ERRORS,
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class SupportLinkForm(HintsOnceForm):
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
        widget=HintedTextInput,
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


NAME_ERRORS = {
    "required": _("Give the name you would like to use."),
    "max_length": _("Keep your name to %(limit_value)s characters."),
}


class AcceptInvitationForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        help_text=_("Shown only where you choose to show it."),
        error_messages=NAME_ERRORS,
    )
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters. Not just numbers, and not a common password."),
        error_messages={"required": _("Choose a password.")},
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
        error_messages=NAME_ERRORS,
    )


class MemberForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages=ROLES_ERRORS,
    )
    constituency = forms.ChoiceField(
        label=_("Which group do they speak for?"),
        choices=Constituency.choices,
        error_messages=CONSTITUENCY_ERRORS,
    )
    agency: forms.ModelChoiceField[Agency] = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label=_("Agency"),
        required=False,
        empty_label=_("No agency"),
        error_messages=AGENCY_ERRORS,
    )
    team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        label=_("Team"),
        required=False,
        empty_label=_("No team"),
        help_text=_("A team in their agency. Reports by team use it."),
        error_messages=TEAM_ERRORS,
    )
    career_stage = forms.ChoiceField(
        label=_("Career stage (optional)"),
        choices=CAREER_STAGES,
        required=False,
        help_text=_("Reports by career stage use it."),
        error_messages=CAREER_STAGE_ERRORS,
    )

    def __init__(self, *args: Any, agencies: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["team"].label_from_instance = team_label  # type: ignore[attr-defined]


def team_label(team: Team) -> str:
    """A team with where it sits, so two teams of one name in different places differ."""
    inside = _("inside %(parent)s") % {"parent": team.parent.name} if team.parent else ""
    where = ", ".join(part for part in (team.agency.name, inside) if part)
    return f"{team.name} ({where})"


TEAM_NAME_ERRORS = {
    "required": _("Give the team a name."),
    "max_length": _("Keep the team name to %(limit_value)s characters."),
}
PARENT_ERRORS = {"invalid_choice": _("Choose the team it is inside from the list.")}


class TeamForm(OnceForm):
    name = forms.CharField(label=_("Team name"), max_length=200, error_messages=TEAM_NAME_ERRORS)
    agency: forms.ModelChoiceField[Agency] = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label=_("Agency"),
        empty_label=_("Choose an agency"),
        error_messages={"required": _("Choose the team's agency."), **AGENCY_ERRORS},
    )
    parent: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        label=_("Inside which team? (optional)"),
        required=False,
        empty_label=_("Not inside another team"),
        help_text=_(
            "A team in the same agency. Reports count a team too small to show with the "
            "team it is inside."
        ),
        error_messages=PARENT_ERRORS,
    )

    def __init__(self, *args: Any, agencies: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["parent"].queryset = teams  # type: ignore[attr-defined]
        self.fields["parent"].label_from_instance = team_label  # type: ignore[attr-defined]


class TeamEditForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=200, error_messages=TEAM_NAME_ERRORS)
    parent: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        label=_("Inside which team? (optional)"),
        required=False,
        empty_label=_("Not inside another team"),
        error_messages=PARENT_ERRORS,
    )

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = teams  # type: ignore[attr-defined]
        self.fields["parent"].label_from_instance = team_label  # type: ignore[attr-defined]


@dataclass(frozen=True)
class PlaceRow:
    member: Member
    team: forms.BoundField
    career_stage: forms.BoundField

    @property
    def fields(self) -> tuple[forms.BoundField, forms.BoundField]:
        return (self.team, self.career_stage)


class MemberPlacesForm(forms.Form):
    """Each member's team (from their own agency's teams) and career stage, on one page."""

    def __init__(self, *args: Any, members: Iterable[Member], teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = list(members)
        self.teams = {str(team.pk): team for team in teams}
        for member in self.members:
            own = [
                (key, team_label(team))
                for key, team in self.teams.items()
                if team.agency_id == member.agency_id
            ]
            self.fields[f"team_{member.pk}"] = forms.ChoiceField(
                label=_("Team"),
                choices=[("", _("No team")), *own],
                required=False,
                initial=str(member.team_id or ""),
                error_messages=TEAM_ERRORS,
            )
            self.fields[f"career_stage_{member.pk}"] = forms.ChoiceField(
                label=_("Career stage"),
                choices=CAREER_STAGES,
                required=False,
                initial=member.career_stage,
                error_messages=CAREER_STAGE_ERRORS,
            )

    def rows(self) -> list[PlaceRow]:
        return [
            PlaceRow(
                member=member,
                team=self[f"team_{member.pk}"],
                career_stage=self[f"career_stage_{member.pk}"],
            )
            for member in self.members
        ]

    def places(self) -> list[Place]:
        return [
            Place(
                member=member,
                team=self.teams.get(self.cleaned_data[f"team_{member.pk}"]),
                career_stage=self.cleaned_data[f"career_stage_{member.pk}"],
            )
            for member in self.members
        ]
