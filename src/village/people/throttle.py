"""Login throttling counts attempts per account. It is never given the client's address."""

from __future__ import annotations

from django.http import HttpRequest


def no_client_address(request: HttpRequest) -> None:
    return None
