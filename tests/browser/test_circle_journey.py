"""A facilitator and two guests take a circle through every phase, in a real Chromium.

Every page on the way passes axe-core (WCAG 2.0, 2.1 and 2.2, A and AA). The guests have no
account and each has their own browser context; one is 320 px wide, the other 375 px, and no
page any of them sees scrolls sideways.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, sign_in, tick
from village.people import services as people_services
from village.people.models import Agency, Constituency, Member, Role

pytestmark = pytest.mark.browser

FACILITATOR_EMAIL = "fran.facilitator@example.org"
# Polling runs every 2 s, so a new reflection must show within 3 s; allow a little for paint.
LIVE_TIMEOUT_MS = 3_500
# A phase change reaches guests on their next poll, which swaps the parts that change.
PHASE_TIMEOUT_MS = 8_000


@pytest.fixture
def facilitator(agency: Agency) -> Member:
    user = people_services.user_create(
        email=FACILITATOR_EMAIL, password=PASSWORD, email_verified=True
    )
    return people_services.member_create(
        partnership=agency.partnership,
        user=user,
        display_name="Fran Facilitator",
        roles=[Role.FACILITATOR],
        constituency=Constituency.FRONTLINE,
        agency=agency,
        job_title="Senior Practitioner",
    )


def create_circle(page: Any, check_page: Any) -> str:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Circles").click()
    expect(page.get_by_role("heading", level=1, name="Circles")).to_be_visible()
    check_page(page, "circle list")
    page.get_by_role("link", name="Start a new circle").click()
    expect(page.get_by_role("heading", level=1, name="Start a circle")).to_be_visible()
    check_page(page, "choose a kind of circle")
    page.get_by_role("link", name=re.compile("Use this.*A regular multiagency reflection")).click()
    expect(page.get_by_label("Title")).to_be_visible()
    check_page(page, "create-circle form")

    # The defaults are filled in for the facilitator.
    expect(page.get_by_label("Agreements")).to_have_value(
        re.compile(r"No names of children or families\.")
    )
    expect(page.get_by_label("Prompts")).to_have_value(
        re.compile(r"What is working for my wellbeing in multiagency work\?")
    )
    expect(page.get_by_label("Opens")).not_to_have_value("")
    expect(page.get_by_label("Closes")).not_to_have_value("")
    expect(page.get_by_label("Dots each person can give to themes")).to_have_value("3")

    page.get_by_label("Title").fill("Team wellbeing circle")
    page.get_by_label("Purpose").fill("To hear what helps and what gets in the way.")
    page.get_by_role("button", name="Create the circle").click()
    expect(page.get_by_role("heading", level=1, name="Team wellbeing circle")).to_be_visible()
    check_page(page, "facilitate page, reflect step")
    code = page.locator("#join-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{8}", code), code
    return code


def join_as_guest(page: Any, code: str, check_page: Any, *, score: str, word: str) -> None:
    page.goto("/")
    check_page(page, "home page, guest")
    page.get_by_role("link", name="Join with a code").first.click()
    expect(page.get_by_role("heading", level=1, name="Join with a code")).to_be_visible()
    check_page(page, "join page")

    page.get_by_label("Code", exact=True).fill(code.lower())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Our agreements")).to_be_visible()
    check_page(page, "room, before agreeing")

    # Joining without ticking the box says why and keeps the guest on the page.
    page.get_by_role("button", name="Join the circle").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the box to say you agree")
    check_page(page, "room, agreement error")

    tick(page.get_by_label("I agree to keep these agreements"))
    page.get_by_role("button", name="Join the circle").click()
    expect(page.get_by_role("heading", name="How are you arriving?")).to_be_visible()
    check_page(page, "room, check in")

    tick(page.get_by_label(score, exact=True))
    page.get_by_label("One word, if you like (optional)").fill(word)
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("heading", name="Add a reflection")).to_be_visible()
    check_page(page, "room, reflect step")


def post_reflection(page: Any, text: str, *, prompt: str = "", name: str = "") -> None:
    if prompt:
        page.get_by_label("Which question is this about?").select_option(label=prompt)
    page.get_by_label("Your reflection").fill(text)
    if name:
        tick(page.get_by_label("Show my name with this"))
        page.get_by_label("Name to show").fill(name)
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_text("Posted. You can change or withdraw it")).to_be_visible()


def live_cards(page: Any) -> Any:
    return page.locator("#circle-board li.village-card")


def mark_page(page: Any) -> None:
    """A flag that only survives while the page is not reloaded."""
    page.evaluate("() => { window.villageNotReloaded = true; }")


def assert_not_reloaded(page: Any) -> None:
    assert page.evaluate("() => window.villageNotReloaded === true"), "the page was reloaded"


def wait_for_step(page: Any, heading: str) -> None:
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(
        timeout=PHASE_TIMEOUT_MS
    )
    page.wait_for_load_state("load")


def move_on(page: Any, button: str, check_page: Any, where: str) -> None:
    page.get_by_role("button", name=button).click()
    expect(page.get_by_text("The circle has moved on to")).to_be_visible()
    check_page(page, where)


def add_theme(page: Any, name: str) -> None:
    page.get_by_label("Theme name").fill(name)
    page.get_by_role("button", name="Add theme").click()
    expect(page.locator("#circle-status")).to_contain_text(f"Theme “{name}” added.")
    expect(page.locator(".village-theme__name", has_text=name)).to_be_visible()


def move_by_keyboard(page: Any, text: str, theme: str) -> None:
    """The Move link opens a dialog of themes; Space chooses one, Enter moves, and keyboard
    focus follows the card to its theme. Until the page's script has run (its load event),
    the Move link is a plain link to the no-script page, so the test waits for it."""
    page.wait_for_load_state("load")
    card = page.locator("#board-ungrouped li", has_text=text)
    card.get_by_role("link", name=re.compile("^Move")).press("Enter")
    dialog = page.get_by_role("dialog", name="Move this reflection")
    expect(dialog).to_be_visible()
    dialog.get_by_label(theme, exact=True).press("Space")
    expect(dialog.get_by_label(theme, exact=True)).to_be_checked()
    dialog.get_by_role("button", name="Move", exact=True).press("Enter")
    expect(page.locator("#circle-status")).to_contain_text(f"to “{theme}”")
    moved = page.locator(".village-theme", has_text=theme).locator("li", has_text=text)
    expect(moved).to_be_visible()
    expect(moved.get_by_role("link", name=re.compile("^Move"))).to_be_focused()


def drag_card(page: Any, card: Any, target: Any) -> None:
    """Drags a card to a theme with the mouse. Playwright's drag_to measures the card and then
    presses, so a poll that redraws the board in between made it pick up the card beside it.
    Here the pointer rests on the card and the page says which card is under it before the
    press; the board is measured again until they match."""
    wanted = card.get_attribute("id")
    for _attempt in range(10):
        card.scroll_into_view_if_needed()
        box = card.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        under = page.evaluate(
            """([x, y]) => {
                const card = document.elementFromPoint(x, y)?.closest(".village-reflection");
                return card ? card.id : null;
            }""",
            [x, y],
        )
        if under == wanted:
            break
    assert under == wanted, "the card to drag never settled under the pointer"
    page.mouse.down()
    drop = target.bounding_box()
    page.mouse.move(drop["x"] + drop["width"] / 2, drop["y"] + drop["height"] / 2, steps=5)
    page.mouse.up()


def test_a_circle_from_opening_to_summary(
    new_page: Any, check_page: Any, facilitator: Member, agency: Agency
) -> None:
    fac = new_page(width=1280)
    ann = new_page(width=320)
    ben = new_page(width=375)

    # --- The facilitator opens a circle.
    sign_in(fac, check_page, email=FACILITATOR_EMAIL, password=PASSWORD)
    code = create_circle(fac, check_page)

    # --- Two guests join with the code, agree, and check in.
    join_as_guest(ann, code, check_page, score="4", word="hopeful")
    join_as_guest(ben, code, check_page, score="2", word="tired")
    expect(fac.locator("#facilitate-room")).to_contain_text("2 people have joined", timeout=5_000)

    # --- Reflections appear for the other guest without a reload.
    ann_text = "Peer supervision across agencies keeps me going."
    ben_text = "Too many meetings where each agency defends itself."
    mark_page(ben)
    post_reflection(ann, ann_text)
    check_page(ann, "room after posting an anonymous reflection")
    ann_card = live_cards(ann).filter(has_text=ann_text)
    expect(ann_card).to_contain_text("Anonymous")
    expect(ann_card.get_by_role("link", name="Change your reflection")).to_be_visible()
    expect(live_cards(ben).filter(has_text=ann_text)).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    assert_not_reloaded(ben)
    # Someone else's reflection cannot be changed from this browser.
    expect(live_cards(ben).filter(has_text=ann_text).get_by_role("link")).to_have_count(0)
    check_page(ben, "room after another guest's reflection arrived")

    mark_page(ann)
    post_reflection(ben, ben_text, prompt="What isn't working?", name="Ben, health visitor")
    check_page(ben, "room after posting a named reflection")
    expect(live_cards(ben).filter(has_text=ben_text)).to_contain_text("Ben, health visitor")
    ben_on_ann = live_cards(ann).filter(has_text=ben_text)
    expect(ben_on_ann).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(ben_on_ann).to_contain_text("Ben, health visitor")
    assert_not_reloaded(ann)
    check_page(ann, "room after a named reflection arrived")

    # --- A phone number brings a warning, and the words stay in the box.
    risky = "Ring me on 07700 900123 if the duty rota changes again."
    ben.get_by_label("Your reflection").fill(risky)
    ben.get_by_role("button", name="Post", exact=True).click()
    warning = ben.locator("#identifying-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("a phone number")
    expect(ben.get_by_label("Your reflection")).to_have_value(risky)
    expect(ben.get_by_role("button", name="Post it as it is")).to_be_visible()
    check_page(ben, "room with the identifying-details warning")
    # Take the number out and post: the warning has done its job.
    ben.get_by_label("Your reflection").fill("Ring me if the duty rota changes again.")
    ben.get_by_role("button", name="Post it as it is").click()
    expect(ben.get_by_text("Posted. You can change or withdraw it")).to_be_visible()
    expect(live_cards(ben).filter(has_text="duty rota")).to_have_count(1)

    # --- Ann changes her reflection, then posts and withdraws another.
    ann_card = live_cards(ann).filter(has_text=ann_text)
    ann_card.get_by_role("link", name="Change your reflection").click()
    expect(ann.get_by_role("heading", level=1, name="Change your reflection")).to_be_visible()
    check_page(ann, "edit reflection page")
    ann_text = "Peer supervision across agencies keeps me going, most weeks."
    ann.get_by_label("Your reflection").fill(ann_text)
    ann.get_by_role("button", name="Save changes").click()
    expect(ann.get_by_text("Your reflection is updated.")).to_be_visible()
    check_page(ann, "room after editing")
    expect(live_cards(ann).filter(has_text=ann_text)).to_be_visible()
    expect(live_cards(ben).filter(has_text=ann_text)).to_be_visible(timeout=LIVE_TIMEOUT_MS)

    second = "Protected time to reflect, not squeezed between visits."
    post_reflection(ann, second, prompt="What would help?")
    expect(live_cards(ben).filter(has_text=second)).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    live_cards(ann).filter(has_text=second).get_by_role("link", name="Withdraw").click()
    expect(ann.get_by_role("heading", level=1, name="Withdraw your reflection?")).to_be_visible()
    expect(ann.locator("blockquote")).to_contain_text(second)
    check_page(ann, "withdraw confirmation page")
    ann.get_by_role("button", name="Yes, withdraw it").click()
    expect(ann.get_by_text("Your reflection is withdrawn.")).to_be_visible()
    expect(live_cards(ann).filter(has_text=second)).to_have_count(0)
    expect(live_cards(ben).filter(has_text=second)).to_have_count(0, timeout=LIVE_TIMEOUT_MS)
    check_page(ann, "room after withdrawing")

    # --- "I need a pause" reaches the facilitator without saying who.
    ben.get_by_role("button", name="I need a pause").click()
    expect(ben.get_by_text("The facilitator has been asked for a pause.")).to_be_visible()
    check_page(ben, "room after asking for a pause")
    pause_alert = fac.locator("#facilitate-room [role=alert]")
    expect(pause_alert).to_contain_text("Someone has asked for a pause.", timeout=5_000)
    check_page(fac, "facilitate page with the pause alert")
    fac.get_by_role("button", name="We have paused").click()
    expect(fac.locator("#facilitate-room [role=alert]")).to_have_count(0)

    # --- Themes: made on the board, reflections moved by keyboard and by drag and drop.
    move_on(fac, "Next step: Group into themes", check_page, "facilitate page, themes step")
    add_theme(fac, "Working together")
    add_theme(fac, "Knowing what to expect")
    move_by_keyboard(fac, ann_text, "Working together")
    fac.wait_for_load_state("load")  # drag and drop is the page script's
    drag_card(
        fac,
        fac.locator("#board-ungrouped li", has_text=ben_text),
        fac.locator(".village-theme", has_text="Knowing what to expect"),
    )
    knowing = fac.locator(".village-theme", has_text="Knowing what to expect")
    expect(knowing.locator("li", has_text=ben_text)).to_be_visible()
    move_by_keyboard(fac, "Ring me if the duty rota changes again.", "Knowing what to expect")
    check_page(fac, "facilitate page with two themes")
    for guest, where in ((ann, "Ann"), (ben, "Ben")):
        wait_for_step(guest, "Themes")
        board = guest.locator("#circle-board")
        expect(board.locator(".village-theme", has_text="Working together")).to_contain_text(
            ann_text
        )
        expect(board).to_contain_text("Knowing what to expect")
        check_page(guest, f"room, themes step ({where})")

    # --- Voting with dots.
    move_on(fac, "Next step: Vote", check_page, "facilitate page, vote step")
    for guest in (ann, ben):
        wait_for_step(guest, "Give your dots")
        check_page(guest, "room, vote step")
    ann.get_by_role("spinbutton", name="Knowing what to expect").fill("2")
    ann.get_by_role("spinbutton", name="Working together").fill("1")
    ann.get_by_role("button", name="Give my dots").click()
    expect(ann.get_by_text("Your dots are in.")).to_be_visible()
    check_page(ann, "room after giving dots")
    # Too many dots: a clear message, nothing lost.
    ben.get_by_role("spinbutton", name="Knowing what to expect").fill("4")
    ben.get_by_role("button", name="Give my dots").click()
    expect(ben.get_by_role("alert")).to_have_text(
        re.compile(r"\s*There is a problem\s+You have 3 dots to give\.\s*")
    )
    expect(ben.get_by_role("spinbutton", name="Knowing what to expect")).to_have_value("4")
    check_page(ben, "room with a dots error on one theme")
    ben.get_by_role("spinbutton", name="Knowing what to expect").fill("2")
    ben.get_by_role("spinbutton", name="Working together").fill("2")
    ben.get_by_role("button", name="Give my dots").click()
    expect(ben.get_by_role("alert")).to_contain_text("You have 3 dots. You gave 4.")
    check_page(ben, "room with a dots error over the total")
    ben.get_by_role("spinbutton", name="Working together").fill("0")
    ben.get_by_role("spinbutton", name="Knowing what to expect").fill("3")
    ben.get_by_role("button", name="Give my dots").click()
    expect(ben.get_by_text("Your dots are in.")).to_be_visible()
    expect(ben.get_by_text("You have given all your dots.")).to_be_visible()
    fac.reload()
    # Two people's dots wait in the mix while voting is open: too few to count apart.
    expect(fac.locator(".village-theme", has_text="Knowing what to expect")).to_contain_text(
        "0 dots counted"
    )

    # --- Actions. Leaving the vote releases the dots.
    move_on(fac, "Next step: Agree actions", check_page, "facilitate page, actions step")
    expect(fac.locator(".village-theme", has_text="Knowing what to expect")).to_contain_text(
        "5 dots counted"
    )
    due = timezone.localdate() + timedelta(days=30)
    fac.get_by_label("What will happen").fill("Set up a shared duty contact list")
    fac.get_by_label("Which agency owns it").select_option(label=agency.name)
    fac.get_by_label("Due by").fill(due.isoformat())
    fac.get_by_label("Theme (optional)").select_option(label="Knowing what to expect")
    fac.get_by_role("button", name="Add action").click()
    expect(fac.get_by_text("Action added.")).to_be_visible()
    check_page(fac, "facilitate page with an action")
    for guest in (ann, ben):
        wait_for_step(guest, "Actions")
        expect(guest.locator("#circle-board")).to_contain_text(
            "Set up a shared duty contact list", timeout=LIVE_TIMEOUT_MS
        )
        check_page(guest, "room, actions step")

    # --- Check out.
    move_on(fac, "Next step: Check out", check_page, "facilitate page, check-out step")
    for guest, score in ((ann, "5 – doing well"), (ben, "3 – okay")):
        wait_for_step(guest, "How are you leaving?")
        check_page(guest, "room, check-out step")
        tick(guest.get_by_label(score, exact=True))
        guest.get_by_role("button", name="Check out").click()
        expect(guest.get_by_text("Thank you for taking part.")).to_be_visible()
        check_page(guest, "room after checking out")

    # --- The end: asked first, then read-only everywhere.
    mark_page(ann)
    fac.get_by_role("link", name="End the circle").click()
    expect(fac.get_by_role("heading", level=1, name="End the circle?")).to_be_visible()
    check_page(fac, "end confirmation page")
    fac.get_by_role("button", name="Yes, end the circle").click()
    expect(fac.get_by_text("It can be read but not changed.")).to_be_visible()
    check_page(fac, "facilitate page, ended")
    fac.get_by_role("link", name="See the summary").click()
    expect(fac.get_by_role("heading", name="Themes, by votes")).to_be_visible()
    check_page(fac, "summary page")
    expect(fac.get_by_role("button", name="Print this summary")).to_be_visible()

    themes_table = fac.get_by_role("table", name="Themes and the dots each received")
    rows = themes_table.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Knowing what to expect")
    expect(rows.nth(0).locator("td").nth(1)).to_have_text("5")
    expect(rows.nth(1)).to_contain_text("Working together")
    expect(rows.nth(1).locator("td").nth(1)).to_have_text("1")
    actions_table = fac.get_by_role("table", name=re.compile("Actions agreed"))
    expect(actions_table).to_contain_text("Set up a shared duty contact list")
    expect(actions_table).to_contain_text(agency.name)
    expect(actions_table).to_contain_text(due.strftime("%-d %B %Y"))
    expect(fac.get_by_role("heading", name="How people arrived and left")).to_be_visible()
    expect(fac.get_by_role("heading", name="Arriving")).to_be_visible()
    expect(fac.get_by_role("heading", name="Leaving")).to_be_visible()
    # Two people are fewer than the minimum group, so only the counts show.
    expect(fac.locator("main")).to_contain_text("2 people answered.")

    # A guest who took part sees the end without a reload, and the same summary.
    expect(ann.get_by_role("link", name="See the summary")).to_be_visible(timeout=PHASE_TIMEOUT_MS)
    assert_not_reloaded(ann)
    expect(ann.get_by_role("button", name="I need a pause")).to_have_count(0)
    check_page(ann, "room, ended")
    ann.get_by_role("link", name="See the summary").click()
    expect(ann.get_by_role("heading", name="Themes, by votes")).to_be_visible()
    check_page(ann, "summary page, guest")

    # --- CSV export: a download with a header row and the circle's figures.
    link = fac.get_by_role("link", name="Download as a spreadsheet (CSV)")
    with fac.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert re.fullmatch(r"circle-\d+-summary\.csv", download.suggested_filename)
    response = fac.request.get(link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"].startswith("text/csv")
    assert re.fullmatch(
        r'attachment; filename="circle-\d+-summary\.csv"', response.headers["content-disposition"]
    )
    table = list(csv.reader(io.StringIO(response.text().lstrip("\ufeff"))))
    assert table[0] == ["kind", "name", "count", "reflections", "owning agency", "due"]
    assert ["circle", "Team wellbeing circle", "", "", "", ""] in table
    assert ["theme", "Knowing what to expect", "5", "2", "", ""] in table
    action_row = [
        "action",
        "Set up a shared duty contact list",
        "",
        "",
        agency.name,
        due.isoformat(),
    ]
    assert action_row in table
