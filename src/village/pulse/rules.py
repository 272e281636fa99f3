"""django-rules predicates for check-in rounds, built on village.pulse.policy.

``pulse.<action>`` takes the member (or None) and, for round actions, the round as it is now.
"""

from __future__ import annotations

import rules

from village.people.models import Member
from village.pulse import policy
from village.pulse.models import Round
from village.pulse.policy import Action


def _predicate(action: Action) -> rules.Predicate:
    def check(member: Member | None, round_: Round | None = None) -> bool:
        if policy.RULES[action].states is not None and round_ is None:
            return False
        return policy.may(member=member, action=action, round_=round_)

    return rules.predicate(check, name=f"pulse.{action}")


for _action in Action:
    rules.add_rule(f"pulse.{_action}", _predicate(_action))
