"""A logging filter on every handler: no secret that opens something reaches a log line.

Invitation tokens, password-reset keys, join and round codes travel in paths and query
strings, and error and CSRF log lines quote the path. Anyone reading the logs could open
what the link opens, so each record's message and traceback are redacted before any handler
writes them: known secret-bearing path segments, secret-named query values, and anything
token-shaped (a long run of letters and digits).
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

_PATH_SECRETS = re.compile(
    r"(/(?:invitation|c|j|r|key|reset|confirm-email|password/reset/key)/)[^/\s?#\"']+",
    re.IGNORECASE,
)
_QUERY_SECRETS = re.compile(
    r"([?&;](?:[\w-]*(?:code|token|key|secret|password|uid|sig|invite)[\w-]*)=)[^&\s#\"']*",
    re.IGNORECASE,
)
# At least 20 URL-safe characters mixing letters and digits: tokens, keys, signed values.
_TOKEN_SHAPED = re.compile(
    r"(?<![\w-])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{20,}(?![\w-])",
)


def redact(text: str) -> str:
    text = _PATH_SECRETS.sub(rf"\1{REDACTED}", text)
    text = _QUERY_SECRETS.sub(rf"\1{REDACTED}", text)
    return _TOKEN_SHAPED.sub(REDACTED, text)


class RedactSecrets(logging.Filter):
    """Rewrites the record in place, so every handler and formatter sees only the redacted
    message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
