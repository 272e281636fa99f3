"""The analysis pipeline end to end on small and synthetic conversations."""

from __future__ import annotations

import json

import numpy as np

from village.engines.opinions.engine import analyse, next_statement_priorities, update
from village.engines.opinions.matrix import VoteMatrix, Votes, build_matrix, merge_votes
from village.engines.opinions.metrics import adjusted_rand_index, ari_on_common
from village.engines.opinions.priority import pick_next
from village.engines.opinions.synthetic import generate


def test_planted_groups_are_recovered_at_five_percent_density() -> None:
    conversation = generate(n_participants=3000, n_statements=1000, density=0.05, seed=7)
    result = analyse(votes=conversation.votes, seed=0).result
    ari, placed = ari_on_common(result.groups_by_participant(), conversation.planted_by_id())
    assert result.ok
    assert placed >= 2900
    assert ari >= 0.95


def test_json_has_the_documented_shape(tiny_votes: Votes) -> None:
    result = analyse(votes=tiny_votes, seed=0).result
    data = json.loads(result.to_json())
    assert data["status"] == "ok"
    assert set(data["participants"]) == {f"p{i}" for i in range(12)}
    first = data["participants"]["p0"]
    assert isinstance(first["group"], int) and isinstance(first["x"], float)
    assert {g["id"] for g in data["groups"]} == {0, 1}
    assert all(isinstance(s, str) for g in data["groups"] for s in g["representative"])
    common = data["statements"]["common"]
    assert (common["agree"], common["disagree"], common["pass"]) == (12, 0, 0)
    assert common["common_ground"] is True
    assert common["balanced_support"] is None
    assert isinstance(common["consensus"], float)
    assert common["bridging"] is None or isinstance(common["bridging"], float)
    assert all(isinstance(v, float) for v in data["timings"].values())


def test_two_camps_split_and_common_statement_bridges(tiny_votes: Votes) -> None:
    result = analyse(votes=tiny_votes, seed=0).result
    groups = result.groups_by_participant()
    assert len({groups[f"p{i}"] for i in range(6)}) == 1
    assert len({groups[f"p{i}"] for i in range(6, 12)}) == 1
    assert groups["p0"] != groups["p6"]
    assert result.common_ground == ("common",)
    bridging = {s.id: s.bridging for s in result.statements}
    assert bridging["common"] is not None
    assert bridging["common"] == max(b for b in bridging.values() if b is not None)


def test_constituency_figures() -> None:
    records = []
    for p in range(12):
        records += [(f"p{p}", "shared", 1), (f"p{p}", "split", 1 if p < 6 else -1)]
        records += [(f"p{p}", f"x{s}", 1 if (p < 6) == (s % 2 == 0) else -1) for s in range(8)]
    constituencies = {f"p{p}": "family" if p < 6 else "practitioner" for p in range(12)}
    constituencies["p11"] = "manager"
    authors = {"shared": "p0", "split": "p7"}
    result = analyse(
        votes=Votes.from_records(records),
        constituencies=constituencies,
        authors=authors,
        seed=0,
    ).result
    shared = result.statement("shared")
    assert shared.balanced_support is not None
    # Each constituency weighs the same: manager's single vote counts as much as six.
    expected = np.mean([7 / 8, 6 / 7, 2 / 3])
    assert abs(shared.balanced_support - expected) < 1e-9
    # One manager vote is below the minimum per cell, so nothing is common ground yet.
    assert not shared.common_ground
    assert result.divides[0].statement == "split"
    voice = {v.constituency: v for v in result.voice_balance}
    assert voice["family"].statements_written == 1
    assert voice["practitioner"].statements_written == 1
    assert abs(sum(v.participants_share for v in voice.values()) - 1) < 1e-12
    assert voice["family"].agreement_received == 12


def test_not_enough_votes_is_a_result_not_an_error() -> None:
    cases = {
        "none": Votes.from_records([]),
        "one participant": Votes.from_records([("a", "1", 1), ("a", "2", -1)]),
        "one statement": Votes.from_records([("a", "1", 1), ("b", "1", -1)]),
        "all passes": Votes.from_records([(p, s, 0) for p in "abc" for s in "123"]),
    }
    for name, votes in cases.items():
        result = analyse(votes=votes, seed=0).result
        assert result.status == "not_enough_votes", name
        assert result.message.startswith("Not enough votes yet"), name
        assert result.groups == ()
        json.loads(result.to_json())


def test_fixed_seed_gives_identical_results() -> None:
    conversation = generate(n_participants=400, n_statements=60, density=0.3, seed=3)
    first = analyse(votes=conversation.votes, seed=11).result.as_dict()
    second = analyse(votes=conversation.votes, seed=11).result.as_dict()
    first.pop("timings")
    second.pop("timings")
    assert first == second


def test_too_few_votes_are_flagged(tiny_votes: Votes) -> None:
    votes = Votes.from_records([*tiny_votes.records(), ("p0", "late", 1)])
    result = analyse(votes=votes, seed=0).result
    late = result.statement("late")
    assert late.too_few_votes and late.bridging is None
    assert not result.statement("common").too_few_votes


def test_priorities_exclude_what_a_participant_voted_on(tiny_votes: Votes) -> None:
    votes = Votes.from_records([*tiny_votes.records(), ("p0", "new", 1), ("newcomer", "s0", 1)])
    analysis = analyse(votes=votes, meta={"new"}, seed=0)
    mine = next_statement_priorities(analysis=analysis, participant_id="newcomer")
    assert "s0" not in mine and set(mine) >= {"s1", "common", "new"}
    assert mine["new"] == 49.0
    assert all(v > 0 for v in mine.values())
    assert next_statement_priorities(analysis=analysis, participant_id="p0") == {}
    assert pick_next(priorities=mine, rng=np.random.default_rng(0)) in mine


def test_update_keeps_groups_and_matches_ids() -> None:
    conversation = generate(n_participants=2000, n_statements=400, density=0.1, seed=5)
    before = analyse(votes=conversation.votes, seed=0)
    extra = generate(n_participants=2000, n_statements=400, density=0.001, seed=6).votes
    after = update(previous=before, new_votes=extra)
    old = before.result.groups_by_participant()
    new = after.result.groups_by_participant()
    same = [p for p in old if old[p] is not None and new[p] is not None]
    agreeing = sum(old[p] == new[p] for p in same) / len(same)
    assert agreeing > 0.99  # the same ids, not just the same partition
    assert after.result.groups[0].id == before.result.groups[0].id
    assert after.matrix.values.nnz >= before.matrix.values.nnz


def test_update_equals_latest_votes() -> None:
    base = Votes.from_records(
        [(f"p{p}", f"s{s}", 1 if p % 2 else -1) for p in range(6) for s in range(8)]
    )
    before = analyse(votes=base, seed=0)
    changed = Votes.from_records([("p0", "s0", 1), ("p0", "s0", 0), ("p7", "s1", 1)])
    after = update(previous=before, new_votes=changed).result
    s0 = after.statement("s0")
    assert (s0.agree, s0.disagree, s0.passes) == (3, 2, 1)
    assert "p7" in after.participant_ids


def test_adjusted_rand_index() -> None:
    assert adjusted_rand_index([0, 0, 1, 1], [5, 5, 9, 9]) == 1.0
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) < 0


def test_merged_matrix_equals_building_from_all_votes() -> None:
    first = generate(n_participants=300, n_statements=40, density=0.2, seed=1).votes
    later = Votes.from_records(
        [*generate(n_participants=320, n_statements=45, density=0.05, seed=2).votes.records()]
    )
    merged = merge_votes(matrix=build_matrix(votes=first), new_votes=later)
    rebuilt = build_matrix(votes=Votes.from_records([*first.records(), *later.records()]))

    def cells(m: VoteMatrix) -> dict[tuple[str, str], float]:
        coo = m.values.tocoo()
        return {
            (m.participant_ids[r], m.statement_ids[c]): float(v)
            for r, c, v in zip(coo.row, coo.col, coo.data, strict=True)
        }

    assert merged.values.has_sorted_indices
    assert cells(merged) == cells(rebuilt)
