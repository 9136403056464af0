"""python manage.py bench [--endpoints 1000] [--models 300] [--runs 5] [--reuse]
[--format text|json]

Builds a big spec in a fresh database (a test database beside the configured one; --reuse keeps
it between runs and reuses the spec) and prints, for each operation and page, the median time
of the runs, its number of queries and, for pages, the ratio to a trivial view. See
specs_app/perf/benchmark.py. Exit status 0 even when a budget is exceeded: the figures are the
output.
"""

import json
import platform

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connections
from django.test.utils import setup_databases, teardown_databases

from specs_app.perf.benchmark import Report, run_bench
from specs_app.perf.bigspec import BigSpecSize


class Command(BaseCommand):
    help = "Measure the studio on a big spec: operations and pages, median seconds and queries."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--endpoints", type=int, default=1000)
        parser.add_argument("--models", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--reuse", action="store_true", help="Keep the database for next time.")
        parser.add_argument(
            "--current-database",
            action="store_true",
            help="Measure in the configured database instead of a fresh one (for tests).",
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options) -> None:
        size = BigSpecSize(options["endpoints"], options["models"], options["seed"])
        if options["current_database"]:
            report = run_bench(size, runs=options["runs"])
        else:
            report = _in_fresh_database(size, options["runs"], keep=options["reuse"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(report.to_list(), indent=2))
        else:
            self.stdout.write(text_report(report))


def _in_fresh_database(size: BigSpecSize, runs: int, *, keep: bool) -> Report:
    _bench_database_on_disk()
    old_config = setup_databases(verbosity=0, interactive=False, keepdb=keep)
    try:
        return run_bench(size, runs=runs)
    finally:
        teardown_databases(old_config, verbosity=0, keepdb=keep)


def _bench_database_on_disk() -> None:
    """SQLite's test database is in memory by default; the bench measures a file, as served."""
    database = connections["default"].settings_dict
    if database["ENGINE"].endswith("sqlite3"):
        database["TEST"]["NAME"] = str(settings.VAR_DIR / "bench.sqlite3")


def text_report(report: Report) -> str:
    lines = [
        f"Spec: {report.size.endpoints} endpoints, {report.size.models} models, "
        f"{report.rows} rows; database: {report.vendor}; "
        f"machine: {platform.machine()}, {_cpus()} cores, Python {platform.python_version()}",
        f"{'operation':24} {'median s':>9} {'first s':>8} {'queries':>8} {'x trivial':>10}  budget",
    ]
    for figure in report.figures:
        ratio = f"{figure.ratio:10.1f}" if figure.ratio is not None else " " * 10
        verdict = {True: "ok", False: "OVER", None: ""}[figure.within]
        lines.append(
            f"{figure.name:24} {figure.seconds:9.4f} {figure.first_seconds:8.3f} "
            f"{figure.queries:8d} {ratio}  {figure.budget} {verdict}".rstrip()
        )
    lines.append(
        "Operations start each run with an empty cache. Pages: the median of repeated views "
        "(published revisions' derived data cached), and the first view with an empty cache."
    )
    return "\n".join(lines) + "\n"


def _cpus() -> int:
    import os

    return os.cpu_count() or 1
