"""Importing real-world variants end to end: records written, the report a reviewer reads,
malformed inputs refused with their lines, and the export → import → export fixed point."""

from pathlib import Path

import pytest

from specs_app.models import BusinessRule, Endpoint, Parameter
from specs_app.services.export import revision_export
from specs_app.services.imports import spec_import
from tests.factories import UserFactory
from tests.markdown_helpers import (
    API_PATH,
    SCHEMA_PATH,
    golden_api,
    golden_schema,
    make_workspace,
    row_counts,
)

VARIANTS = Path(__file__).parent / "fixtures" / "variants"
API_FIXTURES = sorted(p.name for p in VARIANTS.glob("api_*.md"))
ALL_FIXTURES = sorted(p.name for p in VARIANTS.iterdir())


@pytest.fixture
def ws(db):
    return make_workspace("variants")


def fixture_text(name: str) -> str:
    return (VARIANTS / name).read_text(encoding="utf-8")


def import_fixture(ws, name: str, slug: str = "imported", **options):
    key = "api_text" if name.startswith("api_") else "schema_text"
    return spec_import(workspace=ws, spec_slug=slug, **{key: fixture_text(name)}, **options)


@pytest.mark.django_db
def test_a_variant_file_is_imported_with_its_records(ws):
    result = import_fixture(ws, "api_name_heading_labels.md")

    assert result.ok, result.errors
    assert result.variant
    revision = result.revision
    endpoints = Endpoint.objects.filter(revision=revision).order_by("position")
    assert [(e.name, e.method, e.path) for e in endpoints] == [
        ("Create Tag", "POST", "/api/tags"),
        ("List Tags", "GET", "/api/tags"),
    ]
    query = Parameter.objects.get(revision=revision, name="q")
    assert (query.location, query.type, query.required) == ("query", "string", False)
    assert result.warnings[0].line == 1 and "not in the canonical format" in (
        result.warnings[0].message
    )


@pytest.mark.django_db
def test_the_report_lists_what_was_guessed_line_by_line_in_file_order(ws):
    result = import_fixture(ws, "api_method_in_heading.md", dry_run=True)

    lines = [(w.file, w.line) for w in result.warnings]
    assert lines == sorted(lines)
    messages = " ".join(w.message for w in result.warnings)
    for said in ("types inferred", "read from the path", "no name given", "read as None"):
        assert said in messages


@pytest.mark.django_db
def test_an_import_into_an_existing_spec_puts_the_report_in_the_change_request(ws):
    author = UserFactory(username="importer")
    ws.memberships.create(user=author, role="admin")
    first = import_fixture(ws, "api_name_heading_labels.md", author=author)
    assert first.ok

    second = import_fixture(ws, "api_endpoint_label.md", author=author)

    assert second.ok, second.errors
    description = second.change_request.description
    assert f"`{API_PATH}` line 1:" in description
    assert "authentication not stated" in description


@pytest.mark.parametrize("name", ALL_FIXTURES)
@pytest.mark.django_db
def test_export_import_export_is_a_fixed_point_for_every_fixture(ws, name):
    first = import_fixture(ws, name)
    assert first.ok, first.errors
    exported = revision_export(first.revision)

    again = spec_import(
        workspace=ws,
        spec_slug="again",
        api_text=exported[API_PATH],
        schema_text=exported[SCHEMA_PATH],
    )

    assert again.ok, again.errors
    assert again.warnings == []  # the export is canonical
    assert revision_export(again.revision) == exported


@pytest.mark.django_db
def test_nothing_text_holds_is_lost_kept_as_business_rules_or_reported(ws):
    text = (
        "# API\n\n## GET /api/a\n\nReturns everything.\n\n**Caching**: 60 seconds\n\n"
        "**Example**:\n```bash\ncurl /api/a\n```\n"
    )

    result = spec_import(workspace=ws, spec_slug="kept", api_text=text)

    assert result.ok, result.errors
    rules = list(
        BusinessRule.objects.filter(revision=result.revision).values_list("text", flat=True)
    )
    assert rules == ["Returns everything.", "Caching: 60 seconds"]
    code = [w for w in result.warnings if w.line == 10]
    assert code and "code block (lines 10-12)" in code[0].message


# ---------------------------------------------------------------------------------------------
# Malformed input: a report with line numbers, and nothing written

MALFORMED_API = {
    "unclosed fence": ('# API\n\n## GET /a\n\n```json\n{\n  "a": 1\n', 5, "never closed"),
    "ragged table": (
        "# API\n\n## GET /a\n\n**Query Parameters**:\n| Name | Type | Description |\n"
        "|---|---|---|\n| q | string |\n",
        8,
        "table row has 2 cells",
    ),
    "binary junk": ("\x00\x01\x02\x03PNG\x1a\x00" * 50, 1, "binary"),
    "empty": ("", 1, "empty"),
    "blank lines only": ("\n\n   \n", 1, "empty"),
    "five megabytes": (
        "# API\n\n" + ("lorem ipsum dolor sit amet " * 40 + "\n") * 4700,
        1,
        "larger",
    ),
    "nothing recognisable": ("# Something else\n\nprose only\n", 1, "nothing to import"),
}


SCHEMA = "# Database Schema\n\n## tasks\n\n"
MALFORMED_SCHEMA = {
    "unclosed fence": (SCHEMA + "```sql\nCREATE TABLE tasks (id INT);\n", 5, "never closed"),
    "ragged table": (
        SCHEMA + "| Column | Type | Constraints | Description |\n|---|---|---|---|\n"
        "| id | INT | PK | Row id |\n| title | TEXT |\n",
        8,
        "table row has 2 cells",
    ),
    "sql that does not parse": (
        SCHEMA + "```sql\nCREATE TABLE tasks (id INT REFERENCES);\n```\n",
        6,
        "SQL statement not parsed",
    ),
    "python with a syntax error": (
        SCHEMA + "```python\nclass Task(SQLModel, table=True):\n"
        "    id: int = Field(primary_key=True\n```\n",
        7,
        "Python not parsed",
    ),
    "plain python with a syntax error": (
        "from sqlmodel import SQLModel\n\nclass Task(SQLModel, table=True):\n    id: int =\n",
        4,
        "Python not parsed",
    ),
    "binary junk": (MALFORMED_API["binary junk"][0], 1, "binary"),
    "empty": ("", 1, "empty"),
    "five megabytes": (MALFORMED_API["five megabytes"][0], 1, "larger"),
}
MALFORMED = [("api", case, *values) for case, values in MALFORMED_API.items()]
MALFORMED += [("schema", case, *values) for case, values in MALFORMED_SCHEMA.items()]


@pytest.mark.parametrize(
    ("kind", "case", "text", "line", "message"),
    MALFORMED,
    ids=[f"{kind}: {case}" for kind, case, *_ in MALFORMED],
)
@pytest.mark.parametrize("existing", [False, True], ids=["new-spec", "existing-spec"])
@pytest.mark.django_db
def test_malformed_input_is_reported_with_its_line_and_changes_nothing(
    ws, kind, case, text, line, message, existing
):
    if existing:
        golden = spec_import(
            workspace=ws, spec_slug="target", api_text=golden_api(), schema_text=golden_schema()
        )
        assert golden.ok
    before = row_counts()

    result = spec_import(workspace=ws, spec_slug="target", **{f"{kind}_text": text})

    assert not result.ok and result.revision is None
    assert row_counts() == before
    assert any(e.line == line and message in e.message for e in result.errors), result.errors


@pytest.mark.django_db
def test_crlf_emoji_and_non_english_text_are_read(ws):
    text = (
        "# API des tâches 🚀\r\n\r\n## 📋 Tâches\r\n\r\n### `GET /api/tâches`\r\n"
        "**Description**: Liste les tâches de l’utilisateur ✅\r\n"
        '**Réponse (200 OK)**:\r\n```json\r\n{\r\n  "titre": "Acheter du pain"\r\n}\r\n```\r\n'
    )

    result = spec_import(workspace=ws, spec_slug="fr", api_text=text)

    assert result.ok, result.errors
    endpoint = Endpoint.objects.get(revision=result.revision)
    assert (endpoint.method, endpoint.path) == ("GET", "/api/tâches")
    rules = BusinessRule.objects.filter(revision=result.revision).values_list("text", flat=True)
    assert "Liste les tâches de l’utilisateur" in rules[0]
    assert any("CRLF" in w.message for w in result.warnings)
