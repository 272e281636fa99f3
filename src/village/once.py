"""One-time form tokens: a form that creates something creates it once per page it was sent from.

Each create form carries a random hidden token. The first post of a token (with the same
path and the same fields) runs the view and,
if it ends in a redirect (saved), the cache remembers where it went for a day; any later post
of the same token (a double click, ten tabs, a retry after a lost reply) creates nothing and
is sent to that same place. A post that ends any other way (a form error, the database being
unreachable) frees its token so the same page can try again. Only a hash of the token is kept.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

FIELD = "form_token"
_PENDING = "pending"
_KEEP_SECONDS = 24 * 60 * 60
_WAIT_SECONDS = 10.0


def new_token() -> str:
    return secrets.token_urlsafe(16)


class OnceForm(forms.Form):
    """A form with a fresh one-time token in a hidden field."""

    form_token = forms.CharField(required=False, widget=forms.HiddenInput, strip=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[FIELD].initial = new_token()

    def _clean_fields(self) -> None:
        """The token is read by run_once, not by the view or the service."""
        super()._clean_fields()  # type: ignore[misc]
        self.cleaned_data.pop(FIELD, None)


def _key(request: HttpRequest) -> str | None:
    token = str(request.POST.get(FIELD, ""))
    if not 16 <= len(token) <= 64:
        return None
    # What was sent is part of the key: one page may hold several forms with one token.
    sent = sorted(
        (k, v) for k, values in request.POST.lists() if k != "csrfmiddlewaretoken" for v in values
    )
    digest = hashlib.sha256(f"{request.path}\0{token}\0{sent!r}".encode()).hexdigest()
    return f"once:{digest}"


def run_once(
    request: HttpRequest, create: Callable[[], HttpResponse], *, replay_to: str | None = None
) -> HttpResponse:
    """Run create() for the first post of this form's token; repeat posts get its redirect.

    A view whose successful create shows a page instead of redirecting (an invitation link
    shown once) passes replay_to: a 200 counts as saved, and repeats are sent there.
    """
    key = _key(request)
    if key is None:
        return create()
    deadline = time.monotonic() + _WAIT_SECONDS
    while not cache.add(key, _PENDING, timeout=_KEEP_SECONDS):
        location = cache.get(key)
        if location not in (None, _PENDING):
            messages.info(
                request, _("This was already sent. It is saved once."), fail_silently=True
            )
            return HttpResponseRedirect(location)
        if time.monotonic() > deadline:
            return HttpResponse(
                _("This is still being saved. Please check in a moment."), status=409
            )
        time.sleep(0.05)
    try:
        response = create()
    except BaseException:
        cache.delete(key)
        raise
    if isinstance(response, HttpResponseRedirect):
        cache.set(key, response["Location"], timeout=_KEEP_SECONDS)
    elif replay_to is not None and response.status_code == 200:
        cache.set(key, replay_to, timeout=_KEEP_SECONDS)
    else:
        cache.delete(key)
    return response
