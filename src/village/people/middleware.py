"""Attach the membership a signed-in person is acting in, and hold admins to two-step sign-in."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from village.people import policy
from village.people.selectors import member_for_user

# The membership a person chose with the partnership switcher (a Member id).
SESSION_KEY = "village_member"
# Pages an admin without two-step verification can still reach: their account pages
# (to set it up, or sign out) and static files.
TWO_STEP_OPEN_PREFIXES = ("/accounts/", "/static/", "/sign-out/")


class MemberMiddleware:
    """``request.member``: looked up once, lazily, from the session's chosen membership."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.member = SimpleLazyObject(  # type: ignore[attr-defined]
            lambda: member_for_user(user=request.user, member_id=request.session.get(SESSION_KEY))
        )
        response: HttpResponse = self.get_response(request)
        return response


class AdminMFAMiddleware:
    """An admin who has not set up two-step verification is sent to set it up before any
    other page works, so no admin page or admin action runs on a password alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        member = getattr(request, "member", None)
        if (
            request.user.is_authenticated
            and not request.path.startswith(TWO_STEP_OPEN_PREFIXES)
            and policy.needs_two_step(member=member if member else None)
            and not get_mfa_adapter().is_mfa_enabled(request.user)
        ):
            messages.info(
                request,
                _(
                    "Admins must use two-step verification. Set it up with an authenticator "
                    "app to carry on."
                ),
            )
            return redirect("mfa_activate_totp")
        response: HttpResponse = self.get_response(request)
        return response
