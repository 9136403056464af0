"""The DDL page (and the Impact tab) in real Chromium: SQL coloured by the vendored
highlight.js, the dialect switch in place (coloured again after the htmx swap), Copy with its
confirmation, the download, at desktop and phone widths, axe-core clean."""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from specs_app.services.export import revision_sql
from tests.browser_helpers import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("STUDIO_SHOTS", "var/screenshots"))


def _shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, caret="initial")


def _colour(locator) -> str:
    return locator.evaluate("e => getComputedStyle(e).color")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_ddl_page(page: Page, live_server, spec, viewer, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, live_server, "victor")
    page.goto(live_server.url + reverse("specs_app:spec_detail", args=["acme", spec.slug]))
    page.get_by_test_id("ddl-link").click()
    expect(page.get_by_role("heading", name="DDL of Todo")).to_be_visible()

    code = page.locator("#ddl-sql")
    expect(code).to_have_attribute("data-highlighted", "yes")
    keyword = code.locator(".hljs-keyword").first
    expect(keyword).to_have_text("CREATE TABLE")
    assert _colour(keyword) == "rgb(121, 40, 161)"  # a11y-light's purple, not the text's grey
    assert code.text_content() == revision_sql(spec.head, "postgresql")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    _shoot(page, f"ddl-{width}")

    # Copy: the clipboard gets the SQL, the button says so, then goes back to its label.
    copy = page.get_by_test_id("ddl").get_by_role("button", name="Copy PostgreSQL DDL of r1")
    copy.click()
    expect(page.get_by_test_id("copy-sql")).to_have_text("Copied")
    expect(page.get_by_role("status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == revision_sql(spec.head, "postgresql")
    expect(copy).to_be_visible(timeout=4000)

    # The dialect switch, in place: the new SQL is coloured too, and the address follows.
    page.get_by_test_id("dialect-sqlite").click()
    expect(page.get_by_test_id("dialect-sqlite")).to_have_attribute("aria-current", "page")
    assert page.url.endswith("?revision=1&dialect=sqlite")
    code = page.locator("#ddl-sql")
    expect(code).to_have_attribute("data-highlighted", "yes")
    assert code.text_content() == revision_sql(spec.head, "sqlite")
    expect(page.get_by_test_id("download-sql")).to_contain_text("todo-r1.sqlite.sql")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_test_id("download-sql").click()
    assert download.value.suggested_filename == "todo-r1.sqlite.sql"
    assert Path(download.value.path()).read_text() == revision_sql(spec.head, "sqlite")


def test_the_ddl_page_without_javascript(browser, live_server, spec, viewer):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, "victor")
    page.goto(live_server.url + reverse("specs_app:ddl", args=["acme", spec.slug]))
    page.get_by_test_id("dialect-mysql").click()
    assert page.url.endswith("?revision=1&dialect=mysql")
    assert page.locator("#ddl-sql").text_content() == revision_sql(spec.head, "mysql")
    context.close()


def _impact_request(spec, editor, reviewer):
    """A change request in review that renames a column of one model and drops a column of
    another."""
    from specs_app.models import DataModel, Field
    from specs_app.services import review as services
    from tests.review_helpers import open_request, ready_spec

    cr = open_request(ready_spec(spec), editor, "Rename title, drop another")
    first, second = DataModel.objects.filter(revision=cr.working).order_by("position", "id")[:2]
    title = Field.objects.get(model=first, name="title")
    services.change_request_update(
        change_request=cr, actor=editor, row=title, expected_version=title.version, name="headline"
    )
    dropped = Field.objects.get(model=second, name="title")
    services.change_request_delete(
        change_request=cr, actor=editor, row=dropped, expected_version=dropped.version
    )
    services.change_request_submit(change_request=cr, actor=editor)
    return cr, first, second


@pytest.mark.parametrize("width", [1280, 390])
def test_the_impact_tab(page: Page, live_server, spec, editor, reviewer, width):
    from specs_app.services.impact import change_request_impact

    cr, renamed, dropped = _impact_request(spec, editor, reviewer)
    page.set_viewport_size({"width": width, "height": 900})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, live_server, "rita")
    url = live_server.url + reverse("specs_app:change_request", args=["acme", spec.slug, 1])

    # The Changes tab marks the model that loses a column, and leads to the Impact tab.
    page.goto(url + "?tab=changes")
    card = page.locator(f"#item-{dropped.uid}")
    expect(card.get_by_test_id("destructive")).to_be_visible()
    expect(page.locator(f"#item-{renamed.uid}").get_by_test_id("destructive")).to_have_count(0)
    index = page.get_by_test_id("diff-index")
    expect(
        index.locator(f"#index-{dropped.uid}").get_by_test_id("destructive-index")
    ).to_be_visible()
    assert_accessible(page)
    _shoot(page, f"impact-changes-{width}")
    card.get_by_test_id("destructive").click()

    expect(page.get_by_test_id("impact-tab")).to_have_attribute("aria-current", "page")
    impact = change_request_impact(cr)
    migration = page.locator("#migration-sql")
    expect(migration).to_have_attribute("data-highlighted", "yes")
    expect(migration).to_contain_text("RENAME COLUMN")
    assert migration.text_content() == impact.migration.sql
    summary = page.get_by_test_id("impact-summary")
    expect(summary).to_contain_text(f"{impact.migration.statements} statements")

    # The result's DDL is collapsed until asked for.
    result = page.get_by_test_id("result-ddl")
    expect(result.locator("#result-sql")).to_be_hidden()
    result.locator("summary").click()
    expect(result.locator("#result-sql")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    _shoot(page, f"impact-{width}")

    page.get_by_test_id("migration").get_by_test_id("copy-sql").click()
    expect(page.get_by_test_id("migration").get_by_test_id("copy-sql")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == impact.migration.sql
    with page.expect_download() as download:
        page.get_by_test_id("migration").get_by_test_id("download-sql").click()
    assert download.value.suggested_filename == "todo-cr1.sql"
    assert Path(download.value.path()).read_text() == impact.migration.sql


def test_a_change_without_migration(page: Page, live_server, spec, editor, reviewer):
    from tests.review_helpers import edit_endpoint, open_request, ready_spec

    cr = open_request(ready_spec(spec), editor, "Only an endpoint")
    from specs_app.models import Endpoint

    name = Endpoint.objects.filter(revision=cr.working).order_by("position").first().name
    edit_endpoint(cr, editor, name, name="Renamed endpoint")
    log_in(page, live_server, "rita")
    url = reverse("specs_app:change_request", args=["acme", spec.slug, cr.number])
    page.goto(live_server.url + url + "?tab=impact")
    expect(page.get_by_test_id("impact-none")).to_contain_text(
        "This change needs no database migration"
    )
    assert_accessible(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_renamed_column_shows_bc102(page: Page, live_server, spec, editor, reviewer, width):
    from specs_app.services.impact import change_request_impact

    cr, renamed, _ = _impact_request(spec, editor, reviewer)
    page.set_viewport_size({"width": width, "height": 900})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, live_server, "rita")
    url = reverse("specs_app:change_request", args=["acme", spec.slug, cr.number])
    page.goto(live_server.url + url)
    page.get_by_test_id("impact-tab").click()
    expect(page.locator("#migration-sql")).to_contain_text("RENAME COLUMN")

    finding = page.locator('[data-testid="risk"][data-code="BC102"]')
    expect(finding).to_have_attribute("data-level", "error")
    expect(finding).to_contain_text(f"{renamed.table}.headline")
    expect(finding.locator(".risk-level")).to_have_text("error")
    assert _colour(finding.locator(".risk-level")) == "rgb(255, 255, 255)"  # white on red
    expect(finding.locator("pre code")).to_have_attribute("data-highlighted", "yes")
    impact = change_request_impact(cr)
    errors = sum(1 for risk in impact.risks if risk.level == "error")
    expect(page.get_by_test_id("risk-count-error")).to_have_text(f"{errors} errors")

    # A pre-migration check copies as SQL.
    checked = page.locator('[data-testid="risk"]', has=page.locator(".risk-check")).first
    check_text = checked.locator(".risk-check code").first.text_content()
    checked.locator(".risk-check-copy").first.click()
    expect(checked.locator(".risk-check-copy").first).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == check_text
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    _shoot(page, f"impact-risks-{width}")

    # The code leads to its reference among the lint rules.
    finding.locator(".risk-code").click()
    assert page.url.endswith("/lint/rules/#BC102")
    expect(page.locator("#BC102")).to_be_visible()


def test_copy_without_the_clipboard_api(page: Page, live_server, spec, viewer):
    """Where the clipboard API is missing (a page served over plain HTTP), Copy selects the SQL
    and copies it the old way, or says to press Ctrl+C."""
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    log_in(page, live_server, "victor")
    page.goto(live_server.url + reverse("specs_app:ddl", args=["acme", spec.slug]))
    copy = page.get_by_test_id("copy-sql")
    copy.click()
    expect(copy).to_have_text(re.compile(r"^(Copied|Press Ctrl\+C to copy)$"))
    expect(page.get_by_role("status")).to_have_text(re.compile(r"Copied|Press Ctrl\+C"))
    selected = page.evaluate("window.getSelection().toString()")
    assert selected == revision_sql(spec.head, "postgresql").rstrip("\n")  # a selection's end
