"""Load on one circle: many participants posting reflections and polling the live list.

    python bench/circle_load.py                    # 200 participants x 60 s, SQLite and PostgreSQL
    python bench/circle_load.py --small            # 20 participants x 5 s (CI), both if reachable
    python bench/circle_load.py --db sqlite --participants 50 --seconds 20
    python bench/circle_load.py --db postgres --restart-database   # restart PostgreSQL mid-run

For each database the script makes a fresh one in a temporary directory (SQLite) or a
throwaway database on 127.0.0.1:5432 (PostgreSQL, user postgres), migrates it, loads the demo
partnership and starts gunicorn on a free port on 127.0.0.1. Then every simulated participant,
with its own cookies like a browser of its own, opens the demo's open circle, joins it, checks
in and, until the time is up (its page polls from the moment it has joined, as a loaded page
does, but only requests sent in the timed window count in the figures):

- polls GET /circles/c/<code>/live/?v=<version>&s=reflect at the interval the page's poller
  names, as its HTMX does (every 2 s; less often in a circle of more than 250 people): 204
  when nothing changed, else only what changed since that version (new cards as out-of-band
  swaps, and the poller with the new version and interval, which it then polls with). A
  poll that gets the whole board again (a "resync": the cache no longer had a change) is
  counted apart;
- posts a reflection every --post-every seconds on average (jittered), each with a unique
  marker made of letters only, so nothing in it looks like a phone number, date or name, and
  a one-time form token as the page's form carries.

A post counts as saved only when it gets the 302 the reflect view sends after saving. When it
gets anything else (the 503 "not saved yet" page while the database is down, or a dropped
connection) the participant sends the same words with the same token again, as a person
would press "Send again", until it is saved or the run's grace period ends.

Each participant sends its own X-Forwarded-For address, as a load balancer would, and the
server is told to read it (VILLAGE_CLIENT_ADDRESS_HEADER): otherwise every simulated guest
would share 127.0.0.1 and the per-client limits would, rightly, refuse most of them. When
redis-server and the redis package are here, the app processes share a Redis cache (form
tokens and limits are then shared, as in production with several processes); otherwise one
process with more threads keeps them in its own memory.

With --restart-database (PostgreSQL only) the database server is restarted half way through
(pg_ctlcluster ... restart). Afterwards the database is read directly (through the ORM in a
subprocess) and every post's marker is looked for: a saved post not found is a LOST POST, a
post never confirmed but found is STORED BUT UNACKNOWLEDGED, and a marker found twice is a
DUPLICATE. All three must be 0.

Nothing is asserted about timing. Everything stops by itself: the timed window, a grace period
for requests still in flight, and hard timeouts on the server start and the checks; the server,
the database and the temporary files are removed afterwards. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import string
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from support.browser import Browser, address_of
from support.load import (
    HOST,
    PG_PORT,
    PG_USER,
    database,
    describe,
    percentile,
    postgres_reachable,
    run,
    server,
    server_env,
    shared_cache,
    village_command,
)

POLL_EVERY = 2.0
GRACE_SECONDS = 30.0
REQUEST_TIMEOUT = 30.0
SETUP_CONCURRENCY = 25
# 2 cores: three processes keep both cores busy while one waits; eight threads each cover the
# time requests spend waiting on the database (SQLite's write lock, PostgreSQL round trips).
# Without a shared cache, one process (so one memory for form tokens and limits).
GUNICORN_WORKERS = 3
GUNICORN_THREADS = 8
SOLO_THREADS = 16

SETUP_SNIPPET = """
import django
django.setup()
from village.demo import demo_load
from django.db.models import Count
from village.circles.models import Circle, Phase
demo_load()
# The demo's open circle: the one with reflections (a learning space's circle is open too).
circle = (
    Circle.objects.filter(partnership__slug="demo", phase=Phase.REFLECT)
    .annotate(reflection_count=Count("reflections"))
    .order_by("-reflection_count")
    .first()
)
print(circle.join_code)
"""

VERIFY_SNIPPET = """
import json, sys
import django
django.setup()
from village.circles.models import Reflection
code = sys.argv[1]
wanted = json.load(sys.stdin)
texts = list(Reflection.objects.filter(circle__join_code=code).values_list("text", flat=True))
found = set()
seen = {}
marker = __import__("re").compile(r"\\bmark[a-z]+\\b")
for text in texts:
    for m in marker.findall(text):
        found.add(m)
        seen[m] = seen.get(m, 0) + 1
print(json.dumps({
    "reflections": len(texts),
    "missing": sorted(m for m in wanted["acknowledged"] if m not in found),
    "stored_unacknowledged": sum(1 for m in wanted["unacknowledged"] if m in found),
    "duplicates": sum(n - 1 for n in seen.values() if n > 1),
}))
"""


def letters(number: int) -> str:
    """A number written in lowercase letters only (a, b, ..., z, ba, bb, ...)."""
    digits = string.ascii_lowercase
    out = digits[number % 26]
    number //= 26
    while number:
        out = digits[number % 26] + out
        number //= 26
    return out


@dataclass
class Stats:
    poll_ms: list[float] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)
    saved_ms: list[float] = field(default_factory=list)
    retried_saved_ms: list[float] = field(default_factory=list)
    retries: int = 0
    not_saved_yet_pages: int = 0
    polls_changed: int = 0
    polls_unchanged: int = 0
    polls_resync: int = 0
    polls_while_joining: int = 0
    changed_bytes: list[int] = field(default_factory=list)
    posts_ok: int = 0
    acknowledged: list[str] = field(default_factory=list)
    unacknowledged: list[str] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    setup_errors: Counter[str] = field(default_factory=Counter)
    joined: int = 0
    poll_seconds: Counter[float] = field(default_factory=Counter)
    # When each timed request was sent, in seconds from the start of the run, in the same
    # order as post_ms and poll_ms: a slow spell shows when it happened.
    post_at: list[float] = field(default_factory=list)
    poll_at: list[float] = field(default_factory=list)


def restart_postgres() -> float:
    """Restart the local PostgreSQL cluster; the seconds until it accepts connections again."""
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    began = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    while not postgres_reachable():
        time.sleep(0.1)
    return time.monotonic() - began


# --- the participants ---------------------------------------------------------------------


VERSION = re.compile(r"[?&]v=(\d+)")
POLL_INTERVAL = re.compile(r'hx-trigger="every (\d+)s')
PROMPT = re.compile(r'<option value="(\d+)"')


@dataclass
class Window:
    """The timed part of the run: unset while participants are still joining."""

    start: float | None = None
    until: float | None = None


class Participant:
    def __init__(self, number: int, base_url: str, code: str, run_id: str, stats: Stats):
        self.number = number
        self.code = code
        self.run_id = run_id
        self.stats = stats
        self.version = "0"
        self.poll_every = POLL_EVERY
        self.prompts: list[str] = []
        self.posted = 0
        self.client = Browser(
            base_url, address=address_of(number), connections=2, timeout=REQUEST_TIMEOUT
        )

    @property
    def room(self) -> str:
        return f"/circles/c/{self.code}/"

    def _form(self, **fields: str) -> dict[str, str]:
        return {"csrfmiddlewaretoken": self.client.cookie("csrftoken"), **fields}

    async def setup(self) -> bool:
        try:
            page = await self.client.get(self.room)
            if page.status != 200:
                raise RuntimeError(f"room {page.status}")
            joined = await self.client.post(self.room + "join/", data=self._form(agree="on"))
            if joined.status != 302:
                raise RuntimeError(f"join {joined.status}")
            checked = await self.client.post(
                self.room + "check/arrive/", data=self._form(score="3", word="ready")
            )
            if checked.status != 302:
                raise RuntimeError(f"check-in {checked.status}")
            page = await self.client.get(self.room)
            if page.status != 200:
                raise RuntimeError(f"room {page.status}")
        except Exception as error:
            self.stats.setup_errors[describe(error)] += 1
            return False
        self.prompts = PROMPT.findall(page.text)
        found = VERSION.search(page.text)
        if not self.prompts or not found:
            self.stats.setup_errors["room page without a reflection form"] += 1
            return False
        self.version = found.group(1)
        self.poll_every = self._interval(page.text)
        return True

    def _interval(self, html: str) -> float:
        found = POLL_INTERVAL.search(html)
        return float(found.group(1)) if found else self.poll_every

    async def poll_loop(self, window: Window) -> None:
        """Poll as the loaded room page does, from the moment this participant has joined
        (so the first to join keep up while the rest join, as real pages would); only polls
        sent in the timed window count in the figures."""
        tick = time.monotonic() + random.uniform(0, self.poll_every)
        while window.until is None or tick < window.until:
            await asyncio.sleep(max(0.0, tick - time.monotonic()))
            began = time.monotonic()
            # Seconds into the timed window when this poll was sent; None before it began.
            offset = began - window.start if window.start is not None else None
            timed = offset is not None and offset >= 0
            try:
                response = await self.client.get(
                    self.room + "live/", params={"v": self.version, "s": "reflect"}
                )
            except Exception as error:
                self.stats.errors[f"poll: {describe(error)}"] += 1
            else:
                elapsed = (time.monotonic() - began) * 1000
                if offset is None or offset < 0:
                    self.stats.polls_while_joining += 1
                elif response.status == 204 and "HX-Refresh" not in response.headers:
                    self.stats.polls_unchanged += 1
                    self.stats.poll_ms.append(elapsed)
                    self.stats.poll_at.append(offset)
                elif response.status == 200:
                    self.stats.polls_changed += 1
                    self.stats.poll_ms.append(elapsed)
                    self.stats.poll_at.append(offset)
                    self.stats.changed_bytes.append(len(response.text.encode()))
                    if 'id="circle-board-wrap"' in response.text:
                        self.stats.polls_resync += 1
                if response.status == 200:
                    found = VERSION.search(response.text)
                    if found:
                        self.version = found.group(1)
                    self.poll_every = self._interval(response.text)
                elif response.status != 204:
                    self.stats.errors[f"poll: HTTP {response.status}"] += 1
            if timed:
                self.stats.poll_seconds[self.poll_every] += 1
            tick += self.poll_every  # like HTMX's "every Ns": the next poll N s after this one
            tick = max(tick, time.monotonic())

    async def post_loop(self, start: float, until: float, every: float) -> None:
        when = start + random.uniform(0, every)
        while when < until:
            await asyncio.sleep(max(0.0, when - time.monotonic()))
            marker = f"mark{self.run_id}q{letters(self.number)}q{letters(self.posted)}"
            self.posted += 1
            text = f"Planning visits together helps me feel less alone. {marker}"
            data = self._form(
                prompt=random.choice(self.prompts),
                text=text,
                form_token="".join(random.choice(string.ascii_letters) for _ in range(22)),
            )
            if await self.send(data, start, until + GRACE_SECONDS / 2):
                self.stats.acknowledged.append(marker)
            else:
                self.stats.unacknowledged.append(marker)
            when += random.uniform(0.5 * every, 1.5 * every)
            when = max(when, time.monotonic())

    async def send(self, data: dict[str, str], start: float, give_up_at: float) -> bool:
        """Post until saved, as a person presses "Send again": the same words, the same token."""
        began = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            sent = time.monotonic()
            try:
                response = await self.client.post(self.room + "reflect/", data=data)
            except Exception as error:
                self.stats.errors[f"post: {describe(error)}"] += 1
            else:
                if response.status == 302:
                    now = time.monotonic()
                    self.stats.posts_ok += 1
                    self.stats.post_ms.append((now - sent) * 1000)
                    self.stats.post_at.append(sent - start)
                    self.stats.saved_ms.append((now - began) * 1000)
                    if attempt > 1:
                        self.stats.retried_saved_ms.append((now - began) * 1000)
                    return True
                if response.status == 503 and "Your words are still here" in response.text:
                    self.stats.not_saved_yet_pages += 1
                else:
                    kind = "identifying warning" if "identifying-warning" in response.text else ""
                    self.stats.errors[f"post: HTTP {response.status} {kind}".strip()] += 1
            if time.monotonic() > give_up_at:
                return False
            self.stats.retries += 1
            await asyncio.sleep(random.uniform(0.5, 1.5))

    async def close(self) -> None:
        await self.client.close()


async def drive(
    base_url: str,
    code: str,
    participants: int,
    seconds: float,
    post_every: float,
    restart: bool,
) -> tuple[Stats, float, float | None]:
    stats = Stats()
    run_id = "".join(random.choice(string.ascii_lowercase) for _ in range(6))
    people = [Participant(n, base_url, code, run_id, stats) for n in range(participants)]
    gate = asyncio.Semaphore(SETUP_CONCURRENCY)

    window = Window()
    tasks: list[asyncio.Task[None]] = []

    async def set_up(person: Participant) -> bool:
        async with gate:
            ready = await person.setup()
        if ready:
            tasks.append(asyncio.create_task(person.poll_loop(window)))
        return ready

    try:
        ready = await asyncio.wait_for(
            asyncio.gather(*(set_up(p) for p in people)), timeout=120 + participants
        )
        active = [p for p, ok in zip(people, ready, strict=True) if ok]
        stats.joined = len(active)
        start = window.start = time.monotonic()
        until = window.until = start + seconds
        tasks += [asyncio.create_task(p.post_loop(start, until, post_every)) for p in active]
        restarted = None
        if restart:
            await asyncio.sleep(seconds / 2)
            print(f"  restarting PostgreSQL at {seconds / 2:g} s ...")
            restarted = asyncio.create_task(asyncio.to_thread(restart_postgres))
        done, pending = await asyncio.wait(tasks, timeout=seconds + GRACE_SECONDS)
        for task in pending:
            task.cancel()
        if pending:
            stats.errors["still running after the grace period (cancelled)"] += len(pending)
            await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            if task.exception() is not None:
                stats.errors[f"participant crashed: {describe(task.exception())}"] += 1  # type: ignore[arg-type]
        elapsed = min(time.monotonic() - start, seconds + GRACE_SECONDS)
        down = await restarted if restarted is not None else None
    finally:
        await asyncio.gather(*(p.close() for p in people), return_exceptions=True)
    return stats, max(elapsed, seconds), down


# --- one database, end to end -------------------------------------------------------------


@dataclass
class Result:
    kind: str
    stats: Stats
    seconds: float
    reflections: int
    missing: list[str]
    stored_unacknowledged: int
    duplicates: int
    restart_seconds: float | None
    shared_cache: bool
    load: tuple[float, float]


def bench_one(
    kind: str, participants: int, seconds: float, post_every: float, restart: bool
) -> Result:
    home = Path(tempfile.mkdtemp(prefix=f"village-bench-{kind}-"))
    (home / "var").mkdir()
    try:
        with database(kind, home) as url:
            env = server_env(url, home)
            village = village_command()
            run([*village, "migrate", "--no-input", "-v", "0"], env, timeout=180)
            code = run([sys.executable, "-c", SETUP_SNIPPET], env, timeout=120).split()[-1]
            with shared_cache() as cache_url:
                if cache_url:
                    env["CACHE_URL"] = cache_url
                    workers, threads = GUNICORN_WORKERS, GUNICORN_THREADS
                else:
                    workers, threads = 1, SOLO_THREADS
                with server(env, home, workers, threads) as base_url:
                    print(
                        f"  {kind}: gunicorn at {base_url} ({workers} x {threads} threads, "
                        f"cache {'Redis' if cache_url else 'in process'}), circle {code}, "
                        f"{participants} joining"
                    )
                    load_before = os.getloadavg()[0]
                    stats, elapsed, down = asyncio.run(
                        drive(base_url, code, participants, seconds, post_every, restart)
                    )
                    load_after = os.getloadavg()[0]
            checked = json.loads(
                run(
                    [sys.executable, "-c", VERIFY_SNIPPET, code],
                    env,
                    timeout=120,
                    stdin=json.dumps(
                        {"acknowledged": stats.acknowledged, "unacknowledged": stats.unacknowledged}
                    ),
                )
            )
        return Result(
            kind=kind,
            stats=stats,
            seconds=elapsed,
            reflections=checked["reflections"],
            missing=checked["missing"],
            stored_unacknowledged=checked["stored_unacknowledged"],
            duplicates=checked["duplicates"],
            restart_seconds=down,
            shared_cache=bool(cache_url),
            load=(load_before, load_after),
        )
    finally:
        shutil.rmtree(home, ignore_errors=True)


TIMELINE_STEP = 10.0


def print_timeline(stats: Stats, seconds: float) -> None:
    """p95 and slowest request in each 10 s of the run, so a slow spell can be placed (the
    join burst's end, a database checkpoint) rather than only counted."""
    print(f"  {'p95 / max (ms), sent in':<24}{'posts':>16}{'polls':>16}")
    start = 0.0
    while start < seconds:
        cells = []
        for at, values in ((stats.post_at, stats.post_ms), (stats.poll_at, stats.poll_ms)):
            spell = [
                v for t, v in zip(at, values, strict=True) if start <= t < start + TIMELINE_STEP
            ]
            cells.append(f"{percentile(spell, 0.95):.0f} / {max(spell):.0f}" if spell else "none")
        label = f"{start:g}-{start + TIMELINE_STEP:g} s"
        print(f"    {label:<22}{cells[0]:>16}{cells[1]:>16}")
        start += TIMELINE_STEP


def report(result: Result, participants: int, seconds: float, post_every: float) -> None:
    s = result.stats
    name = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[result.kind]
    polls = s.polls_changed + s.polls_unchanged
    print(f"\n{name}: {participants} participants, {seconds:g} s, a post every ~{post_every:g} s")
    print(f"  load average (1 min)      {result.load[0]:.2f} before, {result.load[1]:.2f} after")
    if result.restart_seconds is not None:
        print(
            f"  database restarted        mid-run, accepting again after "
            f"{result.restart_seconds:.1f} s"
        )
    print(f"  joined and checked in     {s.joined} of {participants}")
    if s.setup_errors:
        print(f"  setup errors              {dict(s.setup_errors)}")
    print(f"  saved posts               {s.posts_ok}  ({s.posts_ok / result.seconds:.1f} posts/s)")
    print(f"  'not saved yet' pages     {s.not_saved_yet_pages}  (503, words given back)")
    print(f"  sent again                {s.retries}; {len(s.retried_saved_ms)} saved after a retry")
    print(
        f"  polls                     {polls}  ({polls / result.seconds:.1f}/s; "
        f"{s.polls_changed} with changes, {s.polls_unchanged} unchanged)"
    )
    print(f"  polls while others joined {s.polls_while_joining}  (not timed)")
    told = ", ".join(f"{n} every {every:g} s" for every, n in sorted(s.poll_seconds.items()))
    print(f"  pages were told to poll   {told or 'never'}")
    mean_bytes = sum(s.changed_bytes) / len(s.changed_bytes) if s.changed_bytes else 0
    print(
        f"  a poll with changes       {mean_bytes:,.0f} bytes on average; "
        f"{s.polls_resync} sent the whole board again"
    )
    print(f"  {'latency (ms)':<24}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}")
    for label, values in (
        ("post (saving request)", s.post_ms),
        ("post, until saved", s.saved_ms),
        ("  of those retried", s.retried_saved_ms),
        ("poll", s.poll_ms),
    ):
        row = [percentile(values, q) for q in (0.50, 0.95, 0.99)]
        row.append(max(values) if values else float("nan"))
        print(f"  {label:<24}" + "".join(f"{v:>8.0f}" for v in row))
    print_timeline(s, result.seconds)
    errors = sum(s.errors.values())
    print(f"  other errors              {errors}" + (f"  {dict(s.errors)}" if errors else ""))
    print(f"  reflections in database   {result.reflections}")
    print(f"  never confirmed           {len(s.unacknowledged)}")
    print(f"  LOST POSTS                {len(result.missing)}")
    if result.missing:
        print(f"    first missing markers: {result.missing[:5]}")
    print(f"  STORED BUT UNACKNOWLEDGED {result.stored_unacknowledged}")
    print(f"  DUPLICATES                {result.duplicates}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--small", action="store_true", help="20 participants for 5 s (CI)")
    parser.add_argument("--participants", type=int, help="default 200 (20 with --small)")
    parser.add_argument("--seconds", type=float, help="default 60 (5 with --small)")
    parser.add_argument("--post-every", type=float, default=10.0, help="mean seconds between posts")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--restart-database",
        action="store_true",
        help="restart PostgreSQL half way through (PostgreSQL only; needs pg_ctlcluster)",
    )
    args = parser.parse_args(argv)
    participants = args.participants or (20 if args.small else 200)
    seconds = args.seconds or (5.0 if args.small else 60.0)
    post_every = min(args.post_every, seconds) if args.small else args.post_every

    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if args.restart_database:
        kinds = ["postgres"]
        if not shutil.which("pg_ctlcluster") or not Path("/etc/postgresql").is_dir():
            print("--restart-database needs a local PostgreSQL cluster and pg_ctlcluster.")
            return 1
    if "postgres" in kinds and not postgres_reachable():
        if args.db == "postgres" or args.restart_database:
            print(f"PostgreSQL is not reachable at {HOST}:{PG_PORT} as {PG_USER}.")
            return 1
        print(f"Note: PostgreSQL is not reachable at {HOST}:{PG_PORT}; running SQLite only.")
        kinds.remove("postgres")

    print(
        f"circle_load: {participants} participants x {seconds:g} s on {', '.join(kinds)}"
        f"{', PostgreSQL restarted mid-run' if args.restart_database else ''}; "
        f"gunicorn gthread, {os.cpu_count()} CPU(s)"
    )
    failed = 0
    for kind in kinds:
        result = bench_one(kind, participants, seconds, post_every, args.restart_database)
        report(result, participants, seconds, post_every)
        failed += len(result.missing) + result.stored_unacknowledged + result.duplicates
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
