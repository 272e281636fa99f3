"""The worker: scheduled work happens with no page loaded, queued work runs from the
database queue, and a report's slow release holds no write lock while it is computed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.conftest import DATABASE_TASKS, PASSWORD, client_for
from tests.pulse.conftest import full_answers
from village import worker
from village.people.models import AuditEvent, Member, Role
from village.pulse import reports, services
from village.pulse.models import AudienceSnapshot, ReleasedReport, Response, Round
from village.worker import Scheduler


def _answer(round_: Round, members: list[Member]) -> None:
    for i, member in enumerate(members):
        services.response_submit(
            round_=round_,
            member=member,
            browser_key=f"key-{i}",
            answers=full_answers(round_.instruments, value=1 + i % 5),
            comment=f"Comment {i}",
        )


@pytest.mark.django_db(transaction=True)  # the worker reconnects between steps
def test_a_round_due_to_open_and_close_does_so_with_no_page_loaded(
    settings: Any, make_round: Callable[..., Round], make_staff: Callable[..., list[Member]]
) -> None:
    settings.TASKS = DATABASE_TASKS
    staff = make_staff(6)
    now = timezone.now()
    round_ = make_round(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=8))
    assert not round_.opened
    Round.objects.filter(pk=round_.pk).update(opens_at=now - timedelta(minutes=1))

    call_command("worker", "--once", stdout=None)
    round_.refresh_from_db()
    assert round_.opened and not round_.closed
    assert AudienceSnapshot.objects.filter(round=round_).count() == 7
    assert len(mail.outbox) == 7, "the worker sent the queued emails, one a person"
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}

    _answer(round_, staff)
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    call_command("worker", "--once", stdout=None)
    round_.refresh_from_db()
    assert round_.closed and round_.released
    assert ReleasedReport.objects.filter(round=round_).count() == 1
    assert Response.objects.filter(round=round_).count() == 6
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"pulse.round.open", "pulse.round.close", "pulse.report.release"} <= actions


@pytest.mark.django_db(transaction=True)  # the worker reconnects between steps
def test_loading_pages_with_a_round_due_opens_and_closes_nothing(
    make_round: Callable[..., Round], lead: Member
) -> None:
    """Found: loading the check-ins list with a round due ran 7 writes."""
    now = timezone.now()
    due_to_open = make_round(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=2))
    due_to_close = make_round()
    Round.objects.filter(pk=due_to_open.pk).update(opens_at=now - timedelta(hours=1))
    Round.objects.filter(pk=due_to_close.pk).update(closes_at=now - timedelta(hours=1))
    client = client_for(lead)
    for url in (
        reverse("pulse:list"),
        reverse("pulse:trends"),
        reverse("pulse:manage", kwargs={"pk": due_to_close.pk}),
        reverse("pulse:report", kwargs={"pk": due_to_close.pk}),
        reverse("pulse:start", kwargs={"code": due_to_open.round_code}),
    ):
        assert client.get(url).status_code == 200
    assert not Round.objects.filter(opened=True, pk=due_to_open.pk).exists()
    assert not Round.objects.filter(closed=True).exists()
    Scheduler().run_once(with_daily=False)
    assert Round.objects.filter(pk=due_to_open.pk, opened=True).exists()
    assert Round.objects.filter(pk=due_to_close.pk, closed=True, released=True).exists()


@pytest.mark.django_db(transaction=True)  # the worker reconnects between steps
def test_closing_from_the_page_queues_the_release_and_the_worker_makes_it(
    settings: Any, make_round: Callable[..., Round], lead: Member
) -> None:
    settings.TASKS = DATABASE_TASKS
    round_ = make_round()
    client = client_for(lead)
    closed = client.post(reverse("pulse:close", kwargs={"pk": round_.pk}), follow=True)
    assert "its report is being made" in closed.content.decode()
    round_.refresh_from_db()
    assert round_.closed and not round_.released
    call_command("worker", "--once", stdout=None)
    page = client.get(reverse("pulse:report", kwargs={"pk": round_.pk}))
    assert page.templates[0].name == "pulse/report.html"


def test_two_workers_releasing_the_same_round_store_one_report(
    make_round: Callable[..., Round], make_staff: Callable[..., list[Member]], lead: Member
) -> None:
    staff = make_staff(6)
    round_ = make_round()
    _answer(round_, staff)
    Round.objects.filter(pk=round_.pk).update(closed=True)
    round_.refresh_from_db()
    assert services.round_release(round_=round_)
    assert not services.round_release(round_=round_)
    assert ReleasedReport.objects.filter(round=round_).count() == 1


def test_a_report_stored_meanwhile_makes_the_release_compute_again_with_it(
    make_round: Callable[..., Round],
    make_staff: Callable[..., list[Member]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two rounds of one partnership released at once: the second stored must have the
    first in its ledger, or the two reports could be subtracted from each other."""
    staff = make_staff(12)
    first, second = make_round(title="First"), make_round(title="Second")
    _answer(first, staff)
    _answer(second, staff)
    Round.objects.filter(pk__in=[first.pk, second.pk]).update(closed=True)
    first.refresh_from_db()
    second.refresh_from_db()
    real_release = reports.release
    ledgers: list[int] = []

    def racing_release(round_: Round) -> reports.Released:
        released = real_release(round_)
        ledgers.append(released.data["audit"]["earlier_groups"])
        if round_.pk == second.pk and len(ledgers) == 1:
            services.round_release(round_=first)  # another worker stores first meanwhile
        return released

    monkeypatch.setattr(reports, "release", racing_release)
    assert services.round_release(round_=second)
    assert len(ledgers) == 3, "second was computed, first stored meanwhile, second again"
    assert ledgers[0] == 0 and ledgers[2] > 0
    assert ReleasedReport.objects.get(round=second).data["audit"]["earlier_groups"] > 0


@pytest.mark.django_db(transaction=True)
def test_the_release_is_computed_outside_any_transaction_so_others_can_sign_in(
    make_round: Callable[..., Round],
    make_staff: Callable[..., list[Member]],
    make_member: Callable[..., Member],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Found: closing a round held one write transaction for its whole release, and sign-ins
    failed with "database is locked". Now, while the report is computed, no transaction is
    open and another connection signs in (a session written, last sign-in updated)."""
    staff_member = make_member(Role.STAFF, name="Sigrid")
    staff = make_staff(6)
    round_ = make_round()
    _answer(round_, staff)
    Round.objects.filter(pk=round_.pk).update(closed=True)
    round_.refresh_from_db()
    real_release = reports.release
    seen: dict[str, Any] = {}

    def sign_in() -> None:
        client = Client()
        response = client.post(
            reverse("people:login"), {"login": staff_member.user.email, "password": PASSWORD}
        )
        seen["status"] = response.status_code
        seen["signed_in"] = "_auth_user_id" in client.session
        connection.close()

    def watched_release(released_round: Round) -> reports.Released:
        seen["in_transaction"] = connection.in_atomic_block
        other = threading.Thread(target=sign_in)
        other.start()
        other.join(timeout=30)
        return real_release(released_round)

    monkeypatch.setattr(reports, "release", watched_release)
    assert services.round_release(round_=round_)
    assert seen == {"in_transaction": False, "status": 302, "signed_in": True}


@pytest.mark.django_db(transaction=True)  # the worker reconnects between steps
def test_a_release_a_stopped_worker_left_unfinished_is_made_by_the_next(
    settings: Any, make_round: Callable[..., Round], make_staff: Callable[..., list[Member]]
) -> None:
    settings.TASKS = DATABASE_TASKS
    staff = make_staff(6)
    round_ = make_round()
    _answer(round_, staff)
    services.round_close(round_=round_, actor=None)
    DBTaskResult.objects.filter(task_path__endswith="release_round").delete()  # lost with it
    call_command("worker", "--once", stdout=None)
    assert not Round.objects.get(pk=round_.pk).released, "a fresh close is left to its task"
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - timedelta(hours=1))
    call_command("worker", "--once", stdout=None)
    assert Round.objects.get(pk=round_.pk).released


@pytest.mark.django_db(transaction=True)  # the worker reconnects between steps
def test_a_failing_scheduled_step_is_logged_without_its_words_and_the_rest_still_run(
    make_round: Callable[..., Round],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken() -> int:
        raise ValueError("Someone's private words")

    round_ = make_round()
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    monkeypatch.setattr(worker, "TICK", (("broken", broken), *worker.TICK))
    done = worker.Scheduler().run_once(with_daily=False)
    assert done["rounds closed"] == 1 and "broken" not in done
    assert "Scheduled work failed (broken): ValueError" in caplog.text
    assert "private words" not in caplog.text
