"""`village demo`: load the demo partnership (safe to run again) and print how to sign in."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from village.circles.selectors import circles_for
from village.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, PEOPLE, demo_load
from village.people.models import role_labels
from village.pulse.selectors import rounds_for


class Command(BaseCommand):
    help = "Load the demo partnership and print the demo sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        partnership, created = demo_load()
        self.stdout.write(
            f"{'Loaded' if created else 'Already loaded'}: {partnership.name}\n"
            "Village is at http://127.0.0.1:8000\n"
            f"Demo sign-ins (password for all: {DEMO_PASSWORD}):"
        )
        for person in PEOPLE[:6]:
            self.stdout.write(f"  {person.email:<28} {', '.join(role_labels(list(person.roles)))}")
        self.stdout.write(
            "Admins also give a two-step code: run `village demo_code` for the current one,\n"
            f"or add this secret to an authenticator app: {DEMO_TOTP_SECRET}"
        )
        for circle in circles_for(partnership=partnership).exclude(phase="ended"):
            self.stdout.write(f"Join code for '{circle.title}': {circle.join_code}")
        for round_ in rounds_for(partnership=partnership).filter(closed=False):
            self.stdout.write(f"Round code for check-in '{round_.title}': {round_.round_code}")
