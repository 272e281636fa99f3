"""The `village` command.

Engine commands (`lens`, `opinions`, `instruments`) run without Django or a database, so
they are dispatched before Django is configured; `village lens --partnership SLUG` sets
Django up only when it reads that partnership's glossary. Everything else is passed to
django-admin, and `village demo` loads the demo partnership.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

ENGINE_COMMANDS: dict[str, str] = {
    "lens": "village.engines.lens.cli",
    "opinions": "village.engines.opinions.cli",
    "instruments": "village.engines.instruments.cli",
}


def _django() -> None:
    """Set Django up, once: setting it up again would configure logging again, onto whatever
    stream is standard error at the time."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "village.config.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def partnership_glossary(slug: str) -> Mapping[str, Any] | None:
    """A partnership's glossary settings for `village lens --partnership`, from the database."""
    _django()
    from village.language.selectors import glossary_settings_for_slug

    return glossary_settings_for_slug(slug=slug)


def main(argv: Sequence[str] | None = None) -> int:
    """Run an engine command, or hand the arguments to django-admin."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ENGINE_COMMANDS:
        module = importlib.import_module(ENGINE_COMMANDS[args[0]])
        if args[0] == "lens":
            return int(module.main(args[1:], load_settings=partnership_glossary))
        return int(module.main(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "village.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["village", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
