"""Error pages (DEBUG off, as in the test settings) are pages of the site that say why and
link back; a failed add leaves an address that works on reload; rows only join their own kind
of parent."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from specs_app.forms.editor import ROW_FORMS
from specs_app.models import DataModel, Endpoint, Spec
from tests.review_helpers import open_request, ready_spec

pytestmark = pytest.mark.django_db

ENDPOINT_ROWS = [k for k, (m, _) in ROW_FORMS.items() if m.parent_field == "endpoint"]
MODEL_ROWS = [k for k, (m, _) in ROW_FORMS.items() if m.parent_field == "model"]


@pytest.fixture
def cr(spec, editor):
    return open_request(ready_spec(spec), editor, "Edit things")


def _page(response) -> str:
    return response.content.decode()


def _in_layout(page: str) -> bool:
    return 'data-testid="error-page"' in page and "navbar-brand" in page


def test_debug_is_off_in_these_tests():
    assert settings.DEBUG is False


def test_403_shows_the_reason_in_the_layout(client_for, viewer, cr):
    response = client_for(viewer).get(reverse("specs_app:editor_home", args=["acme", "todo", 1]))
    assert response.status_code == 403
    page = _page(response)
    assert _in_layout(page)
    assert "This needs the editor role or higher." in page
    assert "Your workspaces" in page


def test_404_shows_the_reason_in_the_layout(client_for, outsider, cr):
    response = client_for(outsider).get(reverse("specs_app:spec_list", args=["acme"]))
    assert response.status_code == 404
    page = _page(response)
    assert _in_layout(page) and "No such workspace." in page


def test_404_of_an_unknown_address_has_a_generic_reason(client_for, viewer):
    response = client_for(viewer).get("/no/such/page/")
    assert response.status_code == 404
    page = _page(response)
    assert _in_layout(page) and "There is nothing at this address" in page
    assert "Resolver404" not in page and "/no/such/page/" not in page.split("<main", 1)[1]


def test_405_is_a_page_with_a_way_back(client_for, viewer):
    response = client_for(viewer).post(reverse("specs_app:workspace_list"))
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    page = _page(response)
    assert _in_layout(page)
    assert "does not accept POST requests (it accepts GET)" in page
    assert "Your workspaces" in page


def test_405_of_a_post_only_address_explains_the_reload(client_for, viewer):
    response = client_for(viewer).get(reverse("logout"))
    assert response.status_code == 405
    page = _page(response)
    assert _in_layout(page) and "reload the page after sending a form" in page


def test_500_page_needs_no_request_context_nor_database(django_assert_num_queries):
    from studio.errors import server_error

    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = _page(response)
    assert "Something went wrong on our side" in page and "bootstrap" in page


def test_an_unhandled_error_answers_the_500_page(viewer, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("specs_app.views.browse.dashboard_for_user", broken)
    client = Client(raise_request_exception=False)
    client.force_login(viewer)
    response = client.get(reverse("specs_app:workspace_list"))
    assert response.status_code == 500
    page = _page(response)
    assert "Something went wrong on our side" in page and "boom" not in page


def test_csrf_refusal_says_why(viewer):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "victor", "password": "pw"})
    assert response.status_code == 403
    page = _page(response)
    assert _in_layout(page) and "Reload the page and try again." in page


def _row_add_url(cr, kind, parent_kind, parent_uid) -> str:
    args = ["acme", cr.spec.slug, cr.number, kind, parent_kind, parent_uid]
    return reverse("specs_app:editor_row_add", args=args)


def _wrong_parents():
    for kind in ENDPOINT_ROWS:
        yield kind, "model"
    for kind in MODEL_ROWS:
        yield kind, "endpoint"


@pytest.mark.parametrize(("kind", "parent_kind"), list(_wrong_parents()))
def test_row_add_under_the_wrong_kind_of_parent_is_404(client_for, editor, cr, kind, parent_kind):
    parent_model = Endpoint if parent_kind == "endpoint" else DataModel
    parent = parent_model.objects.filter(revision=cr.working).first()
    row_model = ROW_FORMS[kind][0]
    before = row_model.objects.filter(revision=cr.working).count()
    response = client_for(editor).post(
        _row_add_url(cr, kind, parent_kind, parent.uid), {"discriminator": ""}
    )
    assert response.status_code == 404
    assert f"A “{kind}” row cannot be added under the {parent_kind}" in _page(response)
    assert row_model.objects.filter(revision=cr.working).count() == before


@pytest.mark.parametrize("kind", list(ROW_FORMS))
@pytest.mark.parametrize("parent_kind", ["bogus", "parameter", "field"])
def test_row_add_under_something_that_is_not_an_item_is_404(
    client_for, editor, cr, kind, parent_kind
):
    parent = Endpoint.objects.filter(revision=cr.working).first()
    response = client_for(editor).post(_row_add_url(cr, kind, parent_kind, parent.uid))
    assert response.status_code == 404
    assert "No such kind of item." in _page(response)


def test_all_ten_row_kinds_are_covered():
    assert len(ENDPOINT_ROWS) + len(MODEL_ROWS) == len(ROW_FORMS) == 10


def test_reloading_a_failed_row_add_goes_back_to_the_editor(client_for, editor, cr):
    endpoint = Endpoint.objects.filter(revision=cr.working).first()
    client = client_for(editor)
    url = _row_add_url(cr, "errorcase", "endpoint", endpoint.uid)
    failed = client.post(url, {"new-errorcase-all-status_code": "", "discriminator": ""})
    assert failed.status_code == 400
    reload = client.get(url)
    assert reload.status_code == 302
    editor_url = reverse(
        "specs_app:editor_item", args=["acme", cr.spec.slug, cr.number, "endpoint", endpoint.uid]
    )
    assert reload["Location"] == editor_url


def test_reloading_a_failed_item_add_goes_back_to_the_editor_home(client_for, editor, cr):
    client = client_for(editor)
    url = reverse("specs_app:editor_item_add", args=["acme", cr.spec.slug, cr.number, "model"])
    assert client.post(url, {"new-model-name": ""}).status_code == 400
    reload = client.get(url)
    assert reload.status_code == 302
    assert reload["Location"] == reverse(
        "specs_app:editor_home", args=["acme", cr.spec.slug, cr.number]
    )


def test_a_paste_too_large_to_read_is_a_400_page_that_says_why(client_for, editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    url = reverse("specs_app:spec_import", args=["acme"])
    response = client_for(editor).post(url, {"spec_slug": "big", "api_text": "x" * 2000})
    assert response.status_code == 400
    assert _in_layout(_page(response))
    assert "too large or malformed, so nothing was done" in _page(response)
    assert not Spec.objects.filter(slug="big").exists()


def test_two_pasted_files_at_the_readers_limit_fit_in_a_request():
    from specs_app.interchange.markdown_variants.blocks import MAX_BYTES

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE >= 2 * MAX_BYTES
