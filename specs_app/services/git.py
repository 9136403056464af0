"""Commit a spec's exported markdown to its git target.

The studio keeps its own bare clone of each target under settings.GIT_DATA_DIR and builds
commits with plumbing commands only (no checkout, no working tree). One export of a spec runs at
a time: each holds the spec's lease (a row on GitTarget), renewed while it runs.

Decisions:
- A branch missing on the remote fails the export with a message saying so; the studio never
  creates branches (a typo in the branch name must not create a stray branch).
- Drift: if a file on the branch head is not what the studio last wrote there (or exists before
  the studio's first export and differs), the export stops with status drift and writes nothing.
- A push rejected because someone pushed in between is rebuilt on the new head a bounded number
  of times; any other git failure is recorded as status failed with git's message.
- Nothing waits long: every git command has a timeout below the web server's (settings), the
  export that follows a merge in the web request has a few seconds in all, a second export of
  a spec waits a few seconds for the lease and then steps aside, and an export whose worker
  stopped is marked failed once its lease (a minute) lapses, when anyone looks.
- Import changes from git is a three-way merge: the files are read against the revision the
  studio last exported, then the request is updated from main, so merged work stays and the
  same field changed on both sides is a conflict.
- Repositories: local paths only under STUDIO_GIT_LOCAL_ROOTS and never another workspace's;
  every git call puts `--` before the values people typed.
"""

import functools
import logging
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.dispatch import Signal, receiver
from django.utils import timezone
from django.utils.text import slugify

from specs_app.access import require_role
from specs_app.models import ChangeRequest, Export, GitTarget, Role, Spec
from specs_app.models.validators import validate_repo_path
from specs_app.services.audit import audit_record
from specs_app.services.changelog import (
    RevisionChangelog,
    changelog_file_prepend,
    revision_changelog,
)
from specs_app.services.errors import FieldErrors, ServiceError
from specs_app.services.export import revision_export
from specs_app.services.impact import revision_migration
from specs_app.services.imports import REPLACE, spec_import
from specs_app.services.review import (
    change_request_merged,
    change_request_update_from_head,
    latest_reviews,
)

logger = logging.getLogger(__name__)
Status = Export.Status
PUSH_ATTEMPTS = 3
#: How long a second export of a spec waits for the lease before it steps aside, and how
#: often it looks; a deferred one (database task backend) looks again LEASE_RETRY_SECONDS later.
LEASE_WAIT_SECONDS = 2.0
LEASE_POLL_SECONDS = 0.2
LEASE_RETRY_SECONDS = 5
STOPPED = (
    "The worker stopped before the export finished (it no longer renewed its lease). Retry it."
)
BUSY = "Another export of this spec was running, so this one did not start. Retry it."
REMOTE_REF = "refs/studio/remote"
ALLOWED_PROTOCOLS = "file:git:http:https:ssh"

#: Sent to hand a queued export to the task backend, with `export_id`: specs_app/tasks.py
#: enqueues its task (the services do not import the task module, which imports them).
export_handed_off = Signal()


class GitError(ServiceError):
    """A git command failed; the message is git's own, prefixed with what was being done."""


class BranchMissing(GitError):
    """The repository answered, but has no such branch."""


class _LeaseLost(Exception):
    """The remote branch moved between fetch and push."""


# Running git.


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"}
    env["GIT_ALLOW_PROTOCOL"] = ALLOWED_PROTOCOLS  # never ext:: (runs a command) nor fd::
    env.pop("GIT_INDEX_FILE", None)
    env.pop("GIT_DIR", None)
    return {**env, **(extra or {})}


def git_run(
    *args: str,
    git_dir: Path | None = None,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    what: str = "git",
) -> bytes:
    command = ["git", *([f"--git-dir={git_dir}"] if git_dir else []), *args]
    timeout, limit = _git_timeout()
    try:
        returncode, stdout, stderr = _git_process(command, stdin, _env(env), timeout)
    except subprocess.TimeoutExpired:
        raise GitError(f"{what}: git was stopped after {limit}") from None
    except OSError as exc:
        raise GitError(f"{what}: could not run git ({exc}).") from exc
    if returncode != 0:
        message = stderr.decode("utf-8", "replace").strip() or f"exit {returncode}"
        raise GitError(f"{what}: {message}")
    return stdout


def _git_process(
    command: list[str], stdin: bytes | None, env: dict[str, str], timeout: float
) -> tuple[int, bytes, bytes]:
    """Run git in a process group of its own, so that a timeout also stops what it started (a
    local remote's receive-pack and its hooks, ssh)."""
    if timeout <= 0:
        raise subprocess.TimeoutExpired(command, timeout)
    stdin_pipe = subprocess.DEVNULL if stdin is None else subprocess.PIPE
    pipes = {"stdin": stdin_pipe, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    with subprocess.Popen(command, env=env, process_group=0, **pipes) as process:
        try:
            stdout, stderr = process.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    return process.returncode, stdout, stderr


#: The end (time.monotonic()) of the time an export may take in all, and the sentence that says
#: why; set around an export that runs inside a web request.
_deadline: ContextVar[tuple[float, str] | None] = ContextVar("git_deadline", default=None)


def _git_timeout() -> tuple[float, str]:
    """Seconds the next git command may take, and the end of the message when it takes longer."""
    timeout, limit = float(settings.GIT_TIMEOUT), f"{settings.GIT_TIMEOUT:g}s."
    deadline = _deadline.get()
    if deadline is not None and deadline[0] - time.monotonic() < timeout:
        return deadline[0] - time.monotonic(), deadline[1]
    return timeout, limit


def _seconds_left() -> float:
    deadline = _deadline.get()
    return float("inf") if deadline is None else deadline[0] - time.monotonic()


@contextmanager
def _time_limit(seconds: float, why: str) -> Iterator[None]:
    token = _deadline.set((time.monotonic() + seconds, f"{seconds:g}s: {why}"))
    try:
        yield
    finally:
        _deadline.reset(token)


def branch_name_check(*, branch: str) -> None:
    """Raise GitError unless `branch` is a valid branch name."""
    if branch.startswith("-"):  # check-ref-format takes no "--": never hand git an option
        raise GitError(f'"{branch}" is not a valid branch name')
    git_run("check-ref-format", "--branch", branch, what=f'"{branch}" is not a valid branch name')


# Which repositories a target may name.

#: git's "<transport>::<address>" form: ext:: runs a command, fd:: reads a file descriptor.
_HELPER = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*::")
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
#: "[user@]host:path", as git reads it: a colon before any slash.
_SCP_LIKE = re.compile(r"^(?:[^@/]+@)?([^/:]+):(.*)$")
_REMOTE_SCHEMES = {"ssh", "git", "http", "https", "git+ssh", "ssh+git"}


def local_directory(value: str) -> Path | None:
    """The directory a repository value names on this server, or None for a remote one."""
    scheme = _URL.match(value)
    if scheme:
        name = scheme.group(1).lower()
        if name in _REMOTE_SCHEMES:
            return None
        if name != "file":
            raise GitError(f'"{name}://" is not a supported URL: use ssh://, https:// or git://.')
        parts = urlsplit(value)
        if parts.netloc not in ("", "localhost"):
            raise GitError("A file:// URL names a path on this server: file:///path/to/repo.")
        return Path(unquote(parts.path))
    if _SCP_LIKE.match(value):
        return None
    return Path(value)


def repository_check(*, repository: str) -> None:
    """Raise GitError, with what to change, unless the server may use `repository`.

    Local repositories (a path or a file:// URL) must be under one of the folders the operator
    allows (STUDIO_GIT_LOCAL_ROOTS), and never the studio's own clones: a workspace must not
    read another's files from the server's disk.
    """
    if repository != repository.strip() or not repository:
        raise GitError("The repository cannot be empty or start or end with spaces.")
    if repository.startswith("-"):
        raise GitError("A repository cannot start with a dash (-).")
    if _HELPER.match(repository):
        raise GitError(
            'git\'s "transport::address" form (such as ext::) is not allowed: '
            "use an ssh://, https:// or git:// URL."
        )
    local = local_directory(repository)
    if local is not None:
        _local_check(local)


def _local_check(path: Path) -> None:
    if not path.is_absolute():
        raise GitError("A local repository needs an absolute path.")
    roots = [Path(root).resolve() for root in settings.GIT_LOCAL_ROOTS]
    if not roots:
        raise GitError(
            "Local repositories are turned off on this server: use an ssh:// or https:// URL "
            "(the operator allows folders with STUDIO_GIT_LOCAL_ROOTS)."
        )
    real = path.resolve()
    if real.is_relative_to(Path(settings.GIT_DATA_DIR).resolve()):
        raise GitError("The studio's own clones cannot be a git target.")
    if not any(real.is_relative_to(root) for root in roots):
        allowed = ", ".join(str(root) for root in roots)
        raise GitError(f"{path} is outside the folders allowed for local repositories: {allowed}.")


def repository_key(repository: str) -> str:
    """One spelling per repository, to compare targets: a local path resolved, a remote one as
    host/path; without a trailing slash or .git, case-folded."""
    value = repository.strip()
    try:
        local = local_directory(value)
    except GitError:
        local = None
    if local is not None:
        value = str(local.resolve()) if local.is_absolute() else str(local)
    elif (url := urlsplit(value)).scheme and url.hostname:
        value = f"{url.hostname}/{url.path.lstrip('/')}"
    elif scp := _SCP_LIKE.match(value):
        value = f"{scp.group(1)}/{scp.group(2).lstrip('/')}"
    return value.rstrip("/").removesuffix(".git").rstrip("/").casefold()


def repository_allowed(*, spec_id: int, repository: str) -> None:
    """repository_check, and the repository is no other workspace's target. Checked when a
    target is saved, and again before each use, for targets saved before these rules."""
    repository_check(repository=repository)
    key = repository_key(repository)
    workspace = Spec.objects.filter(pk=spec_id).values("workspace_id")
    others = GitTarget.objects.exclude(spec__workspace_id__in=workspace)
    if any(repository_key(other) == key for other in others.values_list("repository", flat=True)):
        raise GitError(
            "This repository is the git target of a spec in another workspace: "
            "each workspace commits to repositories of its own."
        )


def branch_check(*, repository: str, branch: str) -> None:
    """Raise GitError unless `repository` answers and has `branch` (one `git ls-remote`)."""
    listed = git_run(
        "ls-remote", "--heads", "--", repository, f"refs/heads/{branch}",
        what="The repository could not be read",
    )  # fmt: skip
    if not listed.strip():
        raise BranchMissing(
            f'The branch "{branch}" does not exist in {repository}: '
            "create it there (one commit is enough) or choose another branch."
        )


def git_target_check(*, spec_id: int, repository: str, branch: str) -> None:
    """Raise FieldErrors (by field: repository, branch) unless the server may use the
    repository, git can read it and it has the branch: a typo is refused when the target is
    saved, not found as a failed export after the next merge."""
    errors = {}
    try:
        repository_allowed(spec_id=spec_id, repository=repository)
        local = local_directory(repository)
        if local is not None and not local.is_dir():  # the studio never creates repositories
            raise GitError(f"No directory {local}: create the repository first.")
    except GitError as exc:
        errors["repository"] = str(exc)
    try:
        branch_name_check(branch=branch)
    except GitError:
        errors["branch"] = f'"{branch}" is not a valid branch name.'
    if not errors:
        try:
            branch_check(repository=repository, branch=branch)
        except BranchMissing as exc:
            errors["branch"] = str(exc)
        except GitError as exc:
            errors["repository"] = str(exc)
    if errors:
        raise FieldErrors(errors)


# The studio's clone.


def clone_path(*, target: GitTarget) -> Path:
    return Path(settings.GIT_DATA_DIR) / f"spec-{target.spec_id}.git"


def _clone_ready(target: GitTarget) -> Path:
    path = clone_path(target=target)
    if not (path / "HEAD").exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        git_run("init", "--quiet", "--bare", str(path), what="Creating the studio's clone")
    return path


def _fetch_head(target: GitTarget, clone: Path) -> str:
    """The remote branch head's sha, fetched into the clone."""
    branch = f"refs/heads/{target.branch}"
    repository_allowed(spec_id=target.spec_id, repository=target.repository)
    listed = git_run(
        "ls-remote", "--", target.repository, branch, git_dir=clone, what="Reading the remote"
    )
    if not listed.strip():
        raise GitError(
            f'The branch "{target.branch}" does not exist in {target.repository}. '
            "Create it there (one commit is enough) or choose another branch."
        )
    git_run(
        "fetch", "--quiet", "--no-tags", "--", target.repository, f"+{branch}:{REMOTE_REF}",
        git_dir=clone, what="Fetching the branch",
    )  # fmt: skip
    return git_run("rev-parse", REMOTE_REF, git_dir=clone).decode().strip()


def _blobs_at(clone: Path, commit: str, paths: list[str]) -> dict[str, str | None]:
    listed = git_run("ls-tree", "-z", commit, "--", *paths, git_dir=clone).decode()
    found = {}
    for entry in filter(None, listed.split("\0")):
        meta, path = entry.split("\t", 1)
        found[path] = meta.split()[2]
    return {path: found.get(path) for path in paths}


def file_read(*, clone: Path, commit: str, path: str) -> str | None:
    blob = _blobs_at(clone, commit, [path])[path]
    if blob is None:
        return None
    return git_run("cat-file", "blob", blob, git_dir=clone).decode("utf-8")


# Building the commit.


@dataclass
class CommitInfo:
    author_name: str
    author_email: str
    message: str


def _person(user) -> tuple[str, str]:
    if user is None:
        return settings.GIT_COMMITTER_NAME, settings.GIT_COMMITTER_EMAIL
    return (user.get_full_name() or user.username, user.email or f"{user.username}@localhost")


def _merged_request(export: Export) -> ChangeRequest | None:
    """The change request whose merge published the exported revision, if one did."""
    if export.change_request is not None:
        return export.change_request
    return ChangeRequest.objects.filter(merged_revision=export.revision).first()


def commit_info_build(*, export: Export, changelog: str = "") -> CommitInfo:
    """The commit's author and message. A merged change request's message is its subject, its
    description, the `changelog` of the merge (services/changelog, when given) and the trailers,
    last so that git reads them as trailers."""
    spec, cr = export.spec, _merged_request(export)
    if cr is None:
        name, email = _person(export.requested_by)
        subject = f"{spec.title}: {export.revision.message or 'export'}"
        return CommitInfo(name, email, f"{subject}\n\nSpec-Revision: {export.revision.label}\n")
    name, email = _person(cr.merged_by or export.requested_by)
    trailers = [f"Spec-Revision: {export.revision.label}"]
    for state in latest_reviews(cr):
        if state.review.verdict == "approve" and not state.stale:
            trailers.append("Approved-by: {} <{}>".format(*_person(state.reviewer)))
    parts = [f"{spec.title}: {cr.title} (#{cr.number})"]
    if cr.description.strip():
        parts.append(cr.description.strip())
    if changelog.strip():
        parts.append(changelog.strip())
    parts.append("\n".join(trailers))
    return CommitInfo(name, email, "\n\n".join(parts) + "\n")


def _commit_build(clone: Path, parent: str, blobs: dict[str, str], info: CommitInfo) -> str:
    with tempfile.TemporaryDirectory(prefix="studio-index-") as tmp:
        index = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        git_run("read-tree", parent, git_dir=clone, env=index, what="Reading the branch")
        for path, blob in blobs.items():
            git_run(
                "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}",
                git_dir=clone, env=index, what=f'Adding "{path}"',
            )  # fmt: skip
        tree = git_run("write-tree", git_dir=clone, env=index, what="Writing the tree")
    people = {
        "GIT_AUTHOR_NAME": info.author_name,
        "GIT_AUTHOR_EMAIL": info.author_email,
        "GIT_COMMITTER_NAME": settings.GIT_COMMITTER_NAME,
        "GIT_COMMITTER_EMAIL": settings.GIT_COMMITTER_EMAIL,
    }
    sha = git_run(
        "commit-tree", tree.decode().strip(), "-p", parent, "-F", "-",
        git_dir=clone, env=people, stdin=info.message.encode(), what="Writing the commit",
    )  # fmt: skip
    return sha.decode().strip()


def _push(target: GitTarget, clone: Path, sha: str, expected: str) -> None:
    ref = f"refs/heads/{target.branch}"
    try:
        git_run(
            "push", "--quiet", "--porcelain", f"--force-with-lease={ref}:{expected}",
            "--", target.repository, f"{sha}:{ref}", git_dir=clone, what="Pushing",
        )  # fmt: skip
    except GitError as failed:
        try:
            moved = git_run("ls-remote", "--", target.repository, ref, git_dir=clone)
            moved = moved.decode().split()
        except GitError:
            raise failed from None  # the push's own message says more (out of time, say)
        if moved and moved[0] != expected:
            raise _LeaseLost() from None
        raise


# One export.


@dataclass
class _Outcome:
    status: str
    sha: str = ""
    error: str = ""


def _check_paths(paths: list[str]) -> None:
    for path in paths:
        try:
            validate_repo_path(path)
        except ValidationError as exc:
            raise GitError(f'The file path "{path}" cannot be exported: {exc.messages[0]}') from exc


def _drifted(target: GitTarget, on_head: dict, new: dict) -> list[str]:
    last = target.exported_blobs or {}
    merged = _merged_import_blobs(target)
    return [
        path
        for path, blob in on_head.items()
        if blob != new[path]
        and blob != last.get(path)
        and blob != merged.get(path)
        and (blob or last.get(path))
    ]


def _merged_import_blobs(target: GitTarget) -> dict:
    """The files "Import changes from git" read, once its request is merged: the head has
    their changes, so writing over them loses nothing."""
    if target.imported_by_id is None:
        return {}
    merged = ChangeRequest.objects.filter(
        pk=target.imported_by_id, state=ChangeRequest.State.MERGED
    ).exists()
    return target.imported_blobs if merged else {}


def migration_file(*, target: GitTarget, export: Export) -> dict[str, bytes]:
    """`{path: SQL}` of the merged change request's migration when the target writes them and
    the change touches the database, else `{}`. The file is written once, with the merge's
    commit, and is not one of the spec's files: drift and "no change" look only at those."""
    change_request, revision = export.change_request, export.revision
    if not target.write_migrations or change_request is None or revision.parent is None:
        return {}
    migration = revision_migration(revision.parent, revision, "postgresql")
    if not migration.changes:
        return {}
    folder = PurePosixPath(export.spec.schema_path).parent / "migrations"
    slug = slugify(change_request.title)[:60] or "change"
    path = str(folder / f"{change_request.number:04d}_{slug}.sql")
    head = (
        f"-- {export.spec.title}: change request #{change_request.number} "
        f"{change_request.title}\n"
        f"-- From {revision.parent.label} to {revision.label}, PostgreSQL; "
        f"{migration.statements} statement(s). Written by Spec Studio.\n\n"
    )
    return {path: (head + migration.sql).encode("utf-8")}


#: The changelog a git target may keep (GitTarget.write_changelog), at the repository root.
CHANGELOG_PATH = "CHANGELOG.md"


def export_changelog(*, target: GitTarget, export: Export) -> RevisionChangelog | None:
    """The changelog of the exported revision when a commit will carry it: the merge's commit
    message does, and CHANGELOG.md when the target keeps one. None otherwise (not computed)."""
    change_request = _merged_request(export)
    if change_request is None and not target.write_changelog:
        return None
    return revision_changelog(
        spec=export.spec, revision=export.revision, change_request=change_request
    )


def _changelog_file(
    target: GitTarget, export: Export, clone: Path, head: str, log: RevisionChangelog | None
) -> dict[str, bytes]:
    """`{"CHANGELOG.md": text}` with the revision's section on top of the file on the branch
    (created when missing), when the target keeps one and the file has no section for it yet."""
    if not target.write_changelog or log is None:
        return {}
    current = file_read(clone=clone, commit=head, path=CHANGELOG_PATH)
    text = changelog_file_prepend(current, log.section, export.revision.label)
    return {} if text is None else {CHANGELOG_PATH: text.encode("utf-8")}


def _export_attempt(
    target: GitTarget,
    export: Export,
    clone: Path,
    files: dict,
    extra: dict | None = None,
    changelog: Callable[[], RevisionChangelog | None] = lambda: None,
) -> _Outcome:
    head = _fetch_head(target, clone)
    on_head = _blobs_at(clone, head, list(files))
    new = _blob_ids(clone, files)
    if on_head == new:
        _remember(target, new, head)
        return _Outcome(Status.NO_CHANGE, head)
    drifted = _drifted(target, on_head, new)
    if drifted:
        return _Outcome(
            Status.DRIFT, head, "Changed in git outside the studio: " + ", ".join(drifted)
        )
    log = changelog()  # only now: nothing to commit, nothing to compute
    extra = {**(extra or {}), **_changelog_file(target, export, clone, head, log)}
    blobs = {**new, **_blob_ids(clone, extra)}
    info = commit_info_build(export=export, changelog=log.body if log else "")
    sha = _commit_build(clone, head, blobs, info)
    _push(target, clone, sha, head)
    _remember(target, new, sha)
    return _Outcome(Status.SUCCEEDED, sha)


def _blob_ids(clone: Path, files: dict[str, bytes]) -> dict[str, str]:
    """Each file's blob id, the blob written to the studio's clone: one hashing for the export
    and for recognising what the studio exported."""
    return {
        path: git_run("hash-object", "-w", "--stdin", git_dir=clone, stdin=data).decode().strip()
        for path, data in files.items()
    }


def _remember(target: GitTarget, blobs: dict, sha: str) -> None:
    target.exported_blobs, target.exported_sha = blobs, sha
    target.imported_blobs, target.imported_by = {}, None
    target.save(
        update_fields=[
            "exported_blobs", "exported_sha", "imported_blobs", "imported_by", "updated_at"
        ]
    )  # fmt: skip


def _export_to_git(target: GitTarget, export: Export) -> _Outcome:
    files = {p: t.encode("utf-8") for p, t in revision_export(export.revision).items()}
    extra = migration_file(target=target, export=export)
    # The changelog costs the migration and API diff of the whole spec: computed when a commit
    # is made, once whatever the number of attempts.
    log = functools.cache(lambda: export_changelog(target=target, export=export))
    _check_paths(list(files))  # the migration's path is made from the checked schema path
    clone = _clone_ready(target)
    for _attempt in range(PUSH_ATTEMPTS):
        try:
            return _export_attempt(target, export, clone, files, extra, log)
        except _LeaseLost:
            logger.info("Export %s: the branch moved during the push; rebuilding.", export.pk)
    raise GitError(f"The branch kept moving during the push; gave up after {PUSH_ATTEMPTS} tries.")


def export_queue(
    *, spec: Spec, trigger: str, requested_by=None, change_request: ChangeRequest | None = None
) -> Export:
    """Record an export of the spec's head (queued)."""
    if not GitTarget.objects.filter(spec_id=spec.pk).exists():
        raise ServiceError("This spec has no git target: an admin sets one up first.")
    head_id = Spec.objects.values_list("head_id", flat=True).get(pk=spec.pk)
    if head_id is None:
        raise ServiceError("This spec has no published revision to export.")
    return Export.objects.create(
        spec_id=spec.pk,
        revision_id=head_id,
        trigger=trigger,
        requested_by=requested_by,
        change_request=change_request,
    )


def _lease() -> timedelta:
    return timedelta(seconds=settings.EXPORT_LEASE)


def _owner(export: Export) -> str:
    return f"export-{export.pk}"


def _lease_take(spec_id: int, owner: str) -> bool:
    """Take the spec's export lease if it is free or lapsed (one atomic UPDATE)."""
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    taken = GitTarget.objects.filter(free, spec_id=spec_id).update(
        lease_owner=owner, lease_until=now + _lease()
    )
    return taken == 1


def _lease_wait(spec_id: int, owner: str) -> bool:
    """Take the lease, waiting a few seconds at most: a blocked export must not hold a worker
    (other specs' exports queue behind it) nor a web request."""
    deadline = time.monotonic() + min(LEASE_WAIT_SECONDS, _seconds_left())
    while not _lease_take(spec_id, owner):
        if time.monotonic() + LEASE_POLL_SECONDS > deadline:
            return False
        time.sleep(LEASE_POLL_SECONDS)
    return True


def _lease_release(spec_id: int, owner: str) -> None:
    GitTarget.objects.filter(spec_id=spec_id, lease_owner=owner).update(
        lease_owner="", lease_until=None
    )


@contextmanager
def _lease_kept(spec_id: int, owner: str) -> Iterator[None]:
    """Renew the lease while the export runs. A worker that dies stops renewing it, and its
    export is marked failed once the lease lapses (exports_sweep)."""
    stop = threading.Event()
    renewer = threading.Thread(
        target=_lease_renew, args=(spec_id, owner, stop), name=f"lease-{owner}", daemon=True
    )
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()


def _lease_renew(spec_id: int, owner: str, stop: threading.Event) -> None:
    try:
        while not stop.wait(settings.EXPORT_LEASE / 3):
            try:
                kept = GitTarget.objects.filter(spec_id=spec_id, lease_owner=owner).update(
                    lease_until=timezone.now() + _lease()
                )
            except DatabaseError:
                logger.exception("Could not renew the export lease of spec %s.", spec_id)
                continue
            if not kept:
                logger.warning("The export lease of spec %s was taken over.", spec_id)
                return
    finally:
        connection.close()  # this thread's own connection


def exports_sweep(*, spec_id: int) -> int:
    """Mark failed the spec's running exports whose lease has lapsed: the worker running them
    stopped (killed, crashed, its machine lost). Returns how many; one query when none runs."""
    running = list(
        Export.objects.filter(spec_id=spec_id, status=Status.RUNNING).select_related(
            "spec", "revision", "requested_by"
        )
    )
    if not running:
        return 0
    lease = GitTarget.objects.filter(spec_id=spec_id).values("lease_owner", "lease_until").first()
    now = timezone.now()
    alive = lease and lease["lease_until"] and lease["lease_until"] > now
    stopped = 0
    for export in running:
        if alive and lease["lease_owner"] == _owner(export):
            continue
        outcome = _Outcome(Status.FAILED, error=STOPPED)
        fields = {"status": outcome.status, "error": outcome.error, "finished_at": now}
        if Export.objects.filter(pk=export.pk, status=Status.RUNNING).update(**fields):
            _audit_finish(export, outcome)
            stopped += 1
    return stopped


def export_run(*, export: Export, defer: Callable[[], None] | None = None) -> Export:
    """Run a queued export. Failures are recorded on the export, never raised.

    Exports of one spec never overlap: each holds the target's lease while git runs. No
    database transaction stays open meanwhile, so other writers (SQLite!) are not blocked and
    the "running" status is visible to everyone. When another export holds the lease for more
    than a few seconds, this one is handed to `defer` and stays queued or, without it, fails.
    """
    owner = _owner(export)
    export = Export.objects.select_related(
        "spec__workspace", "revision", "change_request__merged_by", "requested_by"
    ).get(pk=export.pk)
    if export.status != Status.QUEUED:
        return export  # run already (a task delivered twice)
    if not _lease_wait(export.spec_id, owner):
        if defer is None:
            _finish(export, _Outcome(Status.FAILED, error=BUSY))
        else:
            defer()
        return export
    try:
        exports_sweep(spec_id=export.spec_id)  # this one holds the lease: others lost theirs
        export.status, export.started_at = Status.RUNNING, timezone.now()
        queued = Export.objects.filter(pk=export.pk, status=Status.QUEUED)
        if not queued.update(status=export.status, started_at=export.started_at):
            export.refresh_from_db()
            return export  # run meanwhile by another delivery of its task
        target = GitTarget.objects.get(spec_id=export.spec_id)
        with _lease_kept(export.spec_id, owner):
            outcome = _export_outcome(target, export)
        _finish(export, outcome)
    finally:
        _lease_release(export.spec_id, owner)
    return export


def _export_outcome(target: GitTarget, export: Export) -> _Outcome:
    try:
        return _export_to_git(target, export)
    except GitError as exc:
        return _Outcome(Status.FAILED, error=str(exc))
    except Exception as exc:  # recorded so a bug never leaves an export "running"
        logger.exception("Export %s failed unexpectedly.", export.pk)
        return _Outcome(Status.FAILED, error=f"Unexpected error: {exc!r}")


def _finish(export: Export, outcome: _Outcome) -> None:
    export.status, export.commit_sha, export.error = outcome.status, outcome.sha, outcome.error
    export.finished_at = timezone.now()
    export.save(update_fields=["status", "commit_sha", "error", "finished_at"])
    _audit_finish(export, outcome)


def _audit_finish(export: Export, outcome: _Outcome) -> None:
    audit_record(
        spec=export.spec,
        actor=export.requested_by,
        verb=f"export.{outcome.status}",
        target=export.revision.label,
        commit=outcome.sha,
        error=outcome.error[:500],
        export=export.pk,  # services/notifications.py tells people of a failure or drift
    )


def export_start(*, export: Export, inline: bool = False) -> Export:
    """Run a queued export now, or hand it to the task backend: a `db_worker` with the database
    backend; the immediate backend runs it here, in the web request, so it gets a time limit
    (a few seconds after a merge) and the request never waits long on a slow remote."""
    if inline:
        return export_run(export=export)
    if export.trigger == Export.Trigger.MERGE:
        limit = _time_limit(settings.GIT_MERGE_TIMEOUT, "a merge does not wait longer for git.")
    else:
        limit = _time_limit(settings.GIT_TIMEOUT, "the most an export from a web page may take.")
    with limit:
        export_handed_off.send(Export, export_id=export.pk)
    export.refresh_from_db()
    return export


def export_now(
    *, spec: Spec, actor, change_request: ChangeRequest | None = None, inline: bool = False
) -> Export:
    """Export the head now, at an editor's request."""
    require_role(actor, spec.workspace_id, Role.EDITOR)
    return _export_manual(spec, actor, change_request, inline)


def export_by_operator(*, spec: Spec) -> Export:
    """Export the head now, in this process, for the server's operator (`manage.py export_git`):
    no member asks, so there is no role to check."""
    return _export_manual(spec, None, None, inline=True)


def _export_manual(spec: Spec, actor, change_request: ChangeRequest | None, inline: bool):
    export = export_queue(
        spec=spec, trigger=Export.Trigger.MANUAL, requested_by=actor, change_request=change_request
    )
    return export_start(export=export, inline=inline)


def export_retry(*, export: Export, actor) -> Export:
    """Export the head again after a failed export (the head includes the failed revision)."""
    require_role(actor, export.spec.workspace_id, Role.EDITOR)
    exports_sweep(spec_id=export.spec_id)
    export.refresh_from_db(fields=["status"])
    if export.status != Status.FAILED:
        raise ServiceError("Only a failed export can be retried.")
    head_id = Spec.objects.values_list("head_id", flat=True).get(pk=export.spec_id)
    same = export.revision_id == head_id
    return _export_manual(export.spec, actor, export.change_request if same else None, False)


def export_on_merge(*, change_request_id: int) -> Export | None:
    """After a merge commits: export when the spec's target commits on merge."""
    cr = ChangeRequest.objects.select_related("spec", "merged_by").get(pk=change_request_id)
    target = GitTarget.objects.filter(spec_id=cr.spec_id, commit_on_merge=True).first()
    if target is None:
        return None
    export = export_queue(
        spec=cr.spec, trigger=Export.Trigger.MERGE, requested_by=cr.merged_by, change_request=cr
    )
    return export_start(export=export)


@receiver(change_request_merged)
def _export_after_merge(sender, *, change_request_id: int, **kwargs) -> None:
    export_on_merge(change_request_id=change_request_id)


def spec_import_from_git(*, spec: Spec, actor) -> ChangeRequest:
    """Open a change request with what changed in git since the studio last exported.

    A three-way merge: the base is the revision last exported (its files are the blobs the
    studio wrote), "theirs" the files on the branch head, "ours" the spec's head. The request
    is made on the base, so that it holds only git's changes, then updated from main like any
    request: work merged since the export stays, and the same field changed on both sides is a
    conflict that its author settles with "Update from main". Without a known export (never
    exported, or the target changed since), the files are compared with the head, as a plain
    import, and the description says so. Editors and above.
    """
    require_role(actor, spec.workspace_id, Role.EDITOR)
    target = GitTarget.objects.filter(spec_id=spec.pk).first()
    if target is None:
        raise ServiceError("This spec has no git target.")
    clone = _clone_ready(target)
    head = _fetch_head(target, clone)
    base = _exported_revision(target, spec, clone)
    in_git = _blobs_at(clone, head, _paths(spec))
    if base is not None and in_git == target.exported_blobs:
        raise ServiceError(
            f"The files in git are the ones the studio exported ({base.label}): "
            "there is nothing to import."
        )
    with transaction.atomic():
        cr = _import_files(spec, actor, clone, head, base)
        conflicts = _update_from_main(cr, actor) if base is not None else 0
        cr.description = f"{_import_note(base, head, conflicts)}\n\n{cr.description}"
        cr.save(update_fields=["description", "updated_at"])
        GitTarget.objects.filter(pk=target.pk).update(imported_blobs=in_git, imported_by=cr)
    return cr


def _import_files(spec: Spec, actor, clone: Path, commit: str, base) -> ChangeRequest:
    texts = [file_read(clone=clone, commit=commit, path=path) for path in _paths(spec)]
    result = spec_import(
        workspace=spec.workspace,
        spec_slug=spec.slug,
        api_text=texts[0],
        schema_text=texts[1],
        author=actor,
        review_title="Import changes from git",
        mode=REPLACE,  # the branch holds the whole spec: what it lacks was removed there
        base=base,
    )
    if not result.ok:
        details = "; ".join(str(error) for error in result.errors[:5])
        raise ServiceError(f"The files in git could not be imported: {details}")
    return result.change_request


def _update_from_main(cr: ChangeRequest, actor) -> int:
    """Rebase a request made on the exported revision onto the head, as "Update from main"
    does; with conflicts it stays on that revision. Returns the number of conflicts."""
    conflicts = change_request_update_from_head(change_request=cr, actor=actor).conflicts
    cr.refresh_from_db()
    return len(conflicts)


def _exported_revision(target: GitTarget, spec: Spec, clone: Path):
    """The revision whose files the studio last wrote to the branch, or None if unknown.

    The latest export that left the branch at `exported_sha`, checked against the blobs the
    studio remembers writing (the spec's file paths may have changed since).
    """
    if not target.exported_sha or not target.exported_blobs:
        return None
    export = (
        Export.objects.filter(
            spec_id=spec.pk,
            commit_sha=target.exported_sha,
            status__in=[Status.SUCCEEDED, Status.NO_CHANGE],
        )
        .select_related("revision")
        .order_by("-pk")
        .first()
    )
    if export is None:
        return None
    files = {path: text.encode("utf-8") for path, text in revision_export(export.revision).items()}
    return export.revision if _blob_ids(clone, files) == target.exported_blobs else None


def _import_note(base, commit: str, conflicts: int) -> str:
    """What the request holds, first in its description."""
    at = f"commit {commit[:10]}"
    if base is None:
        return (
            f"The files as they are in git ({at}), compared with main: the studio has no "
            "record of exporting them to this branch, so anything main has and git does not "
            "shows as removed. Review every change."
        )
    since = f"What changed in git since the studio exported {base.label}, up to {at}"
    if conflicts:
        return (
            f"{since}. Main has changed since {base.label} and {conflicts} change(s) "
            "conflict with git's: press “Update from main” and choose a side for each."
        )
    return f"{since}, on top of main."


def _paths(spec: Spec) -> list[str]:
    return [spec.api_path, spec.schema_path]


def export_latest(*, spec: Spec) -> Export | None:
    """The spec's newest export; a running one whose worker stopped is marked failed first."""
    latest = Export.objects.filter(spec_id=spec.pk).select_related("revision").first()
    if latest is not None and latest.status == Status.RUNNING and exports_sweep(spec_id=spec.pk):
        latest.refresh_from_db()
    return latest


def export_of_merge(*, change_request: ChangeRequest) -> Export | None:
    """The export that merging `change_request` queued, if its target commits on merge."""
    merge = Export.Trigger.MERGE
    return Export.objects.filter(change_request_id=change_request.pk, trigger=merge).first()


def git_target_save(
    *,
    spec: Spec,
    actor,
    repository: str,
    branch: str,
    commit_on_merge: bool,
    write_migrations: bool = False,
    write_changelog: bool = False,
) -> GitTarget:
    """Create or change the target (admins only). A new repository or branch forgets what was
    exported. The target must be one git can use: see git_target_check."""
    require_role(actor, spec.workspace_id, Role.ADMIN)
    git_target_check(spec_id=spec.pk, repository=repository, branch=branch)
    with transaction.atomic():
        target = GitTarget.objects.select_for_update().filter(spec_id=spec.pk).first()
        target = target or GitTarget(spec=spec)
        if (target.repository, target.branch) != (repository, branch):
            target.exported_blobs, target.exported_sha = {}, ""
            target.imported_blobs, target.imported_by = {}, None
        target.repository, target.branch = repository, branch
        target.commit_on_merge = commit_on_merge
        target.write_migrations = write_migrations
        target.write_changelog = write_changelog
        target.save()
        audit_record(
            spec=spec, actor=actor, verb="git_target.saved", target=f"{repository} {branch}"
        )
    return target
