"""Real Chromium through Playwright against the live server: log in and browse the spec."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from specs_app.models import Endpoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Page, live_server, username: str) -> None:
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("current-user")).to_have_text(username)


def test_viewer_logs_in_and_browses_an_endpoint(page: Page, live_server, spec, viewer):
    endpoint = Endpoint.objects.filter(revision=spec.head).order_by("position").first()
    _log_in(page, live_server, "victor")

    page.get_by_role("link", name="Acme").click()
    page.get_by_role("link", name="Todo").click()
    expect(page.get_by_test_id("revision-banner")).to_contain_text("Revision r1")
    expect(page.get_by_test_id("endpoint-table").get_by_role("row")).to_have_count(4)

    page.get_by_role("link", name=endpoint.name).click()
    expect(page).to_have_url(re.compile(str(endpoint.uid)))
    expect(page.get_by_test_id("endpoint-method")).to_have_text(endpoint.method)
    expect(page.get_by_test_id("endpoint-path")).to_have_text(endpoint.path)
    expect(page.get_by_test_id("test-cases")).to_contain_text(endpoint.test_cases.first().text)
    # Bootstrap came from the vendored copy: the badge is styled, not bare text.
    radius = page.get_by_test_id("endpoint-method").evaluate(
        "el => getComputedStyle(el).borderRadius"
    )
    assert radius not in ("", "0px")


def test_outsider_sees_404_in_the_browser(page: Page, live_server, spec, outsider):
    _log_in(page, live_server, "oscar")
    response = page.goto(live_server.url + reverse("specs_app:spec_detail", args=["acme", "todo"]))
    assert response is not None and response.status == 404
