"""Exports never get stuck: real worker processes killed mid-export, remotes that hang.

The worker runs with a 2 s lease (STUDIO_EXPORT_LEASE); the studio's default is 60 s.
"""

import http.client
import time
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from specs_app.models import Export, GitTarget
from specs_app.services import git as git_services
from specs_app.services import review as services
from tests import git_helpers
from tests.factories import published_spec
from tests.git_helpers import commit_count, make_remote
from tests.process_helpers import (
    DATABASE_TASKS,
    SharedDatabase,
    alive,
    hang_pushes,
    kill_session,
)
from tests.review_helpers import edit_endpoint, ready_spec
from tests.test_export_alerts import _approved
from tests.test_git_export import _first_endpoint

pytestmark = pytest.mark.django_db(transaction=True)
remote, target = git_helpers.remote, git_helpers.target  # fixtures
LEASE = "2"


def _queue_export(spec, user) -> Export:
    with override_settings(TASKS=DATABASE_TASKS):
        export = git_services.export_now(spec=spec, actor=user)
    assert export.status == "queued"
    return export


def _status(export: Export) -> str:
    return Export.objects.values_list("status", flat=True).get(pk=export.pk)


def test_a_dead_workers_export_fails_when_its_lease_lapses_and_can_be_retried(
    client_for, spec, owner, editor, target, remote, tmp_path
):
    release, _ = hang_pushes(remote)
    export = _queue_export(spec, owner)
    db = SharedDatabase(tmp_path)
    db.push()
    worker = db.worker(STUDIO_EXPORT_LEASE=LEASE)
    try:
        db.wait_until("the worker runs the export", lambda: _status(export) == "running")
        first = GitTarget.objects.get(pk=target.pk).lease_until

        def renewed():
            now, until = timezone.now(), GitTarget.objects.get(pk=target.pk).lease_until
            return now > first and until > now

        # Alive past its first lease: the worker renews it, so nobody takes the export for dead.
        db.wait_until("the worker renews its lease", renewed)
        assert git_services.exports_sweep(spec_id=spec.pk) == 0
        kill_session(worker)
    finally:
        kill_session(worker)
        release.touch()
    db.pull()
    assert _status(export) == "running"
    lapses = GitTarget.objects.get(pk=target.pk).lease_until
    time.sleep(max(0.0, (lapses - timezone.now()).total_seconds()) + 0.1)

    client = client_for(editor)
    page = client.get(reverse("specs_app:exports", args=["acme", "todo"])).content.decode()
    export.refresh_from_db()
    assert export.status == "failed" and export.error == git_services.STOPPED
    assert "The worker stopped before the export finished" in page
    retry = reverse("specs_app:export_retry", args=["acme", "todo", export.pk])
    assert retry in page

    (remote / "hooks" / "pre-receive").unlink()
    response = client.post(retry, follow=True)
    assert "Exported and committed" in response.content.decode()
    assert Export.objects.first().status == "succeeded" and commit_count(remote) == 2


def test_a_blocked_export_steps_aside_for_other_specs_and_runs_later(
    spec, owner, workspace, target, remote, tmp_path
):
    other = published_spec(workspace=workspace, slug="notes", title="Notes")
    other_remote = make_remote(tmp_path / "other.git")
    GitTarget.objects.create(spec=other, repository=str(other_remote), branch="main")
    # Another export of `spec`, alive somewhere, holds its lease.
    busy_until = timezone.now() + timedelta(hours=1)
    GitTarget.objects.filter(pk=target.pk).update(lease_owner="elsewhere", lease_until=busy_until)
    blocked, free = _queue_export(spec, owner), _queue_export(other, owner)
    db = SharedDatabase(tmp_path)
    _run_worker_batch(db)
    assert _status(free) == "succeeded" and commit_count(other_remote) == 2
    assert _status(blocked) == "queued" and commit_count(remote) == 1

    # The other export is done: the deferred task exports the blocked spec.
    GitTarget.objects.filter(pk=target.pk).update(lease_owner="", lease_until=None)
    assert DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now()) == 1
    _run_worker_batch(db)
    assert _status(blocked) == "succeeded" and commit_count(remote) == 2


def test_a_merge_does_not_wait_on_a_remote_that_hangs(
    client_for, spec, editor, reviewer, target, remote, settings
):
    settings.GIT_MERGE_TIMEOUT = 3  # enough for the fetch on a busy machine; the push hangs
    release, pidfile = hang_pushes(remote, seconds=10)
    ready_spec(spec)
    cr = services.change_request_open(spec=spec, author=editor, title="Rename")
    edit_endpoint(cr, editor, _first_endpoint(spec), name="Renamed")
    services.change_request_submit(change_request=cr, actor=editor)
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    merge = reverse("specs_app:change_request_merge", args=["acme", "todo", cr.number])
    try:
        response = client_for(editor).post(merge, follow=True)
        hook = int(pidfile.read_text())
    finally:
        release.touch()

    export = Export.objects.get(spec=spec)
    assert export.status == "failed"
    assert export.error.startswith("Pushing: git was stopped after 3s: a merge does not wait")
    body = response.content.decode()
    assert f"Merged as r2; the export to git failed: {export.error}" in body
    assert 'data-testid="export-failed"' in body
    assert not alive(hook), "the remote's hook was stopped with git"
    assert commit_count(remote) == 1


def test_gunicorn_answers_a_merge_while_the_remote_hangs(
    client, spec, editor, reviewer, target, remote, tmp_path
):
    """With the default limits (5 s for the export inside a merge request), gunicorn's default
    30 s worker timeout never kills the merge request."""
    release, _ = hang_pushes(remote)  # a minute: longer than gunicorn waits
    cr = _approved(spec, editor, reviewer)
    client.force_login(editor)
    db = SharedDatabase(tmp_path)
    db.push()
    server, port = db.web_server()
    try:
        merge = reverse("specs_app:change_request_merge", args=["acme", "todo", cr.number])
        status = _post(port, merge, session=client.cookies["sessionid"].value)
    finally:
        kill_session(server)
        release.touch()
    assert status == 302 and "WORKER TIMEOUT" not in db.log.read_text()
    db.pull()
    cr.refresh_from_db()
    export = Export.objects.get(spec=spec)
    assert cr.state == "merged" and export.status == "failed"
    assert "git was stopped after 5s: a merge does not wait longer for git." in export.error


def _post(port: int, path: str, *, session: str) -> int:
    """POST a form as the logged-in person (session cookie, CSRF token); the status."""
    token = "t" * 32
    cookies = f"sessionid={session}; csrftoken={token}"
    headers = {"Cookie": cookies, "X-CSRFToken": token, "Content-Length": "0"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", path, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def test_export_now_in_the_browser_stops_a_hanging_push_and_what_it_started(
    client_for, spec, editor, target, remote, settings
):
    settings.GIT_TIMEOUT = 3
    release, pidfile = hang_pushes(remote, seconds=10)
    try:
        page = client_for(editor).post(reverse("specs_app:export_now", args=["acme", "todo"]))
        hook = int(pidfile.read_text())
    finally:
        release.touch()
    assert page.status_code == 302
    export = Export.objects.get(spec=spec)
    assert export.status == "failed"
    assert export.error.startswith("Pushing: git was stopped after 3s")
    assert not alive(hook), "the remote's hook was stopped with git"


def test_git_gives_up_before_the_web_server_does(settings):
    """gunicorn stops a worker after its timeout (30 s by default): a git command stops well
    before, and the export inside a merge request within a few seconds."""
    from gunicorn.config import Timeout

    web_server = Timeout.default
    assert web_server > settings.GIT_TIMEOUT
    assert web_server / 5 >= settings.GIT_MERGE_TIMEOUT


def _run_worker_batch(db: SharedDatabase) -> None:
    """One db_worker run over what is due, on the test database's copy."""
    db.push()
    worker = db.worker("--batch", STUDIO_EXPORT_LEASE=LEASE)
    try:
        worker.wait(timeout=30)
    finally:
        kill_session(worker)
    db.pull()
