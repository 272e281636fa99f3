"""Spot text that may identify a person before it is posted.

A heuristic, tuned to warn rather than to block: names after a title or "called", two
capitalised words together mid-sentence, phone numbers, email addresses, UK postcodes,
street addresses and dates of birth. The warning names the kind of detail, never the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
_CALLED_NAME = re.compile(r"\b(?:called|named|name is)\s+[A-Z][a-z]+")
_FULL_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+\s+[A-Z][a-z]{2,}\b")

_NOT_NAMES = frozenset(
    {
        "Social Work",
        "Mental Health",
        "Police Scotland",
        "Breathing Space",
        "Child Protection",
        "Health Visitor",
        "Third Sector",
        "Local Authority",
        "Children's Hearing",
        "Family Time",
        "Getting It",
        "It Right",
        "Every Child",
        "The Promise",
    }
)


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
    ("name", _("a person's name"), _CALLED_NAME),
)


def _has_full_name(text: str) -> bool:
    for line in text.splitlines():
        for match in _FULL_NAME.finditer(line):
            if match.group(0) not in _NOT_NAMES:
                return True
    return False


def identifying_hints(text: str) -> list[IdentifyingHint]:
    """The kinds of identifying detail the text seems to hold, each kind once, in order."""
    hints: list[IdentifyingHint] = []
    seen: set[str] = set()
    for kind, label, pattern in _KINDS:
        if kind not in seen and pattern.search(text):
            hints.append(IdentifyingHint(kind=kind, label=label))
            seen.add(kind)
    if "name" not in seen and _has_full_name(text):
        hints.append(IdentifyingHint(kind="name", label=_("a person's name")))
    return hints
