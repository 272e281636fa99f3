"""How Village bends django-allauth to its rules.

- Nobody signs up by themselves: accounts come from invitations (people.services).
- Sign-in throttling counts per client and per account-and-client pair, so nobody can lock
  someone else out by failing on purpose. The client is a keyed hash of its network
  address: allauth keeps its counters in the cache under that hash, and the address itself
  is never stored, logged or written to the database.
- Signing out forgets this browser's unfinished check-in answers and gives it a new browser
  key, so the next person on a shared computer cannot reach the last person's anonymous
  contributions.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from village.people import throttle
from village.people.browser_key import browser_key_rotate, current_browser_key


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _(
            "That email and password do not match. Check them and try again."
        ),
        "too_many_login_attempts": _(
            "There have been too many attempts to sign in from here. "
            "Please wait 5 minutes before trying again."
        ),
        "incorrect_code": _("That code is not right. Check it and try again."),
        "rate_limited": _("Please wait a moment before trying again."),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Village is invitation only."""
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        return throttle.client_hash(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """allauth counts failures per this key; Village makes it account *and* client."""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{self.get_client_ip(request)}"

    def logout(self, request: HttpRequest) -> None:
        from village.pulse.services import drafts_discard

        key = current_browser_key(request)
        if key:
            drafts_discard(browser_key=key)
        super().logout(request)
        browser_key_rotate(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        """An identity provider signs in people who already have a Village account, matched
        by an address the provider has verified; it never creates an account."""
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """An identity provider speaks only for the partnerships it is set up for (its
        SocialApp's ``settings["partnerships"]``, a list of slugs): it cannot sign in a
        member of any other partnership, even with a verified address."""
        from village.people.selectors import memberships_for

        app = sociallogin.provider.app
        allowed = list((app.settings or {}).get("partnerships", [])) if app else []
        if sociallogin.is_existing and not (
            memberships_for(user=sociallogin.user).filter(partnership__slug__in=allowed).exists()
        ):
            raise ImmediateHttpResponse(render(request, "people/provider_refused.html", status=403))
