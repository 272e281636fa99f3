"""The data the pulse benchmarks share: a partnership, its members and many rounds' rows.

Written straight through the ORM with ``bulk_create`` (about 95% of those asked answer;
between rounds some people leave and some join), so a benchmark starts from a realistic
partnership in seconds instead of submitting every answer through the pages.
"""

from __future__ import annotations

import os
import random
from datetime import timedelta
from pathlib import Path

WORDS = ("workload", "handover", "supervision", "parents", "school", "referral", "trust")


def comment(rng: random.Random) -> str:
    """A made-up comment of a realistic length (about 20 words)."""
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30))).capitalize() + "."


def setup(home: Path) -> None:
    """Point Django at a fresh SQLite database under ``home`` and migrate it."""
    (home / "var" / "static").mkdir(parents=True, exist_ok=True)
    os.environ["VILLAGE_HOME"] = str(home)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "village.config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def build(*, members: int, rounds: int, churn: int, seed: int) -> list:  # type: ignore[type-arg]
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
                        comment=comment(rng) if rng.random() < 0.25 else "",
                    )
                )
        rng.shuffle(responses)
        AudienceSnapshot.objects.bulk_create(snapshots, batch_size=2000)
        Participation.objects.bulk_create(answered, batch_size=2000)
        Response.objects.bulk_create(responses, batch_size=2000)
        made.append(round_)
    return made
