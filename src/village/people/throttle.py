"""Limits on how often one client may act, counted in the cache for minutes and never stored.

Sign-in throttling (people.adapters) names the client with client_hash too.
The per-client limits below stop one person from stuffing a circle or a guest round by
clearing cookies: each action is counted twice, per browser key and per client address, in a
window that starts with the first action. Neither is kept as it is: the cache key holds a
keyed hash (HMAC with the secret key) of the address or of the browser key, and the count
expires with its window.
Nothing here is logged or written to the database.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from village.people.browser_key import COOKIE_NAME


@dataclass(frozen=True)
class Limit:
    """At most `browser` actions per browser and `address` per client address in `seconds`."""

    browser: int
    address: int
    seconds: int
    message: str | Promise


MINUTE = 60
IPV6_PREFIX = 64
LIMITS: dict[str, Limit] = {
    "join": Limit(
        10,
        10,
        10 * MINUTE,
        _(
            "Many people have joined from here in a short time. "
            "Please wait a few minutes and try again."
        ),
    ),
    "checkin": Limit(
        4, 10, 10 * MINUTE, _("You have answered a lot in a short time. Please wait a few minutes.")
    ),
    "dots": Limit(
        6, 10, 10 * MINUTE, _("You have voted a lot in a short time. Please wait a few minutes.")
    ),
    "post": Limit(
        10, 30, MINUTE, _("You have posted a lot in a short time. Please wait a minute.")
    ),
    "pause": Limit(
        3,
        10,
        10 * MINUTE,
        _(
            "A pause has been asked for from here already. "
            "Please wait a few minutes before asking again."
        ),
    ),
    "code": Limit(
        10,
        10,
        10 * MINUTE,
        _(
            "You have tried a lot of codes in a short time. "
            "Please wait a few minutes, and check the code with "
            "whoever shared it."
        ),
    ),
    # Live language hints are asked for at every pause in typing. A fast typist pauses
    # about twice a second; a room of people on one network shares an address.
    "hints": Limit(
        120,
        600,
        MINUTE,
        _("Hints are taking a short break. They come back in a minute; posting still works."),
    ),
    "pulse": Limit(
        3,
        5,
        10 * MINUTE,
        _(
            "Many check-ins have been sent from here in a short "
            "time. Please wait a few minutes and try again. Your "
            "answers are still on this page."
        ),
    ),
}


class Throttled(Exception):
    """This client has used up a limit; the message is safe to show."""


def _client_address(request: HttpRequest) -> str:
    """The address the request came from; behind a proxy, the last one it appended."""
    header = getattr(settings, "VILLAGE_CLIENT_ADDRESS_HEADER", "")
    if header and request.META.get(header):
        return str(request.META[header]).split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _hashed(value: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"throttle:{value}".encode(), hashlib.sha256
    ).hexdigest()[:32]


def client_hash(request: HttpRequest) -> str:
    """A keyed one-way name for the client's address, IPv6 cut to its /64 first.

    Both these limits and allauth's sign-in throttling (people.adapters) name the client by
    this value only, so the address itself never reaches the cache, a log or the database.
    """
    address = _client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        parsed = None
    if isinstance(parsed, ipaddress.IPv6Address):
        address = str(ipaddress.IPv6Network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return _hashed(f"client:{address}")


def _limits() -> dict[str, Limit]:
    overrides: dict[str, Limit] = getattr(settings, "VILLAGE_THROTTLE_LIMITS", {})
    return {**LIMITS, **overrides}


def _keys(request: HttpRequest, action: str, scope: str, limit: Limit) -> list[tuple[str, int]]:
    """Each count lives `seconds` from its first action: incrementing keeps its expiry."""
    keys = [(f"throttle:{action}:{scope}:a:{client_hash(request)}", limit.address)]
    browser = request.COOKIES.get(COOKIE_NAME, "")
    if browser:
        keys.append((f"throttle:{action}:{scope}:b:{_hashed(browser)}", limit.browser))
    return keys


def check(request: HttpRequest, *, action: str, scope: object = "") -> None:
    """Count one action by this client; raise Throttled once it is over a limit."""
    limit = _limits()[action]
    over = False
    for key, allowed in _keys(request, action, str(scope), limit):
        cache.add(key, 0, timeout=limit.seconds)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: this is the window's first
            cache.set(key, 1, timeout=limit.seconds)
            count = 1
        over = over or count > allowed
    if over:
        raise Throttled(str(limit.message))


def is_over(request: HttpRequest, *, action: str, scope: object = "") -> bool:
    """Whether this client is already over a limit, without counting anything."""
    limit = _limits()[action]
    return any(
        (cache.get(key) or 0) >= allowed
        for key, allowed in _keys(request, action, str(scope), limit)
    )


def message(action: str) -> str:
    return str(_limits()[action].message)
