"""python manage.py measure_import DIR [--format text|json]
python manage.py measure_import --scaling [--sizes 1,2] [--format text|json]

Runs `import_spec --dry-run --format json` on every markdown file under DIR (files under a
folder named `db` or `database`, or whose name says schema, are schema files; the rest are
endpoint files) and prints one row per file: what the importer found, what a plain scan of the
file says is there, the warnings and errors, and the time taken. Nothing is written.

The expected counts come from a scan that is independent of the importer:
- endpoints: distinct `METHOD /path` pairs outside code blocks (or on a code block's first
  line), leaving out concrete example paths (a numeric or UUID segment);
- models: distinct tables named by `CREATE TABLE`, by a SQLModel class with `table=True`, or by
  a heading whose section holds a table with a column-name and a type column, two list items
  shaped `name: type`, or a table definition written without CREATE TABLE (`users (`).
An endpoint counts as recognised when the importer found that method and path; a model when the
importer found it (by table or singular name) with at least one field.

With --scaling, it times a dry-run import (the page's preview) of synthetic files of several
shapes (_import_shapes.py) at each size in megabytes, in CPU seconds of this process (so that
other work on the machine does not blur the figures), and prints how the time grew: about 2 for
twice the size means reading is linear in the file's size.
"""

import io
import json
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from specs_app.management.commands._import_shapes import SHAPES, shaped_file
from specs_app.models import Workspace
from specs_app.services.imports import spec_import

_METHOD_PATH = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE)\**\s+`?(/[^\s`)\]|,*]*)")
#: A segment with a digit that is not a version (`v1`) nor a {placeholder}: a concrete
#: example such as /tasks/42 or /api/user123/tasks, not an endpoint of the spec.
_EXAMPLE_SEGMENT = re.compile(r"/(?!v\d+(?:/|$))[^/{}:]*\d[^/{}]*(?=/|$)")
_CREATE_TABLE = re.compile(
    r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?[`\"]?(?:\w+\.)?[`\"]?(\w+)", re.IGNORECASE
)
_SQLMODEL_CLASS = re.compile(r"^\s*class\s+(\w+)\([^)]*table\s*=\s*True", re.MULTILINE)
_TABLENAME = re.compile(r"__tablename__\s*=\s*['\"](\w+)['\"]")
_HEADING = re.compile(r"^#{1,6}\s+(.*)$")
_FIELD_ITEM = re.compile(
    r"^\s*[-*]\s+(?:`\w+`|\*\*\w+\*\*|\w+)\s*(?:\(|:|-|—)\s*\(?\s*(?:int|integer|bigint|serial|"
    r"uuid|varchar|char|text|string|str|bool|boolean|date|datetime|timestamp|float|decimal|"
    r"numeric|json|jsonb|enum)\b",
    re.IGNORECASE,
)
_FIELD_TABLE = re.compile(
    r"^\|\s*\**\s*(field|column|column name|name|attribute)\b.*\btype\b", re.I
)


@dataclass
class FileReport:
    file: str
    kind: str
    expected: int
    recognised: int
    found: int
    warnings: int
    errors: int
    seconds: float
    ok: bool
    crashed: str = ""
    missing: list[str] = field(default_factory=list)


class Command(BaseCommand):
    help = "Dry-run the importer over a folder of real-world spec files and measure it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", metavar="DIR", nargs="?")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--scaling",
            action="store_true",
            help="Time synthetic files of several shapes at each of --sizes instead.",
        )
        parser.add_argument(
            "--sizes", default="1,2", help="Sizes in MB for --scaling (default: 1,2)."
        )

    def handle(self, *args, **options) -> None:
        if options["scaling"]:
            sizes = [float(size) for size in options["sizes"].split(",")]
            rows = scaling_rows(sizes)
            if options["format"] == "json":
                self.stdout.write(json.dumps(rows, indent=2))
            else:
                self.stdout.write(scaling_table(rows))
            return
        if options["folder"] is None:
            raise CommandError("Give a folder DIR, or --scaling.")
        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        files = sorted(
            p
            for p in folder.rglob("*")
            if p.suffix in (".md", ".py", ".sql") and p.name.lower() != "readme.md"
        )
        reports = [measure_file(path, folder) for path in files]
        if options["format"] == "json":
            self.stdout.write(json.dumps([asdict(r) for r in reports], indent=2))
        else:
            self.stdout.write(text_table(reports))
        crashed = [r.file for r in reports if r.crashed]
        if crashed:
            raise CommandError(f"The importer crashed on {len(crashed)} file(s): {crashed}")


def file_kind(path: Path, folder: Path) -> str:
    parts = {part.lower() for part in path.relative_to(folder).parts[:-1]}
    if parts & {"db", "database", "schema"} or "schema" in path.name.lower():
        return "schema"
    return "api"


def measure_file(path: Path, folder: Path) -> FileReport:
    kind = file_kind(path, folder)
    text = path.read_bytes().decode("utf-8", errors="replace")
    expected = expected_endpoints(text) if kind == "api" else expected_models(text)
    started = time.perf_counter()
    report, crashed = _dry_run(path, kind)
    seconds = time.perf_counter() - started
    found = _found(report, kind)
    recognised = [item for item in expected if item in found]
    return FileReport(
        file=str(path.relative_to(folder)),
        kind=kind,
        expected=len(expected),
        recognised=len(recognised),
        found=len(found),
        warnings=len(report.get("warnings", [])),
        errors=len(report.get("errors", [])),
        seconds=round(seconds, 3),
        ok=bool(report.get("ok")),
        crashed=crashed,
        missing=sorted(set(expected) - set(recognised)),
    )


def _dry_run(path: Path, kind: str) -> tuple[dict, str]:
    out = io.StringIO()
    option = "--api" if kind == "api" else "--schema"
    try:
        call_command(
            "import_spec",
            "corpus/measure",
            option,
            str(path),
            "--dry-run",
            "--format=json",
            stdout=out,
        )
    except SystemExit:
        pass  # exit status 1: the report says why
    except Exception as exc:  # noqa: BLE001 - a crash is what this command measures
        return {}, f"{type(exc).__name__}: {exc}"
    try:
        return json.loads(out.getvalue()), ""
    except ValueError:
        return {}, "no JSON report"


def _found(report: dict, kind: str) -> set[str]:
    found = report.get("found", {})
    if kind == "api":
        return {_endpoint_key(*item.split(" ", 1)) for item in found.get("endpoints", [])}
    return {model_key(name) for name, fields in found.get("models", {}).items() if fields}


def _endpoint_key(method: str, path: str) -> str:
    path = path.split("?", 1)[0].rstrip("/.,:;") or "/"
    return f"{method.upper()} {path}"


def expected_endpoints(text: str) -> list[str]:
    found: dict[str, None] = {}
    for line in _lines_outside_code(text):
        for method, path in _METHOD_PATH.findall(line):
            if _EXAMPLE_SEGMENT.search(path.split("?", 1)[0]):
                continue
            found[_endpoint_key(method, path)] = None
    return list(found)


def _lines_outside_code(text: str) -> list[str]:
    kept, in_code, first_in_code = [], False, False
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.strip().startswith(("```", "~~~")):
            in_code, first_in_code = not in_code, not in_code
            continue
        if not in_code or first_in_code:
            kept.append(line)
        first_in_code = False
    return kept


def expected_models(text: str) -> list[str]:
    names: dict[str, None] = {}
    for name in _CREATE_TABLE.findall(text):
        names[model_key(name)] = None
    for match in _SQLMODEL_CLASS.finditer(text):
        following = text[match.end() : match.end() + 2000]
        tablename = _TABLENAME.search(following.split("\nclass ", 1)[0])
        names[model_key(tablename.group(1) if tablename else match.group(1))] = None
    for heading in _headings_over_field_tables(text):
        names[model_key(heading)] = None
    return list(names)


#: `Users (` opening a table definition written without CREATE TABLE.
_BARE_SQL_TABLE = re.compile(r"^[A-Za-z_]\w*\s*\($")
_GENERIC_HEADING = re.compile(
    r"^[\W\d.]*(fields?|columns?|columns? details?|attributes|schema|structure|"
    r"table structure)\W*$",
    re.I,
)


def _headings_over_field_tables(text: str) -> list[str]:
    """Headings whose section holds a field table, or two list items shaped `name: type`; a
    heading such as `#### Columns` stands for the heading above it."""
    headings, current, items = [], None, 0
    named: dict[int, str] = {}
    for line in text.replace("\r\n", "\n").split("\n"):
        heading = _HEADING.match(line)
        if heading:
            level = len(line) - len(line.lstrip("#"))
            if _GENERIC_HEADING.match(heading.group(1)):
                current = next((named[n] for n in range(level - 1, 0, -1) if n in named), None)
            else:
                named = {n: t for n, t in named.items() if n < level} | {level: heading.group(1)}
                current = heading.group(1)
            items = 0
            continue
        items += bool(_FIELD_ITEM.match(line))
        bare_sql_table = _BARE_SQL_TABLE.match(line) and not _CREATE_TABLE.search(line)
        if current and (_FIELD_TABLE.match(line.strip()) or items == 2 or bare_sql_table):
            headings.append(current)
            current = None
    return headings


def model_key(name: str) -> str:
    """`### 2. Tasks Table (\\`tasks\\`)`, `tasks`, `Task` → `task`."""
    code = re.search(r"`([^`]+)`", name)
    text = code.group(1) if code else name
    text = re.sub(r"\(.*?\)", "", text)
    text = re.sub(r"^[\d.\s]+|\b(table|model|entity|schema)\b\s*\d*:?", "", text, flags=re.I)
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text)
    words = re.findall(r"[A-Za-z0-9]+", text)
    key = "_".join(word.lower() for word in words)
    key = re.sub(r"ies$", "y", key)
    return re.sub(r"(?<!s)s$", "", key)


def text_table(reports: list[FileReport]) -> str:
    lines = [
        f"{'file':52} {'kind':6} {'expect':>6} {'recog':>6} {'found':>6} "
        f"{'warn':>5} {'err':>4} {'sec':>6} {'ok':>3}  note"
    ]
    for r in reports:
        note = r.crashed or ("" if r.recognised >= 0.9 * r.expected else "below 90%")
        lines.append(
            f"{r.file[:52]:52} {r.kind:6} {r.expected:6} {r.recognised:6} {r.found:6} "
            f"{r.warnings:5} {r.errors:4} {r.seconds:6.3f} {'yes' if r.ok else 'no':>3}  {note}"
        )
    for kind in ("api", "schema"):
        subset = [r for r in reports if r.kind == kind]
        expected = sum(r.expected for r in subset)
        recognised = sum(r.recognised for r in subset)
        share = recognised / expected if expected else 1.0
        slowest = max((r.seconds for r in subset), default=0.0)
        crashes = sum(bool(r.crashed) for r in subset)
        importable = sum(r.ok for r in subset)
        lines.append(
            f"TOTAL {kind}: {len(subset)} files, {recognised}/{expected} recognised "
            f"({share:.1%}), {importable} importable, {crashes} crashes, "
            f"slowest {slowest:.3f} s"
        )
    return "\n".join(lines) + "\n"


def scaling_rows(sizes: list[float]) -> list[dict]:
    """For each shape: the CPU seconds of a dry-run import at each size, and the growth from the
    first size to the last."""
    rows = []
    for shape, (kind, _) in SHAPES.items():
        seconds = [_cpu_seconds(kind, shaped_file(shape, int(mb * 1_000_000))) for mb in sizes]
        growth = seconds[-1] / seconds[0] if seconds[0] else 0.0
        rows.append(
            {
                "shape": shape,
                "kind": kind,
                "sizes_mb": sizes,
                "seconds": [round(s, 3) for s in seconds],
                "growth": round(growth, 2),
            }
        )
    return rows


def _cpu_seconds(kind: str, text: str) -> float:
    with transaction.atomic():
        workspace = Workspace.objects.create(slug="measure-scaling", name="Measure scaling")
        started = time.process_time()
        spec_import(workspace=workspace, spec_slug="shape", dry_run=True, **{f"{kind}_text": text})
        seconds = time.process_time() - started
        transaction.set_rollback(True)
    return seconds


def scaling_table(rows: list[dict]) -> str:
    sizes = rows[0]["sizes_mb"] if rows else []
    header = f"{'shape':22} {'kind':6} " + " ".join(f"{f'{mb:g} MB s':>9}" for mb in sizes)
    lines = [f"{header} {'growth':>7}"]
    for row in rows:
        times = " ".join(f"{s:9.2f}" for s in row["seconds"])
        lines.append(f"{row['shape']:22} {row['kind']:6} {times} {row['growth']:7.2f}")
    ratio = sizes[-1] / sizes[0] if sizes else 0
    lines.append(f"(CPU seconds of a dry-run import; linear reading grows about {ratio:g}x)")
    return "\n".join(lines) + "\n"
