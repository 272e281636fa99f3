"""`village opinions analyse DIR`: analyse a Polis export folder and print the results.

The whole output is built before anything is printed, so an error never leaves half a
report behind; import errors become one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from village.engines.opinions.engine import analyse
from village.engines.opinions.metrics import ari_on_common
from village.engines.opinions.polis_io import PolisExport, PolisImportError, read_export
from village.engines.opinions.results import OpinionResult

EXIT_INPUT_ERROR = 2
TEXT_WIDTH = 90


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="village opinions",
        description="Opinion groups, common ground and bridging from Polis-style votes.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("analyse", help="analyse a Polis export folder")
    run.add_argument("directory", type=Path, help="folder with comments.csv and votes.csv")
    run.add_argument("--format", choices=("json", "text"), default="text")
    run.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    run.add_argument(
        "--constituencies",
        type=Path,
        default=None,
        help="CSV with participant,constituency (default: constituencies.csv in DIR)",
    )
    run.add_argument("--indent", type=int, default=None, help="indent JSON output")
    return parser


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= TEXT_WIDTH else flat[: TEXT_WIDTH - 1] + "…"


def render_text(result: OpinionResult, export: PolisExport) -> str:
    """A readable summary: groups and what they stand for, common ground, divides."""
    texts = export.texts
    lines = [f"Status: {result.status}. {result.message}"]
    if result.ok:
        lines.append("")
        lines.append("Opinion groups")
        for group in result.groups:
            lines.append(f"  Group {group.id}: {group.size} participants")
            for rep in group.representative:
                lines.append(
                    f"    {rep.direction:<8} {rep.probability:4.0%}  #{rep.statement} "
                    f"{_short(texts.get(rep.statement, ''))}"
                )
        if export.polis_groups is not None:
            ari, shared = ari_on_common(result.groups_by_participant(), export.polis_groups)
            lines.append(f"  Agreement with Polis's own groups: ARI {ari:.3f} ({shared} people)")
        lines.append("")
        lines.append("Common ground")
        for sid in result.common_ground[:10] or ():
            s = result.statement(sid)
            lines.append(f"  #{sid} consensus {s.consensus:.2f}  {_short(texts.get(sid, ''))}")
        if not result.common_ground:
            lines.append("  none yet")
        bridging = sorted(
            (s for s in result.statements if s.bridging is not None),
            key=lambda s: -(s.bridging or 0.0),
        )[:5]
        lines.append("")
        lines.append("Bridging (highest statement intercepts)")
        for s in bridging:
            lines.append(f"  #{s.id} {s.bridging:+.3f}  {_short(texts.get(s.id, ''))}")
    if result.divides:
        lines.append("")
        lines.append("Divides between constituencies")
        for d in result.divides:
            lines.append(
                f"  #{d.statement} spread {d.spread:.2f}  {_short(texts.get(d.statement, ''))}"
            )
    if result.constituencies:
        lines.append("")
        lines.append("Voice balance (share of participants / statements / votes / agreement)")
        for v in result.voice_balance:
            lines.append(
                f"  {v.constituency:<16} {v.participants_share:5.0%} {v.statements_share:5.0%}"
                f" {v.votes_share:5.0%} {v.agreement_share:5.0%}"
            )
    lines.append("")
    lines.append(
        "Timings: "
        + ", ".join(f"{stage} {seconds:.3f}s" for stage, seconds in result.timings.items())
    )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str]) -> int:
    """Entry point for `village opinions ...`; returns the exit code."""
    try:
        args = _parser().parse_args(list(argv))
    except SystemExit as stop:
        return int(stop.code or 0)
    try:
        export = read_export(args.directory, constituencies=args.constituencies)
    except PolisImportError as error:
        print(f"village opinions: error: {error}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    analysis = analyse(
        votes=export.votes,
        constituencies=export.constituencies,
        moderated=export.moderated,
        authors=export.authors,
        seed=args.seed,
    )
    if args.format == "json":
        output = analysis.result.to_json(indent=args.indent) + "\n"
    else:
        output = render_text(analysis.result, export)
    sys.stdout.write(output)
    return 0
