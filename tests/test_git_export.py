"""Exports to a real git repository: a bare "remote" in tmp_path and the studio's own clone."""

import threading

import pytest
from django.db import connection

from specs_app.models import Endpoint, Export, GitTarget, Spec
from specs_app.services import git as git_services
from specs_app.services import review as services
from specs_app.services.changelog import revision_changelog
from specs_app.services.errors import ServiceError
from specs_app.services.export import revision_export
from tests import git_helpers
from tests.git_helpers import changed_files, commit_count, git, head_sha, push_file, remote_file
from tests.review_helpers import approve_and_merge, edit_endpoint, ready_spec

pytestmark = pytest.mark.django_db
remote, target = git_helpers.remote, git_helpers.target  # fixtures
API = "specs/api/rest-endpoints.md"
SCHEMA = "specs/database/schema.md"


def _first_endpoint(spec: Spec) -> str:
    return Endpoint.objects.filter(revision=spec.head).order_by("position").first().name


def merge_change(spec, editor, reviewer, capture, *, name="Renamed", description=""):
    ready_spec(spec)
    spec.refresh_from_db()
    cr = services.change_request_open(
        spec=spec, author=editor, title=f"Rename to {name}", description=description
    )
    edit_endpoint(cr, editor, _first_endpoint(spec), name=name)
    with capture(execute=True):
        merged = approve_and_merge(cr, author=editor, reviewer=reviewer)
    cr.refresh_from_db()
    return cr, merged


def _export_now(spec, user) -> Export:
    return git_services.export_now(spec=spec, actor=user)


def test_merge_commits_exactly_the_two_files(
    spec, editor, reviewer, target, remote, django_capture_on_commit_callbacks
):
    before = head_sha(remote)
    cr, merged = merge_change(
        spec, editor, reviewer, django_capture_on_commit_callbacks, description="Why: clarity."
    )

    export = Export.objects.get(spec=spec)
    assert (export.status, export.trigger, export.change_request) == ("succeeded", "merge", cr)
    assert export.revision == merged and export.requested_by == editor
    assert commit_count(remote) == 2 and head_sha(remote) == export.commit_sha
    assert git("rev-parse", "main^", cwd=remote).strip() == before
    assert sorted(changed_files(remote)) == sorted([API, SCHEMA])
    for path, text in revision_export(merged).items():
        assert remote_file(remote, path) == text.encode("utf-8")
    assert remote_file(remote, "README.md") == b"Unrelated readme.\n"
    people = git("log", "-1", "--format=%an <%ae>|%cn <%ce>", "main", cwd=remote).strip()
    assert people == "edgar <edgar@example.com>|Spec Studio <studio@localhost>"
    message = git("log", "-1", "--format=%B", "main", cwd=remote).strip()
    # The merge's changelog (tests/test_changelog.py) comes between the description and the
    # trailers, which stay last.
    changelog = revision_changelog(spec=spec, revision=merged, change_request=cr).body.strip()
    assert message == (
        f"Todo: Rename to Renamed (#{cr.number})\n\nWhy: clarity.\n\n{changelog}\n\n"
        f"Spec-Revision: r{merged.number}\nApproved-by: rita <rita@example.com>"
    )


def test_no_target_means_no_export(spec, editor, reviewer, django_capture_on_commit_callbacks):
    merge_change(spec, editor, reviewer, django_capture_on_commit_callbacks)
    assert not Export.objects.exists()


def test_commit_on_merge_off_means_no_export(
    spec, editor, reviewer, target, django_capture_on_commit_callbacks
):
    GitTarget.objects.filter(pk=target.pk).update(commit_on_merge=False)
    merge_change(spec, editor, reviewer, django_capture_on_commit_callbacks)
    assert not Export.objects.exists()


def test_exporting_twice_makes_no_second_commit(spec, owner, target, remote):
    first = _export_now(spec, owner)
    second = _export_now(spec, owner)

    assert first.status == "succeeded" and second.status == "no_change"
    assert commit_count(remote) == 2 and second.commit_sha == first.commit_sha
    message = git("log", "-1", "--format=%an|%s", "main", cwd=remote).strip()
    assert message.startswith("olivia|Todo: ")


def test_commit_lands_on_top_of_someone_elses_push(
    spec, owner, editor, reviewer, target, remote, django_capture_on_commit_callbacks
):
    _export_now(spec, owner)
    theirs = push_file(remote, "docs/other.md", "Their file.\n")
    merge_change(spec, editor, reviewer, django_capture_on_commit_callbacks)

    assert Export.objects.first().status == "succeeded"
    assert git("rev-parse", "main^", cwd=remote).strip() == theirs
    assert remote_file(remote, "docs/other.md") == b"Their file.\n"
    assert sorted(changed_files(remote)) == [API]


def test_push_race_rebuilds_on_the_new_head(spec, owner, target, remote, monkeypatch):
    """Someone pushes between the studio's fetch and its push: the lease refuses, it rebuilds."""
    real_push = git_services._push
    calls = []

    def racing_push(target, clone, sha, expected):
        if not calls:
            calls.append(push_file(remote, "race.md", "Raced.\n"))
        return real_push(target, clone, sha, expected)

    monkeypatch.setattr(git_services, "_push", racing_push)
    export = _export_now(spec, owner)

    assert export.status == "succeeded"
    assert git("rev-parse", "main^", cwd=remote).strip() == calls[0]
    assert remote_file(remote, "race.md") == b"Raced.\n"


def test_edit_in_git_is_drift_and_can_be_imported(
    spec, owner, editor, reviewer, target, remote, django_capture_on_commit_callbacks
):
    ready_spec(spec)
    _export_now(spec, owner)
    name = _first_endpoint(spec)
    edited = remote_file(remote, API).decode().replace(name, "Edited in git")
    theirs = push_file(remote, API, edited)

    drift = _export_now(spec, owner)
    assert drift.status == "drift" and API in drift.error
    assert head_sha(remote) == theirs and remote_file(remote, API) == edited.encode()

    cr = git_services.spec_import_from_git(spec=spec, actor=editor)
    assert Endpoint.objects.filter(revision=cr.working, name="Edited in git").exists()
    assert cr.title == "Import changes from git"
    with django_capture_on_commit_callbacks(execute=True):
        merged = approve_and_merge(cr, author=editor, reviewer=reviewer)
    after = Export.objects.first()
    assert after.revision == merged and after.status in ("succeeded", "no_change")
    assert remote_file(remote, API) == revision_export(merged)[API].encode()
    spec.refresh_from_db()
    assert merge_change(spec, editor, reviewer, django_capture_on_commit_callbacks)
    assert Export.objects.first().status == "succeeded"


def test_existing_different_files_before_first_export_are_drift(spec, owner, target, remote):
    push_file(remote, SCHEMA, "# Someone's schema\n")
    export = _export_now(spec, owner)
    assert export.status == "drift" and SCHEMA in export.error
    assert remote_file(remote, SCHEMA) == b"# Someone's schema\n"


def _assert_failed_then_retry(spec, owner, remote, match: str) -> Export:
    head = spec.head
    failed = _export_now(spec, owner)
    assert failed.status == "failed" and match in failed.error, failed.error
    spec.refresh_from_db()
    assert spec.head == head and head.is_published
    return failed


def test_unreachable_remote_fails_then_retry_succeeds(spec, owner, target, remote, tmp_path):
    GitTarget.objects.filter(pk=target.pk).update(repository=str(tmp_path / "missing.git"))
    failed = _assert_failed_then_retry(spec, owner, remote, "Reading the remote")

    GitTarget.objects.filter(pk=target.pk).update(repository=str(remote))
    retried = git_services.export_retry(export=failed, actor=owner)
    assert retried.status == "succeeded" and commit_count(remote) == 2


def test_rejected_push_fails_then_retry_succeeds(spec, owner, target, remote):
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are frozen today' >&2\nexit 1\n")
    hook.chmod(0o755)
    failed = _assert_failed_then_retry(spec, owner, remote, "pushes are frozen today")
    assert commit_count(remote) == 1

    hook.unlink()
    assert git_services.export_retry(export=failed, actor=owner).status == "succeeded"


def test_missing_branch_fails_with_a_clear_message(spec, owner, target, remote):
    GitTarget.objects.filter(pk=target.pk).update(branch="release")
    failed = _assert_failed_then_retry(spec, owner, remote, 'branch "release" does not exist')

    GitTarget.objects.filter(pk=target.pk).update(branch="main")
    assert git_services.export_retry(export=failed, actor=owner).status == "succeeded"


def test_path_outside_the_repository_is_refused(spec, owner, target, remote):
    Spec.objects.filter(pk=spec.pk).update(api_path="../outside.md")
    spec.refresh_from_db()
    failed = _assert_failed_then_retry(spec, owner, remote, '"../outside.md" cannot be exported')
    assert commit_count(remote) == 1
    assert not (remote.parent / "outside.md").exists()

    Spec.objects.filter(pk=spec.pk).update(api_path=API)
    assert git_services.export_retry(export=failed, actor=owner).status == "succeeded"


def test_only_a_failed_export_can_be_retried(spec, owner, target, remote):
    export = _export_now(spec, owner)
    with pytest.raises(ServiceError, match="Only a failed export"):
        git_services.export_retry(export=export, actor=owner)


def test_export_without_target_is_refused(spec, owner):
    with pytest.raises(ServiceError, match="no git target"):
        _export_now(spec, owner)


def test_branch_names_are_checked(db):
    git_services.branch_name_check(branch="release/1.0")
    with pytest.raises(git_services.GitError, match="not a valid branch name"):
        git_services.branch_name_check(branch="bad..name")


@pytest.mark.postgres_only
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks (run in CI)"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_exports_of_one_spec_never_lose_or_duplicate(spec, owner, target, remote):
    results, start = [], threading.Barrier(2)

    def run():
        try:
            start.wait()
            results.append(_export_now(spec, owner).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["no_change", "succeeded"]
    assert commit_count(remote) == 2
    clone = git_services.clone_path(target=target)
    git("fsck", "--strict", cwd=clone)
    git("fsck", "--strict", cwd=remote)


def test_export_releases_its_lease_and_takes_an_expired_one(spec, owner, target, remote):
    from datetime import timedelta

    from django.utils import timezone

    GitTarget.objects.filter(pk=target.pk).update(
        lease_owner="crashed-worker", lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert _export_now(spec, owner).status == "succeeded"
    target.refresh_from_db()
    assert (target.lease_owner, target.lease_until) == ("", None)


def test_export_waits_while_another_holds_the_lease(spec, owner, target, remote, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    GitTarget.objects.filter(pk=target.pk).update(
        lease_owner="busy", lease_until=timezone.now() + timedelta(hours=1)
    )
    monkeypatch.setattr(git_services, "LEASE_WAIT_SECONDS", 0.5)
    monkeypatch.setattr(git_services, "LEASE_POLL_SECONDS", 0.05)
    export = _export_now(spec, owner)
    assert export.status == "failed" and "Another export of this spec" in export.error
    assert commit_count(remote) == 1
