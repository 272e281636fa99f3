"""``village lens``: read documents through the care-language glossary.

Runs without Django or a database. See ``village lens --help`` for options and exit codes.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TextIO

from village.engines.lens import extract, output
from village.engines.lens.config import PartnershipConfig, apply_config, load_config, parse_config
from village.engines.lens.glossary import SEVERITIES, GlossaryError, severity_rank
from village.engines.lens.matcher import Matcher, default_matcher
from village.engines.lens.vocabulary import explain

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

# Reads a partnership's glossary settings (plain data, as for --config) by its short name,
# or None when no partnership has it. `village lens` passes one that reads the database.
SettingsLoader = Callable[[str], Mapping[str, Any] | None]

_EPILOG = f"""\
Reads .txt, .md, .html, .docx and .pdf files (a directory: every such file inside it), or
standard input for '-'. Offsets and columns refer to the text as extracted; for '-' and .txt
that is the file's own text. Files larger than --max-mb are refused without being read.

Inline suppression (write it anywhere, usually in a comment such as <!-- ... -->):
  lens-ignore-line                 no findings on this line
  lens-ignore-next-line            no findings on the next line
  lens-ignore-start / lens-ignore-end   no findings in between
  lens-ignore: placement, contact  no findings for these entries or words in the file
  Add ': names' to the first three to silence only those entries or words.

Severities: {" < ".join(SEVERITIES)}.

Exit status:
  0  no finding at or above --fail-on (or --fail-on not given)
  1  at least one finding at or above --fail-on
  2  a file could not be read, or the options, --config file or --partnership are wrong
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="village lens",
        description="Point out stigmatising, deficit, blaming, institutional and jargon words, "
        "with kinder alternatives, the reason and the source.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or directories; - for stdin"
    )
    parser.add_argument(
        "--format", choices=("human", "json", "sarif"), default="human", help="output format"
    )
    parser.add_argument(
        "--fail-on", choices=SEVERITIES, metavar="SEVERITY", help="exit 1 on findings this severe"
    )
    parser.add_argument(
        "--min-severity",
        choices=SEVERITIES,
        default="info",
        metavar="SEVERITY",
        help="report only findings at least this severe (default: info)",
    )
    parser.add_argument("--config", metavar="FILE", help="partnership settings (YAML)")
    parser.add_argument(
        "--partnership",
        metavar="SLUG",
        help="use this partnership's glossary, as its admins set it in Village (reads the "
        "database)",
    )
    parser.add_argument(
        "--encoding", default="utf-8", help="encoding of text files (default: utf-8)"
    )
    parser.add_argument(
        "--max-mb",
        type=int,
        default=extract.MAX_BYTES // (1024 * 1024),
        metavar="MB",
        help=f"largest file to read (default: {extract.MAX_BYTES // (1024 * 1024)})",
    )
    parser.add_argument(
        "--explain",
        metavar="WORD",
        help="explain a word the lens flags (any form it matches), or a trauma- or "
        "recovery-informed word, and exit",
    )
    return parser


def _expand(paths: Sequence[str]) -> Iterator[str]:
    for path in paths:
        if path != "-" and os.path.isdir(path):
            found = sorted(
                os.path.join(root, name)
                for root, _dirs, names in os.walk(path)
                for name in names
                if os.path.splitext(name)[1].lower() in extract.SUPPORTED_SUFFIXES
            )
            yield from found
        else:
            yield path


def _explain(word: str, out: TextIO, matcher: Matcher) -> int:
    """A word that helps (the vocabulary) or a word the lens flags (the glossary), explained."""
    term = explain(word)
    if term is not None:
        sources = "; ".join(f"{source.title} {source.url}" for source in term.sources)
        out.write(f"{term.term}\n\n{term.explanation}\n\nSource: {sources}\n")
        return EXIT_OK
    entry = matcher.entry_for(word)
    if entry is None:
        print(f"village lens: no explanation for {word!r}", file=sys.stderr)
        return EXIT_ERROR
    out.write(output.explanation(entry))
    return EXIT_OK


def _config(args: argparse.Namespace, load_settings: SettingsLoader | None) -> PartnershipConfig:
    """The settings from --config or --partnership, or none; GlossaryError when wrong."""
    if args.config and args.partnership:
        raise GlossaryError("give --config or --partnership, not both")
    if args.config:
        return load_config(args.config)
    if not args.partnership:
        return PartnershipConfig()
    if load_settings is None:
        raise GlossaryError("--partnership needs Village's database: run it as `village lens`")
    settings = load_settings(args.partnership)
    if settings is None:
        raise GlossaryError(f"no partnership has the short name {args.partnership!r}")
    return parse_config(settings, where=f"the glossary of {args.partnership}")


def main(argv: Sequence[str] | None = None, *, load_settings: SettingsLoader | None = None) -> int:
    """Run the command; returns the exit status. ``load_settings`` reads --partnership."""
    parser = _parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as stop:
        return int(stop.code or 0)
    if not args.paths and not args.explain:
        parser.print_usage(sys.stderr)
        print("village lens: give at least one PATH, or - for standard input", file=sys.stderr)
        return EXIT_ERROR
    if args.max_mb < 1:
        print("village lens: --max-mb must be 1 or more", file=sys.stderr)
        return EXIT_ERROR
    try:
        config = _config(args, load_settings)
        matcher = (
            Matcher(apply_config(config)) if config != PartnershipConfig() else default_matcher()
        )
    except GlossaryError as error:
        print(f"village lens: {error}", file=sys.stderr)
        return EXIT_ERROR
    if args.explain:
        return _explain(args.explain, sys.stdout, matcher)
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    limit = args.max_mb * 1024 * 1024
    reports: list[output.FileReport] = []
    for path in _expand(args.paths):
        try:
            if path == "-":
                text = extract.read_stream(sys.stdin.buffer, encoding=args.encoding, limit=limit)
            else:
                text = extract.read_path(path, encoding=args.encoding, limit=limit)
        except extract.ExtractError as error:
            print(f"village lens: {path}: {error}", file=sys.stderr)
            reports.append(output.FileReport(path=path, error=str(error)))
            continue
        findings = matcher.find(text, min_severity=args.min_severity)
        reports.append(output.FileReport(path=path, findings=findings, text=text))
    render: dict[str, Callable[[Sequence[output.FileReport]], str]] = {
        "human": output.human,
        "json": output.as_json,
        "sarif": output.as_sarif,
    }
    sys.stdout.write(render[args.format](reports))
    if any(report.error is not None for report in reports):
        return EXIT_ERROR
    if args.fail_on is not None:
        floor = severity_rank(args.fail_on)
        if any(
            severity_rank(finding.severity) >= floor
            for report in reports
            for finding in report.findings
        ):
            return EXIT_FINDINGS
    return EXIT_OK
