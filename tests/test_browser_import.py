"""An editor imports a variant file into an existing spec in Chromium: the preview shows what it
changes, the mode choice re-previews at once, and Confirm opens a change request."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from specs_app.models import ChangeRequest
from specs_app.services.imports import spec_import
from tests.browser_helpers import log_in
from tests.markdown_helpers import golden_api, golden_schema

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTES_API = (Path(__file__).resolve().parent / "fixtures" / "variants").joinpath(
    "api_method_in_heading.md"
)


def _shoot(page: Page, name: str) -> None:
    """Screenshots for a person to look at, when STUDIO_SCREENSHOTS names a folder."""
    folder = os.environ.get("STUDIO_SCREENSHOTS")
    if not folder:
        return
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
        page.get_by_test_id("import-mode").evaluate("el => el.scrollIntoView()")
        page.screenshot(path=f"{folder}/{name}-{width}-diff.png")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_import_a_variant_into_an_existing_spec(page: Page, live_server, workspace, editor):
    spec_import(
        workspace=workspace, spec_slug="todo", api_text=golden_api(), schema_text=golden_schema()
    )
    log_in(page, live_server, "edgar")
    page.goto(live_server.url + reverse("specs_app:spec_import", args=["acme"]))
    page.get_by_label("Spec").fill("todo")
    page.get_by_label("…or paste the REST endpoints markdown").fill(NOTES_API.read_text())
    page.get_by_role("button", name="Preview import").click()

    expect(page.get_by_label("Merge")).to_be_checked()
    summary = page.get_by_test_id("import-diff-summary")
    expect(summary).to_contain_text("0 removed")
    _shoot(page, "import-merge")

    page.get_by_label("Replace").check()  # previews again at once
    expect(page.get_by_label("Replace")).to_be_checked()
    expect(summary).not_to_contain_text("0 removed")
    expect(page.get_by_test_id("diff-item").filter(has_text="Health Check")).to_contain_text(
        "removed"
    )
    _shoot(page, "import-replace")

    page.get_by_label("Merge").check()
    expect(summary).to_contain_text("0 removed")
    page.get_by_role("button", name="Confirm import (merge)").click()
    expect(page.get_by_text("Imported as change request #1")).to_be_visible()
    assert ChangeRequest.objects.get().author == editor
