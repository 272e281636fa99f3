from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from village.engines.lens.extract import ExtractError, extract
from village.language.selectors import DOCUMENT_TEXT_LIMIT

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
