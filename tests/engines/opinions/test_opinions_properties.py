"""Properties that must hold for any conversation (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from village.engines.opinions.engine import analyse, next_statement_priorities
from village.engines.opinions.matrix import Votes
from village.engines.opinions.metrics import adjusted_rand_index
from village.engines.opinions.results import OpinionResult
from village.engines.opinions.synthetic import generate

conversations = st.builds(
    lambda n, s, seed: generate(
        n_participants=n, n_statements=s, density=0.6, seed=seed, group_shares=(0.5, 0.5)
    ),
    st.integers(min_value=20, max_value=60),
    st.integers(min_value=8, max_value=20),
    st.integers(min_value=0, max_value=10_000),
)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _renamed(
    votes: Votes, rng: np.random.Generator
) -> tuple[Votes, dict[str, str], dict[str, str]]:
    """Same votes under shuffled ids, so the canonical order of everyone changes."""
    p_new = [f"q{i}" for i in rng.permutation(len(votes.participant_ids))]
    s_new = [f"t{i}" for i in rng.permutation(len(votes.statement_ids))]
    renamed = Votes(
        participant_ids=tuple(p_new),
        statement_ids=tuple(s_new),
        participant=votes.participant,
        statement=votes.statement,
        value=votes.value,
    )
    return (
        renamed,
        dict(zip(votes.participant_ids, p_new, strict=True)),
        dict(zip(votes.statement_ids, s_new, strict=True)),
    )


def _comparable(result: OpinionResult, statement_name: dict[str, str]) -> dict[str, tuple]:
    out = {}
    for s in result.statements:
        out[statement_name.get(s.id, s.id)] = (
            s.agree,
            s.disagree,
            s.passes,
            s.common_ground,
            round(s.consensus or 0.0, 9),
            None if s.bridging is None else round(s.bridging, 4),
        )
    return out


@SETTINGS
@given(conversation=conversations, seed=st.integers(0, 2**16))
def test_reordering_changes_only_group_labels(conversation, seed: int) -> None:
    votes = conversation.votes
    renamed, p_name, s_name = _renamed(votes, np.random.default_rng(seed))
    first = analyse(votes=votes, seed=1).result
    second = analyse(votes=renamed, seed=1).result
    assert first.status == second.status
    groups_a = first.groups_by_participant()
    groups_b = second.groups_by_participant()
    people = sorted(groups_a)
    assert sorted(p_name[p] for p in people) == sorted(groups_b)
    a = [str(groups_a[p]) for p in people]
    b = [str(groups_b[p_name[p]]) for p in people]
    assert adjusted_rand_index(a, b) == 1.0
    for p in people:
        pa, pb = first.participant(p), second.participant(p_name[p])
        assert abs(pa.x - pb.x) < 1e-6 and abs(pa.y - pb.y) < 1e-6
    assert _comparable(first, s_name) == _comparable(second, {})
    assert sorted(g.size for g in first.groups) == sorted(g.size for g in second.groups)


@SETTINGS
@given(
    conversation=conversations,
    changes=st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), st.sampled_from([-1, 0, 1])),
        max_size=40,
    ),
)
def test_duplicate_votes_resolve_to_the_latest(conversation, changes) -> None:
    records = conversation.votes.records()
    people = conversation.votes.participant_ids
    statements = conversation.votes.statement_ids
    # Earlier contradicting votes first, then the real ones: the real ones must win.
    early = [(people[p % len(people)], statements[s % len(statements)], v) for p, s, v in changes]
    early = [r for r in early if any(r[0] == q and r[1] == t for q, t, _ in records)] or early[:0]
    latest: dict[tuple[str, str], int] = {}
    for p, s, v in [*early, *records]:
        latest[(p, s)] = v
    with_duplicates = analyse(votes=Votes.from_records([*early, *records]), seed=2).result
    deduplicated = analyse(
        votes=Votes.from_records([(p, s, v) for (p, s), v in latest.items()]), seed=2
    ).result
    assert _comparable(with_duplicates, {}) == _comparable(deduplicated, {})
    assert with_duplicates.groups_by_participant() == deduplicated.groups_by_participant()


@SETTINGS
@given(conversation=conversations, pick=st.integers(0, 10**6))
def test_moderated_statement_leaves_every_result(conversation, pick: int) -> None:
    votes = conversation.votes
    removed = votes.statement_ids[pick % len(votes.statement_ids)]
    analysis = analyse(votes=votes, moderated={removed}, seed=3)
    result = analysis.result
    assert removed not in {s.id for s in result.statements}
    assert removed in result.excluded_statements
    assert all(removed != r.statement for g in result.groups for r in g.representative)
    assert all(removed != d.statement for d in result.divides)
    assert removed not in result.common_ground
    assert removed not in result.as_dict()["statements"]  # type: ignore[operator]
    for participant in result.participant_ids[:5]:
        assert removed not in next_statement_priorities(
            analysis=analysis, participant_id=participant
        )
