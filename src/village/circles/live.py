"""The live parts of a circle's pages: the whole board once, then only what changed.

A page is drawn with the whole board and the version it shows. Its poll names that version
and step; the answer is nothing (204) when nothing changed, or the changed cards and themes
as HTMX out-of-band swaps: new cards added to the end of their list, changed words swapped in
place, moved cards put in their new list (the page's script drops the old copy), withdrawn
cards and removed themes deleted. Only a new step, or notes the cache no longer has, sends a
whole board again.

What is shared by every participant is rendered once: the whole board once per circle version
in each app process, and the swaps of each version once for all processes, in the shared
cache. Each request adds the "Change" and "Withdraw" links to its own reflections only, from
the secret the browser holds.

Card ids on the page are a keyed hash of the reflection's id, so a participant's page never
holds the id that another person's change links use.
"""

from __future__ import annotations

import math
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from village.circles import changes, policy, selectors
from village.circles.models import Circle, Phase, Theme
from village.people.browser_key import keyed_hash

PARTICIPANT = "participant"
FACILITATOR = "facilitator"
ALL = "board-all"
UNGROUPED = "board-ungrouped"

_OWN_MARK = re.compile(r"<!--own:([0-9a-f-]{36})-->")
_MEMO_SIZE = 256

# In a circle of more than this many people, a participant's page does not get every card
# while people write: a hundred new cards a second is more than anyone can read, and sending
# each to a thousand pages is more than a server can do. Their page shows how many there are
# and their own; every card shows once the circle moves on to themes. The facilitator sees
# every card live.
EVERY_CARD_UP_TO = 200
# Pages poll every 2 s; in a large circle less often, so that its pages together poll no more
# than about 50 to 100 times a second (every 10 to 20 s at a thousand people): what they fetch
# is only the count.
POLL_SECONDS_MIN = 2
POLL_SECONDS_MAX = 20
LARGE_CIRCLE_POLLS_PER_SECOND = 50
_PEOPLE_SECONDS = 30
_COUNT_SECONDS = 2


def _safe(html: str) -> SafeString:
    """Card and theme HTML built here: every value in it went through escape() or a template."""
    return mark_safe(html)  # noqa: S308


def card_id(public_id: object) -> str:
    return "r-" + keyed_hash(key=settings.SECRET_KEY, purpose=f"card:{public_id}")[:16]


def theme_list_id(theme_id: int | None) -> str:
    return UNGROUPED if theme_id is None else f"board-theme-{theme_id}"


def _people_in(circle: Circle) -> int:
    """How many have joined, read at most every 30 s."""
    people: int | None = cache.get_or_set(
        f"{changes.live_prefix(circle.pk, circle.join_code)}:people",
        lambda: selectors.participant_count(circle=circle),
        _PEOPLE_SECONDS,
    )
    return people or 0


def poll_seconds(*, circle: Circle) -> int:
    """How often a participant's page asks what changed: every 2 s, less often in a circle too
    large to show every card live."""
    people = _people_in(circle)
    if people <= EVERY_CARD_UP_TO:
        return POLL_SECONDS_MIN
    longest = min(
        POLL_SECONDS_MAX, max(POLL_SECONDS_MIN, math.ceil(people / LARGE_CIRCLE_POLLS_PER_SECOND))
    )
    # Between half that and that, at random each time: pages that joined together (or got
    # their answers together) drift apart instead of all polling in the same second.
    shortest = max(POLL_SECONDS_MIN, longest // 2)
    return shortest + secrets.randbelow(longest - shortest + 1)


def shows_every_card(*, circle: Circle, variant: str, stage: str) -> bool:
    """Whether this page gets every card live: not a participant's while a large circle
    writes (see EVERY_CARD_UP_TO)."""
    return (
        variant == FACILITATOR or stage != Phase.REFLECT or _people_in(circle) <= EVERY_CARD_UP_TO
    )


def count_update(*, circle: Circle) -> SafeString:
    """A large circle's poll while people write: just how many reflections there are now."""
    count = cache.get_or_set(
        f"{changes.live_prefix(circle.pk, circle.join_code)}:count-now",
        lambda: selectors.reflection_count(circle=circle),
        _COUNT_SECONDS,
    )
    return _safe(
        render_to_string("circles/_reflection_count.html", {"reflection_count": count, "oob": True})
    )


def shows_themes(*, circle: Circle, variant: str, stage: str) -> bool:
    """Whether cards sit in theme lists: for the facilitator of a circle with themes, always;
    for participants, while themes are formed and voted on."""
    if not circle.uses_themes:
        return False
    return variant == FACILITATOR or stage in (Phase.GROUP, Phase.VOTE)


def _card(row: selectors.ReflectionRow, *, variant: str, movable: bool, pk: int) -> str:
    anonymous = escape(_("Anonymous"))
    body = (
        f'<p class="village-meta">{escape(row.prompt_text)}</p>'
        f'<p class="village-pre">{escape(row.text)}</p>'
        f'<p class="village-meta">{escape(row.author_label) or anonymous}</p>'
    )
    if variant == PARTICIPANT:
        return f'<li class="village-card" id="{card_id(row.id)}">{body}<!--own:{row.id}--></li>'
    if not movable:
        return f'<li class="village-card" id="{card_id(row.id)}">{body}</li>'
    words = " ".join(row.text.split()[:8])
    move_url = reverse("circles:move_reflection", kwargs={"pk": pk, "reflection_id": row.id})
    return (
        f'<li class="village-card village-reflection" id="{card_id(row.id)}" draggable="true" '
        f'data-reflection="{row.id}">{body}'
        f'<p class="village-no-print"><a class="js-move" href="{move_url}">'
        f"{escape(_('Move'))}"
        f'<span class="village-visually-hidden"> “{escape(words)}”</span></a></p></li>'
    )


def _cards(
    rows: Iterable[selectors.ReflectionRow], *, variant: str, stage: str, circle: Circle
) -> dict[str, list[str]]:
    """Card HTML by the list it goes in."""
    by_list: dict[str, list[str]] = {}
    themed = shows_themes(circle=circle, variant=variant, stage=stage)
    movable = _can(circle, variant)["group"]
    for row in rows:
        target = theme_list_id(row.theme_id) if themed else ALL
        by_list.setdefault(target, []).append(
            _card(row, variant=variant, movable=movable, pk=circle.pk)
        )
    return by_list


@dataclass(frozen=True)
class _Shared:
    """HTML for everyone polling one version, and the secret hash of each card in it."""

    html: str
    secrets: tuple[tuple[str, str], ...]


_memo: OrderedDict[tuple[object, ...], _Shared] = OrderedDict()
_lock = threading.Lock()


def _remembered(key: tuple[object, ...], make: object) -> _Shared:
    with _lock:
        cached = _memo.get(key)
        if cached is not None:
            _memo.move_to_end(key)
            return cached
    made: _Shared = make()  # type: ignore[operator]
    with _lock:
        _memo[key] = made
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return made


def _with_own_links(shared: _Shared, *, circle: Circle, stage: str, browser_key: str) -> SafeString:
    """The shared HTML with "Change" and "Withdraw" on this browser's own reflections."""
    mine = {
        reflection_id
        for reflection_id, secret_hash in shared.secrets
        if selectors.is_own(
            reflection_id=reflection_id, secret_hash=secret_hash, browser_key=browser_key
        )
    }
    can = {
        act: bool(policy.decide(act=act, people={policy.Person.GUEST}, stage=Phase(stage)))
        for act in (policy.Act.EDIT_REFLECTION, policy.Act.WITHDRAW_REFLECTION)
    }

    def own_links(match: re.Match[str]) -> str:
        if match.group(1) not in mine or not any(can.values()):
            return ""
        return render_to_string(
            "circles/_own_links.html",
            {
                "code": circle.join_code,
                "reflection_id": match.group(1),
                "can_edit": can[policy.Act.EDIT_REFLECTION],
                "can_withdraw": can[policy.Act.WITHDRAW_REFLECTION],
            },
        )

    return _safe(_OWN_MARK.sub(own_links, shared.html))


def _can(circle: Circle, variant: str) -> dict[str, bool]:
    """What the board lets its viewer do: the same for everyone who runs or joined the circle."""
    person = policy.Person.FACILITATOR if variant == FACILITATOR else policy.Person.GUEST
    return policy.abilities(circle=circle, people={person}, joined=True)


def _themes_html(
    themes: Iterable[Theme], cards: dict[str, list[str]], *, variant: str, circle: Circle
) -> str:
    can = _can(circle, variant)
    return "".join(
        render_to_string(
            "circles/_theme.html",
            {
                "theme": theme,
                "circle": circle,
                "can": can,
                "facilitating": variant == FACILITATOR,
                "cards": _safe("".join(cards.get(theme_list_id(theme.pk), []))),
            },
        )
        for theme in themes
    )


def board(*, circle: Circle, variant: str, browser_key: str = "") -> SafeString:
    """The whole board for a page: every card in its list, in key order (random)."""
    stage = policy.stage_of(circle)
    if not shows_every_card(circle=circle, variant=variant, stage=stage):
        return _own_board(circle=circle, stage=stage, browser_key=browser_key)
    key = ("board", circle.pk, circle.join_code, circle.version, variant, stage)

    def make() -> _Shared:
        rows = selectors.reflection_rows(circle=circle)
        cards = _cards(rows, variant=variant, stage=stage, circle=circle)
        themes = list(selectors.board_themes(circle=circle))
        html = render_to_string(
            "circles/_board.html",
            {
                "circle": circle,
                "facilitating": variant == FACILITATOR,
                "themed": shows_themes(circle=circle, variant=variant, stage=stage),
                "can": _can(circle, variant),
                "reflection_count": len(rows),
                "all_cards": _safe("".join(cards.get(ALL, []))),
                "ungrouped_cards": _safe("".join(cards.get(UNGROUPED, []))),
                "themes_html": _safe(_themes_html(themes, cards, variant=variant, circle=circle)),
                "actions": selectors.actions_of(circle=circle),
            },
        )
        return _Shared(html, tuple((str(r.id), r.secret_hash) for r in rows))

    shared = _remembered(key, make)
    if variant == FACILITATOR:
        return _safe(shared.html)
    return _with_own_links(shared, circle=circle, stage=stage, browser_key=browser_key)


def _own_board(*, circle: Circle, stage: str, browser_key: str) -> SafeString:
    """A large circle's board for a participant while people write: the count and their own."""
    rows = selectors.reflection_rows(circle=circle)
    own = [
        row
        for row in rows
        if selectors.is_own(
            reflection_id=row.id, secret_hash=row.secret_hash, browser_key=browser_key
        )
    ]
    html = render_to_string(
        "circles/_board.html",
        {
            "circle": circle,
            "only_own": True,
            "can": _can(circle, PARTICIPANT),
            "reflection_count": len(rows),
            "all_cards": _safe(
                "".join(_card(row, variant=PARTICIPANT, movable=False, pk=circle.pk) for row in own)
            ),
        },
    )
    shared = _Shared(html, tuple((str(row.id), row.secret_hash) for row in own))
    return _with_own_links(shared, circle=circle, stage=stage, browser_key=browser_key)


def _oob(target: str, html: str, *, how: str = "beforeend") -> str:
    return f'<div hx-swap-oob="{how}:#{target}">{html}</div>'


def update(
    *,
    circle: Circle,
    variant: str,
    since: int,
    until: int,
    found: changes.Difference,
    browser_key: str = "",
) -> SafeString:
    """Out-of-band swaps for what changed between two versions, for a page at the same step.

    Each version's swaps are rendered once, by the first page that needs them, and kept in the
    cache that every app process shares; a poll joins those of the versions it missed. Pages
    poll from all sorts of versions, so joining shared pieces, rather than rendering each
    page's difference afresh, is what keeps a busy circle's polls from reading the database."""
    stage = policy.stage_of(circle)
    prefix = f"{changes.live_prefix(circle.pk, circle.join_code)}:swaps:{variant}:{stage}"
    keys = {version: f"{prefix}:{version}" for version, _notes in found.by_version}
    pieces: dict[str, _Shared] = cache.get_many(list(keys.values()))
    missing = [
        (version, notes) for version, notes in found.by_version if keys[version] not in pieces
    ]
    if missing:
        made = {
            keys[version]: shared
            for version, shared in _swaps(
                circle=circle, variant=variant, stage=stage, versions=missing
            ).items()
        }
        cache.set_many(made, changes.NOTE_SECONDS)
        pieces.update(made)
    ordered = [pieces[keys[version]] for version, _notes in found.by_version]
    html = "".join(piece.html for piece in ordered) + _count_swap(
        circle=circle, variant=variant, stage=stage, found=found, until=until
    )
    shared = _Shared(html, tuple(secret for piece in ordered for secret in piece.secrets))
    if variant == FACILITATOR:
        return _safe(shared.html)
    return _with_own_links(shared, circle=circle, stage=stage, browser_key=browser_key)


def _count_swap(
    *, circle: Circle, variant: str, stage: str, found: changes.Difference, until: int
) -> str:
    """The "N reflections so far" line, when cards came or went and sit in one list; the count
    at a version is read once and shared."""
    if shows_themes(circle=circle, variant=variant, stage=stage) or not any(
        kind in (changes.NEW, changes.GONE) for kind in found.reflections.values()
    ):
        return ""
    count = cache.get_or_set(
        f"{changes.live_prefix(circle.pk, circle.join_code)}:count:{until}",
        lambda: selectors.reflection_count(circle=circle),
        changes.NOTE_SECONDS,
    )
    return render_to_string(
        "circles/_reflection_count.html", {"reflection_count": count, "oob": True}
    )


def _swaps(
    *,
    circle: Circle,
    variant: str,
    stage: str,
    versions: list[tuple[int, tuple[changes.Note, ...]]],
) -> dict[int, _Shared]:
    """The swaps of each version, with one read of the reflections and themes they name."""
    differences = {version: changes.Difference() for version, _notes in versions}
    for version, notes in versions:
        differences[version].add(notes)
    wanted = {
        key
        for found in differences.values()
        for key, kind in found.reflections.items()
        if kind != changes.GONE
    }
    theme_ids = {
        int(pk)
        for found in differences.values()
        for pk, kind in found.themes.items()
        if kind != changes.GONE_THEME
    }
    rows = (
        {str(r.id): r for r in selectors.reflection_rows(circle=circle, public_ids=list(wanted))}
        if wanted
        else {}
    )
    themes = (
        {t.pk: t for t in selectors.board_themes(circle=circle).filter(pk__in=theme_ids)}
        if theme_ids
        else {}
    )
    return {
        version: _render(
            circle=circle, variant=variant, stage=stage, found=found, rows=rows, themes=themes
        )
        for version, found in differences.items()
    }


def _render(
    *,
    circle: Circle,
    variant: str,
    stage: str,
    found: changes.Difference,
    rows: dict[str, selectors.ReflectionRow],
    themes: dict[int, Theme],
) -> _Shared:
    themed = shows_themes(circle=circle, variant=variant, stage=stage)
    movable = _can(circle, variant)["group"]
    parts: list[str] = []
    if themed:
        for pk, kind in found.themes.items():
            theme = themes.get(int(pk))
            if kind == changes.NEW_THEME and theme is not None:
                parts.append(
                    _oob("board-themes", _themes_html([theme], {}, variant=variant, circle=circle))
                )
            elif kind == changes.THEME and theme is not None:
                parts.append(
                    render_to_string(
                        "circles/_theme_head.html",
                        {
                            "theme": theme,
                            "circle": circle,
                            "can": _can(circle, variant),
                            "facilitating": variant == FACILITATOR,
                            "oob": True,
                        },
                    )
                )
    shown: list[tuple[str, str]] = []
    for public_id, kind in found.reflections.items():
        row = rows.get(public_id)
        if row is None:
            parts.append(f'<li id="{card_id(public_id)}" hx-swap-oob="delete"></li>')
            continue
        if kind == changes.MOVE and not themed:
            continue
        shown.append((public_id, row.secret_hash))
        card = _card(row, variant=variant, movable=movable, pk=circle.pk)
        if kind == changes.EDIT:
            parts.append(card.replace("<li ", '<li hx-swap-oob="true" ', 1))
        else:
            target = theme_list_id(row.theme_id) if themed else ALL
            parts.append(_oob(target, card))
    if themed:
        parts.extend(
            f'<section id="theme-{pk}" hx-swap-oob="delete"></section>'
            for pk, kind in found.themes.items()
            if kind == changes.GONE_THEME
        )
    if found.actions and (variant == FACILITATOR or _can(circle, variant)["see_actions"]):
        parts.append(
            render_to_string(
                "circles/_actions.html",
                {
                    "actions": selectors.actions_of(circle=circle),
                    "can": _can(circle, variant),
                    "circle": circle,
                    "facilitating": variant == FACILITATOR,
                    "oob": True,
                },
            )
        )
    return _Shared("".join(parts), tuple(shown))
