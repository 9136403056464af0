import pytest
from django.core.management import CommandError, call_command

from specs_app.models import Export, GitTarget
from tests import git_helpers
from tests.git_helpers import commit_count, head_sha

pytestmark = pytest.mark.django_db
remote, target = git_helpers.remote, git_helpers.target  # fixtures


def test_export_commits_then_reports_no_change(spec, target, remote, capsys):
    call_command("export_git", "acme/todo")
    assert f"committed {head_sha(remote)}" in capsys.readouterr().out
    call_command("export_git", "acme/todo")
    assert "no change" in capsys.readouterr().out
    assert commit_count(remote) == 2
    assert Export.objects.filter(trigger="manual", requested_by=None).count() == 2


def test_failed_export_exits_with_an_error(spec, target, remote, tmp_path):
    GitTarget.objects.filter(pk=target.pk).update(repository=str(tmp_path / "nowhere"))
    with pytest.raises(CommandError, match="failed: Reading the remote"):
        call_command("export_git", "acme/todo")
    assert Export.objects.get().status == "failed"


def test_spec_without_target_is_an_error(spec):
    with pytest.raises(CommandError, match="no git target"):
        call_command("export_git", "acme/todo")


def test_unknown_spec_is_an_error(db):
    with pytest.raises(CommandError, match="No spec"):
        call_command("export_git", "acme/nope")
