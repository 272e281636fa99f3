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
    ELEMENT_KINDS,
    EVIDENCE_STATUSES,
    LESSON_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    TOPIC_MAX_LENGTH,
    DocumentKind,
    Element,
    LearningSpace,
    ProjectKind,
)
from village.language.widgets import HintedTextarea, HintedTextInput
from village.once import OnceForm
from village.people.models import Agency, Member

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
