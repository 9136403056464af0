"""A whole review in real Chromium, as issue 15 tells it: bob requests a review from carol;
carol is notified in the studio and by email, comments on a field of a changed endpoint in the
Changes tab with a suggested value, and requests changes; bob applies the suggestion and
re-requests her review; the thread shows as outdated; carol resolves it and approves; the badge
and the dashboards follow at each step; alice merges. The Changes and Conversation tabs are
saved as screenshots at 1280 px (and 390 px) under var/screenshots/."""

from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from specs_app.models import Comment, Endpoint, Membership, Notification, Role
from specs_app.services.review import change_request_submit
from tests.browser_helpers import assert_accessible, log_in
from tests.factories import UserFactory
from tests.review_helpers import edit_endpoint, open_request, ready_spec

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("var/screenshots")
OLD, NEW = "Only rows of the caller", "Only rows the caller owns"


@pytest.fixture
def people(workspace):
    users = {}
    for name, role in (("alice", Role.ADMIN), ("bob", Role.EDITOR), ("carol", Role.REVIEWER)):
        users[name] = UserFactory(username=name)
        Membership.objects.create(workspace=workspace, user=users[name], role=role)
    return users


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    # caret="initial": hiding the caret injects a <style>, which the CSP refuses afterwards.
    page.screenshot(path=str(SHOTS / name), full_page=True, caret="initial")


def _dashboard(page: Page, live_server):
    page.goto(live_server.url + reverse("specs_app:workspace_list"))
    return page


def test_a_full_review_from_request_to_merge(page: Page, live_server, spec, people):
    bob, carol = people["bob"], people["carol"]
    cr = open_request(ready_spec(spec), bob, "Clarify ownership")
    endpoint = Endpoint.objects.filter(revision=cr.working).order_by("position", "id").first()
    edit_endpoint(cr, bob, endpoint.name, user_ownership=OLD)
    change_request_submit(change_request=cr, actor=bob)
    url = live_server.url + reverse("specs_app:change_request", args=["acme", spec.slug, 1])
    badge = page.get_by_test_id("cr-state")
    page.set_viewport_size({"width": 1280, "height": 900})

    # bob asks carol for a review; his dashboard lists the request as his, awaiting review.
    log_in(page, live_server, "bob")
    page.goto(url)
    expect(badge).to_have_text("Review required")
    page.get_by_label("carol").check()
    page.get_by_role("button", name="Request review").click()
    expect(page.get_by_test_id("pending-reviewers")).to_contain_text("carol: awaiting review")
    mine = _dashboard(page, live_server).get_by_test_id("dashboard-mine")
    expect(mine).to_contain_text("Clarify ownership")
    expect(mine.get_by_test_id("state-badge")).to_have_text("Review required")

    # carol: a notification in the studio and an email; the request waits for her review.
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["carol@example.com"], "[Spec Studio] bob requested your review on #1 Clarify ownership")
    ]
    log_in(page, live_server, "carol")
    waiting = page.get_by_test_id("dashboard-awaiting-review")
    expect(waiting.get_by_test_id("review-requested")).to_have_count(1)
    page.get_by_role("link", name="Inbox, 1 unread").click()
    notice = "Unread: bob requested your review on #1 Clarify ownership"
    page.get_by_role("link", name=notice).click()
    expect(badge).to_have_text("Review required")
    expect(page.get_by_role("link", name="Inbox, no unread")).to_be_visible()

    # She comments on the changed field in the Changes tab, suggesting a value, in place.
    page.get_by_role("link", name="Changes", exact=True).click()
    card = page.locator(f"#item-{endpoint.uid}")
    expect(card).to_have_attribute("data-status", "changed")
    slot = page.locator(f"#field-threads-{endpoint.uid}-user_ownership")
    slot.locator("summary", has_text="Comment").click()
    slot.get_by_label("Comment on user ownership").fill("Say **whose** rows.")
    slot.get_by_label("Suggest a value (optional)").fill(NEW)
    slot.get_by_role("button", name="Comment", exact=True).click()
    expect(slot.get_by_test_id("suggestion")).to_contain_text(NEW)
    assert page.url.endswith("?tab=changes")  # in place, no jump to the Conversation tab
    page.mouse.move(0, 0)
    assert_accessible(page)  # the diff colours included
    comment = Comment.objects.get()
    page.get_by_role("link", name="Review changes").click()
    page.get_by_label("Review").fill("See my suggestion on the ownership.")
    page.get_by_role("button", name="Request changes").click()
    expect(badge).to_have_text("Changes requested")

    # bob: told of the comment and the review; the dashboard says changes are requested.
    log_in(page, live_server, "bob")
    expect(page.get_by_role("link", name="Inbox, 2 unread")).to_be_visible()
    changes = page.get_by_test_id("dashboard-changes-requested")
    expect(changes.get_by_test_id("dashboard-changes-requested-count")).to_have_text("1")
    expect(changes.get_by_test_id("state-badge")).to_have_text("Changes requested")
    # He applies the suggestion (an audited edit) and asks carol again.
    page.goto(url + "?tab=changes")
    page.locator(f"#thread-{comment.pk}").get_by_role("button", name="Apply suggestion").click()
    expect(page.get_by_text("Suggestion applied.")).to_be_visible()
    thread = page.locator(f"#thread-{comment.pk}")
    expect(thread.get_by_test_id("thread-outdated")).to_have_text("Outdated")
    expect(thread.get_by_test_id("thread-original")).to_contain_text(OLD)
    assert Endpoint.objects.get(pk=endpoint.pk).user_ownership == NEW
    page.goto(url)
    page.get_by_role("button", name="Re-request review from carol").click()
    expect(page.get_by_test_id("pending-reviewers")).to_contain_text("re-requested by bob")
    expect(badge).to_have_text("Changes requested")  # her verdict stands until she changes it
    assert mail.outbox[-1].to == ["carol@example.com"]
    assert mail.outbox[-1].subject == (
        "[Spec Studio] bob asked again for your review on #1 Clarify ownership"
    )

    # carol sees the thread outdated in the Conversation tab, resolves it and approves.
    log_in(page, live_server, "carol")
    page.goto(url)
    thread = page.locator(f"#comment-{comment.pk}")
    expect(thread.get_by_test_id("thread-outdated")).to_be_visible()
    expect(thread).to_contain_text("Applied by bob")
    thread.get_by_role("button", name="Resolve").click()
    page.get_by_role("button", name="Approve").click()
    expect(badge).to_have_text("Approved")
    expect(page.get_by_test_id("pending-reviewers")).to_have_count(0)
    expect(
        _dashboard(page, live_server).get_by_test_id("dashboard-awaiting-review")
    ).to_contain_text("Nothing waits for your review.")
    log_in(page, live_server, "bob")
    expect(page.get_by_test_id("dashboard-changes-requested-count")).to_have_text("0")
    expect(page.get_by_test_id("dashboard-mine").get_by_test_id("state-badge")).to_have_text(
        "Approved"
    )

    # alice merges; the request reads Merged and bob is told.
    log_in(page, live_server, "alice")
    for width in (390, 1280):  # a phone's, then the desk's, where the merge goes on
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url + "?tab=changes")
        page.mouse.move(0, 0)
        _shot(page, f"review-changes-{width}.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.goto(url)
        _shot(page, f"review-conversation-{width}.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)
    page.get_by_role("button", name="Merge").click()
    expect(badge).to_have_text("Merged")
    expect(page.get_by_test_id("timeline")).to_contain_text("carol approved these changes")
    assert Notification.objects.filter(recipient=bob, kind="merged").count() == 1
    assert Notification.objects.filter(recipient=carol, kind="merged").count() == 1
    recent = _dashboard(page, live_server).get_by_test_id("dashboard-merged")
    expect(recent).to_contain_text("Clarify ownership")
