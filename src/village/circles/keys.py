"""The keyed hashes that stand in for a guest and prove who wrote a reflection.

Both are made from the key only the browser holds, so the database can check them but never
make them."""

from __future__ import annotations

from village.people.browser_key import keyed_hash


def participant_hash(*, circle_id: int, key: str) -> str:
    return keyed_hash(key=key, purpose=f"circle:{circle_id}:participant")


def reflection_secret(*, reflection_id: object, key: str) -> str:
    return keyed_hash(key=key, purpose=f"reflection:{reflection_id}")
