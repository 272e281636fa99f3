"""The language lens where people write."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from village.language import selectors

_BOX_ID = re.compile(r"[A-Za-z][\w-]{0,99}")


@require_POST
def hints(request: HttpRequest) -> HttpResponse:
    """The hints for a draft as it is typed. A post, so a draft never sits in an address that
    proxies and browsers keep; it writes nothing and logs nothing. Anyone who can see a text
    box may ask: the answer depends only on the words sent."""
    box = str(request.POST.get("for", ""))
    return render(
        request,
        "language/_hints.html",
        {
            "findings": selectors.hints_for(text=str(request.POST.get("text", ""))),
            "box": box if _BOX_ID.fullmatch(box) else "",
        },
    )
