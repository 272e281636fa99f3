"""Errors raised by the instruments engine; both are ``ValueError`` so callers can catch either."""

from __future__ import annotations


class InstrumentError(ValueError):
    """An instrument's data file is malformed or an instrument is used in a way it forbids."""


class AnswerError(ValueError):
    """A person's answers cannot be scored (wrong count, unknown item or out-of-range value)."""
