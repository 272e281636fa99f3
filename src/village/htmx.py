"""Requests sent by the pages' script (HTMX) rather than by a whole page load."""

from __future__ import annotations

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """Whether django-htmx's middleware saw the HX-Request header on this request."""
    return bool(getattr(request, "htmx", False))
