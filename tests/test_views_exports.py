import pytest
from django.urls import reverse

from specs_app.models import Endpoint, Export, GitTarget
from specs_app.services import git as git_services
from tests import git_helpers
from tests.git_helpers import commit_count, push_file, remote_file

pytestmark = pytest.mark.django_db
remote, target = git_helpers.remote, git_helpers.target  # fixtures
API = "specs/api/rest-endpoints.md"


def _url(name: str, *args) -> str:
    return reverse(f"specs_app:{name}", args=["acme", "todo", *args])


def test_exports_page_lists_exports(client_for, viewer, spec, owner, target, remote):
    git_services.export_now(spec=spec, actor=owner)
    response = client_for(viewer).get(_url("exports"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Succeeded" in body and str(remote) in body and "olivia" in body
    assert "Export now" not in body and "Git target</a>" not in body


def test_spec_page_links_to_exports(client_for, viewer, spec):
    response = client_for(viewer).get(reverse("specs_app:spec_detail", args=["acme", "todo"]))
    assert _url("exports") in response.content.decode()


def test_exports_page_without_target(client_for, owner, spec):
    body = client_for(owner).get(_url("exports")).content.decode()
    assert "No git target yet" in body and _url("git_target") in body


def test_outsider_gets_404(client_for, outsider, spec):
    client = client_for(outsider)
    assert client.get(_url("exports")).status_code == 404
    assert client.post(_url("export_now")).status_code == 404
    assert client.get(_url("git_target")).status_code == 404


def test_viewer_cannot_export_or_configure(client_for, viewer, spec, target):
    client = client_for(viewer)
    assert client.post(_url("export_now")).status_code == 403
    assert client.post(_url("export_import")).status_code == 403
    assert client.get(_url("git_target")).status_code == 403


def test_editor_cannot_configure(client_for, editor, spec):
    assert client_for(editor).get(_url("git_target")).status_code == 403


def test_wrong_methods(client_for, owner, spec, target):
    client = client_for(owner)
    assert client.post(_url("exports")).status_code == 405
    assert client.get(_url("export_now")).status_code == 405
    assert client.get(_url("export_retry", 1)).status_code == 405
    assert client.get(_url("export_import")).status_code == 405


def test_export_now_commits(client_for, editor, spec, target, remote):
    response = client_for(editor).post(_url("export_now"), follow=True)
    export = Export.objects.get()
    assert export.status == "succeeded" and export.requested_by == editor
    assert commit_count(remote) == 2
    assert f"committed {export.commit_sha[:10]}" in response.content.decode()


def test_export_now_without_target_says_so(client_for, editor, spec):
    response = client_for(editor).post(_url("export_now"), follow=True)
    assert "no git target" in response.content.decode()
    assert not Export.objects.exists()


def test_retry_a_failed_export(client_for, editor, owner, spec, target, remote, tmp_path):
    GitTarget.objects.filter(pk=target.pk).update(repository=str(tmp_path / "gone"))
    failed = git_services.export_now(spec=spec, actor=owner)
    client = client_for(editor)
    body = client.get(_url("exports")).content.decode()
    assert "Retry" in body and "Reading the remote" in body

    GitTarget.objects.filter(pk=target.pk).update(repository=str(remote))
    client.post(_url("export_retry", failed.pk))
    assert Export.objects.first().status == "succeeded" and commit_count(remote) == 2


def test_retry_of_a_succeeded_export_is_refused(client_for, editor, owner, spec, target):
    done = git_services.export_now(spec=spec, actor=owner)
    response = client_for(editor).post(_url("export_retry", done.pk), follow=True)
    assert "Only a failed export" in response.content.decode()
    assert Export.objects.count() == 1


def test_retry_of_another_specs_export_is_404(client_for, editor, spec):
    assert client_for(editor).post(_url("export_retry", 999)).status_code == 404


def test_drift_offers_import_which_opens_a_change_request(
    client_for, editor, owner, spec, target, remote
):
    git_services.export_now(spec=spec, actor=owner)
    name = Endpoint.objects.filter(revision=spec.head).order_by("position").first().name
    push_file(remote, API, remote_file(remote, API).decode().replace(name, "Edited in git"))
    git_services.export_now(spec=spec, actor=owner)
    client = client_for(editor)
    assert "Import changes from git" in client.get(_url("exports")).content.decode()

    response = client.post(_url("export_import"))
    cr = spec.change_requests.get()
    assert response.status_code == 302 and response.url == _url("change_request", cr.number)
    assert Endpoint.objects.filter(revision=cr.working, name="Edited in git").exists()


def test_git_target_settings_create(client_for, owner, spec, remote):
    client = client_for(owner)
    assert client.get(_url("git_target")).status_code == 200
    response = client.post(
        _url("git_target"),
        {"repository": str(remote), "branch": "main", "commit_on_merge": "on"},
    )
    assert response.status_code == 302
    target = GitTarget.objects.get(spec=spec)
    assert (target.repository, target.branch, target.commit_on_merge) == (str(remote), "main", True)
    assert target.write_migrations is False
    form = client.get(_url("git_target")).content.decode()
    assert 'name="write_migrations"' in form
    # The help text's file name is text, not tags that would swallow the rest of the form.
    assert "migrations/NNNN_title.sql" in form and 'type="submit"' in form.split("NNNN_title")[1]

    client.post(
        _url("git_target"),
        {"repository": str(remote), "branch": "main", "write_migrations": "on"},
    )
    target.refresh_from_db()
    assert (target.commit_on_merge, target.write_migrations) == (False, True)
    page = client.get(_url("exports")).content.decode()
    assert "PostgreSQL migration in <code>migrations/</code>" in page


@pytest.mark.parametrize(
    ("repository", "branch", "error"),
    [
        ("{tmp}/no/such/dir", "main", "create the repository first"),
        ("relative/path", "main", "absolute path"),
        ("file://{tmp}/no/such/dir", "main", "create the repository first"),
        ("https://git.example.com/acme/specs.git", "bad..name", "not a valid branch name"),
    ],
)
def test_git_target_settings_validate(
    client_for, owner, spec, settings, tmp_path, repository, branch, error
):
    settings.GIT_LOCAL_ROOTS = [tmp_path]
    response = client_for(owner).post(
        _url("git_target"), {"repository": repository.format(tmp=tmp_path), "branch": branch}
    )
    assert response.status_code == 400 and error in response.content.decode()
    assert not GitTarget.objects.exists()


def test_changing_the_repository_forgets_what_was_exported(
    client_for, owner, spec, target, tmp_path
):
    GitTarget.objects.filter(pk=target.pk).update(exported_blobs={"a.md": "x"}, exported_sha="y")
    other = git_helpers.make_remote(tmp_path / "other.git")
    client_for(owner).post(_url("git_target"), {"repository": str(other), "branch": "main"})
    target.refresh_from_db()
    assert (target.exported_blobs, target.exported_sha, target.commit_on_merge) == ({}, "", False)


def test_spec_page_offers_import_changes_from_git_on_drift(client_for, editor, viewer, spec):
    from django.urls import reverse

    from specs_app.models import Export

    url = reverse("specs_app:spec_detail", args=["acme", spec.slug])
    assert "Import changes from git" not in client_for(editor).get(url).content.decode()
    Export.objects.create(spec=spec, revision=spec.head, trigger="manual", status="drift")
    assert "Import changes from git" in client_for(editor).get(url).content.decode()
    viewer_page = client_for(viewer).get(url).content.decode()
    assert 'data-testid="drift"' in viewer_page and "Import changes from git" not in viewer_page
