"""Template context every page needs: quick exit target and the member's partnership."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def village(request: HttpRequest) -> dict[str, Any]:
    return {"quick_exit_url": settings.VILLAGE["QUICK_EXIT_URL"]}
