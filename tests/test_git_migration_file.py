"""An optional per-spec setting commits each merged change request's migration beside the
schema file, in the merge's commit, on a real git repository."""

import pytest

from specs_app.models import DataModel, Endpoint, Export, Field, GitTarget
from specs_app.services import git as git_services
from specs_app.services import review as services
from tests import git_helpers
from tests.git_helpers import changed_files, remote_file
from tests.review_helpers import approve_and_merge, edit_endpoint, ready_spec

pytestmark = pytest.mark.django_db
remote, target = git_helpers.remote, git_helpers.target  # fixtures

SCHEMA = "specs/database/schema.md"
API = "specs/api/rest-endpoints.md"


def merge(spec, editor, reviewer, capture, edit, title="Rename title"):
    ready_spec(spec)
    spec.refresh_from_db()
    cr = services.change_request_open(spec=spec, author=editor, title=title)
    edit(cr, editor)
    with capture(execute=True):
        approve_and_merge(cr, author=editor, reviewer=reviewer)
    return cr


def rename_column(cr, editor):
    model = DataModel.objects.filter(revision=cr.working).order_by("position").first()
    row = Field.objects.get(revision=cr.working, model=model, name="title")
    services.change_request_update(
        change_request=cr, actor=editor, row=row, expected_version=row.version, name="headline"
    )
    return model.table


def test_a_merge_commits_its_migration_with_the_two_files(
    spec, editor, reviewer, target, remote, django_capture_on_commit_callbacks
):
    GitTarget.objects.filter(pk=target.pk).update(write_migrations=True)
    table = DataModel.objects.filter(revision=spec.head).order_by("position").first().table

    cr = merge(spec, editor, reviewer, django_capture_on_commit_callbacks, rename_column)

    path = f"specs/database/migrations/{cr.number:04d}_rename-title.sql"
    export = Export.objects.get(spec=spec)
    assert (export.status, export.error) == ("succeeded", ""), export.error
    assert sorted(changed_files(remote)) == sorted([API, SCHEMA, path])
    sql = remote_file(remote, path).decode()
    assert f"ALTER TABLE {table} RENAME COLUMN title TO headline;" in sql
    assert sql.startswith(f"-- Todo: change request #{cr.number} Rename title\n-- From r1 to r2")
    # The migration file is not one of the spec's files: a later export sees no drift.
    target.refresh_from_db()
    assert sorted(target.exported_blobs) == sorted([API, SCHEMA])
    assert git_services.export_now(spec=spec, actor=editor).status == "no_change"


def test_no_migration_file_when_the_setting_is_off_or_the_database_is_untouched(
    spec, editor, reviewer, target, remote, django_capture_on_commit_callbacks
):
    merge(spec, editor, reviewer, django_capture_on_commit_callbacks, rename_column)
    assert "migrations" not in " ".join(changed_files(remote))

    GitTarget.objects.filter(pk=target.pk).update(write_migrations=True)

    def rename_endpoint(cr, editor):
        first = Endpoint.objects.filter(revision=cr.working).order_by("position").first()
        edit_endpoint(cr, editor, first.name, name="Renamed")

    merge(spec, editor, reviewer, django_capture_on_commit_callbacks, rename_endpoint, "Only API")
    assert changed_files(remote) == [API]
