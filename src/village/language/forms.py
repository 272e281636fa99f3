from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.core.validators import RegexValidator, URLValidator
from django.utils.translation import gettext_lazy as _

from village.engines.lens.extract import ExtractError, extract
from village.language.models import (
    ALTERNATIVE_MAX,
    REASON_MAX,
    SOURCE_TITLE_MAX,
    SOURCE_URL_MAX,
    TERM_MAX,
    Category,
    Severity,
)
from village.language.selectors import DOCUMENT_TEXT_LIMIT
from village.once import OnceForm

UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024
UPLOAD_SUFFIXES = (".docx", ".pdf", ".txt", ".md", ".html", ".htm")


class DocumentForm(forms.Form):
    """Pasted words or one uploaded document; `clean` turns either into plain text."""

    text = forms.CharField(
        label=_("Paste your words"),
        required=False,
        max_length=DOCUMENT_TEXT_LIMIT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "max_length": _("That is more than 200,000 characters. Check it in parts."),
        },
    )
    document = forms.FileField(
        label=_("Or upload a document"),
        required=False,
        error_messages={"empty": _("There are no words in that file to check.")},
        help_text=_(
            "Word (.docx), PDF, plain text (.txt), Markdown (.md) or a web page (.html), "
            "up to 10 MB."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text, upload = data.get("text") or "", data.get("document")
        if upload is not None and text.strip():
            raise forms.ValidationError(_("Paste words or upload a document, not both."))
        if upload is None:
            if not text.strip() and not self.errors:
                raise forms.ValidationError(_("Paste some words or choose a document first."))
            return data
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            self.add_error(
                "document",
                _(
                    "Village can read .docx, .pdf, .txt, .md and .html files. "
                    "Save it as one of those."
                ),
            )
            return data
        if upload.size > UPLOAD_LIMIT_BYTES:
            self.add_error("document", _("That file is larger than 10 MB. Check it in parts."))
            return data
        try:
            found = extract(upload.read(), suffix=suffix, limit=UPLOAD_LIMIT_BYTES)
        except ExtractError as error:
            self.add_error(
                "document", _("Village could not read that file: %(why)s.") % {"why": error}
            )
            return data
        if not found.strip():
            self.add_error("document", _("There are no words in that file to check."))
        elif len(found) > DOCUMENT_TEXT_LIMIT:
            self.add_error(
                "document", _("That document has more than 200,000 characters. Check it in parts.")
            )
        data["text"] = found
        return data


class DownloadForm(forms.Form):
    """The checked words, sent back with the page so a download needs nothing stored."""

    text = forms.CharField(max_length=DOCUMENT_TEXT_LIMIT, strip=False, widget=forms.HiddenInput)
    format = forms.ChoiceField(choices=[("csv", "CSV"), ("json", "JSON")])


_WORDS = RegexValidator(
    r"^\w(?:[\w '’-]*\w)?$",
    _("Use letters, numbers, spaces, hyphens and apostrophes only."),
)
_WEB_ADDRESS = URLValidator(
    schemes=["https", "http"], message=_("Enter a web address that starts with https://")
)


class LinesField(forms.CharField):
    """One item a line, for lists people type: blank lines and repeats are dropped."""

    def __init__(
        self, *, max_items: int, item_max: int, words_only: bool = False, **kwargs: Any
    ) -> None:
        self.max_items, self.item_max, self.words_only = max_items, item_max, words_only
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(max_length=max_items * (item_max + 2), **kwargs)
        self.error_messages["max_length"] = _(
            "That is too long. Give %(n)s at most, one a line, each up to %(chars)s characters."
        ) % {"n": max_items, "chars": item_max}

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value)
        items = list(dict.fromkeys(" ".join(line.split()) for line in text.splitlines()))
        items = [item for item in items if item]
        if self.required and not items:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(items) > self.max_items:
            raise forms.ValidationError(
                _("Give %(n)s at most, one a line.") % {"n": self.max_items}, code="too_many"
            )
        for item in items:
            if len(item) > self.item_max:
                raise forms.ValidationError(
                    _("Keep each one to %(n)s characters or fewer.") % {"n": self.item_max},
                    code="too_long",
                )
            if self.words_only:
                _WORDS(item)
        return items


class SourceFields(forms.Form):
    """Where a change comes from: a guide, a policy or a decision, and a link to it."""

    source_title = forms.CharField(
        label=_("Where this comes from"),
        max_length=SOURCE_TITLE_MAX,
        error_messages={
            "required": _("Say where this comes from."),
            "max_length": _("Keep this to 200 characters."),
        },
        help_text=_(
            "The guide, policy or decision it rests on, for example "
            "“Our language policy, agreed by the family panel, May 2026”."
        ),
    )
    source_url = forms.CharField(
        label=_("Link to it"),
        max_length=SOURCE_URL_MAX,
        validators=[_WEB_ADDRESS],
        error_messages={
            "required": _("Give a link to it, starting with https://"),
            "max_length": _("Keep the link to 500 characters."),
        },
        help_text=_("A web address where people can read it, starting with https://"),
    )


class WordsFields(SourceFields):
    alternatives = LinesField(
        label=_("Kinder words to suggest"),
        max_items=10,
        item_max=ALTERNATIVE_MAX,
        error_messages={"required": _("Give at least one kinder word or phrase.")},
        help_text=_("One a line."),
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Say why, in a sentence or two."),
            "max_length": _("Keep the reason to 1,000 characters."),
        },
        help_text=_("In plain words: why the word can hurt, and why these words are better."),
    )
    field_order = ["alternatives", "reason", "source_title", "source_url"]


class OwnEntryForm(OnceForm, WordsFields):
    """A word the partnership wants flagged, with its other forms, kinder words and why."""

    term = forms.CharField(
        label=_("Word or phrase to flag"),
        max_length=TERM_MAX,
        validators=[_WORDS],
        error_messages={
            "required": _("Write the word or phrase to flag."),
            "max_length": _("Keep the word or phrase to 80 characters."),
        },
    )
    other_forms = LinesField(
        label=_("Other forms of it (optional)"),
        required=False,
        max_items=20,
        item_max=TERM_MAX,
        words_only=True,
        help_text=_("Plurals and other spellings, one a line, for example “service users”."),
    )
    category = forms.ChoiceField(label=_("What kind of word it is"), choices=Category.choices)
    severity = forms.ChoiceField(
        label=_("How strongly to suggest a change"),
        choices=Severity.choices,
        initial=Severity.SUGGESTION,
    )
    field_order = [
        "term",
        "other_forms",
        "category",
        "severity",
        "alternatives",
        "reason",
        "source_title",
        "source_url",
    ]

    def clean_term(self) -> str:
        return " ".join(self.cleaned_data["term"].split())


class TurnOffForm(SourceFields):
    """Why the partnership stops flagging an entry: where that decision comes from."""

    source_title = forms.CharField(
        label=_("Why you are turning it off"),
        max_length=SOURCE_TITLE_MAX,
        error_messages={
            "required": _("Say why you are turning it off."),
            "max_length": _("Keep this to 200 characters."),
        },
        help_text=_(
            "The guide, policy or decision behind it, for example "
            "“Agreed at the partnership board, March 2026”."
        ),
    )
