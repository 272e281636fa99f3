"""Fetch a conversation record and check the person may reach it, in one step, with no
writes. A conversation is found through the acting member's own partnership (404 from
another), or, for participants, through the voter their browser or membership already is
(403 for someone who has not joined). What the state allows is the policy's answer, which
the services give as a message."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from village.conversations import policy, selectors
from village.conversations.models import Action, Conversation, Link, Statement, Voter
from village.people.models import Member


def access_runner(*, member: Member | None) -> Member:
    """A facilitator or admin, to start conversations."""
    if member is None or not policy.can_run_conversations(member=member):
        raise PermissionDenied
    return member


def _in_partnership(pk: int, member: Member | None) -> Conversation:
    conversation = (
        Conversation.objects.select_related("partnership").filter(pk=pk).first()
        if member is not None
        else None
    )
    if conversation is None or not policy.is_member_of(member, conversation):
        raise Http404
    return conversation


def _allowed(act: policy.Act, conversation: Conversation, member: Member | None) -> bool:
    people = policy.people_of(member=member, conversation=conversation)
    return bool(policy.POLICY[act].people & people)


def access_management(*, pk: int, member: Member | None) -> tuple[Conversation, Member]:
    """A conversation of the member's partnership that they run."""
    conversation = _in_partnership(pk, member)
    assert member is not None
    if not _allowed(policy.Act.MANAGE, conversation, member):
        raise PermissionDenied
    return conversation, member


def access_moderation(*, pk: int, member: Member | None) -> tuple[Conversation, Member]:
    """A conversation the member moderates: as its facilitator, an admin or a co-moderator."""
    conversation = _in_partnership(pk, member)
    assert member is not None
    if not _allowed(policy.Act.MODERATE, conversation, member):
        raise PermissionDenied
    return conversation, member


def access_statement_to_moderate(
    *, pk: int, statement_pk: int, member: Member | None
) -> tuple[Conversation, Member, Statement]:
    conversation, member = access_moderation(pk=pk, member=member)
    statement = selectors.statement_in(conversation=conversation, pk=statement_pk)
    if statement is None:
        raise Http404
    return conversation, member, statement


def access_link_to_manage(*, pk: int, link_pk: int, member: Member | None) -> tuple[Member, Link]:
    conversation, member = access_management(pk=pk, member=member)
    link = selectors.links_of(conversation=conversation).filter(pk=link_pk).first()
    if link is None:
        raise Http404
    link.conversation = conversation
    return member, link


def access_action(*, pk: int, action_pk: int, member: Member | None) -> tuple[Member, Action]:
    conversation, member = access_management(pk=pk, member=member)
    action = selectors.actions_of(conversation=conversation).filter(pk=action_pk).first()
    if action is None:
        raise Http404
    action.conversation = conversation
    return member, action


def access_link(*, code: str) -> Link:
    """The link with this code, for anyone who has it."""
    link = selectors.link_by_code(code=code)
    if link is None:
        raise Http404
    return link


def access_participation(
    *, pk: int, member: Member | None, browser_key: str
) -> tuple[Conversation, Voter]:
    """The conversation and this person's place in it; someone who has not joined is
    refused. One query for someone who has joined (every vote comes through here)."""
    voter = selectors.participation(pk=pk, member=member, browser_key=browser_key)
    if voter is not None:
        return voter.conversation, voter
    if not Conversation.objects.filter(pk=pk).exists():
        raise Http404
    raise PermissionDenied


def access_log(*, pk: int, member: Member | None, browser_key: str) -> Conversation:
    """The published moderation log: for the partnership's members and anyone who joined;
    to everyone else the conversation does not exist."""
    conversation = Conversation.objects.select_related("partnership").filter(pk=pk).first()
    if conversation is None:
        raise Http404
    people = policy.people_of(member=member, conversation=conversation)
    joined = bool(people & policy.MEMBERS) or (
        selectors.voter_for(conversation=conversation, member=member, browser_key=browser_key)
        is not None
    )
    if not policy.decide_for(
        act=policy.Act.READ_LOG, conversation=conversation, people=people, joined=joined
    ):
        raise Http404
    return conversation


class ResultsNotYet(PermissionDenied):
    """Someone who may see the results later, but not now; ``reason`` says when. For
    someone who joined, ``conversation`` is the conversation, so a page can lead back to it."""

    def __init__(self, reason: str, conversation: Conversation | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.conversation = conversation


def access_results(
    *, pk: int, member: Member | None, browser_key: str, act: policy.Act
) -> Conversation:
    """The results (``READ_RESULTS``) or their print view, PDF and CSV (``EXPORT_RESULTS``):
    for the partnership's members and anyone who joined. To anyone else the conversation
    does not exist; to someone who may see them later, ``ResultsNotYet`` says when."""
    conversation = Conversation.objects.select_related("partnership").filter(pk=pk).first()
    if conversation is None:
        raise Http404
    people = policy.people_of(member=member, conversation=conversation)
    joined = bool(people & policy.MEMBERS) or (
        selectors.voter_for(conversation=conversation, member=member, browser_key=browser_key)
        is not None
    )
    if not joined:
        raise Http404
    decision = policy.decide_for(act=act, conversation=conversation, people=people, joined=joined)
    if not decision:
        raise ResultsNotYet(decision.reason)
    return conversation


def access_standing(
    *, pk: int, member: Member | None, browser_key: str
) -> tuple[Conversation, Voter]:
    """This person's place in a conversation, for "where I stand", when they may see its
    results now (the policy's ``READ_RESULTS``, as for the results page). Someone who has
    not joined is refused; to someone who may see it later, ``ResultsNotYet`` says when."""
    conversation, voter = access_participation(pk=pk, member=member, browser_key=browser_key)
    decision = policy.decide_for(
        act=policy.Act.READ_RESULTS,
        conversation=conversation,
        people=policy.people_of(member=member, conversation=conversation),
        joined=True,
    )
    if not decision:
        raise ResultsNotYet(decision.reason, conversation)
    return conversation, voter
