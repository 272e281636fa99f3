"""`village lens`: every input kind, every output format, every bad input, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.engines.lens.conftest import CORPORA, load_corpus
from village.engines.lens import default_glossary, extract, find
from village.engines.lens.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_reads_every_supported_kind(
    capsys: pytest.CaptureFixture[str], documents: dict[str, Path]
) -> None:
    names = ["notes.txt", "notes.md", "page.html", "report.docx", "letter.pdf", "blank.pdf"]
    code, out, err = run(capsys, "--format", "json", *(documents[name] for name in names))
    assert code == 0 and err == ""
    found = {
        Path(item["path"]).name: [(f["entry"], f["text"]) for f in item["findings"]]
        for item in json.loads(out)["files"]
    }
    assert found == {
        "notes.txt": [("abscond", "absconded"), ("placement", "placement")],
        "notes.md": [],  # suppressed with <!-- lens-ignore-line -->
        "page.html": [("lac-review", "LAC review")],  # no script text
        "report.docx": [("respite", "Respite care"), ("kicking-off", "Kicked off")],
        "letter.pdf": [("alcoholic", "alcoholic")],  # but not "alcoholic drinks"
        "blank.pdf": [],
    }


def test_txt_offsets_are_offsets_into_the_file(
    capsys: pytest.CaptureFixture[str], documents: dict[str, Path]
) -> None:
    text = documents["notes.txt"].read_bytes().decode()
    _code, out, _err = run(capsys, "--format", "json", documents["notes.txt"])
    for finding in json.loads(out)["files"][0]["findings"]:
        assert text[finding["start"] : finding["end"]] == finding["text"]


def test_stdin_and_the_json_shape(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"placement")))
    code, out, _err = run(capsys, "--format", "json", "-")
    assert code == 0
    (finding,) = json.loads(out)["files"][0]["findings"]
    assert json.loads(out)["files"][0]["path"] == "-"
    assert {k: finding[k] for k in ("start", "end", "line", "column", "text", "entry")} == {
        "start": 0, "end": 9, "line": 1, "column": 1, "text": "placement", "entry": "placement",
    }  # fmt: skip
    assert finding["category"] == "institutional" and finding["severity"] == "warning"
    assert finding["alternatives"][0] == "home"
    assert finding["reason"] and set(finding["source"]) >= {"title", "url"}


def test_human_output_shows_the_line_a_caret_the_suggestion_and_reason(
    capsys: pytest.CaptureFixture[str], documents: dict[str, Path]
) -> None:
    code, out, _err = run(capsys, documents["notes.txt"])
    assert code == 0
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.endswith("(placement)"))
    assert lines[header].startswith(f"{documents['notes.txt']}:1:23: warning [institutional]")
    assert lines[header + 1] == "    He absconded from his placement."
    assert lines[header + 2] == "    " + " " * 22 + "^" * 9
    assert lines[header + 3].startswith("    Try: home;")
    assert lines[header + 4].startswith("    Why: ")
    assert lines[header + 5].startswith("    Source: Language guide")
    assert lines[-1] == "2 findings in 1 file"


def test_sarif_is_valid_2_1_0(
    capsys: pytest.CaptureFixture[str], documents: dict[str, Path]
) -> None:
    code, out, _err = run(
        capsys, "--format", "sarif", documents["notes.txt"], documents["locked.pdf"]
    )
    assert code == 2
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run_,) = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert run_["tool"]["driver"]["name"] == "village-lens"
    assert run_["columnKind"] == "unicodeCodePoints"
    assert [rule["id"] for rule in rules] == ["abscond", "placement"]
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"none", "note", "warning", "error"}
        assert result["message"]["text"]
        (location,) = result["locations"]
        region = location["physicalLocation"]["region"]
        assert location["physicalLocation"]["artifactLocation"]["uri"].endswith("notes.txt")
        assert set(region) >= {"startLine", "startColumn", "endColumn", "charOffset", "charLength"}
    (notification,) = run_["invocations"][0]["toolExecutionNotifications"]
    assert run_["invocations"][0]["executionSuccessful"] is False
    assert "password" in notification["message"]["text"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("image.txt", "looks like a binary file"),
        ("huge.txt", "100 MB is larger than the 20 MB limit"),
        ("latin1.txt", "not valid utf-8 text (first bad byte at offset 3)"),
        ("locked.pdf", "the PDF is password-protected"),
        ("corrupt.docx", "not a valid .docx file"),
        ("corrupt.pdf", "not a readable PDF"),
    ],
)
def test_bad_inputs_get_one_clear_line_and_the_rest_are_still_read(
    capsys: pytest.CaptureFixture[str], documents: dict[str, Path], name: str, message: str
) -> None:
    code, out, err = run(capsys, documents[name], documents["notes.txt"])
    assert code == 2
    assert err.startswith(f"village lens: {documents[name]}: {message}")
    assert err.count("\n") == 1
    assert "2 findings in 1 file; 1 file could not be read" in out


def test_errors_never_echo_file_contents(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    secret = "Jamie Smith lives at 4 Elm Road"
    path = tmp_path / "secret.txt"
    path.write_bytes(secret.encode() + b"\xff\xfe")
    code, out, err = run(capsys, "--format", "json", path)
    assert code == 2
    assert "Jamie" not in err and "Elm" not in err and "Jamie" not in out


def test_huge_file_is_refused_without_reading_it(
    documents: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_reading(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_reading)
    with pytest.raises(extract.ExtractError, match="larger than"):
        extract.read_path(str(documents["huge.txt"]))


def test_missing_file_directory_and_unsupported_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, documents: dict[str, Path]
) -> None:
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    code, _out, err = run(capsys, tmp_path / "nope.txt", tmp_path / "old.doc")
    assert code == 2
    assert "nope.txt: no such file" in err
    assert "old Word .doc files are not supported; save it as .docx" in err


def test_a_directory_reads_every_supported_file_inside(
    capsys: pytest.CaptureFixture[str], documents: dict[str, Path]
) -> None:
    folder = documents["notes.txt"].parent
    _code, out, _err = run(capsys, "--format", "json", folder)
    paths = {Path(item["path"]).name for item in json.loads(out)["files"]}
    assert {"notes.txt", "notes.md", "report.docx", "locked.pdf"} <= paths


def test_fail_on_and_min_severity(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("His siblings visit.", encoding="utf-8")  # one info finding
    assert run(capsys, path)[0] == 0
    assert run(capsys, "--fail-on", "info", path)[0] == 1
    assert run(capsys, "--fail-on", "warning", path)[0] == 0
    code, out, _err = run(capsys, "--min-severity", "suggestion", "--fail-on", "info", path)
    assert code == 0 and out.strip() == "0 findings in 1 file"


def test_config_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("His siblings visit.", encoding="utf-8")
    settings = tmp_path / "partnership.yaml"
    settings.write_text("severity: {siblings: error}\n", encoding="utf-8")
    assert run(capsys, "--config", settings, "--fail-on", "error", path)[0] == 1
    settings.write_text("disable: [sibling]\n", encoding="utf-8")
    code, _out, err = run(capsys, "--config", settings, path)
    assert code == 2 and "no glossary entry has the id 'sibling'" in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys)[0] == 2
    assert run(capsys, "--format", "xml", "x.txt")[0] == 2
    code, out, _err = run(capsys, "--help")
    assert code == 0 and "lens-ignore-line" in out and "Exit status" in out


def test_explain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "--explain", "co-regulating")
    assert code == 0 and out.startswith("co-regulation\n")
    assert run(capsys, "--explain", "zzz")[0] == 2


@pytest.mark.parametrize("word", ["non-compliant", "addict", "failed to engage", "Addicts", "lac"])
def test_explain_flagged_words(capsys: pytest.CaptureFixture[str], word: str) -> None:
    code, out, err = run(capsys, "--explain", word)
    assert code == 0, err
    assert "Try:" in out and "Source: " in out and "https://" in out


def test_explain_works_for_every_form_of_every_entry(capsys: pytest.CaptureFixture[str]) -> None:
    failures = []
    for entry in default_glossary():
        for form in (*entry.variants, *entry.exact):
            code, out, _err = run(capsys, "--explain", form)
            if code != 0 or not out.startswith(f"{entry.term} ("):
                failures.append(f"{form!r} ({entry.id})")
    assert not failures


def test_explain_works_for_every_word_flagged_in_the_corpora(
    capsys: pytest.CaptureFixture[str],
) -> None:
    flagged = {
        (finding.text, finding.entry)
        for name in CORPORA
        for sentence in load_corpus(CORPORA[name])
        for finding in find(sentence["text"])
    }
    assert len(flagged) > 250
    for text, entry in flagged:
        code, out, _err = run(capsys, "--explain", text)
        assert code == 0 and out.startswith(f"{entry.term} ("), text


def test_explain_uses_the_partnership_glossary(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "partnership.yaml"
    config.write_text(
        'entries:\n- id: our-word\n  term: our word\n  variants: ["our word{,s}"]\n'
        "  alternatives: [a kinder word]\n  category: jargon\n  severity: info\n"
        "  reason: Because we agreed.\n  fine_when: Never.\n  sources: [nlc]\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--config", config, "--explain", "our words")
    assert code == 0, err
    assert out.startswith("our word (info, jargon)") and "Because we agreed." in out


def test_village_command_dispatches_without_django(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from village.cli import main as village

    path = tmp_path / "a.txt"
    path.write_text("placement", encoding="utf-8")
    assert village(["lens", "--fail-on", "warning", str(path)]) == 1
    assert "placement" in capsys.readouterr().out
