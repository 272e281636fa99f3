"""Signing in on SQLite while the worker closes and releases a large check-in round.

    python bench/release_sign_ins.py           # a round of 20,000 members (about 19,000 answers)
    python bench/release_sign_ins.py --small   # 600 members (CI)

Found before the worker: closing a round of 20,000 responses held one write transaction for
80-120 s, and 3 of 4 sign-ins during it failed with "database is locked".

The round is built as bench/pulse_release.py builds it (bench/support/pulse_data.py), on
SQLite in a temporary VILLAGE_HOME, with its closing time just passed. A real worker process
(`village worker --once`) then closes it and releases its report, while this process signs
people in through Django's test client, one every fifth of a second or so (each sign-in's
Argon2 hash takes most of a core), until the worker has finished. Prints how long the
release took, how many sign-ins succeeded and failed while it ran, and their p50, p95 and
slowest times. No timing is asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from support.pulse_data import build, setup  # noqa: E402

PASSWORD = "a-long-bench-password-1"


def _task_seconds(log: str, name: str) -> float:
    """How long a task ran, from the worker's log lines when it started and finished."""
    stamps = re.findall(rf"^(\S+ \S+) INFO .*{name} state=(?:RUNNING|SUCCESSFUL)", log, re.M)
    start, end = (datetime.strptime(s, "%Y-%m-%d %H:%M:%S,%f") for s in stamps[:2])
    return (end - start).total_seconds()


def _sign_ins(emails: list[str], worker: subprocess.Popen[bytes]) -> tuple[list[float], int]:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    times: list[float] = []
    failed = [0]

    def run() -> None:
        n = 0
        while worker.poll() is None:
            client = Client(raise_request_exception=False)
            started = time.perf_counter()
            response = client.post(
                reverse("people:login"),
                {"login": emails[n % len(emails)], "password": PASSWORD},
                REMOTE_ADDR=f"10.1.{n // 250 % 250}.{n % 250 + 1}",  # people on many devices
            )
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code == 302 and "_auth_user_id" in client.session:
                times.append(elapsed)
            else:
                failed[0] += 1
            n += 1
            time.sleep(0.2)
        connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return times, failed[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="a CI-sized run")
    args = parser.parse_args()
    members = 600 if args.small else 20_000
    os.environ["ALLOWED_HOSTS"] = "testserver"
    with tempfile.TemporaryDirectory(prefix="village-bench-") as home:
        setup(Path(home))
        from django.utils import timezone

        from village.people import services as people
        from village.people.models import Constituency, Role
        from village.pulse.models import ReleasedReport, Response, Round

        (round_,) = build(members=members, rounds=0, churn=0, seed=8)
        Round.objects.filter(pk=round_.pk).update(
            closed=False, closes_at=timezone.now() - timedelta(seconds=1)
        )
        emails = []
        for i in range(8):
            email = f"signs-in-{i}@example.org"
            user = people.user_create(email=email, password=PASSWORD, email_verified=True)
            people.member_create(
                partnership=round_.partnership,
                user=user,
                display_name=f"Signs in {i}",
                roles=[Role.STAFF],
                constituency=Constituency.FRONTLINE,
            )
            emails.append(email)
        answers = Response.objects.filter(round=round_).count()
        print(f"a round of {members:,} members, {answers:,} answers, due to close")

        log = open(Path(home) / "worker.log", "w+")  # noqa: SIM115 - read after the worker ends
        started = time.perf_counter()
        worker = subprocess.Popen(
            [sys.executable, "-m", "village.cli", "worker", "--once"],
            env={**os.environ, "PYTHONPATH": str(REPO / "src")},
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        times, failed = _sign_ins(emails, worker)
        took = time.perf_counter() - started
        assert worker.returncode == 0, "the worker failed"
        round_.refresh_from_db()
        assert round_.closed and round_.released and ReleasedReport.objects.filter(round=round_)
        log.seek(0)
        print(
            f"worker closed the round and released its report in {took:.1f} s "
            f"(the release task itself: {_task_seconds(log.read(), 'release_round'):.1f} s)"
        )
        print(f"sign-ins meanwhile: {len(times)} succeeded, {failed} failed")
        if times:
            ordered = sorted(times)
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            print(
                f"sign-in time: p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, "
                f"slowest {ordered[-1]:.0f} ms"
            )


if __name__ == "__main__":
    main()
