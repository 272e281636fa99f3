"""Stories of change: who may tell and who may select, in every state, through the services;
the pages for every role, allowed and refused; another partnership finds nothing; hostile
words on every form; an anonymous story holds no person; the 6-month gate counts stories."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import rules
from django.urls import reverse

from tests.conftest import FORBIDDEN, MISSING, OK, access_outcome, client_for
from tests.hostile import HOSTILE, check
from tests.hub.conftest import People
from tests.hub.test_policy_matrix import EVERYONE, _put_in_state
from village.hub import policy, selectors, services
from village.hub.models import Domain, Project, Selection, Story
from village.hub.policy import HubError, State
from village.people.models import AuditEvent, Member, Role

PANEL = {"facilitator", "lead"}
TELLERS = set(EVERYONE) - {"observer"}
DOMAIN = "Changes in how we work together"


def _tell(
    project: Project, actor: Member, *, anonymous: bool = False, title: str = "Heard"
) -> Story:
    return services.story_tell(
        project=project,
        actor=actor,
        domain=DOMAIN,
        title=title,
        text="The family chose who came to the meeting.",
        anonymous=anonymous,
    )


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("who", EVERYONE)
def test_who_tells_and_who_selects_in_every_state(
    project: Project, people: People, state: State, who: str
) -> None:
    story = _tell(project, people.staff)
    _put_in_state(project, state)
    actor = getattr(people, who)
    attempts: dict[str, tuple[bool, Callable[[], object]]] = {
        "tell": (who in TELLERS, lambda: _tell(project, actor, anonymous=True)),
        "select": (
            who in PANEL,
            lambda: services.story_select(story=story, actor=actor, reason="It shows trust."),
        ),
        "domain": (
            who in {"admin", "facilitator", "lead"},
            lambda: services.domain_add(project=project, actor=actor, name="Schools"),
        ),
    }
    for act in policy.StoryAct:
        assert rules.test_rule(f"hub.{act.value}", actor, project) == bool(
            policy.story_decide(act=act, member=actor, project=project)
        )
    for act, (allowed, attempt) in attempts.items():
        if allowed and state != State.FINISHED:
            attempt()
        else:
            with pytest.raises(HubError):
                attempt()
            assert (act == "tell" and Story.objects.count() == 1) or act != "tell"
    assert Selection.objects.exists() == (who in PANEL and state != State.FINISHED)


def test_nobody_outside_the_partnership_tells_or_selects(
    project: Project, people: People, make_member: Callable[..., Member], other_partnership
) -> None:
    story = _tell(project, people.staff)
    stranger = make_member(Role.FACILITATOR, partnership=other_partnership, name="Xan")
    with pytest.raises(HubError, match="not open to you"):
        _tell(project, stranger)
    with pytest.raises(HubError, match="not open to you"):
        services.story_select(story=story, actor=stranger, reason="Mine now.")
    assert not policy.story_abilities(member=stranger, project=project)["tell_story"]


def test_an_anonymous_story_holds_no_person_no_time_and_writes_no_audit(
    project: Project, people: People
) -> None:
    before = AuditEvent.objects.count()
    story = _tell(project, people.family, anonymous=True)
    assert AuditEvent.objects.count() == before
    row = Story.objects.filter(pk=story.pk).values().get()
    assert row["told_by_id"] is None
    assert set(row) == {
        "id",
        "project_id",
        "domain",
        "title",
        "text",
        "why_significant",
        "told_by_id",
        "told_on",
    }
    assert not hasattr(row["told_on"], "hour")
    named = _tell(project, people.family, title="Named")
    assert named.told_by == people.family
    assert AuditEvent.objects.filter(action="hub.story_tell", target_id=str(named.pk)).exists()
    keys = sorted(Story.objects.values_list("pk", flat=True))
    assert keys[-1] - keys[0] > 1000  # random keys, not a count of stories told


def test_a_selection_needs_a_reason_and_happens_once(project: Project, people: People) -> None:
    story = _tell(project, people.family, anonymous=True)
    for reason in ("", "   ", "x" * 2001):
        with pytest.raises(HubError):
            services.story_select(story=story, actor=people.facilitator, reason=reason)
    services.story_select(story=story, actor=people.facilitator, reason="Families led it.")
    with pytest.raises(HubError, match="already selected"):
        services.story_select(story=story, actor=people.lead, reason="Again.")
    assert [s.reason for s in selectors.selections_of(project=project)] == ["Families led it."]


def test_stories_are_grouped_by_domain_with_defaults_until_the_project_names_its_own(
    project: Project, people: People
) -> None:
    assert selectors.domains_of(project=project) == [str(d) for d in policy.DEFAULT_DOMAINS]
    with pytest.raises(HubError, match="domains of change"):
        services.story_tell(
            project=project,
            actor=people.staff,
            domain="Made up",
            title="t",
            text="t",
            anonymous=False,
        )
    _tell(project, people.staff, title="B")
    _tell(project, people.family, title="A", anonymous=True)
    services.domain_add(project=project, actor=people.lead, name="  Schools   and  play ")
    with pytest.raises(HubError, match="already has"):
        services.domain_add(project=project, actor=people.lead, name="schools and play")
    assert Domain.objects.filter(project=project).count() == len(policy.DEFAULT_DOMAINS) + 1
    groups = {
        g.domain: [s.title for s in g.stories] for g in selectors.stories_by_domain(project=project)
    }
    assert groups[DOMAIN] == ["A", "B"]  # content order, not the order told
    assert groups["Schools and play"] == []


def test_the_six_month_gate_counts_stories_told(project: Project, people: People) -> None:
    assert selectors.stories_told(project=project) == 0
    _tell(project, people.family, anonymous=True)
    _tell(project, people.staff)
    assert selectors.stories_told(project=project) == 2
    assert selectors.progress_of(project=project).stories == 2


# --- pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", EVERYONE)
def test_every_member_reads_stories_and_only_tellers_open_the_form(
    project: Project, people: People, who: str
) -> None:
    _tell(project, people.family, anonymous=True)
    client = client_for(getattr(people, who))
    page = client.get(reverse("hub:stories", args=[project.pk]))
    assert access_outcome(page) == OK
    assert "Told anonymously" in page.content.decode()
    assert ("Select this story" in page.content.decode()) == (who in PANEL)
    expected = OK if who in TELLERS else FORBIDDEN
    assert access_outcome(client.get(reverse("hub:story_tell", args=[project.pk]))) == expected


def test_another_partnership_finds_no_stories(
    project: Project, people: People, make_member: Callable[..., Member], other_partnership
) -> None:
    story = _tell(project, people.family, anonymous=True)
    client = client_for(make_member(Role.FACILITATOR, partnership=other_partnership, name="Xan"))
    for url in (
        reverse("hub:stories", args=[project.pk]),
        reverse("hub:story_tell", args=[project.pk]),
    ):
        assert access_outcome(client.get(url)) == MISSING
    response = client.post(
        reverse("hub:story_select", args=[project.pk, story.pk]),
        {f"story-{story.pk}-reason": "Taken."},
    )
    assert access_outcome(response) == MISSING
    assert not Selection.objects.exists()


def test_a_family_member_tells_anonymously_and_the_panel_selects_on_the_pages(
    project: Project, people: People
) -> None:
    family = client_for(people.family)
    url = reverse("hub:story_tell", args=[project.pk])
    words = {
        "domain": DOMAIN,
        "title": "Listened to",
        "text": "We set the agenda.",
        "why_significant": "",
        "anonymous": "on",
    }
    assert family.post(url, words).status_code == 302
    story = Story.objects.get()
    assert story.told_by is None
    select = reverse("hub:story_select", args=[project.pk, story.pk])
    assert (
        client_for(people.staff).post(select, {f"story-{story.pk}-reason": "x"}).status_code == 403
    )
    empty = client_for(people.facilitator).post(select, {f"story-{story.pk}-reason": " "})
    assert empty.status_code == 400
    assert "Say why the panel chose this story." in empty.content.decode()
    done = client_for(people.facilitator).post(
        select, {f"story-{story.pk}-reason": "Power shared."}
    )
    assert done.status_code == 302
    assert Selection.objects.get().reason == "Power shared."
    page = family.get(reverse("hub:stories", args=[project.pk])).content.decode()
    assert "Selected by the panel" in page and "Power shared." in page


def test_a_story_that_may_identify_someone_is_shown_back_before_it_is_saved(
    project: Project, people: People
) -> None:
    client = client_for(people.family)
    url = reverse("hub:story_tell", args=[project.pk])
    words = {
        "domain": DOMAIN,
        "title": "A visit",
        "text": "Mrs Smith at 12 Hill Street said so.",
        "anonymous": "on",
    }
    first = client.post(url, words)
    page = first.content.decode()
    assert first.status_code == 200 and "Check before you post" in page
    assert 'name="confirmed" value="True"' in page
    assert not Story.objects.exists()
    assert client.post(url, {**words, "confirmed": "True"}).status_code == 302
    assert Story.objects.get().told_by is None


def test_observers_and_non_panel_members_posting_are_refused(
    project: Project, people: People
) -> None:
    story = _tell(project, people.family)
    observer = client_for(people.observer)
    response = observer.post(
        reverse("hub:story_tell", args=[project.pk]),
        {"domain": DOMAIN, "title": "t", "text": "t"},
    )
    assert access_outcome(response) == FORBIDDEN
    for who in ("staff", "family", "partner_lead", "observer", "admin"):
        client = client_for(getattr(people, who))
        response = client.post(
            reverse("hub:story_select", args=[project.pk, story.pk]),
            {f"story-{story.pk}-reason": "Mine."},
        )
        assert access_outcome(response) == FORBIDDEN, who
    response = client_for(people.staff).post(
        reverse("hub:domain_add", args=[project.pk]), {"name": "Mine"}
    )
    assert access_outcome(response) == FORBIDDEN
    assert Story.objects.count() == 1 and not Selection.objects.exists()
    assert not Domain.objects.exists()


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_words_on_every_story_form(project: Project, people: People, value: str) -> None:
    story = _tell(project, people.family, anonymous=True)
    client = client_for(people.lead)
    posts = [
        (
            reverse("hub:story_tell", args=[project.pk]),
            {
                "domain": value,
                "title": value,
                "text": value,
                "why_significant": value,
                "anonymous": value,
                "confirmed": "True",
            },
        ),
        (
            reverse("hub:story_tell", args=[project.pk]),
            {
                "domain": DOMAIN,
                "title": value,
                "text": value,
                "why_significant": value,
                "confirmed": "True",
            },
        ),
        (
            reverse("hub:story_select", args=[project.pk, story.pk]),
            {f"story-{story.pk}-reason": value},
        ),
        (reverse("hub:domain_add", args=[project.pk]), {"name": value}),
    ]
    for url, data in posts:
        check(client.post(url, data, follow=True), value)
    kept = value.replace("\x00", "").strip()
    for title, text in Story.objects.exclude(pk=story.pk).values_list("title", "text"):
        assert title == kept and text == kept
    for reason in Selection.objects.values_list("reason", flat=True):
        assert reason == kept
    check(client.get(reverse("hub:stories", args=[project.pk])), value)


def test_a_finished_project_shows_its_stories_and_takes_no_more(
    project: Project, people: People
) -> None:
    story = _tell(project, people.family, anonymous=True)
    _put_in_state(project, State.FINISHED)
    page = client_for(people.facilitator).get(reverse("hub:stories", args=[project.pk]))
    assert "Told anonymously" in page.content.decode()
    assert "Select this story" not in page.content.decode()
    assert "Tell a story" not in page.content.decode()
    observer = client_for(people.observer)
    assert access_outcome(observer.get(reverse("hub:story_tell", args=[project.pk]))) == FORBIDDEN
    refused = client_for(people.facilitator).post(
        reverse("hub:story_select", args=[project.pk, story.pk]),
        {f"story-{story.pk}-reason": "Late."},
        follow=True,
    )
    assert "it is finished" in refused.content.decode()
    assert not Selection.objects.exists()
