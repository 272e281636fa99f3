"""Spot text that may identify a person before it is posted.

A heuristic, tuned to warn rather than to block: first names from shipped lists in any case
and "X's mum" (names.py), names after a title, phone numbers, email addresses, UK postcodes,
street addresses and dates of birth. The warning names the kind of detail, never the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from village.engines.identifying.names import has_first_name

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+44\s?|0)(?:\d[\s-]?){9,10}(?!\d)")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_STREET = re.compile(
    r"\b\d{1,4}[a-z]?,?\s+(?:[A-Z][a-z]+\s+){1,3}"
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Drive|Crescent|Place|Terrace|Court|Gardens|Way)\b"
)
_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}\b")
_BIRTH = re.compile(r"\b(?:born on|date of birth|d\.?o\.?b\.?)\b", re.IGNORECASE)
_TITLED_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z]+")


def _(text: str) -> str:
    """Marks a label for translation; the web layer translates it when it shows it."""
    return text


@dataclass(frozen=True, slots=True)
class IdentifyingHint:
    kind: str
    label: str


_KINDS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("email", _("an email address"), _EMAIL),
    ("phone", _("a phone number"), _PHONE),
    ("postcode", _("a postcode"), _POSTCODE),
    ("address", _("a street address"), _STREET),
    ("date_of_birth", _("a date of birth"), _BIRTH),
    ("date", _("a date that could be a date of birth"), _DATE),
    ("name", _("a person's name"), _TITLED_NAME),
)


def identifying_hints(text: str) -> list[IdentifyingHint]:
    """The kinds of identifying detail the text seems to hold, each kind once, in order."""
    hints: list[IdentifyingHint] = []
    seen: set[str] = set()
    for kind, label, pattern in _KINDS:
        if kind not in seen and pattern.search(text):
            hints.append(IdentifyingHint(kind=kind, label=label))
            seen.add(kind)
    if "name" not in seen and has_first_name(text):
        hints.append(IdentifyingHint(kind="name", label=_("a person's name")))
    return hints
