"""Storage that keeps anonymous rows unlinkable in a database dump.

Three tools every app with anonymous rows uses:

- ``RandomKeyField``: a random 63-bit integer primary key. On SQLite its column type is
  exactly ``integer``, so it *is* the rowid, and the hidden rowid no longer counts the order
  rows were written in. On PostgreSQL it is a plain ``bigint``.
- ``seal`` / ``unseal``: AES-256-GCM with a key derived from SECRET_KEY (HKDF-SHA256), for
  answers waiting in a mix. The database never holds the key. AES-GCM rather than Fernet
  because a Fernet token carries its creation time in clear, and anonymous rows hold no
  precise time; the associated data binds each sealed payload to its table and its circle or
  round, so a payload cannot be moved to another.
- ``dedupe_marker``: an HMAC, keyed with a secret derived from SECRET_KEY, of a person's own
  participation hash, so "already answered while pending" can be checked without a value a
  dump could join to the participant table.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

_NONCE_BYTES = 12
_MAX_KEY = 2**63 - 1


def random_key() -> int:
    """A positive 63-bit integer from the operating system's random source."""
    return secrets.randbelow(_MAX_KEY) + 1


def random_keys(count: int) -> npt.NDArray[np.int64]:
    """``count`` different keys as ``random_key`` makes them, drawn at once for rows
    inserted in bulk. A draw with a repeat (one in twenty million at a million keys) is
    drawn again."""
    while True:
        raw = np.frombuffer(secrets.token_bytes(8 * count), dtype=np.uint64) >> np.uint64(1)
        if raw.all() and len(np.unique(raw)) == count:
            return raw.astype(np.int64)


def random_order(count: int) -> npt.NDArray[np.int64]:
    """0 to ``count`` - 1 in an order from the operating system's random source: for rows
    written in bulk, so their physical order (and any numbering) carries nothing."""
    return np.random.default_rng(secrets.randbits(128)).permutation(count)


class RandomKeyField(models.BigIntegerField):
    """A random integer primary key that is the SQLite rowid (column type exactly 'integer')."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", random_key)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def db_type(self, connection: Any) -> str | None:
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        if kwargs.get("default") is random_key:
            del kwargs["default"]
        kwargs.pop("editable", None)
        return name, "village.anonymity.RandomKeyField", args, kwargs


@cache
def _derived(secret_key: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        secret_key.encode()
    )


def _key(purpose: bytes) -> bytes:
    return _derived(settings.SECRET_KEY, purpose)


def seal(*, payload: dict[str, Any], context: str) -> bytes:
    """Encrypt a JSON payload for the mix; `context` names where it may be opened."""
    nonce = os.urandom(_NONCE_BYTES)
    data = json.dumps(payload, separators=(",", ":")).encode()
    return nonce + AESGCM(_key(b"village mix v1")).encrypt(nonce, data, context.encode())


def unseal(*, sealed: bytes, context: str) -> dict[str, Any]:
    """Decrypt what `seal` made for the same context; raises if it was altered or moved."""
    blob = bytes(sealed)
    plain = AESGCM(_key(b"village mix v1")).decrypt(
        blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], context.encode()
    )
    result: dict[str, Any] = json.loads(plain)
    return result


def dedupe_marker(*, participant_hash: str, purpose: str) -> str:
    """A server-keyed hash of a person's own hash: equal for the same person and purpose,
    and not computable from a dump, so it cannot be joined to who took part."""
    return hmac.new(
        _key(b"village dedupe v1"), f"{purpose}:{participant_hash}".encode(), hashlib.sha256
    ).hexdigest()


def shuffled(items: list[Any]) -> list[Any]:
    """A copy in an order from the operating system's random source."""
    order = list(items)
    secrets.SystemRandom().shuffle(order)
    return order


def release_size(*, pending: int, minimum: int, final: bool) -> int:
    """How many pending answers to release now.

    While open, a batch goes out only when at least twice the minimum wait, and the minimum
    stays behind, so the last batch (when the circle or round closes) is never smaller than
    the minimum either. At the close everything left goes out.
    """
    if final:
        return pending
    return pending - minimum if pending >= 2 * minimum else 0
