"""The worker: runs queued tasks and, on a timer, the scheduled work that is due.

Queued tasks (emails, report releases) wait in the database (django-tasks-db), so any number
of workers on any number of machines share one queue. Scheduled work runs in each worker on a
timer: ``TICK`` every half minute (rounds opening and closing at their times, answers waiting
in the mix) and ``DAILY`` once a day (retention, and reports whose release was cut short).
Every step is an idempotent state change in short transactions (a round is opened or closed
by whichever worker's update finds it still shut or open), so workers never need to agree
on who runs what, and a stopped worker strands nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import close_old_connections

from village.circles.services import circles_release_due, text_delete_expired
from village.pulse.services import (
    comments_delete_expired,
    pending_release_due,
    rounds_close_due,
    rounds_open_due,
    rounds_release_stranded,
)
from village.reviews.services import panel_release_due

logger = logging.getLogger(__name__)

TICK_SECONDS = 30.0
DAY_SECONDS = 24 * 60 * 60.0


Step = tuple[str, Callable[[], int]]

# Every half minute: rounds open and close at their times, due batches leave the mix.
TICK: tuple[Step, ...] = (
    ("rounds opened", rounds_open_due),
    ("rounds closed", rounds_close_due),
    ("answers released", pending_release_due),
    ("circles emptied", circles_release_due),
    ("panel ratings released", panel_release_due),
)
# Once a day: raw text past its retention period goes; releases a stopped worker left
# unfinished are queued again.
DAILY: tuple[Step, ...] = (
    ("check-ins whose comments were deleted", comments_delete_expired),
    ("circles whose words were deleted", text_delete_expired),
    ("releases queued again", rounds_release_stranded),
)


def described(done: dict[str, int]) -> str:
    return ", ".join(f"{what}: {count}" for what, count in done.items() if count)


@dataclass
class Scheduler:
    """Runs ``TICK`` every ``every`` seconds and ``DAILY`` once a day, in a thread of the
    worker process. A failing step is logged (its type only: no contribution text) and
    tried again next time."""

    every: float = TICK_SECONDS

    def run_once(self, *, with_daily: bool) -> dict[str, int]:
        """Each step on its own: one that fails does not stop the others."""
        done: dict[str, int] = {}
        for what, step in (*TICK, *DAILY) if with_daily else TICK:
            close_old_connections()
            try:
                done[what] = step()
            except Exception as error:
                logger.error("Scheduled work failed (%s): %s", what, type(error).__name__)
            finally:
                close_old_connections()
        return done

    def loop(self) -> None:
        """Forever: the worker process ends it (a daemon thread stops with the process)."""
        last_daily = float("-inf")
        while True:
            due_daily = time.monotonic() - last_daily >= DAY_SECONDS
            done = self.run_once(with_daily=due_daily)
            if due_daily:
                last_daily = time.monotonic()
            if any(done.values()):
                logger.info("Scheduled work: %s", described(done))
            time.sleep(self.every)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.loop, name="village-scheduler", daemon=True)
        thread.start()
        return thread
