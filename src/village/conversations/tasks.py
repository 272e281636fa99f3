"""Background work for conversations, run by the worker (`village worker`): recomputing a
conversation's results after votes (queued by ``services.results_request``, one at a time)."""

from __future__ import annotations

from django_tasks import task

from village.conversations import services
from village.conversations.models import Conversation


@task()
def results_recompute(*, conversation_id: int) -> int:
    """Recompute and store the results; returns how many votes they count (0 if the
    conversation is gone)."""
    conversation = (
        Conversation.objects.select_related("partnership").filter(pk=conversation_id).first()
    )
    if conversation is None:
        return 0
    return services.results_refresh(conversation=conversation).votes
