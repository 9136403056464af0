"""Which repositories a git target may name, and a saved target is one git can use: local paths
only under the folders the operator allows, never another workspace's repository, no option or
transport smuggled into git, and the branch must exist. Real git repositories in tmp_path."""

import pytest
from django.urls import reverse

from specs_app.models import Export, GitTarget, Membership
from specs_app.services import git as git_services
from specs_app.services.errors import ServiceError
from tests import git_helpers
from tests.factories import published_spec
from tests.git_helpers import commit_count, make_remote

pytestmark = pytest.mark.django_db
remote, target = git_helpers.remote, git_helpers.target  # fixtures


@pytest.fixture
def their_spec(outsider):
    """A spec of another workspace, whose admin is the outsider."""
    workspace = Membership.objects.get(user=outsider).workspace
    return published_spec(workspace=workspace, slug="theirs", title="Theirs")


def _target_url(ws: str, spec: str) -> str:
    return reverse("specs_app:git_target", args=[ws, spec])


def _save(client, ws: str, spec: str, repository: str, branch: str = "main"):
    return client.post(_target_url(ws, spec), {"repository": repository, "branch": branch})


# Item 12: one workspace must not read another's files through its git target.


@pytest.mark.parametrize(
    "spelling",
    ["{remote}", "{remote}/", "file://{remote}", "{parent}/./remote.git", "{parent}/remote"],
)
def test_another_workspaces_repository_is_refused_however_spelled(
    client_for, outsider, their_spec, target, remote, spelling
):
    repository = spelling.format(remote=remote, parent=remote.parent)
    response = _save(client_for(outsider), "elsewhere", "theirs", repository)

    assert response.status_code == 400
    assert "target of a spec in another workspace" in response.content.decode()
    assert not GitTarget.objects.filter(spec=their_spec).exists()
    with pytest.raises(ServiceError, match="another workspace"):
        git_services.git_target_save(
            spec=their_spec,
            actor=outsider,
            repository=repository,
            branch="main",
            commit_on_merge=False,
        )


def test_a_target_saved_before_the_rules_cannot_import_another_workspaces_files(
    outsider, their_spec, spec, owner, target, remote
):
    git_services.export_now(spec=spec, actor=owner)
    GitTarget.objects.create(spec=their_spec, repository=str(remote), branch="main")

    with pytest.raises(ServiceError, match="another workspace"):
        git_services.spec_import_from_git(spec=their_spec, actor=outsider)
    export = git_services.export_now(spec=their_spec, actor=outsider)
    assert export.status == "failed" and "another workspace" in export.error
    assert not their_spec.change_requests.exists() and commit_count(remote) == 2


def test_specs_of_one_workspace_may_share_a_repository(client_for, owner, spec, target, remote):
    other = published_spec(workspace=spec.workspace, slug="billing")
    response = _save(client_for(owner), "acme", "billing", str(remote))
    assert response.status_code == 302
    assert GitTarget.objects.get(spec=other).repository == str(remote)


def test_local_repositories_are_refused_unless_their_folder_is_allowed(
    client_for, owner, spec, remote, settings, tmp_path
):
    settings.GIT_LOCAL_ROOTS = []
    response = _save(client_for(owner), "acme", "todo", str(remote))
    assert response.status_code == 400
    assert "Local repositories are turned off" in response.content.decode()

    settings.GIT_LOCAL_ROOTS = [tmp_path / "allowed"]
    response = _save(client_for(owner), "acme", "todo", f"file://{remote}")
    assert response.status_code == 400
    assert "outside the folders allowed" in response.content.decode()
    assert not GitTarget.objects.exists()


def test_a_symlink_out_of_the_allowed_folder_is_refused(client_for, owner, spec, remote, settings):
    allowed = remote.parent / "allowed"
    allowed.mkdir()
    (allowed / "link.git").symlink_to(remote)
    settings.GIT_LOCAL_ROOTS = [allowed]
    response = _save(client_for(owner), "acme", "todo", str(allowed / "link.git"))
    assert (
        response.status_code == 400 and "outside the folders allowed" in response.content.decode()
    )


def test_the_studios_own_clones_are_refused(client_for, owner, spec, target, remote, settings):
    git_services.export_now(spec=spec, actor=owner)
    clone = git_services.clone_path(target=target)
    other = published_spec(workspace=spec.workspace, slug="billing")
    response = _save(client_for(owner), "acme", "billing", str(clone))
    assert response.status_code == 400 and "own clones" in response.content.decode()
    assert not GitTarget.objects.filter(spec=other).exists()


@pytest.mark.parametrize(
    ("repository", "error"),
    [
        ("--upload-pack=touch /tmp/pwned", "cannot start with a dash"),
        ("-oProxyCommand=x", "cannot start with a dash"),
        ("ext::sh -c touch% /tmp/pwned", "transport::address"),
        ("fd::3", "transport::address"),
        ("./specs.git", "absolute path"),
        ("~/specs.git", "absolute path"),
        ("file://otherhost/srv/specs.git", "a path on this server"),
        ("ftp://example.com/specs.git", "not a supported URL"),
    ],
)
def test_options_transports_and_relative_paths_are_refused(
    client_for, owner, spec, remote, repository, error
):
    response = _save(client_for(owner), "acme", "todo", repository)
    assert response.status_code == 400 and error in response.content.decode()
    assert not GitTarget.objects.exists()


def test_a_branch_starting_with_a_dash_is_refused(client_for, owner, spec, remote):
    response = _save(client_for(owner), "acme", "todo", str(remote), branch="--upload-pack=x")
    assert response.status_code == 400 and "not a valid branch name" in response.content.decode()
    with pytest.raises(git_services.GitError, match="not a valid branch name"):
        git_services.branch_name_check(branch="-x")


def test_git_is_given_the_repository_after_double_dash(spec, owner, target, remote, monkeypatch):
    """Defence in depth: even if a value got past the checks, git reads it as a repository,
    never as an option or through the ext:: transport."""
    monkeypatch.setattr(git_services, "repository_allowed", lambda **kwargs: None)
    pwned = remote.parent / "pwned"
    for repository in [f"--upload-pack=touch {pwned}", f"ext::sh -c touch% {pwned}"]:
        GitTarget.objects.filter(pk=target.pk).update(repository=repository)
        export = git_services.export_now(spec=spec, actor=owner)
        assert export.status == "failed"
        assert not pwned.exists()


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("git@github.com:acme/specs.git", "https://github.com/acme/specs/"),
        ("ssh://git@GitHub.com/acme/specs", "git@github.com:acme/specs"),
        ("/srv/git/specs.git/", "file:///srv/git/specs"),
    ],
)
def test_repository_key_is_one_spelling_per_repository(one, other):
    assert git_services.repository_key(one) == git_services.repository_key(other)


def test_remote_urls_need_no_local_folder(settings, spec):
    settings.GIT_LOCAL_ROOTS = []
    for repository in ["https://git.example.com/acme/specs.git", "git@example.com:acme/specs"]:
        git_services.repository_allowed(spec_id=spec.pk, repository=repository)


# Item 15: a saved target is one git can use.


def test_a_branch_that_does_not_exist_is_refused(client_for, owner, spec, remote):
    response = _save(client_for(owner), "acme", "todo", str(remote), branch="release")
    assert response.status_code == 400
    body = response.content.decode()
    assert "The branch &quot;release&quot; does not exist" in body
    assert "Git target saved" not in body and not GitTarget.objects.exists()


def test_a_directory_that_is_no_repository_is_refused(client_for, owner, spec, remote, tmp_path):
    (tmp_path / "plain").mkdir()
    response = _save(client_for(owner), "acme", "todo", str(tmp_path / "plain"))
    assert response.status_code == 400
    assert "The repository could not be read" in response.content.decode()
    assert not GitTarget.objects.exists()


def test_an_existing_branch_of_a_reachable_repository_is_saved(
    client_for, owner, spec, remote, tmp_path
):
    other = make_remote(tmp_path / "other.git")
    git_helpers.git("branch", "release", "main", cwd=other)
    response = _save(client_for(owner), "acme", "todo", str(other), branch="release")
    assert response.status_code == 302
    assert GitTarget.objects.get(spec=spec).branch == "release"
    assert not Export.objects.exists()


def test_local_roots_setting_is_empty_without_debug_and_must_be_absolute():
    from tests.test_settings import _manage

    show = ("shell", "-c", "from django.conf import settings; print(settings.GIT_LOCAL_ROOTS)")
    production = _manage(*show, DEBUG="0", SECRET_KEY="x7" * 30, ALLOWED_HOSTS="x.example")
    assert production.returncode == 0, production.stderr
    assert production.stdout.strip().splitlines()[-1] == "[]"
    allowed = _manage(*show, DEBUG="1", STUDIO_GIT_LOCAL_ROOTS="/srv/git, /data/repos")
    last = allowed.stdout.strip().splitlines()[-1]
    assert last == "[PosixPath('/srv/git'), PosixPath('/data/repos')]"
    relative = _manage("check", DEBUG="1", STUDIO_GIT_LOCAL_ROOTS="srv/git")
    assert relative.returncode != 0 and "must list absolute paths" in relative.stderr
