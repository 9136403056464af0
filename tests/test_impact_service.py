"""The migration a change request implies, computed from its base and its draft."""

import pytest

from specs_app.interchange.sql import changes as kinds
from specs_app.models import DataModel, Field
from specs_app.services import review as services
from specs_app.services.impact import change_request_impact, revision_migration
from tests.review_helpers import open_request

pytestmark = pytest.mark.django_db


def field_in(cr, model_table: str, name: str) -> Field:
    return Field.objects.get(revision=cr.working, model__table=model_table, name=name)


def update(cr, actor, row, **values):
    return services.change_request_update(
        change_request=cr, actor=actor, row=row, expected_version=row.version, **values
    )


def test_a_rename_in_the_editor_is_a_rename_column(spec, owner):
    cr = open_request(spec, owner)
    table = DataModel.objects.filter(revision=cr.working).first().table
    update(cr, owner, field_in(cr, table, "title"), name="headline")

    impact = change_request_impact(cr)

    renames = [c for c in impact.migration.changes if c.kind == kinds.RENAME_COLUMN]
    assert [(c.table, c.old, c.column) for c in renames] == [(table, "title", "headline")]
    assert "DROP COLUMN" not in impact.migration.sql
    assert f"CREATE TABLE {table} (" in impact.result_ddl and "headline text" in impact.result_ddl
    assert impact.destructive_model_uids == set()


def test_a_dropped_column_marks_its_model_destructive(spec, owner):
    cr = open_request(spec, owner)
    model = DataModel.objects.filter(revision=cr.working).first()
    row = field_in(cr, model.table, "title")
    services.change_request_delete(change_request=cr, actor=owner, row=row)

    impact = change_request_impact(cr)

    assert f"ALTER TABLE {model.table} DROP COLUMN title;" in impact.migration.sql
    assert impact.destructive_model_uids == {str(model.uid)}


def test_an_untouched_request_needs_no_migration_and_the_first_revision_creates_all(spec, owner):
    cr = open_request(spec, owner)

    assert change_request_impact(cr).migration.changes == []
    creates = revision_migration(None, spec.head).changes
    assert [c.kind for c in creates].count(kinds.CREATE_TABLE) == 2
