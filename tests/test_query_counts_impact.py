"""Query counts of the DDL page and download (and the Impact tab, when the migration engine is
there): the same for a small spec and a big one."""

import pytest
from django.urls import reverse

from tests.test_query_counts import _get, _items, _spec, size_param

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
