"""The charter: Village's default, the reciprocity rule, the language lens before publishing,
published versions fixed, new drafts copied, and the differences between versions."""

from __future__ import annotations

import pytest

from tests.reviews.conftest import Partners
from village.engines.lens import find
from village.language import services as language_services
from village.people.models import AuditEvent
from village.reviews import selectors, services
from village.reviews.differences import Piece, word_diff
from village.reviews.models import CharterVersion, ClauseKind, Party, Value, VersionState
from village.reviews.policy import ReviewError
from village.reviews.services import ValueText

DEFAULT_VALUES = [
    "Family rights",
    "Family-inclusive practice",
    "Whole-family approaches",
    "Relationships first",
    "Trauma-responsive practice",
    "Staff wellbeing",
    "Power with, not power over",
    "No blame",
]


def test_the_default_charter_publishes_as_it_is(draft: CharterVersion, partners: Partners) -> None:
    values = selectors.values_of(version=draft)
    assert [v.name for v in values] == DEFAULT_VALUES
    for word in ("love", "trust", "respect"):
        assert word in draft.preamble
    for value in values:
        assert value.plain and value.description and value.principles and value.assumptions
        assert set(value.foundations) <= {"voice", "family", "care", "people", "scaffolding"}
        assert not find(value.plain, min_severity="suggestion"), value.name
        kinds = {clause.kind for clause in value.clauses.all()}
        assert kinds == {ClauseKind.RIGHT, ClauseKind.RESPONSIBILITY}
        responsible = {
            party
            for clause in value.clauses.all()
            if clause.kind == ClauseKind.RESPONSIBILITY
            for party in clause.parties
        }
        assert responsible == set(Party.values), value.name
    assert selectors.reciprocity_gaps(version=draft) == []
    assert selectors.lens_findings(version=draft) == []
    published = services.version_publish(version=draft, actor=partners.facilitator)
    assert published.state == VersionState.PUBLISHED and not published.lens_acknowledged
    assert selectors.published_version(charter=draft.charter) == published


def _family_rights_in_plain_words(draft: CharterVersion, partners: Partners, plain: str) -> None:
    """The facilitator gives the family-rights value new plain words, keeping the rest."""
    value = Value.objects.get(version=draft, key="family-rights")
    services.value_update(
        value=value,
        actor=partners.facilitator,
        text=ValueText(
            name=value.name,
            description=value.description,
            plain=plain,
            principles=value.principles,
            assumptions=value.assumptions,
            foundations=value.foundations,
        ),
    )


def _with_rule_test_value(draft: CharterVersion, partners: Partners) -> Value:
    value = services.value_add(
        version=draft,
        actor=partners.facilitator,
        text=ValueText(name="Listening", description="We listen.", plain="We listen to you."),
    )
    services.clause_add(
        value=value,
        actor=partners.facilitator,
        kind=ClauseKind.RIGHT,
        parties=["families", "leaders"],
        text="Families and leaders have the right to be heard.",
    )
    return value


def test_a_right_without_a_responsibility_for_each_party_it_names_is_refused(
    draft: CharterVersion, partners: Partners
) -> None:
    value = _with_rule_test_value(draft, partners)
    with pytest.raises(ReviewError, match=r"Listening: Families; Listening: Leaders"):
        services.version_publish(version=draft, actor=partners.facilitator)
    # A responsibility for someone else does not count.
    services.clause_add(
        value=value,
        actor=partners.facilitator,
        kind=ClauseKind.RESPONSIBILITY,
        parties=["practitioners"],
        text="Practitioners make time to listen.",
    )
    gaps = selectors.reciprocity_gaps(version=draft)
    assert [(g.value.key, g.party) for g in gaps] == [
        ("listening", "families"),
        ("listening", "leaders"),
    ]
    # Nor does a responsibility for the party in another value.
    other = Value.objects.get(version=draft, key="family-rights")
    assert any("families" in c.parties for c in other.clauses.all())
    services.clause_add(
        value=value,
        actor=partners.facilitator,
        kind=ClauseKind.RESPONSIBILITY,
        parties=["families"],
        text="Families say what they need.",
    )
    with pytest.raises(ReviewError, match="Listening: Leaders and commissioners"):
        services.version_publish(version=draft, actor=partners.facilitator)
    services.clause_add(
        value=value,
        actor=partners.facilitator,
        kind=ClauseKind.RESPONSIBILITY,
        parties=["leaders", "agencies"],
        text="Leaders and agencies act on what they hear.",
    )
    assert services.version_publish(version=draft, actor=partners.facilitator).is_published


def test_the_language_lens_stops_publishing_until_its_suggestions_are_read(
    draft: CharterVersion, partners: Partners
) -> None:
    _family_rights_in_plain_words(draft, partners, "We work with hard to reach families.")
    [note] = selectors.lens_findings(version=draft)
    assert note.value.key == "family-rights"
    assert [f.text for f in note.findings] == ["hard to reach"]
    with pytest.raises(ReviewError, match="Family rights \\(“hard to reach”\\)"):
        services.version_publish(version=draft, actor=partners.facilitator)
    draft.refresh_from_db()
    assert draft.state == VersionState.DRAFT
    published = services.version_publish(
        version=draft, actor=partners.facilitator, acknowledge_lens=True
    )
    assert published.is_published and published.lens_acknowledged
    assert AuditEvent.objects.filter(action="charter.publish.lens").exists()


def test_only_those_who_run_reviews_change_or_publish_a_draft(
    draft: CharterVersion, partners: Partners
) -> None:
    for member in (partners.leads[0], partners.family[0], partners.frontline[0]):
        with pytest.raises(ReviewError, match="facilitator or an admin"):
            services.version_publish(version=draft, actor=member)
        with pytest.raises(ReviewError):
            services.version_update(version=draft, actor=member, preamble="Mine", note="")
    assert services.version_publish(version=draft, actor=partners.admin).is_published


def test_a_published_version_is_never_changed(
    published: CharterVersion, partners: Partners
) -> None:
    value = Value.objects.get(version=published, key="no-blame")
    clause = value.clauses.first()
    assert clause is not None
    fac = partners.facilitator
    attempts = [
        lambda: services.version_update(version=published, actor=fac, preamble="x", note=""),
        lambda: services.value_update(
            value=value, actor=fac, text=ValueText(name="x", description="x", plain="x")
        ),
        lambda: services.value_remove(value=value, actor=fac),
        lambda: services.clause_add(
            value=value, actor=fac, kind=ClauseKind.RIGHT, parties=["families"], text="x"
        ),
        lambda: services.clause_update(clause=clause, actor=fac, parties=["families"], text="x"),
        lambda: services.clause_remove(clause=clause, actor=fac),
        lambda: services.version_publish(version=published, actor=fac),
    ]
    for attempt in attempts:
        with pytest.raises(ReviewError, match="published"):
            attempt()
    clause.refresh_from_db()
    assert clause.text != "x" and Value.objects.filter(pk=value.pk).exists()


def test_a_new_draft_copies_the_last_version_and_differences_show_word_by_word(
    published: CharterVersion, partners: Partners
) -> None:
    fac = partners.facilitator
    draft = services.draft_start(version=published, actor=fac, note="Plainer words")
    assert draft.number == published.number + 1 and draft.based_on == published
    before = {
        (v.key, c.key, c.text)
        for v in selectors.values_of(version=published)
        for c in v.clauses.all()
    }
    after = {
        (v.key, c.key, c.text) for v in selectors.values_of(version=draft) for c in v.clauses.all()
    }
    assert before == after
    assert not selectors.version_differences(old=published, new=draft).any
    with pytest.raises(ReviewError, match="draft already"):
        services.draft_start(version=published, actor=fac)

    clause = draft.values.get(key="no-blame").clauses.get(key="right-2")
    services.clause_update(
        clause=clause,
        actor=fac,
        parties=clause.parties,
        text="Practitioners have the right to raise mistakes and worries safely.",
    )
    services.value_remove(value=draft.values.get(key="staff-wellbeing"), actor=fac)
    differences = selectors.version_differences(old=published, new=draft)
    assert differences.preamble is None
    changes = {(d.key, d.change) for d in differences.values}
    assert changes == {("no-blame", "changed"), ("staff-wellbeing", "removed")}
    [no_blame] = [d for d in differences.values if d.key == "no-blame"]
    [changed] = no_blame.clauses
    assert changed.key == "right-2" and changed.change == "changed"
    assert [p for p in changed.pieces if p.kind != "same"] == [
        Piece("removed", "without fear of blame."),
        Piece("added", "safely."),
    ]
    # The version in force is untouched.
    kept = published.values.get(key="no-blame").clauses.get(key="right-2")
    assert kept.text.endswith("without fear of blame.")


def test_word_differences_by_hand() -> None:
    assert word_diff("Families are heard.", "Families are always heard.") == [
        Piece("same", "Families are "),
        Piece("added", "always "),
        Piece("same", "heard."),
    ]
    assert word_diff("", "New words") == [Piece("added", "New words")]
    assert word_diff("Old words", "") == [Piece("removed", "Old words")]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "   ", "name"),
        ("name", "x" * 121, "120 characters"),
        ("plain", "\x00\x00", "plain words"),
        ("foundations", ["voice", "nonsense"], "five foundations"),
        ("principles", [f"Principle {n}" for n in range(21)], "at most 20"),
    ],
)
def test_bad_value_words_are_refused_with_a_clear_reason(
    draft: CharterVersion, partners: Partners, field: str, value: object, message: str
) -> None:
    fields: dict[str, object] = {"name": "Fine", "description": "Fine.", "plain": "Fine."}
    fields[field] = value
    count = Value.objects.filter(version=draft).count()
    with pytest.raises(ReviewError, match=message):
        services.value_add(version=draft, actor=partners.facilitator, text=ValueText(**fields))  # type: ignore[arg-type]
    assert Value.objects.filter(version=draft).count() == count


def test_clauses_need_a_known_party_and_words(draft: CharterVersion, partners: Partners) -> None:
    value = Value.objects.get(version=draft, key="no-blame")
    for parties, text in (([], "Words"), (["everyone"], "Words"), (["families"], " ")):
        with pytest.raises(ReviewError):
            services.clause_add(
                value=value,
                actor=partners.facilitator,
                kind=ClauseKind.RIGHT,
                parties=parties,
                text=text,
            )
    html = "<script>alert(1)</script> Families may =SUM(A1) read '; DROP TABLE x; --"
    clause = services.clause_add(
        value=value,
        actor=partners.facilitator,
        kind=ClauseKind.RIGHT,
        parties=["families", "families"],
        text=html,
    )
    assert clause.text == html and clause.parties == ["families"]


def test_the_default_loads_only_when_there_is_no_draft(
    draft: CharterVersion, partners: Partners
) -> None:
    with pytest.raises(ReviewError, match="draft already"):
        services.charter_load_default(partnership=partners.partnership, actor=partners.facilitator)
    with pytest.raises(ReviewError, match="facilitator or an admin"):
        services.charter_load_default(partnership=partners.partnership, actor=partners.leads[0])


def test_the_lens_before_publishing_reads_with_the_partnerships_own_glossary(
    draft: CharterVersion, partners: Partners
) -> None:
    _family_rights_in_plain_words(draft, partners, "No parent is called a pushy parent for asking.")
    assert selectors.lens_findings(version=draft) == []
    language_services.own_entry_add(
        actor=partners.admin,
        partnership=partners.partnership,
        term="pushy parent",
        other_forms=[],
        category="blaming",
        severity="warning",
        alternatives=["a parent speaking up"],
        reason="Families asked us.",
        source_title="Our language policy",
        source_url="https://example.org/policy",
    )
    [note] = selectors.lens_findings(version=draft)
    assert [f.text for f in note.findings] == ["pushy parent"]
