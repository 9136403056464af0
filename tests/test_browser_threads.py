"""Threads in real Chromium: a reviewer comments on a field of a changed endpoint in the Changes
tab with a suggested value, in place; the author applies it; the thread then shows as outdated
with the text it was made on, in the Changes tab and in the Conversation tab."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from specs_app.models import AuditEvent, Comment, Endpoint
from specs_app.services.review import change_request_submit
from tests.browser_helpers import assert_accessible, log_in
from tests.review_helpers import edit_endpoint, open_request, ready_spec

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_suggestion_on_a_field_is_made_in_place_and_applied(
    page: Page, live_server, spec, editor, reviewer, width
):
    cr = open_request(ready_spec(spec), editor, "Clarify ownership")
    endpoint = Endpoint.objects.filter(revision=cr.working).order_by("position", "id").first()
    edit_endpoint(cr, editor, endpoint.name, user_ownership="Only rows of the caller")
    change_request_submit(change_request=cr, actor=editor)
    page.set_viewport_size({"width": width, "height": 900})
    url = live_server.url + reverse("specs_app:change_request", args=["acme", spec.slug, 1])

    log_in(page, live_server, "rita")
    page.goto(url + "?tab=changes")
    slot = page.locator(f"#field-threads-{endpoint.uid}-user_ownership")
    slot.locator("summary", has_text="Comment").click()
    slot.get_by_label("Comment on user ownership").fill("Say **whose** rows.")
    suggestion = slot.get_by_label("Suggest a value (optional)")
    expect(suggestion).to_have_value("Only rows of the caller")
    suggestion.fill("Only rows the caller owns")
    assert_accessible(page)
    slot.get_by_role("button", name="Comment", exact=True).click()

    thread = slot.get_by_test_id("thread")
    expect(thread).to_contain_text("Say whose rows.")
    expect(thread.get_by_test_id("suggestion")).to_contain_text("Only rows the caller owns")
    assert page.url.endswith("?tab=changes")  # swapped in place: no navigation
    expect(slot.get_by_label("Comment on user ownership")).to_have_value("")
    comment = Comment.objects.get()
    assert (comment.anchor_field, comment.suggestion) == (
        "user_ownership",
        "Only rows the caller owns",
    )
    page.screenshot(path=f"var/screenshots/threads-suggested-{width}.png", full_page=True)

    log_in(page, live_server, "edgar")
    page.goto(url + "?tab=changes")
    thread = page.locator(f"#thread-{comment.pk}")
    thread.get_by_role("button", name="Apply suggestion").click()
    expect(page.get_by_text("Suggestion applied.")).to_be_visible()
    assert page.url.endswith(f"?tab=changes#thread-{comment.pk}")
    thread = page.locator(f"#thread-{comment.pk}")
    expect(thread.get_by_test_id("thread-outdated")).to_have_text("Outdated")
    expect(thread.get_by_test_id("thread-original")).to_contain_text("Only rows of the caller")
    expect(thread.get_by_test_id("suggestion-applied")).to_contain_text("Applied by edgar")
    expect(thread.get_by_role("button", name="Apply suggestion")).to_be_disabled()
    expect(page.get_by_test_id("diff-item").first).to_contain_text("Only rows the caller owns")
    assert Endpoint.objects.get(pk=endpoint.pk).user_ownership == "Only rows the caller owns"
    assert AuditEvent.objects.filter(verb="comment.suggestion_applied").count() == 1
    thread.locator("summary", has_text="Reply").click()
    thread.get_by_label("Your reply (markdown)").fill("Applied, thanks.")
    thread.get_by_role("button", name="Post reply").click()
    expect(page.locator(f"#thread-{comment.pk}")).to_contain_text("Applied, thanks.")
    assert page.url.endswith(f"#thread-{comment.pk}")
    page.mouse.move(0, 0)  # the swapped thread put a button under the pointer: no hover
    page.wait_for_timeout(300)  # (Bootstrap's colour transition takes 150 ms)
    assert_accessible(page)
    page.screenshot(path=f"var/screenshots/threads-applied-{width}.png", full_page=True)

    page.goto(url + "?tab=conversation")
    thread = page.locator(f"#comment-{comment.pk}")
    expect(thread).to_contain_text("Say whose rows.")
    expect(thread).to_contain_text("Applied, thanks.")
    expect(thread.get_by_test_id("thread-outdated")).to_be_visible()
    expect(thread.get_by_test_id("comment-anchor")).to_have_text(
        f"on endpoint {endpoint.name} · field User ownership"
    )
    assert_accessible(page)
    page.screenshot(path=f"var/screenshots/threads-conversation-{width}.png", full_page=True)
    thread.get_by_role("link", name="view in Changes").click()
    expect(page).to_have_url(url + f"?tab=changes#thread-{comment.pk}")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_threads_post_and_come_back_without_javascript(
    browser, live_server, spec, editor, reviewer
):
    cr = open_request(ready_spec(spec), editor, "Clarify ownership")
    endpoint = Endpoint.objects.filter(revision=cr.working).order_by("position", "id").first()
    edit_endpoint(cr, editor, endpoint.name, user_ownership="Only rows of the caller")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    url = live_server.url + reverse("specs_app:change_request", args=["acme", spec.slug, 1])
    log_in(page, live_server, "rita")
    page.goto(url + "?tab=changes")
    item = page.locator(f"#item-threads-{endpoint.uid}")
    item.get_by_label(f"Comment on endpoint {endpoint.name}").fill("Looks fine overall")
    item.get_by_role("button", name="Comment").click()
    comment = Comment.objects.get()
    expect(page).to_have_url(url + f"?tab=changes#thread-{comment.pk}")
    expect(page.locator(f"#thread-{comment.pk}")).to_contain_text("Looks fine overall")
    slot = page.locator(f"#field-threads-{endpoint.uid}-user_ownership")
    slot.locator("summary", has_text="Comment").click()  # <details> opens without JavaScript
    slot.get_by_label("Comment on user ownership").fill("Whose?")
    slot.get_by_role("button", name="Comment", exact=True).click()
    field_thread = Comment.objects.get(anchor_field="user_ownership")
    expect(page).to_have_url(url + f"?tab=changes#thread-{field_thread.pk}")
    page.locator(f"#thread-{field_thread.pk}").get_by_role("button", name="Resolve").click()
    expect(page).to_have_url(url + f"?tab=changes#thread-{field_thread.pk}")
    expect(page.locator(f"#thread-{field_thread.pk}")).to_contain_text("Resolved by rita")
    context.close()
