"""One deterministic test per rule of the guard."""

from __future__ import annotations

import pytest

from village.engines.disclosure import (
    DisclosureGuard,
    LogEntry,
    Policy,
    Population,
    PopulationError,
    Query,
    ReasonCode,
    Respondent,
    roll_up,
)


def people(
    count: int, score: float = 50.0, comment: str = "", **attributes: str
) -> list[Respondent]:
    return [
        Respondent(
            attributes=attributes,
            scores={"burnout": score},
            comments={"q": f"{comment} {i}"} if comment else {},
        )
        for i in range(count)
    ]


def codes(guard: DisclosureGuard, query: Query) -> dict[tuple[str, ...], str | None]:
    table = guard.table(query)
    return {c.key: (c.suppression.code if c.suppression else None) for c in table.cells}


def culture_amp_population() -> Population:
    """A department with Technology (9) and Sales (4), and another with Ops (12)."""
    return Population.snapshot(
        respondents=people(9, 40.0, dept="D", team="Tech")
        + people(4, 80.0, dept="D", team="Sales")
        + people(12, 30.0, dept="E", team="Ops")
    )


def test_small_group_is_hidden_with_a_plain_reason() -> None:
    guard = DisclosureGuard(population=culture_amp_population())
    sales = guard.table(Query.of(breakdown=["team"])).cells[1]
    assert sales.key == ("Sales",)
    assert sales.count is None and not sales.shown
    assert sales.suppression is not None
    assert sales.suppression.code is ReasonCode.SMALL_GROUP
    assert sales.suppression.message == (
        "Fewer than 5 people answered in this group, so it is hidden to protect their privacy."
    )


def test_the_minimum_in_messages_follows_the_policy() -> None:
    guard = DisclosureGuard(population=culture_amp_population(), policy=Policy(minimum=10))
    sales = guard.table(Query.of(breakdown=["team"])).cells[1]
    assert sales.suppression is not None
    assert sales.suppression.message.startswith("Fewer than 10 people")


def test_remainder_rule_blocks_a_cell_whose_parent_would_leave_a_small_rest() -> None:
    guard = DisclosureGuard(population=culture_amp_population())
    result = codes(guard, Query.of(breakdown=["team"], filters={"dept": "D"}))
    # Technology has 9, but the department minus Technology is Sales: 4 people.
    assert result[("Tech",)] is ReasonCode.REMAINDER
    assert result[("Sales",)] is ReasonCode.SMALL_GROUP


def test_remainder_rule_refuses_a_filter_whose_rest_is_small() -> None:
    population = Population.snapshot(
        respondents=people(8, agency="A", role="manager") + people(3, agency="A", role="staff")
        + people(10, agency="B", role="staff")
    )  # fmt: skip
    guard = DisclosureGuard(population=population)
    table = guard.table(Query.of(filters={"agency": "A", "role": "manager"}))
    assert table.refused is not None
    assert table.refused.code is ReasonCode.REMAINDER
    assert table.total.count is None


def test_secondary_suppression_hides_another_cell_when_the_total_gives_one_away() -> None:
    guard = DisclosureGuard(population=culture_amp_population())
    table = guard.table(Query.of(breakdown=["team"]))
    assert table.total.count == 25
    result = {c.key: c for c in table.cells}
    assert result[("Ops",)].count == 10  # 12, rounded
    assert result[("Sales",)].suppression is not None
    # Total minus Ops minus Technology would give Sales, so Technology is hidden too.
    tech = result[("Tech",)].suppression
    assert tech is not None and tech.code is ReasonCode.DIFFERENCING
    assert tech.message == (
        "Hidden because showing it would let someone work out a smaller group by subtraction."
    )


def test_differencing_across_queries_that_no_single_rule_catches() -> None:
    # A 2x2 of agency x role where only B-and-Y is small (2 people).
    population = Population.snapshot(
        respondents=people(6, agency="A", role="X") + people(6, agency="A", role="Y")
        + people(6, agency="B", role="X") + people(2, agency="B", role="Y")
    )  # fmt: skip
    guard = DisclosureGuard(population=population)
    assert set(codes(guard, Query.of(breakdown=["agency"])).values()) == {None}
    assert set(codes(guard, Query.of(breakdown=["role"])).values()) == {None}
    # A-and-X passes the size and remainder rules (6 left in A, 6 left in X), but with the
    # margins already shown it gives B-and-Y = Y - (A - A-and-X) = 8 - 6 = 2.
    result = codes(guard, Query.of(breakdown=["role"], filters={"agency": "A"}))
    assert result[("X",)] is ReasonCode.DIFFERENCING
    assert result[("Y",)] is ReasonCode.REMAINDER  # role Y minus A-and-Y is 2


def test_two_margins_over_small_cells_are_both_allowed() -> None:
    # Every agency x role cell has 3 people, but margins alone never pin down a cell.
    population = Population.snapshot(
        respondents=[p for a in "AB" for r in "XY" for p in people(3, agency=a, role=r)]
    )
    guard = DisclosureGuard(population=population)
    assert set(codes(guard, Query.of(breakdown=["agency"])).values()) == {None}
    assert set(codes(guard, Query.of(breakdown=["role"])).values()) == {None}
    crossed = codes(guard, Query.of(breakdown=["agency", "role"]))
    assert set(crossed.values()) == {ReasonCode.SMALL_GROUP}


def test_means_are_shown_only_for_shown_cells_and_rounded() -> None:
    guard = DisclosureGuard(population=culture_amp_population())
    table = guard.table(Query.of(breakdown=["dept"], measures=["burnout"]))
    department = {c.key: c for c in table.cells}
    assert department[("D",)].means["burnout"] == pytest.approx((9 * 40 + 4 * 80) / 13, abs=0.05)
    assert department[("E",)].means == {"burnout": 30.0}
    assert table.total.means["burnout"] == round((9 * 40 + 4 * 80 + 12 * 30) / 25, 1)
    teams = guard.table(Query.of(breakdown=["team"], measures=["burnout"]))
    assert all(not c.means for c in teams.cells if not c.shown)


def test_groups_with_nobody_are_shown_as_hidden_not_left_out() -> None:
    population = Population.snapshot(
        respondents=people(10, agency="A"), domains={"agency": ["A", "B"]}
    )
    result = codes(DisclosureGuard(population=population), Query.of(breakdown=["agency"]))
    assert result == {("A",): None, ("B",): ReasonCode.SMALL_GROUP}


def test_small_teams_roll_up_into_their_parent() -> None:
    parents = {"service": None, "east": "service", "west": "service", "west-1": "west"}
    population = Population.snapshot(
        respondents=people(7, team="east") + people(2, team="west") + people(3, team="west-1")
        + people(1, team="service")
    )  # fmt: skip
    rolled = roll_up(population=population, attribute="team", parents=parents, minimum=5)
    # west-1 (3) joins west (2): 5 together, so west is reported and holds both.
    assert dict(rolled.reported_as) == {
        "service": "service",
        "east": "east",
        "west": "west",
        "west-1": "west",
    }
    assert rolled.population.domains["team"] == ("east", "service", "west")
    guard = DisclosureGuard(population=population, hierarchies={"team": parents})
    assert guard.reported_as["team"]["west-1"] == "west"
    result = codes(guard, Query.of(breakdown=["team"]))
    assert result[("east",)] is None
    assert result[("service",)] is ReasonCode.SMALL_GROUP  # a root has nowhere to go


def test_roll_up_climbs_more_than_one_level() -> None:
    parents = {"all": None, "mid": "all", "leaf": "mid"}
    population = Population.snapshot(
        respondents=people(2, team="leaf") + people(1, team="mid") + people(9, team="all")
    )
    rolled = roll_up(population=population, attribute="team", parents=parents, minimum=5)
    assert dict(rolled.reported_as) == {"all": "all", "mid": "all", "leaf": "all"}


def test_roll_up_rejects_cycles_and_unknown_teams() -> None:
    population = Population.snapshot(respondents=people(5, team="a") + people(5, team="b"))
    with pytest.raises(PopulationError, match="cycle"):
        roll_up(population=population, attribute="team", parents={"a": "b", "b": "a"}, minimum=5)
    with pytest.raises(PopulationError):
        roll_up(population=population, attribute="team", parents={"a": "zzz"}, minimum=5)


def comment_population() -> Population:
    return Population.snapshot(
        respondents=people(15, comment="a-x", agency="A", role="X")
        + people(5, comment="a-y", agency="A", role="Y")
        + people(10, comment="b-x", agency="B", role="X")
        + people(9, comment="b-y", agency="B", role="Y")
        + people(20, agency="B", role="Y")
    )


def test_comments_need_ten_commenters_and_come_in_content_order() -> None:
    guard = DisclosureGuard(population=comment_population())
    by_agency = guard.comments(question="q", query=Query.of(breakdown=["agency"]))
    cells = {c.key: c for c in by_agency.cells}
    assert cells[("A",)].suppression is None
    assert list(cells[("A",)].comments) == sorted(cells[("A",)].comments)
    assert len(cells[("A",)].comments) == 20
    # B has 39 respondents but only 19 commenters: enough.
    assert len(cells[("B",)].comments) == 19
    few = guard.comments(question="q", query=Query.of(breakdown=["role"], filters={"agency": "A"}))
    y = {c.key: c for c in few.cells}[("Y",)]
    assert y.suppression is not None and y.suppression.code is ReasonCode.FEW_COMMENTS
    assert "Fewer than 10 people wrote a comment" in y.suppression.message
    assert y.comments == ()


def test_comments_that_would_single_out_a_venn_region_are_hidden() -> None:
    guard = DisclosureGuard(population=comment_population())
    guard.comments(question="q", query=Query.of(breakdown=["agency"]))
    # Role X comments (25) overlap agency A's (20) in 15: A-without-X would be 5 matched texts.
    by_role = guard.comments(question="q", query=Query.of(breakdown=["role"]))
    x = {c.key: c for c in by_role.cells}[("X",)]
    assert x.suppression is not None and x.suppression.code is ReasonCode.COMMENT_OVERLAP


def test_same_query_gives_the_same_answer_and_history_replays() -> None:
    population = culture_amp_population()
    guard = DisclosureGuard(population=population)
    queries = [
        Query.of(breakdown=["team"]),
        Query.of(breakdown=["dept"], measures=["burnout"]),
        Query.of(breakdown=["team"], filters={"dept": "D"}),
    ]
    first = [guard.table(q) for q in queries]
    assert [guard.table(q) for q in queries] == first
    stored = [entry.to_dict() for entry in guard.history]
    rebuilt = DisclosureGuard(
        population=population, history=[LogEntry.from_dict(d) for d in stored]
    )
    assert [rebuilt.table(q) for q in queries] == first
    assert rebuilt.history == guard.history


def test_bad_queries_raise() -> None:
    guard = DisclosureGuard(population=culture_amp_population())
    with pytest.raises(PopulationError):
        guard.table(Query.of(breakdown=["nope"]))
    with pytest.raises(PopulationError):
        guard.table(Query.of(filters={"team": "Nope"}))
    with pytest.raises(PopulationError):
        guard.table(Query.of(measures=["unknown"]))
    with pytest.raises(PopulationError, match="not both"):
        Query.of(breakdown=["team"], filters={"team": "Ops"})


def test_population_checks_attributes_and_scores() -> None:
    with pytest.raises(PopulationError):
        Population.snapshot(
            respondents=[Respondent(attributes={"a": "1"}), Respondent(attributes={"b": "1"})]
        )
    with pytest.raises(PopulationError):
        Population.snapshot(respondents=[Respondent(attributes={"a": "1"})], domains={"a": ["2"]})
    with pytest.raises(PopulationError):
        Population.snapshot(
            respondents=[
                Respondent(attributes={"a": "1"}, scores={"x": 1.0}),
                Respondent(attributes={"a": "1"}, scores={"y": 1.0}),
            ]
        )


def test_people_who_did_not_answer_are_counted_but_never_averaged() -> None:
    people = [Respondent(attributes={"took": "yes"}, scores={"x": 2.0}) for _ in range(6)]
    people += [Respondent(attributes={"took": "no"}) for _ in range(6)]
    guard = DisclosureGuard(population=Population.snapshot(respondents=people))
    assert guard.table(Query.of(breakdown=["took"])).total.count == 10
    answered = guard.table(Query.of(filters={"took": "yes"}, measures=["x"]))
    assert answered.total.means == {"x": 2.0}
    with pytest.raises(PopulationError):
        guard.table(Query.of(measures=["x"]))
