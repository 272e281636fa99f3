"""A learning space in a real Chromium: a member starts one at 320 px and sees themselves
facilitating; a second member joins the rota, takes the role when it is passed on, starts
and facilitates the space's circle without the facilitator role, and reads the lesson a
project shared there. Each page passes axe-core at 320 and 1280 px and
none scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import both_widths, sign_in
from tests.conftest import PASSWORD
from tests.hub.conftest import build_theory, new_project
from village.hub import services
from village.hub.models import LearningSpace
from village.people.models import Agency, Member, Role

pytestmark = pytest.mark.browser


def test_members_start_a_space_and_take_turns_to_facilitate(
    new_page: Any, check_page: Any, agency: Agency, make_member: Any
) -> None:
    sam: Member = make_member(Role.STAFF, name="Sam")
    fay: Member = make_member(Role.FAMILY, name="Fay")
    lead: Member = make_member(Role.STAFF, name="Lee")
    page = new_page(width=320)
    sign_in(page, check_page, email=sam.user.email, password=PASSWORD)
    page.goto("/hub/spaces/")
    both_widths(page, check_page, "learning spaces", "learning spaces")
    page.get_by_label("Topic").fill("Talking with teenagers")
    page.get_by_role("button", name="Start the space").click()
    expect(page.get_by_text("Facilitating now: Sam.")).to_be_visible()
    both_widths(page, check_page, "a learning space", "a learning space")

    space = LearningSpace.objects.get()
    project = new_project(lead, agency)
    built = build_theory(project, lead)
    services.lesson_add(
        project=project,
        actor=lead,
        title="Trust comes first",
        text="Families spoke when they knew the convenor.",
        assumptions=[built.assumption],
        space=space,
    )

    other = new_page(width=320)
    sign_in(other, check_page, email=fay.user.email, password=PASSWORD)
    other.goto(f"/hub/spaces/{space.pk}/")
    other.get_by_role("button", name="Join the rota").click()
    expect(other.get_by_text("You are on the rota.")).to_be_visible()

    page.reload()
    expect(page.get_by_text("Next on the rota: Fay.")).to_be_visible()
    page.get_by_role("button", name="Pass the role on").click()
    expect(page.get_by_text("Facilitating now: Fay.")).to_be_visible()

    other.reload()
    expect(other.get_by_role("heading", name="Trust comes first")).to_be_visible()
    expect(other.get_by_text("Families trust the convenor")).to_be_visible()
    both_widths(
        other, check_page, "a learning space, facilitating", "a learning space, facilitating"
    )
    # Fay has no facilitator role, but it is her turn: she starts the circle and runs it.
    other.get_by_label("Circle name").fill("Evenings")
    other.get_by_label("What the circle is for").fill("Share what helps at bedtime.")
    other.get_by_label("Prompts").fill("What helped?")
    other.get_by_role("button", name="Start the circle").click()
    expect(other.get_by_text("The circle is started.")).to_be_visible()
    other.get_by_role("link", name="Facilitate Evenings").click()
    expect(other.get_by_role("heading", name="Evenings", exact=True)).to_be_visible()
    both_widths(
        other,
        check_page,
        "a space's circle, facilitated in turn",
        "a space's circle, facilitated in turn",
    )
    other.goto(f"/hub/spaces/{space.pk}/")
    other.get_by_role("link", name="The whole library").click()
    expect(other.get_by_role("heading", name="What projects learned")).to_be_visible()
    both_widths(other, check_page, "the library", "the library")
