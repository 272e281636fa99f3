"""The worker: runs queued tasks and, on a timer, the scheduled work that is due.

Queued tasks (emails, report releases) wait in the database (django-tasks-db), so any number
of workers on any number of machines share one queue. Scheduled work runs in each worker on a
timer: ``tick`` every half minute (rounds opening and closing at their times, answers waiting
in the mix) and ``daily`` once a day (retention, and reports whose release was cut short).
Every step is an idempotent state change in short transactions (a round is opened or closed
by whichever worker's update finds it still shut or open), so workers never need to agree
on who runs what, and a stopped worker strands nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from django.db import close_old_connections

from village.circles.services import circles_release_due, text_delete_expired
from village.pulse.services import (
    comments_delete_expired,
    pending_release_due,
    rounds_close_due,
    rounds_open_due,
    rounds_release_stranded,
)

logger = logging.getLogger(__name__)

TICK_SECONDS = 30.0
DAY_SECONDS = 24 * 60 * 60.0


def tick() -> dict[str, int]:
    """Everything due now: open and close rounds, release the mix's due batches."""
    return {
        "rounds opened": rounds_open_due(),
        "rounds closed": rounds_close_due(),
        "answers released": pending_release_due(),
        "circles emptied": circles_release_due(),
    }


def daily() -> dict[str, int]:
    """Once a day: delete raw text past its retention period; queue again any release that
    a stopped worker left unfinished."""
    return {
        "check-ins whose comments were deleted": comments_delete_expired(),
        "circles whose words were deleted": text_delete_expired(),
        "releases queued again": rounds_release_stranded(),
    }


def described(done: dict[str, int]) -> str:
    return ", ".join(f"{what}: {count}" for what, count in done.items() if count)


@dataclass
class Scheduler:
    """Runs ``tick`` every ``every`` seconds and ``daily`` once a day, in a thread of the
    worker process. A failing step is logged (its type only: no contribution text) and
    tried again next time."""

    every: float = TICK_SECONDS
    stopped: threading.Event = field(default_factory=threading.Event)

    def run_once(self, *, with_daily: bool) -> dict[str, int]:
        done: dict[str, int] = {}
        steps = (tick, daily) if with_daily else (tick,)
        for step in steps:
            close_old_connections()
            try:
                done.update(step())
            except Exception as error:
                logger.error("Scheduled %s failed: %s", step.__name__, type(error).__name__)
            finally:
                close_old_connections()
        return done

    def loop(self) -> None:
        last_daily = float("-inf")
        while not self.stopped.is_set():
            due_daily = time.monotonic() - last_daily >= DAY_SECONDS
            done = self.run_once(with_daily=due_daily)
            if due_daily:
                last_daily = time.monotonic()
            if any(done.values()):
                logger.info(
                    "Scheduled work: %s", ", ".join(f"{k} {v}" for k, v in done.items() if v)
                )
            self.stopped.wait(self.every)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.loop, name="village-scheduler", daemon=True)
        thread.start()
        return thread
