"""A real bare "remote" repository in tmp_path, and the studio's git data dir beside it."""

import subprocess
from pathlib import Path

import pytest

from specs_app.models import GitTarget

IDENTITY = ["-c", "user.name=Someone Else", "-c", "user.email=someone@example.com"]


def git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(
        ["git", *IDENTITY, *args], cwd=cwd, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


def make_remote(path: Path) -> Path:
    """A bare repository whose `main` has one commit with an unrelated README."""
    git("init", "--quiet", "--bare", "--initial-branch=main", str(path))
    work = path.parent / f"{path.name}-seed"
    git("clone", "--quiet", str(path), str(work))
    (work / "README.md").write_text("Unrelated readme.\n")
    git("add", "README.md", cwd=work)
    git("commit", "--quiet", "-m", "Initial commit", cwd=work)
    git("push", "--quiet", "origin", "HEAD:refs/heads/main", cwd=work)
    return path


def push_file(remote: Path, path: str, text: str, *, branch: str = "main") -> str:
    """Someone else commits `path` with `text` on the remote branch; returns the new sha."""
    work = remote.parent / "someone-else"
    if not work.exists():
        git("clone", "--quiet", str(remote), str(work))
    git("fetch", "--quiet", "origin", cwd=work)
    git("checkout", "--quiet", "-B", branch, f"origin/{branch}", cwd=work)
    target = work / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text.encode())
    git("add", path, cwd=work)
    git("commit", "--quiet", "-m", f"Edit {path}", cwd=work)
    git("push", "--quiet", "origin", f"HEAD:refs/heads/{branch}", cwd=work)
    return head_sha(remote)


def head_sha(remote: Path, branch: str = "main") -> str:
    return git("rev-parse", branch, cwd=remote).strip()


def commit_count(remote: Path, branch: str = "main") -> int:
    return int(git("rev-list", "--count", branch, cwd=remote))


def remote_file(remote: Path, path: str, rev: str = "main") -> bytes:
    return subprocess.run(
        ["git", "show", f"{rev}:{path}"], cwd=remote, capture_output=True, check=True
    ).stdout


def changed_files(remote: Path, rev: str = "main") -> list[str]:
    return git("diff-tree", "--no-commit-id", "--name-only", "-r", rev, cwd=remote).split()


@pytest.fixture
def remote(tmp_path, settings):
    settings.GIT_DATA_DIR = tmp_path / "studio-git"
    settings.GIT_LOCAL_ROOTS = [tmp_path]
    return make_remote(tmp_path / "remote.git")


@pytest.fixture
def target(spec, remote):
    return GitTarget.objects.create(spec=spec, repository=str(remote), branch="main")
