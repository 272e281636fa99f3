"""Language lens against alex (npm, its text() API): words per second and peak memory.

    python bench/lens.py           # ~1 MB of text (alex must be installable)
    python bench/lens.py --small   # ~100 KB, for CI; runs without alex if npm is missing

The text is built deterministically from the labelled corpus in tests/engines/lens and
neutral filler sentences. Each tool runs in its own fresh process on the same text: it reads
the text, warms up on the first 20,000 characters, then times three full passes and reports
the fastest (the machine may be busy with other work). Peak memory is the whole process's
peak resident set after the first pass (later passes only add uncollected garbage):
ru_maxrss for Python, process.resourceUsage().maxRSS for Node, input included. Words are
whitespace-separated tokens, counted once for both.
alex 11 is installed on first use with `npm install --prefix bench/.node alex@11`.

It then times each tool as a whole process, as a person runs it: `village lens FILE` against
alex's own command line (`alex --text FILE`), start to exit, the fastest of three runs each,
output thrown away. That includes starting Python or Node, loading the glossary or alex's
rules, reading the file and writing the findings. The lens's first run, with an empty cache
folder, builds the compiled glossary it keeps for later runs; it is printed apart.

It also times the web app's live-hints endpoint (POST /language/hints/) through Django's
test client in a fresh process, on drafts of 2,000 characters from the same text: the
median and 95th percentile of 200 requests, each the whole request and response cycle
(middleware, matcher, template) without a network.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "engines" / "lens" / "corpus.yaml"
NODE_DIR = REPO / "bench" / ".node"
ALEX_SCRIPT = REPO / "bench" / "lens_alex.mjs"
ALEX_CLI = NODE_DIR / "node_modules" / "alex" / "cli.js"
VILLAGE = Path(sys.executable).parent / "village"
HINT_DRAFT_CHARS = 2_000
HINT_REQUESTS = 200
REPEATS = 3  # timed passes per tool; the fastest counts (the machine may be shared)
SUBJECTS = [
    "The team",
    "Our partnership",
    "The school",
    "Her teacher",
    "The health visitor",
    "Everyone at the meeting",
    "The family",
    "His grandad",
    "The youth worker",
]
VERBS = ["talked about", "planned", "wrote down", "agreed", "looked at", "shared", "asked about"]
OBJECTS = [
    "the summer holidays",
    "a new timetable",
    "the bus to college",
    "lunch on Friday",
    "what went well this term",
    "the next steps",
    "a trip to the library",
    "how to make the forms simpler",
    "the garden project",
    "money for the club",
]
ENDINGS = [
    "before the end of the week.",
    "with real care.",
    "over a cup of tea.",
    "and everyone had a say.",
    "so that nobody was left out.",
    "at the family centre.",
]


def build_text(size: int) -> str:
    """Deterministic text: one corpus sentence in four, the rest neutral filler."""
    sentences = [item["text"] for item in yaml.safe_load(CORPUS.read_text())["sentences"]]
    rng = random.Random(20250404)
    parts: list[str] = []
    length = 0
    while length < size:
        if rng.random() < 0.25:
            sentence = rng.choice(sentences)
        else:
            sentence = " ".join(
                (rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(ENDINGS))
            )
        parts.append(sentence)
        length += len(sentence) + 1
        if rng.random() < 0.15:
            parts.append("\n\n")
    return " ".join(parts)


def lens_worker(path: str) -> None:
    """Run inside a fresh process: time the lens on the file and print JSON."""
    started = time.perf_counter()
    from village.engines.lens.matcher import default_matcher

    matcher = default_matcher()
    load_seconds = time.perf_counter() - started
    text = Path(path).read_text(encoding="utf-8")
    matcher.find(text[:20000])
    timings = []
    peak_kb = 0
    for _ in range(REPEATS):
        start = time.perf_counter()
        findings = matcher.find(text)
        timings.append(time.perf_counter() - start)
        peak_kb = peak_kb or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    seconds = min(timings)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "findings": len(findings),
                "peak_kb": peak_kb,
                "load_seconds": load_seconds,
            }
        )
    )


def hints_worker(path: str) -> None:
    """Run inside a fresh process: time the hints endpoint on drafts cut from the file."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "village.config.settings")
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    text = Path(path).read_text(encoding="utf-8")
    client = Client(HTTP_HOST="localhost")
    url = reverse("language:hints")
    step = max(1, (len(text) - HINT_DRAFT_CHARS) // HINT_REQUESTS)
    drafts = [text[i * step : i * step + HINT_DRAFT_CHARS] for i in range(HINT_REQUESTS)]
    client.post(url, {"text": drafts[0], "for": "id_text"})  # warm up: glossary, templates
    times = []
    for draft in drafts:
        started = time.perf_counter()
        response = client.post(url, {"text": draft, "for": "id_text"})
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"the hints endpoint answered {response.status_code}")
    times.sort()
    print(
        json.dumps(
            {
                "p50_ms": times[len(times) // 2] * 1000,
                "p95_ms": times[int(len(times) * 0.95) - 1] * 1000,
                "max_ms": times[-1] * 1000,
            }
        )
    )


def ensure_alex() -> str | None:
    """Install alex under bench/.node if needed; the reason it is unavailable, or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    if (NODE_DIR / "node_modules" / "alex" / "index.js").exists():
        return None
    if shutil.which("npm") is None:
        return "npm is not installed"
    result = subprocess.run(
        ["npm", "install", "--prefix", str(NODE_DIR), "alex@11", "--no-audit", "--no-fund"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return f"npm install alex@11 failed: {result.stderr.strip().splitlines()[-1:]}"
    return None


def whole_process_seconds(
    command: list[str], env: dict[str, str] | None = None
) -> tuple[float, float]:
    """The first and the fastest of REPEATS runs of a command, start to exit, its output
    thrown away."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        subprocess.run(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env
        )
        times.append(time.perf_counter() - start)
    return times[0], min(times)


def run_json(command: list[str], path: Path) -> dict[str, float]:
    with path.open("rb") as stdin:
        result = subprocess.run(command, stdin=stdin, capture_output=True, check=True)
    return dict(json.loads(result.stdout.decode().strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="~100 KB instead of ~1 MB")
    parser.add_argument("--worker", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--hints-worker", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        lens_worker(args.worker)
        return 0
    if args.hints_worker:
        hints_worker(args.hints_worker)
        return 0
    size = 100_000 if args.small else 1_000_000
    text = build_text(size)
    words = len(text.split())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "text.txt"
        path.write_text(text, encoding="utf-8")
        print(f"text: {len(text.encode()):,} bytes, {words:,} words (same text for both)")
        lens = run_json([sys.executable, __file__, "--worker", str(path)], path)
        hints = run_json([sys.executable, __file__, "--hints-worker", str(path)], path)
        # An empty cache folder: the first run builds the kept glossary, later runs read it,
        # as a person's first and later runs would.
        kept_home = Path(folder) / "cache"
        lens_first, lens_process = whole_process_seconds(
            [str(VILLAGE), "lens", str(path)], env={**os.environ, "XDG_CACHE_HOME": str(kept_home)}
        )
        missing = ensure_alex()
        alex = None if missing else run_json(["node", str(ALEX_SCRIPT)], path)
        alex_process = (
            None
            if missing
            else whole_process_seconds(["node", str(ALEX_CLI), "--text", str(path)])[1]
        )
    rows = [("village lens", lens)] + ([("alex 11", alex)] if alex else [])
    print(f"{'tool':<14}{'words/s':>14}{'seconds':>10}{'peak MB':>10}{'findings':>10}")
    for name, result in rows:
        print(
            f"{name:<14}{words / result['seconds']:>14,.0f}{result['seconds']:>10.3f}"
            f"{result['peak_kb'] / 1024:>10.1f}{int(result['findings']):>10,}"
        )
    print(f"lens glossary load and compile: {lens['load_seconds']:.3f} s (once per process)")
    print(
        f"hints endpoint, {HINT_REQUESTS} drafts of {HINT_DRAFT_CHARS:,} characters: "
        f"p50 {hints['p50_ms']:.1f} ms, p95 {hints['p95_ms']:.1f} ms, max {hints['max_ms']:.1f} ms"
    )
    print(
        f"whole process, `village lens FILE`: {lens_process:.3f} s "
        f"({lens_first:.3f} s the first time, while it builds the kept glossary)"
    )
    if alex and alex_process:
        print(f"whole process, `alex --text FILE`: {alex_process:.3f} s")
        print(f"lens speed-up over alex, matching only: {alex['seconds'] / lens['seconds']:.1f}x")
        print(f"lens speed-up over alex, whole processes: {alex_process / lens_process:.1f}x")
        return 0
    print(f"alex: not available ({missing})")
    return 0 if args.small else 1


if __name__ == "__main__":
    sys.exit(main())
