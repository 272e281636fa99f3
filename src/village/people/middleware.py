"""Attach the signed-in person's membership to the request, looked up once and lazily."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from village.people.selectors import member_for_user


class MemberMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.member = SimpleLazyObject(lambda: member_for_user(user=request.user))  # type: ignore[attr-defined]
        response: HttpResponse = self.get_response(request)
        return response
