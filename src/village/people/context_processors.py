"""Template context every page needs: the quick-exit target and who is signed in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from village.people.models import Role


def village(request: HttpRequest) -> dict[str, Any]:
    member = getattr(request, "member", None)
    member = member if member else None
    return {
        "quick_exit_url": settings.VILLAGE["QUICK_EXIT_URL"],
        "member": member,
        "member_is_admin": bool(member and member.has_role(Role.ADMIN)),
    }
