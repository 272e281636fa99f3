"""Forms parse and describe input for the hub pages; services decide what is allowed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from village.engines.theory.graph import DESCRIPTION_MAX, LABEL_MAX
from village.engines.theory.kumu import MAX_BYTES
from village.hub.models import (
    ABOUT_MAX_LENGTH,
    DOCUMENT_MAX_LENGTH,
    DOMAIN_MAX_LENGTH,
    ELEMENT_KINDS,
    ENTRY_MAX_LENGTH,
    EVIDENCE_STATUSES,
    LEGACY_MAX_LENGTH,
    LESSON_MAX_LENGTH,
    MAX_PAIRINGS,
    NOTE_MAX_LENGTH,
    OFFER_MAX_LENGTH,
    REASON_MAX_LENGTH,
    STORY_TEXT_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    TOPIC_MAX_LENGTH,
    DocumentKind,
    Element,
    EntryKind,
    LearningSpace,
    PairingOffer,
    ProjectKind,
    SourceKind,
)
from village.language.widgets import HintedTextarea, HintedTextInput
from village.once import OnceForm
from village.people.models import Agency, Member
from village.released import ReleasedFigure

_AMOUNT_ERRORS = dict(
    required=_("Give the number."),
    invalid=_("Give a number, like 12 or 3.5."),
    max_digits=_("Give a number smaller than ten billion."),
    max_whole_digits=_("Give a number smaller than ten billion."),
    max_decimal_places=_("Give at most four decimal places."),
)
_DATE_ERRORS = dict(required=_("Give the date."), invalid=_("Give a real date."))


class DateInput(forms.DateInput):
    """The browser's own date picker, which works well on phones."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _too_long(limit: int) -> dict[str, Any]:
    return {"max_length": _("Keep this to %(limit)s characters.") % {"limit": f"{limit:,}"}}


class ProjectForm(OnceForm):
    title = forms.CharField(
        label=_("Project name"),
        max_length=TITLE_MAX_LENGTH,
        error_messages={"required": _("Give the project a name."), **_too_long(TITLE_MAX_LENGTH)},
        widget=HintedTextInput,
    )
    kind = forms.ChoiceField(
        label=_("Is this new?"),
        choices=ProjectKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether this is new work or work already running.")},
    )
    summary = forms.CharField(
        label=_("What the project does"),
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        error_messages=_too_long(SUMMARY_MAX_LENGTH),
        widget=HintedTextarea(attrs={"rows": 4}),
    )
    families_as_partners = forms.CharField(
        label=_("How families are partners in it"),
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        error_messages=_too_long(SUMMARY_MAX_LENGTH),
        widget=HintedTextarea(attrs={"rows": 3}),
    )
    started_on = forms.DateField(
        label=_("When the 18 months start"),
        help_text=_("The first gate is on this day; the others come 3, 6, 12 and 18 months on."),
        widget=DateInput(),
        error_messages=_DATE_ERRORS,
    )
    agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies that own it"),
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one agency that owns the project."),
            "invalid_choice": _("Choose agencies from the list."),
            "invalid_pk_value": _("Choose agencies from the list."),
        },
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies  # type: ignore[attr-defined]


class ElementForm(OnceForm):
    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=ELEMENT_KINDS,
        widget=forms.RadioSelect,
        help_text=_(
            "Outcomes are the changes you hope for. Activities are what you do. Assumptions "
            "are what must hold for an activity to lead to an outcome. Indicators test them."
        ),
        error_messages={"required": _("Choose what kind of part this is.")},
    )
    label = forms.CharField(
        label=_("In a few words"),
        max_length=LABEL_MAX,
        error_messages={"required": _("Write a few words for it."), **_too_long(LABEL_MAX)},
        widget=HintedTextInput,
    )
    description = forms.CharField(
        label=_("More about it (optional)"),
        required=False,
        max_length=DESCRIPTION_MAX,
        error_messages=_too_long(DESCRIPTION_MAX),
        widget=HintedTextarea(attrs={"rows": 3}),
    )


class ElementWordsForm(forms.Form):
    label = ElementForm.base_fields["label"]
    description = ElementForm.base_fields["description"]


class EvidenceForm(forms.Form):
    evidence = forms.ChoiceField(
        label=_("What the evidence says so far"),
        choices=EVIDENCE_STATUSES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an evidence status.")},
    )


class ConnectionForm(forms.Form):
    target = forms.TypedChoiceField(
        label=_("Connect it to"),
        coerce=int,
        error_messages={
            "required": _("Choose what it connects to."),
            "invalid_choice": _("Choose one of the parts listed."),
        },
    )

    def __init__(self, *args: Any, targets: Iterable[Element], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [  # type: ignore[attr-defined]
            (element.pk, f"{element.get_kind_display()}: {element.label}") for element in targets
        ]


class ValueForm(OnceForm):
    value = forms.DecimalField(
        label=_("Value"), error_messages=_AMOUNT_ERRORS, max_digits=14, decimal_places=4
    )
    measured_on = forms.DateField(
        label=_("Measured on"), widget=DateInput(), error_messages=_DATE_ERRORS
    )
    is_baseline = forms.BooleanField(label=_("This is the baseline"), required=False)
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        error_messages=_too_long(NOTE_MAX_LENGTH),
    )

    def __init__(self, *args: Any, has_baseline: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_baseline:
            del self.fields["is_baseline"]


class TargetForm(OnceForm):
    value = forms.DecimalField(
        label=_("Target"), error_messages=_AMOUNT_ERRORS, max_digits=14, decimal_places=4
    )
    reason = forms.CharField(
        label=_("Why it changed"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("Needed when a target changes. The old target stays, with this reason."),
        error_messages=_too_long(NOTE_MAX_LENGTH),
        widget=HintedTextInput,
    )


class DocumentForm(OnceForm):
    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=DocumentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of document this is.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        error_messages={"required": _("Give it a title."), **_too_long(TITLE_MAX_LENGTH)},
    )
    text = forms.CharField(
        label=_("The document"),
        max_length=DOCUMENT_MAX_LENGTH,
        error_messages={"required": _("Write the document."), **_too_long(DOCUMENT_MAX_LENGTH)},
        widget=HintedTextarea(attrs={"rows": 10}),
    )
    # Set when the writer was shown what might identify someone and sent it as it is.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ImportForm(forms.Form):
    """Kumu's two CSV files: one of elements, one of connections."""

    elements = forms.FileField(
        label=_("Elements file (.csv)"),
        help_text=_(
            "Its first row has the headings Label and Type; ID, Description, Tags and "
            "Evidence are read too."
        ),
        error_messages={
            "required": _("Choose the elements file."),
            "empty": _("The elements file is empty."),
        },
    )
    connections = forms.FileField(
        label=_("Connections file (.csv)"),
        help_text=_("Its first row has the headings From and To, and Type if you like."),
        error_messages={
            "required": _("Choose the connections file."),
            "empty": _("The connections file is empty."),
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("elements", "connections"):
            upload = data.get(name)
            if upload is not None and upload.size > MAX_BYTES:
                self.add_error(name, _("That file is over 2 MB. Check it is the right file."))
        return data

    def contents(self) -> tuple[bytes, bytes]:
        return self.cleaned_data["elements"].read(), self.cleaned_data["connections"].read()


class LeadForm(forms.Form):
    member = forms.ModelChoiceField(
        label=_("Add a lead"),
        queryset=Member.objects.none(),
        help_text=_("Anyone in the partnership, families too."),
        error_messages={
            "required": _("Choose who will lead it with you."),
            "invalid_choice": _("Choose someone from the list."),
        },
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


# --- Good ancestors: pairings, the legacy log and handovers ------------------------------


def _text(label: Any, limit: int, required: Any, *, rows: int = 4, help_text: Any = "") -> Any:
    """A long-text field read by the language lens as it is typed."""
    return forms.CharField(
        label=label,
        max_length=limit,
        help_text=help_text,
        error_messages={"required": required, **_too_long(limit)},
        widget=HintedTextarea(attrs={"rows": rows}),
    )


class OfferForm(forms.Form):
    offers = _text(
        _("What you offer"),
        OFFER_MAX_LENGTH,
        _("Say what you offer."),
        rows=3,
        help_text=_("For example: what you know about working with families, or a fresh eye."),
    )
    wants_to_learn = _text(
        _("What you want to learn"), OFFER_MAX_LENGTH, _("Say what you want to learn."), rows=3
    )
    limit = forms.TypedChoiceField(
        label=_("The most pairings you will be in at once"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, MAX_PAIRINGS + 1)],
        error_messages={
            "required": _("Choose how many pairings."),
            "invalid_choice": _("Choose a number from the list."),
        },
    )
    is_open = forms.BooleanField(
        label=_("I am open to a new pairing"), required=False, initial=True
    )


class ProposeForm(OnceForm):
    partner = forms.TypedChoiceField(
        label=_("Pair with"),
        coerce=int,
        error_messages={
            "required": _("Choose who to pair with."),
            "invalid_choice": _("Choose someone from the suggestions."),
        },
    )
    third = forms.TypedChoiceField(
        label=_("And a third person (optional)"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("A partner with lived experience makes it a triad."),
        error_messages={"invalid_choice": _("Choose someone from the suggestions.")},
    )
    goals = _text(_("Your goals together"), ENTRY_MAX_LENGTH, _("Write your goals."), rows=3)
    ends_on = forms.DateField(
        label=_("When it ends"),
        help_text=_("You can end it early or extend it later."),
        widget=DateInput(),
        error_messages=_DATE_ERRORS,
    )

    def __init__(self, *args: Any, offers: Iterable[PairingOffer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (offer.member_id, f"{offer.member.display_name} ({offer.get_side_display()})")
            for offer in offers
        ]
        self.fields["partner"].choices = [("", _("Choose someone")), *choices]  # type: ignore[attr-defined]
        self.fields["third"].choices = [("", _("Nobody else")), *choices]  # type: ignore[attr-defined]


class GoalsForm(forms.Form):
    goals = ProposeForm.base_fields["goals"]


class EntryForm(OnceForm):
    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=EntryKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a note or a check-in.")},
    )
    text = _text(_("What you want to say"), ENTRY_MAX_LENGTH, _("Write something first."))


class ExtendForm(forms.Form):
    ends_on = forms.DateField(
        label=_("New end date"), widget=DateInput(), error_messages=_DATE_ERRORS
    )


class FeedbackForm(forms.Form):
    feedback = _text(
        _("Your feedback"),
        ENTRY_MAX_LENGTH,
        _("Write your feedback."),
        help_text=_("What went well, and what you would change. The others in it will read it."),
    )


class LegacyForm(OnceForm):
    value_key = forms.ChoiceField(
        label=_("The charter value it serves"),
        error_messages={
            "required": _("Choose a value from the charter."),
            "invalid_choice": _("Choose a value from the charter."),
        },
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        error_messages={"required": _("Give it a title."), **_too_long(TITLE_MAX_LENGTH)},
        widget=HintedTextInput,
    )
    text = _text(
        _("What you learned"),
        LEGACY_MAX_LENGTH,
        _("Write what you learned."),
        rows=6,
        help_text=_("Practice wisdom for those who come after you. Leave out anything personal."),
    )

    def __init__(self, *args: Any, values: Iterable[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value_key"].choices = [("", _("Choose a value")), *values]  # type: ignore[attr-defined]


class LeavingForm(forms.Form):
    leaving_on = forms.DateField(
        label=_("Your leaving date"), widget=DateInput(), error_messages=_DATE_ERRORS
    )


class CarrierForm(forms.Form):
    carrier = forms.ModelChoiceField(
        label=_("Who will carry it"),
        queryset=Member.objects.none(),
        error_messages={
            "required": _("Choose who will carry it."),
            "invalid_choice": _("Choose someone from the list."),
        },
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["carrier"].queryset = members  # type: ignore[attr-defined]


# --- stories of change -------------------------------------------------------------------


class StoryForm(OnceForm):
    domain = forms.ChoiceField(
        label=_("What kind of change is it?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the kind of change."),
            "invalid_choice": _("Choose one of the kinds of change listed."),
        },
    )
    title = forms.CharField(
        label=_("Give your story a short title"),
        max_length=TITLE_MAX_LENGTH,
        error_messages={"required": _("Give it a title."), **_too_long(TITLE_MAX_LENGTH)},
        widget=HintedTextInput,
    )
    text = forms.CharField(
        label=_("What changed?"),
        help_text=_("Tell it your way: what happened, who it changed things for, and how."),
        max_length=STORY_TEXT_MAX_LENGTH,
        error_messages={"required": _("Tell the story."), **_too_long(STORY_TEXT_MAX_LENGTH)},
        widget=HintedTextarea(attrs={"rows": 8}),
    )
    why_significant = forms.CharField(
        label=_("Why does this change matter to you? (optional)"),
        required=False,
        max_length=STORY_TEXT_MAX_LENGTH,
        error_messages=_too_long(STORY_TEXT_MAX_LENGTH),
        widget=HintedTextarea(attrs={"rows": 4}),
    )
    anonymous = forms.BooleanField(
        label=_("Share it without my name"),
        help_text=_("Your name is not stored with the story, and nobody is shown who told it."),
        required=False,
    )
    # Set when the teller was shown what might identify someone and sent it as it is.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, domains: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [(name, name) for name in domains]  # type: ignore[attr-defined]


class SelectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the panel chose this story"),
        max_length=REASON_MAX_LENGTH,
        error_messages={
            "required": _("Say why the panel chose this story."),
            **_too_long(REASON_MAX_LENGTH),
        },
        widget=HintedTextarea(attrs={"rows": 3}),
    )


class DomainForm(forms.Form):
    name = forms.CharField(
        label=_("Add a domain of change"),
        max_length=DOMAIN_MAX_LENGTH,
        error_messages={
            "required": _("Give the domain a name."),
            **_too_long(DOMAIN_MAX_LENGTH),
        },
    )


# --- evidence from Village ---------------------------------------------------------------

SOURCE_HEADINGS = {kind.value: kind.label for kind in SourceKind}


class SourceForm(forms.Form):
    """One released figure, as ``kind|key``; the service checks it is released now."""

    figure = forms.ChoiceField(
        label=_("Read this indicator from Village"),
        help_text=_(
            "Only figures already shared with the whole partnership are listed. The page "
            "shows the latest each time it is opened."
        ),
        error_messages={
            "required": _("Choose a figure."),
            "invalid_choice": _("Choose a figure from the list."),
        },
    )

    def __init__(self, *args: Any, figures: dict[str, list[ReleasedFigure]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["figure"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a figure")),
            *(
                (
                    SOURCE_HEADINGS[kind],
                    [(f"{kind}|{figure.key}", figure.label) for figure in listed],
                )
                for kind, listed in figures.items()
                if listed
            ),
        ]

    def chosen(self) -> tuple[str, str]:
        kind, _bar, key = self.cleaned_data["figure"].partition("|")
        return kind, key


# --- learning spaces (issue 13, item 5) ----------------------------------------------------


class SpaceForm(OnceForm):
    topic = forms.CharField(
        label=_("Topic"),
        max_length=TOPIC_MAX_LENGTH,
        error_messages={"required": _("Give the space a topic."), **_too_long(TOPIC_MAX_LENGTH)},
        widget=HintedTextInput,
    )
    about = forms.CharField(
        label=_("What it is about (optional)"),
        required=False,
        max_length=ABOUT_MAX_LENGTH,
        error_messages=_too_long(ABOUT_MAX_LENGTH),
        widget=HintedTextarea(attrs={"rows": 4}),
    )


class SpaceCircleForm(OnceForm):
    title = forms.CharField(
        label=_("Circle name"),
        max_length=150,
        error_messages={"required": _("Give the circle a name."), **_too_long(150)},
        widget=HintedTextInput,
    )
    purpose = forms.CharField(
        label=_("What the circle is for"),
        max_length=1000,
        error_messages={"required": _("Say what the circle is for."), **_too_long(1000)},
        widget=HintedTextarea(attrs={"rows": 3}),
    )
    prompts = forms.CharField(
        label=_("Prompts"),
        help_text=_("One a line: the questions people reflect on."),
        max_length=2000,
        error_messages={"required": _("Add at least one prompt."), **_too_long(2000)},
        widget=HintedTextarea(attrs={"rows": 3}),
    )
    days = forms.IntegerField(
        label=_("Days open"),
        min_value=1,
        max_value=60,
        initial=7,
        error_messages={
            "required": _("Say how many days the circle stays open."),
            "invalid": _("Give a whole number of days, like 7."),
            "min_value": _("Keep the circle open for 1 to 60 days."),
            "max_value": _("Keep the circle open for 1 to 60 days."),
        },
    )

    def prompt_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["prompts"].splitlines() if line.strip()]


class LessonForm(OnceForm):
    title = forms.CharField(
        label=_("The lesson in a line"),
        max_length=TITLE_MAX_LENGTH,
        error_messages={"required": _("Give the lesson a title."), **_too_long(TITLE_MAX_LENGTH)},
        widget=HintedTextInput,
    )
    text = forms.CharField(
        label=_("What the project learned"),
        max_length=LESSON_MAX_LENGTH,
        error_messages={"required": _("Write what was learned."), **_too_long(LESSON_MAX_LENGTH)},
        widget=HintedTextarea(attrs={"rows": 6}),
    )
    assumptions = forms.ModelMultipleChoiceField(
        label=_("Assumptions it tested"),
        required=False,
        queryset=Element.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose assumptions from the list.")},
    )
    space = forms.ModelChoiceField(
        label=_("Share it in a learning space (optional)"),
        required=False,
        queryset=LearningSpace.objects.none(),
        error_messages={"invalid_choice": _("Choose a space from the list.")},
    )

    def __init__(self, *args: Any, assumptions: Any, spaces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assumptions"].queryset = assumptions  # type: ignore[attr-defined]
        self.fields["space"].queryset = spaces  # type: ignore[attr-defined]
