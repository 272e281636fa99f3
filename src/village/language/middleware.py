"""Which partnership's glossary the text boxes drawn for this request read with.

A form's widgets are drawn without the request, so the hints a box shows after a post
(without JavaScript) cannot ask whose page it is. This middleware says it for the length of
the request: the signed-in member's partnership (looked up only if a box is drawn), or
nobody (Village's own glossary) for guests.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

from village.language.access import reader_partnership_id

_reader: ContextVar[Callable[[], int | None] | None] = ContextVar("glossary_reader", default=None)


def current_partnership_id() -> int | None:
    """The partnership whose glossary this request reads with, or None for Village's own."""
    reader = _reader.get()
    return reader() if reader is not None else None


class GlossaryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _reader.set(lambda: reader_partnership_id(request))
        try:
            response: HttpResponse = self.get_response(request)
        finally:
            _reader.reset(token)
        return response
