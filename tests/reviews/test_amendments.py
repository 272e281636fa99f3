"""Amendments with equal power: any member proposes new words for a clause, members comment,
and it is accepted only with a yes from a representative of every constituency."""

from __future__ import annotations

import pytest

from tests.reviews.conftest import Partners, person
from village.people.models import Constituency, Role
from village.reviews import selectors, services
from village.reviews.models import (
    Amendment,
    AmendmentState,
    CharterVersion,
    Clause,
    VersionState,
)
from village.reviews.policy import ReviewError

NEW_WORDS = "Families have the right to read every record about them, and to add their own view."


def _clause(version: CharterVersion) -> Clause:
    return Clause.objects.get(value__version=version, value__key="family-rights", key="right-1")


@pytest.fixture
def amendment(published: CharterVersion, partners: Partners) -> Amendment:
    return services.amendment_propose(
        version=published,
        actor=partners.family[3],
        clause=_clause(published),
        new_text=NEW_WORDS,
        reason="Records should be open to families.",
    )


def test_any_member_proposes_and_the_change_shows_as_a_difference(
    amendment: Amendment, partners: Partners
) -> None:
    assert amendment.old_text.startswith("Families have the right to know what is written")
    pieces = selectors.amendment_difference(amendment=amendment)
    assert "".join(p.text for p in pieces if p.kind != "added") == amendment.old_text
    assert "".join(p.text for p in pieces if p.kind != "removed") == NEW_WORDS
    comment = services.amendment_comment(
        amendment=amendment, actor=partners.frontline[4], text="Yes, and in plain words."
    )
    assert comment.author == partners.frontline[4]
    observer = person(
        partners.partnership, "Olive", roles=[Role.OBSERVER], constituency=Constituency.OTHER
    )
    with pytest.raises(ReviewError, match="Observers"):
        services.amendment_comment(amendment=amendment, actor=observer, text="Hm.")
    with pytest.raises(ReviewError, match="Observers"):
        services.amendment_propose(
            version=amendment.version,
            actor=observer,
            clause=_clause(amendment.version),
            new_text="Other words.",
        )


def test_acceptance_needs_a_yes_from_every_constituency(
    amendment: Amendment, published: CharterVersion, partners: Partners
) -> None:
    reps = partners.representatives
    services.amendment_vote(amendment=amendment, actor=reps[Constituency.FAMILY], yes=True)
    services.amendment_vote(amendment=amendment, actor=reps[Constituency.FRONTLINE], yes=True)
    amendment.refresh_from_db()
    standing = selectors.amendment_standing(amendment=amendment)
    assert amendment.state == AmendmentState.OPEN and not standing.accepted
    assert standing.waiting_for == ["Managers and commissioners"]
    assert list(selectors.amendments_of(charter=published.charter, state="open")) == [amendment]
    assert {
        r.member for r in selectors.representatives_for(partnership=partners.partnership)
    } == set(reps.values())
    assert selectors.draft_of(charter=published.charter) is None
    # A no from the managers' representative keeps it open; changing it to yes accepts.
    services.amendment_vote(amendment=amendment, actor=reps[Constituency.MANAGER], yes=False)
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.OPEN
    services.amendment_vote(amendment=amendment, actor=reps[Constituency.MANAGER], yes=True)
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.ACCEPTED
    draft = selectors.draft_of(charter=published.charter)
    assert draft is not None and amendment.into_version == draft
    assert draft.state == VersionState.DRAFT and draft.based_on == published
    assert _clause(draft).text == NEW_WORDS
    assert _clause(published).text == amendment.old_text
    with pytest.raises(ReviewError, match="decided"):
        services.amendment_vote(amendment=amendment, actor=reps[Constituency.FAMILY], yes=False)


def test_votes_outside_a_constituency_do_not_count_for_it(
    amendment: Amendment, partners: Partners
) -> None:
    """Many yes votes from two constituencies never stand in for the third; a constituency
    with a yes and a no from its representatives has not said yes."""
    second_family = partners.family[1]
    services.representative_set(
        partnership=partners.partnership,
        actor=partners.admin,
        member=second_family,
        represents=Constituency.FAMILY,
    )
    extra_frontline = partners.frontline[1:4]
    for member in extra_frontline:
        services.representative_set(
            partnership=partners.partnership,
            actor=partners.admin,
            member=member,
            represents=Constituency.FRONTLINE,
        )
    for member in extra_frontline:
        services.amendment_vote(amendment=amendment, actor=member, yes=True)
    reps = partners.representatives
    services.amendment_vote(amendment=amendment, actor=reps[Constituency.MANAGER], yes=True)
    services.amendment_vote(amendment=amendment, actor=second_family, yes=False)
    services.amendment_vote(amendment=amendment, actor=reps[Constituency.FAMILY], yes=True)
    amendment.refresh_from_db()
    standing = selectors.amendment_standing(amendment=amendment)
    assert amendment.state == AmendmentState.OPEN
    assert standing.waiting_for == ["Families and people with lived experience"]
    family = standing.answers[0]
    assert (family.yes, family.no, family.says_yes) == (1, 1, False)


def test_only_representatives_vote_and_only_admins_name_them(
    amendment: Amendment, partners: Partners
) -> None:
    for member in (partners.family[2], partners.facilitator, partners.admin):
        with pytest.raises(ReviewError, match="representative"):
            services.amendment_vote(amendment=amendment, actor=member, yes=True)
    with pytest.raises(ReviewError, match="admin"):
        services.representative_set(
            partnership=partners.partnership,
            actor=partners.facilitator,
            member=partners.family[2],
            represents=Constituency.FAMILY,
        )
    # A representative speaks for their own constituency only.
    with pytest.raises(ReviewError, match="another constituency"):
        services.representative_set(
            partnership=partners.partnership,
            actor=partners.admin,
            member=partners.leads[1],
            represents=Constituency.FAMILY,
        )
    services.representative_remove(
        partnership=partners.partnership,
        actor=partners.admin,
        member=partners.representatives[Constituency.FAMILY],
    )
    with pytest.raises(ReviewError, match="representative"):
        services.amendment_vote(
            amendment=amendment, actor=partners.representatives[Constituency.FAMILY], yes=True
        )


def test_an_amendment_to_words_already_changed_is_overtaken(
    amendment: Amendment, published: CharterVersion, partners: Partners
) -> None:
    rival = services.amendment_propose(
        version=published,
        actor=partners.frontline[5],
        clause=_clause(published),
        new_text="Families have the right to see their records.",
    )
    reps = partners.representatives.values()
    for rep in reps:
        services.amendment_vote(amendment=amendment, actor=rep, yes=True)
    for rep in reps:
        services.amendment_vote(amendment=rival, actor=rep, yes=True)
    rival.refresh_from_db()
    assert rival.state == AmendmentState.OVERTAKEN
    draft = selectors.draft_of(charter=published.charter)
    assert draft is not None and _clause(draft).text == NEW_WORDS


def test_the_proposer_or_a_facilitator_withdraws(amendment: Amendment, partners: Partners) -> None:
    with pytest.raises(ReviewError):
        services.amendment_withdraw(amendment=amendment, actor=partners.family[4])
    services.amendment_withdraw(amendment=amendment, actor=partners.family[3])
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.WITHDRAWN
    with pytest.raises(ReviewError, match="decided"):
        services.amendment_comment(amendment=amendment, actor=partners.family[4], text="Late.")


def test_amendments_are_to_the_charter_in_force(draft: CharterVersion, partners: Partners) -> None:
    with pytest.raises(ReviewError, match="draft"):
        services.amendment_propose(
            version=draft, actor=partners.family[3], clause=_clause(draft), new_text="New."
        )
    published = services.version_publish(version=draft, actor=partners.facilitator)
    for text in ("", "   ", _clause(published).text, "x" * 1001):
        with pytest.raises(ReviewError):
            services.amendment_propose(
                version=published,
                actor=partners.family[3],
                clause=_clause(published),
                new_text=text,
            )
    assert not Amendment.objects.exists()
