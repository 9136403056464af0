"""The API checks' reference on the lint Rules page in real Chromium: reached from the page's
top, each check at its anchor (the Impact tab links there), no overflow at phone width, axe-clean
at desktop and phone widths."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from specs_app.interchange.apidiff import CHECKS
from tests.browser_helpers import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("STUDIO_SHOTS", "var/screenshots"))


@pytest.mark.parametrize("width", [1280, 390])
def test_the_rules_page_shows_every_api_check_at_its_anchor(
    page: Page, live_server, spec, viewer, width
):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, viewer.username)
    url = live_server.url + reverse("specs_app:lint_rules", args=["acme", "todo"])
    page.goto(url)
    page.get_by_role("link", name="API changes").click()
    section = page.get_by_test_id("api-checks")
    expect(section.get_by_role("heading", name="API changes")).to_be_in_viewport()
    expect(section.get_by_test_id("api-check")).to_have_count(len(CHECKS))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(SHOTS / f"apidiff-rules-section-{width}.png"))

    page.goto("about:blank")  # a fresh load of the anchor, as a link from the Impact tab does
    page.goto(url + "#response-property-became-optional")
    row = page.locator("tr#response-property-became-optional")
    expect(row).to_be_in_viewport(ratio=1)  # after Bootstrap's smooth scrolling
    expect(row).to_contain_text("oasdiff")
    expect(row).to_contain_text("A required response field became optional")
    page.screenshot(path=str(SHOTS / f"apidiff-rules-anchor-{width}.png"))
