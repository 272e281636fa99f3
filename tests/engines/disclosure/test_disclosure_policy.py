"""Policy floors can be raised, never lowered; counts are rounded to the nearest 5."""

from __future__ import annotations

import pytest

from village.engines.disclosure import Policy, PolicyError


def test_defaults_are_5_people_and_10_commenters() -> None:
    policy = Policy()
    assert (policy.minimum, policy.comment_minimum, policy.rounding_base) == (5, 10, 5)


def test_a_partnership_may_raise_the_minimums() -> None:
    policy = Policy(minimum=8, comment_minimum=15)
    assert (policy.minimum, policy.comment_minimum) == (8, 15)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"minimum": 4},
        {"minimum": 0},
        {"comment_minimum": 9},
        {"minimum": 12, "comment_minimum": 10},
        {"rounding_base": 0},
        {"mean_decimals": -1},
    ],
)
def test_weaker_policies_cannot_be_built(kwargs: dict[str, int]) -> None:
    with pytest.raises(PolicyError):
        Policy(**kwargs)


@pytest.mark.parametrize(
    ("count", "rounded"), [(5, 5), (6, 5), (7, 5), (8, 10), (12, 10), (13, 15), (100, 100)]
)
def test_counts_round_to_the_nearest_5(count: int, rounded: int) -> None:
    assert Policy().round_count(count) == rounded


def test_rounding_base_of_one_keeps_exact_counts_and_says_nothing_about_rounding() -> None:
    policy = Policy(rounding_base=1)
    assert policy.round_count(7) == 7
    assert "rounded" not in policy.note
    assert "rounded to the nearest 5" in Policy().note
