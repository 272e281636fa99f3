"""Load on one brave conversation: many people voting through the web while the worker keeps
the results up to date.

    python bench/conversation_load.py                 # 1,000 people x 60 s on PostgreSQL
    python bench/conversation_load.py --small         # 20 people x 10 s (CI)
    python bench/conversation_load.py --participants 300 --seconds 30 --db sqlite

The script makes a throwaway database (PostgreSQL on 127.0.0.1:5432 as postgres; SQLite in a
temporary directory when PostgreSQL is not reachable, or with --db sqlite), migrates it,
loads the demo partnership (its conversation has 40 statements and about 2,000 votes), makes
an unlimited link for each invited group, and computes the results once. Then it starts
gunicorn and one `village worker`, as in production, and every simulated person, with
cookies of their own like a browser of its own, opens a group's link, joins, opens the voting
page once, and every --vote-every seconds (2 by default) answers the statement shown (agree,
disagree or pass) as the page's script does: the answer goes in the background and the reply
is the next statement. A person waits for each answer before the next, as a person would.

It measures:

- how long a vote takes (the POST that saves it and brings the next statement; the voting
  page each person opens once is counted apart);
- LOST VOTES: every vote acknowledged (a 200 reply with no error in it) is looked
  for in the database afterwards, by the pseudonym the server derives from that browser's
  key; a vote acknowledged but not found is lost;
- how far behind the results are: every half second the results snapshot's vote count is
  read from the database; the lag is the age of the oldest acknowledged vote it does not
  count yet (0 when it counts them all). The maximum over the run, and the seconds until
  the results counted every vote after the run, are printed.

Targets (not asserted): 0 lost votes, vote p95 under 200 ms, results at most 10 s behind.
Nothing is asserted about timing. Everything stops by itself; the server, the worker, the
database and the temporary files are removed afterwards. Only 127.0.0.1 is contacted.
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
    worker,
)

GRACE_SECONDS = 30.0
CATCH_UP_SECONDS = 60.0
REQUEST_TIMEOUT = 30.0
SETUP_CONCURRENCY = 25
SAMPLE_EVERY = 0.5
GUNICORN_WORKERS = 3
GUNICORN_THREADS = 8
SOLO_THREADS = 16
KINDS = ("family", "frontline", "manager")

SETUP_SNIPPET = """
import json
import django
django.setup()
from village.demo import demo_load
from village.conversations import services
from village.conversations.models import Constituency, Conversation
from village.people.models import Member, Role
demo_load()
conversation = Conversation.objects.get(partnership__slug="demo")
facilitator = next(
    m for m in Member.objects.filter(partnership=conversation.partnership)
    if m.has_role(Role.FACILITATOR)
)
codes = {}
for kind in ("family", "frontline", "manager"):
    group = Constituency.objects.get(conversation=conversation, kind=kind)
    [link] = services.link_create(conversation=conversation, actor=facilitator, constituency=group)
    codes[kind] = link.code
snapshot = services.results_refresh(conversation=conversation)
print(json.dumps({"pk": conversation.pk, "codes": codes, "votes": snapshot.votes}))
"""

VERIFY_SNIPPET = """
import json, sys
import django
django.setup()
from village.conversations.keys import guest_pseudonym
from village.conversations.models import Vote
wanted = json.load(sys.stdin)
pk = wanted["pk"]
stored = set(
    Vote.objects.filter(conversation_id=pk).values_list("pseudonym", "statement_id", "value")
)
missing = 0
for key, statement, value in wanted["acknowledged"]:
    if (guest_pseudonym(conversation_id=pk, key=key), statement, value) not in stored:
        missing += 1
# One recompute as the worker does it, from nothing (a worker's first), then again after
# 1% of the votes changed (the engine's update, from the kept analysis).
import time
from django.db.models import F
from village.conversations import services
from village.conversations.models import Conversation, Voter
conversation = Conversation.objects.select_related("partnership").get(pk=pk)
began = time.perf_counter()
services.results_refresh(conversation=conversation)
cold = time.perf_counter() - began
changed = list(Vote.objects.filter(conversation_id=pk).values_list("pk", flat=True)[::100])
Vote.objects.filter(pk__in=changed).update(value=-F("value"))
began = time.perf_counter()
services.results_refresh(conversation=conversation)
warm = time.perf_counter() - began
print(json.dumps({
    "votes": len(stored), "missing": missing, "voters": Voter.objects.filter(
        conversation_id=pk).count(), "cold": cold, "warm": warm, "changed": len(changed),
}))
"""

SCALE_SNIPPET = """
import json, random, secrets, sys, time
import django
django.setup()
from django.utils import timezone
from village.conversations import selectors, services
from village.conversations.models import Constituency, Conversation, Vote, Voter
people, share = int(sys.argv[1]), 0.5
conversation = Conversation.objects.select_related("partnership").get(partnership__slug="demo")
groups = list(Constituency.objects.filter(conversation=conversation, kind__in=KINDS))
statements = list(selectors.votable_statements(conversation=conversation))
rng = random.Random(1)
today = timezone.localdate()
voters, votes = [], []
for n in range(people):
    pseudonym = secrets.token_hex(32)
    group = groups[n % len(groups)]
    voters.append(Voter(conversation=conversation, pseudonym=pseudonym, constituency=group,
                        joined_on=today))
    lean = (n % len(groups)) - 1
    for statement in rng.sample(statements, int(len(statements) * share)):
        value = rng.choice((1, 1, 0, -1, lean))
        votes.append(Vote(conversation=conversation, statement=statement, pseudonym=pseudonym,
                          value=value, voted_on=today))
Voter.objects.bulk_create(voters, batch_size=5000)
Vote.objects.bulk_create(votes, batch_size=5000)
began = time.perf_counter()
services.results_refresh(conversation=conversation)
cold = time.perf_counter() - began
extra = []
for voter in rng.sample(voters, max(1, people // 100)):
    mine = Vote.objects.filter(pseudonym=voter.pseudonym)
    voted = set(mine.values_list("statement_id", flat=True))
    extra += [Vote(conversation=conversation, statement=s, pseudonym=voter.pseudonym, value=1,
                   voted_on=today) for s in statements if s.pk not in voted][:3]
Vote.objects.bulk_create(extra)
began = time.perf_counter()
services.results_refresh(conversation=conversation)
warm = time.perf_counter() - began
total = Vote.objects.filter(conversation=conversation).count()
print(json.dumps({"voters": Voter.objects.filter(conversation=conversation).count(),
                  "votes": total, "extra": len(extra), "cold": cold, "warm": warm}))
""".replace("KINDS", repr(KINDS))

STATEMENT = re.compile(r'name="statement" value="(\d+)"')
NOT_SAVED = 'class="ds_error-summary"'
SNAPSHOT_SQL = "SELECT votes FROM conversations_resultssnapshot WHERE conversation_id = {pk}"


def browser_key() -> str:
    """A key as a browser holds one (43 URL-safe characters)."""
    alphabet = string.ascii_letters + string.digits + "-_"
    return "".join(random.choice(alphabet) for _ in range(43))


@dataclass
class Stats:
    vote_ms: list[float] = field(default_factory=list)
    page_ms: list[float] = field(default_factory=list)
    acknowledged: list[tuple[str, int, int]] = field(default_factory=list)
    acked_at: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    setup_errors: Counter[str] = field(default_factory=Counter)
    joined: int = 0
    finished_all: int = 0
    lag_samples: list[float] = field(default_factory=list)
    caught_up_after: float | None = None


class Person:
    def __init__(self, number: int, base_url: str, code: str, stats: Stats) -> None:
        self.key = browser_key()
        self.code = code
        self.stats = stats
        self.client = Browser(
            base_url,
            address=address_of(number),
            connections=1,
            timeout=REQUEST_TIMEOUT,
            cookies={"village_key": self.key},
        )
        self.vote_url = ""

    def _form(self, **fields: str) -> dict[str, str]:
        return {"csrfmiddlewaretoken": self.client.cookie("csrftoken"), **fields}

    async def setup(self) -> bool:
        join = f"/conversations/j/{self.code}/"
        try:
            page = await self.client.get(join)
            if page.status != 200:
                raise RuntimeError(f"join page {page.status}")
            token = "".join(random.choice(string.ascii_letters) for _ in range(22))
            joined = await self.client.post(join, data=self._form(agree="on", form_token=token))
            if joined.status != 302:
                raise RuntimeError(f"join {joined.status}")
            self.vote_url = joined.headers["location"]
        except Exception as error:
            self.stats.setup_errors[describe(error)] += 1
            return False
        return True

    async def vote_loop(self, start: float, until: float, every: float) -> None:
        """Open the voting page once, then answer a statement every `every` seconds as its
        script does: each answer is sent in the background and the reply is the next
        statement, so one vote is one request."""
        when = start + random.uniform(0, every)
        await asyncio.sleep(max(0.0, when - time.monotonic()))
        statement = await self.page()
        while statement and when < until:
            await asyncio.sleep(max(0.0, when - time.monotonic()))
            statement = await self.vote(statement)
            if statement is None:
                statement = await self.page()
            when = max(when + every, time.monotonic())

    async def page(self) -> int | None:
        """The voting page's statement; 0 once every statement is answered."""
        began = time.monotonic()
        try:
            page = await self.client.get(self.vote_url)
        except Exception as error:
            self.stats.errors[f"page: {describe(error)}"] += 1
            return None
        self.stats.page_ms.append((time.monotonic() - began) * 1000)
        if page.status != 200:
            self.stats.errors[f"page: HTTP {page.status}"] += 1
            return None
        return self.statement_in(page.text)

    def statement_in(self, html: str) -> int:
        found = STATEMENT.search(html)
        if found is None:
            self.stats.finished_all += 1
            return 0
        return int(found.group(1))

    async def vote(self, statement: int) -> int | None:
        """Answer one statement; the next statement (0 when none is left), or None when the
        answer was not saved."""
        value = random.choice((1, 1, 0, -1))
        sent = time.monotonic()
        try:
            response = await self.client.post(
                self.vote_url,
                data=self._form(statement=str(statement), value=str(value)),
                headers={"HX-Request": "true"},
            )
        except Exception as error:
            self.stats.errors[f"vote: {describe(error)}"] += 1
            return None
        now = time.monotonic()
        if response.status != 200:
            self.stats.errors[f"vote: HTTP {response.status}"] += 1
            return None
        if NOT_SAVED in response.text:
            self.stats.errors["vote: refused"] += 1
            return None
        self.stats.vote_ms.append((now - sent) * 1000)
        self.stats.acknowledged.append((self.key, statement, value))
        self.stats.acked_at.append(now)
        return self.statement_in(response.text)

    async def close(self) -> None:
        await self.client.close()


class Snapshot:
    """Reads the results snapshot's vote count straight from the database (read only)."""

    def __init__(self, url: str, pk: int) -> None:
        self.sql = SNAPSHOT_SQL.format(pk=int(pk))
        if url.startswith("sqlite:///"):
            import sqlite3

            self.conn: object = sqlite3.connect(
                f"file:{url[len('sqlite:///') :]}?mode=ro",
                uri=True,
                timeout=5,
                check_same_thread=False,
            )
        else:
            import psycopg

            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=5)

    def votes(self) -> int:
        row = self.conn.execute(self.sql).fetchone()  # type: ignore[attr-defined]
        return int(row[0]) if row else 0

    def close(self) -> None:
        self.conn.close()  # type: ignore[attr-defined]


def lag_at(now: float, counted: int, acked_at: list[float]) -> float:
    """Age of the oldest acknowledged vote the results do not count yet (acks in order)."""
    if counted >= len(acked_at):
        return 0.0
    return now - acked_at[max(counted, 0)]


async def watch_results(
    snapshot: Snapshot, baseline: int, stats: Stats, until: float, stop: asyncio.Event
) -> None:
    """Sample the lag every half second while votes come in, then until the results count
    every acknowledged vote (or CATCH_UP_SECONDS pass)."""
    ended_at: float | None = None
    while True:
        counted = await asyncio.to_thread(snapshot.votes) - baseline
        now = time.monotonic()
        acked = sorted(stats.acked_at)
        stats.lag_samples.append(lag_at(now, counted, acked))
        if stop.is_set():
            ended_at = ended_at or now
            if counted >= len(acked):
                stats.caught_up_after = now - ended_at
                return
            if now - ended_at > CATCH_UP_SECONDS:
                return
        await asyncio.sleep(SAMPLE_EVERY)


async def drive(
    base_url: str,
    url: str,
    setup: dict[str, object],
    participants: int,
    seconds: float,
    every: float,
) -> tuple[Stats, float]:
    stats = Stats()
    codes = setup["codes"]
    assert isinstance(codes, dict)
    people = [Person(n, base_url, codes[KINDS[n % 3]], stats) for n in range(participants)]
    gate = asyncio.Semaphore(SETUP_CONCURRENCY)

    async def set_up(person: Person) -> bool:
        async with gate:
            return await person.setup()

    snapshot = Snapshot(url, int(setup["pk"]))  # type: ignore[call-overload]
    try:
        ready = await asyncio.wait_for(
            asyncio.gather(*(set_up(p) for p in people)), timeout=120 + participants
        )
        active = [p for p, ok in zip(people, ready, strict=True) if ok]
        stats.joined = len(active)
        baseline = await asyncio.to_thread(snapshot.votes)
        start = time.monotonic()
        until = start + seconds
        stop = asyncio.Event()
        watcher = asyncio.create_task(watch_results(snapshot, baseline, stats, until, stop))
        tasks = [asyncio.create_task(p.vote_loop(start, until, every)) for p in active]
        done, pending = await asyncio.wait(tasks, timeout=seconds + GRACE_SECONDS)
        for task in pending:
            task.cancel()
        if pending:
            stats.errors["still running after the grace period (cancelled)"] += len(pending)
            await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            if task.exception() is not None:
                stats.errors[f"person crashed: {describe(task.exception())}"] += 1  # type: ignore[arg-type]
        elapsed = time.monotonic() - start
        stop.set()
        await watcher
    finally:
        snapshot.close()
        await asyncio.gather(*(p.close() for p in people), return_exceptions=True)
    return stats, max(elapsed, seconds)


@dataclass
class Result:
    kind: str
    stats: Stats
    seconds: float
    votes_in_database: int
    missing: int
    recompute: dict[str, float]
    shared_cache: bool
    load: tuple[float, float]


def bench_one(kind: str, participants: int, seconds: float, every: float) -> Result:
    home = Path(tempfile.mkdtemp(prefix=f"village-bench-conv-{kind}-"))
    (home / "var").mkdir()
    try:
        with database(kind, home) as url:
            env = server_env(url, home)
            run([*village_command(), "migrate", "--no-input", "-v", "0"], env, timeout=300)
            setup = json.loads(
                run([sys.executable, "-c", SETUP_SNIPPET], env, timeout=300).splitlines()[-1]
            )
            with shared_cache() as cache_url:
                if cache_url:
                    env["CACHE_URL"] = cache_url
                    workers, threads = GUNICORN_WORKERS, GUNICORN_THREADS
                else:
                    workers, threads = 1, SOLO_THREADS
                with server(env, home, workers, threads) as base_url, worker(env, home):
                    print(
                        f"  {kind}: gunicorn at {base_url} ({workers} x {threads} threads, "
                        f"cache {'Redis' if cache_url else 'in process'}) and one worker; "
                        f"conversation {setup['pk']} with {setup['votes']} votes; "
                        f"{participants} joining"
                    )
                    load_before = os.getloadavg()[0]
                    stats, elapsed = asyncio.run(
                        drive(base_url, url, setup, participants, seconds, every)
                    )
                    load_after = os.getloadavg()[0]
            checked = json.loads(
                run(
                    [sys.executable, "-c", VERIFY_SNIPPET],
                    env,
                    timeout=300,
                    stdin=json.dumps({"pk": setup["pk"], "acknowledged": stats.acknowledged}),
                )
            )
        return Result(
            kind=kind,
            stats=stats,
            seconds=elapsed,
            votes_in_database=checked["votes"],
            missing=checked["missing"],
            recompute=checked,
            shared_cache=bool(cache_url),
            load=(load_before, load_after),
        )
    finally:
        shutil.rmtree(home, ignore_errors=True)


def scale(kind: str, people: int) -> None:
    """Time the worker's recompute alone on a conversation with ``people`` more voters, each
    voting on half the statements (written straight to the database, not through pages)."""
    home = Path(tempfile.mkdtemp(prefix=f"village-bench-scale-{kind}-"))
    (home / "var").mkdir()
    try:
        with database(kind, home) as url:
            env = {**os.environ, "DATABASE_URL": url, "VILLAGE_HOME": str(home)}
            env["DJANGO_SETTINGS_MODULE"] = "village.config.settings"
            env["SECRET_KEY"] = "".join(random.choice(string.ascii_letters) for _ in range(50))
            run([*village_command(), "migrate", "--no-input", "-v", "0"], env, timeout=300)
            run([sys.executable, "-c", SETUP_SNIPPET], env, timeout=300)
            found = json.loads(
                run(
                    [sys.executable, "-c", SCALE_SNIPPET, str(people)], env, timeout=1800
                ).splitlines()[-1]
            )
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(
        f"\nRecompute alone, {found['voters']} voters and {found['votes']} votes on {kind}: "
        f"{found['cold']:.2f} s from nothing; {found['warm']:.2f} s after {found['extra']} more "
        "votes (the engine's update, warm start)"
    )


def report(result: Result, participants: int, seconds: float, every: float) -> None:
    s = result.stats
    name = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[result.kind]
    print(f"\n{name}: {participants} people, {seconds:g} s, a vote every {every:g} s each")
    print(f"  load average (1 min)      {result.load[0]:.2f} before, {result.load[1]:.2f} after")
    print(f"  joined                    {s.joined} of {participants}")
    if s.setup_errors:
        print(f"  setup errors              {dict(s.setup_errors)}")
    votes = len(s.acknowledged)
    print(f"  votes acknowledged        {votes}  ({votes / result.seconds:.1f} votes/s)")
    print(f"  answered every statement  {s.finished_all}")
    print(f"  {'latency (ms)':<24}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}")
    for label, values in (("vote (saving request)", s.vote_ms), ("voting page", s.page_ms)):
        row = [percentile(values, q) for q in (0.50, 0.95, 0.99)]
        row.append(max(values) if values else float("nan"))
        print(f"  {label:<24}" + "".join(f"{v:>8.0f}" for v in row))
    errors = sum(s.errors.values())
    print(f"  other errors              {errors}" + (f"  {dict(s.errors)}" if errors else ""))
    print(f"  votes in database         {result.votes_in_database}")
    print(f"  LOST VOTES                {result.missing}")
    lag = max(s.lag_samples) if s.lag_samples else float("nan")
    print(f"  RESULTS BEHIND (max)      {lag:.1f} s  ({len(s.lag_samples)} samples)")
    r = result.recompute
    print(
        f"  one recompute, after      {r['voters']:.0f} voters, {result.votes_in_database} votes: "
        f"{r['cold']:.2f} s from nothing, {r['warm']:.2f} s after {r['changed']:.0f} "
        "votes changed (warm start)"
    )
    caught = s.caught_up_after
    print(
        "  results counted every vote "
        + (f"{caught:.1f} s after the last" if caught is not None else "NOT within the wait")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--small", action="store_true", help="20 people for 10 s (CI)")
    parser.add_argument("--participants", type=int, help="default 1000 (20 with --small)")
    parser.add_argument("--seconds", type=float, help="default 60 (10 with --small)")
    parser.add_argument("--vote-every", type=float, default=2.0, help="seconds between votes")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument(
        "--recompute-at",
        type=int,
        metavar="N",
        help="instead, time the worker's recompute alone with N voters (no web load)",
    )
    args = parser.parse_args(argv)
    participants = args.participants or (20 if args.small else 1000)
    seconds = args.seconds or (10.0 if args.small else 60.0)
    kind = args.db
    if kind == "postgres" and not postgres_reachable():
        print(f"Note: PostgreSQL is not reachable at {HOST}:{PG_PORT} as {PG_USER}; using SQLite.")
        kind = "sqlite"
    if args.recompute_at:
        scale(kind, args.recompute_at)
        return 0
    print(
        f"conversation_load: {participants} people x {seconds:g} s on {kind}; "
        f"gunicorn gthread and one worker, {os.cpu_count()} CPU(s)"
    )
    result = bench_one(kind, participants, seconds, args.vote_every)
    report(result, participants, seconds, args.vote_every)
    return 1 if result.missing else 0


if __name__ == "__main__":
    sys.exit(main())
