"""No GET request writes to the database: every GET address, for every role.

The addresses are found by walking the URL resolver, so a view added later is checked with
no change here; an address whose parameter this file cannot fill fails the test, naming the
parameter, rather than being skipped. Values come from the demo partnership (two circles, two
released check-ins and an open one, a brave conversation, two values reviews, and a hub
project added here) and every demo role signs in; a guest who joined the open circle and the
conversation, and someone with no cookies at all ask too. Any INSERT, UPDATE or DELETE fails,
sessions included: a GET that changed the session would make Django write it back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import client_for
from village.circles.models import Action, Circle, Moment, Reflection, Theme
from village.conversations import services as conversation_services
from village.conversations.models import Action as ConversationAction
from village.conversations.models import Conversation, Link, Statement
from village.demo import demo_load
from village.hub import services as hub_services
from village.hub.models import Connection as HubConnection
from village.hub.models import Element as HubElement
from village.hub.models import HandoverItem, LearningSpace, Pairing
from village.hub.models import Project as HubProject
from village.hub.models import Story as HubStory
from village.language.models import GlossaryEntry
from village.people import services as people_services
from village.people.models import Invitation, Member, Partnership, Role
from village.pulse.models import Round
from village.reviews import selectors as review_selectors
from village.reviews import services as review_services
from village.reviews.models import (
    Action as ReviewAction,
)
from village.reviews.models import (
    Amendment,
    CharterVersion,
    Clause,
    Milestone,
    Representative,
    Review,
    Shortfall,
    Value,
)

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Route:
    name: str | None
    path: str
    params: tuple[str, ...]

    @property
    def namespace(self) -> str:
        return self.name.split(":")[0] if self.name and ":" in self.name else ""


def _params(pattern: Any) -> tuple[str, ...]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return tuple(converters)
    return tuple(pattern.regex.groupindex)


def routes(
    patterns: list[Any] | None = None, prefix: str = "", namespace: str = "", inherited: tuple = ()
) -> Iterator[Route]:
    """Every URL pattern, with its full name and every parameter (its includes' as well)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace or "") if n)
            yield from routes(
                pattern.url_patterns,
                prefix + str(pattern.pattern),
                inner,
                inherited + _params(pattern.pattern),
            )
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield Route(name, prefix + str(pattern.pattern), inherited + _params(pattern.pattern))


@dataclass
class Demo:
    partnership: Partnership
    members: dict[str, Member]
    invitation_token: str


def _kwargs_for(route: Route, demo: Demo) -> list[dict[str, Any]]:
    """Every set of real values for a route's parameters (one per object it can show)."""
    circles = list(Circle.objects.filter(partnership=demo.partnership))
    rounds = list(Round.objects.filter(partnership=demo.partnership))
    if route.namespace == "circles":
        contexts = [
            {
                "pk": circle.pk,
                "code": circle.join_code,
                "moment": moment,
                "reflection_id": reflection.public_id,
                "theme_pk": theme.pk if theme else 0,
                "action_pk": action.pk if action else 0,
            }
            for circle in circles
            for moment in Moment.values
            for reflection in Reflection.objects.filter(circle=circle)[:1]
            for theme in [Theme.objects.filter(circle=circle).first()]
            for action in [Action.objects.filter(circle=circle).first()]
        ]
    elif route.namespace == "pulse":
        contexts = [
            {"pk": round_.pk, "code": round_.round_code, "step": step}
            for round_ in rounds
            for step in range(1, len(round_.instruments) + 2)
        ]
    elif route.namespace == "conversations":
        contexts = [
            {
                "pk": conversation.pk,
                "code": link.code,
                "statement_pk": statement.pk,
                "link_pk": link.pk,
                "action_pk": action.pk if action else 0,
            }
            for conversation in Conversation.objects.filter(partnership=demo.partnership)
            for link in Link.objects.filter(conversation=conversation)[:2]
            for statement in Statement.objects.filter(conversation=conversation, seed=False)[:2]
            for action in [ConversationAction.objects.filter(conversation=conversation).first()]
        ]
    elif route.namespace == "people":
        invitation = Invitation.objects.filter(partnership=demo.partnership).first()
        contexts = [
            {
                "pk": invitation.pk if invitation and "invitation" in (route.name or "") else pk,
                "token": token,
            }
            for pk in (demo.members["staff"].pk, demo.members["admin"].pk)
            for token in (demo.invitation_token, "not-a-real-token")
        ]
    elif route.namespace == "reviews":
        contexts = [
            {"pk": pk, "member_pk": member_pk, **parts}
            for pk in _review_pks(route, demo)
            for member_pk in Representative.objects.filter(
                partnership=demo.partnership
            ).values_list("member_id", flat=True)
            for parts in _review_parts(pk)
        ]
    elif route.namespace == "language":
        own = GlossaryEntry.objects.filter(partnership=demo.partnership, builtin="")
        contexts = [
            {"key": key} for key in ("placement", "siblings", *(f"own-{e.pk}" for e in own))
        ]
    elif route.namespace == "hub" and (route.name or "").split(":")[-1] in _HANDOVER:
        contexts = [
            {"pk": item.handover_id, "item_pk": item.pk} for item in HandoverItem.objects.all()
        ]
    elif route.namespace == "hub" and (route.name or "").split(":")[-1].startswith("pairing"):
        contexts = [{"pk": pairing.pk} for pairing in Pairing.objects.all()]
    elif route.namespace == "hub":
        contexts = [
            {
                "pk": project.pk,
                "element_pk": element.pk,
                "connection_pk": connection.pk,
                "months": 0,
                "story_pk": story_pk,
            }
            for project in HubProject.objects.filter(partnership=demo.partnership)
            for element in HubElement.objects.filter(project=project)[:4]
            for connection in HubConnection.objects.filter(project=project)[:1]
            for story_pk in list(
                HubStory.objects.filter(project=project).values_list("pk", flat=True)[:1]
            )
            or [0]
        ] + [
            # A space's pages take only its pk; the project routes find no such parts.
            {"pk": space.pk, "element_pk": 0, "connection_pk": 0, "months": 0, "story_pk": 0}
            for space in LearningSpace.objects.filter(partnership=demo.partnership)
        ]
    else:  # django-allauth's own pages
        contexts = [{"uidb36": "1", "key": "set-password-key", "provider_id": "no-such-provider"}]
    found = []
    for context in contexts:
        missing = [p for p in route.params if p not in context]
        assert not missing, f"Add a value for {missing} of {route.name or route.path}"
        kwargs = {p: context[p] for p in route.params}
        if kwargs not in found:
            found.append(kwargs)
    return found


# The good-ancestors pages name a pairing ("pairing..."), or a handover, not a project.
_HANDOVER = {"handover", "carrier_set"}

# The charter's pages, by the kind of thing their pk names.
_BY_VERSION = {"version", "draft_start", "draft", "value_add", "publish"}
_BY_VALUE = {"value_edit", "value_remove", "clause_add"}
_BY_CLAUSE = {"clause_edit", "clause_remove", "amendment_propose", "clause_conversation"}
_BY_AMENDMENT = {"amendment", "amendment_comment", "amendment_vote", "amendment_withdraw"}


def _review_pks(route: Route, demo: Demo) -> list[int]:
    """Each version of the demo's charter (published and draft), a value and a clause of
    each, and its amendments."""
    name = (route.name or "").split(":")[-1]
    versions = CharterVersion.objects.filter(charter__partnership=demo.partnership)
    if name in _BY_VERSION:
        rows: Any = versions
    elif name in _BY_VALUE:
        rows = [Value.objects.filter(version=v).first() for v in versions]
    elif name in _BY_CLAUSE:
        rows = [Clause.objects.filter(value__version=v).first() for v in versions]
    elif name in _BY_AMENDMENT:
        rows = Amendment.objects.filter(charter__partnership=demo.partnership)
    else:  # the quarterly reviews' own pages, the pack and the home page
        rows = Review.objects.filter(partnership=demo.partnership)
    return [row.pk if row is not None else 0 for row in rows]


def _review_parts(pk: int) -> list[dict[str, int]]:
    """For a review's pages: each of its shortfalls, actions and their milestones (0 when it
    has none, so the page's refusal is walked too)."""
    shortfalls = list(Shortfall.objects.filter(review_id=pk).values_list("pk", flat=True)[:2])
    actions = list(ReviewAction.objects.filter(review_id=pk).values_list("pk", flat=True)[:2])
    return [
        {"shortfall_pk": shortfall, "action_pk": action, "milestone_pk": milestone}
        for shortfall in shortfalls or [0]
        for action in actions or [0]
        for milestone in list(
            Milestone.objects.filter(action_id=action).values_list("pk", flat=True)[:1]
        )
        or [0]
    ]


def urls(demo: Demo) -> list[str]:
    found: list[str] = []
    for route in routes():
        if route.name is None:
            assert not route.params, f"Name {route.path} so this test can reach it"
            candidates = ["/" + route.path]
        else:
            candidates = [reverse(route.name, kwargs=k) for k in _kwargs_for(route, demo)]
        found += [url for url in candidates if url not in found]
    return found


@pytest.fixture
def demo(db: None) -> Demo:
    partnership, _created = demo_load()
    by_role = {
        role: Member.objects.filter(partnership=partnership, roles=[role])
        .order_by("pk")
        .select_related("user")
        .first()
        for role in Role.values
    }
    members = {role: member for role, member in by_role.items() if member is not None}
    assert set(members) == set(Role.values), "the demo has someone in every role"
    for conversation in Conversation.objects.filter(partnership=partnership):
        # Results as the worker stores them, so the results pages show every figure.
        conversation_services.results_refresh(conversation=conversation)
    _charter_with_a_draft_and_an_amendment(partnership, members)
    _hub_project(partnership, members)
    # A handover: the demo's legacy log entries are Morag's.
    hub_services.leaving_set(
        member=Member.objects.get(partnership=partnership, user__email="sw1@demo.village"),
        leaving_on=date.today() + timedelta(days=30),
    )
    _invitation, token = people_services.invitation_create(
        partnership=partnership,
        created_by=members[Role.ADMIN],
        email="new.person@example.org",
        roles=[Role.STAFF],
        constituency="frontline",
    )
    return Demo(partnership=partnership, members=members, invitation_token=token)


def _charter_with_a_draft_and_an_amendment(
    partnership: Partnership, members: dict[str, Member]
) -> None:
    """The charter's pages need a published version, a draft, an amendment and a
    representative (added here while the demo has none)."""
    facilitator = members[Role.FACILITATOR]
    charter = review_selectors.charter_of(partnership=partnership)
    published = review_selectors.published_version(charter=charter) if charter else None
    if published is None:
        first = review_services.charter_load_default(partnership=partnership, actor=facilitator)
        published = review_services.version_publish(version=first, actor=facilitator)
    if review_selectors.draft_of(charter=published.charter) is None:
        review_services.draft_start(version=published, actor=facilitator)
    if not Amendment.objects.filter(charter=published.charter).exists():
        clause = Clause.objects.filter(value__version=published).first()
        assert clause is not None
        review_services.amendment_propose(
            version=published, actor=members[Role.FAMILY], clause=clause, new_text="New words."
        )
    if not Representative.objects.filter(partnership=partnership).exists():
        family = members[Role.FAMILY]
        review_services.representative_set(
            partnership=partnership,
            actor=members[Role.ADMIN],
            member=family,
            represents=family.constituency,
        )


def _hub_project(partnership: Partnership, members: dict[str, Member]) -> None:
    """A hub project with a theory of change and an indicator with a value and a target."""
    lead = members[Role.STAFF]
    project = hub_services.project_create(
        partnership=partnership,
        actor=lead,
        title="Family group conferencing",
        kind="new",
        started_on=date(2026, 1, 1),
        agencies=list(partnership.agencies.all()[:1]),
    )
    parts = {
        kind: hub_services.element_add(project=project, actor=lead, kind=kind, label=kind)
        for kind in ("activity", "outcome", "assumption", "indicator")
    }
    for source, target in (
        ("activity", "outcome"),
        ("activity", "assumption"),
        ("indicator", "assumption"),
    ):
        hub_services.connection_add(
            project=project, actor=lead, source=parts[source], target=parts[target]
        )
    hub_services.value_record(
        indicator=parts["indicator"], actor=lead, value=Decimal(3), measured_on=date(2026, 1, 2)
    )
    hub_services.target_set(indicator=parts["indicator"], actor=lead, value=Decimal(5))


def _guest(demo: Demo) -> Client:
    """Someone with no account who joined the open circle with its code, and the brave
    conversation with its family link."""
    guest = Client()
    circle = Circle.objects.filter(partnership=demo.partnership, phase="reflect").first()
    assert circle is not None
    joined = guest.post(
        reverse("circles:join_circle", kwargs={"code": circle.join_code}), {"agree": "on"}
    )
    assert joined.status_code == 302
    link = Link.objects.filter(
        conversation__partnership=demo.partnership, constituency__kind="family"
    ).first()
    assert link is not None
    joined = guest.post(reverse("conversations:join", kwargs={"code": link.code}))
    assert joined.status_code == 302
    return guest


def _writes_during(request: Callable[[], Any]) -> tuple[Any, list[str]]:
    writes: list[str] = []

    def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if WRITE.match(sql):
            writes.append(sql.split(" WHERE ")[0][:120])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        response = request()
    return response, writes


def test_no_get_request_writes_for_any_role(demo: Demo) -> None:
    """Found: loading the check-ins list with a round due ran 26 queries, 7 of them writes."""
    addresses = urls(demo)
    assert len(addresses) > 100, "the walk found the addresses"
    visitors: dict[str, Client] = {
        role: client_for(member) for role, member in demo.members.items()
    }
    visitors["guest"] = _guest(demo)
    visitors["anonymous"] = Client()
    failures = []
    shown: dict[str, int] = {}
    for who, client in visitors.items():
        for url in addresses:
            response, writes = _writes_during(lambda c=client, u=url: c.get(u))  # type: ignore[misc]
            if writes:
                failures.append(f"{who} GET {url} ({response.status_code}): {writes}")
            shown[who] = shown.get(who, 0) + (response.status_code == 200)
    assert not failures, "GET requests wrote to the database:\n" + "\n".join(failures)
    assert all(count >= 5 for count in shown.values()), shown
