"""The charter and amendment pages for each person, allowed and refused: reading the charter
relationally, versions and their differences, changing and publishing a draft, naming
representatives, proposing, discussing, voting on and withdrawing amendments."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import FORBIDDEN, LOGIN, MISSING, OK, access_outcome, client_for
from tests.reviews.conftest import Partners, person
from village.people.models import Constituency, Member, Role
from village.reviews import selectors, services
from village.reviews.models import (
    Amendment,
    AmendmentState,
    CharterVersion,
    Clause,
    ClauseKind,
    Represents,
    Value,
    VersionState,
)


def _clause(version: CharterVersion, kind: str = ClauseKind.RIGHT) -> Clause:
    return Clause.objects.filter(value__version=version, kind=kind).order_by(
        "value__position", "position"
    )[0]


def _value(version: CharterVersion) -> Value:
    return Value.objects.filter(version=version).order_by("position")[0]


def _observer(partners: Partners) -> Member:
    return person(
        partners.partnership, "Olive", roles=[Role.OBSERVER], constituency=Constituency.OTHER
    )


def _stranger(other_partnership: object) -> Member:
    return person(
        other_partnership,  # type: ignore[arg-type]
        "Stranger",
        roles=[Role.FACILITATOR],
        constituency=Constituency.OTHER,
    )


# --- reading ----------------------------------------------------------------------------------


def test_every_member_reads_the_charter_relationally(
    partners: Partners, published: CharterVersion
) -> None:
    """Each value with its plain words, and each party's rights beside its responsibilities."""
    observer = _observer(partners)
    for member in (partners.family[1], partners.frontline[1], observer):
        response = client_for(member).get(reverse("reviews:charter"))
        assert response.status_code == 200
        page = response.content.decode()
        value = _value(published)
        assert value.name in page and value.plain in page
        assert "Rights" in page and "Responsibilities" in page
        assert "Leaders and commissioners" in page
    family_page = client_for(partners.family[1]).get(reverse("reviews:charter")).content.decode()
    assert "Propose a change" in family_page
    assert "Start a conversation" not in family_page
    observer_page = client_for(observer).get(reverse("reviews:charter")).content.decode()
    assert "Propose a change" not in observer_page


def test_the_charter_needs_a_sign_in_and_stays_in_its_partnership(
    partners: Partners, published: CharterVersion, other_partnership: object
) -> None:
    assert access_outcome(client_for(None).get(reverse("reviews:charter"))) == LOGIN
    stranger = client_for(_stranger(other_partnership))
    assert access_outcome(stranger.get(reverse("reviews:version", args=[published.pk]))) == MISSING
    page = stranger.get(reverse("reviews:charter")).content.decode()
    assert _value(published).plain not in page


def test_with_no_charter_a_facilitator_loads_the_default_and_others_cannot(
    partners: Partners,
) -> None:
    page = client_for(partners.family[1]).get(reverse("reviews:charter")).content.decode()
    assert "no published charter" in page and "Start from the default" not in page
    refused = client_for(partners.family[1]).post(reverse("reviews:load_default"))
    assert refused.status_code == 302
    assert selectors.charter_of(partnership=partners.partnership) is None
    assert client_for(partners.facilitator).get(reverse("reviews:load_default")).status_code == 405
    response = client_for(partners.facilitator).post(reverse("reviews:load_default"))
    charter = selectors.charter_of(partnership=partners.partnership)
    assert charter is not None
    draft = selectors.draft_of(charter=charter)
    assert draft is not None
    assert response["Location"] == reverse("reviews:draft", args=[draft.pk])
    assert Value.objects.filter(version=draft).count() == 8


def test_versions_and_their_differences_in_words(
    partners: Partners, published: CharterVersion
) -> None:
    draft = services.draft_start(version=published, actor=partners.facilitator)
    clause = _clause(draft)
    services.clause_update(
        clause=clause, actor=partners.facilitator, parties=clause.parties, text="Brand new words."
    )
    services.version_publish(version=draft, actor=partners.facilitator)
    reader = client_for(partners.family[1])
    listing = reader.get(reverse("reviews:versions")).content.decode()
    assert "Version 1" in listing and "Version 2" in listing
    page = reader.get(reverse("reviews:differences"), {"old": 1, "new": 2}).content.decode()
    assert '<ins><span class="village-visually-hidden">added: </span>Brand new words.</ins>' in page
    assert '<del><span class="village-visually-hidden">removed: </span>' in page
    assert "struck through" in page
    same = reader.get(reverse("reviews:differences"), {"old": 2, "new": 2}).content.decode()
    assert "Nothing changed" in same


@pytest.mark.parametrize(
    "query", [{"old": "1", "new": "99"}, {"old": "x", "new": "' OR 1=1 --"}, {}, {"old": "1" * 500}]
)
def test_differences_with_nonsense_versions_say_so(
    partners: Partners, published: CharterVersion, query: dict[str, str]
) -> None:
    response = client_for(partners.family[1]).get(reverse("reviews:differences"), query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose" in page or "There is a problem" in page or not query


# --- the draft --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "outcome"),
    [("facilitator", OK), ("admin", OK), ("lead", FORBIDDEN), ("family", FORBIDDEN)],
)
def test_changing_a_value_is_for_those_who_run_reviews(
    partners: Partners, draft: CharterVersion, who: str, outcome: str
) -> None:
    member = {
        "facilitator": partners.facilitator,
        "admin": partners.admin,
        "lead": partners.leads[0],
        "family": partners.family[1],
    }[who]
    value = _value(draft)
    client = client_for(member)
    for name, pk in (
        ("reviews:value_add", draft.pk),
        ("reviews:value_edit", value.pk),
        ("reviews:value_remove", value.pk),
        ("reviews:clause_add", value.pk),
        ("reviews:clause_edit", _clause(draft).pk),
        ("reviews:clause_remove", _clause(draft).pk),
        ("reviews:publish", draft.pk),
    ):
        assert access_outcome(client.get(reverse(name, args=[pk]))) == outcome, name
    response = client.post(
        reverse("reviews:value_edit", args=[value.pk]),
        {"name": "Renamed", "description": "D.", "plain": "P."},
    )
    value.refresh_from_db()
    assert (value.name == "Renamed") == (outcome == OK)
    assert response.status_code in (302, 403)


def test_a_facilitator_adds_and_removes_values_and_clauses_with_confirmation(
    partners: Partners, draft: CharterVersion
) -> None:
    client = client_for(partners.facilitator)
    response = client.post(
        reverse("reviews:value_add", args=[draft.pk]),
        {
            "name": "Listening",
            "description": "We listen first.",
            "plain": "We listen to you.",
            "principles": "Hear\n\nHear again\n",
            "assumptions": "",
            "foundations": ["voice", "family"],
        },
    )
    assert response.status_code == 302
    value = Value.objects.get(version=draft, name="Listening")
    assert value.principles == ["Hear", "Hear again"] and value.foundations == ["voice", "family"]
    client.post(
        reverse("reviews:clause_add", args=[value.pk]),
        {"kind": "right", "parties": ["families"], "text": "To be heard."},
    )
    clause = Clause.objects.get(value=value)
    assert clause.parties == ["families"]
    confirm = client.get(reverse("reviews:clause_remove", args=[clause.pk]))
    assert "Remove this right?" in confirm.content.decode()
    assert Clause.objects.filter(pk=clause.pk).exists()
    client.post(reverse("reviews:clause_remove", args=[clause.pk]))
    assert not Clause.objects.filter(pk=clause.pk).exists()
    assert (
        "Remove this value"
        in client.get(reverse("reviews:value_remove", args=[value.pk])).content.decode()
    )
    client.post(reverse("reviews:value_remove", args=[value.pk]))
    assert not Value.objects.filter(pk=value.pk).exists()


def test_publishing_is_refused_with_the_missing_responsibilities_in_words(
    partners: Partners, draft: CharterVersion
) -> None:
    value = _value(draft)
    Clause.objects.filter(value=value, kind=ClauseKind.RESPONSIBILITY).delete()
    client = client_for(partners.facilitator)
    page = client.get(reverse("reviews:publish", args=[draft.pk])).content.decode()
    assert "It cannot be published yet" in page
    assert f"{value.name}: Families have a right but no responsibility." in page
    response = client.post(reverse("reviews:publish", args=[draft.pk]), {})
    assert "Every right needs a responsibility" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == VersionState.DRAFT


def test_publishing_asks_to_acknowledge_the_lens(partners: Partners, draft: CharterVersion) -> None:
    value = _value(draft)
    value.plain = "We stop calling families hard to reach."
    value.save()
    client = client_for(partners.facilitator)
    page = client.get(reverse("reviews:publish", args=[draft.pk])).content.decode()
    assert "What the language lens found" in page and "hard to reach" in page
    assert "I have read the language lens" in page
    refused = client.post(reverse("reviews:publish", args=[draft.pk]), {})
    assert "The language lens has suggestions" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.state == VersionState.DRAFT
    done = client.post(reverse("reviews:publish", args=[draft.pk]), {"acknowledge_lens": "on"})
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published and draft.lens_acknowledged


def test_a_published_version_cannot_be_changed_through_the_pages(
    partners: Partners, published: CharterVersion
) -> None:
    client = client_for(partners.facilitator)
    value = _value(published)
    assert access_outcome(client.get(reverse("reviews:value_edit", args=[value.pk]))) == FORBIDDEN
    client.post(
        reverse("reviews:value_edit", args=[value.pk]),
        {"name": "Changed", "description": "D.", "plain": "P."},
    )
    value.refresh_from_db()
    assert value.name != "Changed"
    assert client.get(reverse("reviews:draft", args=[published.pk])).status_code == 302


def test_a_facilitator_starts_a_new_draft_from_the_charter_in_force(
    partners: Partners, published: CharterVersion
) -> None:
    refused = client_for(partners.family[1]).post(
        reverse("reviews:draft_start", args=[published.pk])
    )
    assert refused.status_code == 302
    assert selectors.draft_of(charter=published.charter) is None
    client_for(partners.facilitator).post(reverse("reviews:draft_start", args=[published.pk]))
    assert selectors.draft_of(charter=published.charter) is not None


# --- representatives --------------------------------------------------------------------------


def test_only_an_admin_names_representatives(partners: Partners, published: CharterVersion) -> None:
    url = reverse("reviews:representatives")
    for member in (partners.facilitator, partners.family[1], partners.leads[1]):
        assert access_outcome(client_for(member).get(url)) == FORBIDDEN
        client_for(member).post(
            url, {"member": partners.family[2].pk, "represents": Represents.FAMILY}
        )
    assert not selectors.representatives_for(partnership=partners.partnership).filter(
        member=partners.family[2]
    )
    admin = client_for(partners.admin)
    assert admin.get(url).status_code == 200
    wrong = admin.post(url, {"member": partners.family[2].pk, "represents": Represents.FRONTLINE})
    assert "belongs to another constituency" in wrong.content.decode()
    admin.post(url, {"member": partners.family[2].pk, "represents": Represents.FAMILY})
    assert selectors.representatives_for(partnership=partners.partnership).filter(
        member=partners.family[2]
    )
    remove = reverse("reviews:representative_remove", args=[partners.family[2].pk])
    assert "Stop this person" in admin.get(remove).content.decode()
    admin.post(remove)
    assert not selectors.representatives_for(partnership=partners.partnership).filter(
        member=partners.family[2]
    )


# --- amendments -------------------------------------------------------------------------------


def test_an_amendment_is_proposed_discussed_and_accepted_by_every_constituency(
    partners: Partners, published: CharterVersion
) -> None:
    clause = _clause(published)
    proposer = client_for(partners.frontline[3])
    response = proposer.post(
        reverse("reviews:amendment_propose", args=[clause.pk]),
        {"new_text": clause.text + " Always.", "reason": "Stronger."},
    )
    amendment = Amendment.objects.get()
    assert response["Location"] == reverse("reviews:amendment", args=[amendment.pk])
    page = proposer.get(response["Location"]).content.decode()
    assert '<ins><span class="village-visually-hidden">added: </span>' in page
    assert "Always.</ins>" in page
    assert "accepted only when every constituency says yes" in page
    assert f"A right of Families, in the value “{clause.value.name}”." in page
    client_for(partners.family[4]).post(
        reverse("reviews:amendment_comment", args=[amendment.pk]), {"text": "Agreed."}
    )
    assert amendment.comments.count() == 1
    # Someone who is not a representative cannot vote.
    client_for(partners.family[4]).post(
        reverse("reviews:amendment_vote", args=[amendment.pk]), {"answer": "yes"}
    )
    assert amendment.votes.count() == 0
    for constituency in (Constituency.FAMILY, Constituency.FRONTLINE):
        client_for(partners.representatives[constituency]).post(
            reverse("reviews:amendment_vote", args=[amendment.pk]), {"answer": "yes"}
        )
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.OPEN
    waiting = proposer.get(reverse("reviews:amendment", args=[amendment.pk])).content.decode()
    assert "Still waiting for a yes from: Managers and commissioners." in waiting
    client_for(partners.representatives[Constituency.MANAGER]).post(
        reverse("reviews:amendment_vote", args=[amendment.pk]), {"answer": "yes"}
    )
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.ACCEPTED


def test_only_the_proposer_or_those_who_run_reviews_withdraw(
    partners: Partners, published: CharterVersion
) -> None:
    amendment = services.amendment_propose(
        version=published,
        actor=partners.family[3],
        clause=_clause(published),
        new_text="Other words.",
    )
    url = reverse("reviews:amendment_withdraw", args=[amendment.pk])
    assert access_outcome(client_for(partners.family[4]).get(url)) == FORBIDDEN
    client_for(partners.family[4]).post(url)
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.OPEN
    proposer = client_for(partners.family[3])
    assert "Withdraw this amendment?" in proposer.get(url).content.decode()
    proposer.post(url)
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.WITHDRAWN


def test_observers_read_amendments_but_do_not_take_part(
    partners: Partners, published: CharterVersion, other_partnership: object
) -> None:
    amendment = services.amendment_propose(
        version=published,
        actor=partners.family[3],
        clause=_clause(published),
        new_text="Other words.",
    )
    observer = client_for(_observer(partners))
    page = observer.get(reverse("reviews:amendment", args=[amendment.pk])).content.decode()
    assert "Add my comment" not in page and "Save my vote" not in page
    observer.post(reverse("reviews:amendment_comment", args=[amendment.pk]), {"text": "Hi."})
    assert amendment.comments.count() == 0
    assert (
        access_outcome(
            observer.get(reverse("reviews:amendment_propose", args=[_clause(published).pk]))
        )
        == FORBIDDEN
    )
    stranger = client_for(_stranger(other_partnership))
    assert (
        access_outcome(stranger.get(reverse("reviews:amendment", args=[amendment.pk]))) == MISSING
    )
    assert access_outcome(stranger.get(reverse("reviews:amendments"))) == OK
    assert "Other words." not in stranger.get(reverse("reviews:amendments")).content.decode()
