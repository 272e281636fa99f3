"""The one user-facing error type; error pages that never touch the database; and what a
post gets when it cannot be saved.

``UserError`` is what every service raises when a person asks for something Village cannot do
now (the step is over, the date is past, they may not): its message is plain and safe to
show, and views show it beside the form or on the page. Each app's error is a subclass.

Every page here is rendered from a template and a plain context, without the request's
context processors, so it renders while the database is down. A post that fails because the
database is unreachable gets a 503 page with its words back in a box and a button to send
them again; its one-time form token was freed, so sending again saves it once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.loader import render_to_string

from village.people.throttle import Throttled


class UserError(Exception):
    """Something a person asked for that cannot be done now; the message is safe to show."""


# Posted fields that are machinery, not words: never shown back.
_MACHINERY = {"csrfmiddlewaretoken", "form_token"}
_DATABASE_DOWN = (OperationalError, InterfaceError)


def _page(request: HttpRequest, status: int, **context: Any) -> HttpResponse:
    html = render_to_string(
        f"{status}.html", {"quick_exit_url": settings.VILLAGE["QUICK_EXIT_URL"], **context}
    )
    response = HttpResponse(html, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _words_back(request: HttpRequest) -> dict[str, Any]:
    """What was posted, to send again: longer text in boxes, short choices kept hidden."""
    if request.method != "POST":
        return {}
    try:
        items = [(k, v) for k in request.POST for v in request.POST.getlist(k)]
    except Exception:  # the body could not be read at all: nothing to give back
        return {}
    return {
        "action": request.path,
        "csrf_token": request.POST.get("csrfmiddlewaretoken", ""),
        "form_token": request.POST.get("form_token", ""),
        "boxes": [(k, v) for k, v in items if k not in _MACHINERY and (" " in v or len(v) > 40)],
        "hidden": [
            (k, v) for k, v in items if k not in _MACHINERY and not (" " in v or len(v) > 40)
        ],
    }


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(request, 403, form_expired=True)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django calls this while handling the exception, so it can tell a database outage."""
    error = sys.exc_info()[1]
    if isinstance(error, _DATABASE_DOWN):
        return database_unavailable(request)
    return _page(request, 500)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    response = _page(request, 503, **_words_back(request))
    response["Retry-After"] = "5"
    return response


def _has_nul(data: QueryDict) -> bool:
    return any("\x00" in value for _key, values in data.lists() for value in values)


def _without_nul(data: QueryDict) -> QueryDict:
    cleaned = data.copy()
    for key in cleaned:
        cleaned.setlist(key, [value.replace("\x00", "") for value in cleaned.getlist(key)])
    cleaned._mutable = False
    return cleaned


class FaultMiddleware:
    """Drops NUL characters from what was sent (invisible, never meant, and refused by
    PostgreSQL), turns a client over a limit into a 429 page, and a database outage into a
    503 page with the words given back, before either becomes a bare error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request.GET):
            request.GET = _without_nul(request.GET)  # type: ignore[assignment]
        if request.method == "POST" and _has_nul(request.POST):
            request.POST = _without_nul(request.POST)  # type: ignore[assignment]
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Throttled):
            return _page(request, 429, message=str(exception), **_words_back(request))
        if isinstance(exception, _DATABASE_DOWN):
            return database_unavailable(request)
        return None
