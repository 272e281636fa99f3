"""Browser fixtures: Debian's Chromium through Playwright's sync API, axe-core, narrow screens.

The browser is the system Chromium (never a Playwright download). When it is missing the
browser tests skip, unless VILLAGE_REQUIRE_BROWSER=1 (as in CI), when they fail.
Every context is kept off the network: only the live server answers, and the quick-exit
destination is a local stub.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from village.people import services as people_services
from village.people.models import Agency, Constituency, Member

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run in a
# thread with a running loop unless told it is safe (the tests make no async ORM calls).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("VILLAGE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NEUTRAL_PAGE = "<!DOCTYPE html><html lang='en'><title>Weather</title><h1>Weather</h1></html>"

CheckPage = Callable[..., None]
NewPage = Callable[..., Any]


def _browser_missing(reason: str) -> None:
    if os.environ.get("VILLAGE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (VILLAGE_REQUIRE_BROWSER=1, so this fails instead of skipping)")
    pytest.skip(f"{reason}; install Debian's chromium to run the browser tests")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _browser_missing(f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _browser_missing("Playwright is not installed")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
        except Exception as error:
            _browser_missing(f"Chromium at {CHROMIUM} did not start: {error}")
        yield browser
        browser.close()


def _keep_off_network(context: Any, live_url: str) -> None:
    """Anything not on the live server is refused; the quick-exit site is a local stub."""
    exit_url = settings.VILLAGE["QUICK_EXIT_URL"]

    def refuse(route: Any) -> None:
        if route.request.url.startswith(live_url):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", refuse)
    # Routes registered later are tried first.
    context.route(
        re.compile(re.escape(exit_url) + r".*"),
        lambda route: route.fulfill(status=200, content_type="text/html", body=NEUTRAL_PAGE),
    )


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[NewPage]:
    """Open a page in a fresh browser context: its own cookies, so its own person."""
    contexts: list[Any] = []

    def open_page(*, width: int = 1280, height: int = 900) -> Any:
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            locale="en-GB",
            timezone_id="Europe/London",
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        _keep_off_network(context, live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: _note_csp_violation(page, message.text))
        return page

    yield open_page
    for context in contexts:
        context.close()


_CSP_VIOLATIONS: dict[int, list[str]] = {}


def _note_csp_violation(page: Any, text: str) -> None:
    if "Content Security Policy" in text:
        _CSP_VIOLATIONS.setdefault(id(page), []).append(text)


def assert_no_csp_violations(page: Any, where: str = "") -> None:
    """The page ran no inline script or style that the Content-Security-Policy refused."""
    refused = _CSP_VIOLATIONS.pop(id(page), [])
    assert not refused, f"{where or page.url}: the CSP refused: {refused}"


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the whole document with the WCAG 2.0, 2.1 and 2.2 A and AA rules."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's CSP does not govern: an
        # added <script> tag would be inline script, which the CSP rightly refuses.
        page.evaluate(AXE_JS.read_text())
    result: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map((n) => ({
                    target: n.target.join(' '),
                    summary: n.failureSummary,
                })),
            }));
        }""",
        AXE_TAGS,
    )
    return result


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join((node.get("summary") or "").split())
            lines.append(f"    at {node['target']}: {summary}")
    return "\n".join(lines)


def assert_accessible(page: Any, where: str = "") -> None:
    violations = axe_violations(page)
    if violations:
        label = where or page.url
        pytest.fail(
            f"axe-core found {len(violations)} accessibility violation(s) on {label}:\n"
            + format_violations(violations),
            pytrace=False,
        )


def assert_no_horizontal_scroll(page: Any, where: str = "") -> None:
    sizes = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert sizes["scroll"] <= sizes["inner"], (
        f"{where or page.url} scrolls sideways at {sizes['inner']} px: "
        f"the page is {sizes['scroll']} px wide ({json.dumps(sizes)})"
    )


@pytest.fixture
def check_page() -> CheckPage:
    """After every navigation or change worth a look: axe passes and nothing scrolls sideways."""

    def check(page: Any, where: str = "") -> None:
        page.wait_for_load_state("load")
        assert_accessible(page, where)
        assert_no_horizontal_scroll(page, where)
        assert_no_csp_violations(page, where)

    return check


def screenshot(page: Any, name: str) -> None:
    """Save a full-page screenshot to $VILLAGE_SCREENSHOTS (if set), for people to look at:
    axe cannot see overlap or tiny text."""
    folder = os.environ.get("VILLAGE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"]
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)


def add_person(
    agency: Agency,
    email: str,
    name: str,
    role: str,
    constituency: str = Constituency.FRONTLINE,
    **place: Any,
) -> Member:
    """A signed-up member of the agency's partnership, who signs in with PASSWORD."""
    user = people_services.user_create(email=email, password=PASSWORD, email_verified=True)
    return people_services.member_create(
        partnership=agency.partnership,
        user=user,
        display_name=name,
        roles=[role],
        constituency=constituency,
        agency=agency,
        **place,
    )


@pytest.fixture
def person(agency: Agency) -> Callable[..., Member]:
    """Makes a signed-up member of the test partnership with a role and a constituency."""

    def make(email: str, name: str, role: str, constituency: str) -> Member:
        return add_person(agency, email, name, role, constituency)

    return make


def both_widths(page: Any, check_page: Any, name: str, where: str) -> None:
    """Check the page (axe, no sideways scroll) at 320 px and 1280 px, saving a screenshot
    of each, and leave it at the width it had."""
    size = page.viewport_size
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": size["height"]})
        check_page(page, f"{where} at {width} px")
        screenshot(page, name)
    page.set_viewport_size(size)


def sign_in(
    page: Any, check_page: CheckPage, *, email: str, password: str, totp_secret: str = ""
) -> None:
    """Sign in through the form (and the two-step code page, given the authenticator's
    secret), checking each page and the home page it lands on."""
    from tests.conftest import totp_code

    page.goto("/sign-in/")
    check_page(page, "sign-in page")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if totp_secret:
        expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
        check_page(page, "two-step code page")
        page.get_by_label("Code").fill(totp_code(totp_secret))
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    check_page(page, "home page, signed in")


def tick(box: Any) -> None:
    """Tick a design-system checkbox or radio: its label draws the box, so it takes the click."""
    box.check(force=True)
    expect(box).to_be_checked()
