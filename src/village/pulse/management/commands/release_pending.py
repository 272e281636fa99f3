"""`village release_pending`: release what waits in the mix (safe to run at any time)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from village.pulse.tasks import release_pending


class Command(BaseCommand):
    help = "Release due batches of pending answers, and all that wait in closed rounds and circles."

    def handle(self, *args: Any, **options: Any) -> None:
        answers, circles = release_pending.call()
        self.stdout.write(f"Released {answers} pulse answers; emptied {circles} ended circles.")
