"""The Changes tab in real Chromium: coloured item cards, unchanged context on demand, the
index, and Viewed ticks with htmx and without JavaScript, at desktop and phone widths."""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from specs_app.models import ItemView
from specs_app.services.review import change_request_submit
from tests.browser_helpers import assert_accessible, log_in
from tests.diff_helpers import diff_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("STUDIO_SHOTS", "var/screenshots"))


def _viewed(title: str) -> re.Pattern:
    """The Viewed button of a card (its name ends with the item's, for screen readers)."""
    return re.compile(rf"^Viewed\W+{re.escape(title)}$")


def _shoot(page: Page, name: str) -> None:
    """A full-page screenshot; the caret is left alone, since hiding it injects a style that
    the Content-Security-Policy refuses on the next htmx swap."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, caret="initial")


def _colour(locator, prop: str) -> str:
    return locator.evaluate(f"e => getComputedStyle(e).{prop}")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_changes_tab_reads_like_files_changed(
    page: Page, live_server, spec, editor, reviewer, width
):
    case = diff_case(spec, editor, reviewer)
    change_request_submit(change_request=case.cr, actor=editor)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "rita")
    url = reverse("specs_app:change_request", args=["acme", spec.slug, case.cr.number])
    page.goto(live_server.url + url + "?tab=changes")

    added = page.locator(f"#item-{case.added.uid}")
    changed = page.locator(f"#item-{case.changed.uid}")
    removed = page.locator(f"#item-{case.removed.uid}")
    expect(added).to_have_class("card diff-card diff-card-added mb-3")
    expect(removed).to_have_class("card diff-card diff-card-removed mb-3")
    assert _colour(added, "borderLeftColor") == "rgb(26, 127, 55)"  # green
    assert _colour(removed, "borderLeftColor") == "rgb(207, 34, 46)"  # red
    assert _colour(changed, "borderLeftColor") == "rgb(191, 135, 0)"  # amber
    expect(added.locator(".card-header")).to_contain_text("POST /api/v1/things/{thing_id}/archive")
    expect(removed.locator(".card-header")).to_contain_text(case.removed.table)

    # The changed word inside the long text, marked on both sides; markup shown as text.
    expect(changed.locator(".diff-words-old del")).to_have_text("not found")
    expect(changed.locator(".diff-words-new ins")).to_have_text("missing")
    assert _colour(changed.locator(".diff-words-new ins"), "backgroundColor") == (
        "rgb(171, 242, 188)"
    )
    body_row = changed.locator('[data-testid="diff-row"][data-status="changed"]')
    expect(body_row).to_contain_text("Shown as is: <script>alert(1)</script>")
    expect(body_row.locator(".diff-field").first).to_contain_text("Required")
    moved = changed.locator('[data-testid="diff-row"][data-status="moved"]')
    expect(moved).to_contain_text("moved from place 2 to place 1")

    # The index: counts, and a marker per item that links to its card.
    index = page.get_by_test_id("diff-index")
    expect(index).to_contain_text("3 items: 1 added, 1 removed, 1 changed")
    expect(page.get_by_test_id("viewed-count")).to_have_text("0 of 3 viewed")
    expect(index.locator(f"#index-{case.removed.uid} .diff-mark-removed")).to_have_text("−")
    if width >= 992:
        assert _colour(index, "position") == "sticky"
    expect(page.get_by_test_id("review-changes")).to_have_attribute(
        "href", "?tab=conversation#review-form"
    )

    # Unchanged context, on demand.
    unchanged = changed.get_by_test_id("unchanged")
    name_row = unchanged.locator("dt", has_text="Name").first
    expect(name_row).to_be_hidden()
    unchanged.locator("summary").click()
    expect(name_row).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    _shoot(page, f"changes-cards-{width}")

    # Viewed (htmx): the card collapses to its header, the index and the count follow.
    changed.get_by_role("button", name=_viewed(case.changed.name)).click()
    expect(page.get_by_test_id("viewed-count")).to_have_text("1 of 3 viewed")
    changed = page.locator(f"#item-{case.changed.uid}")
    expect(changed).to_have_class("card diff-card diff-card-changed diff-card-viewed mb-3")
    expect(changed.locator(".diff-words")).to_be_hidden()
    expect(index.locator(f"#index-{case.changed.uid}")).to_contain_text("viewed")
    button = changed.get_by_role("button", name=_viewed(case.changed.name))
    expect(button).to_have_attribute("aria-pressed", "true")
    assert ItemView.objects.get().user.username == "rita"
    assert_accessible(page)
    _shoot(page, f"changes-viewed-{width}")
    changed.locator("summary", has_text="show the changes again").click()
    expect(changed.locator(".diff-words")).to_be_visible()

    page.reload()  # kept for rita
    expect(page.get_by_test_id("viewed-count")).to_have_text("1 of 3 viewed")
    log_in(page, live_server, "edgar")
    page.goto(live_server.url + url + "?tab=changes")
    expect(page.get_by_test_id("viewed-count")).to_have_text("0 of 3 viewed")  # not edgar's


def test_viewed_works_without_javascript(browser, live_server, spec, editor, reviewer):
    case = diff_case(spec, editor, reviewer)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, "rita")
    url = reverse("specs_app:change_request", args=["acme", spec.slug, case.cr.number])
    page.goto(live_server.url + url + "?tab=changes")
    added = page.locator(f"#item-{case.added.uid}")
    added.get_by_role("button", name=_viewed("Archive Thing")).click()
    assert page.url.endswith(f"?tab=changes#item-{case.added.uid}")
    expect(page.get_by_test_id("viewed-count")).to_have_text("1 of 3 viewed")
    expect(added).to_have_class("card diff-card diff-card-added diff-card-viewed mb-3")
    added.get_by_role("button", name=_viewed("Archive Thing")).click()
    expect(page.get_by_test_id("viewed-count")).to_have_text("0 of 3 viewed")
    context.close()
