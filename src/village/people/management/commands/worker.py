"""`village worker`: run queued tasks and the scheduled work (see village.worker).

Run one or more beside the web servers (README: production units). ``--once`` does the
scheduled work and every queued task once, then stops: for a test, or a cron job where a
long-running process is not wanted.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.crypto import get_random_string
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from village.worker import TICK_SECONDS, Scheduler, described


class Command(BaseCommand):
    help = "Run queued tasks, open and close rounds at their times, and apply retention."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Do the scheduled work and every queued task once, then stop.",
        )
        parser.add_argument(
            "--every",
            type=float,
            default=TICK_SECONDS,
            help="Seconds between looks for scheduled work (default %(default)s).",
        )

    def handle(self, *args: Any, once: bool, every: float, **options: Any) -> None:
        scheduler = Scheduler(every=every)
        queue = task_backends["default"]
        worker = (
            Worker(
                queue_names=list(queue.queues) or ["default"],
                interval=1.0,
                batch=once,
                backend_name="default",
                startup_delay=not once,
                max_tasks=None,
                worker_id=get_random_string(32),
                excluded_queue_names=[],
            )
            if isinstance(queue, DatabaseBackend)
            else None
        )
        if once:
            done = scheduler.run_once(with_daily=True)
            if worker is not None:
                worker.run()
            self.stdout.write(described(done) or "Nothing was due.")
            return
        if worker is None:
            self.stderr.write("The task backend is not the database: only scheduled work runs.")
            scheduler.loop()
            return
        self.stdout.write("Village worker started. Press Ctrl-C to stop.")
        scheduler.start()
        worker.configure_signals()
        worker.run()
