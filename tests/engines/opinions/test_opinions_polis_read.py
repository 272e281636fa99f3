"""Reading Polis files column by column: hostile and odd input, each refused with its line
or read exactly as Python's strict csv module reads it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from village.engines.opinions.polis_io import (
    PolisImportError,
    read_comments,
    read_export,
    read_polis_groups,
    read_votes,
)

VOTES = "timestamp,datetime,comment-id,voter-id,vote\n"
COMMENTS = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"


def _file(tmp_path: Path, content: str | bytes, name: str = "votes.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _refused(path: Path, reader, line: int | None, words: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PolisImportError) as caught:
        reader(path)
    assert caught.value.path == path
    assert caught.value.line == line
    assert words in caught.value.problem


def test_unclosed_quote_is_refused_not_swallowed(tmp_path: Path) -> None:
    # Arrow's parser alone would read the rest of the file into this one comment.
    content = COMMENTS + '1,x,0,0,0,0,1,"first\n2,x,1,0,0,0,1,second\n3,x,2,0,0,0,1,third\n'
    _refused(_file(tmp_path, content, "comments.csv"), read_comments, 4, "malformed CSV")


def test_text_after_a_closing_quote_is_refused(tmp_path: Path) -> None:
    content = COMMENTS + '1,x,0,0,0,0,1,"ok"\n2,x,1,0,0,0,1,"bad"tail\n'
    _refused(_file(tmp_path, content, "comments.csv"), read_comments, 3, "',' expected")


def test_quote_inside_an_unquoted_field_is_text(tmp_path: Path) -> None:
    content = COMMENTS + '1,x,0,0,0,0,1,a "quoted" word\n2,x,1,0,0,0,1,"b, ""c"""\n'
    statements = read_comments(_file(tmp_path, content, "comments.csv"))
    assert [s.text for s in statements] == ['a "quoted" word', 'b, "c"']


def test_line_numbers_count_lines_not_rows(tmp_path: Path) -> None:
    content = COMMENTS + '1,x,0,0,0,0,1,"two\nlines"\n\n2,x,1,0,0,0,maybe,"three"\n'
    _refused(_file(tmp_path, content, "comments.csv"), read_comments, 5, "'maybe'")


def test_hostile_text_is_kept_verbatim(tmp_path: Path) -> None:
    texts = [
        "<script>alert(1)</script>",
        "'; DROP TABLE votes; --",
        '=HYPERLINK("http://x")',
        "  spaced  ",
        "caf\u00e9 \u2603 \U0001f600",
        "nul\x00byte",
    ]
    rows = "".join(
        f'{i},x,{i},0,0,0,1,"{t.replace(chr(34), chr(34) * 2)}"\n' for i, t in enumerate(texts)
    )
    statements = read_comments(_file(tmp_path, COMMENTS + rows, "comments.csv"))
    assert [s.text for s in statements] == texts


def test_byte_order_mark_and_spaces_around_values(tmp_path: Path) -> None:
    content = "\ufeff" + VOTES + " 5 ,x, 0 , 7 , -1 \n"
    votes = read_votes(_file(tmp_path, content))
    assert votes.records() == [("7", "0", -1)]
    assert votes.timestamp is not None and votes.timestamp.tolist() == [5]


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("", 1, "file is empty"),
        ("\n", 1, "missing column(s): comment-id, voter-id, vote"),
        (VOTES + "1,x,0,,1\n", 2, "voter-id is empty"),
        (VOTES + "1,x, ,0,1\n", 2, "comment-id is empty"),
        (VOTES + "1,x,0,0,+1\n", 2, "unknown vote value '+1'"),
        (VOTES + "1,x,0,0,1.0\n", 2, "unknown vote value '1.0'"),
        (VOTES + "soon,x,0,0,1\n", 2, "timestamp 'soon' is not an integer"),
        (VOTES + "1,x,0,0,1\n" + "9" * 30 + ",x,0,0,1\n", 3, "is not an integer"),
        (VOTES + "1,x,0,0,1\n\n\n2,x,0,0,1,extra\n", 5, "expected 5 fields, found 6"),
    ],
)
def test_bad_votes_name_the_line(tmp_path: Path, content: str, line: int, words: str) -> None:
    _refused(_file(tmp_path, content), read_votes, line, words)


def test_of_two_columns_with_one_name_the_first_is_read(tmp_path: Path) -> None:
    content = "comment-id,voter-id,vote,vote\n0,0,1,oops\n"
    assert read_votes(_file(tmp_path, content)).records() == [("0", "0", 1)]


def test_the_first_bad_row_wins_whatever_the_check(tmp_path: Path) -> None:
    content = VOTES + "1,x,0,0,1\nlater,x,0,1,1\n3,x,0,2,9\n"
    _refused(_file(tmp_path, content), read_votes, 3, "timestamp 'later'")
    content = VOTES + "1,x,0,0,1\n2,x,0,1,9\nlater,x,0,2,1\n"
    _refused(_file(tmp_path, content), read_votes, 3, "unknown vote value '9'")


def test_bad_utf8_deep_in_a_large_file(tmp_path: Path) -> None:
    good = "".join(f"{i},x,{i % 7},{i},1\n" for i in range(20_000))
    content = VOTES.encode() + good.encode() + b"20000,\xff,1,1,1\n"
    _refused(_file(tmp_path, content), read_votes, 20_002, "not valid UTF-8")


def test_a_large_file_keeps_time_order_and_file_order_for_ties(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    n = 50_000
    stamps = rng.integers(0, 1_000, size=n)
    values = rng.integers(-1, 2, size=n)
    rows = "".join(
        f"{t},x,{i % 13},{i % 101},{v}\n"
        for i, (t, v) in enumerate(zip(stamps, values, strict=True))
    )
    votes = read_votes(_file(tmp_path, VOTES + rows))
    order = np.argsort(stamps, kind="stable")
    expected = [(str(i % 101), str(i % 13), int(values[i])) for i in order]
    assert votes.records() == expected


def test_group_and_moderation_must_be_integers(tmp_path: Path) -> None:
    groups = "participant,group-id\n0,1\n1,\n2,two\n"
    _refused(_file(tmp_path, groups, "pv.csv"), read_polis_groups, 4, "group-id 'two'")
    assert read_polis_groups(_file(tmp_path, groups[:-6], "ok.csv")) == {"0": 1, "1": None}
    comments = COMMENTS + '1,x,0,0,0,0,yes,"a"\n'
    _refused(_file(tmp_path, comments, "comments.csv"), read_comments, 2, "moderated 'yes'")


def test_export_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(PolisImportError, match="not a directory"):
        read_export(tmp_path / "absent")
    (tmp_path / "votes.csv").write_text(VOTES + "1,x,0,0,1\n")
    with pytest.raises(PolisImportError, match=r"comments\.csv: cannot read file"):
        read_export(tmp_path)


def test_header_only_files_hold_nothing(tmp_path: Path) -> None:
    (tmp_path / "votes.csv").write_text(VOTES)
    (tmp_path / "comments.csv").write_text(COMMENTS)
    export = read_export(tmp_path)
    assert len(export.votes) == 0 and export.statements == ()
    assert export.votes.timestamp is not None and len(export.votes.timestamp) == 0


def test_timestamps_are_whole_numbers_in_plain_digits(tmp_path: Path) -> None:
    content = VOTES + "+5,x,0,0,1\n -3 ,x,0,1,1\n007,x,0,2,1\n"
    votes = read_votes(_file(tmp_path, content))
    assert votes.timestamp is not None and votes.timestamp.tolist() == [-3, 5, 7]
    for odd in ("0x10", "1_000", "5.0", "1e3", "--5", "\u0663"):
        _refused(_file(tmp_path, VOTES + f"{odd},x,0,0,1\n"), read_votes, 2, "is not an integer")
