"""Pulse report pages with many large released rounds: p50 and p95 per page.

    python bench/pulse_pages.py           # ten released rounds of 20,000 members each
    python bench/pulse_pages.py --small   # three rounds of 600 members (CI, under a minute)

Everything runs in this one process on SQLite in a temporary VILLAGE_HOME. The partnership,
its members and every round's rows are built as bench/pulse_release.py builds them
(bench/support/pulse_data.py); every round is then released oldest first through the
worker's own release (``services.round_release``), so each report stores its trends summary
beside it, exactly as in production.

Then a partner lead asks for each page through Django's test client (the whole middleware
stack and templates, no network): the report (first and a later page of comments), the
report within the largest agency (the agency filter), the print view, the CSV and the trends
page. Each is asked for a few times to warm up, then timed; the bench prints p50, p95 and
the size of each page. No timing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from support.pulse_data import build, setup  # noqa: E402


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _time(get: Callable[[], object], repeats: int) -> tuple[list[float], int]:
    for _ in range(2):
        get()
    times, size = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        response = get()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code  # type: ignore[attr-defined]
        size = len(response.content)  # type: ignore[attr-defined]
    return times, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="a CI-sized run")
    args = parser.parse_args()
    members, rounds, churn, repeats = (600, 2, 30, 5) if args.small else (20_000, 9, 300, 40)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    with tempfile.TemporaryDirectory(prefix="village-bench-") as home:
        setup(Path(home))
        from collections import Counter

        from django.test import Client
        from django.urls import reverse

        from village.people.models import Member, Role
        from village.pulse.models import ReleasedReport, Response
        from village.pulse.services import round_release

        started = time.perf_counter()
        made = build(members=members, rounds=rounds, churn=churn, seed=8)
        print(
            f"built {len(made)} rounds of {members:,} members, "
            f"{Response.objects.count():,} responses in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        for round_ in made:
            assert round_release(round_=round_)
        print(f"released {len(made)} rounds in {time.perf_counter() - started:.1f} s")

        latest = made[-1]
        data = ReleasedReport.objects.get(round=latest).data
        comments = len(data["comments"]["cells"][0]["comments"])
        biggest = Counter(
            Response.objects.filter(round=latest).values_list("attributes__agency", flat=True)
        ).most_common(1)[0][0]
        lead = Member.objects.filter(partnership=latest.partnership).first()
        assert lead is not None
        Member.objects.filter(pk=lead.pk).update(roles=[Role.PARTNER_LEAD])
        client = Client()
        client.force_login(lead.user, backend="allauth.account.auth_backends.AuthenticationBackend")
        report = reverse("pulse:report", kwargs={"pk": latest.pk})
        pages: dict[str, Callable[[], object]] = {
            "report": lambda: client.get(report),
            "report, comments page 2": lambda: client.get(report, {"page": 2}),
            "report within one agency": lambda: client.get(report, {"agency": biggest}),
            "print view": lambda: client.get(
                reverse("pulse:report_print", kwargs={"pk": latest.pk})
            ),
            "CSV": lambda: client.get(reverse("pulse:report_csv", kwargs={"pk": latest.pk})),
            "trends": lambda: client.get(reverse("pulse:trends")),
        }
        print(
            f"latest report: {comments:,} comments, {len(json.dumps(data)) / 2**20:.1f} MB of "
            f"JSON; {len(made)} released rounds; {repeats} timed requests a page"
        )
        print(f"{'page':<28}{'p50 ms':>9}{'p95 ms':>9}{'size KB':>10}")
        for name, get in pages.items():
            times, size = _time(get, repeats)
            print(
                f"{name:<28}{statistics.median(times):>9.0f}{_percentile(times, 0.95):>9.0f}"
                f"{size / 1024:>10.0f}"
            )


if __name__ == "__main__":
    main()
