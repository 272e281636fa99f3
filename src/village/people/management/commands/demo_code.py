"""`village demo_code`: the demo admins' current two-step code, so `make run` needs no phone."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand

from village.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the demo admins' current two-step verification code."

    def handle(self, *args: Any, **options: Any) -> None:
        period = app_settings.TOTP_PERIOD
        now = int(time.time())
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, now // period))
        self.stdout.write(f"{code}  (changes in {period - now % period} seconds)")
