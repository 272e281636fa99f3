"""Opinion engine against red-dwarf 0.4.0: speed, memory and quality, side by side.

    python bench/opinions.py           # 50k and 100k x 2,000 at 5%, the update, real data
    python bench/opinions.py --small   # the same sections at a CI-friendly size (< 1 minute)

Every timed run happens in a fresh subprocess that first builds its input (generated
votes; for red-dwarf also its list of vote dicts), then notes its resident memory,
runs the analysis and reports wall time, CPU time (all threads; on a busy machine wall
time includes waiting for a core, CPU time does not) and peak resident memory
(ru_maxrss, which counts numpy's C allocations). "peak" is the whole process, input
included; "added" is the peak minus the memory in use once the input was ready.

Real-data figures use the Polis open data in tests/data/polis (CC BY 4.0, attribution
to The Computational Democracy Project; see ATTRIBUTION.md there).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
POLIS_DATA = REPO / "tests" / "data" / "polis"
DENSITY = 0.05
UPDATE_SHARE = 0.01


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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


def worker(args: argparse.Namespace) -> None:
    """One measured run; prints a JSON line."""
    from village.engines.opinions.engine import analyse, update
    from village.engines.opinions.metrics import ari_on_common
    from village.engines.opinions.synthetic import generate

    conversation = generate(
        n_participants=args.participants,
        n_statements=args.statements,
        density=DENSITY,
        seed=args.seed,
    )
    planted = conversation.planted_by_id()
    report: dict[str, object] = {"votes": len(conversation.votes)}
    if args.worker == "reddwarf":
        votes = _reddwarf_votes(conversation.votes)
        before = _rss_mb()
        start, cpu = time.perf_counter(), time.process_time()
        groups = _reddwarf_groups(votes, (), args.seed)
    elif args.worker == "engine":
        before = _rss_mb()
        start, cpu = time.perf_counter(), time.process_time()
        result = analyse(
            votes=conversation.votes, constituencies=conversation.constituencies, seed=args.seed
        ).result
        groups = result.groups_by_participant()
        report["stages"] = result.timings
    else:
        previous = analyse(
            votes=conversation.votes, constituencies=conversation.constituencies, seed=args.seed
        )
        extra = generate(
            n_participants=args.participants,
            n_statements=args.statements,
            density=DENSITY * UPDATE_SHARE,
            seed=args.seed + 1,
        )
        report["new_votes"] = len(extra.votes)
        before = _rss_mb()
        start, cpu = time.perf_counter(), time.process_time()
        analysis = update(previous=previous, new_votes=extra.votes)
        groups = analysis.result.groups_by_participant()
        report["stages"] = analysis.result.timings
        report["unchanged"] = ari_on_common(groups, previous.result.groups_by_participant())[0]
    report["seconds"] = time.perf_counter() - start
    report["cpu_seconds"] = time.process_time() - cpu
    report["peak_mb"] = _peak_mb()
    report["added_mb"] = max(_peak_mb() - before, 0.0)
    report["ari"] = ari_on_common(groups, planted)[0]
    print(json.dumps(report))


def _measure(kind: str, participants: int, statements: int, seed: int) -> dict[str, object]:
    command = [
        sys.executable,
        __file__,
        "--worker",
        kind,
        "--participants",
        str(participants),
        "--statements",
        str(statements),
        "--seed",
        str(seed),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _row(name: str, figures: dict[str, object]) -> str:
    return (
        f"  {name:<10} {figures['seconds']:>8.2f} s (cpu {figures['cpu_seconds']:>7.2f} s)"
        f"  peak {figures['peak_mb']:>7.0f} MB"
        f"  (added {figures['added_mb']:>6.0f} MB)  ARI vs planted {figures['ari']:.3f}"
    )


def speed(sizes: list[tuple[int, int, bool]], update_size: tuple[int, int], seed: int) -> None:
    print("Speed and memory (synthetic, 3 planted groups, 5% density)")
    print(f"  load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for participants, statements, with_reddwarf in sizes:
        print(f"{participants:,} participants x {statements:,} statements:")
        ours = _measure("engine", participants, statements, seed)
        print(_row("village", ours), f"[{ours['votes']:,} votes]")
        print("    stages:", ", ".join(f"{k} {v:.2f}" for k, v in ours["stages"].items()))  # type: ignore[attr-defined]
        if with_reddwarf:
            theirs = _measure("reddwarf", participants, statements, seed)
            print(_row("red-dwarf", theirs))
            print(
                f"  village is {float(theirs['seconds']) / float(ours['seconds']):.1f}x faster"  # type: ignore[arg-type]
            )
        else:
            print("  red-dwarf  skipped at this size (its silhouette over all pairs of")
            print("             participants would take many minutes and tens of GB)")
    participants, statements = update_size
    print(f"Update after 1% more votes, {participants:,} x {statements:,}:")
    figures = _measure("update", participants, statements, seed)
    print(_row("village", figures), f"[{figures['new_votes']:,} new votes]")
    print(f"    groups kept (ARI before vs after): {figures['unchanged']:.3f}")
    print("    stages:", ", ".join(f"{k} {v:.2f}" for k, v in figures["stages"].items()))  # type: ignore[attr-defined]


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
    parser.add_argument("--worker", choices=("engine", "reddwarf", "update"))
    parser.add_argument("--participants", type=int)
    parser.add_argument("--statements", type=int)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    if args.small:
        speed([(5_000, 400, True)], (5_000, 400), args.seed)
    else:
        speed([(50_000, 2_000, True), (100_000, 2_000, False)], (100_000, 2_000), args.seed)
    quality(args.seed)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    main()
