"""Real Chromium through Playwright against the live server: log in and browse the spec."""

import os
import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from specs_app.models import Endpoint
from tests.browser_helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_viewer_logs_in_and_browses_an_endpoint(page: Page, live_server, spec, viewer):
    endpoint = Endpoint.objects.filter(revision=spec.head).order_by("position").first()
    log_in(page, live_server, "victor")

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
    log_in(page, live_server, "oscar")
    response = page.goto(live_server.url + reverse("specs_app:spec_detail", args=["acme", "todo"]))
    assert response is not None and response.status == 404


def test_demo_user_browses_the_demo_spec(page: Page, live_server):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    log_in(page, live_server, "dave", password="studio-demo")

    page.get_by_role("link", name="Acme").click()
    page.get_by_role("link", name="Todo").click()
    page.get_by_role("link", name="Create Task").click()
    expect(page.get_by_test_id("endpoint-path")).to_have_text("/api/v1/tasks")
    expect(page.get_by_test_id("errors")).to_contain_text("403: A tag id belongs to another user")

    page.go_back()
    page.get_by_role("link", name="Task", exact=True).click()
    expect(page.get_by_test_id("fields")).to_contain_text("Free text | markdown allowed")
    expect(page.get_by_test_id("indexes")).to_contain_text("idx_tasks_user_id_completed")

    page.go_back()
    page.get_by_role("link", name="Markdown").click()
    expect(page.get_by_test_id("rendered-api").locator("h1")).to_have_text("REST API Endpoints")
    expect(page.get_by_test_id("rendered-schema").locator("table").first).to_be_visible()
    page.get_by_role("link", name="Raw").click()
    expect(page.get_by_test_id("raw-schema")).to_contain_text("| id | int | PK, auto |")
