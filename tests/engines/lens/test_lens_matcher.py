"""The matcher: spellings, positions, context rules, suppression and the severity filter."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from village.engines.lens import patterns
from village.engines.lens.matcher import find


def hits(text: str, *, min_severity: str = "info") -> list[tuple[str, str]]:
    return [(f.entry_id, f.text) for f in find(text, min_severity=min_severity)]


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("She left her PLACEMENT.", "PLACEMENT"),
        ("Two placements ended.", "placements"),
        ("He was placed out of area.", "placed out of area"),
        ("He was Placed Out Of Area.", "Placed Out Of Area"),
    ],
)
def test_case_and_inflections(text: str, surface: str) -> None:
    assert hits(text) == [("placement", surface)]


@pytest.mark.parametrize(
    "spelling",
    ["attention-seeking", "attention seeking", "attentionseeking", "attention\u2010seeking"],
)
def test_hyphen_space_and_joined_spellings(spelling: str) -> None:
    assert hits(f"It was {spelling}.") == [("attention-seeking", spelling)]


@pytest.mark.parametrize("apostrophe", ["'", "\u2019"])
def test_straight_and_curly_apostrophes(apostrophe: str) -> None:
    text = f"What{apostrophe}s wrong with him? She DNA{apostrophe}d again."
    assert hits(text) == [
        ("whats-wrong-with", f"What{apostrophe}s wrong with him"),
        ("did-not-attend", f"DNA{apostrophe}d"),
    ]


def test_multiword_terms_across_line_breaks() -> None:
    text = "He was placed\nout of   area, and contact\r\nwith mum stopped."
    found = find(text)
    assert [(f.entry_id, f.text) for f in found] == [
        ("placement", "placed\nout of   area"),
        ("contact-visit", "contact\r\nwith mum"),
    ]
    assert (found[0].line, found[0].end_line) == (1, 2)
    assert (found[1].line, found[1].end_line) == (2, 3)


def test_unusual_spaces_and_hyphens_between_words() -> None:
    text = "She was attention\u00adseeking; he was placed\u00a0out of\u2003area."
    assert hits(text) == [
        ("attention-seeking", "attention\u00adseeking"),
        ("placement", "placed\u00a0out of\u2003area"),
    ]


def test_offsets_stay_exact_after_a_letter_that_grows_when_lower_cased() -> None:
    # "İ" is two characters in lower case: the lens must still point at the right words.
    text = "İİİ said the respite was good."
    (found,) = find(text)
    assert text[found.start : found.end] == "respite"


def test_no_match_across_sentence_punctuation() -> None:
    assert hits("We met her birth. Mother and baby are well.") == []


def test_offsets_lines_and_columns_are_exact() -> None:
    text = "Line one is fine.\r\nThen the LAC review,\nand respite."
    found = find(text)
    assert [(f.entry_id, f.start, f.end, f.line, f.column) for f in found] == [
        ("lac-review", 28, 38, 2, 10),
        ("respite", 44, 51, 3, 5),
    ]
    for finding in found:
        assert text[finding.start : finding.end] == finding.text
        assert finding.end_column == finding.column + len(finding.text)


def test_finding_carries_everything_a_reader_needs() -> None:
    (finding,) = find("Her placement ended.")
    data = finding.as_dict()
    assert data["entry"] == "placement"
    assert data["category"] == "institutional"
    assert data["severity"] == "warning"
    assert "home" in data["alternatives"]
    assert data["reason"]
    assert data["source"]["title"] and data["source"]["url"].startswith("https://")


@pytest.mark.parametrize(
    ("flagged", "fine"),
    [
        ("Contact with her gran was moved.", "Her contact details are in the file."),
        ("He had contact with his dad on Friday.", "I am the point of contact for his dad."),
        ("Her foster placement is stable.", "She starts a work placement with her dad's firm."),
        ("The placement suits him.", "Her student placement suits him."),
        ("Her mum is an alcoholic.", "Her mum bought alcoholic drinks."),
        ("The child was DNA on Monday.", "The DNA test came back on Monday."),
        ("Boys talked about toxic masculinity.", "Toxic waste was found on the site."),
        ("He kicked off at staff again.", "The match kicked off at three."),
        ("She kicked off in class.", "The game kicked off late."),
    ],
)
def test_context_rules_from_the_issue(flagged: str, fine: str) -> None:
    assert find(flagged), flagged
    assert find(fine) == [], fine


def test_acronyms_match_only_in_capitals() -> None:
    assert hits("The LAC met today.") == [("lac", "LAC")]
    assert hits("The lac met today. She DNA'd. Dna is not an acronym.") == [
        ("did-not-attend", "DNA'd")
    ]


def test_rejected_long_match_does_not_hide_a_later_term() -> None:
    assert hits("Contact details for the placement are below.") == [("placement", "placement")]


def test_min_severity_filters() -> None:
    text = "His siblings have respite care."
    assert hits(text) == [("siblings", "siblings"), ("respite", "respite care")]
    assert hits(text, min_severity="warning") == [("respite", "respite care")]
    assert hits(text, min_severity="error") == []


def test_unknown_severity_is_an_error() -> None:
    with pytest.raises(ValueError, match="severity"):
        find("text", min_severity="loud")


class TestSuppression:
    def test_ignore_line(self) -> None:
        text = "Her placement. <!-- lens-ignore-line -->\nHis placement."
        assert [f.line for f in find(text)] == [2]

    def test_ignore_line_for_named_terms_only(self) -> None:
        text = "Respite and placement. # lens-ignore-line: respite"
        assert hits(text) == [("placement", "placement")]

    def test_ignore_next_line(self) -> None:
        text = "<!-- lens-ignore-next-line -->\nHer placement.\nHis placement."
        assert [f.line for f in find(text)] == [3]

    def test_block(self) -> None:
        text = (
            "A placement.\n<!-- lens-ignore-start -->\nA placement.\n"
            "<!-- lens-ignore-end -->\nA placement."
        )
        assert [f.line for f in find(text)] == [1, 5]

    def test_whole_document_for_a_term_by_id_or_words(self) -> None:
        text = "lens-ignore: placement, DNA\nA placement. She DNA'd. Respite."
        assert hits(text) == [("respite", "Respite")]
        text = "lens-ignore: did-not-attend\nShe DNA'd. He did not attend."
        assert hits(text) == []

    def test_bare_directive_silences_the_document(self) -> None:
        assert hits("<!-- lens-ignore -->\nA placement and respite.") == []

    def test_directive_words_are_not_flagged(self) -> None:
        assert hits("<!-- lens-ignore-next-line: placement -->\nrespite") == [
            ("respite", "respite")
        ]


_PIECES = [
    *("placement", "contact", "with", "mum", "details", "LAC", "lac", "DNA", "test", "kicked"),
    *("off", "the", "match", "alcoholic", "drinks", "attention-seeking", "respite", "care"),
    *(".", "-", "'", "\u2019", "\n", "\r\n", " "),
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES)).map(" ".join))
def test_findings_are_consistent_with_the_text(text: str) -> None:
    found = find(text)
    previous_end = 0
    for finding in found:
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.start >= previous_end
        previous_end = finding.end
        assert text[finding.start : finding.end] == finding.text
        line_start = text.rfind("\n", 0, finding.start) + 1
        assert finding.line == text.count("\n", 0, finding.start) + 1
        assert finding.column == finding.start - line_start + 1


def test_the_lens_knows_every_white_space_character() -> None:
    """fold() lists them by hand, for speed; Python's own list is the test."""
    every = {chr(code) for code in range(0x110000) if chr(code).isspace()}
    assert every == set(patterns.OTHER_WHITESPACE) | {" "}
