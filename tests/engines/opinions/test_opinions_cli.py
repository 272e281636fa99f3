"""`village opinions analyse`: output formats and one-line errors with exit code 2."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from village.engines.opinions.cli import main

COMMENTS = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
VOTES = "timestamp,datetime,comment-id,voter-id,vote\n"


def _export(tmp_path: Path, votes: str, comments: str | None = None) -> Path:
    folder = tmp_path / "export"
    folder.mkdir()
    rows = (
        comments
        if comments is not None
        else COMMENTS + "".join(f'{i},x,{i},0,0,0,1,"Statement {i}"\n' for i in range(6))
    )
    (folder / "comments.csv").write_text(rows, encoding="utf-8")
    (folder / "votes.csv").write_text(votes, encoding="utf-8")
    return folder


def _good_votes() -> str:
    lines = [VOTES]
    for p in range(12):
        for s in range(6):
            vote = (1 if p < 6 else -1) * (1 if s % 2 else -1)
            lines.append(f"{p * 10 + s},x,{s},{p},{vote}\n")
    return "".join(lines)


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _export(tmp_path, _good_votes())
    (folder / "constituencies.csv").write_text(
        "participant,constituency\n"
        + "".join(f"{p},{'family' if p % 2 else 'other'}\n" for p in range(12))
    )
    assert main(["analyse", str(folder), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "ok"
    assert set(data["statements"]) == {str(s) for s in range(6)}
    assert data["constituencies"] == ["family", "other"]
    assert data["statements"]["0"]["balanced_support"] is not None
    assert {"participants", "groups", "timings"} <= set(data)


def test_text_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _export(tmp_path, _good_votes())
    assert main(["analyse", str(folder), "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Status: ok.")
    assert "Opinion groups" in out and "Statement" in out


def test_real_export_as_text(polis_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyse", str(polis_data / "brexit-consensus")]) == 0
    assert "Agreement with Polis's own groups" in capsys.readouterr().out


def test_not_enough_votes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _export(tmp_path, VOTES + "1,x,0,0,1\n")
    assert main(["analyse", str(folder), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "not_enough_votes"


BAD_VOTES = {
    "malformed CSV": (VOTES + '1,x,0,0,1\n2,"x,1,0,1\n', "votes.csv, line 3"),
    "wrong field count": (VOTES + "1,x,0,0,1\n2,x,1,0\n", "votes.csv, line 3"),
    "unknown vote value": (VOTES + "1,x,0,0,1\n2,x,1,0,2\n", "votes.csv, line 3"),
    "missing column": ("timestamp,datetime,comment-id,voter-id\n1,x,0,0\n", "votes.csv, line 1"),
}


@pytest.mark.parametrize("case", sorted(BAD_VOTES))
def test_bad_votes_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    content, where = BAD_VOTES[case]
    folder = _export(tmp_path, content)
    assert main(["analyse", str(folder), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert where in captured.err
    assert captured.err.count("\n") == 1


def test_bad_encoding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _export(tmp_path, _good_votes())
    (folder / "comments.csv").write_bytes(
        COMMENTS.encode() + b'0,x,0,0,0,0,1,"ok"\n1,x,1,0,0,0,1,"caf\xe9"\n'
    )
    assert main(["analyse", str(folder), "--format", "text"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "comments.csv, line 3" in captured.err and "UTF-8" in captured.err


def test_missing_comment_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _export(tmp_path, _good_votes(), comments="comment-id,comment-body\n0,a\n")
    assert main(["analyse", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "comments.csv, line 1" in err and "author-id" in err


def test_subprocess_entry_point(tmp_path: Path) -> None:
    folder = _export(tmp_path, VOTES + "1,x,0,0,7\n")
    village = shutil.which("village", path=str(Path(sys.executable).parent))
    command = [village] if village else [sys.executable, "-m", "village.cli"]
    done = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [*command, "opinions", "analyse", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "votes.csv, line 2: unknown vote value '7'" in done.stderr
