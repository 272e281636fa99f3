"""The secret a browser keeps for its person, so Village never has to.

A guest is this key and nothing more. Anything stored about a browser is a keyed hash of
the key with a purpose, so two stored values cannot be joined without the key itself,
which only the browser holds.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "village_key"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365
_REQUEST_ATTR = "_village_key"


def browser_key(request: HttpRequest) -> str:
    """Return this browser's key, making one (set on the response by the middleware)."""
    key = getattr(request, _REQUEST_ATTR, None) or request.COOKIES.get(COOKIE_NAME, "")
    if len(key) != 43:
        key = secrets.token_urlsafe(32)
    setattr(request, _REQUEST_ATTR, key)
    return key


def browser_key_rotate(request: HttpRequest) -> None:
    """Give this browser a new key (set by the middleware), as when someone signs out.

    Whatever the old key could reach (Change and Withdraw links on anonymous reflections,
    unfinished check-in answers) is then out of reach from this browser.
    """
    setattr(request, _REQUEST_ATTR, secrets.token_urlsafe(32))


def current_browser_key(request: HttpRequest) -> str:
    """The key this browser already holds, or "" if it has none; never makes one."""
    key = getattr(request, _REQUEST_ATTR, None) or request.COOKIES.get(COOKIE_NAME, "")
    return key if len(key) == 43 else ""


def keyed_hash(*, key: str, purpose: str) -> str:
    """A one-way value for one purpose; the same key gives unrelated values per purpose."""
    return hmac.new(key.encode(), purpose.encode(), hashlib.sha256).hexdigest()


class BrowserKeyMiddleware:
    """Sets the key cookie when a view made a new key; never logs or echoes it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        key = getattr(request, _REQUEST_ATTR, None)
        if key and request.COOKIES.get(COOKIE_NAME) != key:
            from django.conf import settings

            response.set_cookie(
                COOKIE_NAME,
                key,
                max_age=COOKIE_MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
