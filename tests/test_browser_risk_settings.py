"""The migration risk settings in real Chromium: an admin turns a code off and raises another on
the lint settings page, the rules reference shows them at each code's anchor; both pages pass
axe-core at desktop and phone widths."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from specs_app.interchange.sql.risks import RISK_RULES
from specs_app.models import LintConfig
from tests.browser_helpers import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("STUDIO_SHOTS", "var/screenshots"))


def _shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, caret="initial")


@pytest.mark.parametrize("width", [1280, 390])
def test_an_admin_sets_risk_levels_and_the_reference_shows_them(
    page: Page, live_server, spec, owner, width
):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, owner.username)
    page.goto(live_server.url + reverse("specs_app:lint_settings", args=["acme", "todo"]))
    page.get_by_role("link", name="Migration risks").click()
    section = page.get_by_test_id("risk-settings")
    expect(section.get_by_role("heading", name="Migration risks")).to_be_visible()
    expect(section.get_by_test_id("risk-setting")).to_have_count(len(RISK_RULES))
    assert_accessible(page)
    _shoot(page, f"risk-settings-{width}")
    section.screenshot(path=str(SHOTS / f"risk-settings-section-{width}.png"))

    section.get_by_label("Table dropped").select_option("off")
    section.get_by_label("Index created without CONCURRENTLY").select_option("error")
    section.get_by_role("button", name="Save risk settings").click()
    saved = page.get_by_test_id("risk-settings-saved")
    expect(saved).to_have_text("Migration risk settings saved.")
    expect(saved).to_be_in_viewport()
    assert page.url.endswith("?saved=risks#risks")
    page.screenshot(path=str(SHOTS / f"risk-settings-saved-{width}.png"))
    expect(section.get_by_label("Table dropped")).to_have_value("off")
    assert LintConfig.objects.get(spec=spec).risk_rules == {"DS102": "off", "PG101": "error"}
    assert_accessible(page)

    page.locator('a[href$="#SS101"]').first.click()
    rule = page.locator("article#SS101")
    expect(rule).to_be_in_viewport()
    expect(rule).to_contain_text("Narrowing type change")
    expect(page.locator("article#DS102")).to_contain_text("In this spec: off")
    expect(page.locator("article#PG101")).to_contain_text("In this spec: error")
    assert_accessible(page)
    _shoot(page, f"risk-rules-{width}")
    page.screenshot(path=str(SHOTS / f"risk-rules-anchor-{width}.png"))
