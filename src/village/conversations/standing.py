"""Where I stand: how often each group's people answered as this person did.

For every other voter, the share of the statements this person agreed or disagreed with on
which that voter gave the same answer (passes left out on both sides) is counted in the
database, one row per pseudonym and its constituency; nothing names anyone. Each group's
figure is the average of its people's shares, released through the disclosure guard
(``engines/disclosure``) over the partnership's minimum group size, so a group with fewer
other voters than that, or one whose remainder could be worked out, is hidden with the
reason. The person themselves is left out of every group: they are compared with others.

Opinion groups come from a results snapshot: ``standing_of`` takes each pseudonym's group
from it, and the same guard releases both tables, so they cannot be set against each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from village.conversations.models import ConstituencyKind, Conversation, State, Vote, Voter
from village.conversations.selectors import constituencies_of
from village.engines.disclosure import DisclosureGuard, Population, Query, Respondent, Table
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


def _constituency_labels() -> dict[str, str]:
    labels = {kind.value: str(kind.label) for kind in ConstituencyKind}
    labels[OPEN_LINK] = _("People who said their own group (open link)")
    return labels


def _rows(
    conversation: Conversation, pseudonym: str, answers: Mapping[int, int]
) -> list[tuple[str, int | None, int, int]]:
    """(pseudonym, constituency id, answers compared, answers the same) for every other
    voter who agreed or disagreed with a statement this person did."""
    agreed = [pk for pk, value in answers.items() if value == 1]
    disagreed = [pk for pk, value in answers.items() if value == -1]
    constituency = Voter.objects.filter(
        conversation=OuterRef("conversation"), pseudonym=OuterRef("pseudonym")
    ).values("constituency_id")[:1]
    rows = (
        Vote.objects.filter(conversation=conversation, statement_id__in=[*agreed, *disagreed])
        .exclude(pseudonym=pseudonym)
        .exclude(value=0)
        .values("pseudonym")
        .annotate(
            group=Subquery(constituency),
            total=Count("id"),
            same=Count(
                "id",
                filter=Q(value=1, statement_id__in=agreed)
                | Q(value=-1, statement_id__in=disagreed),
            ),
        )
        .values_list("pseudonym", "group", "total", "same")
    )
    return list(rows)


def _comparisons(table: Table, labels: Mapping[str, str]) -> Groups:
    found = []
    for cell in table.cells:
        [key] = cell.key
        if key == NO_GROUP:
            continue
        if cell.suppression is not None:
            found.append(Comparison(labels[key], None, None, cell.suppression.message))
        else:
            found.append(Comparison(labels[key], cell.count, round(cell.means[SAME])))
    return Groups(found)


def standing_of(
    *,
    conversation: Conversation,
    pseudonym: str,
    opinion_groups: Mapping[str, str] | None = None,
) -> Standing:
    """This voter beside each constituency, and beside each opinion group when
    ``opinion_groups`` (pseudonym to group name, from a results snapshot) is given."""
    answers = dict(
        Vote.objects.filter(
            conversation=conversation, pseudonym=pseudonym, statement__state=State.ACCEPTED
        ).values_list("statement_id", "value")
    )
    compared = sum(1 for value in answers.values() if value != 0)
    kinds = {c.pk: c.kind for c in constituencies_of(conversation=conversation)}
    constituency_labels = _constituency_labels()
    opinion_labels = {name: name for name in sorted(set((opinion_groups or {}).values()))}
    respondents = []
    for other, constituency_id, total, same in _rows(conversation, pseudonym, answers):
        attributes = {CONSTITUENCY: kinds.get(constituency_id or 0, OPEN_LINK)}
        if opinion_groups is not None:
            attributes[OPINION] = opinion_groups.get(other, NO_GROUP)
        respondents.append(Respondent(attributes=attributes, scores={SAME: 100 * same / total}))
    domains = {CONSTITUENCY: list(constituency_labels)}
    if opinion_groups is not None:
        domains[OPINION] = [*opinion_labels, NO_GROUP]
    guard = DisclosureGuard(
        population=Population.snapshot(respondents=respondents, domains=domains),
        policy=disclosure_policy(conversation.partnership),
    )
    constituencies = _comparisons(
        guard.table(Query.of(breakdown=[CONSTITUENCY], measures=[SAME])), constituency_labels
    )
    opinions = (
        _comparisons(guard.table(Query.of(breakdown=[OPINION], measures=[SAME])), opinion_labels)
        if opinion_groups is not None
        else Groups([])
    )
    return Standing(
        compared=compared,
        passed=len(answers) - compared,
        constituencies=constituencies,
        opinion_groups=opinions,
        note=guard.policy.note,
    )
