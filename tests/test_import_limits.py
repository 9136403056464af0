"""Pathological files: the same limits for every file, canonical or not, and deep nesting read
as a clear error with its file and line, never a crash."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from specs_app.interchange.markdown_variants.blocks import MAX_BYTES
from specs_app.models import Revision, Spec
from specs_app.services.imports import spec_import
from tests.markdown_helpers import golden_api, make_workspace

pytestmark = pytest.mark.django_db

URL = reverse("specs_app:spec_import", args=["acme"])

#: `{"a": ` five thousand times in a fenced block of an endpoint file, on line 7.
DEEP_JSON = (
    "# Tasks API\n\n## POST /api/tasks\n\nRequest body:\n\n```json\n" + '{"a": ' * 5000 + "\n```\n"
)


def _import(text: str, **options):
    return spec_import(
        workspace=make_workspace("limits"), spec_slug="deep", api_text=text, **options
    )


def _run_import_spec(path) -> tuple[dict, int]:
    out = StringIO()
    try:
        call_command("import_spec", "limits/deep", "--api", str(path), "--format=json", stdout=out)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return json.loads(out.getvalue()), code


def test_deep_json_is_an_error_with_file_and_line_on_the_page(client_for, editor):
    response = client_for(editor).post(
        URL, {"spec_slug": "deep", "api_text": DEEP_JSON, "confirm": "1"}
    )

    assert response.status_code == 400
    errors = response.content.decode().split('data-testid="import-errors"', 1)[1]
    assert "rest-endpoints.md, line 7: the code block on line 7 nests brackets" in errors
    assert not Spec.objects.exists() and not Revision.objects.exists()


def test_deep_json_is_an_error_from_import_spec(tmp_path):
    path = tmp_path / "deep.md"
    path.write_text(DEEP_JSON)

    report, code = _run_import_spec(path)

    assert code == 1 and not report["ok"]
    assert report["errors"][0]["file"] == str(path)
    assert report["errors"][0]["line"] == 7
    assert not Spec.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        "# API\n\n## GET /x\n\n" + "".join(" " * (2 * i) + "- item\n" for i in range(3000)),
        "# API\n\n## GET /x\n\n" + ">" * 5000 + " quoted\n",
        "# API\n\n" + "".join("#" * (1 + i % 6) + f" GET /x{i}\n" for i in range(3000)),
        "# Schema\n\n## tasks\n\n```python\nclass Task(SQLModel, table=True):\n    id: "
        + "int | " * 5000
        + "int\n```\n",
        "# Schema\n\n## tasks\n\n```sql\nCREATE TABLE t (id int DEFAULT "
        + "(" * 5000
        + "1"
        + ")" * 5000
        + ");\n```\n",
    ],
    ids=["deep-list", "deep-blockquote", "many-heading-levels", "python-union", "sql-parens"],
)
def test_other_deep_structures_are_read_or_refused_without_a_crash(text):
    workspace = make_workspace("limits")
    for kind in ("api_text", "schema_text"):
        result = spec_import(workspace=workspace, spec_slug="deep", dry_run=True, **{kind: text})
        assert result.ok or all(error.line >= 1 for error in result.errors)


def test_a_canonical_file_over_the_size_limit_is_refused():
    api = golden_api()
    big = api + "\n" + "x" * (MAX_BYTES - len(api) + 10) + "\n"

    result = _import(big, dry_run=True)

    assert not result.ok
    assert [e.message for e in result.errors] == ["the file is larger than 4 MB; nothing was read"]


def test_nul_bytes_in_a_canonical_file_are_refused_with_their_line():
    api = golden_api()
    lines = api.split("\n")
    lines[40] += "\x00"

    result = _import("\n".join(lines))

    assert not result.ok
    assert result.errors[0].line == 41
    assert (
        "binary" in result.errors[0].message and "NUL byte on line 41" in result.errors[0].message
    )
    assert not Spec.objects.exists()


def test_the_page_shows_the_first_report_lines_and_counts_the_rest(client_for, editor):
    api = golden_api() + "".join(f"## Heading {i}\n" for i in range(700))

    response = client_for(editor).post(URL, {"spec_slug": "many", "api_text": api})

    warnings = response.content.decode().split('data-testid="import-warnings"', 1)[1]
    warnings = warnings.split("</ul>", 1)[0]
    total = len(_import(api, dry_run=True).warnings)
    assert total > 500 and warnings.count("<li>") == 500
    assert f"… and {total - 500} more" in warnings
