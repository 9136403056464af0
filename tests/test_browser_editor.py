"""A new user writes an endpoint and a model in Chromium, as the editors are meant to be used."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from specs_app.models import ChangeRequest, Endpoint
from specs_app.services.export import revision_export
from tests.browser_helpers import log_in
from tests.review_helpers import ready_spec

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _add_row(page: Page, prefix: str, section: str, values: dict[str, str]) -> None:
    rows = page.get_by_test_id(f"list-{prefix.split('-')[1]}-{prefix.split('-', 2)[2]}")
    before = rows.get_by_test_id("row").count()
    for name, value in values.items():
        field = page.locator(f"#id_{prefix}-{name}")
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        elif field.get_attribute("type") == "checkbox":
            field.set_checked(value == "on")
        else:
            field.fill(value)
    page.get_by_role("button", name=f"Add to {section}").click()
    expect(rows.get_by_test_id("row")).to_have_count(before + 1)


def test_write_an_endpoint_and_a_model(page: Page, live_server, spec, editor):
    ready_spec(spec)
    log_in(page, live_server, "edgar")
    page.goto(live_server.url + reverse("specs_app:spec_detail", args=["acme", spec.slug]))
    page.get_by_role("link", name="New change request").click()
    page.get_by_label("Title").fill("Notes API")
    page.get_by_role("button", name="Open change request").click()
    page.get_by_role("link", name="Edit draft").click()

    add = page.get_by_test_id("add-endpoint")
    add.get_by_label("Name").fill("Create Note")
    add.get_by_label("Method").select_option("POST")
    add.get_by_label("Path").fill("/api/v1/notes")
    add.get_by_label("User ownership").fill("The note belongs to the caller")
    add.get_by_label("Success status").fill("201")
    add.get_by_role("button", name="Add endpoint").click()
    expect(page.get_by_test_id("preview-raw")).to_contain_text("## Create Note")

    q = "new-parameter-query"
    _add_row(page, q, "Query parameters", {"name": "draft", "type": "boolean", "required": "off"})
    _add_row(
        page, q, "Query parameters", {"name": "lang", "type": "string", "constraints": "ISO 639-1"}
    )
    _add_row(
        page,
        "new-bodyfield-request",
        "Request body",
        {"name": "text", "type": "string", "constraints": "1-500 chars"},
    )
    r = "new-bodyfield-response"
    _add_row(page, r, "Response fields", {"name": "id", "type": "integer"})
    _add_row(page, r, "Response fields", {"name": "text", "type": "string"})
    e = "new-errorcase-all"
    for code, text in (("400", "Text missing"), ("401", "No token"), ("500", "Server error")):
        _add_row(page, e, "Errors", {"status_code": code, "description": text})
    _add_row(
        page,
        "new-businessrule-all",
        "Business rules",
        {"text": "Notes are private to their author"},
    )
    t = "new-testcase-all"
    _add_row(page, t, "Test cases", {"text": "POST with text returns 201"})
    _add_row(page, t, "Test cases", {"text": "POST without a token returns 401"})

    expect(page.get_by_test_id("item-lint")).not_to_contain_text("test.endpoint-no-tests")
    page.get_by_role("button", name="Move row 2 of Query parameters up").click()
    expect(page.get_by_test_id("preview-raw")).to_contain_text(
        "- `lang`: string (required, ISO 639-1)\n  - `draft`: boolean (optional)"
    )
    expect(page.get_by_test_id("preview-rendered")).to_contain_text("Notes are private")

    page.get_by_role("link", name="All endpoints and models").click()
    model = page.get_by_test_id("add-model")
    model.get_by_label("Name").fill("Note")
    model.get_by_label("Table").fill("notes")
    model.get_by_label("Ownership").fill("Enforced via user_id")
    model.get_by_role("button", name="Add model").click()
    f = "new-field-all"
    _add_row(page, f, "Fields", {"name": "id", "type": "int", "primary_key": "on", "auto": "on"})
    _add_row(
        page, f, "Fields", {"name": "user_id", "type": "varchar(64)", "references": "users.id"}
    )
    _add_row(page, f, "Fields", {"name": "text", "type": "text", "description": "Body | markdown"})
    _add_row(page, f, "Fields", {"name": "created_at", "type": "timestamp", "default": "now()"})
    _add_row(
        page,
        "new-index-all",
        "Indexes",
        {"name": "idx_notes_user_id", "columns": "user_id", "purpose": "ownership"},
    )
    _add_row(
        page,
        "new-relationship-all",
        "Relationships",
        {
            "kind": "belongs_to",
            "target": "User",
            "fk_field": "user_id",
            "target_column": "users.id",
            "on_delete": "CASCADE",
        },
    )

    page.get_by_role("link", name="Change request").click()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_test_id("cr-state")).to_have_text("Review required")

    cr = ChangeRequest.objects.get()
    exported = revision_export(cr.working)
    api, schema = exported[spec.api_path], exported[spec.schema_path]
    section = api.split("## Create Note\n", 1)[1].split("\n## ", 1)[0]
    assert "**Method**: POST\n**Path**: /api/v1/notes" in section
    assert "  - `lang`: string (required, ISO 639-1)\n  - `draft`: boolean (optional)" in section
    assert '"text": "string (required, 1-500 chars)"' in section
    assert "- **Success (201)**:" in section and '"id": "integer (required)"' in section
    assert "  - 400: Text missing\n  - 401: No token\n  - 500: Server error" in section
    assert "- [ ] POST with text returns 201\n- [ ] POST without a token returns 401" in section
    assert "| text | text | NOT NULL | Body \\| markdown |" in schema
    assert "| id | int | PK, auto |  |" in schema
    assert "| user_id | varchar(64) | FK -> users.id, NOT NULL |  |" in schema
    assert "| created_at | timestamp | NOT NULL, DEFAULT now() |  |" in schema
    assert "- `idx_notes_user_id` on (user_id) - ownership" in schema
    assert "- Belongs to: User (user_id -> users.id, CASCADE on delete)" in schema
    assert Endpoint.objects.filter(revision=cr.working, name="Create Note").count() == 1


def test_two_people_saving_the_same_field(browser, live_server, spec, editor, workspace):
    from specs_app.models import Membership, Role
    from tests.factories import UserFactory

    ready_spec(spec)
    second = UserFactory(username="erin")
    Membership.objects.create(workspace=workspace, user=second, role=Role.EDITOR)
    from tests.review_helpers import open_request

    cr = open_request(spec, editor)
    endpoint = Endpoint.objects.filter(revision=cr.working).order_by("position").first()
    url = live_server.url + reverse(
        "specs_app:editor_item", args=["acme", spec.slug, cr.number, "endpoint", endpoint.uid]
    )
    pages = []
    for username in ("edgar", "erin"):
        page = browser.new_context().new_page()
        log_in(page, live_server, username)
        page.goto(url)
        pages.append(page)
    first, later = pages
    first.locator("#id_item-user_ownership").fill("Edgar's wording")
    later.locator("#id_item-user_ownership").fill("Erin's wording")
    first.get_by_role("button", name="Save endpoint").click()
    # The save is done when the form comes back built from the new version.
    expect(first.locator("#id_item-version")).to_have_value(str(endpoint.version + 1))
    later.get_by_role("button", name="Save endpoint").click()
    expect(later.get_by_test_id("item-form")).to_contain_text("changed by someone else")
    expect(later.locator("#id_item-user_ownership")).to_have_value("Erin's wording")
    endpoint.refresh_from_db()
    assert endpoint.user_ownership == "Edgar's wording"


@pytest.mark.parametrize("width", [1280, 390])
def test_editor_fits_the_screen(page: Page, live_server, spec, editor, width):
    from tests.review_helpers import open_request

    cr = open_request(ready_spec(spec), editor)
    endpoint = Endpoint.objects.filter(revision=cr.working).order_by("position").first()
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "edgar")
    page.goto(
        live_server.url
        + reverse("specs_app:editor_item", args=["acme", spec.slug, 1, "endpoint", endpoint.uid])
    )
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
            .map(el => el.name)"""
    )
    assert unlabelled == []


def test_enter_in_the_last_row_adds_a_row(page: Page, live_server, spec, editor):
    _editor_page(page, live_server, spec, editor)
    rules = page.get_by_test_id("list-businessrule-all").get_by_test_id("row")
    before = rules.count()
    page.locator("#id_new-businessrule-all-text").fill("Typed then Enter adds it")
    page.locator("#id_new-businessrule-all-text").press("Enter")
    expect(rules).to_have_count(before + 1)
    expect(page.get_by_test_id("preview-raw")).to_contain_text("- Typed then Enter adds it")


def test_saving_one_list_keeps_unsaved_typing_in_another(page: Page, live_server, spec, editor):
    _editor_page(page, live_server, spec, editor)
    page.locator("#id_new-testcase-all-text").fill("Typed but not saved yet")
    rules = page.get_by_test_id("list-businessrule-all").get_by_test_id("row")
    before = rules.count()
    page.locator("#id_new-businessrule-all-text").fill("A rule saved meanwhile")
    page.get_by_role("button", name="Add to Business rules").click()
    expect(rules).to_have_count(before + 1)
    expect(page.locator("#id_new-testcase-all-text")).to_have_value("Typed but not saved yet")


def _editor_page(page: Page, live_server, spec, editor):
    from tests.review_helpers import open_request

    cr = open_request(ready_spec(spec), editor)
    endpoint = Endpoint.objects.filter(revision=cr.working).order_by("position").first()
    log_in(page, live_server, "edgar")
    page.goto(
        live_server.url
        + reverse("specs_app:editor_item", args=["acme", spec.slug, 1, "endpoint", endpoint.uid])
    )
    return cr, endpoint


def _record_dialogs(page: Page, *, accept: bool = True) -> list[str]:
    """The types of the dialogs the page opens, each accepted (or dismissed)."""
    seen = []

    def handle(dialog):
        seen.append(dialog.type)
        dialog.accept() if accept else dialog.dismiss()

    page.on("dialog", handle)
    return seen


def test_leaving_with_unsaved_typing_warns(page: Page, live_server, spec, editor):
    _editor_page(page, live_server, spec, editor)
    dialogs = _record_dialogs(page)
    page.locator("#id_new-testcase-all-text").fill("Typed but not saved")
    page.get_by_role("link", name="All endpoints and models").click()
    expect(page.get_by_test_id("draft-endpoints")).to_be_visible()
    assert dialogs == ["beforeunload"]


def test_no_warning_after_saving(page: Page, live_server, spec, editor):
    _, endpoint = _editor_page(page, live_server, spec, editor)
    dialogs = _record_dialogs(page)
    page.locator("#id_item-user_ownership").fill("Saved wording")
    page.get_by_role("button", name="Save endpoint").click()  # an htmx save: no navigation
    expect(page.locator("#id_item-version")).to_have_value(str(endpoint.version + 1))
    rules = page.get_by_test_id("list-businessrule-all").get_by_test_id("row")
    page.locator("#id_new-businessrule-all-text").fill("A rule added with Add")
    page.get_by_role("button", name="Add to Business rules").click()
    expect(rules.last.locator("input").first).to_have_value("A rule added with Add")
    page.get_by_role("link", name="All endpoints and models").click()
    # A plain (non-htmx) save leaves the page without asking either.
    page.get_by_test_id("add-model").get_by_label("Name").fill("Note")
    page.get_by_test_id("add-model").get_by_label("Table").fill("notes")
    page.get_by_role("button", name="Add model").click()
    expect(page.get_by_test_id("preview-raw")).to_contain_text("Note")
    assert dialogs == []


def test_a_refused_save_still_warns(page: Page, live_server, spec, editor):
    _editor_page(page, live_server, spec, editor)
    dialogs = _record_dialogs(page)
    page.locator("#id_new-errorcase-all-status_code").fill("99")
    page.locator("#id_new-errorcase-all-description").fill("Odd one")
    page.get_by_role("button", name="Add to Errors").click()
    expect(page.get_by_test_id("list-errorcase-all")).to_contain_text("not an HTTP status code")
    page.get_by_role("link", name="All endpoints and models").click()
    expect(page.get_by_test_id("draft-endpoints")).to_be_visible()
    assert dialogs == ["beforeunload"]


def test_dismissing_the_delete_confirm_deletes_nothing(page: Page, live_server, spec, editor):
    from specs_app.models import BusinessRule

    cr, endpoint = _editor_page(page, live_server, spec, editor)
    rules = page.get_by_test_id("list-businessrule-all").get_by_test_id("row")
    before = rules.count()
    dialogs = _record_dialogs(page, accept=False)
    page.get_by_role("button", name="Remove row 1 of Business rules").click()
    page.get_by_role("button", name="Save endpoint").click()  # the next request goes through
    expect(page.locator("#id_item-version")).to_have_value(str(endpoint.version + 1))
    assert dialogs == ["confirm"] and rules.count() == before
    assert BusinessRule.objects.filter(endpoint=endpoint).count() == before

    page.get_by_role("link", name="All endpoints and models").click()
    page.get_by_role("button", name=f"Delete {endpoint.name}").click()
    page.get_by_role("button", name="Duplicate", exact=False).first.click()
    expect(page.get_by_text("Duplicated as")).to_be_visible()
    assert dialogs == ["confirm", "confirm"]
    assert Endpoint.objects.filter(revision=cr.working, uid=endpoint.uid).exists()


def test_accepting_the_delete_confirm_deletes_and_restore_brings_back(
    page: Page, live_server, spec, editor
):
    cr, endpoint = _editor_page(page, live_server, spec, editor)
    dialogs = _record_dialogs(page)
    rules = page.get_by_test_id("list-businessrule-all").get_by_test_id("row")
    before = rules.count()
    page.get_by_role("button", name="Remove row 1 of Business rules").click()
    expect(rules).to_have_count(before - 1)
    page.get_by_role("link", name="All endpoints and models").click()
    page.get_by_role("button", name=f"Delete {endpoint.name}").click()
    expect(page.get_by_text(f"Deleted “{endpoint.name}”")).to_be_visible()
    assert dialogs == ["confirm", "confirm"]
    assert not Endpoint.objects.filter(revision=cr.working, uid=endpoint.uid).exists()
    page.get_by_test_id("deleted-items").get_by_role("button", name="Restore").click()
    expect(page.get_by_text(f"Restored “{endpoint.name}”")).to_be_visible()
    assert Endpoint.objects.filter(revision=cr.working, uid=endpoint.uid).exists()
