"""What the studio computes once: a published revision's export and lint findings, a draft's
findings as of its last edit, rendered markdown. Each stays right when what it depends on
changes."""

import pytest

from specs_app.models import DataModel, Endpoint, Field
from specs_app.services import cache as cache_module
from specs_app.services import review as review_services
from specs_app.services.export import revision_export, revision_sql
from specs_app.services.lint import (
    lint_draft,
    lint_revision,
    lint_settings_load,
)
from specs_app.services.lint_settings import lint_settings_save
from tests.review_helpers import approve_and_merge, edit_endpoint, open_request, ready_spec

pytestmark = pytest.mark.django_db


def markers(findings) -> list[str]:
    return [f.item.label for f in findings if f.rule == "ambiguity.marker"]


def test_a_published_export_is_computed_once(spec, django_assert_num_queries):
    first = revision_export(spec.head)

    with django_assert_num_queries(0):
        assert revision_export(spec.head) == first


def test_a_published_ddl_is_computed_once_per_dialect_and_a_drafts_never(spec, editor):
    first = revision_sql(spec.head, "postgresql")
    assert revision_sql(spec.head, "sqlite") != first

    cr = open_request(spec, editor)
    table = DataModel.objects.filter(revision=cr.working).first().table
    row = Field.objects.get(revision=cr.working, model__table=table, name="title")
    assert revision_sql(cr.working, "postgresql") == first
    review_services.change_request_update(
        change_request=cr, actor=editor, row=row, expected_version=row.version, name="headline"
    )
    assert "headline" in revision_sql(cr.working, "postgresql")


def test_published_ddl_hits_the_cache(spec, django_assert_num_queries):
    first = revision_sql(spec.head, "postgresql")

    with django_assert_num_queries(0):
        assert revision_sql(spec.head, "postgresql") == first


def test_a_change_of_code_is_a_new_key(monkeypatch):
    computed = []
    cache_module.remembered(("k",), lambda: computed.append(1) or "old")
    monkeypatch.setattr(cache_module, "_CODE", "another deploy")

    assert cache_module.remembered(("k",), lambda: "new") == "new"
    assert len(computed) == 1


def test_a_draft_export_is_never_reused(spec, editor):
    cr = open_request(spec, editor)
    before = revision_export(cr.working)
    name = Endpoint.objects.filter(revision=cr.working).first().name

    edit_endpoint(cr, editor, name, name="Renamed endpoint")

    assert revision_export(cr.working) != before
    assert "## Renamed endpoint" in next(iter(revision_export(cr.working).values()))


def test_draft_findings_follow_each_edit(spec, editor):
    cr = open_request(spec, editor)
    settings = lint_settings_load(spec_id=spec.pk)
    endpoint = Endpoint.objects.filter(revision=cr.working).first()
    assert markers(lint_draft(cr.working, cr.content_version, settings)) == []

    edit_endpoint(cr, editor, endpoint.name, user_ownership="TODO decide")
    cr.refresh_from_db()

    assert markers(lint_draft(cr.working, cr.content_version, settings)) == [
        f"{endpoint.method} {endpoint.path}"
    ]


def test_published_findings_follow_the_lint_settings(spec, owner, editor, reviewer):
    cr = open_request(ready_spec(spec), editor)
    endpoint = Endpoint.objects.filter(revision=cr.working).first()
    edit_endpoint(cr, editor, endpoint.name, user_ownership="TODO decide")
    merged = approve_and_merge(cr, author=editor, reviewer=reviewer)
    assert markers(lint_revision(merged)) == [f"{endpoint.method} {endpoint.path}"]

    lint_settings_save(
        spec=spec,
        actor=owner,
        owner_table="users",
        external_tables=[],
        rules={"ambiguity.marker": "off"},
    )

    assert markers(lint_revision(merged)) == []


def test_the_changes_tab_follows_each_edit_of_the_draft(spec, editor, client_for):
    from django.urls import reverse

    cr = open_request(spec, editor)
    name = Endpoint.objects.filter(revision=cr.working).first().name
    url = reverse("specs_app:change_request", args=["acme", spec.slug, cr.number])
    client = client_for(editor)
    edit_endpoint(cr, editor, name, name="First rename")
    assert "First rename" in client.get(url, {"tab": "changes"}).content.decode()

    edit_endpoint(cr, editor, "First rename", name="Second rename")

    body = client.get(url, {"tab": "changes"}).content.decode()
    assert "Second rename" in body and "First rename" not in body
