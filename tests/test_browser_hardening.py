"""In Chromium: the Content-Security-Policy is enforced (and the browser tests would see a page
break it), error and lockout pages read well and pass axe-core, and so do the editors."""

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect

from specs_app.models import DataModel, Endpoint
from tests.browser_helpers import assert_accessible, log_in
from tests.review_helpers import open_request, ready_spec

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inline_script_is_refused_and_the_tests_notice(
    page: Page, live_server, viewer, no_csp_violations
):
    log_in(page, live_server, "victor")
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.inlineRan = true"; document.body.append(s); }"""
    )
    expect(page.get_by_test_id("current-user")).to_have_text("victor")
    assert page.evaluate("() => window.inlineRan") is None
    page.wait_for_function("() => true")  # let the console event arrive
    assert any("script-src" in v for v in no_csp_violations), no_csp_violations
    no_csp_violations.clear()  # seen on purpose: the teardown check is for accidents


def test_error_pages_say_why_and_pass_axe(page: Page, live_server, spec, editor, viewer):
    cr = open_request(ready_spec(spec), editor)
    log_in(page, live_server, "victor")

    response = page.goto(live_server.url + "/no/such/page/")
    assert response.status == 404
    expect(page.get_by_test_id("error-reason")).to_contain_text("There is nothing at this address")
    assert_accessible(page)

    editor_home = reverse("specs_app:editor_home", args=["acme", spec.slug, cr.number])
    response = page.goto(live_server.url + editor_home)
    assert response.status == 403
    expect(page.get_by_test_id("error-reason")).to_have_text(
        "This needs the editor role or higher."
    )
    expect(page.get_by_role("button", name="← Go back")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="← Go back").click()
    expect(page).to_have_url(live_server.url + "/no/such/page/")

    response = page.goto(live_server.url + reverse("logout"))
    assert response.status == 405
    expect(page.get_by_role("heading", level=1)).to_have_text("This address only takes a form")
    assert_accessible(page)


def test_lockout_page_says_when_to_try_again(page: Page, live_server, viewer):
    page.goto(live_server.url + reverse("login"))
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("Username").fill("victor")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("error-reason")).to_contain_text("Try again in 15 minutes.")
    assert_accessible(page)
    page.get_by_role("link", name="Back to the sign-in page").click()
    page.get_by_label("Username").fill("victor")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed sign-ins")


def test_editors_pass_axe(page: Page, live_server, spec, editor):
    cr = open_request(ready_spec(spec), editor)
    endpoint = Endpoint.objects.filter(revision=cr.working).first()
    model = DataModel.objects.filter(revision=cr.working).first()
    log_in(page, live_server, "edgar")
    page.goto(live_server.url + reverse("specs_app:editor_home", args=["acme", spec.slug, 1]))
    assert_accessible(page)
    for kind, uid in (("endpoint", endpoint.uid), ("model", model.uid)):
        args = ["acme", spec.slug, cr.number, kind, uid]
        page.goto(live_server.url + reverse("specs_app:editor_item", args=args))
        assert_accessible(page)
    # A refused relationship: its error is under its field, and the page is still clean.
    page.locator("#id_new-relationship-all-kind").select_option("many_to_many")
    page.locator("#id_new-relationship-all-target").fill("Tag")
    page.locator("#id_new-relationship-all-through_table").fill("task tags")
    page.get_by_role("button", name="Add to Relationships").click()
    cell = page.locator("td", has=page.locator("#id_new-relationship-all-through_table"))
    expect(cell.locator(".invalid-feedback")).to_contain_text("A table name is letters")
    assert_accessible(page)
