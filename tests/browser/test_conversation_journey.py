"""A brave conversation in a real Chromium: a facilitator opens it and sends links; a mother
on a 320 px phone joins with the family link, votes, and writes a statement the language
lens has a suggestion for; a co-moderator with lived experience accepts it; a manager votes
and sees where they stand. The facilitator adds votes from a meeting.

Every page on the way passes axe-core (WCAG 2.0, 2.1 and 2.2, A and AA) and none scrolls
sideways. With VILLAGE_SCREENSHOTS set, each participant page is saved at 320 and 1280 px.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, both_widths, sign_in, tick
from village.people.models import Constituency, Member, Role

pytestmark = pytest.mark.browser

QUESTION = "How should our services work with families affected by substance use?"
SEEDS = [
    "Families should be able to read their own case notes.",
    "Social workers need smaller caseloads.",
    "Services should share information before meeting a family.",
]
MUM_STATEMENT = "Parents who are non-compliant still need someone to listen"
LIVE_TIMEOUT_MS = 5_000


def create_conversation(fac: Any, check_page: Any) -> None:
    fac.get_by_role("navigation", name="Main").get_by_role("link", name="Conversations").click()
    expect(fac.get_by_role("heading", level=1, name="Brave conversations")).to_be_visible()
    check_page(fac, "conversation list")
    fac.get_by_role("link", name="Start a conversation").click()
    expect(fac.get_by_role("heading", level=1, name="Start a conversation")).to_be_visible()
    check_page(fac, "start a conversation")

    # A missing question is named in an error summary, and nothing else typed is lost.
    fac.get_by_label("Context").fill("We are rewriting the guidance this year.")
    fac.get_by_role("button", name="Create the conversation").click()
    expect(fac.get_by_role("alert")).to_contain_text("Write the question the conversation is about")
    expect(fac.get_by_label("Context")).to_have_value("We are rewriting the guidance this year.")
    check_page(fac, "start a conversation, with an error")

    fac.get_by_label("Question").fill(QUESTION)
    fac.get_by_label("Seed statements").fill("\n".join(SEEDS))
    tick(fac.get_by_label("Participants can see the results while it is open"))
    fac.get_by_role("button", name="Create the conversation").click()
    expect(fac.get_by_role("heading", level=1, name=QUESTION)).to_be_visible()
    check_page(fac, "manage page")


def make_link(fac: Any, check_page: Any, group: str) -> str:
    fac.get_by_label("Who is the link for?").select_option(label=group)
    fac.get_by_role("button", name="Make the link").click()
    expect(fac.get_by_text("1 link(s) made.")).to_be_visible()
    check_page(fac, f"manage page with a link for {group}")
    card = fac.locator("li.village-card", has_text=group).last
    url: str = card.get_by_role("textbox").input_value()
    assert re.search(r"/conversations/j/[A-Z2-9]{8}/$", url), url
    return url


def vote(page: Any, answer: str, *, keyboard: bool = False) -> str:
    """Answer the statement shown; return its text. The page's script sends the answer and
    shows the next statement without loading the page again, says so to screen readers,
    and keeps keyboard focus on the same button. By keyboard: focus the button and press
    Enter."""
    statement: str = page.locator("#statement-text").inner_text()
    page.evaluate("window.sameDocument = true")
    button = page.get_by_role("button", name=answer, exact=True)
    if keyboard:
        button.focus()
        page.keyboard.press("Enter")
    else:
        button.click()
    expect(page.locator("#statement-text")).not_to_have_text(statement)
    # Until HTMX has settled the new statement its form is a plain form, so an answer given
    # that fast would load a page (which works, but is not what this checks).
    expect(page.locator("#ballot.htmx-added")).to_have_count(0)
    expect(page.locator("#vote-status")).to_contain_text("Saved")
    assert page.evaluate("window.sameDocument") is True
    if keyboard:
        expect(page.get_by_role("button", name=answer, exact=True)).to_be_focused()
    return statement


def test_a_brave_conversation_from_opening_to_where_i_stand(
    new_page: Any, check_page: Any, person: Callable[..., Member]
) -> None:
    facilitator = person(
        "fran@example.org", "Fran Facilitator", Role.FACILITATOR, Constituency.FRONTLINE
    )
    assert facilitator.pk
    person("maya@example.org", "Maya", Role.FAMILY, Constituency.FAMILY)
    person("mo@example.org", "Mo Manager", Role.PARTNER_LEAD, Constituency.MANAGER)
    fac = new_page(width=1280)
    mum = new_page(width=320, height=740)

    # --- The facilitator opens the conversation, makes links and names a co-moderator.
    sign_in(fac, check_page, email="fran@example.org", password=PASSWORD)
    create_conversation(fac, check_page)
    family_url = make_link(fac, check_page, "Families and people with lived experience")
    manager_url = make_link(fac, check_page, "Managers and commissioners")
    tick(fac.get_by_label("Maya"))
    fac.get_by_role("button", name="Save co-moderators").click()
    expect(fac.get_by_text("The co-moderators are saved.")).to_be_visible()

    # --- A mother opens the family link on her phone, with no account.
    mum.goto(family_url)
    expect(mum.get_by_role("heading", level=1, name=QUESTION)).to_be_visible()
    both_widths(mum, check_page, "conversation-join", "join page")
    mum.get_by_role("button", name="Take part").click()
    expect(mum.get_by_text("You have answered 0 of 3 statements.")).to_be_visible()
    both_widths(mum, check_page, "conversation-vote", "vote page")
    for name in ("Agree", "Disagree", "Pass or unsure"):
        box = mum.get_by_role("button", name=name, exact=True).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (name, box)
    vote(mum, "Agree")
    expect(mum.get_by_text("You have answered 1 of 3 statements.")).to_be_visible()
    vote(mum, "Disagree", keyboard=True)
    expect(mum.get_by_text("You have answered 2 of 3 statements.")).to_be_visible()

    # --- She writes a statement: the lens suggests other words as she types.
    mum.get_by_role("link", name="Write a statement").click()
    expect(mum.get_by_role("heading", level=1, name="Write a statement")).to_be_visible()
    mum.wait_for_load_state("load")
    check_page(mum, "write page")
    mum.get_by_label("Your statement").press_sequentially(MUM_STATEMENT, delay=5)
    checks = mum.locator("#write-checks")
    expect(checks.get_by_role("heading", name="Words to think about")).to_be_visible(
        timeout=LIVE_TIMEOUT_MS
    )
    expect(checks).to_contain_text("non-compliant")
    both_widths(mum, check_page, "conversation-write-checks", "write page with live checks")
    # She has seen the suggestions as she typed, so posting is not stopped to show them again.
    mum.get_by_role("button", name="Post", exact=True).click()
    expect(mum.get_by_text("A moderator will look at your statement soon.")).to_be_visible()
    check_page(mum, "vote page after writing")

    # --- A co-moderator with lived experience accepts it.
    maya = new_page(width=1280)
    sign_in(maya, check_page, email="maya@example.org", password=PASSWORD)
    maya.get_by_role("navigation", name="Main").get_by_role("link", name="Conversations").click()
    maya.get_by_role("link", name=re.compile("^Moderate")).click()
    expect(maya.get_by_role("heading", level=1, name="Moderate")).to_be_visible()
    check_page(maya, "moderation queue")
    waiting = maya.locator("li.village-card", has_text=MUM_STATEMENT)
    waiting.get_by_role("button", name="Accept", exact=True).click()
    expect(maya.get_by_text("Accepted.", exact=True)).to_be_visible()
    check_page(maya, "moderation queue after accepting")

    # --- A manager signs in, opens the manager link and answers every statement.
    mo = new_page(width=1280)
    sign_in(mo, check_page, email="mo@example.org", password=PASSWORD)
    mo.goto(manager_url)
    mo.get_by_role("button", name="Take part").click()
    expect(mo.get_by_text("You have answered 0 of 4 statements.")).to_be_visible()
    check_page(mo, "manager's vote page")
    answered = [vote(mo, "Agree"), vote(mo, "Disagree"), vote(mo, "Agree")]
    last = mo.locator("#statement-text").inner_text()
    mo.evaluate("window.sameDocument = true")
    mo.get_by_role("button", name="Pass or unsure", exact=True).focus()
    mo.keyboard.press("Enter")
    done = mo.get_by_role("heading", name="You have answered every statement")
    expect(done).to_be_visible()
    expect(done).to_be_focused()
    assert mo.evaluate("window.sameDocument") is True
    assert MUM_STATEMENT in [*answered, last]
    check_page(mo, "vote page, all answered")
    mo.get_by_role("link", name="Where you stand").click()
    expect(mo.get_by_role("heading", level=1, name="Where you stand")).to_be_visible()
    hidden = mo.locator(".village-standing__hidden")
    expect(hidden).to_contain_text("Families and people with lived experience")
    expect(hidden).to_contain_text("Fewer than 5 people")
    both_widths(mo, check_page, "conversation-standing", "where I stand")

    # The mother's "where I stand" on her phone; her answers page too.
    mum.get_by_role("link", name="Where you stand").click()
    expect(mum.get_by_role("heading", level=1, name="Where you stand")).to_be_visible()
    check_page(mum, "where I stand at 320 px")
    mum.get_by_role("link", name="See or change your answers").click()
    both_widths(mum, check_page, "conversation-answers", "your answers")

    # --- The facilitator adds the cards from a meeting.
    fac.get_by_role("link", name="Add votes from a meeting").click()
    expect(fac.get_by_role("heading", level=1, name="Add votes from a meeting")).to_be_visible()
    fac.get_by_label("How many people's cards?").fill("2")
    fac.get_by_role("button", name="Change").click()
    expect(fac.get_by_role("group", name="Person 2")).to_be_visible()
    both_widths(fac, check_page, "conversation-in-person", "votes from a meeting")
    fac.get_by_role("button", name="Add these votes").click()
    expect(fac.get_by_role("alert")).to_contain_text("Choose the group the people at the meeting")
    check_page(fac, "votes from a meeting, with errors")
    tick(fac.get_by_label("Families and people with lived experience"))
    tick(fac.get_by_label("Everyone whose answers are below agreed to them being added"))
    fac.get_by_role("group", name="Person 1").get_by_label(SEEDS[0]).select_option(label="Agree")
    fac.get_by_role("group", name="Person 2").get_by_label(SEEDS[1]).select_option(
        label="Pass or unsure"
    )
    fac.get_by_role("button", name="Add these votes").click()
    expect(fac.get_by_text("2 votes from 2 people added.")).to_be_visible()
    check_page(fac, "manage page after votes from a meeting")
    # The box for the number of cards and its button line up along their foot.
    fac.get_by_role("link", name="Add votes from a meeting").click()
    button = fac.get_by_role("button", name="Change").bounding_box()
    field = fac.get_by_label("How many people's cards?").bounding_box()
    assert abs((button["y"] + button["height"]) - (field["y"] + field["height"])) <= 2

    # --- The published log and the edit page, as the facilitator sees them.
    fac.get_by_role("link", name="Back to the conversation").click()
    fac.get_by_role("link", name="Moderation log").click()
    expect(fac.get_by_role("heading", level=1)).to_contain_text("Moderation log")
    both_widths(fac, check_page, "conversation-log", "moderation log")
    fac.go_back()
    fac.get_by_role("link", name="Change the question, times or policy").click()
    check_page(fac, "edit page")
