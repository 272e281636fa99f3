"""``village instruments``: list the shipped instruments and score answers by hand.

Lets a researcher check the scoring against a paper copy without Django or a database.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from village.engines.instruments.errors import AnswerError, InstrumentError
from village.engines.instruments.loader import get_instrument, load_instruments
from village.engines.instruments.scoring import score

USAGE_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """Report usage errors as one line on stderr with exit code 2, like scoring errors."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="village instruments", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser("list", help="list the instruments")
    scorer = commands.add_parser("score", help="score one set of answers")
    scorer.add_argument("instrument_id", metavar="ID")
    scorer.add_argument("--answers", required=True, help="answer codes in item order: 1,2,...")
    return parser


def _parse_answers(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",")]
    except ValueError:
        raise AnswerError(
            f"answers must be whole numbers separated by commas; got {text!r}"
        ) from None


def _list() -> str:
    lines = []
    for instrument in load_instruments().values():
        subscales = ", ".join(s.id for s in instrument.subscales)
        flags = " [licence must be confirmed]" if instrument.licence.requires_confirmation else ""
        lines.append(
            f"{instrument.id}\t{instrument.short_name}\t{instrument.item_count} items\t"
            f"{subscales}{flags}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    """Run the command; print results on stdout, or one error line on stderr and return 2."""
    try:
        args = _parser().parse_args(list(argv))
        if args.command == "list":
            print(_list())
            return 0
        instrument = get_instrument(args.instrument_id)
        result = score(instrument=instrument, answers=_parse_answers(args.answers))
    except (_UsageError, AnswerError, InstrumentError) as exc:
        print(f"village instruments: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    print(json.dumps(result.as_dict(), indent=2))
    return 0
