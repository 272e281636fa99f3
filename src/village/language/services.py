"""Every change to a partnership's glossary. Each needs an admin of that partnership and a
source, and each writes an audit log entry naming the term (never anyone's writing).

Before anything is saved the whole glossary, with the change, is read by the lens itself
(:func:`village.engines.lens.parse_config`), so a saved glossary always works in every text
box.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from village.engines.lens import GlossaryError, default_matcher, parse_config
from village.engines.lens.patterns import key as form_key
from village.errors import UserError
from village.language import policy
from village.language.models import GlossaryEntry
from village.language.selectors import glossary_settings
from village.people.models import Member, Partnership
from village.people.services import audit_record


class GlossaryChangeError(UserError):
    """A glossary change that cannot be made; the message is safe to show."""


def _check_admin(actor: Member, partnership: Partnership) -> None:
    if not policy.can_manage_glossary(member=actor, partnership=partnership):
        raise PermissionDenied


def _check_forms_free(
    *, partnership: Partnership, forms: Sequence[str], own_pk: int | None
) -> None:
    """No two entries may flag the same word: the hint would not know which to show."""
    for form in forms:
        shipped = default_matcher().entry_for(form)
        if shipped is not None:
            raise GlossaryChangeError(
                _(
                    "Village's glossary already has “%(form)s” (under “%(term)s”). "
                    "Find it in the list and change it there."
                )
                % {"form": form, "term": shipped.term}
            )
    taken = {form_key(form) for form in forms}
    others = GlossaryEntry.objects.filter(partnership=partnership, builtin="")
    if own_pk is not None:
        others = others.exclude(pk=own_pk)
    for other in others:
        if taken & {form_key(form) for form in (other.term, *other.other_forms)}:
            raise GlossaryChangeError(
                _("Your glossary already has “%(term)s”, which flags the same words.")
                % {"term": other.term}
            )


def _save(entry: GlossaryEntry, *, actor: Member, action: str) -> GlossaryEntry:
    """Save the row and its audit entry together, once the lens has read the result."""
    with transaction.atomic():
        entry.save()
        try:
            parse_config(glossary_settings(partnership_id=entry.partnership_id))
        except GlossaryError:
            raise GlossaryChangeError(
                _("Village could not use those words. Use letters, numbers, spaces and hyphens.")
            ) from None
        audit_record(partnership=entry.partnership, actor=actor, action=action, target=entry)
    return entry


def own_entry_add(
    *,
    actor: Member,
    partnership: Partnership,
    term: str,
    other_forms: Sequence[str],
    category: str,
    severity: str,
    alternatives: Sequence[str],
    reason: str,
    source_title: str,
    source_url: str,
) -> GlossaryEntry:
    """A word the partnership wants flagged that Village's glossary does not have."""
    _check_admin(actor, partnership)
    forms = list(dict.fromkeys([term, *other_forms]))
    _check_forms_free(partnership=partnership, forms=forms, own_pk=None)
    entry = GlossaryEntry(
        partnership=partnership,
        term=term,
        other_forms=forms[1:],
        category=category,
        severity=severity,
        alternatives=list(alternatives),
        reason=reason,
        source_title=source_title,
        source_url=source_url,
    )
    return _save(entry, actor=actor, action="glossary.add")


def own_entry_update(
    *,
    actor: Member,
    entry: GlossaryEntry,
    term: str,
    other_forms: Sequence[str],
    category: str,
    severity: str,
    alternatives: Sequence[str],
    reason: str,
    source_title: str,
    source_url: str,
) -> GlossaryEntry:
    """Change one of the partnership's own entries (a new source for the new words)."""
    _check_admin(actor, entry.partnership)
    if not entry.is_own:
        raise GlossaryChangeError(_("That entry is Village's. Change its kinder words instead."))
    forms = list(dict.fromkeys([term, *other_forms]))
    _check_forms_free(partnership=entry.partnership, forms=forms, own_pk=entry.pk)
    entry.term = term
    entry.other_forms = forms[1:]
    entry.category = category
    entry.severity = severity
    entry.alternatives = list(alternatives)
    entry.reason = reason
    entry.source_title = source_title
    entry.source_url = source_url
    return _save(entry, actor=actor, action="glossary.edit")


def builtin_entry_edit(
    *,
    actor: Member,
    entry: GlossaryEntry,
    alternatives: Sequence[str],
    reason: str,
    source_title: str,
    source_url: str,
) -> GlossaryEntry:
    """Put one of Village's entries in the partnership's own words, with their source."""
    _check_admin(actor, entry.partnership)
    if entry.is_own:
        raise GlossaryChangeError(_("That entry is your own. Change it on its own page."))
    entry.alternatives = list(alternatives)
    entry.reason = reason
    entry.source_title = source_title
    entry.source_url = source_url
    return _save(entry, actor=actor, action="glossary.edit")


def builtin_entry_reset(*, actor: Member, entry: GlossaryEntry) -> GlossaryEntry:
    """Use Village's own words for a shipped entry again (it stays on or off as it was)."""
    _check_admin(actor, entry.partnership)
    if not entry.is_edited:
        raise GlossaryChangeError(_("That entry already uses Village's words."))
    entry.alternatives, entry.reason, entry.source_title, entry.source_url = [], "", "", ""
    return _save(entry, actor=actor, action="glossary.reset")


def entry_turn_off(
    *, actor: Member, entry: GlossaryEntry, source_title: str, source_url: str
) -> GlossaryEntry:
    """Stop flagging an entry's words in this partnership, saying where that decision comes
    from. Turning it on again undoes it."""
    _check_admin(actor, entry.partnership)
    if not entry.is_on:
        raise GlossaryChangeError(_("That entry is already off."))
    entry.is_on = False
    entry.off_source_title = source_title
    entry.off_source_url = source_url
    return _save(entry, actor=actor, action="glossary.off")


def entry_turn_on(*, actor: Member, entry: GlossaryEntry) -> GlossaryEntry:
    """Flag an entry's words again, as they were before it was turned off."""
    _check_admin(actor, entry.partnership)
    if entry.is_on:
        raise GlossaryChangeError(_("That entry is already on."))
    entry.is_on = True
    entry.off_source_title = entry.off_source_url = ""
    return _save(entry, actor=actor, action="glossary.on")
