"""A project's theory of change exported as Kumu CSV and imported into another project is the
same theory; a file that cannot be imported writes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from tests.hub.conftest import People, build_theory
from village.engines.theory import connections_csv, elements_csv
from village.hub import selectors, services
from village.hub.models import Connection, Element, Project
from village.hub.policy import HubError
from village.people.models import Agency


def _empty_project(people: People, agency: Agency) -> Project:
    return services.project_create(
        partnership=agency.partnership,
        actor=people.facilitator,
        title="Copy",
        kind="existing",
        started_on=date(2026, 3, 1),
        agencies=[agency],
    )


def test_a_round_trip_through_kumu_files_loses_nothing(
    project: Project, people: People, agency: Agency
) -> None:
    built = build_theory(project, people.lead)
    services.evidence_set(assumption=built.assumption, actor=people.lead, evidence="supported")
    indicator = services.element_add(
        project=project,
        actor=people.lead,
        kind="indicator",
        label='=HYPERLINK("http://evil.example")',
        description="Line one,\nline two",
    )
    services.connection_add(
        project=project, actor=people.lead, source=indicator, target=built.assumption
    )
    theory = selectors.theory_of(project=project)
    elements, connections = elements_csv(theory), connections_csv(theory)
    assert "'=HYPERLINK" in elements

    copy = _empty_project(people, agency)
    services.theory_import(
        project=copy,
        actor=people.facilitator,
        elements=elements.encode(),
        connections=connections.encode(),
    )
    assert selectors.theory_of(project=copy) == theory
    again = selectors.theory_of(project=copy)
    assert (elements_csv(again), connections_csv(again)) == (elements, connections)


def test_an_import_into_a_theory_already_begun_is_refused(project: Project, people: People) -> None:
    build_theory(project, people.lead)
    theory = selectors.theory_of(project=project)
    with pytest.raises(HubError, match="already has a theory of change"):
        services.theory_import(
            project=project,
            actor=people.lead,
            elements=elements_csv(theory).encode(),
            connections=connections_csv(theory).encode(),
        )
    assert Element.objects.filter(project=project).count() == 3


@pytest.mark.parametrize(
    ("elements", "connections", "words"),
    [
        (b"", b"From,To\n", "empty"),
        ("Label,Type\nCaf\u00e9,Activity\n".encode("cp1252"), b"From,To\n", "UTF-8"),
        (b"Label,Type\nTalk,Activity\nHeard,Outcome\n", b"From,To\nTalk,Nowhere\n", "Nowhere"),
        (b"Label,Type\nTalk,Activity\nHeard,Outcome\n", b"From,To\nHeard,Talk\n", "cannot"),
    ],
)
def test_a_bad_file_writes_nothing(
    people: People, agency: Agency, elements: bytes, connections: bytes, words: str
) -> None:
    copy = _empty_project(people, agency)
    with pytest.raises(HubError, match=words):
        services.theory_import(
            project=copy, actor=people.facilitator, elements=elements, connections=connections
        )
    assert not Element.objects.filter(project=copy).exists()
    assert not Connection.objects.filter(project=copy).exists()
