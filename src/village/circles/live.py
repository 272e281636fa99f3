"""The live part of a circle's page, rendered once per change and shared by everyone.

Every participant polls every two seconds. The list is the same for all of them except the
"Change" and "Withdraw" links on their own reflections, so the shared HTML is rendered once
per circle version in each app process and the links are added per request, from the secret
the browser holds. A process-local memo keeps app servers stateless: a miss only re-renders.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from village.circles import selectors
from village.circles.models import Circle, Phase

_OWN_MARK = re.compile(r"<!--own:([0-9a-f-]{36})-->")
_MEMO_SIZE = 64


class _SharedRender:
    """HTML plus each reflection's id and secret hash, for one circle version."""

    def __init__(self, html: str, secrets: tuple[tuple[str, str], ...]) -> None:
        self.html = html
        self.secrets = secrets


_memo: OrderedDict[tuple[int, str, int, str], _SharedRender] = OrderedDict()
_lock = threading.Lock()


def _reflection_items(reflections: list[selectors.ReflectionRow]) -> SafeString:
    """The reflection cards, built directly: a template loop costs ~100 ms at 1,200 cards."""
    if not reflections:
        return mark_safe(f"<li>{escape(_('No reflections yet. Yours could be the first.'))}</li>")  # noqa: S308
    anonymous = escape(_("Anonymous"))
    cards = [
        '<li class="village-card">'
        f'<p class="village-meta">{escape(reflection.prompt_text)}</p>'
        f'<p class="village-pre">{escape(reflection.text)}</p>'
        f'<p class="village-meta">{escape(reflection.author_label) or anonymous}</p>'
        f"<!--own:{reflection.id}--></li>"
        for reflection in reflections
    ]
    return mark_safe("".join(cards))  # noqa: S308 (every value above is escaped)


def _shared(circle: Circle) -> _SharedRender:
    key = (circle.pk, circle.join_code, circle.version, circle.phase)
    with _lock:
        cached = _memo.get(key)
        if cached is not None:
            _memo.move_to_end(key)
            return cached
    reflections = selectors.reflection_rows(circle=circle)
    items = _reflection_items(reflections) if circle.phase == Phase.REFLECT else ""
    html = render_to_string(
        "circles/_live.html",
        {
            "circle": circle,
            "reflections": reflections,
            "reflection_items": items,
            "themes": list(selectors.themes_for(circle=circle)),
            "actions": list(circle.actions.select_related("owner_agency")),
        },
    )
    rendered = _SharedRender(html, tuple((str(r.id), r.secret_hash) for r in reflections))
    with _lock:
        _memo[key] = rendered
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return rendered


def live_fragment(*, circle: Circle, browser_key: str) -> SafeString:
    """The live list for this browser: shared HTML with links on its own reflections."""
    shared = _shared(circle)
    mine = {
        reflection_id
        for reflection_id, secret_hash in shared.secrets
        if selectors.is_own(
            reflection_id=reflection_id, secret_hash=secret_hash, browser_key=browser_key
        )
    }

    def own_links(match: re.Match[str]) -> str:
        if match.group(1) not in mine:
            return ""
        return render_to_string(
            "circles/_own_links.html", {"code": circle.join_code, "reflection_id": match.group(1)}
        )

    return mark_safe(_OWN_MARK.sub(own_links, shared.html))  # noqa: S308 (rendered, escaped templates)
