"""Notifications in real Chromium: carol comments on bob's request mentioning @bob and @dave;
bob sees the count in the navbar, opens his inbox, follows the notification to the comment,
and the count drops; dave marks all read in place (htmx)."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from specs_app.models import Membership, Notification, Role
from specs_app.services.review import change_request_submit
from tests.browser_helpers import assert_accessible, log_in
from tests.factories import UserFactory
from tests.review_helpers import open_request, ready_spec

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _members(workspace):
    users = {}
    for name, role in (("bob", Role.EDITOR), ("carol", Role.REVIEWER), ("dave", Role.VIEWER)):
        users[name] = UserFactory(username=name)
        Membership.objects.create(workspace=workspace, user=users[name], role=role)
    return users


def test_a_mention_reaches_the_inbox_and_is_read_when_followed(
    page: Page, live_server, spec, workspace
):
    users = _members(workspace)
    cr = open_request(ready_spec(spec), users["bob"], "Add labels")
    change_request_submit(change_request=cr, actor=users["bob"])
    cr_url = reverse("specs_app:change_request", args=["acme", spec.slug, cr.number])

    log_in(page, live_server, "carol")
    page.goto(live_server.url + cr_url)
    page.get_by_label("Add a comment (markdown)").fill("@bob the labels need a colour; @dave FYI")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.get_by_test_id("comment")).to_contain_text("the labels need a colour")
    expect(page.get_by_role("link", name="Inbox, no unread")).to_be_visible()
    assert [m.to for m in mail.outbox] == [["bob@example.com"], ["dave@example.com"]]
    assert mail.outbox[0].subject == "[Spec Studio] carol mentioned you on #1 Add labels"

    log_in(page, live_server, "bob")
    inbox_link = page.get_by_role("link", name="Inbox, 1 unread")
    expect(inbox_link).to_be_visible()
    expect(page.get_by_test_id("inbox-count")).to_have_text("1")
    inbox_link.click()
    expect(page).to_have_url(live_server.url + reverse("specs_app:inbox"))
    notification = page.get_by_test_id("notification")
    expect(notification).to_have_count(1)
    expect(notification).to_have_class(re.compile("notification-unread"))
    expect(notification).to_contain_text("the labels need a colour")
    assert_accessible(page)
    page.get_by_role("link", name="Unread: carol mentioned you on #1 Add labels").click()
    comment = Notification.objects.get(recipient=users["bob"]).url.split("#")[1]
    expect(page).to_have_url(re.compile(f"{re.escape(cr_url)}\\?tab=conversation#{comment}$"))
    expect(page.get_by_role("link", name="Inbox, no unread")).to_be_visible()
    expect(page.get_by_test_id("inbox-count")).to_have_count(0)
    page.get_by_role("link", name="Inbox, no unread").click()
    expect(page.get_by_test_id("notification")).not_to_have_class(re.compile("notification-unread"))

    log_in(page, live_server, "dave")
    page.get_by_role("link", name="Inbox, 1 unread").click()
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("link", name="Inbox, no unread")).to_be_visible()
    expect(page.locator(".notification-unread")).to_have_count(0)
    expect(page.get_by_text("Marked 1 notification read.")).to_have_count(0)  # in place: htmx
    page.mouse.move(0, 0)  # the button's hover colours fade out before axe looks
    expect(page.get_by_test_id("mark-all-read")).to_have_css("background-color", "rgba(0, 0, 0, 0)")
    assert_accessible(page)
    assert not Notification.objects.filter(read_at__isnull=True).exists()

    page.get_by_role("link", name="Email settings").click()
    assert_accessible(page)
    page.get_by_label("Mention").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Notification settings saved.")).to_be_visible()
    expect(page.get_by_label("Mention")).not_to_be_checked()
    expect(page.get_by_label("Comment")).to_be_checked()

    page.goto(live_server.url + reverse("specs_app:member_detail", args=["acme", "carol"]))
    expect(page.get_by_test_id("member-activity")).to_contain_text("commented")
    assert_accessible(page)
