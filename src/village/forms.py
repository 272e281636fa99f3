"""Form pieces shared by the apps: a phone-friendly date-time input, an opening window, and
the one box people type a circle, check-in or conversation code into."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LONG_TEXT_LIMIT = 20_000


class DateTimeInput(forms.DateTimeInput):
    """The browser's own date and time picker, which works well on phones."""

    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


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
