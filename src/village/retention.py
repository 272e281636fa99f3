"""How long raw anonymous text is kept.

Each partnership sets its retention period (``Partnership.retention_days``); the server's
``VILLAGE_RETENTION_DAYS`` is the longest any partnership may keep it. The period is counted
from when a circle or check-in closed. The worker deletes the text once a day
(``village.worker.DAILY``); themes, counts, actions and released figures stay.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from village.people.models import Partnership


def retention_days(partnership: Partnership) -> int:
    return min(partnership.retention_days, int(settings.VILLAGE["RETENTION_DAYS"]))


def retention_cutoff(*, partnership: Partnership, now: datetime) -> datetime:
    """Anything that closed before this has passed the partnership's retention period."""
    return now - timedelta(days=retention_days(partnership))
