"""`village instruments list` and `village instruments score`."""

from __future__ import annotations

import json

import pytest

from village.engines.instruments.cli import main


def test_list_shows_every_instrument_and_flags_licences(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == [
        "cbi",
        "family",
        "multiagency",
        "proqol5",
        "psychological_safety",
        "swemwbs",
    ]
    assert "licence must be confirmed" in lines[-1]


def test_score_prints_subscales_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "swemwbs", "--answers", "3,3,3,3,3,3,3"]) == 0
    output = json.loads(capsys.readouterr().out)
    assert output["instrument"] == "swemwbs"
    assert output["subscales"]["wellbeing"]["raw"] == 21
    assert output["subscales"]["wellbeing"]["score"] == 19.25
    assert output["subscales"]["wellbeing"]["band"] is None


def test_score_proqol_includes_bands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "proqol5", "--answers", ",".join(["5"] * 30)]) == 0
    subscales = json.loads(capsys.readouterr().out)["subscales"]
    assert subscales["compassion_satisfaction"] == {
        "name": "Compassion satisfaction",
        "raw": 50,
        "score": 50,
        "range": [10, 50],
        "band": "high",
    }


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["score", "swemwbs", "--answers", "3,3"], "needs 7 answers, got 2"),
        (["score", "swemwbs", "--answers", "3,3,3,3,3,3,9"], "answer must be one of"),
        (["score", "swemwbs", "--answers", "a,b"], "whole numbers"),
        (["score", "nope", "--answers", "1"], "unknown instrument 'nope'"),
        (["score", "swemwbs"], "--answers"),
        ([], "required"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert message in captured.err
