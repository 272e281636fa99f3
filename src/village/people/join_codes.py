"""The short codes guests type to join a circle, a check-in or a conversation.

Eight characters from an alphabet without look-alikes (no 0/O, no 1/I), so a code read out
in a meeting or copied from a screen is typed right first time. Typing is forgiving: case,
spaces and dashes are ignored.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LENGTH = 8
ATTEMPTS = 20


def normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())[:LENGTH]


def new_code(*, taken: Callable[[str], bool]) -> str | None:
    """A fresh code, or None if every attempt was already taken (the caller says so)."""
    for _attempt in range(ATTEMPTS):
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if not taken(code):
            return code
    return None
