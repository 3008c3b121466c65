"""The insight page in Debian's Chromium: sign in, see the chart and the unanswered questions."""
from __future__ import annotations

import pytest

from bot.insight import server
from tests.browser import SCREENSHOTS
from tests.insight_seed import EXPECTED, seed_stores, serving

pytestmark = pytest.mark.browser
TOKEN = "browser-test-insight-token"


@pytest.fixture(scope="module")
def insight_site(tmp_path_factory):
    tracker_url, queue_url = seed_stores(tmp_path_factory.mktemp("insight-browser"), [
        ("Is there a SEND panel in August? I'm on 07700 900555", "parent@example.org"),
        ("Who pays for transport to college after 16?", None)])
    with serving(server.make_app(TOKEN, tracker_url, queue_url)) as base:
        yield base


def _sign_in(page, base: str, token: str) -> None:
    page.goto(base + "/")
    assert page.url.endswith("/login")
    page.get_by_label("Access token").fill(token)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_then_the_chart_and_the_unanswered_list_render(browser, insight_site):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    _sign_in(page, insight_site, "wrong-token-wrong-token")
    assert page.get_by_role("alert").inner_text().startswith("That token is not right")
    _sign_in(page, insight_site, TOKEN)
    page.wait_for_selector("svg.chart")

    chart = page.locator("svg.chart")
    assert chart.is_visible() and chart.get_attribute("role") == "img"
    assert page.locator("svg.chart rect").count() >= 4
    assert chart.bounding_box()["height"] > 100
    items = page.locator("#unanswered-list > li")
    assert items.count() == len(EXPECTED["groups"])
    assert "When does the SEN panel meet?" in items.first.inner_text() and "asked 3 time(s)" in items.first.inner_text()
    assert page.locator("#conversations").inner_text() == str(EXPECTED["conversations"])
    assert "07700 900555" not in page.content() and "[phone]" in page.content()

    serious = [v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, [(v["id"], v["help"]) for v in serious]
    page.screenshot(path=str(SCREENSHOTS / "insight.png"), full_page=True)

    page.get_by_role("button", name="Mark done (question 1)").click()
    page.wait_for_selector("text=Marked as done.")
    assert page.locator("#queue tbody tr").count() == 1
    context.close()


def test_the_page_fits_a_phone(browser, insight_site):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    _sign_in(page, insight_site, TOKEN)
    page.wait_for_selector("svg.chart")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(SCREENSHOTS / "insight-375px.png"), full_page=True)
    context.close()
