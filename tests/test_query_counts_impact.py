"""Query counts of the DDL page and download (and the Impact tab, when the migration engine is
there): the same for a small spec and a big one."""

import pytest
from django.urls import reverse

from specs_app.models import Field
from specs_app.services import review as services
from tests.test_query_counts import _changed_request, _get, _items, _spec, size_param

pytestmark = pytest.mark.django_db


@size_param
def test_the_ddl_page(client_for, viewer, workspace, owner, django_assert_num_queries, size):
    spec = _spec(workspace, owner, size)
    models = _items(spec.head)[1]
    url = reverse("specs_app:ddl", args=["acme", spec.slug])
    # 4 (session, user, membership, spec with its head) + the schema's records (models and
    # their 5 child tables), the published revisions (the revision switch), the navbar's
    # unread count
    body = _get(client_for(viewer), django_assert_num_queries, 12, url, {"dialect": "sqlite"})
    assert f"CREATE TABLE {models[-1].table}" in body


@size_param
def test_the_ddl_download(client_for, viewer, workspace, owner, django_assert_num_queries, size):
    spec = _spec(workspace, owner, size)
    models = _items(spec.head)[1]
    url = reverse("specs_app:ddl_download", args=["acme", spec.slug])
    # 4 + the schema's records (models and their 5 child tables)
    body = _get(client_for(viewer), django_assert_num_queries, 10, url, {"dialect": "mysql"})
    assert f"CREATE TABLE {models[-1].table}" in body


def _reshaped_request(spec, editor):
    """The shared changed request (endpoints renamed, models' ownership reworded), with a column
    renamed and another dropped in two models: a migration with statements (and risks)."""
    cr = _changed_request(spec, editor)
    models = _items(cr.working)[1]
    renamed = Field.objects.get(model=models[0], name="field_5")
    services.change_request_update(
        change_request=cr,
        actor=editor,
        row=renamed,
        expected_version=renamed.version,
        name="owner_id",
    )
    dropped = Field.objects.filter(model=models[1]).order_by("position", "id").last()
    services.change_request_delete(
        change_request=cr, actor=editor, row=dropped, expected_version=dropped.version
    )
    cr.refresh_from_db()
    return cr


@size_param
def test_the_impact_tab(
    client_for, reviewer, editor, workspace, owner, django_assert_num_queries, size
):
    cr = _reshaped_request(_spec(workspace, owner, size), editor)
    # An endpoint deleted too: an API change, whose endpoint's method and sides are read.
    gone = _items(cr.working)[0][-1]
    services.change_request_delete(
        change_request=cr, actor=editor, row=gone, expected_version=gone.version
    )
    cr.refresh_from_db()
    url = reverse("specs_app:change_request", args=["acme", cr.spec.slug, cr.number])
    # 4 + change request, the viewer's notifications about the request marked read (one
    # UPDATE), reviews and unresolved comments (merge status), reviews again and review requests
    # (the reviewers), the members (the sidebar), then the spec's risk settings (the cache
    # key's), the schema records of base and draft (models + 5 child tables each: 12) for the
    # migration and the result's DDL, the risk settings again (the service's), the API records
    # of base and draft (endpoints + 5 child tables each: 12) for the API changes, the lint
    # settings (the lint delta's key), the lint content of base and draft (12 tables each: 24;
    # the base's findings are kept per revision and the draft's per edit, shared with the
    # Checks tab), the base's fields (the cross-check db.dropped-column-in-response, since a
    # response field of the draft has no column), the methods of the changed endpoints, the
    # navbar's unread count, the spec's latest export
    body = _get(client_for(reviewer), django_assert_num_queries, 66, url, {"tab": "impact"})
    assert "RENAME COLUMN" in body and "DROP COLUMN" in body
    assert 'data-testid="api-change" data-level="breaking"' in body
    # The impact is kept per edit: the second view reads only the settings of its keys (risk
    # and lint).
    again = _get(client_for(reviewer), django_assert_num_queries, 15, url, {"tab": "impact"})
    assert again.count('data-testid="risk"') == body.count('data-testid="risk"') > 0
    assert again.count('data-testid="api-change"') == body.count('data-testid="api-change"')


@size_param
def test_the_migration_download(
    client_for, reviewer, editor, workspace, owner, django_assert_num_queries, size
):
    cr = _reshaped_request(_spec(workspace, owner, size), editor)
    url = reverse("specs_app:change_request_sql", args=["acme", cr.spec.slug, cr.number])
    # 4 + change request, the spec's risk settings (the cache key's), the schema records of base
    # and draft (models + 5 child tables each), the risk settings again (the service's); no
    # endpoint: the API changes are a computation of their own
    body = _get(client_for(reviewer), django_assert_num_queries, 19, url)
    assert "RENAME COLUMN" in body and "DROP COLUMN" in body
    assert _get(client_for(reviewer), django_assert_num_queries, 6, url) == body  # kept
