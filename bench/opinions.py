"""Opinion engine against red-dwarf 0.4.0: speed, memory and quality, side by side.

    python bench/opinions.py           # 50k x 2,000 export; 100k x 2,000 from arrays; real data
    python bench/opinions.py --small   # the same sections at a CI-friendly size (< 1 minute)

1. The whole `village opinions analyse` command against red-dwarf's pipeline, in one process
   on the same Polis export folder (generated: 3 planted groups, 5% density, every file a
   Polis export has). Ours is the command's own entry point with JSON output; red-dwarf's is
   its Polis CSV-export loader (given the local files instead of a web server), its duplicate
   vote filter and `run_pipeline`. Both libraries are imported before the clock starts.
2. The database path in a fresh process: the columns one query returns (pseudonym ids,
   statement ids, values, days) -> Votes.from_arrays -> analyse -> published JSON, then an
   update after 1% more votes, the same way.

Each run reports wall time, CPU time (all threads; on a busy machine wall time includes
waiting for a core, CPU time does not) and peak resident memory: in section 1 sampled every
5 ms by a thread while that run lasts (so it counts numpy's and Arrow's C allocations),
in section 2 the process's ru_maxrss, input included; "added" is peak minus the memory in
use when the run started.

Real-data figures use the Polis open data in tests/data/polis (CC BY 4.0, attribution
to The Computational Democracy Project; see ATTRIBUTION.md there).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[1]
POLIS_DATA = REPO / "tests" / "data" / "polis"
DENSITY = 0.05
UPDATE_SHARE = 0.01
START_MS = 1_767_225_600_000  # 1 January 2026
DAYS = 30


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Measured:
    """Wall and CPU time of a block, and the highest resident memory while it ran."""

    def __enter__(self) -> Measured:
        self.before = self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        self._start, self._cpu = time.perf_counter(), time.process_time()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss_mb())

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start
        self.cpu_seconds = time.process_time() - self._cpu
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())

    def figures(self) -> dict[str, float]:
        return {
            "seconds": self.seconds,
            "cpu_seconds": self.cpu_seconds,
            "peak_mb": self.peak,
            "added_mb": max(self.peak - self.before, 0.0),
        }


def _reddwarf_votes(votes):  # type: ignore[no-untyped-def]
    """Latest vote per participant and statement as red-dwarf's dicts (it rejects repeats)."""
    from village.engines.opinions.matrix import build_matrix

    matrix = build_matrix(votes=votes)
    coo = matrix.values.tocoo()
    pids = [int(p) for p in matrix.participant_ids]
    sids = [int(s) for s in matrix.statement_ids]
    return [
        {"participant_id": pids[p], "statement_id": sids[s], "vote": int(v), "modified": 0}
        for p, s, v in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True)
    ]


def _reddwarf_groups(votes, moderated, seed):  # type: ignore[no-untyped-def]
    from reddwarf.implementations.polis import run_pipeline

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = run_pipeline(
            votes=votes, mod_out_statement_ids=[int(m) for m in moderated], random_state=seed
        )
    labels = result.participants_df["cluster_id"]
    return {str(p): (None if str(g) == "<NA>" else int(g)) for p, g in labels.items()}


class _LocalExport:
    """Gives red-dwarf's CSV-export loader the files of a folder instead of a web server."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def get(self, url: str) -> SimpleNamespace:
        return SimpleNamespace(text=(self.directory / url).read_text(encoding="utf-8"))


def reddwarf_command(directory: Path, seed: int) -> dict[str, int | None]:
    """red-dwarf from the export folder to groups: its loader, duplicate filter, pipeline."""
    from reddwarf.data_loader import Loader

    loader = Loader()
    loader.session = _LocalExport(directory)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loader.load_remote_export_data_comments(directory_url="")
        loader.load_remote_export_data_votes(directory_url="")
    loader.filter_duplicate_votes(keep="recent")
    moderated = [c["statement_id"] for c in loader.comments_data if c["moderated"] == -1]
    return _reddwarf_groups(loader.votes_data, moderated, seed)


def village_command(directory: Path, seed: int) -> str:
    """`village opinions analyse DIR --format json`, run through its entry point."""
    from village.engines.opinions.cli import main

    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        code = main(["analyse", str(directory), "--format", "json", "--seed", str(seed)])
    if code != 0:
        raise SystemExit(f"village opinions analyse failed with exit code {code}")
    return output.getvalue()


def write_synthetic_export(directory: Path, participants: int, statements: int, seed: int):  # type: ignore[no-untyped-def]
    """A Polis export folder of a generated conversation; returns the conversation."""
    import numpy as np

    from village.engines.opinions.matrix import Votes
    from village.engines.opinions.polis_io import PolisExport, PolisStatement
    from village.engines.opinions.polis_write import write_export
    from village.engines.opinions.synthetic import generate

    conversation = generate(
        n_participants=participants, n_statements=statements, density=DENSITY, seed=seed
    )
    votes = conversation.votes
    cast = np.arange(len(votes), dtype=np.int64) * (DAYS * 86_400_000 // max(len(votes), 1))
    statements_written = tuple(
        PolisStatement(id=sid, text=f"Statement {sid}", author=sid, moderated=1, timestamp=START_MS)
        for sid in votes.statement_ids
    )
    stamped = Votes(
        participant_ids=votes.participant_ids,
        statement_ids=votes.statement_ids,
        participant=votes.participant,
        statement=votes.statement,
        value=votes.value,
        timestamp=START_MS + cast,
    )
    write_export(PolisExport(votes=stamped, statements=statements_written), directory)
    return conversation


def _row(name: str, figures: dict[str, float], ari: float) -> str:
    return (
        f"  {name:<10} {figures['seconds']:>8.2f} s (cpu {figures['cpu_seconds']:>7.2f} s)"
        f"  peak {figures['peak_mb']:>7.0f} MB  (added {figures['added_mb']:>6.0f} MB)"
        f"  ARI vs planted {ari:.3f}"
    )


def command_side_by_side(participants: int, statements: int, seed: int) -> None:
    with warnings.catch_warnings():  # imported before the clock starts
        warnings.simplefilter("ignore")
        import reddwarf.data_loader
        import reddwarf.implementations.polis  # noqa: F401

    import village.engines.opinions.cli  # noqa: F401
    from village.engines.opinions.metrics import ari_on_common

    print(f"Whole command on a Polis export, {participants:,} x {statements:,} at 5% (one process)")
    print(f"  load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="opinions-bench-") as folder:
        directory = Path(folder)
        conversation = write_synthetic_export(directory, participants, statements, seed)
        planted = conversation.planted_by_id()
        sizes = ", ".join(
            f"{p.name} {p.stat().st_size / 2**20:.0f} MB" for p in sorted(directory.iterdir())
        )
        print(f"  export: {len(conversation.votes):,} votes; {sizes}")
        del conversation
        with Measured() as ours:
            output = village_command(directory, seed)
        data = json.loads(output)
        groups = {pid: p["group"] for pid, p in data["participants"].items()}
        print(_row("village", ours.figures(), ari_on_common(groups, planted)[0]))
        print("    stages:", ", ".join(f"{k} {v:.2f}" for k, v in data["timings"].items()))
        print(
            "    reading the export and writing the JSON:"
            f" {ours.seconds - data['timings']['total']:.2f} s"
        )
        del output, data, groups
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "village.cli",
                "opinions",
                "analyse",
                str(directory),
                "--format",
                "json",
                "--seed",
                str(seed),
            ],
            stdout=subprocess.DEVNULL,
            check=True,
            env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        )
        command_seconds = time.perf_counter() - start
        print(f"    as a command (a new interpreter, imports included): {command_seconds:.2f} s")
        with Measured() as theirs:
            their_groups = reddwarf_command(directory, seed)
        print(_row("red-dwarf", theirs.figures(), ari_on_common(their_groups, planted)[0]))
    print(
        f"  village is {theirs.seconds / ours.seconds:.1f}x faster (wall), "
        f"{theirs.cpu_seconds / ours.cpu_seconds:.1f}x (cpu); as a command "
        f"{theirs.seconds / command_seconds:.1f}x"
    )


def database_worker(args: argparse.Namespace) -> None:
    """Columns as one query returns them -> engine -> published JSON; then an update."""
    import numpy as np

    from village.engines.opinions.engine import analyse, update
    from village.engines.opinions.matrix import Votes
    from village.engines.opinions.metrics import ari_on_common
    from village.engines.opinions.synthetic import generate

    def columns(conversation):  # type: ignore[no-untyped-def]
        votes = conversation.votes
        day = np.sort(np.random.default_rng(args.seed).integers(0, DAYS, size=len(votes)))
        return {
            "participant": votes.participant.astype(np.int64) + 1_000_000,  # pseudonym row ids
            "statement": votes.statement.astype(np.int64) + 1,
            "value": votes.value,
            "timestamp": np.datetime64("2026-01-01") + day.astype("timedelta64[D]"),
        }

    conversation = generate(
        n_participants=args.participants,
        n_statements=args.statements,
        density=DENSITY,
        seed=args.seed,
    )
    query = columns(conversation)
    constituencies = {str(int(p) + 1_000_000): c for p, c in conversation.constituencies.items()}
    planted = {str(int(p) + 1_000_000): g for p, g in conversation.planted_by_id().items()}
    report: dict[str, object] = {"votes": len(conversation.votes)}
    del conversation
    before = _rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    votes = Votes.from_arrays(**query)
    loaded = time.perf_counter()
    analysis = analyse(votes=votes, constituencies=constituencies, seed=args.seed)
    analysed = time.perf_counter()
    published = analysis.result.to_json()
    report["seconds"] = time.perf_counter() - start
    report["cpu_seconds"] = time.process_time() - cpu
    report["peak_mb"] = _peak_mb()
    report["added_mb"] = max(_peak_mb() - before, 0.0)
    report["steps"] = {
        "from_arrays": loaded - start,
        "analyse": analysed - loaded,
        "to_json": time.perf_counter() - analysed,
        "json_mb": len(published) / 2**20,
    }
    report["stages"] = analysis.result.timings
    report["ari"] = ari_on_common(analysis.result.groups_by_participant(), planted)[0]
    del published, votes

    extra = columns(
        generate(
            n_participants=args.participants,
            n_statements=args.statements,
            density=DENSITY * UPDATE_SHARE,
            seed=args.seed + 1,
        )
    )
    start, cpu = time.perf_counter(), time.process_time()
    updated = update(previous=analysis, new_votes=Votes.from_arrays(**extra))
    updated.result.to_json()
    report["update"] = {
        "new_votes": len(extra["value"]),
        "seconds": time.perf_counter() - start,
        "cpu_seconds": time.process_time() - cpu,
        "stages": updated.result.timings,
        "groups_kept": ari_on_common(
            updated.result.groups_by_participant(), analysis.result.groups_by_participant()
        )[0],
    }
    print(json.dumps(report))


def database_path(participants: int, statements: int, seed: int) -> None:
    command = [
        sys.executable,
        __file__,
        "--worker",
        "database",
        "--participants",
        str(participants),
        "--statements",
        str(statements),
        "--seed",
        str(seed),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"From database columns to published results, {participants:,} x {statements:,} at 5%")
    print(f"  load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(_row("village", figures, figures["ari"]), f"[{figures['votes']:,} votes]")
    steps = figures["steps"]
    print(
        f"    from_arrays {steps['from_arrays']:.2f} s, analyse {steps['analyse']:.2f} s, "
        f"to_json {steps['to_json']:.2f} s ({steps['json_mb']:.0f} MB of JSON)"
    )
    print("    stages:", ", ".join(f"{k} {v:.2f}" for k, v in figures["stages"].items()))
    again = figures["update"]
    print(f"Update after 1% more votes ({again['new_votes']:,}), arrays to published results:")
    print(
        f"  village    {again['seconds']:>8.2f} s (cpu {again['cpu_seconds']:>7.2f} s)"
        f"  groups kept (ARI before vs after) {again['groups_kept']:.3f}"
    )
    print("    stages:", ", ".join(f"{k} {v:.2f}" for k, v in again["stages"].items()))


def quality(seed: int) -> None:
    from village.engines.opinions.engine import analyse
    from village.engines.opinions.metrics import ari_on_common
    from village.engines.opinions.polis_io import read_export
    from village.engines.opinions.quality import group_prediction_accuracy, hold_out

    data = POLIS_DATA.resolve()
    if not data.is_dir():
        raise SystemExit(f"Polis open data not found at {data}")
    print()
    print("Real conversations (Polis open data, CC BY 4.0, The Computational Democracy Project)")
    print(f"  {'conversation':<18} {'ARI vs Polis groups':>26}   {'held-out accuracy (10%)':>30}")
    print(f"  {'':<18} {'village':>12} {'red-dwarf':>12}   {'village':>14} {'red-dwarf':>14}")
    for name in ("brexit-consensus", "vtaiwan.uberx"):
        export = read_export(data / name)
        assert export.polis_groups is not None
        ours = analyse(votes=export.votes, moderated=export.moderated, seed=seed).result
        theirs = _reddwarf_groups(_reddwarf_votes(export.votes), export.moderated, seed)
        ari_ours = ari_on_common(ours.groups_by_participant(), export.polis_groups)[0]
        ari_theirs = ari_on_common(theirs, export.polis_groups)[0]
        held = hold_out(votes=export.votes, fraction=0.1, seed=seed)
        ours_held = analyse(votes=held.visible, moderated=export.moderated, seed=seed).result
        theirs_held = _reddwarf_groups(_reddwarf_votes(held.visible), export.moderated, seed)
        acc_ours, n_ours = group_prediction_accuracy(
            held_out=held, groups=ours_held.groups_by_participant()
        )
        acc_theirs, n_theirs = group_prediction_accuracy(held_out=held, groups=theirs_held)
        print(
            f"  {name:<18} {ari_ours:>12.3f} {ari_theirs:>12.3f}   "
            f"{acc_ours:>8.3f} ({n_ours:>4}) {acc_theirs:>8.3f} ({n_theirs:>4})"
        )
    print("  (held-out: hidden agree/disagree votes of grouped voters, predicted from the")
    print("   smoothed agreement of the voter's group; in brackets, votes scored)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="CI size, under a minute")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--worker", choices=("database",))
    parser.add_argument("--participants", type=int)
    parser.add_argument("--statements", type=int)
    args = parser.parse_args()
    if args.worker:
        database_worker(args)
        return
    if args.small:
        database_path(10_000, 400, args.seed)
        print()
        command_side_by_side(5_000, 400, args.seed)
    else:
        database_path(100_000, 2_000, args.seed)
        print()
        command_side_by_side(50_000, 2_000, args.seed)
    quality(args.seed)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    main()
