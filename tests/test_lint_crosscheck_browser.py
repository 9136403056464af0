"""The endpoint → model mapping in real Chromium: the endpoint page names its model and how it
was found and links to it, the model page lists its endpoints, the lint settings page has the
API ↔ database rules; each passes axe-core at desktop and phone widths."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from specs_app.models import Endpoint
from specs_app.services import review as services
from specs_app.services.imports import spec_import
from tests.browser_helpers import assert_accessible, log_in
from tests.markdown_helpers import golden_api, golden_schema

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("STUDIO_SHOTS", "var/screenshots"))


def _shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, caret="initial")


def _linked_reference(workspace):
    """The reference spec, with Toggle Task Completion linked to Task explicitly."""
    head, rest = golden_api().split("## Toggle Task Completion\n", 1)
    labels, sections = rest.split("\n\n### Request", 1)
    api = f"{head}## Toggle Task Completion\n{labels}\n**Model**: Task\n\n### Request{sections}"
    result = spec_import(
        workspace=workspace, spec_slug="todo-map", api_text=api, schema_text=golden_schema()
    )
    assert result.ok, result.errors
    return result.spec


@pytest.mark.parametrize("width", [1280, 390])
def test_the_pages_show_how_endpoints_map_to_models(
    page: Page, live_server, workspace, owner, width
):
    spec = _linked_reference(workspace)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, owner.username)

    create = Endpoint.objects.get(revision=spec.head, name="Create Task")
    page.goto(
        live_server.url + reverse("specs_app:endpoint_detail", args=["acme", spec.slug, create.uid])
    )
    mapping = page.get_by_test_id("endpoint-model")
    expect(mapping).to_have_text("Task (from the path)")
    assert_accessible(page)
    _shoot(page, f"crosscheck-endpoint-{width}")

    mapping.get_by_role("link", name="Task").click()
    expect(page.get_by_test_id("model-name")).to_have_text("Task")
    endpoints = page.get_by_test_id("model-endpoints").get_by_role("listitem")
    expect(endpoints).to_have_count(6)
    expect(endpoints.filter(has_text="Toggle Task Completion")).to_contain_text(
        "(set on the endpoint)"
    )
    assert_accessible(page)
    _shoot(page, f"crosscheck-model-{width}")

    page.goto(live_server.url + reverse("specs_app:lint_settings", args=["acme", spec.slug]))
    expect(page.get_by_role("table", name="API ↔ database")).to_be_visible()
    expect(
        page.get_by_label("db.response-field-no-column: Response field without a column")
    ).to_have_value("default")
    assert_accessible(page)
    _shoot(page, f"crosscheck-lint-settings-{width}")


@pytest.mark.parametrize("width", [1280, 390])
def test_an_editor_links_an_endpoint_to_a_model(page: Page, live_server, workspace, editor, width):
    spec = _linked_reference(workspace)
    cr = services.change_request_open(spec=spec, author=editor, title="Link List Tags")
    endpoint = Endpoint.objects.get(revision=cr.working, name="List Tags")
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, editor.username)
    url = reverse(
        "specs_app:editor_item", args=["acme", spec.slug, cr.number, "endpoint", endpoint.uid]
    )
    page.goto(live_server.url + url)
    select = page.get_by_label("Data model")
    expect(select).to_have_value("")
    select.select_option("Tag")
    page.get_by_role("button", name="Save endpoint").click()
    expect(page.get_by_label("Data model")).to_have_value("Tag")
    expect(page.get_by_test_id("preview-rendered")).to_contain_text("Model: Tag")
    assert_accessible(page)
    _shoot(page, f"crosscheck-editor-{width}")
    assert Endpoint.objects.get(revision=cr.working, name="List Tags").data_model == "Tag"
