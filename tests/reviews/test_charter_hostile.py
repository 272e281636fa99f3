"""Hostile input on every charter and amendment form: HTML and script, huge, empty, SQL
fragments and malformed choices get a plain error (or are kept as harmless words, shown
escaped) and lose nothing already there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.reviews.conftest import Partners
from village.reviews import services
from village.reviews.models import (
    Amendment,
    AmendmentComment,
    CharterVersion,
    Clause,
    ClauseKind,
    Representative,
    Value,
)

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQL = "'; DROP TABLE reviews_value; --"
# Over every limit the services keep (3,000 characters at most), under the forms' own.
HUGE = "words " * 600
ENORMOUS = "words " * 5000


def _value(version: CharterVersion) -> Value:
    return Value.objects.filter(version=version).order_by("position")[0]


def _clause(version: CharterVersion) -> Clause:
    return Clause.objects.filter(value__version=version, kind=ClauseKind.RIGHT).order_by(
        "value__position", "position"
    )[0]


def _value_form(**overrides: object) -> dict[str, object]:
    return {"name": "Name", "description": "About it.", "plain": "Plainly.", **overrides}


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("name", "", "Give the value a name."),
        ("name", "   ", "Give the value a name."),
        ("plain", "", "Say what the value means in plain words."),
        ("name", HUGE, "Please keep it to"),
        ("description", HUGE, "Please keep it to"),
        ("principles", "\n".join(f"Principle {n}" for n in range(30)), "at most 20 principles"),
        ("plain", ENORMOUS, "That is too much to keep."),
        ("foundations", ["voice", "nonsense"], "Choose from the five foundations"),
    ],
)
def test_a_bad_value_is_refused_in_words_and_nothing_changes(
    partners: Partners, draft: CharterVersion, field: str, text: object, message: str
) -> None:
    value = _value(draft)
    before = (value.name, value.description, value.plain, value.principles)
    response = client_for(partners.facilitator).post(
        reverse("reviews:value_edit", args=[value.pk]), _value_form(**{field: text})
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    value.refresh_from_db()
    assert (value.name, value.description, value.plain, value.principles) == before
    adding = client_for(partners.facilitator).post(
        reverse("reviews:value_add", args=[draft.pk]), _value_form(**{field: text})
    )
    assert adding.status_code == 200
    assert Value.objects.filter(version=draft).count() == 8


@pytest.mark.parametrize("text", [SCRIPT, SQL])
def test_html_and_sql_are_kept_as_words_and_shown_escaped(
    partners: Partners, draft: CharterVersion, text: str
) -> None:
    client = client_for(partners.facilitator)
    client.post(reverse("reviews:value_add", args=[draft.pk]), _value_form(name=text[:100]))
    value = Value.objects.get(version=draft, name=text[:100])
    client.post(
        reverse("reviews:clause_add", args=[value.pk]),
        {"kind": "right", "parties": ["families"], "text": text},
    )
    assert Clause.objects.get(value=value).text == text
    page = client.get(reverse("reviews:draft", args=[draft.pk])).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert Value.objects.filter(version=draft).count() == 9


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "right", "parties": ["families"], "text": ""}, "Write the words of the clause."),
        ({"kind": "right", "parties": [], "text": "Words."}, "Choose at least one party"),
        ({"kind": "right", "parties": ["pirates"], "text": "Words."}, "Choose from families"),
        ({"kind": "wish", "parties": ["families"], "text": "Words."}, "Choose a right or a"),
        ({"kind": "right", "parties": ["families"], "text": HUGE}, "Please keep it to 1,000"),
    ],
)
def test_a_bad_clause_is_refused_in_words(
    partners: Partners, draft: CharterVersion, data: dict[str, object], message: str
) -> None:
    value = _value(draft)
    count = Clause.objects.filter(value=value).count()
    response = client_for(partners.facilitator).post(
        reverse("reviews:clause_add", args=[value.pk]), data
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Clause.objects.filter(value=value).count() == count


def test_bad_opening_words_are_refused_and_kept_on_the_page(
    partners: Partners, draft: CharterVersion
) -> None:
    response = client_for(partners.facilitator).post(
        reverse("reviews:draft", args=[draft.pk]), {"preamble": HUGE, "note": SQL}
    )
    page = response.content.decode()
    assert "Please keep it to 3,000 characters" in page
    draft.refresh_from_db()
    assert draft.preamble != HUGE.strip()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"new_text": "", "reason": ""}, "Write the new words."),
        ({"new_text": HUGE, "reason": ""}, "Please keep it to 1,000"),
        ({"new_text": "Fine words.", "reason": HUGE}, "Please keep it to 1,000"),
        ({"new_text": ENORMOUS, "reason": ""}, "That is too much to keep."),
    ],
)
def test_a_bad_amendment_is_refused_in_words(
    partners: Partners, published: CharterVersion, data: dict[str, str], message: str
) -> None:
    response = client_for(partners.family[2]).post(
        reverse("reviews:amendment_propose", args=[_clause(published).pk]), data
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Amendment.objects.exists()


def test_the_same_words_are_not_an_amendment(partners: Partners, published: CharterVersion) -> None:
    clause = _clause(published)
    response = client_for(partners.family[2]).post(
        reverse("reviews:amendment_propose", args=[clause.pk]), {"new_text": clause.text}
    )
    assert "The new words are the same as the old." in response.content.decode()


@pytest.mark.parametrize(("text", "message"), [("", "Write your comment."), (HUGE, "Please keep")])
def test_a_bad_comment_or_vote_is_refused_in_words(
    partners: Partners, published: CharterVersion, text: str, message: str
) -> None:
    amendment = services.amendment_propose(
        version=published, actor=partners.family[2], clause=_clause(published), new_text="New."
    )
    client = client_for(partners.family[3])
    response = client.post(
        reverse("reviews:amendment_comment", args=[amendment.pk]), {"text": text}
    )
    assert message in response.content.decode()
    assert not AmendmentComment.objects.exists()
    client.post(reverse("reviews:amendment_comment", args=[amendment.pk]), {"text": SCRIPT})
    page = client.get(reverse("reviews:amendment", args=[amendment.pk])).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    representative = client_for(partners.representatives["family"])
    for answer in ("", "maybe", SQL):
        voted = representative.post(
            reverse("reviews:amendment_vote", args=[amendment.pk]), {"answer": answer}
        )
        assert "Choose yes or no." in voted.content.decode()
    assert not amendment.votes.exists()


@pytest.mark.parametrize("member", ["", "abc", "99999", SQL])
def test_a_malformed_representative_is_refused_in_words(
    partners: Partners, published: CharterVersion, member: str
) -> None:
    count = Representative.objects.count()
    response = client_for(partners.admin).post(
        reverse("reviews:representatives"), {"member": member, "represents": "family"}
    )
    assert "Choose a member" in response.content.decode()
    assert Representative.objects.count() == count


def test_a_member_of_another_partnership_cannot_be_named(
    partners: Partners, published: CharterVersion, other_partnership: object
) -> None:
    from tests.reviews.conftest import person
    from village.people.models import Constituency, Role

    outsider = person(
        other_partnership,  # type: ignore[arg-type]
        "Outsider",
        roles=[Role.FAMILY],
        constituency=Constituency.FAMILY,
    )
    response = client_for(partners.admin).post(
        reverse("reviews:representatives"), {"member": outsider.pk, "represents": "family"}
    )
    assert "Choose a member of this partnership" in response.content.decode()
    assert not Representative.objects.filter(member=outsider).exists()
