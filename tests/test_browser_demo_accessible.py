"""The seeded demo's pages that axe-core found failing (issue 18's list): card headers whose
links, code and outline buttons fell under 4.5:1, and the editor preview's code block, a
scrollable region the keyboard could not reach. In real Chromium, at desktop and phone widths."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page

from specs_app.management.commands.seed_demo import DEMO_PASSWORD
from specs_app.models import ChangeRequest, Endpoint
from tests.browser_helpers import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_urls(live_server) -> list[str]:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    cr = ChangeRequest.objects.get(spec__slug="todo", title="Prioritise tasks")
    endpoint = Endpoint.objects.get(revision=cr.working, method="POST", path="/api/v1/tasks")
    spec = ["acme", "todo"]
    return [
        reverse("specs_app:spec_detail", args=spec),
        reverse("specs_app:markdown", args=spec),
        reverse("specs_app:editor_item", args=[*spec, cr.number, "endpoint", endpoint.uid]),
    ]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_demo_pages_axe_flagged_are_clean(page: Page, live_server, demo_urls, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "alice", DEMO_PASSWORD)
    for url in demo_urls:
        page.goto(live_server.url + url)
        assert_accessible(page)
    # The preview's JSON block wraps: nothing in it scrolls sideways.
    block = page.locator('[data-testid="preview-rendered"] pre').first
    assert block.evaluate("e => e.scrollWidth <= e.clientWidth")
