"""The pseudonym a voter's votes carry in one conversation.

A guest's is a keyed hash of the key only their browser holds, so the database can match it
but never make it. A signed-in member's is a hash of their membership keyed with a secret
derived from the server's secret key (never stored), so they keep one voice on any device
and a dump cannot join their votes to them. A participant imported from a Polis export is
keyed the same way from their Polis id, so the Polis id is not stored and a dump cannot
match the votes to the published export's participants. Each conversation gives unrelated
values."""

from __future__ import annotations

from village.anonymity import dedupe_marker
from village.people.browser_key import keyed_hash


def guest_pseudonym(*, conversation_id: int, key: str) -> str:
    return keyed_hash(key=key, purpose=f"conversation:{conversation_id}:voter")


def member_pseudonym(*, conversation_id: int, member_id: int) -> str:
    return dedupe_marker(
        participant_hash=f"member:{member_id}", purpose=f"conversation:{conversation_id}:voter"
    )


def imported_pseudonym(*, conversation_id: int, polis_id: str) -> str:
    return dedupe_marker(
        participant_hash=f"polis:{polis_id}", purpose=f"conversation:{conversation_id}:voter"
    )
