"""Deleting asks first in Chromium: comments and members (rows, endpoints and models are in
test_browser_editor.py); and the pages that ask, the restore list and an edited comment fit
a phone and a desktop."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from specs_app.models import Comment, Endpoint, Membership
from specs_app.services import review as services
from specs_app.services import threads
from tests.browser_helpers import log_in
from tests.review_helpers import open_request, ready_spec

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answer_dialogs(page: Page, answers: list[bool]) -> list[str]:
    """Answer the page's dialogs in turn (True accepts); the messages they showed."""
    seen = []

    def handle(dialog):
        seen.append(dialog.message)
        dialog.accept() if answers[len(seen) - 1] else dialog.dismiss()

    page.on("dialog", handle)
    return seen


def test_author_edits_then_deletes_a_comment(page: Page, live_server, spec, editor):
    cr = open_request(ready_spec(spec), editor)
    threads.change_request_comment(change_request=cr, author=editor, body="Frist thoughts")
    log_in(page, live_server, "edgar")
    page.goto(live_server.url + reverse("specs_app:change_request", args=["acme", spec.slug, 1]))
    comment = page.get_by_test_id("comment")
    comment.get_by_text("Edit", exact=True).click()
    comment.get_by_label("Edit your comment").fill("First thoughts")
    comment.get_by_role("button", name="Save comment").click()
    expect(page.get_by_test_id("comment")).to_contain_text("First thoughts")
    expect(page.get_by_test_id("comment-edited")).to_have_text("edited")

    seen = _answer_dialogs(page, [False, True])
    page.get_by_role("button", name="Delete your comment").click()
    expect(page.get_by_test_id("comment")).to_contain_text("First thoughts")
    assert Comment.objects.filter(change_request=cr).count() == 1
    page.get_by_role("button", name="Delete your comment").click()
    expect(page.get_by_test_id("comment-deleted")).to_be_visible()
    assert not Comment.objects.filter(change_request=cr).exists()
    assert seen == ["Delete your comment? It disappears from the conversation for everyone."] * 2


def test_removing_a_member_asks_first(page: Page, live_server, owner, viewer):
    log_in(page, live_server, "olivia")
    page.goto(live_server.url + reverse("specs_app:members", args=["acme"]))
    seen = _answer_dialogs(page, [False, True])
    page.get_by_role("button", name="Remove victor").click()
    page.get_by_role("button", name="Change role").first.click()  # the next request still runs
    expect(page.get_by_role("alert")).to_be_visible()
    assert Membership.objects.filter(user=viewer).exists()
    page.get_by_role("button", name="Remove victor").click()
    expect(page.get_by_role("alert")).to_contain_text("victor removed from Acme")
    assert not Membership.objects.filter(user=viewer).exists()
    assert seen[0].startswith("Remove victor from Acme?") and len(seen) == 2


@pytest.mark.parametrize("width", [1280, 390])
def test_the_new_pages_fit_the_screen(page: Page, live_server, spec, editor, width, tmp_path):
    cr = open_request(ready_spec(spec), editor)
    endpoint = Endpoint.objects.filter(revision=cr.working).order_by("position").first()
    services.change_request_delete(change_request=cr, actor=editor, row=endpoint)
    kept = Endpoint.objects.filter(revision=cr.working).first()
    comment = threads.change_request_comment(change_request=cr, author=editor, body="Typo")
    threads.comment_edit(comment=comment, actor=editor, body="Fixed the typo")
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "edgar")
    args = ["acme", spec.slug, cr.number]
    urls = {
        "confirm": reverse("specs_app:editor_item_delete", args=[*args, "endpoint", kept.uid]),
        "restore": reverse("specs_app:editor_home", args=args),
        "changes": reverse("specs_app:change_request", args=args) + "?tab=changes",
        "comment": reverse("specs_app:change_request", args=args),
    }
    for name, url in urls.items():
        page.goto(live_server.url + url)
        if name == "comment":
            page.get_by_test_id("comment").get_by_text("Edit", exact=True).click()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, name
        page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
    expect(page.get_by_test_id("comment-edited")).to_be_visible()
