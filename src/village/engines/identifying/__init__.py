"""Spot text that may identify a person (a name, a phone number, an address) before it is
posted; see hints.py for the kinds and names.py for how names are found."""

from village.engines.identifying.hints import IdentifyingHint, identifying_hints

__all__ = ["IdentifyingHint", "identifying_hints"]
