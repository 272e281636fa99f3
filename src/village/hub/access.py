"""Fetch a project (or a part of one) and check the person may read it, in one step, with no
writes: found only within the acting member's own partnership (404 from another), so no
partnership learns another's projects exist. What they may change is the policy's answer,
which the services give as a message."""

from __future__ import annotations

from django.http import Http404

from village.hub import policy
from village.hub.models import (
    Element,
    Handover,
    HandoverItem,
    LearningSpace,
    Pairing,
    Project,
    Story,
)
from village.people.models import Member


def access_project(*, pk: int, member: Member | None) -> Project:
    project = Project.objects.select_related("partnership").filter(pk=pk).first()
    if project is None or not policy.is_member_of(member, project.partnership_id):
        raise Http404
    return project


def access_element(*, project: Project, pk: int) -> Element:
    """An element of a project already accessed; another project's is not found."""
    element = Element.objects.filter(project=project, pk=pk).first()
    if element is None:
        raise Http404
    return element


# --- Good ancestors ------------------------------------------------------------------------


def access_pairing(*, pk: int, member: Member | None) -> Pairing:
    """A pairing of the member's partnership (404 from another). Whether they may read it
    (only its people) is the policy's answer."""
    pairing = Pairing.objects.select_related("partnership").filter(pk=pk).first()
    if pairing is None or not policy.is_member_of(member, pairing.partnership_id):
        raise Http404
    return pairing


def access_handover(*, pk: int, member: Member | None) -> Handover:
    """A handover its leaver, or an admin of their partnership, may see; 404 for anyone
    else, so nobody learns who is leaving."""
    handover = Handover.objects.select_related("member__partnership").filter(pk=pk).first()
    if handover is None or not policy.may_hand_on(member=member, handover=handover):
        raise Http404
    return handover


def access_handover_item(*, handover: Handover, pk: int) -> HandoverItem:
    item = HandoverItem.objects.filter(handover=handover, pk=pk).first()
    if item is None:
        raise Http404
    return item


# --- stories of change -------------------------------------------------------------------


def access_story(*, project: Project, pk: int) -> Story:
    """A story of a project already accessed; another project's is not found."""
    story = Story.objects.filter(project=project, pk=pk).select_related("project").first()
    if story is None:
        raise Http404
    return story


def access_space(*, pk: int, member: Member | None) -> LearningSpace:
    """A learning space in the acting member's own partnership; another's is not found."""
    space = LearningSpace.objects.select_related("partnership", "facilitator").filter(pk=pk).first()
    if space is None or not policy.is_member_of(member, space.partnership_id):
        raise Http404
    return space
