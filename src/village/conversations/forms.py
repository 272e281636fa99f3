"""Forms parse and describe input; services decide what is allowed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from village.conversations.models import (
    CONTEXT_MAX_LENGTH,
    DEFAULT_POLICY,
    POLICY_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    REJECT_REASONS,
    STATEMENT_HARD_LIMIT,
    STATEMENT_MAX_LENGTH,
    ActionStatus,
    ConstituencyKind,
    Moderation,
    Statement,
)
from village.forms import (
    LONG_TEXT_LIMIT,
    DateTimeInput,
    OpeningWindowForm,
    due_on_field,
    owner_agency_field,
)
from village.language.after_post import HintsOnceForm
from village.once import OnceForm
from village.people.models import CareerStage, Member

_EXPECTED_ERRORS = dict(
    invalid=_("Enter a whole number of people, or leave it empty."),
    min_value=_("The number expected cannot be below 0."),
    max_value=_("Enter a number below a million."),
)


class ConversationForm(OnceForm, OpeningWindowForm):
    """A conversation's question, context, times, moderation and constituencies; seed
    statements too when it is new."""

    question = forms.CharField(
        label=_("Question"),
        max_length=QUESTION_MAX_LENGTH,
        help_text=_(
            "For example: How should our services work with families affected by substance use?"
        ),
        error_messages=dict(
            required=_("Write the question the conversation is about."),
            max_length=_("Keep the question to 300 characters."),
        ),
    )
    context = forms.CharField(
        label=_("Context"),
        max_length=CONTEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why now, and what will happen with the results."),
        error_messages=dict(
            required=_("Say why this conversation is happening and what will happen next."),
            max_length=_("Keep the context to 3,000 characters."),
        ),
    )
    opens_at = forms.DateTimeField(
        label=_("Opens"),
        widget=DateTimeInput(),
        error_messages=dict(
            required=_("Say when the conversation opens."),
            invalid=_("Enter the opening date and time, for example 14/03/2030 10:00."),
        ),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes"),
        widget=DateTimeInput(),
        error_messages=dict(
            required=_("Say when the conversation closes."),
            invalid=_("Enter the closing date and time, for example 28/03/2030 17:00."),
        ),
    )
    seeds = forms.CharField(
        label=_("Seed statements"),
        required=False,
        max_length=LONG_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Paste one statement on each line. They are shown as the starting points."),
        error_messages=dict(max_length=_("That is too much to paste at once. Add fewer lines.")),
    )
    moderation = forms.ChoiceField(
        label=_("When are new statements moderated?"),
        choices=Moderation.choices,
        initial=Moderation.PRE,
        widget=forms.RadioSelect,
        error_messages=dict(
            required=_("Choose when statements are moderated."),
            invalid_choice=_("Choose when statements are moderated."),
        ),
    )
    results_while_open = forms.BooleanField(
        label=_("Participants can see the results while it is open"),
        required=False,
    )
    moderation_policy = forms.CharField(
        label=_("Moderation policy"),
        max_length=POLICY_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Shown to everyone who takes part. Leave it empty for the default."),
        error_messages=dict(max_length=_("Keep the policy to 5,000 characters.")),
    )
    statement_max_length = forms.IntegerField(
        label=_("Longest statement, in characters"),
        min_value=40,
        max_value=STATEMENT_HARD_LIMIT,
        initial=STATEMENT_MAX_LENGTH,
        error_messages=dict(
            required=_("Say how long a statement can be, from 40 to 500 characters."),
            invalid=_("Enter a whole number of characters, from 40 to 500."),
            min_value=_("Allow at least 40 characters."),
            max_value=_("Allow at most 500 characters."),
        ),
    )

    def __init__(self, *args: Any, new: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in ConstituencyKind.choices:
            self.fields[f"expected_{kind}"] = forms.IntegerField(
                label=_("People expected: %(group)s") % {"group": label},
                required=False,
                min_value=0,
                max_value=999_999,
                error_messages=_EXPECTED_ERRORS,
            )
        if new:
            self.fields["moderation_policy"].initial = str(DEFAULT_POLICY)
            self.start_window_now(length=timedelta(days=14))
        else:
            del self.fields["seeds"]

    def expected(self) -> dict[str, int]:
        return {
            kind: self.cleaned_data.get(f"expected_{kind}") or 0 for kind in ConstituencyKind.values
        }

    def values(self) -> dict[str, Any]:
        """The cleaned values as the services take them."""
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in (
                "question",
                "context",
                "opens_at",
                "closes_at",
                "moderation",
                "results_while_open",
                "moderation_policy",
                "statement_max_length",
            )
        }
        values["expected"] = self.expected()
        if "seeds" in self.fields:
            values["seeds"] = data["seeds"].splitlines()
        return values


class SeedsForm(OnceForm):
    seeds = forms.CharField(
        label=_("More seed statements"),
        max_length=LONG_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One statement on each line."),
        error_messages=dict(
            required=_("Paste at least one statement."),
            max_length=_("That is too much to paste at once. Add fewer lines."),
        ),
    )


OPEN_LINK = "open"
LINK_KINDS = (
    ("unlimited", _("Anyone with the link, as many people as use it")),
    ("single", _("Single-use links: one person each")),
    ("limited", _("One link for a set number of people")),
)


class LinkForm(OnceForm):
    group = forms.ChoiceField(
        label=_("Who is the link for?"),
        error_messages=dict(
            required=_("Choose who the link is for."),
            invalid_choice=_("Choose who the link is for."),
        ),
    )
    kind = forms.ChoiceField(
        label=_("How many people can use it?"),
        choices=LINK_KINDS,
        initial="unlimited",
        widget=forms.RadioSelect,
        error_messages=dict(
            required=_("Choose how many people can use it."),
            invalid_choice=_("Choose how many people can use it."),
        ),
    )
    number = forms.IntegerField(
        label=_("How many (people for one link, or single-use links to make)"),
        required=False,
        min_value=1,
        max_value=200,
        error_messages=dict(
            invalid=_("Enter a whole number from 1 to 200."),
            min_value=_("Enter a whole number from 1 to 200."),
            max_value=_("Enter a whole number from 1 to 200."),
        ),
    )

    def __init__(self, *args: Any, constituencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.constituencies = {str(c.pk): c for c in constituencies}
        self.fields["group"].choices = [  # type: ignore[attr-defined]
            *((str(c.pk), c.get_kind_display()) for c in constituencies),
            (OPEN_LINK, _("Open link: people say which group they are in (reported apart)")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") in ("single", "limited") and not data.get("number"):
            self.add_error("number", _("Say how many, from 1 to 200."))
        return data

    def link_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        number = data.get("number") or 1
        return {
            "constituency": self.constituencies.get(data["group"]),
            "max_uses": {"single": 1, "limited": number}.get(data["kind"]),
            "count": number if data["kind"] == "single" else 1,
        }


class ModeratorsForm(forms.Form):
    moderators = forms.ModelMultipleChoiceField(
        queryset=Member.objects.none(),
        label=_("Co-moderators"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Anyone in the partnership, in any role: families too."),
        error_messages=dict(invalid_choice=_("Choose members of this partnership.")),
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["moderators"].queryset = members  # type: ignore[attr-defined]


class JoinForm(OnceForm):
    declared = forms.ChoiceField(
        label=_("Which group are you in?"),
        required=False,
        widget=forms.RadioSelect,
        error_messages=dict(invalid_choice=_("Choose the group you belong to.")),
    )

    career_stage = forms.ChoiceField(
        label=_("Your career stage (you can leave this out)"),
        help_text=_(
            "For results by career stage. A stage is kept and shown only when enough people "
            "in your group share it that nobody can be picked out."
        ),
        required=False,
        choices=[("", _("I would rather not say")), *CareerStage.choices],
        widget=forms.RadioSelect,
        error_messages=dict(invalid_choice=_("Choose a career stage from the list.")),
    )

    def __init__(self, *args: Any, constituencies: list[Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.constituencies = {str(c.pk): c for c in constituencies or []}
        if constituencies:
            self.fields["declared"].required = True
            self.fields["declared"].error_messages["required"] = _(
                "Choose the group you belong to."
            )
            self.fields["declared"].choices = [  # type: ignore[attr-defined]
                (str(c.pk), c.get_kind_display()) for c in constituencies
            ]
        else:
            del self.fields["declared"]

    def declared_constituency(self) -> Any:
        return self.constituencies.get(self.cleaned_data.get("declared") or "")


VALUE_CHOICES = (("1", _("Agree")), ("-1", _("Disagree")), ("0", _("Pass or unsure")))


class VoteForm(forms.Form):
    statement = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    value = forms.TypedChoiceField(
        choices=VALUE_CHOICES,
        coerce=int,
        error_messages=dict(
            required=_("Choose agree, disagree or pass."),
            invalid_choice=_("Choose agree, disagree or pass."),
        ),
    )


CARD_CHOICES = (("", _("No answer")), *VALUE_CHOICES)
IN_PERSON_PEOPLE_DEFAULT = 6
IN_PERSON_PEOPLE_MAX = 30


def in_person_people(value: str | None) -> int:
    """How many people's cards the page has room for: from the address, within limits."""
    try:
        people = int(value or IN_PERSON_PEOPLE_DEFAULT)
    except ValueError:
        return IN_PERSON_PEOPLE_DEFAULT
    return min(max(people, 1), IN_PERSON_PEOPLE_MAX)


class InPersonForm(OnceForm):
    """Cards from a meeting: each person's answer to each statement, the constituency they
    all belong to, and that they agreed to their votes being added."""

    constituency = forms.ChoiceField(
        label=_("Which group were the people at the meeting in?"),
        widget=forms.RadioSelect,
        error_messages=dict(
            required=_("Choose the group the people at the meeting were in."),
            invalid_choice=_("Choose the group the people at the meeting were in."),
        ),
    )
    consent = forms.BooleanField(
        label=_("Everyone whose answers are below agreed to them being added"),
        error_messages=dict(
            required=_("Add votes only when the people at the meeting agreed to it. Tick the box.")
        ),
    )
    people = forms.IntegerField(
        min_value=1, max_value=IN_PERSON_PEOPLE_MAX, widget=forms.HiddenInput
    )

    def __init__(
        self,
        *args: Any,
        constituencies: list[Any],
        statements: list[Any],
        people: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.constituencies = {str(c.pk): c for c in constituencies}
        self.fields["constituency"].choices = [  # type: ignore[attr-defined]
            (str(c.pk), c.get_kind_display()) for c in constituencies
        ]
        self.fields["people"].initial = people
        self.statements = statements
        self.card_count = people
        for person in range(1, people + 1):
            for statement in statements:
                self.fields[self.card_field(person, statement.pk)] = forms.TypedChoiceField(
                    label=statement.text,
                    choices=CARD_CHOICES,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    error_messages=dict(
                        invalid_choice=_("Choose agree, disagree, pass or no answer.")
                    ),
                )

    @staticmethod
    def card_field(person: int, statement_pk: int) -> str:
        return f"card_{person}_{statement_pk}"

    def cards_for_people(self) -> list[list[Any]]:
        """The page's fields, person by person, for the template's fieldsets."""
        return [
            [self[self.card_field(person, s.pk)] for s in self.statements]
            for person in range(1, self.card_count + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(self.cards()):
            raise forms.ValidationError(_("Add at least one person's answers."))
        return data

    def cards(self) -> list[dict[int, int]]:
        """One mapping of statement to answer per person who gave any."""
        data = self.cleaned_data
        found = []
        for person in range(1, self.card_count + 1):
            card = {
                s.pk: data[name]
                for s in self.statements
                if (name := self.card_field(person, s.pk)) in data and data[name] is not None
            }
            if card:
                found.append(card)
        return found

    def chosen_constituency(self) -> Any:
        return self.constituencies[self.cleaned_data["constituency"]]


class StatementForm(HintsOnceForm, OnceForm):
    hinted_fields = ("text",)  # its hints show with the write page's other checks
    text = forms.CharField(
        label=_("Your statement"),
        max_length=STATEMENT_HARD_LIMIT * 4,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=dict(
            required=_("Write a statement first."),
            max_length=_("That is much too long for a statement. Keep it short."),
        ),
    )

    def __init__(self, *args: Any, check_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if check_url:
            # With JavaScript, the checks below the box follow the text a moment after
            # typing stops; without it, they show when the statement is posted.
            self.fields["text"].widget.attrs.update(
                {
                    "hx-post": check_url,
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": "#write-checks",
                    "hx-params": "text",
                    "hx-sync": "this:replace",
                }
            )


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why is it not accepted?"),
        choices=[(reason.value, reason.label) for reason in REJECT_REASONS],
        error_messages=dict(
            required=_("Choose the reason from the moderation policy."),
            invalid_choice=_("Choose the reason from the moderation policy."),
        ),
    )


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Statement"),
        max_length=STATEMENT_HARD_LIMIT * 4,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=dict(
            required=_("Write the statement."),
            max_length=_("That is much too long for a statement. Keep it short."),
        ),
    )


class SplitForm(forms.Form):
    parts = forms.CharField(
        label=_("The separate statements, one on each line"),
        max_length=LONG_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=dict(
            required=_("Write at least two statements to split it into."),
            max_length=_("That is much too long. Keep each statement short."),
        ),
    )


class ActionForm(OnceForm):
    statement = forms.ModelChoiceField(
        queryset=Statement.objects.none(),
        label=_("Which statement is it about"),
        error_messages=dict(
            required=_("Choose the statement it answers."),
            invalid_choice=_("Choose one of the accepted statements."),
        ),
    )
    text = forms.CharField(
        label=_("What will be done"),
        max_length=500,
        error_messages=dict(
            required=_("Say what will be done."),
            max_length=_("Keep the action to 500 characters."),
        ),
    )
    owner_agency = owner_agency_field()
    due_on = due_on_field()

    def __init__(self, *args: Any, statements: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["statement"].queryset = statements  # type: ignore[attr-defined]
        self.fields["owner_agency"].queryset = agencies  # type: ignore[attr-defined]


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Progress"),
        choices=ActionStatus.choices,
        error_messages=dict(
            required=_("Choose how the action is going."),
            invalid_choice=_("Choose how the action is going."),
        ),
    )
