"""Partnership settings: which entries apply, how severe they are, and the partnership's own.

Sources disagree ("Mum" and "Dad" or "parent"; "respite" is still standard in adult care), so
each partnership decides. The same settings come from a YAML file (``village lens --config``)
or, in the web app, from the database as plain dicts; both go through :func:`parse_config`::

    disable: [respite, siblings]          # entry ids to switch off
    edit:                                 # shipped entries in the partnership's own words
      placement: {alternatives: [home], reason: Our families asked for it., sources: [our_policy]}
    disable_categories: [jargon]          # whole categories to switch off
    severity: {placement: error}          # per entry
    category_severity: {deficit: info}    # per shipped category (per-entry settings win)
    sources:                              # the partnership's own sources, by key
      our_policy: {title: Our language policy, url: "https://example.org/policy", year: "2025"}
    entries:                              # the partnership's own entries (glossary schema);
      - id: service-user                  # an existing id replaces that entry
        ...

Unknown entry ids and categories are errors, so a typo cannot silently switch nothing off.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from village.engines.lens.glossary import (
    CATEGORIES,
    SEVERITIES,
    Entry,
    Glossary,
    GlossaryError,
    Source,
    check_forms,
    default_glossary,
    default_sources,
    load_yaml_text,
    parse_entries,
    parse_sources,
    resolve_sources,
    strings_field,
    text_field,
)

_KEYS = frozenset(
    {"disable", "disable_categories", "edit", "severity", "category_severity", "sources", "entries"}
)
_EDIT_KEYS = frozenset({"alternatives", "reason", "sources"})


@dataclass(frozen=True)
class EntryEdit:
    """New alternatives or reason for an entry, with the source the new words rest on."""

    sources: tuple[Source, ...]
    alternatives: tuple[str, ...] = ()
    reason: str = ""

    def applied_to(self, entry: Entry) -> Entry:
        """The entry with these words (what is not given keeps the entry's own)."""
        return dataclasses.replace(
            entry,
            alternatives=self.alternatives or entry.alternatives,
            reason=self.reason or entry.reason,
            sources=self.sources,
        )


@dataclass(frozen=True)
class PartnershipConfig:
    """A partnership's changes to the shipped glossary."""

    disable: frozenset[str] = frozenset()
    disable_categories: frozenset[str] = frozenset()
    severity: Mapping[str, str] = dataclasses.field(default_factory=dict)
    edits: Mapping[str, EntryEdit] = dataclasses.field(default_factory=dict)
    category_severity: Mapping[str, str] = dataclasses.field(default_factory=dict)
    entries: tuple[Entry, ...] = ()


def _names(data: Mapping[str, Any], key: str, where: str) -> frozenset[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise GlossaryError(f"{where}: '{key}' must be a list of names")
    return frozenset(value)


def _severities(data: Mapping[str, Any], key: str, where: str) -> dict[str, str]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise GlossaryError(f"{where}: '{key}' must map names to severities")
    for name, severity in value.items():
        if severity not in SEVERITIES:
            raise GlossaryError(
                f"{where}: {key}: {name}: severity {severity!r} is not one of "
                f"{', '.join(SEVERITIES)}"
            )
    return {str(name): str(severity) for name, severity in value.items()}


def _edits(
    data: Mapping[str, Any], sources: Mapping[str, Source], where: str
) -> dict[str, EntryEdit]:
    value = data.get("edit", {})
    if not isinstance(value, Mapping):
        raise GlossaryError(f"{where}: 'edit' must map entry ids to new words")
    edits = {}
    for name, change in value.items():
        at = f"{where}: edit: {name}"
        if not isinstance(change, Mapping):
            raise GlossaryError(f"{at}: give alternatives, reason and sources")
        unknown = set(change) - _EDIT_KEYS
        if unknown:
            raise GlossaryError(f"{at}: unknown field(s) {', '.join(sorted(unknown))}")
        alternatives = strings_field(change, "alternatives", at, required=False)
        reason = " ".join(text_field(change, "reason", at, required=False).split())
        if not alternatives and not reason:
            raise GlossaryError(f"{at}: give new alternatives, a new reason, or both")
        edits[str(name)] = EntryEdit(
            sources=resolve_sources(change.get("sources"), sources=sources, where=at),
            alternatives=alternatives,
            reason=reason,
        )
    return edits


def parse_config(
    data: Mapping[str, Any] | None, *, glossary: Glossary | None = None, where: str = "config"
) -> PartnershipConfig:
    """Validate settings given as plain data (from YAML, JSON or database rows)."""
    if data is None:
        return PartnershipConfig()
    if not isinstance(data, Mapping):
        raise GlossaryError(f"{where}: expected a mapping of settings")
    unknown = set(data) - _KEYS
    if unknown:
        raise GlossaryError(
            f"{where}: unknown setting(s) {', '.join(sorted(unknown))}; "
            f"use {', '.join(sorted(_KEYS))}"
        )
    base = glossary or default_glossary()
    sources = {**default_sources(), **parse_sources(data.get("sources", {}), where=where)}
    entries = parse_entries(data.get("entries", []), sources=sources, where=f"{where}: entries")
    check_forms(entries)
    known_ids = base.ids | {entry.id for entry in entries}
    config = PartnershipConfig(
        disable=_names(data, "disable", where),
        disable_categories=_names(data, "disable_categories", where),
        severity=_severities(data, "severity", where),
        edits=_edits(data, sources, where),
        category_severity=_severities(data, "category_severity", where),
        entries=entries,
    )
    for name in sorted(config.disable | set(config.severity) | set(config.edits)):
        if name not in known_ids:
            raise GlossaryError(f"{where}: no glossary entry has the id {name!r}")
    for name in sorted(config.disable_categories | set(config.category_severity)):
        if name not in CATEGORIES:
            raise GlossaryError(f"{where}: category {name!r} is not one of {', '.join(CATEGORIES)}")
    return config


def load_config(path: str | Path, *, glossary: Glossary | None = None) -> PartnershipConfig:
    """Read and validate a partnership settings file (YAML)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise GlossaryError(
            f"{path}: cannot read the settings file ({type(error).__name__})"
        ) from None
    data = load_yaml_text(text, where=str(path))
    return parse_config(data or {}, glossary=glossary, where=str(path))


def apply_config(config: PartnershipConfig, *, glossary: Glossary | None = None) -> Glossary:
    """The glossary as this partnership uses it: own entries first, then the rest, adjusted."""
    base = glossary or default_glossary()
    own_ids = {entry.id for entry in config.entries}
    entries: list[Entry] = []
    for entry in (*config.entries, *(e for e in base if e.id not in own_ids)):
        if entry.id in config.disable or entry.category in config.disable_categories:
            continue
        severity = config.severity.get(
            entry.id, config.category_severity.get(entry.category, entry.severity)
        )
        if entry.id in own_ids and entry.id not in config.severity:
            severity = entry.severity
        edit = config.edits.get(entry.id)
        if edit is not None:
            entry = edit.applied_to(entry)
        entries.append(dataclasses.replace(entry, severity=severity))
    return Glossary(entries=tuple(entries))
