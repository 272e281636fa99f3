"""django-rules predicates for the hub, built on village.hub.policy.

Predicates take the acting member (or None) and the project."""

from __future__ import annotations

import rules

from village.hub import policy
from village.hub.models import Project
from village.people.models import Member


def _may(act: policy.Act) -> rules.Predicate:
    @rules.predicate
    def allowed(member: Member | None, project: Project | None) -> bool:
        return project is not None and bool(
            policy.decide(
                act=act,
                people=policy.people_of(member=member, project=project),
                state=policy.state_of(project),
            )
        )

    return allowed


@rules.predicate
def starts_projects(member: Member | None) -> bool:
    return member is not None and policy.can_start_projects(
        member=member, partnership=member.partnership
    )


rules.add_rule("hub.start_project", starts_projects)
for _act in policy.Act:
    rules.add_rule(f"hub.{_act.value}", _may(_act))


# --- stories of change -------------------------------------------------------------------


def _may_story(act: policy.StoryAct) -> rules.Predicate:
    @rules.predicate
    def allowed(member: Member | None, project: Project | None) -> bool:
        return project is not None and bool(
            policy.story_decide(act=act, member=member, project=project)
        )

    return allowed


for _story_act in policy.StoryAct:
    rules.add_rule(f"hub.{_story_act.value}", _may_story(_story_act))
