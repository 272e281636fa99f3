"""The marker that stops a member rating twice on a review's panel.

A hash of the membership keyed with a secret derived from the server's secret key (never
stored), with a purpose of its own for each review: a dump cannot make it from a member, so
it cannot be joined to anyone. The same member always gets the same marker in one review."""

from __future__ import annotations

from village.anonymity import dedupe_marker


def panel_marker(*, review_id: int, member_id: int) -> str:
    return dedupe_marker(
        participant_hash=f"member:{member_id}", purpose=f"review:{review_id}:panel"
    )
