"""What changed in a circle, version by version, so a live page fetches only the difference.

Every write that a live page shows bumps the circle's version in the database and, in the
same transaction, puts a short note of what changed in the cache under that version: which
reflection was posted, changed, moved or withdrawn, which theme changed, or that the step,
the actions or the facilitator's panel changed. A poll names the version its page shows; the
server reads the notes after it and sends only those parts.

The notes hold ids and kinds, never text or people, and live in the cache only (memory or
Redis), never in the database: a copy of the database holds no order of posting that the
random keys and the reseal do not already hide. A note may be missing (the cache was cleared,
the note expired, or another app process wrote it into its own memory): the page then gets
the whole live part once and carries on from there. The current version is cached for a
second, so a poll that finds nothing new touches no database at all.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, NamedTuple

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import F

from village.circles.models import Circle, Phase

logger = logging.getLogger(__name__)

Note = tuple[str, str]

NEW: Final = "new"  # a reflection was posted
EDIT: Final = "edit"  # its words changed
MOVE: Final = "move"  # it went into another theme
GONE: Final = "gone"  # it was withdrawn
NEW_THEME: Final = "new-theme"
THEME: Final = "theme"  # a theme's name or dots changed
GONE_THEME: Final = "gone-theme"
ACTIONS: Final = "actions"
STEP: Final = "step"
ROOM: Final = "room"  # who has joined, pauses asked for, guests open or closed
UNDO: Final = "undo"  # what the facilitator's undo button would do

NOTE_SECONDS = 2 * 60 * 60
VERSION_SECONDS = 1
# A page further behind than this gets the whole live part instead of a long difference.
MAX_NOTES = 3000
# A note this close to the newest version may still be on its way (see changed_after), for a
# moment: a note missing for longer than that is gone.
NOTE_GRACE = 50
NOTE_WAIT_SECONDS = 2.0


def live_prefix(circle_id: int, code: str) -> str:
    """The start of every cache key a circle's live pages use."""
    return f"circle-live:{circle_id}:{code}"


def _note_key(circle_id: int, code: str, version: int) -> str:
    return f"{live_prefix(circle_id, code)}:{version}"


def _version_key(circle_id: int, code: str) -> str:
    return f"{live_prefix(circle_id, code)}:version"


def changed(circle: Circle, *notes: Note) -> int:
    """Bump the circle's version and note what changed, in the caller's transaction.

    The note is put in the cache before the version is committed, so a poll that sees the new
    version always finds its note; if the transaction rolls back, the next write reuses the
    version number and overwrites the note."""
    with transaction.atomic():
        Circle.objects.filter(pk=circle.pk).update(version=F("version") + 1)
        version: int = Circle.objects.values_list("version", flat=True).get(pk=circle.pk)
        cache.set(_note_key(circle.pk, circle.join_code, version), notes, NOTE_SECONDS)
        state = LiveState(version, circle.closes_at.timestamp())
        transaction.on_commit(
            lambda: cache.set(_version_key(circle.pk, circle.join_code), state, VERSION_SECONDS)
        )
    circle.version = version
    return version


def changed_after(circle: Circle, *notes: Note) -> None:
    """Note a write that is already committed, with one statement and no transaction around it.

    Every post in a circle bumps the same row. Bumped inside the post's own transaction, the
    row stayed locked while the server waited for the disk and for Python, and posts queued
    behind each other. Here the row is locked only while one statement runs, and on PostgreSQL
    its commit does not wait for the disk (a crash can lose a version number, which costs pages
    a whole board once, never the post). The note goes into the cache just after, so a poll
    may see the version a moment before its note: ``difference`` then stops short of it. A
    failure is logged, not raised: the post is saved, and saying otherwise would make its
    author send it again."""
    try:
        version = _bump(circle.pk)
    except DatabaseError:
        logger.warning("circle %s: a change was saved but not noted for live pages", circle.pk)
        return
    cache.set(_note_key(circle.pk, circle.join_code, version), notes, NOTE_SECONDS)
    cache.set(
        _version_key(circle.pk, circle.join_code),
        LiveState(version, circle.closes_at.timestamp()),
        VERSION_SECONDS,
    )
    circle.version = version


def _bump(circle_id: int) -> int:
    table = connection.ops.quote_name(Circle._meta.db_table)
    # On PostgreSQL, this statement's own commit does not wait for the disk.
    quick = (
        " AND set_config('synchronous_commit', 'off', true) IS NOT NULL"
        if connection.vendor == "postgresql"
        else ""
    )
    sql = f"UPDATE {table} SET version = version + 1 WHERE id = %s{quick} RETURNING version"  # noqa: S608 - no user input
    with connection.cursor() as cursor:
        cursor.execute(sql, [circle_id])
        row = cursor.fetchone()
    if row is None:
        raise DatabaseError("the circle is gone")
    return int(row[0])


class LiveState(NamedTuple):
    """What a poll needs to know to say "nothing new": the version, and when the circle
    closes by the clock (a circle past its closing time has ended without anyone acting)."""

    version: int
    closes_at: float

    def ended_by_clock(self, stage_seen: str) -> bool:
        return stage_seen != Phase.ENDED and time.time() >= self.closes_at


def live_state(*, circle_id: int, code: str, at_least: int = 0) -> LiveState:
    """The circle's version, from the cache when it was read in the last second, unless the
    page already shows a later one (the cache is behind: read the database)."""
    key = _version_key(circle_id, code)
    state = cache.get(key)
    if state is None or state[0] < at_least:
        version, closes_at = Circle.objects.values_list("version", "closes_at").get(pk=circle_id)
        state = LiveState(version, closes_at.timestamp())
        cache.set(key, state, VERSION_SECONDS)
    return LiveState(*state)


@dataclass
class Difference:
    """What changed between two versions, each reflection and theme once, by what matters most.

    ``complete`` is False when a note is missing or the page is too far behind: then the page
    needs the whole live part. ``by_version`` keeps each version's notes apart, in order, for
    pages that apply the versions one by one."""

    complete: bool = True
    step: bool = False
    actions: bool = False
    room: bool = False
    undo: bool = False
    reflections: dict[str, str] = field(default_factory=dict)
    themes: dict[str, str] = field(default_factory=dict)
    by_version: list[tuple[int, tuple[Note, ...]]] = field(default_factory=list)
    reached: int = 0

    def add(self, notes: Iterable[Note]) -> None:
        for kind, key in notes:
            if kind in (NEW, EDIT, MOVE, GONE):
                self.reflections[key] = _stronger(self.reflections.get(key), kind, _REFLECTION)
            elif kind in (NEW_THEME, THEME, GONE_THEME):
                self.themes[key] = _stronger(self.themes.get(key), kind, _THEME)
            elif kind == STEP:
                self.step = True
            elif kind == ACTIONS:
                self.actions = True
            elif kind == ROOM:
                self.room = True
            elif kind == UNDO:
                self.undo = True


# Withdrawn beats everything; posted beats moved, which beats changed words (a card that is
# new to the page is added with its words as they are now).
_REFLECTION: Sequence[str] = (EDIT, MOVE, NEW, GONE)
_THEME: Sequence[str] = (THEME, NEW_THEME, GONE_THEME)


def _stronger(old: str | None, new: str, order: Sequence[str]) -> str:
    if old is None:
        return new
    return max(old, new, key=order.index)


def _may_still_come(note_key: str) -> bool:
    """Whether a missing note was first missed only a moment ago."""
    awaited = f"{note_key}:awaited"
    cache.add(awaited, time.time(), NOTE_SECONDS)
    first_missed = cache.get(awaited)
    return first_missed is None or time.time() - first_missed < NOTE_WAIT_SECONDS


def difference(*, circle_id: int, code: str, since: int, until: int) -> Difference:
    """Everything noted after ``since`` up to ``until``, or up to just before a note among the
    newest few that is not in the cache yet (``reached`` says how far; the page polls on from
    there). A note missing further back than that is gone: the difference is incomplete."""
    if since > until or until - since > MAX_NOTES:
        return Difference(complete=False)
    keys = [_note_key(circle_id, code, version) for version in range(since + 1, until + 1)]
    found = cache.get_many(keys)
    result = Difference(reached=since)
    for version, key in enumerate(keys, start=since + 1):
        if key not in found:
            result.complete = until - version < NOTE_GRACE and _may_still_come(key)
            return result
        result.add(found[key])
        result.by_version.append((version, tuple(found[key])))
        result.reached = version
    return result
