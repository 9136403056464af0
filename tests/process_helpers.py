"""Real studio processes (a `db_worker`, gunicorn) on the test database, and git remotes that
hang: for tests of what happens when a process dies or a remote never answers.

The tests must commit what they write (`django_db(transaction=True)`). On PostgreSQL the worker
connects to the test database itself. On SQLite the test database lives in this process's
memory, so SharedDatabase copies it to a file for the worker (`push`) and back (`pull`) with
SQLite's backup API; on PostgreSQL both are no-ops.
"""

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class SharedDatabase:
    def __init__(self, tmp_path: Path):
        self.log = tmp_path / "processes.log"
        self.file = None
        if connection.vendor == "sqlite":
            self.file = tmp_path / "shared.sqlite3"
            self.url = f"sqlite:///{self.file}"
        else:
            db = connection.settings_dict
            user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
            self.url = f"postgres://{user}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"

    def push(self) -> None:
        """Make what this process wrote visible to the worker."""
        if self.file is not None:
            connection.ensure_connection()
            with sqlite3.connect(self.file) as copy:
                connection.connection.backup(copy)
            copy.close()

    def pull(self) -> None:
        """See what the worker wrote (this process's own writes since `push` are dropped)."""
        if self.file is not None:
            connection.ensure_connection()
            with sqlite3.connect(self.file, timeout=20) as copy:
                copy.backup(connection.connection)
            copy.close()

    def worker(self, *args: str, **env: str) -> subprocess.Popen:
        """`manage.py db_worker` in a session of its own (see kill_session)."""
        command = [sys.executable, "manage.py", "db_worker", "--interval", "0.1"]
        return self._start(
            [*command, "--no-startup-delay", *args], STUDIO_TASKS_BACKEND="database", **env
        )

    def web_server(self, **env: str) -> tuple[subprocess.Popen, int]:
        """gunicorn with its default settings (one worker, a 30 s worker timeout), serving the
        studio on a free port once it answers; (process, port)."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        command = [sys.executable, "-m", "gunicorn", "studio.wsgi", "--bind", f"127.0.0.1:{port}"]
        server = self._start(command, ALLOWED_HOSTS="127.0.0.1", **env)
        give_up = time.monotonic() + 30
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    return server, port
            if server.poll() is not None or time.monotonic() > give_up:
                kill_session(server)
                raise AssertionError(f"gunicorn did not start:\n{self.log.read_text()}")
            time.sleep(0.1)

    def _start(self, command: list[str], **env: str) -> subprocess.Popen:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "studio.settings_test",
            "DATABASE_URL": self.url,
            "STUDIO_GIT_DIR": str(settings.GIT_DATA_DIR),
            # The processes accept the same local repositories as the test that starts them.
            "STUDIO_GIT_LOCAL_ROOTS": ",".join(str(root) for root in settings.GIT_LOCAL_ROOTS),
            **env,
        }
        with self.log.open("ab") as log:
            return subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until(self, what: str, check: Callable[[], object], seconds: float = 30) -> object:
        """Pull until `check()` is true; its value."""
        give_up = time.monotonic() + seconds
        while True:
            self.pull()
            value = check()
            if value:
                return value
            if time.monotonic() > give_up:
                log = self.log.read_text() if self.log.exists() else ""
                raise AssertionError(f"Not within {seconds}s: {what}\nProcesses' log:\n{log}")
            time.sleep(0.1)


def kill_session(leader: subprocess.Popen) -> None:
    """SIGKILL the process and everything it started (its session: git and git's hooks too), as
    if its machine went away."""
    for pid in _session(leader.pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    leader.wait(timeout=10)


def _session(sid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()  # state ppid pgrp session ...
            if int(fields[3]) == sid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def hang_pushes(remote: Path, *, seconds: int = 60) -> tuple[Path, Path]:
    """Pushes to `remote` hang, like a remote that never answers, until the `release` file
    exists (at most `seconds`), then are refused. Returns (release, pidfile): the hook writes
    its process id to pidfile."""
    release, pidfile = remote.parent / "release", remote.parent / "hook.pid"
    hook = remote / "hooks" / "pre-receive"
    hook.write_text(
        "#!/bin/sh\n"
        f'echo $$ > "{pidfile}"\n'
        "i=0\n"
        f'while [ ! -e "{release}" ] && [ $i -lt {seconds * 10} ]; do sleep 0.1; i=$((i+1)); done\n'
        "echo 'the remote hung' >&2\n"
        "exit 1\n"
    )
    hook.chmod(0o755)
    return release, pidfile
