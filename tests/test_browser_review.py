"""The review loop in real Chromium: open, submit, request changes, approve, merge, and a
conflict between two requests resolved on the Update from main page. Content edits go through
the services until the editors (next issue) exist."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from specs_app.models import ChangeRequest, Endpoint
from specs_app.services.review import change_request_submit
from tests.browser_helpers import assert_accessible, log_in
from tests.review_helpers import approve_and_merge, edit_endpoint, open_request, ready_spec

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_open_review_and_merge_in_the_browser(page: Page, live_server, spec, editor, reviewer):
    ready_spec(spec)
    spec_url = live_server.url + reverse("specs_app:spec_detail", args=["acme", spec.slug])
    log_in(page, live_server, "edgar")
    page.goto(spec_url)
    page.get_by_role("link", name="New change request").click()
    page.get_by_label("Title").fill("Clarify ownership")
    page.get_by_role("button", name="Open change request").click()
    expect(page.get_by_test_id("cr-state")).to_have_text("Draft")
    cr = ChangeRequest.objects.get()
    name = Endpoint.objects.filter(revision=cr.working).first().name
    edit_endpoint(cr, editor, name, user_ownership="Only rows of the caller")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("cr-state")).to_have_text("Review required")
    expect(page.get_by_role("button", name="Merge")).to_be_disabled()

    log_in(page, live_server, "rita")
    page.get_by_role("link", name=f"{spec.title} #1: Clarify ownership").click()
    page.get_by_role("link", name="Changes").click()
    expect(page.get_by_test_id("diff-item")).to_contain_text("Only rows of the caller")
    page.get_by_role("link", name="Conversation").click()
    page.get_by_label("Review").fill("Looks right")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("reviews")).to_contain_text("rita: Approve")

    log_in(page, live_server, "edgar")
    page.goto(live_server.url + reverse("specs_app:change_request", args=["acme", spec.slug, 1]))
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_text("Merged as r2.")).to_be_visible()
    page.goto(live_server.url + reverse("specs_app:history", args=["acme", spec.slug]))
    expect(page.get_by_test_id("history")).to_contain_text("#1 Clarify ownership")


def test_conflict_resolved_on_the_update_page(page: Page, live_server, spec, editor, reviewer):
    ready_spec(spec)
    first, second = open_request(spec, editor, "First"), open_request(spec, editor, "Second")
    name = Endpoint.objects.filter(revision=first.working).first().name
    edit_endpoint(first, editor, name, user_ownership="First wording")
    edit_endpoint(second, editor, name, user_ownership="Second wording")
    approve_and_merge(first, author=editor, reviewer=reviewer)

    log_in(page, live_server, "edgar")
    page.goto(live_server.url + reverse("specs_app:change_request", args=["acme", spec.slug, 2]))
    page.get_by_role("link", name="Update from main").click()
    expect(page.get_by_test_id("conflict")).to_have_count(1)
    page.get_by_label("Keep this request's: Second wording").check()
    page.get_by_role("button", name="Update from main").click()
    expect(page.get_by_text("Updated from main.")).to_be_visible()
    second.refresh_from_db()
    assert Endpoint.objects.get(revision=second.working, name=name).user_ownership == (
        "Second wording"
    )


def test_leaving_a_review_half_written_warns(page: Page, live_server, spec, editor, reviewer):
    cr = open_request(ready_spec(spec), editor, "Clarify ownership")
    change_request_submit(change_request=cr, actor=editor)
    seen = []
    page.on("dialog", lambda dialog: (seen.append(dialog.type), dialog.accept()))
    log_in(page, live_server, "rita")
    page.goto(live_server.url + reverse("specs_app:change_request", args=["acme", spec.slug, 1]))
    page.get_by_label("Review").fill("Half a thought")
    page.get_by_role("link", name="Changes").click()
    assert seen == ["beforeunload"]

    page.goto(live_server.url + reverse("specs_app:change_request", args=["acme", spec.slug, 1]))
    page.get_by_label("Review").fill("Looks right")
    page.get_by_role("button", name="Approve").click()  # sending it is not leaving it unsaved
    expect(page.get_by_test_id("reviews")).to_contain_text("rita: Approve")
    assert seen == ["beforeunload"]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_markdown_diff_is_coloured_aligned_and_readable(
    page: Page, live_server, spec, editor, width
):
    cr = open_request(ready_spec(spec), editor, "Clarify ownership")
    name = Endpoint.objects.filter(revision=cr.working).first().name
    edit_endpoint(cr, editor, name, user_ownership="Only rows of the caller")
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "edgar")
    url = live_server.url + reverse("specs_app:change_request", args=["acme", spec.slug, 1])

    page.goto(url + "?tab=changes")
    added = page.locator(".diff-line-add").first
    expect(added).to_contain_text("Only rows of the caller")
    assert added.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(218, 251, 225)"
    assert_accessible(page)

    page.goto(url + "?tab=changes&diff=split")
    header = page.locator("table.diff thead")
    expect(header).to_contain_text(f"base {cr.base.label}")
    expect(header).to_contain_text("change request #1")
    cell = page.locator("table.diff td.diff_chg").first
    assert "mono" in cell.evaluate("e => getComputedStyle(e).fontFamily").lower()
    assert_accessible(page)
    page.screenshot(path=f"var/screenshots/changes-split-{width}.png", full_page=True)
