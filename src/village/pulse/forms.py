"""Forms parse and describe input; services decide what is allowed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from village.engines.instruments import Instrument, Item
from village.forms import LONG_TEXT_LIMIT, DateTimeInput, OpeningWindowForm
from village.language.after_post import HintsOnceForm
from village.language.widgets import HintedTextarea
from village.once import OnceForm
from village.people.models import Agency, Role
from village.pulse.models import AUDIENCE_ROLES, COMMENT_MAX_LENGTH, Audience
from village.pulse.services import DEFAULT_COMMENT_QUESTIONS


class RoundForm(OnceForm, OpeningWindowForm):
    """Scheduling a round for one audience: only the question sets written for it, and only
    the roles it may ask, are offered."""

    intended_for = forms.ChoiceField(
        choices=Audience.choices,
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Choose who the check-in is for.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=150,
        error_messages={
            "required": _("Give the check-in a title."),
            "max_length": _("Keep the title to %(limit_value)s characters."),
        },
    )
    instruments = forms.MultipleChoiceField(
        label=_("Questionnaires"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one questionnaire."),
            "invalid_choice": _("Choose questions from the list."),
        },
    )
    comment_question = forms.CharField(
        label=_("Question for an optional comment"),
        max_length=300,
        required=False,
        help_text=_("Leave it empty for no comment box."),
        error_messages={"max_length": _("Keep the question to %(limit_value)s characters.")},
    )
    opens_at = forms.DateTimeField(
        label=_("Opens"),
        widget=DateTimeInput(),
        error_messages={
            "required": _("Say when the check-in opens."),
            "invalid": _("Give the opening date and time, for example 3 March 2026, 09:00."),
        },
    )
    closes_at = forms.DateTimeField(
        label=_("Closes"),
        widget=DateTimeInput(),
        error_messages={
            "required": _("Say when the check-in closes."),
            "invalid": _("Give the closing date and time, for example 17 March 2026, 17:00."),
        },
    )
    audience_agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies to ask"),
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick none to ask every agency."),
        error_messages={
            "invalid_choice": _("Choose agencies from the list."),
            "invalid_pk_value": _("Choose agencies from the list."),
        },
    )
    audience_roles = forms.MultipleChoiceField(
        label=_("Roles to ask"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick none to ask everyone in these roles."),
        error_messages={"invalid_choice": _("Choose roles from the list.")},
    )
    guests_allowed = forms.ChoiceField(
        label=_("Who can answer"),
        choices=[
            ("members", _("Members only. People without an account are asked to sign in.")),
            ("guests", _("Members and guests with the link. Guests are reported on their own.")),
        ],
        required=False,
        initial="members",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose members only, or members and guests.")},
    )

    def __init__(
        self,
        *args: Any,
        intended_for: str,
        instruments: list[tuple[str, str]],
        defaults: list[str],
        time_taken: str,
        agencies: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["intended_for"].initial = intended_for
        self.fields["instruments"].choices = instruments  # type: ignore[attr-defined]
        self.fields["instruments"].initial = defaults
        self.fields["instruments"].help_text = _(
            "The ones ticked for you take %(time)s on a phone."
        ) % {"time": time_taken}
        self.fields["comment_question"].initial = str(DEFAULT_COMMENT_QUESTIONS[intended_for])
        if intended_for == Audience.FAMILY:
            # Most parents and carers take part without an account, with the round code.
            self.fields["guests_allowed"].initial = "guests"
        self.start_window_now(length=timedelta(days=14))
        self.fields["audience_agencies"].queryset = agencies  # type: ignore[attr-defined]
        roles = AUDIENCE_ROLES[intended_for]
        if len(roles) > 1:
            self.fields["audience_roles"].choices = [  # type: ignore[attr-defined]
                (role, Role(role).label) for role in roles
            ]
        else:
            del self.fields["audience_roles"]

    def clean_intended_for(self) -> str:
        """The audience the page was made for, unless another was sent."""
        return str(self.cleaned_data.get("intended_for") or self.fields["intended_for"].initial)

    def clean_guests_allowed(self) -> bool:
        """Members only unless guests were chosen: the safer choice is the default."""
        return self.cleaned_data.get("guests_allowed") == "guests"


class InstrumentForm(forms.Form):
    """One page of a check-in: some questions of one instrument, as radio buttons, numbered
    as in the whole questionnaire."""

    def __init__(
        self, *args: Any, instrument: Instrument, items: Sequence[Item], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        total = instrument.item_count
        for item in items:
            self.fields[f"item_{item.number}"] = forms.TypedChoiceField(
                label=_("%(number)s of %(total)s. %(text)s")
                % {"number": item.number, "total": total, "text": item.text},
                choices=[(option.value, option.label) for option in item.scale.options],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose an answer for question %(number)s.")
                    % {"number": item.number},
                    "invalid_choice": _("Choose one of the answers shown for question %(number)s.")
                    % {"number": item.number},
                },
            )

    def answers(self) -> dict[str, int]:
        return {
            name.removeprefix("item_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("item_")
        }

    def partial_answers(self) -> dict[str, str]:
        """Whatever was chosen so far, valid or not; the service keeps only allowed values."""
        return {
            name.removeprefix("item_"): str(self.data.get(name, ""))
            for name in self.fields
            if self.data.get(name)
        }


class FinishForm(HintsOnceForm):
    """The last page: an optional comment. Nobody is asked about themselves here: a guest's
    own words about their agency or role are never stored or used for breakdowns."""

    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=LONG_TEXT_LIMIT,
        widget=HintedTextarea(attrs={"rows": 4}),
        help_text=_(
            "Up to 2,000 characters. Comments are only shown in groups large enough that "
            "nobody can be picked out. Please don't name anyone."
        ),
        error_messages={
            "max_length": _(
                "Please keep your comment to 2,000 characters. This is much longer than that."
            )
        },
    )

    def __init__(self, *args: Any, question: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if question:
            self.fields["comment"].label = _("%(question)s (optional)") % {"question": question}
        else:
            del self.fields["comment"]

    def clean_comment(self) -> str:
        comment: str = self.cleaned_data.get("comment", "")
        if len(comment) > COMMENT_MAX_LENGTH:
            raise forms.ValidationError(
                _("Please keep your comment to %(max)s characters. This has %(count)s.")
                % {"max": f"{COMMENT_MAX_LENGTH:,}", "count": f"{len(comment):,}"}
            )
        return comment


class LicenceForm(OnceForm):
    confirm = forms.BooleanField(
        label=_("I confirm that our partnership holds its own licence for this questionnaire"),
        error_messages={"required": _("Tick the box to confirm the licence.")},
    )
