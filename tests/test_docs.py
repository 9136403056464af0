"""docs/format.md cannot drift from the code: its examples are checked against the reference pair
and the importer, and every element the code writes or defines must be named on the page.

The page marks its checked examples with an HTML comment on the line before the fence:
`<!-- verbatim: PATH -->` (copied unchanged from PATH), `<!-- canonical: api|schema -->` (a whole
file that imports without a warning), `<!-- report: api|schema -->` (a whole file) followed by
`<!-- expected report -->` (lines that `import_spec --dry-run` prints for it).
"""

import contextlib
import importlib
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
FORMAT_DOC = ROOT / "docs" / "format.md"
ARCHITECTURE_DOC = ROOT / "docs" / "architecture.md"
REFERENCE_DIR = ROOT / "specs_app" / "demo" / "todo" / "specs"
FILE_PATHS = {"api": "specs/api/rest-endpoints.md", "schema": "specs/database/schema.md"}

#: Where the canonical syntax module lives: the interchange package, or before it the markdown
#: services package.
SYNTAX_MODULE = "specs_app.interchange.canonical.syntax"
LINES_MODULE = "specs_app.interchange.lines"

_MARKED_FENCE = re.compile(
    r"^<!-- (?P<mark>[a-z ]+)(?::\s*(?P<arg>\S+))? -->\n"
    r"(?P<fence>`{3,})(?P<lang>\w*)\n(?P<body>.*?)^(?P=fence)$",
    re.MULTILINE | re.DOTALL,
)


def _doc() -> str:
    return FORMAT_DOC.read_text(encoding="utf-8")


def _marked(mark: str) -> list[tuple[str | None, str]]:
    return [
        (match["arg"], match["body"])
        for match in _MARKED_FENCE.finditer(_doc())
        if match["mark"] == mark
    ]


def _syntax_module():
    return importlib.import_module(SYNTAX_MODULE)


def _lines_module():
    """The one-line spellings the canonical format shares with the variants reader."""
    return importlib.import_module(LINES_MODULE)


def _missing(names: set[str], text: str) -> list[str]:
    """The names that `text` does not contain as a whole token ("auto" in "automatic" or "PK" in
    "PKG" does not count)."""
    return sorted(name for name in names if not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text))


# ---------------------------------------------------------------------------------------------
# Examples


def test_examples_from_the_reference_pair_are_verbatim():
    examples = _marked("verbatim")
    files = {path for path, _ in examples}

    assert files == {
        "specs_app/demo/todo/specs/api/rest-endpoints.md",
        "specs_app/demo/todo/specs/database/schema.md",
    }, "every example should name one of the two reference files"
    for path, body in examples:
        reference = (ROOT / path).read_text(encoding="utf-8")
        assert body in reference, f"this example is not in {path}:\n{body}"
    assert len(examples) >= 10


def test_a_changed_reference_file_is_noticed(tmp_path):
    """The check above compares text, not a pattern: one changed character fails it."""
    path, body = _marked("verbatim")[1]
    changed = body.replace("Required", "Optional", 1)

    assert changed != body
    assert changed not in (ROOT / path).read_text(encoding="utf-8")


@pytest.mark.django_db
def test_canonical_examples_import_without_a_warning(tmp_path, monkeypatch):
    examples = _marked("canonical")

    assert examples
    for number, (key, body) in enumerate(examples):
        report = _dry_run(key, body, tmp_path / str(number), monkeypatch)
        assert "the import is valid" in report, report
        assert "Warnings" not in report and "Errors" not in report, report


@pytest.mark.django_db
def test_the_documented_report_is_what_the_importer_says(tmp_path, monkeypatch):
    [(key, body)] = _marked("report")
    [(_, expected)] = _marked("expected report")
    report = _dry_run(key, body, tmp_path, monkeypatch)

    for line in expected.splitlines():
        assert line in report.splitlines(), f"{line!r} not in the importer's report:\n{report}"


def _dry_run(key: str, body: str, tmp_path, monkeypatch) -> str:
    path = tmp_path / FILE_PATHS[key]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    # Exit status 1 when nothing could be imported: the report is printed all the same.
    with contextlib.suppress(SystemExit):
        call_command(
            "import_spec", "docs/example", f"--{key}", FILE_PATHS[key], "--dry-run", stdout=out
        )
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Every element is named on the page


def _constant_texts(module) -> dict[str, set[str]]:
    """The public upper-case text constants of `module` (strings, and the strings in tuples and
    dicts), by name. Marker constants are regular expressions: their literal text is taken."""
    texts = {}
    for name, value in vars(module).items():
        if name.startswith("_") or not name.isupper():
            continue
        if isinstance(value, str):
            strings = {value}
        elif isinstance(value, tuple | list):
            strings = {item for item in value if isinstance(item, str)}
        elif isinstance(value, dict):
            strings = {item for pair in value.items() for item in pair if isinstance(item, str)}
        else:
            continue
        if name.endswith("MARKERS"):
            strings = {_regex_literal(pattern) for pattern in strings}
        texts[name] = {text.strip() for text in strings if text.strip()}
    return texts


def _regex_literal(pattern: str) -> str:
    return re.sub(r"\\(.)", r"\1", pattern.removeprefix("^").removesuffix(r"\r?$"))


def test_every_text_the_syntax_module_defines_is_on_the_page():
    texts = _constant_texts(_syntax_module()) | _constant_texts(_lines_module())
    doc = _doc()

    assert {"API_TITLE", "SCHEMA_TITLE", "FIELDS_HEADER", "ON_DELETE_ACTIONS"} <= set(texts)
    missing = {name: _missing(values, doc) for name, values in texts.items()}
    missing = {name: values for name, values in missing.items() if values}
    assert not missing, f"docs/format.md does not mention: {missing}"


def test_a_renamed_constant_is_noticed(monkeypatch):
    """As if someone renamed an element in the syntax module without updating the page."""
    module = _syntax_module()
    monkeypatch.setattr(module, "NO_CONTENT", "No body", raising=True)

    missing = _missing(_constant_texts(module)["NO_CONTENT"], _doc())

    assert missing == ["No body"]


_HEADING = re.compile(r"^(?:#|###) .+$", re.MULTILINE)
_LABEL = re.compile(r"\*\*[^*\n]+\*\*")


def _structure(text: str) -> set[str]:
    """The words of the template in an exported file: titles, `###` headings, `**labels**`."""
    return set(_HEADING.findall(text)) | set(_LABEL.findall(text))


@pytest.mark.django_db
def test_every_heading_and_label_the_exporter_writes_is_on_the_page(tmp_path):
    exported = _export_reference_pair(tmp_path)
    elements = set().union(*(_structure(text) for text in exported.values()))
    doc = _doc()

    assert {"### Request", "### Migration Notes", "**Method**", "**Success (204)**"} <= elements
    assert not _missing(elements, doc), (
        f"docs/format.md does not mention: {_missing(elements, doc)}"
    )


def test_structure_finds_a_renamed_heading():
    renamed = "# REST API Endpoints\n\n## X\n\n**Verb**: GET\n\n### Rules\n- None\n"

    assert _missing(_structure(renamed), _doc()) == ["### Rules", "**Verb**"]


def _export_reference_pair(tmp_path) -> dict[str, str]:
    """Import the reference pair as a new spec and export it, through the commands."""
    quiet = io.StringIO()
    call_command(
        "import_spec",
        "docs/todo",
        "--api",
        str(REFERENCE_DIR / "api" / "rest-endpoints.md"),
        "--schema",
        str(REFERENCE_DIR / "database" / "schema.md"),
        stdout=quiet,
    )
    call_command("export_spec", "docs/todo", "--out", str(tmp_path), stdout=quiet)
    return {key: (tmp_path / path).read_text(encoding="utf-8") for key, path in FILE_PATHS.items()}


# ---------------------------------------------------------------------------------------------
# Links


@pytest.mark.parametrize("doc", [FORMAT_DOC, ARCHITECTURE_DOC, ROOT / "README.md"])
def test_relative_links_point_at_files_that_exist(doc):
    links = re.findall(r"\]\((?!https?:|#)([^)#\s]+)", doc.read_text(encoding="utf-8"))
    missing = [link for link in links if not (doc.parent / link).exists()]

    assert not missing


@pytest.mark.parametrize("doc", [FORMAT_DOC, ARCHITECTURE_DOC])
def test_links_within_a_page_point_at_its_headings(doc):
    text = doc.read_text(encoding="utf-8")
    headings = {_slug(h) for h in re.findall(r"^#+ (.+)$", _without_fences(text), re.MULTILINE)}
    anchors = set(re.findall(r"\]\(#([^)]+)\)", text))

    assert anchors and anchors <= headings, sorted(anchors - headings)


def _without_fences(text: str) -> str:
    return re.sub(r"^(`{3,}).*?^\1$", "", text, flags=re.MULTILINE | re.DOTALL)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_readme_links_both_documents():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    assert "(docs/format.md)" in readme and "(docs/architecture.md)" in readme


def test_no_comment_points_to_a_format_file_outside_the_repository():
    stale = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("specs_app", "studio", "tests", "templates")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".html", ".md"} and path.name != "test_docs.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"(?<![\w/])FORMAT\.md", line)
    ]

    assert not stale, f"FORMAT.md is not in the repository; point these to docs/format.md: {stale}"
