"""Form pieces shared by the apps: a phone-friendly date-time input, an opening window, the
owner and due date every action has, and the one box people type a circle, check-in or
conversation code into."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from village.people.models import Agency

LONG_TEXT_LIMIT = 20_000


class DateTimeInput(forms.DateTimeInput):
    """The browser's own date and time picker, which works well on phones."""

    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


def owner_agency_field() -> forms.ModelChoiceField:
    """Which agency owns an action. The form sets the partnership's agencies as its choices."""
    return forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label=_("Which agency owns it"),
        error_messages=dict(
            required=_("Choose the agency that owns it."),
            invalid_choice=_("Choose one of the partnership's agencies."),
        ),
    )


def due_on_field() -> forms.DateField:
    """When an action is due, with the browser's own date picker."""
    return forms.DateField(
        label=_("Due by"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=dict(
            required=_("Say when it is due."),
            invalid=_("Enter the due date, for example 14/03/2030."),
        ),
    )


class OpeningWindowForm(forms.Form):
    """A form whose opens_at and closes_at fields must make a window, starting now by default."""

    def start_window_now(self, *, length: timedelta) -> None:
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["opens_at"].initial = now
        self.fields["closes_at"].initial = now + length

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        return data


class JoinCodeForm(forms.Form):
    """The code for a circle, a check-in or a conversation link; the join page looks for
    each."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("The person who shared it will have given it, for example ABCD2345."),
        error_messages={
            "required": _("Type the code you were given."),
            "max_length": _("That is too long for a code. Codes are 8 letters and numbers."),
        },
    )
