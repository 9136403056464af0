"""With the database task backend, a merge queues the export and `db_worker` runs it."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from specs_app.models import Export
from tests import git_helpers
from tests.git_helpers import commit_count, head_sha
from tests.test_git_export import merge_change

pytestmark = pytest.mark.django_db(transaction=True)

remote, target = git_helpers.remote, git_helpers.target  # fixtures

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_merge_queues_the_export_and_the_worker_runs_it(
    spec, editor, reviewer, target, remote, django_capture_on_commit_callbacks
):
    before = commit_count(remote)
    with override_settings(TASKS=DATABASE_TASKS):
        merge_change(spec, editor, reviewer, django_capture_on_commit_callbacks)
        export = Export.objects.get(spec=spec)
        assert export.status == "queued" and commit_count(remote) == before

        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    export.refresh_from_db()
    assert export.status == "succeeded"
    assert commit_count(remote) == before + 1 and head_sha(remote) == export.commit_sha
