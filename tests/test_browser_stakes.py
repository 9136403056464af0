"""The merge gate that knows the stakes, in real Chromium: a request that deletes an endpoint
under backward compatibility lists the breaking change in its merge box and waits for an admin;
the Impact tab is one click away; an admin approves in the browser (or acknowledges, after a
page that asks) and the request merges. The merge rules page saves and says what went wrong.
At desktop and phone widths, axe-core clean."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from specs_app.models import ChangeRequest, Endpoint, Spec, StakeApproval
from specs_app.services import review as services
from tests.browser_helpers import assert_accessible, log_in
from tests.review_helpers import open_request, ready_spec

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("STUDIO_SHOTS", "var/screenshots"))
REMOVED = "api-path-removed-without-deprecation"


def _shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, caret="initial")


def _breaking_request(spec, editor, reviewer):
    """In review, approved by a reviewer: only an admin's approval of the break is missing."""
    ready_spec(spec)
    spec.compatibility = "backward"
    spec.save(update_fields=["compatibility"])
    cr = open_request(spec, editor, "Retire an endpoint")
    gone = Endpoint.objects.filter(revision=cr.working).order_by("position", "id").first()
    services.change_request_delete(change_request=cr, actor=editor, row=gone)
    services.change_request_submit(change_request=cr, actor=editor)
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    return cr, gone


def _cr_url(live_server, cr) -> str:
    return live_server.url + reverse("specs_app:change_request", args=["acme", "todo", cr.number])


@pytest.mark.parametrize("width", [1280, 390])
def test_a_breaking_change_waits_for_an_admin_who_approves_then_it_merges(
    page: Page, live_server, spec, editor, reviewer, owner, width
):
    cr, gone = _breaking_request(spec, editor, reviewer)
    page.set_viewport_size({"width": width, "height": 900})

    log_in(page, live_server, "edgar")
    page.goto(_cr_url(live_server, cr))
    stakes = page.get_by_test_id("stakes")
    expect(stakes).to_contain_text("Needs an admin's approval")
    stake = stakes.get_by_test_id("stake")
    expect(stake).to_have_count(1)
    expect(stake).to_have_attribute("data-code", REMOVED)
    expect(stake).to_contain_text("breaking")
    expect(stake).to_contain_text(f"{gone.method} {gone.path}")
    expect(stake).to_contain_text("Waits for an admin's approval.")
    expect(page.get_by_test_id("merge-missing")).to_have_text(
        "1 breaking API change needs an admin's approval."
    )
    expect(page.get_by_role("button", name="Merge")).to_be_disabled()
    expect(page.get_by_test_id("cr-state")).to_contain_text("Merge blocked")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    _shoot(page, f"stakes-merge-box-waiting-{width}")

    # The Impact tab, one click away, shows the same break.
    page.get_by_test_id("stakes-impact-link").click()
    expect(page.get_by_test_id("impact-tab")).to_have_attribute("aria-current", "page")
    assert page.url.endswith("?tab=impact")
    breaking = page.locator('[data-testid="api-change"][data-level="breaking"]')
    expect(breaking).to_have_count(1)
    expect(breaking).to_contain_text("api-path-removed-without-deprecation")
    expect(breaking.get_by_test_id("api-fails")).to_have_text("fails backward")
    assert_accessible(page)

    # The admin approves in the browser.
    log_in(page, live_server, "olivia")
    page.goto(_cr_url(live_server, cr))
    page.get_by_role("button", name="Approve").click()
    stake = page.get_by_test_id("stake")
    expect(stake).to_have_attribute("data-approved", "yes")
    expect(stake.get_by_test_id("stake-approval")).to_contain_text(
        "Approved by olivia (approving review"
    )
    expect(page.get_by_test_id("stakes")).to_contain_text("Approved by an admin")
    expect(page.get_by_test_id("merge-missing")).to_have_count(0)
    assert_accessible(page)
    _shoot(page, f"stakes-merge-box-approved-{width}")

    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_text("Merged as r2.")).to_be_visible()
    cr.refresh_from_db()
    assert cr.state == ChangeRequest.State.MERGED and cr.merged_by == owner


def test_an_admin_acknowledges_after_a_page_that_asks(
    page: Page, live_server, spec, editor, reviewer, owner
):
    cr, gone = _breaking_request(spec, editor, reviewer)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, "olivia")
    page.goto(_cr_url(live_server, cr))
    page.get_by_test_id("acknowledge-stakes").click()

    confirm = page.get_by_test_id("confirm-acknowledge")
    expect(confirm).to_contain_text(f"{gone.method} {gone.path}")
    expect(confirm).to_contain_text("without approving the request itself")
    assert not StakeApproval.objects.exists()  # asking changes nothing
    assert_accessible(page)
    _shoot(page, "stakes-acknowledge-1280")

    page.get_by_test_id("acknowledge-confirm").click()
    expect(page.get_by_text("Acknowledged 1 finding at stake.")).to_be_visible()
    expect(page.get_by_test_id("stake-approval")).to_contain_text(
        "Approved by olivia (acknowledged"
    )
    expect(page.get_by_role("button", name="Merge")).to_be_enabled()
    assert not cr.reviews.filter(reviewer=owner).exists()
    assert_accessible(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_merge_rules_page(page: Page, live_server, spec, owner, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "olivia")
    page.goto(live_server.url + reverse("specs_app:spec_detail", args=["acme", "todo"]))
    page.get_by_test_id("merge-rules-link").click()
    expect(page.get_by_role("heading", name="Merge rules", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    _shoot(page, f"merge-rules-{width}")

    # A bad value: said by the field, nothing saved.
    page.get_by_label("Required approvals").fill("12")
    page.get_by_label("Backward: existing clients keep working").check()
    page.get_by_role("button", name="Save merge rules").click()
    expect(page.get_by_text("Required approvals can be at most 10.")).to_be_visible()
    assert Spec.objects.get(pk=spec.pk).compatibility == "none"
    assert_accessible(page)
    _shoot(page, f"merge-rules-invalid-{width}")

    page.get_by_label("Required approvals").fill("2")
    page.get_by_label("Destructive migrations need an admin's approval").check()
    page.get_by_role("button", name="Save merge rules").click()
    expect(page.get_by_text("Merge rules saved.")).to_be_visible()
    saved = Spec.objects.get(pk=spec.pk)
    assert (saved.required_approvals, saved.compatibility, saved.destructive_needs_admin) == (
        2,
        "backward",
        True,
    )
    expect(page.get_by_label("Backward: existing clients keep working")).to_be_checked()
