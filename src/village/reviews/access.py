"""Fetch a charter version, an amendment or a review and check the person may read it, in one
step, with no writes: found only through the acting member's own partnership (404 from
another), and refused (403) to anyone the policy does not let read it. What the state
allows beyond reading is the policy's answer, which the services give as a message."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from village.people.models import Member
from village.reviews import policy
from village.reviews.models import Amendment, CharterVersion, Clause, Review, Value
from village.reviews.policy import Act


def _readable(act: Act, target: policy.Target, member: Member | None) -> None:
    if not policy.is_member_of(member, policy.partnership_id(target)):
        raise Http404
    if not policy.decide_for(
        act=act, target=target, people=policy.people_of(member=member, target=target)
    ):
        raise PermissionDenied


def access_version(*, pk: int, member: Member | None) -> CharterVersion:
    version = CharterVersion.objects.select_related("charter").filter(pk=pk).first()
    if version is None:
        raise Http404
    _readable(Act.READ_CHARTER, version, member)
    return version


def access_value(*, pk: int, member: Member | None) -> Value:
    """A value, for whoever may read its version."""
    value = Value.objects.select_related("version__charter").filter(pk=pk).first()
    if value is None:
        raise Http404
    _readable(Act.READ_CHARTER, value.version, member)
    return value


def access_clause(*, pk: int, member: Member | None) -> Clause:
    """A clause, for whoever may read its version."""
    clause = Clause.objects.select_related("value__version__charter").filter(pk=pk).first()
    if clause is None:
        raise Http404
    _readable(Act.READ_CHARTER, clause.value.version, member)
    return clause


def access_amendment(*, pk: int, member: Member | None) -> Amendment:
    amendment = Amendment.objects.select_related("charter").filter(pk=pk).first()
    if amendment is None:
        raise Http404
    _readable(Act.READ_AMENDMENT, amendment, member)
    return amendment


def access_review(*, pk: int, member: Member | None) -> Review:
    review = Review.objects.select_related("partnership", "version").filter(pk=pk).first()
    if review is None:
        raise Http404
    _readable(Act.READ_REVIEW, review, member)
    return review
