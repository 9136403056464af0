"""The pages that show a whole spec, an item of it or a diff cost the same number of SQL queries
for a small spec and a big one (specs built by the big-spec generator, published as r1)."""

import re

import pytest
from django.urls import reverse

from specs_app.models import BusinessRule, DataModel, Endpoint
from specs_app.perf.bigspec import BigSpecSize, make_big_spec
from specs_app.services import review as services
from specs_app.services.viewed import item_mark_viewed
from tests.review_helpers import approve_and_merge, edit_endpoint, open_request, ready_spec

pytestmark = pytest.mark.django_db

SIZES = {
    "small": BigSpecSize(endpoints=10, models=3, seed=1),
    "big": BigSpecSize(endpoints=200, models=60, seed=1),
}
size_param = pytest.mark.parametrize("size", SIZES)


def _spec(workspace, owner, size: str):
    spec = make_big_spec(workspace=workspace, slug=f"big-{size}", size=SIZES[size], author=owner)
    return ready_spec(spec)


def _items(revision):
    endpoints = Endpoint.objects.filter(revision=revision).order_by("position", "id")
    models = DataModel.objects.filter(revision=revision).order_by("position", "id")
    return list(endpoints), list(models)


def _update(cr, editor, row, **values):
    services.change_request_update(
        change_request=cr, actor=editor, row=row, expected_version=row.version, **values
    )


def _changed_request(spec, editor):
    """A change request that renames 3 endpoints, rewords the ownership of 2 models and a
    business rule of a 4th endpoint (a change to a child only: its endpoint gets named from the
    draft)."""
    cr = open_request(spec, editor, "Reword things")
    endpoints, models = _items(cr.working)
    for endpoint in endpoints[:3]:
        edit_endpoint(cr, editor, endpoint.name, name=f"{endpoint.name} v2")
    for model in models[:2]:
        _update(cr, editor, model, ownership=f"Changed ownership of {model.name}")
    rule = BusinessRule.objects.filter(endpoint=endpoints[3]).first()
    _update(cr, editor, rule, text="Reworded rule")
    return cr


def _get(client, django_assert_num_queries, expected, url, params=None) -> str:
    with django_assert_num_queries(expected):
        response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


def _cr_url(cr, name, *extra) -> str:
    return reverse(f"specs_app:{name}", args=["acme", cr.spec.slug, cr.number, *extra])


# Every page starts with these 4: session, user, membership (with workspace), spec (with head);
# its navbar adds 1, the unread notification count (in the totals, not in each list below).


def _lint_badges(body: str) -> list[str]:
    return re.findall(r'data-testid="lint-(?:errors|warnings)">([^<]*)<', body)


@size_param
def test_spec_page(client_for, viewer, workspace, owner, django_assert_num_queries, size):
    spec = _spec(workspace, owner, size)
    endpoints, models = _items(spec.head)
    url = reverse("specs_app:spec_detail", args=["acme", spec.slug])
    # 4 + latest export, endpoints, models, lint configuration, lint content (12 tables), open
    # change requests, published revisions
    body = _get(client_for(viewer), django_assert_num_queries, 23, url)
    assert "Revision r1" in body and endpoints[-1].path in body and models[-1].table in body
    # The lint findings of a published revision are computed once: 12 queries fewer after that.
    again = _get(client_for(viewer), django_assert_num_queries, 11, url)
    assert _lint_badges(again) == _lint_badges(body) and endpoints[-1].path in again


@size_param
def test_endpoint_editor(client_for, editor, workspace, owner, django_assert_num_queries, size):
    cr = open_request(_spec(workspace, owner, size), editor)
    endpoint = _items(cr.working)[0][-1]
    url = _cr_url(cr, "editor_item", "endpoint", endpoint.uid)
    # 4 + change request, the endpoint, its 5 child tables for the row forms, the same 5 again
    # for the markdown preview, the draft's model names (the form's model link), lint
    # configuration, lint content of the draft (12 tables) and the base's fields of the mapped
    # models (db.dropped-column-in-response: some response fields have no column)
    body = _get(client_for(editor), django_assert_num_queries, 32, url)
    assert f"## {endpoint.name}" in body and endpoint.path in body and "Markdown preview" in body


@size_param
def test_model_editor(client_for, editor, workspace, owner, django_assert_num_queries, size):
    cr = open_request(_spec(workspace, owner, size), editor)
    model = _items(cr.working)[1][-1]
    url = _cr_url(cr, "editor_item", "model", model.uid)
    # 4 + change request, the model, its 5 child tables for the row forms, the same 5 again for
    # the markdown preview, lint configuration, lint content of the draft (12 tables) and the
    # base's fields of the mapped models (db.dropped-column-in-response)
    body = _get(client_for(editor), django_assert_num_queries, 31, url)
    assert f"## {model.name}" in body and f"**Table**: {model.table}" in body


@size_param
def test_editor_home(client_for, editor, workspace, owner, django_assert_num_queries, size):
    cr = open_request(_spec(workspace, owner, size), editor)
    endpoints, models = _items(cr.working)
    # 4 + change request, endpoints, models, the endpoints and models deleted in the request
    body = _get(client_for(editor), django_assert_num_queries, 10, _cr_url(cr, "editor_home"))
    assert endpoints[-1].name in body and models[-1].name in body


@size_param
def test_changes_tab(client_for, editor, workspace, owner, django_assert_num_queries, size):
    cr = _changed_request(_spec(workspace, owner, size), editor)
    endpoints, models = _items(cr.working)
    url = _cr_url(cr, "change_request")
    # 4 + the viewer's notifications about the request marked read (one UPDATE), change request,
    # reviews and unresolved comments (merge status), reviews again and review requests (the
    # reviewers), the members who may be asked to review, snapshots of base and draft (12 tables
    # each: they also give the cards their names, unchanged context and digests), markdown
    # exports of base and draft (spec + 12 tables each), the endpoints and models deleted in the
    # request (to restore), the viewer's Viewed ticks, the request's comments (threads), the
    # spec's latest export (shown when it failed or drifted), the navbar's unread count; then
    # the schema records of base and draft (models + 5 child tables each: 12) and the spec's
    # risk settings, read twice: once for the cache key the Impact tab shares (one computation
    # serves both tabs), once by the migration's risk analysis whose drops mark models
    # destructive. A separate load: the snapshots above hold every content table as raw values,
    # the migration engine reads the schema's records; both are cached per edit, so the second
    # visit below costs none.
    body = _get(client_for(editor), django_assert_num_queries, 81, url, {"tab": "changes"})
    assert endpoints[2].name.endswith(" v2") and endpoints[2].name in body
    assert f"Changed ownership of {models[1].name}" in body
    assert endpoints[3].name in body and "Reworded rule" in body
    assert "0 of 6 viewed" in body
    # Every item ticked: the ticks are one query whatever their number; the diff is cached (12
    # queries fewer than above), and so are the destructive marks (13 fewer).
    for uid in re.findall(r'name="item" value="([^"]+)"', body):
        item_mark_viewed(change_request=cr, user=editor, item_uid=uid, viewed=True)
    again = _get(client_for(editor), django_assert_num_queries, 17, url, {"tab": "changes"})
    assert "6 of 6 viewed" in again


@size_param
def test_viewed_toggle(client_for, editor, workspace, owner, django_assert_num_queries, size):
    cr = _changed_request(_spec(workspace, owner, size), editor)
    client = client_for(editor)
    body = client.get(_cr_url(cr, "change_request"), {"tab": "changes"}).content.decode()
    uid = re.findall(r'name="item" value="([^"]+)"', body)[1]
    url = _cr_url(cr, "change_request_item_viewed")
    # 4 + change request, membership (the service's role check), the cached diff (no query),
    # the tick: update_or_create's SELECT and INSERT, in its savepoints (4: SAVEPOINT, RELEASE
    # twice, here inside the test's transaction)
    with django_assert_num_queries(12):
        response = client.post(url, {"item": uid, "viewed": "1"})
    assert response.status_code == 302 and response.url.endswith(f"#item-{uid}")
    # With htmx, the card again: 4 + change request, membership, the untick (one DELETE), then
    # the tab's context: the endpoints and models deleted in the request, the viewer's ticks,
    # the request's comments (the card's threads)
    with django_assert_num_queries(11):
        response = client.post(url, {"item": uid, "viewed": "0"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and f'id="item-{uid}"' in response.content.decode()


@size_param
def test_compare(
    client_for, viewer, editor, reviewer, workspace, owner, django_assert_num_queries, size
):
    spec = _spec(workspace, owner, size)
    approve_and_merge(_changed_request(spec, editor), author=editor, reviewer=reviewer)
    endpoints, _ = _items(spec.revisions.get(number=2))
    url = reverse("specs_app:compare", args=["acme", spec.slug])
    # 4 (the head is r2) + r1, snapshots of r1 and r2 (12 tables each, which also name the items
    # whose only change is a child), markdown exports of r1 and r2 (spec + 12 each), the navbar's
    # unread count
    body = _get(client_for(viewer), django_assert_num_queries, 56, url, {"from": 1, "to": 2})
    assert endpoints[2].name.endswith(" v2") and endpoints[2].name in body
    assert endpoints[3].name in body and "Reworded rule" in body


@size_param
def test_markdown_page(client_for, viewer, workspace, owner, django_assert_num_queries, size):
    spec = _spec(workspace, owner, size)
    endpoints, models = _items(spec.head)
    url = reverse("specs_app:markdown", args=["acme", spec.slug])
    # 4 + the export (spec again, 12 tables), published revisions
    body = _get(client_for(viewer), django_assert_num_queries, 19, url)
    assert f"## {endpoints[-1].name}" in body and f"**Table**: {models[-1].table}" in body
