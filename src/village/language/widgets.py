"""Text boxes that carry the language hints panel with them, so any form gets live hints by
choosing the widget: the panel follows the box wherever the form is drawn. The hints use the
glossary of the partnership the page is drawn for (see :mod:`.middleware`)."""

from __future__ import annotations

from typing import Any

from django import forms

from village.language import selectors
from village.language.middleware import current_partnership_id, page_token


class _Hinted:
    """Adds the panel's context. When a form comes back after a post (and so always without
    JavaScript) the panel already holds the hints for the words sent; `handed_back` says the
    post was held once for them (village.language.after_post), so the next goes as it is."""

    handed_back = False

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(name, value, attrs)  # type: ignore[misc]
        text = context["widget"]["value"] or ""
        context["hints"] = (
            selectors.hints_for(text=str(text), partnership_id=current_partnership_id())
            if text
            else []
        )
        context["handed_back"] = self.handed_back
        context["page_glossary"] = page_token()
        return context


class HintedTextarea(_Hinted, forms.Textarea):
    template_name = "language/widgets/hinted_textarea.html"


class HintedTextInput(_Hinted, forms.TextInput):
    template_name = "language/widgets/hinted_input.html"
