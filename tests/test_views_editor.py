import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from specs_app.models import BusinessRule, DataModel, Endpoint, ErrorCase, Parameter
from specs_app.services import review as services
from specs_app.services.export import revision_export
from tests.factories import published_spec
from tests.review_helpers import open_request, ready_spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def cr(spec, editor):
    return open_request(ready_spec(spec), editor, "Edit things")


def _url(cr, name, *extra) -> str:
    return reverse(f"specs_app:{name}", args=["acme", cr.spec.slug, cr.number, *extra])


def _endpoint(cr) -> Endpoint:
    return Endpoint.objects.filter(revision=cr.working).order_by("position").first()


def _item_data(endpoint: Endpoint, **changes) -> dict:
    data = {
        "name": endpoint.name,
        "method": endpoint.method,
        "path": endpoint.path,
        "authentication": endpoint.authentication,
        "user_ownership": endpoint.user_ownership,
        "success_status": endpoint.success_status,
        "version": endpoint.version,
        **changes,
    }
    return {f"item-{k}": v for k, v in data.items()}


def test_editor_pages_work_for_editor(client_for, editor, cr):
    client = client_for(editor)
    endpoint = _endpoint(cr)
    model = DataModel.objects.filter(revision=cr.working).first()
    assert client.get(_url(cr, "editor_home")).status_code == 200
    page = client.get(_url(cr, "editor_item", "endpoint", endpoint.uid)).content.decode()
    assert endpoint.path in page and "Markdown preview" in page
    assert f"## {endpoint.name}" in page  # raw preview of the section
    assert client.get(_url(cr, "editor_item", "model", model.uid)).status_code == 200


def test_editor_requires_editor_role_and_membership(client_for, viewer, outsider, cr):
    endpoint = _endpoint(cr)
    url = _url(cr, "editor_item", "endpoint", endpoint.uid)
    assert client_for(viewer).get(url).status_code == 403
    save = _url(cr, "editor_item_save", "endpoint", endpoint.uid)
    assert client_for(viewer).post(save, _item_data(endpoint, name="X")).status_code == 403
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(outsider).post(save, _item_data(endpoint, name="X")).status_code == 404
    assert _endpoint(cr).name == endpoint.name


def test_wrong_methods_are_refused(client_for, editor, cr):
    endpoint = _endpoint(cr)
    client = client_for(editor)
    assert client.post(_url(cr, "editor_item", "endpoint", endpoint.uid)).status_code == 405
    assert client.get(_url(cr, "editor_item_save", "endpoint", endpoint.uid)).status_code == 405


def test_save_endpoint_without_js_redirects(client_for, editor, cr):
    endpoint = _endpoint(cr)
    response = client_for(editor).post(
        _url(cr, "editor_item_save", "endpoint", endpoint.uid), _item_data(endpoint, name="Renamed")
    )
    assert response.status_code == 302
    assert _endpoint(cr).name == "Renamed" and _endpoint(cr).version == endpoint.version + 1


def test_validation_errors_are_shown_inline_and_nothing_is_saved(client_for, editor, cr):
    endpoint = _endpoint(cr)
    response = client_for(editor).post(
        _url(cr, "editor_item_save", "endpoint", endpoint.uid),
        _item_data(endpoint, path="no-slash", success_status=99, name="Kept input"),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Path must start with &quot;/&quot;" in body
    assert "Status 99 is not an HTTP status code" in body
    assert 'value="Kept input"' in body
    assert _endpoint(cr).name == endpoint.name


def test_stale_version_is_refused_with_current_values(client_for, editor, cr):
    endpoint = _endpoint(cr)
    client = client_for(editor)
    url = _url(cr, "editor_item_save", "endpoint", endpoint.uid)
    client.post(url, _item_data(endpoint, user_ownership="First save"))
    response = client.post(url, _item_data(endpoint, user_ownership="Second save"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "changed by someone else" in body and "First save" in body
    assert 'value="Second save"' in body  # the person's input is kept
    assert _endpoint(cr).user_ownership == "First save"


def test_rows_add_save_move_delete(client_for, editor, cr):
    endpoint = _endpoint(cr)
    client = client_for(editor)
    add = _url(cr, "editor_row_add", "businessrule", "endpoint", endpoint.uid)
    prefix = "new-businessrule-all"
    client.post(add, {f"{prefix}-text": "Second rule text"})
    rules = list(BusinessRule.objects.filter(endpoint=endpoint).order_by("position"))
    assert [r.text for r in rules][-1] == "Second rule text"

    first, last = rules[0], rules[-1]
    client.post(_url(cr, "editor_row_move", "businessrule", last.uid), {"direction": "up"})
    order = list(
        BusinessRule.objects.filter(endpoint=endpoint)
        .order_by("position")
        .values_list("uid", flat=True)
    )
    assert order == [last.uid, first.uid]

    row_prefix = f"businessrule-{first.uid.hex}"
    client.post(
        _url(cr, "editor_row_save", "businessrule", first.uid),
        {f"{row_prefix}-text": "Reworded rule here", f"{row_prefix}-version": first.version},
    )
    assert BusinessRule.objects.get(pk=first.pk).text == "Reworded rule here"
    client.post(_url(cr, "editor_row_delete", "businessrule", first.uid), {"confirm": "yes"})
    assert not BusinessRule.objects.filter(pk=first.pk).exists()


def test_row_validation_error_keeps_input(client_for, editor, cr):
    endpoint = _endpoint(cr)
    add = _url(cr, "editor_row_add", "errorcase", "endpoint", endpoint.uid)
    before = ErrorCase.objects.filter(endpoint=endpoint).count()
    response = client_for(editor).post(
        add, {"new-errorcase-all-status_code": "99", "new-errorcase-all-description": "Odd one"}
    )
    assert response.status_code == 400
    assert "Status 99 is not an HTTP status code" in response.content.decode()
    assert 'value="Odd one"' in response.content.decode()
    assert ErrorCase.objects.filter(endpoint=endpoint).count() == before


def test_htmx_request_gets_the_editor_body_only(client_for, editor, cr):
    endpoint = _endpoint(cr)
    add = _url(cr, "editor_row_add", "testcase", "endpoint", endpoint.uid)
    response = client_for(editor).post(
        add, {"new-testcase-all-text": "GET twice returns the same body"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="editor-body"') and "<html" not in body
    assert "GET twice returns the same body" in body  # in the row and in the preview


def test_path_parameters_are_offered_from_the_path(client_for, editor, cr):
    endpoint = _endpoint(cr)
    client = client_for(editor)
    client.post(
        _url(cr, "editor_item_save", "endpoint", endpoint.uid),
        _item_data(endpoint, path=endpoint.path + "/notes/{note_id}"),
    )
    page = client.get(_url(cr, "editor_item", "endpoint", endpoint.uid)).content.decode()
    assert "Add path parameter note_id" in page


def test_spec_level_add_duplicate_delete_and_overviews(client_for, editor, cr):
    client = client_for(editor)
    response = client.post(
        _url(cr, "editor_item_add", "endpoint"),
        {
            "new-endpoint-name": "Ping",
            "new-endpoint-method": "GET",
            "new-endpoint-path": "/ping",
            "new-endpoint-authentication": "None",
            "new-endpoint-success_status": "200",
        },
    )
    ping = Endpoint.objects.get(revision=cr.working, name="Ping")
    assert response.status_code == 302
    client.post(_url(cr, "editor_item_action", "endpoint", ping.uid, "duplicate"))
    copy = Endpoint.objects.get(revision=cr.working, name="Ping (copy)")
    client.post(_url(cr, "editor_item_delete", "endpoint", copy.uid), {"confirm": "yes"})
    assert not Endpoint.objects.filter(pk=copy.pk).exists()
    client.post(_url(cr, "editor_overview"), {"api_overview": "All of it.", "schema_overview": ""})
    cr.working.refresh_from_db()
    assert cr.working.api_overview == "All of it."
    bad = client.post(
        _url(cr, "editor_overview"), {"api_overview": "# Heading", "schema_overview": ""}
    )
    assert bad.status_code == 400 and "headings are not allowed" in bad.content.decode()


def test_editing_a_merged_request_is_impossible(client_for, editor, reviewer, cr):
    services.change_request_submit(change_request=cr, actor=editor)
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    services.change_request_merge(change_request=cr, actor=editor)
    assert client_for(editor).get(_url(cr, "editor_home")).status_code == 404


def test_export_of_the_draft_has_what_was_typed(client_for, editor, cr):
    endpoint = _endpoint(cr)
    client = client_for(editor)
    add = _url(cr, "editor_row_add", "parameter", "endpoint", endpoint.uid)
    p = "new-parameter-query"
    client.post(
        add,
        {
            "discriminator": "query",
            f"{p}-location": "query",
            f"{p}-name": "q",
            f"{p}-type": "string",
            f"{p}-constraints": "max 50 | pipes (ok)",
            f"{p}-description": 'Search "text"',
        },
    )
    assert Parameter.objects.filter(endpoint=endpoint, name="q").exists()
    api = revision_export(cr.working)[cr.spec.api_path]
    assert '  - `q`: string (optional, max 50 | pipes (ok)) - Search "text"' in api


def test_editor_page_queries_do_not_grow_with_spec_size(client_for, workspace, editor):
    client = client_for(editor)
    counts = []
    for size in (20, 1000):
        spec = ready_spec(published_spec(workspace=workspace, slug=f"ed{size}", endpoints=size))
        cr = open_request(spec, editor)
        endpoint = _endpoint(cr)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(cr, "editor_item", "endpoint", endpoint.uid)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_two_people_editing_different_rows_both_succeed(client, editor, reviewer, cr):
    endpoint = _endpoint(cr)
    first, second = BusinessRule.objects.filter(endpoint=endpoint)[:1].get(), None
    second = services.change_request_add(
        change_request=cr, actor=editor, model=BusinessRule, parent=endpoint, text="Another rule"
    )
    for user, row, text in ((editor, first, "Edited by one"), (reviewer, second, "Edited by two")):
        client.force_login(user)
        prefix = f"businessrule-{row.uid.hex}"
        client.post(
            _url(cr, "editor_row_save", "businessrule", row.uid),
            {f"{prefix}-text": text, f"{prefix}-version": row.version},
        )
    assert BusinessRule.objects.get(pk=first.pk).text == "Edited by one"
    assert BusinessRule.objects.get(pk=second.pk).text == "Edited by two"


def test_published_pages_offer_a_change_request_not_editing(client_for, editor, viewer, spec):
    endpoint = Endpoint.objects.filter(revision=spec.head).first()
    url = reverse("specs_app:endpoint_detail", args=["acme", spec.slug, endpoint.uid])
    page = client_for(editor).get(url).content.decode()
    assert "New change request" in page and 'method="post"' not in page.split("</nav>", 1)[1]
    assert "New change request" not in client_for(viewer).get(url).content.decode()


def test_htmx_save_returns_a_form_built_from_the_new_version(client_for, editor, cr):
    endpoint = _endpoint(cr)
    client = client_for(editor)
    url = _url(cr, "editor_item_save", "endpoint", endpoint.uid)
    response = client.post(url, _item_data(endpoint, name="Once"), HTTP_HX_REQUEST="true")
    assert f'name="item-version" value="{endpoint.version + 1}"' in response.content.decode()
    second = client.post(
        url,
        _item_data(endpoint, name="Twice", version=endpoint.version + 1),
        HTTP_HX_REQUEST="true",
    )
    assert second.status_code == 200 and _endpoint(cr).name == "Twice"


# Deleting asks first; what a change request deleted can be restored until it is merged.


def test_deleting_a_row_asks_first(client_for, editor, cr):
    endpoint = _endpoint(cr)
    rule = BusinessRule.objects.filter(endpoint=endpoint).first()
    client = client_for(editor)
    url = _url(cr, "editor_row_delete", "businessrule", rule.uid)
    page = client.get(_url(cr, "editor_item", "endpoint", endpoint.uid)).content.decode()
    rows = page.count('data-testid="row"')
    assert rows and page.count('hx-confirm="Delete row ') == rows  # every row's ✕ asks
    assert f'hx-post="{url}" hx-confirm="Delete row 1 of Business rules' in page
    assert page.count('hx-vals=\'{"confirm": "yes"}\'') == rows
    for response in (client.get(url), client.post(url)):  # without JavaScript: a page asks
        body = response.content.decode()
        assert response.status_code == 200
        assert f"Delete business rule “{rule.text}” of {endpoint.name}?" in body
        assert f'action="{url}"' in body and 'name="confirm" value="yes"' in body
        assert f'href="{_url(cr, "editor_item", "endpoint", endpoint.uid)}">Cancel' in body
    assert BusinessRule.objects.filter(pk=rule.pk).exists()
    response = client.post(url, {"confirm": "yes"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and rule.text not in response.content.decode()
    assert not BusinessRule.objects.filter(pk=rule.pk).exists()


@pytest.mark.parametrize("kind", ["endpoint", "model"])
def test_deleting_an_endpoint_or_model_asks_first(client_for, editor, cr, kind):
    model = Endpoint if kind == "endpoint" else DataModel
    item = model.objects.filter(revision=cr.working).order_by("position").first()
    client = client_for(editor)
    url = _url(cr, "editor_item_delete", kind, item.uid)
    home = client.get(_url(cr, "editor_home")).content.decode()
    items = (
        Endpoint.objects.filter(revision=cr.working).count()
        + DataModel.objects.filter(revision=cr.working).count()
    )
    assert home.count('hx-confirm="Delete ') == items
    assert f'hx-post="{url}" hx-target="body" hx-confirm="Delete {kind} “{item.name}”' in home
    for response in (client.get(url), client.post(url)):
        body = response.content.decode()
        assert response.status_code == 200
        assert f"Delete {kind} “{item.name}”?" in body and "You can restore it" in body
        assert 'name="confirm" value="yes"' in body
        assert f'href="{_url(cr, "editor_home")}">Cancel' in body
    assert model.objects.filter(pk=item.pk).exists()
    response = client.post(url, {"confirm": "yes"}, follow=True)
    assert not model.objects.filter(pk=item.pk).exists()
    assert f"Deleted “{item.name}”" in response.content.decode()


def test_deleting_an_item_added_in_the_request_says_it_is_for_good(client_for, editor, cr):
    added = services.change_request_add(
        change_request=cr, actor=editor, model=Endpoint, name="Ping", path="/ping"
    )
    body = client_for(editor).get(_url(cr, "editor_item_delete", "endpoint", added.uid))
    assert "added in this change request, so it cannot be restored" in body.content.decode()


def test_delete_confirmations_need_the_editor_role(client_for, viewer, outsider, cr):
    endpoint = _endpoint(cr)
    rule = BusinessRule.objects.filter(endpoint=endpoint).first()
    urls = [
        _url(cr, "editor_row_delete", "businessrule", rule.uid),
        _url(cr, "editor_item_delete", "endpoint", endpoint.uid),
    ]
    for url in urls:
        assert client_for(viewer).get(url).status_code == 403
        assert client_for(viewer).post(url, {"confirm": "yes"}).status_code == 403
        assert client_for(outsider).get(url).status_code == 404
        assert client_for(outsider).post(url, {"confirm": "yes"}).status_code == 404
        assert client_for(viewer).put(url).status_code == 405
    assert BusinessRule.objects.filter(pk=rule.pk).exists() and _endpoint(cr) == endpoint


def _delete(client, cr, kind, item):
    client.post(_url(cr, "editor_item_delete", kind, item.uid), {"confirm": "yes"})


def test_a_deleted_endpoint_is_restored_with_its_children(client_for, editor, cr):
    from specs_app.models import AuditEvent
    from specs_app.services.snapshot import revision_snapshot

    client = client_for(editor)
    endpoint = _endpoint(cr)
    _delete(client, cr, "endpoint", endpoint)
    home = client.get(_url(cr, "editor_home")).content.decode()
    listed = home.split('data-testid="deleted-items"', 1)[1].split("</section>", 1)[0]
    restore = _url(cr, "editor_item_restore", "endpoint", endpoint.uid)
    assert "Deleted in this change request" in listed and endpoint.name in listed
    assert f'action="{restore}"' in listed and "Restore" in listed

    response = client.post(restore, follow=True)

    assert f"Restored “{endpoint.name}”" in response.content.decode()
    assert 'data-testid="deleted-items"' not in response.content.decode()
    back = Endpoint.objects.get(revision=cr.working, uid=endpoint.uid)
    assert back.name == endpoint.name
    assert revision_snapshot(revision=cr.working) == revision_snapshot(revision=cr.base)
    assert AuditEvent.objects.filter(verb="endpoint.restored", actor=editor).count() == 1


def test_the_changes_tab_offers_restore_and_comes_back_to_it(client_for, editor, cr):
    client = client_for(editor)
    model = DataModel.objects.filter(revision=cr.working).first()
    _delete(client, cr, "model", model)
    changes = reverse("specs_app:change_request", args=["acme", cr.spec.slug, cr.number])
    page = client.get(changes, {"tab": "changes"}).content.decode()
    restore = _url(cr, "editor_item_restore", "model", model.uid)
    assert f'action="{restore}"' in page and 'name="back" value="changes"' in page
    response = client.post(restore, {"back": "changes"})
    assert response.status_code == 302 and response.url == f"{changes}?tab=changes"
    assert DataModel.objects.filter(revision=cr.working, uid=model.uid).exists()


def test_restore_needs_the_editor_role_and_post(client_for, editor, viewer, outsider, cr):
    endpoint = _endpoint(cr)
    _delete(client_for(editor), cr, "endpoint", endpoint)
    restore = _url(cr, "editor_item_restore", "endpoint", endpoint.uid)
    changes = reverse("specs_app:change_request", args=["acme", cr.spec.slug, cr.number])
    assert "Restore" not in client_for(viewer).get(changes, {"tab": "changes"}).content.decode()
    assert client_for(viewer).post(restore).status_code == 403
    assert client_for(outsider).post(restore).status_code == 404
    assert client_for(editor).get(restore).status_code == 405
    assert (
        client_for(editor).post(_url(cr, "editor_item_restore", "x", endpoint.uid)).status_code
        == 404
    )
    assert not Endpoint.objects.filter(revision=cr.working, uid=endpoint.uid).exists()


def test_a_merged_request_no_longer_offers_restore(client_for, editor, reviewer, cr):
    from tests.review_helpers import approve_and_merge

    endpoint = _endpoint(cr)
    _delete(client_for(editor), cr, "endpoint", endpoint)
    page = client_for(editor).get(_url(cr, "editor_home")).content.decode()
    assert 'data-testid="deleted-items"' in page
    approve_and_merge(cr, author=editor, reviewer=reviewer)
    changes = reverse("specs_app:change_request", args=["acme", cr.spec.slug, cr.number])
    page = client_for(editor).get(changes, {"tab": "changes"}).content.decode()
    assert 'data-testid="deleted-items"' not in page and ">Restore<" not in page
    restore = _url(cr, "editor_item_restore", "endpoint", endpoint.uid)
    assert client_for(editor).post(restore).status_code == 404
    assert not Endpoint.objects.filter(revision=cr.working, uid=endpoint.uid).exists()
