"""Language hints after posting, for a page without JavaScript.

With JavaScript, the panel beside a hinted box shows its hints while the person types, and
hints.js marks the form (the hidden ``hints_shown``) when the panel is up to date with every
box as it is sent. Without it, the first post whose boxes hold flagged words comes back once,
words kept and hints shown, instead of being saved; the form then carries ``confirmed``, and
the next post goes as it is. A page's own checks (identifying details, say) use the same one
look, so a post is never handed back twice. Nothing about the hints is kept or logged: they
are worked out again from the words each time.
"""

from __future__ import annotations

from typing import ClassVar

from django import forms
from django.http import QueryDict

from village.language import selectors
from village.language.middleware import current_partnership_id
from village.language.widgets import HintedTextarea, HintedTextInput

CONFIRMED = "confirmed"
HINTS_SHOWN = "hints_shown"
_MARKS = (CONFIRMED, HINTS_SHOWN)
_HINTED = HintedTextarea | HintedTextInput


class HintsOnceForm(forms.Form):
    """A form whose hinted boxes show their hints once before a post is kept."""

    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    hints_shown = forms.BooleanField(
        required=False, widget=forms.HiddenInput(attrs={"data-hints-shown": ""})
    )
    # Boxes whose hints a page shows in its own panel rather than through a hinted widget.
    hinted_fields: ClassVar[tuple[str, ...]] = ()

    def _clean_fields(self) -> None:
        """The marks are read here, never passed on to a service with the words."""
        super()._clean_fields()  # type: ignore[misc]
        self._marks = {name: bool(self.cleaned_data.pop(name, False)) for name in _MARKS}

    @property
    def changed_data(self) -> list[str]:
        """The marks are not a change: a blank extra form in a formset stays blank."""
        return [name for name in super().changed_data if name not in _MARKS]

    @property
    def handed_back(self) -> bool:
        """Whether this form came back once already, so the next post goes as it is."""
        field = self.fields[CONFIRMED]
        return bool(self.is_bound and field.to_python(self[CONFIRMED].data))

    def unseen_hints(self) -> bool:
        """Whether a hinted box holds flagged words the writer has not been shown yet."""
        if self._marks[HINTS_SHOWN]:
            return False
        return any(
            selectors.hints_for(text=text, partnership_id=current_partnership_id())
            for name, field in self.fields.items()
            if isinstance(field.widget, _HINTED) or name in self.hinted_fields
            if isinstance(text := self.cleaned_data.get(name), str) and text
        )

    def hand_back(self) -> None:
        """Mark the form as shown once: drawn again, it carries the mark to the next post."""
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        data[self.add_prefix(CONFIRMED)] = "True"
        self.data = data
        for field in self.fields.values():
            if isinstance(field.widget, _HINTED):
                field.widget.handed_back = True


def hold_once(*forms_: HintsOnceForm, found: bool = False) -> bool:
    """Whether a valid post should come back once instead of being kept: a hinted box holds
    words whose hints the writer has not seen, or the page's own checks `found` something.
    It never holds a post that came back once already; when it holds, every form is marked."""
    if any(form._marks[CONFIRMED] for form in forms_):
        return False
    if not found and not any(form.unseen_hints() for form in forms_):
        return False
    for form in forms_:
        form.hand_back()
    return True
