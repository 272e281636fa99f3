"""`village conversations import-polis` and `export-polis`, through the command line.

An import followed by an export loses no statement or vote of the shipped Polis exports
(Polis open data, CC BY 4.0, attribution to The Computational Democracy Project: see
tests/data/polis/ATTRIBUTION.md). Bad folders, files and names get one clear line and a
non-zero exit, and leave nothing behind.
"""

from __future__ import annotations

import csv
import logging.config
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.conf import settings
from django.db import connection, connections
from django.urls import reverse

from tests.conftest import client_for
from tests.conversations.conftest import SEEDS, constituency, key, link_for, vote_as_guest
from tests.engines.opinions.conftest import CONVERSATIONS, POLIS_DATA
from village.cli import main as village
from village.conversations import selectors, services
from village.conversations.models import (
    Channel,
    ConstituencyKind,
    Conversation,
    Reason,
    ResultsSnapshot,
    State,
    Statement,
    Vote,
    Voter,
)
from village.engines.opinions.polis_io import PolisExport, read_export
from village.people.models import AuditEvent, Member, Partnership, Role
from village.people.selectors import audit_entries_for

COMMENTS_HEADER = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body"
VOTES_HEADER = "timestamp,datetime,comment-id,voter-id,vote"
JULY_2017 = 1_500_282_615_559
DAY = 86_400_000


@pytest.fixture(autouse=True)
def keep_the_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """A command run as from a shell closes the database connections when it ends, which
    would end the test's transaction too (on PostgreSQL)."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.fixture(autouse=True)
def _logging_set_up_again() -> Iterator[None]:
    """`village` sets Django up, and so its logging, writing to the captured stderr of the
    test that ran it; set the logging up again afterwards, so later tests do not log to a
    closed stream."""
    yield
    logging.config.dictConfig(settings.LOGGING)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`village ARGS` as from a shell, in this process: exit code, stdout, stderr."""
    try:
        code = village(list(args))
    except SystemExit as stop:
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def imported(capsys: pytest.CaptureFixture[str], folder: Path, slug: str) -> Conversation:
    code, out, err = run(
        capsys, "conversations", "import-polis", str(folder), "--partnership", slug
    )
    assert code == 0, err
    number = int(out.split("Imported conversation ")[1].split()[0])
    return Conversation.objects.get(pk=number)


def exported(capsys: pytest.CaptureFixture[str], conversation: Conversation, folder: Path) -> str:
    code, out, err = run(capsys, "conversations", "export-polis", str(conversation.pk), str(folder))
    assert code == 0, err
    return out


def polis_folder(folder: Path, comments: list[str], votes: list[str]) -> Path:
    folder.mkdir()
    (folder / "comments.csv").write_text("\n".join([COMMENTS_HEADER, *comments]) + "\n")
    (folder / "votes.csv").write_text("\n".join([VOTES_HEADER, *votes]) + "\n")
    return folder


def comment(cid: int, text: str, moderated: int = 1, stamp: int = JULY_2017) -> str:
    quoted = '"' + text.replace('"', '""') + '"'
    return f"{stamp},Mon Jul 17 2017,{cid},0,0,0,{moderated},{quoted}"


def vote_row(cid: int, voter: str, value: int, stamp: int = JULY_2017) -> str:
    return f"{stamp},Mon Jul 17 2017,{cid},{voter},{value}"


def latest_votes(export: PolisExport) -> list[tuple[str, str, int, int]]:
    """(participant, statement text, value, day) of each last vote on a statement that was
    not moderated out."""
    votes = export.votes.latest()
    texts = export.texts
    assert votes.timestamp is not None
    return [
        (votes.participant_ids[p], texts[votes.statement_ids[s]], int(v), int(t) // DAY)
        for p, s, v, t in zip(
            votes.participant, votes.statement, votes.value, votes.timestamp, strict=True
        )
        if votes.statement_ids[s] not in export.moderated
    ]


def by_participant(votes: list[tuple[str, str, int, int]]) -> Counter[frozenset[object]]:
    """Each participant's votes as one set, counted: the same whatever their numbers."""
    people: dict[str, set[tuple[str, int, int]]] = {}
    for person, text, value, day in votes:
        people.setdefault(person, set()).add((text, value, day))
    return Counter(frozenset(answers) for answers in people.values())


def by_statement(votes: list[tuple[str, str, int, int]]) -> dict[str, Counter[tuple[int, int]]]:
    found: dict[str, Counter[tuple[int, int]]] = {}
    for _person, text, value, day in votes:
        found.setdefault(text, Counter())[(value, day)] += 1
    return found


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_import_then_export_loses_no_statement_or_vote(
    capsys: pytest.CaptureFixture[str],
    django_capture_on_commit_callbacks: Callable[..., Any],
    partnership: Partnership,
    tmp_path: Path,
    name: str,
) -> None:
    original = read_export(POLIS_DATA / name)
    with django_capture_on_commit_callbacks(execute=True):  # the results are asked for
        conversation = imported(capsys, POLIS_DATA / name, partnership.slug)
    out = exported(capsys, conversation, tmp_path / "out")
    again = read_export(tmp_path / "out")

    kept = [s for s in original.statements if s.moderated != -1]
    assert Counter(s.text for s in again.statements) == Counter(s.text for s in kept)
    assert {s.text: s.moderated for s in again.statements} == {s.text: s.moderated for s in kept}
    rejected = {s.text for s in original.statements if s.moderated == -1}
    assert not rejected & {s.text for s in again.statements}
    assert (name == "vtaiwan.uberx") == bool(rejected)

    before, after = latest_votes(original), latest_votes(again)
    assert len(after) == len(before) > 5000
    assert by_participant(after) == by_participant(before)
    assert by_statement(after) == by_statement(before)
    assert f"{len(after):,} votes from {len({p for p, *_ in after}):,} people" in out

    statements = Statement.objects.filter(conversation=conversation)
    assert statements.count() == len(original.statements)
    assert statements.filter(state=State.REJECTED).count() == len(rejected)
    assert statements.filter(state=State.PENDING).count() == 0
    snapshot = ResultsSnapshot.objects.get(conversation=conversation)
    assert snapshot.votes == len(after) and snapshot.data is not None
    assert snapshot.data["status"] == "ok" and snapshot.data["groups"]


def test_the_imported_conversation_keeps_no_polis_id(
    capsys: pytest.CaptureFixture[str], partnership: Partnership
) -> None:
    folder = POLIS_DATA / "brexit-consensus"
    original = read_export(folder)
    conversation = imported(capsys, folder, partnership.slug)
    voters = Voter.objects.filter(conversation=conversation)
    assert voters.count() == len(original.votes.participant_ids) == 204
    other = constituency(conversation, ConstituencyKind.OTHER)
    assert set(voters.values_list("constituency", "declared", "channel")) == {
        (other.pk, None, Channel.IMPORTED)
    }
    pseudonyms = set(voters.values_list("pseudonym", flat=True))
    assert len(pseudonyms) == 204 and all(len(p) == 64 for p in pseudonyms)
    assert not pseudonyms & set(original.votes.participant_ids)
    votes = Vote.objects.filter(conversation=conversation)
    assert set(votes.values_list("pseudonym", flat=True)) == pseudonyms
    assert set(votes.values_list("channel", flat=True)) == {Channel.IMPORTED}
    assert set(
        Statement.objects.filter(conversation=conversation).values_list(
            "author_constituency", "seed"
        )
    ) == {(other.pk, False)}
    assert conversation.created_by is None and conversation.closes_at <= conversation.created_at
    assert conversation.opens_at.date().isoformat() == "2017-07-16"
    assert selectors.result_statements(conversation=conversation).count() == 50
    # Imported again, the same people get other pseudonyms: each conversation its own.
    again = imported(capsys, folder, partnership.slug)
    assert not pseudonyms & set(
        Voter.objects.filter(conversation=again).values_list("pseudonym", flat=True)
    )


def _physical(table: str, column: str, conversation: Conversation) -> list[object]:
    """A column in the order a dump reads the rows: ctid on PostgreSQL, rowid on SQLite."""
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {table} WHERE conversation_id = %s ORDER BY {order}",  # noqa: S608
            [conversation.pk],
        )
        return [row[0] for row in cursor.fetchall()]


def test_imported_rows_are_stored_in_no_order_and_apart_from_the_audit(
    capsys: pytest.CaptureFixture[str], partnership: Partnership
) -> None:
    folder = POLIS_DATA / "brexit-consensus"
    conversation = imported(capsys, folder, partnership.slug)
    days = _physical("conversations_vote", "voted_on", conversation)
    assert len(days) == 5303 and days != sorted(days) and days != sorted(days, reverse=True)
    joined = _physical("conversations_voter", "joined_on", conversation)
    assert joined != sorted(joined)
    texts = _physical("conversations_statement", "text", conversation)
    assert texts != [s.text for s in read_export(folder).statements]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT xmin::text FROM conversations_vote UNION "
                "SELECT DISTINCT xmin::text FROM conversations_voter"
            )
            anonymous = {row[0] for row in cursor.fetchall()}
            cursor.execute("SELECT DISTINCT xmin::text FROM people_auditevent")
            audited = {row[0] for row in cursor.fetchall()}
        assert anonymous and audited and not anonymous & audited


def test_the_partnership_reads_the_imported_conversations_results(
    capsys: pytest.CaptureFixture[str],
    django_capture_on_commit_callbacks: Callable[..., Any],
    make_member: Callable[..., Member],
) -> None:
    staff = make_member(Role.STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        conversation = imported(capsys, POLIS_DATA / "brexit-consensus", staff.partnership.slug)
    client = client_for(staff)
    listing = client.get(reverse("conversations:list"))
    assert listing.status_code == 200 and conversation.question in listing.content.decode()
    page = client.get(reverse("conversations:results", kwargs={"pk": conversation.pk}))
    text = page.content.decode()
    assert page.status_code == 200 and "Imported from Polis" in text
    assert "Brexit" in text  # a statement's words


def test_polis_moderation_and_changed_votes(
    capsys: pytest.CaptureFixture[str], partnership: Partnership, tmp_path: Path
) -> None:
    folder = polis_folder(
        tmp_path / "small",
        [
            comment(1, "Accepted by a Polis moderator.", 1),
            comment(2, "Shown but never moderated.", 0),
            comment(3, "Moderated out.", -1),
        ],
        [
            vote_row(1, "a", 1),
            vote_row(1, "a", -1, JULY_2017 + 3 * DAY),  # changed three days later
            vote_row(2, "a", 0),
            vote_row(3, "a", 1),
            vote_row(3, "b", -1),
        ],
    )
    conversation = imported(capsys, folder, partnership.slug)
    states = dict(Statement.objects.filter(conversation=conversation).values_list("text", "state"))
    assert states == {
        "Accepted by a Polis moderator.": State.ACCEPTED,
        "Shown but never moderated.": State.ACCEPTED,
        "Moderated out.": State.REJECTED,
    }
    [waiting] = selectors.moderation_queue(conversation=conversation)
    assert waiting.statement.text == "Shown but never moderated."
    kept = Vote.objects.filter(conversation=conversation)
    assert kept.count() == 4  # b's only vote is on the rejected statement, kept but not shown
    changed = kept.get(statement__text="Accepted by a Polis moderator.")
    assert changed.value == -1 and changed.voted_on.isoformat() == "2017-07-20"

    exported(capsys, conversation, tmp_path / "out")
    again = read_export(tmp_path / "out")
    assert {s.text: s.moderated for s in again.statements} == {
        "Accepted by a Polis moderator.": 1,
        "Shown but never moderated.": 0,
    }
    assert sorted((again.texts[s], v) for _p, s, v in again.votes.records()) == [
        ("Accepted by a Polis moderator.", -1),
        ("Shown but never moderated.", 0),
    ]
    rows = (tmp_path / "out" / "participants-votes.csv").read_text().splitlines()
    assert len(rows) == 2 and rows[1].startswith("0,,0,2,0,1")  # no group, nothing written


def test_formulas_are_stored_as_written_and_exported_harmless(
    capsys: pytest.CaptureFixture[str], partnership: Partnership, tmp_path: Path
) -> None:
    risky = ['=HYPERLINK("http://example.org","click")', "+1 for this", "@SUM(A1:A9)", "-2 is low"]
    folder = polis_folder(
        tmp_path / "risky",
        [comment(n, text) for n, text in enumerate(risky)],
        [vote_row(n, "=cmd|' /C calc'!A0", 1) for n in range(len(risky))],
    )
    conversation = imported(capsys, folder, partnership.slug)
    texts = set(Statement.objects.filter(conversation=conversation).values_list("text", flat=True))
    assert texts == set(risky)
    exported(capsys, conversation, tmp_path / "out")
    for name in ("comments.csv", "votes.csv", "participants-votes.csv"):
        with (tmp_path / "out" / name).open(encoding="utf-8", newline="") as file:
            cells = [cell for row in csv.reader(file) for cell in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")], name
        assert not [c for c in cells if c.startswith("-") and c != "-1"], name
    assert {s.text for s in read_export(tmp_path / "out").statements} == set(risky)


def test_export_holds_accepted_statements_and_every_channel(
    capsys: pytest.CaptureFixture[str],
    make_conversation: Callable[..., Conversation],
    facilitator: Member,
    tmp_path: Path,
) -> None:
    conversation = make_conversation(moderation="pre")
    link = link_for(conversation, facilitator, ConstituencyKind.FAMILY)
    for n in (1, 2):
        services.voter_join(link=link, member=None, browser_key=key(n))
    seeds = {s.text: s for s in Statement.objects.filter(conversation=conversation)}
    written = services.statement_write(
        conversation=conversation, member=None, browser_key=key(1), text="Waiting for a moderator."
    )
    turned_down = services.statement_write(
        conversation=conversation, member=None, browser_key=key(2), text="Not accepted."
    )
    services.statement_accept(statement=turned_down, actor=facilitator)
    for n in (1, 2):
        for value, text in zip((1, -1, 0), SEEDS, strict=False):
            vote_as_guest(conversation, key(n), seeds[text], value)
        vote_as_guest(conversation, key(n), turned_down, 1)
    services.statement_reject(statement=turned_down, actor=facilitator, reason=Reason.HURTFUL)
    services.in_person_record(
        conversation=conversation,
        actor=facilitator,
        constituency=constituency(conversation, ConstituencyKind.MANAGER),
        consent_recorded=True,
        cards=[{seeds[SEEDS[3]].pk: 1}],
    )
    exported(capsys, conversation, tmp_path / "out")
    again = read_export(tmp_path / "out")
    assert {s.text for s in again.statements} == set(SEEDS)
    assert {s.moderated for s in again.statements} == {1}
    assert written.text not in (tmp_path / "out" / "comments.csv").read_text()
    assert "Not accepted." not in (tmp_path / "out" / "comments.csv").read_text()
    assert len(again.votes) == 7 and len(again.votes.participant_ids) == 3
    assert sorted(again.votes.participant_ids) == ["0", "1", "2"]
    assert Counter((again.texts[s], v) for _p, s, v in again.votes.records()) == Counter(
        {(SEEDS[0], 1): 2, (SEEDS[1], -1): 2, (SEEDS[2], 0): 2, (SEEDS[3], 1): 1}
    )


def test_import_and_export_are_in_the_audit_log(
    capsys: pytest.CaptureFixture[str], partnership: Partnership, tmp_path: Path
) -> None:
    conversation = imported(capsys, POLIS_DATA / "brexit-consensus", partnership.slug)
    exported(capsys, conversation, tmp_path / "out")
    events = AuditEvent.objects.filter(partnership=partnership, target_id=str(conversation.pk))
    assert sorted(events.values_list("action", "actor")) == [
        ("conversation.export", None),
        ("conversation.import", None),
    ]
    words = [entry.what for entry in audit_entries_for(partnership=partnership)]
    question = "“Imported from Polis: brexit-consensus”"
    assert f"Imported the conversation {question} from a Polis export" in words[1]
    assert words[0].startswith(f"Wrote out the statements and votes of the conversation {question}")


def test_a_question_can_be_given(
    capsys: pytest.CaptureFixture[str], partnership: Partnership
) -> None:
    code, out, _err = run(
        capsys,
        "conversations",
        "import-polis",
        str(POLIS_DATA / "brexit-consensus"),
        "--partnership",
        partnership.slug,
        "--question",
        "  What should   happen after Brexit? ",
    )
    assert code == 0
    assert Conversation.objects.get().question == "What should happen after Brexit?"
    assert "50 statements (0 not accepted) and 5,303 votes from 204 people" in out


def test_the_village_command_has_the_subcommands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "village.cli", "conversations", "import-polis", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "--partnership" in result.stdout, result.stderr


def _nothing_imported() -> None:
    assert not Conversation.objects.exists() and not Statement.objects.exists()
    assert not Voter.objects.exists() and not Vote.objects.exists()
    assert not AuditEvent.objects.filter(action="conversation.import").exists()


def _refused(code: int, out: str, err: str, words: str) -> None:
    assert code != 0 and not out
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert words in err, err


def _copy(tmp_path: Path, name: str = "brexit-consensus") -> Path:
    folder = tmp_path / "copy"
    folder.mkdir()
    for source in (POLIS_DATA / name).iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
    return folder


def _broken(tmp_path: Path, file: str, content: bytes) -> Path:
    folder = _copy(tmp_path)
    (folder / file).write_bytes(content)
    return folder


BAD_FOLDERS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing folder": (lambda tmp: tmp / "nowhere", "not a directory"),
    "a file, not a folder": (
        lambda tmp: _copy(tmp) / "votes.csv",
        "not a directory",
    ),
    "no comments.csv": (
        lambda tmp: polis_folder(tmp / "x", [], []).joinpath("comments.csv").unlink() or tmp / "x",
        "comments.csv: cannot read file",
    ),
    "no votes.csv": (
        lambda tmp: polis_folder(tmp / "x", [], []).joinpath("votes.csv").unlink() or tmp / "x",
        "votes.csv: cannot read file",
    ),
    "empty comments.csv": (
        lambda tmp: _broken(tmp, "comments.csv", b""),
        "comments.csv, line 1: file is empty",
    ),
    "empty votes.csv": (
        lambda tmp: _broken(tmp, "votes.csv", b""),
        "votes.csv, line 1: file is empty",
    ),
    "no statements": (
        lambda tmp: polis_folder(tmp / "x", [], []),
        "comments.csv has no statements",
    ),
    "missing column": (
        lambda tmp: _broken(tmp, "votes.csv", b"comment-id,voter,vote\n1,2,1\n"),
        "missing column(s): voter-id",
    ),
    "unclosed quote": (
        lambda tmp: _broken(
            tmp, "comments.csv", (COMMENTS_HEADER + '\n1,x,0,0,0,0,1,"open\n').encode()
        ),
        "comments.csv, line 2: malformed CSV",
    ),
    "too many fields": (
        lambda tmp: _broken(tmp, "votes.csv", (VOTES_HEADER + "\n1,x,0,0,1,extra\n").encode()),
        "votes.csv, line 2: expected 5 fields, found 6",
    ),
    "broken participants-votes.csv": (
        lambda tmp: _broken(tmp, "participants-votes.csv", b"participant,group-id\n1,two\n"),
        "group-id 'two' is not an integer",
    ),
    "Latin-1, not UTF-8": (
        lambda tmp: _broken(
            tmp, "comments.csv", (COMMENTS_HEADER + "\n1,x,0,0,0,0,1,caf\xe9\n").encode("latin-1")
        ),
        "comments.csv, line 2: not valid UTF-8 text",
    ),
    "UTF-16": (
        lambda tmp: _broken(tmp, "votes.csv", (VOTES_HEADER + "\n").encode("utf-16")),
        "votes.csv, line 1: not valid UTF-8 text",
    ),
    "a vote of 2": (
        lambda tmp: polis_folder(tmp / "x", [comment(1, "One.")], [vote_row(1, "a", 2)]),
        "votes.csv, line 2: unknown vote value '2'",
    ),
    "a vote on a comment not in comments.csv": (
        lambda tmp: polis_folder(tmp / "x", [comment(1, "One.")], [vote_row(7, "a", 1)]),
        "votes.csv has votes on comment 7, which comments.csv does not have",
    ),
    "moderated 5": (
        lambda tmp: polis_folder(tmp / "x", [comment(1, "One.", 5)], []),
        "comment 1 has moderated 5; Polis uses -1, 0 or 1",
    ),
    "a statement of spaces": (
        lambda tmp: polis_folder(tmp / "x", [comment(1, "  \t ")], []),
        "comment 1 has no words",
    ),
    "a vote from the future": (
        lambda tmp: polis_folder(
            tmp / "x", [comment(1, "One.")], [vote_row(1, "a", 1, 4_000_000_000_000)]
        ),
        "votes.csv has a timestamp before 1970 or after today",
    ),
    "a statement before 1970": (
        lambda tmp: polis_folder(tmp / "x", [comment(1, "One.", stamp=-5)], []),
        "comments.csv has a timestamp before 1970 or after today",
    ),
    "a huge statement": (
        lambda tmp: polis_folder(tmp / "x", [comment(1, "word " * 40_000)], []),
        "comment 1 is 200,000 characters long; Village keeps statements to 500",
    ),
    "a field larger than the reader takes": (
        lambda tmp: polis_folder(tmp / "x", [comment(1, "word " * 600_000)], []),
        "comments.csv, line 2: malformed CSV (field larger than field limit",
    ),
}


@pytest.mark.parametrize("case", BAD_FOLDERS)
def test_bad_folders_are_refused_in_one_line_and_nothing_is_written(
    capsys: pytest.CaptureFixture[str], partnership: Partnership, tmp_path: Path, case: str
) -> None:
    make, words = BAD_FOLDERS[case]
    folder = make(tmp_path)
    code, out, err = run(
        capsys, "conversations", "import-polis", str(folder), "--partnership", partnership.slug
    )
    _refused(code, out, err, words)
    _nothing_imported()


def test_an_unknown_partnership_is_refused(
    capsys: pytest.CaptureFixture[str], partnership: Partnership
) -> None:
    folder = str(POLIS_DATA / "brexit-consensus")
    code, out, err = run(capsys, "conversations", "import-polis", folder, "--partnership", "x'--")
    _refused(code, out, err, 'There is no partnership "x\'--".')
    code, out, err = run(capsys, "conversations", "import-polis", folder)
    assert code != 0 and "--partnership" in err
    _nothing_imported()


def test_a_failure_while_writing_leaves_nothing(
    partnership: Partnership, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = services._insert_rows

    def fail_at_the_votes(model: type, columns: dict[str, list[object]]) -> None:
        if model is Vote:
            raise OSError("the disk is full")
        real(model, columns)

    monkeypatch.setattr(services, "_insert_rows", fail_at_the_votes)
    with pytest.raises(OSError, match="disk is full"):
        services.conversation_import_polis(
            partnership=partnership,
            export=read_export(POLIS_DATA / "brexit-consensus"),
            question="Brexit",
        )
    _nothing_imported()


def test_nul_characters_are_taken_out(
    capsys: pytest.CaptureFixture[str], partnership: Partnership, tmp_path: Path
) -> None:
    folder = polis_folder(tmp_path / "x", [comment(1, "before\x00after")], [vote_row(1, "a", 1)])
    conversation = imported(capsys, folder, partnership.slug)
    assert Statement.objects.get(conversation=conversation).text == "beforeafter"


@pytest.mark.parametrize("number", ["999999", "abc", "-1", "１２", "1.5", ""])
def test_export_of_an_unknown_conversation_is_refused(
    capsys: pytest.CaptureFixture[str], conversation: Conversation, tmp_path: Path, number: str
) -> None:
    code, out, err = run(capsys, "conversations", "export-polis", number, str(tmp_path / "out"))
    _refused(code, out, err, f"There is no conversation {number!r}.")
    assert not (tmp_path / "out").exists()


def test_export_never_writes_into_a_folder_with_files(
    capsys: pytest.CaptureFixture[str], conversation: Conversation, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    code, out, err = run(capsys, "conversations", "export-polis", str(conversation.pk), str(folder))
    _refused(code, out, err, "is not empty. Choose a new or empty folder")
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    code, out, err = run(
        capsys, "conversations", "export-polis", str(conversation.pk), str(folder / "notes.txt")
    )
    _refused(code, out, err, "notes.txt is a file, not a folder.")
    empty = tmp_path / "empty"
    empty.mkdir()
    exported(capsys, conversation, empty)
    assert sorted(p.name for p in empty.iterdir()) == [
        "comments.csv",
        "participants-votes.csv",
        "votes.csv",
    ]
    assert AuditEvent.objects.filter(action="conversation.export").count() == 1


def test_export_that_cannot_write_leaves_no_folder(
    capsys: pytest.CaptureFixture[str],
    conversation: Conversation,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from village.engines.opinions import polis_write

    def full(table: object, path: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(polis_write, "_write", full)
    code, out, err = run(
        capsys, "conversations", "export-polis", str(conversation.pk), str(tmp_path / "out")
    )
    _refused(code, out, err, "Could not write to")
    assert "No space left on device" in err
    assert not (tmp_path / "out").exists()
    assert not AuditEvent.objects.filter(action="conversation.export").exists()


def test_vote_days_survive_the_round_trip_as_days(
    capsys: pytest.CaptureFixture[str], partnership: Partnership, tmp_path: Path
) -> None:
    folder = polis_folder(
        tmp_path / "x",
        [comment(1, "One.")],
        [vote_row(1, "a", 1, JULY_2017), vote_row(1, "b", -1, JULY_2017 + 40 * DAY)],
    )
    conversation = imported(capsys, folder, partnership.slug)
    exported(capsys, conversation, tmp_path / "out")
    stamps = read_export(tmp_path / "out").votes.timestamp
    assert stamps is not None
    assert (stamps % DAY == 0).all()
    assert sorted(np.asarray(stamps // DAY).tolist()) == [JULY_2017 // DAY, JULY_2017 // DAY + 40]
