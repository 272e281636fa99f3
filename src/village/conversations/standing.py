"""Where I stand: how often each group's people answered as this person did.

For every other voter, the share of the statements this person agreed or disagreed with on
which that voter gave the same answer (passes left out on both sides) is counted in the
database, one row per pseudonym and its constituency; nothing names anyone. Each group's
figure is the average of its people's shares, released through the disclosure guard
(``engines/disclosure``) over the partnership's minimum group size, so a group with fewer
other voters than that, or one whose remainder could be worked out, is hidden with the
reason. The person themselves is left out of every group: they are compared with others.

Opinion groups come from the last results (``selectors.snapshot_groups``): each other
voter's group, for the groups the results show; the same guard releases both tables, so
they cannot be set against each other. A group the results hide is hidden here too, with
the results' reason, and its people count in no group. The person is told which group they
are in only when that group's figure is shown here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from village.conversations.models import ConstituencyKind, Conversation, State, Vote, Voter
from village.conversations.selectors import SnapshotGroups, constituencies_of
from village.engines.disclosure import (
    Cell,
    DisclosureGuard,
    Population,
    Query,
    Respondent,
    Table,
)
from village.people.selectors import disclosure_policy

OPEN_LINK = "open"
NO_GROUP = "none"
SAME = "same"
CONSTITUENCY, OPINION = "constituency", "opinion"


@dataclass(frozen=True)
class Comparison:
    """One group beside this person: about how many people, and the average share of
    answers they gave the same; or, when hidden, why."""

    label: str
    people: int | None
    same: int | None
    hidden_because: str = ""


@dataclass(frozen=True)
class Groups:
    """One table's comparisons: those shown, and the hidden ones gathered by reason, so a
    page says each reason once."""

    rows: list[Comparison]

    @property
    def shown(self) -> list[Comparison]:
        return [row for row in self.rows if not row.hidden_because]

    @property
    def hidden(self) -> list[tuple[str, list[str]]]:
        reasons: dict[str, list[str]] = {}
        for row in self.rows:
            if row.hidden_because:
                reasons.setdefault(row.hidden_because, []).append(row.label)
        return list(reasons.items())


@dataclass(frozen=True)
class Standing:
    compared: int
    passed: int
    constituencies: Groups
    opinion_groups: Groups
    note: str
    # The opinion group this person is in, when its figure is shown here.
    my_group: str = ""


def _constituency_labels() -> dict[str, str]:
    labels = {kind.value: str(kind.label) for kind in ConstituencyKind}
    labels[OPEN_LINK] = _("People who said their own group (open link)")
    return labels


def _rows(
    conversation: Conversation, pseudonym: str, answers: Mapping[int, int]
) -> list[tuple[int | None, int | None, int, int]]:
    """(voter id, constituency id, answers compared, answers the same) for every other
    voter who agreed or disagreed with a statement this person did."""
    agreed = [pk for pk, value in answers.items() if value == 1]
    disagreed = [pk for pk, value in answers.items() if value == -1]
    voter = Voter.objects.filter(
        conversation=OuterRef("conversation"), pseudonym=OuterRef("pseudonym")
    )
    rows = (
        Vote.objects.filter(conversation=conversation, statement_id__in=[*agreed, *disagreed])
        .exclude(pseudonym=pseudonym)
        .exclude(value=0)
        .values("pseudonym")
        .annotate(
            voter=Subquery(voter.values("id")[:1]),
            group=Subquery(voter.values("constituency_id")[:1]),
            total=Count("id"),
            same=Count(
                "id",
                filter=Q(value=1, statement_id__in=agreed)
                | Q(value=-1, statement_id__in=disagreed),
            ),
        )
        .values_list("voter", "group", "total", "same")
    )
    return list(rows)


def _comparison(cell: Cell, label: str) -> Comparison:
    if cell.suppression is not None:
        return Comparison(label, None, None, cell.suppression.message)
    return Comparison(label, cell.count, round(cell.means[SAME]))


def _comparisons(table: Table, labels: Mapping[str, str]) -> Groups:
    return Groups(
        [_comparison(cell, labels[cell.key[0]]) for cell in table.cells if cell.key[0] != NO_GROUP]
    )


def _opinions(table: Table, groups: SnapshotGroups) -> Groups:
    """Every group in the results' order: those the results show as released here, those
    they hide with the results' reason."""
    cells = {cell.key[0]: cell for cell in table.cells}
    return Groups(
        [
            Comparison(label, None, None, groups.hidden[label])
            if label in groups.hidden
            else _comparison(cells[label], label)
            for label in groups.labels
        ]
    )


def standing_of(
    *,
    conversation: Conversation,
    voter: Voter,
    opinion_groups: SnapshotGroups | None = None,
) -> Standing:
    """This voter beside each constituency, and beside each opinion group of the last
    results when ``opinion_groups`` is given."""
    answers = dict(
        Vote.objects.filter(
            conversation=conversation, pseudonym=voter.pseudonym, statement__state=State.ACCEPTED
        ).values_list("statement_id", "value")
    )
    compared = sum(1 for value in answers.values() if value != 0)
    kinds = {c.pk: c.kind for c in constituencies_of(conversation=conversation)}
    constituency_labels = _constituency_labels()
    respondents = []
    for other, constituency_id, total, same in _rows(conversation, voter.pseudonym, answers):
        attributes = {CONSTITUENCY: kinds.get(constituency_id or 0, OPEN_LINK)}
        if opinion_groups is not None:
            attributes[OPINION] = opinion_groups.member_of.get(other or 0, NO_GROUP)
        respondents.append(Respondent(attributes=attributes, scores={SAME: 100 * same / total}))
    domains = {CONSTITUENCY: list(constituency_labels)}
    if opinion_groups is not None:
        shown = [label for label in opinion_groups.labels if label not in opinion_groups.hidden]
        domains[OPINION] = [*shown, NO_GROUP]
    guard = DisclosureGuard(
        population=Population.snapshot(respondents=respondents, domains=domains),
        policy=disclosure_policy(conversation.partnership),
    )
    constituencies = _comparisons(
        guard.table(Query.of(breakdown=[CONSTITUENCY], measures=[SAME])), constituency_labels
    )
    opinions, mine = Groups([]), ""
    if opinion_groups is not None:
        opinions = _opinions(
            guard.table(Query.of(breakdown=[OPINION], measures=[SAME])), opinion_groups
        )
        mine = opinion_groups.member_of.get(voter.pk, "")
    return Standing(
        compared=compared,
        passed=len(answers) - compared,
        constituencies=constituencies,
        opinion_groups=opinions,
        note=guard.policy.note,
        my_group=mine if any(row.label == mine for row in opinions.shown) else "",
    )
