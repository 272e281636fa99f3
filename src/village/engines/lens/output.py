"""Reports for people (the line, a caret, the suggestion), for scripts (JSON) and for
editors and CI (SARIF 2.1.0)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from village.engines.lens.glossary import Entry, Source
from village.engines.lens.matcher import Finding

TOOL_NAME = "village-lens"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"info": "note", "suggestion": "note", "warning": "warning", "error": "error"}
_CONTEXT = 100  # characters of a long line shown around a finding


@dataclass(frozen=True)
class FileReport:
    """The outcome for one input: its findings and text, or why it could not be read."""

    path: str
    findings: Sequence[Finding] = ()
    text: str = ""
    error: str | None = None


def _line_of(text: str, finding: Finding) -> tuple[str, int, int]:
    """The finding's (first) line, clipped around long lines, with caret start and width."""
    line_start = text.rfind("\n", 0, finding.start) + 1
    line_end = text.find("\n", finding.start)
    line_end = len(text) if line_end == -1 else line_end
    line = text[line_start:line_end].rstrip("\r")
    start = finding.start - line_start
    width = max(1, min(finding.end, line_start + len(line)) - finding.start)
    prefix = ""
    if len(line) > _CONTEXT * 2:
        cut = max(0, start - _CONTEXT // 2)
        prefix = "..." if cut else ""
        line = prefix + line[cut : cut + _CONTEXT * 2] + "..."
        start = start - cut + len(prefix)
    line = line.replace("\t", " ")
    return line, start, width


def _cite(entry: Entry) -> str:
    return _cite_source(entry.source)


def _cite_source(source: Source) -> str:
    details = ", ".join(part for part in (source.publisher, source.year) if part)
    return f"{source.title} ({details}) {source.url}" if details else f"{source.title} {source.url}"


def explanation(entry: Entry) -> str:
    """One glossary entry in plain words, for ``village lens --explain`` and the web."""
    lines = [
        f"{entry.term} ({entry.severity}, {entry.category})",
        "",
        entry.reason,
        "",
        f"Try: {'; '.join(entry.alternatives)}",
    ]
    if entry.fine_when:
        lines.append(f"Fine when: {entry.fine_when}")
    lines.extend(f"Source: {_cite_source(source)}" for source in entry.sources)
    return "\n".join(lines) + "\n"


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else f"{noun}s"


def human(reports: Sequence[FileReport]) -> str:
    """Readable report: location, the line with carets, the suggestion, reason and source."""
    blocks: list[str] = []
    total = 0
    for report in reports:
        if report.error is not None:
            continue
        for finding in report.findings:
            total += 1
            line, start, width = _line_of(report.text, finding)
            entry = finding.entry
            blocks.append(
                "\n".join(
                    [
                        f"{report.path}:{finding.line}:{finding.column}: {finding.severity} "
                        f"[{entry.category}] {finding.text!r} ({entry.id})",
                        f"    {line}",
                        f"    {' ' * start}{'^' * width}",
                        f"    Try: {'; '.join(entry.alternatives)}",
                        f"    Why: {entry.reason}",
                        f"    Source: {_cite(entry)}",
                    ]
                )
            )
    readable = sum(1 for report in reports if report.error is None)
    failed = len(reports) - readable
    summary = f"{total} {_plural(total, 'finding')} in {readable} {_plural(readable, 'file')}"
    if failed:
        summary += f"; {failed} {_plural(failed, 'file')} could not be read"
    return "\n\n".join([*blocks, summary]) + "\n"


def as_json(reports: Sequence[FileReport]) -> str:
    """``{"files": [{"path", "findings": [...]}]}``; unreadable files carry ``"error"``."""
    files: list[dict[str, Any]] = []
    for report in reports:
        item: dict[str, Any] = {
            "path": report.path,
            "findings": [finding.as_dict() for finding in report.findings],
        }
        if report.error is not None:
            item["error"] = report.error
        files.append(item)
    return json.dumps({"files": files}, ensure_ascii=False, indent=2) + "\n"


def _rule(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "name": entry.term,
        "shortDescription": {"text": f"{entry.term} ({entry.category})"},
        "fullDescription": {"text": entry.reason},
        "helpUri": entry.source.url,
        "help": {
            "text": f"Try: {'; '.join(entry.alternatives)}. {entry.reason} Source: {_cite(entry)}"
        },
        "defaultConfiguration": {"level": _SARIF_LEVEL[entry.severity]},
        "properties": {
            "category": entry.category,
            "severity": entry.severity,
            "alternatives": list(entry.alternatives),
            "tags": ["care-language", entry.category],
        },
    }


def as_sarif(reports: Sequence[FileReport], *, version: str = "0.1.0") -> str:
    """A SARIF 2.1.0 log with one run; columns count Unicode code points."""
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for report in reports:
        uri = "stdin" if report.path == "-" else report.path
        if report.error is not None:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": report.error},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}],
                }
            )
            continue
        for finding in report.findings:
            entry = finding.entry
            if entry.id not in index:
                index[entry.id] = len(rules)
                rules.append(_rule(entry))
            results.append(
                {
                    "ruleId": entry.id,
                    "ruleIndex": index[entry.id],
                    "level": _SARIF_LEVEL[finding.severity],
                    "message": {
                        "text": f"'{finding.text}': try {'; '.join(entry.alternatives)}. "
                        f"{entry.reason}"
                    },
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": uri},
                                "region": {
                                    "startLine": finding.line,
                                    "startColumn": finding.column,
                                    "endLine": finding.end_line,
                                    "endColumn": finding.end_column,
                                    "charOffset": finding.start,
                                    "charLength": finding.end - finding.start,
                                },
                            }
                        }
                    ],
                    "properties": {"category": entry.category, "severity": entry.severity},
                }
            )
    log = {
        "version": "2.1.0",
        "$schema": SARIF_SCHEMA,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": version,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "invocations": [
                    {
                        "executionSuccessful": not notifications,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": results,
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
