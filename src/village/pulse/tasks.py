"""Background work for rounds, run by the worker (`village worker`): emailing each person
in the audience their link, releasing a closed round's report, and releasing answers that
wait in the mix (so a stopped server strands none)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from village.circles.services import circles_release_due
from village.people.models import Member
from village.pulse.models import Round
from village.pulse.services import pending_release_due, round_release


@task()
def email_round_link(*, round_id: int, member_ids: list[int], site_url: str = "") -> int:
    """One email per person, so nobody sees who else was asked. Returns how many were sent.

    Links start with the address the round was scheduled from, or VILLAGE_SITE_URL when the
    worker opened it at its time."""
    round_ = Round.objects.select_related("partnership").get(pk=round_id)
    base = site_url or settings.VILLAGE["SITE_URL"]
    link = base.rstrip("/") + reverse("pulse:start", kwargs={"code": round_.round_code})
    subject = _("Wellbeing check-in: %(title)s") % {"title": round_.title}
    sent = 0
    for member in Member.objects.filter(pk__in=member_ids).select_related("user"):
        if not member.user.email:
            continue
        body = _(
            "Hello %(name)s,\n\n"
            "%(partnership)s would like to know how you are. The check-in takes about two "
            "minutes and your answers are anonymous: nobody can see what you said, and "
            "results are only shown for groups of at least %(minimum)s people.\n\n"
            "Take part here: %(link)s\n\n"
            "It closes on %(closes)s.\n"
        ) % {
            "name": member.display_name,
            "partnership": round_.partnership.name,
            "minimum": round_.partnership.min_group_size,
            "link": link,
            "closes": round_.closes_at.strftime("%-d %B %Y"),
        }
        send_mail(subject, body, None, [member.user.email])
        sent += 1
    return sent


@task()
def release_round(*, round_id: int) -> bool:
    """Make a closed round's report (see services.round_release). Safe to run twice."""
    round_ = Round.objects.select_related("partnership").filter(pk=round_id).first()
    return round_ is not None and round_release(round_=round_)


@task()
def release_pending() -> tuple[int, int]:
    """Release due batches everywhere: pulse answers released, and circles emptied."""
    return pending_release_due(), circles_release_due()
