"""Which partnership's glossary the text boxes drawn for this request read with.

A form's widgets are drawn without the request, so the hints a box shows after a post
(without JavaScript) cannot ask whose page it is. This middleware says it for the length of
the request: the partnership whose page it is, when a view says so with :func:`read_with`
(a circle's room, a conversation, a check-in: guests write there with no account), else the
signed-in member's partnership (looked up only if a box is drawn), else nobody (Village's own
glossary). Live hints on such a page carry the page's partnership signed (:func:`page_token`),
so the hints endpoint reads with the same glossary.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.core import signing
from django.http import HttpRequest, HttpResponse

from village.language.access import reader_partnership_id

_reader: ContextVar[Callable[[], int | None] | None] = ContextVar("glossary_reader", default=None)
_page: ContextVar[int | None] = ContextVar("glossary_page", default=None)
_PAGE_SALT = "village.language.page-glossary"


def read_with(*, partnership_id: int) -> None:
    """This request draws a page of this partnership's: its boxes read with its glossary."""
    _page.set(partnership_id)


def current_partnership_id() -> int | None:
    """The partnership whose glossary this request reads with, or None for Village's own."""
    page = _page.get()
    if page is not None:
        return page
    reader = _reader.get()
    return reader() if reader is not None else None


def page_token() -> str:
    """The page's partnership, signed, for its live hints to send back; empty when the page
    said none."""
    page = _page.get()
    return signing.dumps(page, salt=_PAGE_SALT) if page is not None else ""


def page_from_token(token: str) -> int | None:
    """The partnership a page's live hints say they were drawn for, when the signature holds."""
    try:
        found = signing.loads(token, salt=_PAGE_SALT) if token else None
    except signing.BadSignature:
        return None
    return found if isinstance(found, int) else None


class GlossaryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _reader.set(lambda: reader_partnership_id(request))
        page = _page.set(None)
        try:
            response: HttpResponse = self.get_response(request)
        finally:
            _page.reset(page)
            _reader.reset(token)
        return response
