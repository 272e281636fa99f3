"""A voter's career stage is stored only in groups of at least the minimum (issue 13): it
waits sealed until that many voters in the same constituency of the conversation declared
it, then reaches all of them at once. So a dump never shows a stage shared by fewer than
the minimum in a constituency, for guests and members alike."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from tests.conversations.conftest import constituency, key, link_for
from village.anonymity import unseal
from village.conversations import services
from village.conversations.models import (
    ConstituencyKind,
    Conversation,
    Link,
    PendingStage,
    Voter,
)
from village.people.models import CareerStage, Member, Role

FAMILY, FRONTLINE, MANAGER, OTHER = (k.value for k in ConstituencyKind)
NEW, ESTABLISHED, NEARING = (str(s) for s in CareerStage.values)


class Joins:
    """Guests joining one after another, each with a browser key of their own."""

    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self.count = 0

    def join(self, link: Link, stage: str = "", declared: str = "") -> Voter:
        self.count += 1
        voter, new = services.voter_join(
            link=link,
            member=None,
            browser_key=key(self.count),
            declared=constituency(self.conversation, declared) if declared else None,
            career_stage=stage,
        )
        assert new
        assert_no_small_stage(self.conversation)
        return voter


def minimum(conversation: Conversation) -> int:
    return conversation.partnership.min_group_size


def assert_no_small_stage(conversation: Conversation) -> None:
    """No stored stage is shared by fewer than the minimum in its conversation and
    constituency (invited or declared)."""
    stored = Counter(
        Voter.objects.filter(conversation=conversation)
        .exclude(career_stage="")
        .values_list("constituency_id", "declared_id", "career_stage")
    )
    assert all(count >= minimum(conversation) for count in stored.values()), stored


def stages(conversation: Conversation) -> Counter[str]:
    return Counter(
        Voter.objects.filter(conversation=conversation).values_list("career_stage", flat=True)
    )


def test_a_rare_stage_waits_until_the_minimum_declare_it_then_all_get_it(
    conversation: Conversation, facilitator: Member
) -> None:
    link = link_for(conversation, facilitator, FRONTLINE)
    joins = Joins(conversation)
    size = minimum(conversation)
    assert size >= 2
    first = joins.join(link, NEARING)
    assert first.career_stage == ""
    assert stages(conversation) == {"": 1}
    for _ in range(size - 2):
        joins.join(link, NEARING)
        joins.join(link)
    assert stages(conversation) == {"": 2 * (size - 2) + 1}
    assert PendingStage.objects.filter(conversation=conversation).count() == size - 1
    last = joins.join(link, NEARING)
    assert last.career_stage == NEARING
    assert stages(conversation) == {NEARING: size, "": size - 2}
    assert Voter.objects.get(pk=first.pk).career_stage == NEARING
    assert not PendingStage.objects.filter(conversation=conversation).exists()
    # Once the group is big enough, the next one to declare it gets it at once.
    assert joins.join(link, NEARING).career_stage == NEARING
    assert not PendingStage.objects.exists()


def test_other_constituencies_and_open_links_are_counted_apart(
    conversation: Conversation, facilitator: Member
) -> None:
    """Fewer than the minimum in each of frontline, managers and those who said "frontline"
    on an open link: more than the minimum together, and still no stage stored."""
    joins = Joins(conversation)
    size = minimum(conversation)
    frontline = link_for(conversation, facilitator, FRONTLINE)
    managers = link_for(conversation, facilitator, MANAGER)
    open_link = link_for(conversation, facilitator, "")
    for _ in range(size - 1):
        joins.join(frontline, ESTABLISHED)
        joins.join(managers, ESTABLISHED)
        joins.join(open_link, ESTABLISHED, declared=FRONTLINE)
    assert stages(conversation) == {"": 3 * (size - 1)}
    assert PendingStage.objects.filter(conversation=conversation).count() == 3 * (size - 1)
    joins.join(managers, ESTABLISHED)
    stored = Voter.objects.filter(conversation=conversation, career_stage=ESTABLISHED)
    assert stored.count() == size
    assert set(stored.values_list("constituency__kind", flat=True)) == {MANAGER}


def test_another_conversation_does_not_count(
    make_conversation: Callable[..., Conversation], facilitator: Member
) -> None:
    one, other = make_conversation(), make_conversation()
    size = minimum(one)
    for conversation in (one, other):
        joins = Joins(conversation)
        link = link_for(conversation, facilitator, FAMILY)
        for _ in range(size - 1):
            joins.join(link, NEW)
    assert stages(one) == {"": size - 1}
    assert stages(other) == {"": size - 1}


def test_members_and_guests_count_together(
    conversation: Conversation, facilitator: Member, make_member: Callable[..., Member]
) -> None:
    link = link_for(conversation, facilitator, FRONTLINE)
    size = minimum(conversation)
    joins = Joins(conversation)
    for _ in range(size - 2):
        joins.join(link, NEW)
    member = make_member(Role.STAFF, name="stager")
    voter, _new = services.voter_join(
        link=link, member=member, browser_key=key(999), career_stage=NEW
    )
    assert voter.career_stage == ""
    assert_no_small_stage(conversation)
    joins.join(link, NEW)
    assert Voter.objects.get(pk=voter.pk).career_stage == NEW
    assert stages(conversation) == {NEW: size}


def test_pending_stages_are_sealed_and_written_again_on_every_join(
    conversation: Conversation, facilitator: Member
) -> None:
    """A pending row holds the conversation and a sealed payload only; each join, with a
    stage or without, gives every pending row a new key, so none points at its join."""
    link = link_for(conversation, facilitator, FRONTLINE)
    joins = Joins(conversation)
    waiting = [joins.join(link, stage) for stage in (NEARING, NEW, NEARING)]
    rows = list(PendingStage.objects.all())
    assert {f.name for f in PendingStage._meta.concrete_fields} == {
        "id",
        "conversation",
        "sealed",
    }
    ids = {voter.pk for voter in waiting}
    for row in rows:
        blob = bytes(row.sealed)
        for clear in (NEARING.encode(), NEW.encode(), *(str(pk).encode() for pk in ids)):
            assert clear not in blob
    opened = [
        unseal(sealed=r.sealed, context=f"conversations.stage:{conversation.pk}") for r in rows
    ]
    assert {entry["voter"] for entry in opened} == ids
    before = {row.pk for row in rows}
    joins.join(link)
    after = set(PendingStage.objects.values_list("pk", flat=True))
    assert len(after) == 3 and not after & before
