"""`{% hints_panel form.text %}`: the live hints panel beside a free-text box."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField

from village.language import selectors

register = template.Library()


@register.inclusion_tag("language/_hints_panel.html")
def hints_panel(field: BoundField) -> dict[str, Any]:
    """The panel for one box. When the form comes back after a post (and so always without
    JavaScript), it already holds the hints for the words sent."""
    value = field.value() if field.form.is_bound else ""
    return {
        "box": field.id_for_label,
        "findings": selectors.hints_for(text=str(value)) if value else [],
    }
