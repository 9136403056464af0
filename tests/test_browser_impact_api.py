"""The Impact tab of a request that deletes an endpoint, in real Chromium: the breaking change
in red with its words, grouped under its endpoint, the summary line leading to each section,
the lint delta; at desktop and phone widths, nothing overflowing, axe-core clean."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser_helpers import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("STUDIO_SHOTS", "var/screenshots"))


def _deleting_request(spec, editor):
    from specs_app.models import Endpoint
    from specs_app.services import review as services
    from tests.review_helpers import open_request, ready_spec

    cr = open_request(ready_spec(spec), editor, "Drop an endpoint, add another")
    gone = Endpoint.objects.filter(revision=cr.working).order_by("position").first()
    services.change_request_delete(
        change_request=cr, actor=editor, row=gone, expected_version=gone.version
    )
    services.change_request_add(
        change_request=cr, actor=editor, model=Endpoint, name="Archive", method="POST",
        path="/api/v1/tasks/{task_id}/archive",
    )  # fmt: skip
    services.change_request_submit(change_request=cr, actor=editor)
    return cr, gone


@pytest.mark.parametrize("width", [1280, 390])
def test_the_impact_tab_shows_the_breaking_change(
    page: Page, live_server, spec, editor, reviewer, width
):
    cr, gone = _deleting_request(spec, editor)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "rita")
    url = reverse("specs_app:change_request", args=["acme", spec.slug, cr.number])
    page.goto(live_server.url + url)
    page.get_by_test_id("impact-tab").click()

    overview = page.get_by_test_id("overview-api")
    expect(overview).to_have_text("1 breaking, 1 info API changes")
    group = page.locator(f'[data-testid="api-group"][data-endpoint="{gone.uid}"]')
    expect(group).to_contain_text(gone.path)
    expect(group.locator(".api-removed")).to_have_text("removed")
    breaking = group.locator('[data-testid="api-change"][data-level="breaking"]')
    expect(breaking).to_contain_text("api-path-removed-without-deprecation")
    badge = breaking.locator(".api-level")
    expect(badge).to_have_text("breaking")  # in words, not only in red
    colours = badge.evaluate(
        "e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]"
    )
    assert colours == ["rgb(255, 255, 255)", "rgb(207, 34, 46)"]  # white on red
    info = page.locator('[data-testid="api-change"][data-level="info"] .api-level')
    assert info.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(246, 248, 250)"
    # The breaking group comes first.
    assert page.get_by_test_id("api-group").first.get_attribute("data-endpoint") == str(gone.uid)
    expect(page.get_by_test_id("lint-new").get_by_test_id("new-finding").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"impact-api-{width}.png"), full_page=True)

    # The summary line leads to its section.
    page.get_by_test_id("overview-lint").click()
    assert page.url.endswith("#lint-delta")
    expect(page.get_by_role("heading", name="Lint delta")).to_be_in_viewport()

    # The removed endpoint leads to its page in the base revision.
    group.locator("a.api-endpoint").click()
    assert page.url.endswith(f"/endpoints/{gone.uid}/?revision=1")
    expect(page.get_by_role("heading", name=gone.name)).to_be_visible()
