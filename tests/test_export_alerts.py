"""A failed or drifted export is never hidden: the merge says what became of its export, and the
spec page and its change requests show a failed or drifted latest export with the way to fix it.
An export whose worker stopped is marked failed by whoever looks."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from specs_app.models import Export, GitTarget
from specs_app.services import git as git_services
from specs_app.services import review as services
from tests import git_helpers
from tests.git_helpers import commit_count, head_sha, push_file
from tests.process_helpers import DATABASE_TASKS
from tests.review_helpers import edit_endpoint, ready_spec
from tests.test_git_export import _first_endpoint

pytestmark = pytest.mark.django_db
remote, target = git_helpers.remote, git_helpers.target  # fixtures
API = "specs/api/rest-endpoints.md"


def _url(name: str, *args) -> str:
    return reverse(f"specs_app:{name}", args=["acme", "todo", *args])


def _approved(spec, editor, reviewer, title="Rename"):
    ready_spec(spec)
    cr = services.change_request_open(spec=spec, author=editor, title=title)
    edit_endpoint(cr, editor, _first_endpoint(spec), name=f"{title} endpoint")
    services.change_request_submit(change_request=cr, actor=editor)
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    return cr


def _merge_page(client, cr) -> str:
    """Merge through the page, as a person does (committing: the export runs after the merge's
    transaction, before the response); the page the merge lands on."""
    response = client.post(_url("change_request_merge", cr.number), follow=True)
    assert response.status_code == 200
    return response.content.decode()


def _get(client, url: str) -> str:
    return client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_merge_says_which_commit_it_made(client_for, spec, editor, reviewer, target, remote):
    cr = _approved(spec, editor, reviewer)
    page = _merge_page(client_for(editor), cr)
    assert f"Merged as r2; exported and committed {head_sha(remote)[:10]}." in page
    assert 'data-testid="export-failed"' not in page


@pytest.mark.django_db(transaction=True)
def test_merge_says_the_export_is_queued(client_for, spec, editor, reviewer, target, remote):
    cr = _approved(spec, editor, reviewer)
    with override_settings(TASKS=DATABASE_TASKS):
        page = _merge_page(client_for(editor), cr)
    assert "Merged as r2; the export to git is queued" in page
    assert commit_count(remote) == 1


@pytest.mark.django_db(transaction=True)
def test_failed_export_is_said_on_merge_and_shown_until_retried(
    client_for,
    spec,
    editor,
    reviewer,
    viewer,
    target,
    remote,
    tmp_path,
):
    GitTarget.objects.filter(pk=target.pk).update(repository=str(tmp_path / "gone.git"))
    other = services.change_request_open(spec=spec, author=editor, title="Still open")
    cr = _approved(spec, editor, reviewer)
    editor_client = client_for(editor)

    page = _merge_page(editor_client, cr)
    failed = Export.objects.get()
    assert failed.status == "failed" and "Reading the remote" in failed.error
    assert escape(f"Merged as r2; the export to git failed: {failed.error}") in page
    retry, exports = _url("export_retry", failed.pk), _url("exports")
    for url in (_url("spec_detail"), _url("change_request", other.number), _url("exports")):
        shown = _get(editor_client, url)
        assert 'data-testid="export-failed"' in shown and "The export of r2 to git failed" in shown
        assert f'action="{retry}"' in shown and escape(failed.error) in shown
    assert f'href="{exports}"' in _get(editor_client, _url("change_request", other.number))
    assert 'data-testid="export-failed"' in page, "the merged request's own page shows it"
    viewer_client = Client()
    viewer_client.force_login(viewer)
    for_viewer = _get(viewer_client, _url("spec_detail"))
    assert 'data-testid="export-failed"' in for_viewer and retry not in for_viewer

    GitTarget.objects.filter(pk=target.pk).update(repository=str(remote))
    retried = editor_client.post(retry, follow=True).content.decode()
    assert "Exported and committed" in retried and commit_count(remote) == 2
    for url in (_url("spec_detail"), _url("change_request", other.number), _url("exports")):
        assert 'data-testid="export-failed"' not in _get(editor_client, url)


def test_drift_is_shown_on_open_change_requests_with_the_import(
    client_for, spec, owner, editor, target, remote
):
    push_file(remote, API, "Edited in git.\n")
    assert git_services.export_now(spec=spec, actor=owner).status == "drift"
    cr = services.change_request_open(spec=spec, author=editor, title="Open")
    page = _get(client_for(editor), _url("change_request", cr.number))
    assert 'data-testid="drift"' in page and API in page
    assert f'action="{_url("export_import")}"' in page and f'href="{_url("exports")}"' in page

    services.change_request_close(change_request=cr, actor=editor)
    closed = _get(client_for(editor), _url("change_request", cr.number))
    assert 'data-testid="drift"' not in closed, "a closed request is not the place to fix it"


def _running(spec, target, *, lease_until) -> Export:
    export = Export.objects.create(
        spec=spec, revision=spec.head, trigger="manual", status="running"
    )
    GitTarget.objects.filter(pk=target.pk).update(
        lease_owner=f"export-{export.pk}", lease_until=lease_until
    )
    return export


def test_an_export_whose_worker_stopped_fails_when_someone_looks(
    client_for, spec, editor, target, remote
):
    stopped = _running(spec, target, lease_until=timezone.now() - timedelta(seconds=1))
    page = _get(client_for(editor), _url("spec_detail"))
    stopped.refresh_from_db()
    assert stopped.status == "failed" and stopped.error == git_services.STOPPED
    assert 'data-testid="export-failed"' in page and "The worker stopped" in page

    retried = git_services.export_retry(export=stopped, actor=editor)
    assert retried.status == "succeeded" and commit_count(remote) == 2


def test_a_running_export_that_renews_its_lease_is_left_alone(client_for, spec, editor, target):
    running = _running(spec, target, lease_until=timezone.now() + timedelta(seconds=30))
    _get(client_for(editor), _url("exports"))
    assert git_services.exports_sweep(spec_id=spec.pk) == 0
    running.refresh_from_db()
    assert running.status == "running"
    with pytest.raises(git_services.ServiceError, match="Only a failed export"):
        git_services.export_retry(export=running, actor=editor)


def test_the_next_export_takes_a_lapsed_lease_and_fails_the_stopped_one(
    spec, owner, target, remote
):
    stopped = _running(spec, target, lease_until=timezone.now() - timedelta(seconds=1))
    assert git_services.export_now(spec=spec, actor=owner).status == "succeeded"
    stopped.refresh_from_db()
    assert stopped.status == "failed" and stopped.error == git_services.STOPPED


def test_an_export_runs_once_even_if_its_task_is_delivered_twice(spec, owner, target, remote):
    export = git_services.export_now(spec=spec, actor=owner)
    assert export.status == "succeeded"
    assert git_services.export_run(export=export).status == "succeeded"
    export.refresh_from_db()
    assert export.status == "succeeded" and commit_count(remote) == 2
