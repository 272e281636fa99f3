"""Releasing a pulse round's report at scale, with earlier rounds in the disclosure ledger.

    python bench/pulse_release.py           # 20,000 members, ten earlier rounds + the latest
    python bench/pulse_release.py --small   # 600 members, three rounds (CI, under a minute)

Everything runs in this one process on SQLite in a temporary VILLAGE_HOME: the schema is
migrated, then a partnership (agencies, teams), its members, and each round's audience
snapshot, participation and response rows are written straight through the ORM with
``bulk_create`` (about 95% of those asked answer; between rounds some people leave and some
join). The earlier rounds are released in order through ``village.pulse.reports.release``,
exactly as closing a round does, so each stores its part of the ledger beside its report.

Then the latest round is released (the same call) and the bench prints: wall and CPU time;
peak memory (traced Python and numpy allocations during a second, identical release, and the
process's peak resident memory); how many audit checks were made, how many found a
disclosure, and how many were left undecided (the audit has no give-up path, so this must
be 0); and why each hidden cell was hidden. No timing is asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def _setup(home: Path) -> None:
    (home / "var").mkdir(parents=True, exist_ok=True)
    os.environ["VILLAGE_HOME"] = str(home)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "village.config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _build(*, members: int, rounds: int, churn: int, seed: int) -> list:  # type: ignore[type-arg]
    """The partnership, its people and every round's rows; returns the rounds, oldest first."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from village.people.models import (
        Agency,
        CareerStage,
        Constituency,
        Member,
        Partnership,
        Role,
        Sector,
        Team,
    )
    from village.pulse.models import NO_TEAM, AudienceSnapshot, Participation, Response, Round
    from village.pulse.reports import measures_for
    from village.pulse.services import DEFAULT_INSTRUMENTS, REPORT_ROLE_ORDER

    rng = random.Random(seed)
    partnership = Partnership.objects.create(name="Bench partnership", slug="bench")
    sectors = list(Sector.values)
    agencies = Agency.objects.bulk_create(
        Agency(partnership=partnership, name=f"Agency {i}", sector=sectors[i % len(sectors)])
        for i in range(20)
    )
    teams = {
        agency.pk: Team.objects.bulk_create(
            Team(partnership=partnership, agency=agency, name=f"Team {j}")
            for j in range(rng.randint(4, 14))
        )
        for agency in agencies
    }
    weights = [rng.uniform(0.5, 3.0) for _ in agencies]
    total = members + churn * rounds
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench-{i}@example.org", email=f"bench-{i}@example.org")
        for i in range(total)
    )
    roles = list(REPORT_ROLE_ORDER)
    role_weights = [80, 8, 4, 4, 2, 2]
    stages = [*CareerStage.values, ""]
    people = []
    for user in users:
        agency = rng.choices(agencies, weights)[0]
        team_list = teams[agency.pk]
        team = rng.choices(team_list, [1 / (k + 1) ** 1.2 for k in range(len(team_list))])[0]
        people.append(
            Member(
                partnership=partnership,
                user=user,
                display_name=user.username,
                roles=[rng.choices(roles, role_weights)[0]],
                constituency=Constituency.FRONTLINE,
                agency=agency,
                team=team,
                career_stage=rng.choices(stages, [25, 55, 10, 10])[0],
            )
        )
    people = Member.objects.bulk_create(people)
    sector_of = {a.pk: a.sector for a in agencies}
    measures = measures_for(DEFAULT_INSTRUMENTS)
    now = timezone.now()
    made = []
    for number in range(rounds + 1):
        start = number * churn  # each round, the first `churn` people left and new ones joined
        audience = people[start : start + members]
        round_ = Round.objects.create(
            partnership=partnership,
            title=f"Round {number + 1}",
            instruments=list(DEFAULT_INSTRUMENTS),
            comment_question="Anything else?",
            round_code=f"BENCH{number:04d}",
            opens_at=now - timedelta(days=30 * (rounds + 1 - number)),
            closes_at=now - timedelta(days=30 * (rounds - number) + 1),
            opened=True,
            closed=True,
        )
        snapshots = []
        answered = []
        responses = []
        for member in audience:
            attributes = {
                "agency": str(member.agency_id),
                "sector": sector_of[member.agency_id],
                "role": member.roles[0] if member.roles[0] in Role.values else "unknown",
                "career_stage": member.career_stage or "unknown",
                "team": str(member.team_id) if member.team_id else NO_TEAM,
            }
            snapshots.append(AudienceSnapshot(round=round_, member=member, **attributes))
            if rng.random() < 0.95:
                answered.append(Participation(round=round_, member=member, completed=True))
                responses.append(
                    Response(
                        round=round_,
                        submitted_on=round_.opens_at.date(),
                        attributes={"audience": "member", **attributes},
                        scores={
                            m.key: round(rng.uniform(m.minimum, m.maximum), 4) for m in measures
                        },
                        comment="A comment" if rng.random() < 0.2 else "",
                    )
                )
        rng.shuffle(responses)
        AudienceSnapshot.objects.bulk_create(snapshots, batch_size=2000)
        Participation.objects.bulk_create(answered, batch_size=2000)
        Response.objects.bulk_create(responses, batch_size=2000)
        made.append(round_)
    return made


def _release(round_):  # type: ignore[no-untyped-def]
    from village.pulse.models import ReleasedReport
    from village.pulse.reports import release

    released = release(round_)
    ReleasedReport.objects.create(round=round_, data=released.data, audiences=released.audiences)
    round_.released = True
    round_.save(update_fields=["released"])
    return released.data


def _hidden(data) -> Counter[str]:  # type: ignore[no-untyped-def]
    reasons: Counter[str] = Counter()
    for table in [*data["tables"], *data["rates"]]:
        for cell in [table["total"], *table["cells"]]:
            reasons[cell["reason"] or "shown"] += 1
    return reasons


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="a CI-sized run")
    args = parser.parse_args()
    members, rounds, churn = (600, 2, 30) if args.small else (20_000, 10, 300)
    with tempfile.TemporaryDirectory(prefix="village-bench-") as home:
        _setup(Path(home))
        from village.pulse.models import Response

        started = time.perf_counter()
        made = _build(members=members, rounds=rounds, churn=churn, seed=8)
        print(
            f"built {members:,} members a round, {len(made)} rounds, "
            f"{Response.objects.count():,} responses in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        for earlier in made[:-1]:
            _release(earlier)
        print(f"released {len(made) - 1} earlier rounds in {time.perf_counter() - started:.1f} s")

        latest = made[-1]
        wall, cpu = time.perf_counter(), time.process_time()
        data = _release(latest)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        from village.pulse.models import ReleasedReport
        from village.pulse.reports import release

        ReleasedReport.objects.filter(round=latest).delete()
        tracemalloc.start()
        again = release(latest).data
        _, traced = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert again["tables"] == data["tables"], "a release must not depend on when it runs"
        audit = data["audit"]
        responses = Response.objects.filter(round=latest).count()
        print(
            f"latest round: {responses:,} responses, "
            f"{audit['earlier_groups']:,} groups in the ledger"
        )
        print(f"release: {wall:.2f} s wall, {cpu:.2f} s CPU")
        print(
            f"peak memory: {traced / 2**20:.0f} MB traced during the release; "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB process peak"
        )
        print(
            f"audit checks: {audit['checks']:,}, disclosures found: {audit['breaches']:,}, "
            f"gave up: {audit['undecided']}"
        )
        print("cells:", ", ".join(f"{k} {v:,}" for k, v in sorted(_hidden(data).items())))


if __name__ == "__main__":
    main()
