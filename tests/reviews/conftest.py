"""Reviews fixtures: a partnership with two agencies, a partner lead for each, a family panel
and frontline staff, a representative of each constituency, the default charter (as a draft
and published), and a review of it open for ratings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.conftest import PASSWORD, TOTP_SECRET
from village.people import services as people_services
from village.people.models import Agency, Constituency, Member, Partnership, Role
from village.reviews import services
from village.reviews.models import CharterVersion, Panel, Review, Value

QUARTER = "2026-Q3"


def person(
    partnership: Partnership,
    name: str,
    *,
    roles: list[str],
    constituency: str,
    agency: Agency | None = None,
) -> Member:
    user = people_services.user_create(
        email=f"{name.lower()}-{partnership.slug}@example.org",
        password=PASSWORD,
        email_verified=True,
    )
    if Role.ADMIN in roles:
        people_services.two_step_activate(user=user, secret=TOTP_SECRET)
    return people_services.member_create(
        partnership=partnership,
        user=user,
        display_name=name,
        roles=roles,
        constituency=constituency,
        agency=agency,
    )


@dataclass
class Partners:
    partnership: Partnership
    agencies: list[Agency]
    admin: Member
    facilitator: Member
    leads: list[Member]
    family: list[Member]
    frontline: list[Member]
    representatives: dict[str, Member]

    def panel(self, panel: str) -> list[Member]:
        return self.family if panel == Panel.FAMILY else self.frontline


@pytest.fixture
def partners(agency: Agency, facilitator: Member) -> Partners:
    partnership = agency.partnership
    health = people_services.agency_create(
        partnership=partnership, name="Northshire Health", sector="health"
    )
    agencies = [agency, health]
    admin = person(partnership, "Ada", roles=[Role.ADMIN], constituency=Constituency.MANAGER)
    leads = [
        person(
            partnership,
            f"Lead{n}",
            roles=[Role.PARTNER_LEAD],
            constituency=Constituency.MANAGER,
            agency=a,
        )
        for n, a in enumerate(agencies)
    ]
    family = [
        person(partnership, f"Family{n}", roles=[Role.FAMILY], constituency=Constituency.FAMILY)
        for n in range(8)
    ]
    frontline = [
        person(
            partnership,
            f"Frontline{n}",
            roles=[Role.STAFF],
            constituency=Constituency.FRONTLINE,
            agency=agencies[n % 2],
        )
        for n in range(8)
    ]
    representatives = {
        Constituency.FAMILY: family[0],
        Constituency.FRONTLINE: frontline[0],
        Constituency.MANAGER: leads[0],
    }
    for represents, member in representatives.items():
        services.representative_set(
            partnership=partnership, actor=admin, member=member, represents=represents
        )
    return Partners(
        partnership, agencies, admin, facilitator, leads, family, frontline, representatives
    )


@pytest.fixture
def draft(partners: Partners) -> CharterVersion:
    return services.charter_load_default(
        partnership=partners.partnership, actor=partners.facilitator
    )


@pytest.fixture
def published(draft: CharterVersion, partners: Partners) -> CharterVersion:
    return services.version_publish(version=draft, actor=partners.facilitator)


@pytest.fixture
def review(published: CharterVersion, partners: Partners) -> Review:
    return services.review_open(
        partnership=partners.partnership, actor=partners.facilitator, quarter=QUARTER
    )


def value_of(review: Review, key: str) -> Value:
    return Value.objects.get(version_id=review.version_id, key=key)


def rate_panel(review: Review, members: list[Member], scores: dict[str, int]) -> None:
    """Each member rates the values named by key with the score given."""
    ratings = {value_of(review, key).pk: score for key, score in scores.items()}
    for member in members:
        services.panel_rate(review=review, actor=member, ratings=ratings)


@pytest.fixture
def complete(partners: Partners) -> Callable[[Review], None]:
    """Every agency rates every value (4: good) and both panels rate every value (5 each)."""

    def fill(review: Review) -> None:
        values = list(Value.objects.filter(version_id=review.version_id))
        for lead in partners.leads:
            assert lead.agency is not None
            for value in values:
                services.self_rate(
                    review=review, actor=lead, agency=lead.agency, value=value, score=4
                )
        for panel in Panel.values:
            rate_panel(review, partners.panel(panel)[:5], {v.key: 5 for v in values})

    return fill
