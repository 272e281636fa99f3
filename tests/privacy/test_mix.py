"""The mix (issue 8, "No link in a dump"): what one submit writes, batches of at least the
minimum, nothing lost when the server stops before release, and no double answers."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.pulse.conftest import full_answers
from village.circles import changes
from village.circles import services as circle_services
from village.circles.models import CheckIn, Circle, Moment, PendingAnswer, Phase, Theme
from village.people.models import Member, Role
from village.pulse import selectors
from village.pulse import services as pulse_services
from village.pulse.models import Participation, PendingResponse, Response, Round

WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _written_tables(queries: CaptureQueriesContext) -> set[str]:
    return {m.group(2) for q in queries.captured_queries if (m := WRITE.match(q["sql"]))}


def _guest_answer(round_: Round, index: int, comment: str = "") -> None:
    pulse_services.response_submit(
        round_=round_,
        member=None,
        browser_key=f"guest-key-{index}",
        answers=full_answers(round_.instruments),
        comment=comment,
    )


def test_a_submit_writes_only_its_sealed_pending_row(
    make_round: Callable[..., Round], make_member: Callable[..., Member]
) -> None:
    """Finding: a pulse response was written in the same transaction as its participation
    row. Now the submit writes the pending row (and deletes its draft) and nothing that
    names a person. Failed on the old code: it wrote pulse_participation and pulse_response."""
    staff = make_member(Role.STAFF, name="Sam")
    round_ = make_round()
    with CaptureQueriesContext(connection) as queries:
        pulse_services.response_submit(
            round_=round_,
            member=staff,
            browser_key="k" * 43,
            answers=full_answers(round_.instruments),
            comment="Something only I would say",
        )
    assert _written_tables(queries) <= {"pulse_pendingresponse", "pulse_draft"}
    sealed = bytes(PendingResponse.objects.get().sealed)
    assert b"only I would say" not in sealed, "the payload is encrypted"


def test_a_check_in_and_dots_write_only_pending_rows(
    circle: Circle, facilitator: Member, make_member: Callable[..., Member]
) -> None:
    """Finding: a check-in was written in the same transaction as the participant's update,
    and dots in the same one as Participant.dots_used. Failed on the old code."""
    member = make_member(Role.STAFF, name="Sam")
    participant = circle_services.participant_join(circle=circle, member=member, browser_key="")
    with CaptureQueriesContext(connection) as queries:
        circle_services.checkin_record(
            circle=circle, participant=participant, moment=Moment.ARRIVE, score=2, word="tired"
        )
    assert _written_tables(queries) == {"circles_pendinganswer"}
    reflection = circle_services.reflection_create(
        circle=circle,
        participant=participant,
        prompt=circle.prompts.first(),
        text="Time to think",
        browser_key="",
    )
    theme = circle_services.theme_create(
        circle=circle, actor=facilitator, name="Time", reflection_ids=[str(reflection.public_id)]
    )
    circle_services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.VOTE)
    with CaptureQueriesContext(connection) as queries:
        circle_services.dots_cast(circle=circle, participant=participant, allocation={theme.pk: 2})
    assert _written_tables(queries) == {"circles_pendinganswer"}
    with CaptureQueriesContext(connection) as queries:
        circle_services.dots_cast(circle=circle, participant=participant, allocation={theme.pk: 1})
    assert _written_tables(queries) == {"circles_pendinganswer"}
    assert circle_services.dots_left(circle=circle, participant=participant) == 0
    with pytest.raises(circle_services.CircleError, match="0 dots left"):
        circle_services.dots_cast(circle=circle, participant=participant, allocation={theme.pk: 1})


def test_posting_a_reflection_writes_the_reflection_and_the_version_only(circle: Circle) -> None:
    participant = circle_services.participant_join(circle=circle, member=None, browser_key="k")
    with CaptureQueriesContext(connection) as queries:
        circle_services.reflection_create(
            circle=circle,
            participant=participant,
            prompt=circle.prompts.first(),
            text="Words",
            browser_key="k",
        )
    assert _written_tables(queries) == {"circles_reflection", "circles_circle"}


def test_answers_go_out_in_batches_that_never_leave_fewer_than_the_minimum(
    make_round: Callable[..., Round], lead: Member
) -> None:
    round_ = make_round()
    for index in range(9):
        _guest_answer(round_, index)
    assert Response.objects.count() == 0 and PendingResponse.objects.count() == 9
    _guest_answer(round_, 9)
    assert Response.objects.count() == 0, "a request never releases: the worker does"
    assert pulse_services.pending_release_due() == 5
    assert Response.objects.count() == 5, "ten waiting: five go out, five stay behind"
    assert PendingResponse.objects.count() == 5
    assert Participation.objects.filter(completed=True).count() == 5
    pulse_services.round_close(round_=round_, actor=lead)
    assert Response.objects.count() == 10 and PendingResponse.objects.count() == 0
    assert Participation.objects.filter(completed=True).count() == 10


def test_the_worker_releases_a_live_circles_moods_in_batches(circle: Circle) -> None:
    people = [
        circle_services.participant_join(circle=circle, member=None, browser_key=f"p{i}")
        for i in range(10)
    ]
    for person in people:
        circle_services.checkin_record(
            circle=circle, participant=person, moment=Moment.ARRIVE, score=3
        )
    assert CheckIn.objects.count() == 0, "a request never releases: the worker does"
    assert circle_services.circles_release_due() == 1
    assert CheckIn.objects.count() == 5 and PendingAnswer.objects.count() == 5
    assert circle_services.circles_release_due() == 0, "never fewer than the minimum behind"


@pytest.mark.django_db(transaction=True)  # two connections: the release and a post
def test_releasing_moods_does_not_wait_for_the_circle_a_post_is_saving_to(circle: Circle) -> None:
    """Found with bench/circle_load.py at 1,000 people: the worker's release locked the
    circle's row for the whole batch, so every post (which moves the circle's version on)
    waited seconds behind it. A release now locks only the answers it takes: it goes ahead
    while another connection holds the circle's row, as a post does while it saves."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite has one writer at a time")
    for i in range(10):
        person = circle_services.participant_join(circle=circle, member=None, browser_key=f"p{i}")
        circle_services.checkin_record(
            circle=circle, participant=person, moment=Moment.ARRIVE, score=3
        )
    held, done = threading.Event(), threading.Event()

    def post_saving() -> None:
        with transaction.atomic():
            changes.changed(circle)  # a post moves the version on, and holds the row till commit
            held.set()
            done.wait(timeout=30)
        connection.close()

    other = threading.Thread(target=post_saving)
    other.start()
    assert held.wait(timeout=30)
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '2s'")
    try:
        assert circle_services.circles_release_due() == 1
    finally:
        done.set()
        other.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert CheckIn.objects.count() == 5 and PendingAnswer.objects.count() == 5


def test_nothing_is_lost_if_the_server_stops_before_release(
    make_round: Callable[..., Round],
) -> None:
    """Pending rows are durable; the worker's task (or `village release_pending`) releases
    them once the round's time is up, and running it again changes nothing."""
    round_ = make_round()
    for index in range(3):
        _guest_answer(round_, index, comment=f"kept {index}")
    # The server stops here; later the round's closing time passes with nobody visiting.
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    call_command("release_pending")
    call_command("release_pending")
    assert sorted(Response.objects.values_list("comment", flat=True)) == [
        "kept 0",
        "kept 1",
        "kept 2",
    ]
    assert PendingResponse.objects.count() == 0


def test_circle_moods_and_dots_are_released_when_the_circle_ends_by_the_clock(
    circle: Circle, facilitator: Member
) -> None:
    people = [
        circle_services.participant_join(circle=circle, member=None, browser_key=f"p{i}")
        for i in range(3)
    ]
    reflection = circle_services.reflection_create(
        circle=circle,
        participant=people[0],
        prompt=circle.prompts.first(),
        text="Time",
        browser_key="p0",
    )
    theme = circle_services.theme_create(
        circle=circle, actor=facilitator, name="Time", reflection_ids=[str(reflection.public_id)]
    )
    for person in people:
        circle_services.checkin_record(
            circle=circle, participant=person, moment=Moment.ARRIVE, score=4
        )
    circle_services.circle_move_to(circle=circle, actor=facilitator, phase=Phase.VOTE)
    for person in people:
        circle_services.dots_cast(circle=circle, participant=person, allocation={theme.pk: 1})
    Circle.objects.filter(pk=circle.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    call_command("release_pending")
    assert CheckIn.objects.filter(circle=circle).count() == 3
    assert Theme.objects.get(pk=theme.pk).dots == 3
    assert PendingAnswer.objects.count() == 0


def test_already_answered_looks_at_pending_markers_and_done_flags(
    make_round: Callable[..., Round], make_member: Callable[..., Member]
) -> None:
    staff = make_member(Role.STAFF, name="Sam")
    round_ = make_round()
    pulse_services.response_submit(
        round_=round_, member=staff, browser_key="a" * 43, answers=full_answers(round_.instruments)
    )
    assert selectors.has_completed(round_=round_, member=staff, browser_key="another")
    with pytest.raises(pulse_services.PulseError, match="already taken part"):
        pulse_services.response_submit(
            round_=round_,
            member=staff,
            browser_key="b" * 43,
            answers=full_answers(round_.instruments),
        )
    pulse_services.pending_release(round_=round_, final=True)
    assert selectors.has_completed(round_=round_, member=staff, browser_key="another")
    with pytest.raises(pulse_services.PulseError, match="already taken part"):
        pulse_services.response_submit(
            round_=round_,
            member=staff,
            browser_key="b" * 43,
            answers=full_answers(round_.instruments),
        )


def test_the_marker_cannot_be_joined_to_who_took_part(make_round: Callable[..., Round]) -> None:
    round_ = make_round()
    _guest_answer(round_, 0)
    marker = PendingResponse.objects.get().marker
    own_hash = pulse_services.participation_hash(round_=round_, key="guest-key-0")
    assert marker != own_hash and own_hash not in marker
