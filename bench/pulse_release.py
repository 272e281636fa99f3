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
import resource
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from support.pulse_data import build, setup  # noqa: E402


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
        setup(Path(home))
        from village.pulse.models import Response

        started = time.perf_counter()
        made = build(members=members, rounds=rounds, churn=churn, seed=8)
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
