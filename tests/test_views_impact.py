"""The DDL page of a published revision and its download: dialects, older revisions, bad input,
access. (The change request's Impact tab and migration download: tests/test_views_impact_tab.py.)"""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from specs_app.models import DataModel, Spec
from specs_app.services.content import content_update
from specs_app.services.export import revision_sql
from specs_app.services.revisions import revision_fork, revision_publish

pytestmark = pytest.mark.django_db

DIALECTS = ["postgresql", "sqlite", "mysql"]


def _url(spec, name="ddl") -> str:
    return reverse(f"specs_app:{name}", args=[spec.workspace.slug, spec.slug])


def _body(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _r2_renaming_a_table(spec) -> DataModel:
    draft = revision_fork(source=spec.head)
    model = DataModel.objects.filter(revision=draft).order_by("position", "id").first()
    content_update(row=model, expected_version=model.version, table="renamed_things")
    revision_publish(revision=draft)
    return model


def test_the_ddl_page_shows_the_head_in_postgresql(client_for, viewer, spec):
    body = _body(client_for(viewer).get(_url(spec)))
    sql = revision_sql(spec.head, "postgresql")
    assert "CREATE TABLE" in sql and escape(sql) in body
    assert re.search(r'aria-current="page"[^>]*data-testid="dialect-postgresql"', body)
    assert 'class="language-sql"' in body  # what the highlighter colours
    download = f"{_url(spec, 'ddl_download')}?revision=1&amp;dialect=postgresql"
    assert f'href="{download}"' in body and "todo-r1.postgresql.sql" in body


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_dialect_switch(client_for, viewer, spec, dialect):
    body = _body(client_for(viewer).get(_url(spec), {"dialect": dialect}))
    assert escape(revision_sql(spec.head, dialect)) in body
    assert re.search(rf'aria-current="page"[^>]*data-testid="dialect-{dialect}"', body)
    for other in set(DIALECTS) - {dialect}:
        assert f"?revision=1&amp;dialect={other}" in body  # the switch links to the others


def test_the_dialects_differ(spec):
    """(So that the switch test above shows a different text for each.)"""
    texts = {revision_sql(spec.head, dialect) for dialect in DIALECTS}
    assert len(texts) == 3


def test_the_switch_in_place_answers_with_the_ddl_only(client_for, viewer, spec):
    client = client_for(viewer)
    body = _body(client.get(_url(spec), {"dialect": "mysql"}, headers={"HX-Request": "true"}))
    assert body.lstrip().startswith('<div id="ddl-body"') and "<html" not in body
    assert escape(revision_sql(spec.head, "mysql")) in body
    # A history restore asks for the whole page.
    restore = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert "<html" in _body(client.get(_url(spec), {"dialect": "mysql"}, headers=restore))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_download(client_for, viewer, spec, dialect):
    response = client_for(viewer).get(
        _url(spec, "ddl_download"), {"revision": 1, "dialect": dialect}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/sql; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="todo-r1.{dialect}.sql"'
    assert response.content.decode("utf-8") == revision_sql(spec.head, dialect)


def test_the_download_defaults_to_the_head_in_postgresql(client_for, viewer, spec):
    _r2_renaming_a_table(spec)
    response = client_for(viewer).get(_url(spec, "ddl_download"))
    assert response["Content-Disposition"] == 'attachment; filename="todo-r2.postgresql.sql"'
    assert "CREATE TABLE renamed_things" in response.content.decode()


def test_an_older_revision(client_for, viewer, spec):
    model = _r2_renaming_a_table(spec)
    client = client_for(viewer)
    head = _body(client.get(_url(spec)))
    older = _body(client.get(_url(spec), {"revision": 1}))
    assert "CREATE TABLE renamed_things" in head and "renamed_things" not in older
    assert f"CREATE TABLE {model.table}" not in head and "You are viewing an older" in older
    response = client.get(_url(spec, "ddl_download"), {"revision": "r1", "dialect": "sqlite"})
    assert response["Content-Disposition"] == 'attachment; filename="todo-r1.sqlite.sql"'
    assert "renamed_things" not in response.content.decode()


@pytest.mark.parametrize("name", ["ddl", "ddl_download"])
@pytest.mark.parametrize("dialect", ["oracle", "PostgreSQL", "<b>x</b>"])
def test_an_unknown_dialect_is_a_400_that_says_which(client_for, viewer, spec, name, dialect):
    response = client_for(viewer).get(_url(spec, name), {"dialect": dialect})
    assert response.status_code == 400
    body = response.content.decode()
    assert f"There is no SQL dialect &quot;{escape(dialect)}&quot;" in body
    assert "choose postgresql, sqlite or mysql" in body and "<b>x</b>" not in body


@pytest.mark.parametrize("name", ["ddl", "ddl_download"])
@pytest.mark.parametrize(
    ("revision", "reason"),
    [
        ("7", "Todo has no published revision r7."),
        ("r7", "Todo has no published revision r7."),
        ("0", "Todo has no published revision r0."),
        ("seven", "&#x27;seven&#x27; is not a revision number."),
    ],
)
def test_an_unknown_revision_is_a_404_that_says_which(
    client_for, viewer, spec, name, revision, reason
):
    response = client_for(viewer).get(_url(spec, name), {"revision": revision})
    assert response.status_code == 404
    assert f"No such revision: {reason}" in response.content.decode()


def test_a_draft_is_not_published(client_for, viewer, editor, spec):
    """A change request's draft has no number: no address reaches it here (its DDL is in the
    request's Impact tab)."""
    from tests.review_helpers import open_request

    cr = open_request(spec, editor)
    assert cr.working.number is None
    response = client_for(viewer).get(_url(spec), {"revision": cr.working.pk})
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["ddl", "ddl_download"])
def test_a_spec_with_no_published_revision(client_for, viewer, workspace, name):
    Spec.objects.create(workspace=workspace, slug="empty", title="Empty")
    url = reverse(f"specs_app:{name}", args=["acme", "empty"])
    response = client_for(viewer).get(url)
    assert response.status_code == 404
    assert "This spec has no published revision yet." in response.content.decode()


def test_a_revision_without_models(client_for, viewer, workspace):
    from tests.factories import published_spec

    spec = published_spec(workspace=workspace, slug="api-only", endpoints=1, models=0)
    body = _body(client_for(viewer).get(_url(spec)))
    assert 'data-testid="ddl-empty"' in body and "Download" not in body


@pytest.mark.parametrize("name", ["ddl", "ddl_download"])
def test_outsider_gets_404(client_for, outsider, spec, name):
    assert client_for(outsider).get(_url(spec, name)).status_code == 404


@pytest.mark.parametrize("name", ["ddl", "ddl_download"])
def test_signed_out_goes_to_log_in(client, spec, name):
    response = client.get(_url(spec, name))
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("name", ["ddl", "ddl_download"])
def test_wrong_method_is_refused(client_for, viewer, spec, name):
    assert client_for(viewer).post(_url(spec, name)).status_code == 405


def test_the_spec_page_and_the_history_link_to_the_ddl(client_for, viewer, spec):
    _r2_renaming_a_table(spec)
    client = client_for(viewer)
    detail = reverse("specs_app:spec_detail", args=["acme", spec.slug])
    assert f'href="{_url(spec)}"' in _body(client.get(detail))
    assert f'href="{_url(spec)}?revision=1"' in _body(client.get(detail, {"revision": 1}))
    history = _body(client.get(reverse("specs_app:history", args=["acme", spec.slug])))
    for number in (1, 2):
        assert f'href="{_url(spec)}?revision={number}"' in history
