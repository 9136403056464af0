"""Review states in real Chromium: bob asks carol for a review, carol requests changes, the
badge and bob's dashboard follow, bob re-requests, alice (admin) dismisses the review with a
reason, carol approves; each screen passes axe-core."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from specs_app.models import Endpoint, Membership, Review, Role
from specs_app.services import review as services
from tests.browser_helpers import assert_accessible, log_in
from tests.factories import UserFactory
from tests.review_helpers import edit_endpoint, open_request, ready_spec

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _member(workspace, username, role):
    user = UserFactory(username=username)
    Membership.objects.create(workspace=workspace, user=user, role=role)
    return user


@pytest.fixture
def people(workspace):
    return {
        "alice": _member(workspace, "alice", Role.ADMIN),
        "bob": _member(workspace, "bob", Role.EDITOR),
        "carol": _member(workspace, "carol", Role.REVIEWER),
    }


def test_request_changes_re_request_dismiss_and_approve(page: Page, live_server, spec, people):
    bob = people["bob"]
    cr = open_request(ready_spec(spec), bob, "Clarify ownership")
    for endpoint in Endpoint.objects.filter(revision=cr.working).order_by("position")[:2]:
        edit_endpoint(cr, bob, endpoint.name, user_ownership=f"Only the caller's ({endpoint.name})")
    services.change_request_submit(change_request=cr, actor=bob)
    url = live_server.url + reverse("specs_app:change_request", args=["acme", spec.slug, 1])
    home = live_server.url + reverse("specs_app:workspace_list")
    badge = page.get_by_test_id("cr-state")

    # bob asks carol for a review: she is pending.
    log_in(page, live_server, "bob")
    page.goto(url)
    expect(badge).to_have_text("Review required")
    page.get_by_label("carol").check()
    page.get_by_role("button", name="Request review").click()
    expect(page.get_by_text("Review requested from carol.")).to_be_visible()
    expect(page.get_by_test_id("pending-reviewers")).to_contain_text("carol: awaiting review")
    expect(page.get_by_test_id("timeline")).to_contain_text("bob requested a review from carol")
    assert_accessible(page)

    # carol finds it first on her dashboard, and requests changes.
    log_in(page, live_server, "carol")
    waiting = page.get_by_test_id("dashboard-awaiting-review")
    expect(waiting.get_by_test_id("review-requested")).to_have_count(1)
    waiting.get_by_role("link", name=f"{spec.title} #1: Clarify ownership").click()
    page.get_by_label("Review").fill("Say **who** owns a task.")
    page.get_by_role("button", name="Request changes").click()
    expect(badge).to_have_text("Changes requested")
    expect(page.get_by_test_id("cr-state-reasons")).to_contain_text("carol requested changes.")
    review = page.get_by_test_id("timeline-review")
    expect(review).to_contain_text("carol requested changes")
    expect(review.locator("strong", has_text="who")).to_be_visible()  # markdown rendered
    assert_accessible(page)

    # bob's dashboard lists it under "Changes requested on mine"; he re-requests.
    log_in(page, live_server, "bob")
    changes = page.get_by_test_id("dashboard-changes-requested")
    expect(changes.get_by_test_id("dashboard-changes-requested-count")).to_have_text("1")
    expect(changes.get_by_test_id("state-badge")).to_have_text("Changes requested")
    expect(changes).to_contain_text("Clarify ownership")
    assert_accessible(page)
    page.goto(url)
    page.get_by_role("button", name="Re-request review from carol").click()
    expect(page.get_by_test_id("pending-reviewers")).to_contain_text("re-requested by bob")
    expect(badge).to_have_text("Changes requested")  # her verdict stands until she changes it
    expect(page.get_by_test_id("timeline")).to_contain_text("bob re-requested a review from carol")

    # alice, an admin, dismisses the review with a reason.
    log_in(page, live_server, "alice")
    page.goto(url)
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("review-dismiss").locator("summary").click()
    page.get_by_label("Why dismiss it?").fill("Ownership is settled in the schema.")
    page.get_by_role("button", name="Dismiss review").click()
    expect(page.get_by_test_id("review-dismissed")).to_contain_text(
        "dismissed: Ownership is settled in the schema."
    )
    expect(page.get_by_test_id("timeline-dismissal")).to_contain_text("alice dismissed")
    expect(badge).to_have_text("Review required")
    assert Review.objects.get().dismissed_by == people["alice"]
    assert_accessible(page)

    # carol approves: Approved.
    log_in(page, live_server, "carol")
    page.goto(url)
    page.get_by_role("button", name="Approve").click()
    expect(badge).to_have_text("Approved")
    expect(page.get_by_test_id("pending-reviewers")).to_have_count(0)
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("bob changed 2 endpoints")
    expect(timeline).to_contain_text("carol approved these changes")
    assert_accessible(page)
    page.goto(home)
    expect(page.get_by_test_id("dashboard-awaiting-review")).to_contain_text(
        "Nothing waits for your review."
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_the_state_screens_fit_and_read_at_each_width(page: Page, live_server, spec, people, width):
    bob, carol = people["bob"], people["carol"]
    cr = open_request(ready_spec(spec), bob, "Clarify ownership")
    for endpoint in Endpoint.objects.filter(revision=cr.working).order_by("position")[:3]:
        edit_endpoint(cr, bob, endpoint.name, user_ownership="Only the caller's")
    cr = services.change_request_submit(change_request=cr, actor=bob)
    services.change_request_request_review(change_request=cr, actor=bob, reviewers=[carol])
    services.change_request_review(
        change_request=cr, reviewer=carol, verdict="request_changes", body="Name the owner."
    )
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "alice")
    url = live_server.url + reverse("specs_app:change_request", args=["acme", spec.slug, 1])
    page.goto(url)
    page.locator("details.timeline-edits summary").first.click()
    expect(page.get_by_test_id("timeline-items").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    page.screenshot(path=f"var/screenshots/review-states-{width}.png", full_page=True)
    review = Review.objects.get()
    page.goto(url + f"reviews/{review.pk}/dismiss/")  # the confirmation without JavaScript
    expect(page.get_by_test_id("confirm-dismiss")).to_contain_text("Dismiss carol's review?")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)

    log_in(page, live_server, "bob")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    expect(page.get_by_test_id("dashboard-mine")).to_contain_text("Clarify ownership")
    assert_accessible(page)
    page.screenshot(path=f"var/screenshots/dashboard-{width}.png", full_page=True)


def test_review_requests_change_in_place_with_htmx(page: Page, live_server, spec, people):
    bob = people["bob"]
    cr = open_request(ready_spec(spec), bob, "Clarify ownership")
    edit_endpoint(cr, bob, Endpoint.objects.filter(revision=cr.working).first().name, summary="S")
    services.change_request_submit(change_request=cr, actor=bob)
    log_in(page, live_server, "bob")
    page.goto(live_server.url + reverse("specs_app:change_request", args=["acme", spec.slug, 1]))
    page.get_by_test_id("cr-description").click()
    page.evaluate("() => { window.stillHere = true; }")  # gone if the page were loaded again
    typed = page.get_by_label("Add a comment (markdown)")
    typed.fill("Half a thought")

    page.get_by_role("button", name="Request review").click()  # nobody picked
    expect(page.get_by_role("alert")).to_have_text("Pick at least one reviewer.")
    page.get_by_label("carol").check()
    page.get_by_role("button", name="Request review").click()
    expect(page.get_by_role("alert")).to_have_text("Review requested from carol.")
    expect(page.get_by_test_id("pending-reviewers")).to_contain_text("carol: awaiting review")
    expect(page.get_by_test_id("timeline")).to_contain_text("bob requested a review from carol")
    page.get_by_role("button", name="Remove the review request for carol").click()
    expect(page.get_by_test_id("pending-reviewers")).to_have_count(0)
    expect(page.get_by_test_id("timeline")).to_contain_text("bob removed")
    assert page.evaluate("() => window.stillHere") is True
    expect(typed).to_have_value("Half a thought")  # what was typed elsewhere is kept
    assert_accessible(page)
