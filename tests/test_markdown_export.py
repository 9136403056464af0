import re

import pytest

from specs_app.models import CONTENT_MODELS, DataModel, Endpoint, Revision
from specs_app.services.export import (
    render_api_markdown,
    render_endpoint_markdown,
    render_model_markdown,
    render_schema_markdown,
    revision_export,
)
from specs_app.services.imports import spec_import
from tests.markdown_helpers import (
    API_PATH,
    SCHEMA_PATH,
    build_spec,
    endpoint_dict,
    golden_api,
    golden_bytes,
    golden_schema,
    make_workspace,
    model_dict,
)


@pytest.fixture
def ws(db):
    return make_workspace("exports")


def _import_golden(workspace, slug="todo"):
    return spec_import(
        workspace=workspace, spec_slug=slug, api_text=golden_api(), schema_text=golden_schema()
    )


def _lines(text: str) -> list[str]:
    return text.split("\n")


@pytest.mark.django_db
def test_reference_pair_imports_as_r1_and_exports_byte_identical(ws):
    result = _import_golden(ws)

    assert result.ok, result.errors
    assert result.revision.is_published and result.revision.number == 1
    assert result.spec.head == result.revision
    exported = revision_export(Revision.objects.get(pk=result.revision.pk))
    assert set(exported) == {API_PATH, SCHEMA_PATH}
    for path, text in exported.items():
        assert text.encode("utf-8") == golden_bytes(path), path


@pytest.mark.django_db
def test_files_follow_the_general_rules(ws):
    result = _import_golden(ws)
    for text in revision_export(result.revision).values():
        assert text.endswith("\n") and not text.endswith("\n\n")
        assert "\r" not in text and "\t" not in text and "\n\n\n" not in text
        assert not any(line != line.rstrip() for line in _lines(text))


@pytest.mark.django_db
def test_export_keys_are_the_spec_paths(ws):
    revision = build_spec(workspace=ws, slug="paths", endpoints=[endpoint_dict(1)])
    spec = revision.spec
    spec.api_path, spec.schema_path = "docs/api.md", "docs/db.md"
    spec.save()

    exported = revision_export(Revision.objects.get(pk=revision.pk))

    assert set(exported) == {"docs/api.md", "docs/db.md"}


@pytest.mark.django_db
def test_empty_spec_has_the_titles_and_the_overviews_only(ws):
    revision = build_spec(workspace=ws, slug="empty", api_overview="About\n\n\nthe API  ")

    assert render_api_markdown(revision) == "# REST API Endpoints\n\nAbout\n\nthe API\n"
    assert render_schema_markdown(revision) == "# Database Schema\n"


def _endpoint_with_every_case() -> dict:
    return endpoint_dict(
        1,
        user_ownership="",
        success_status=201,
        parameters=[
            {"location": "query", "name": "q", "type": "string", "required": False},
            {
                "location": "header",
                "name": "X-Pipe",
                "type": "enum(a, b)",
                "constraints": "one of (a, b)",
                "description": "a | b",
            },
        ],
        body_fields=[
            {"part": "request", "name": 'say "hi"', "type": "string", "description": "C:\\x é"},
            {"part": "request", "name": "meta.total", "type": "integer", "required": False},
        ],
        errors=[
            {"status_code": 500, "description": "Crash"},
            {"status_code": 400, "description": "Second"},
            {"status_code": 404, "description": ""},
            {"status_code": 400, "description": "Third"},
        ],
        business_rules=[],
        test_cases=[{"text": "Done", "verified": True}, {"text": "To do"}],
    )


@pytest.mark.django_db
def test_endpoint_section_follows_the_fine_print(ws):
    revision = build_spec(workspace=ws, slug="fine", endpoints=[_endpoint_with_every_case()])

    text = render_api_markdown(revision)
    lines = _lines(text)

    assert "**User Ownership**:" in lines
    request = lines[lines.index("### Request") : lines.index("### Response")]
    assert request[1:4] == [
        "- **Headers**:",
        "  - `X-Pipe`: enum(a, b) (required, one of (a, b)) - a | b",
        "- **Path Parameters**: None",
    ]
    assert "  - `q`: string (optional)" in request
    assert request[request.index("- **Body Schema**:") + 1 :] == [
        "  ```json",
        "  {",
        '    "say \\"hi\\"": "string (required) - C:\\\\x é",',
        '    "meta.total": "integer (optional)"',
        "  }",
        "  ```",
        "",
    ]
    assert "- **Success (201)**: No content" in lines
    errors = [line for line in lines if re.match(r"  - \d{3}:", line)]
    assert errors == ["  - 400: Second", "  - 400: Third", "  - 404:", "  - 500: Crash"]
    assert "### Business Rules\n- None\n" in text
    assert "### Test Cases\n- [x] Done\n- [ ] To do\n" in text


def _model_with_every_case() -> dict:
    return model_dict(
        1,
        ownership="",
        fields=[
            {"name": "id", "type": "int", "primary_key": True, "auto": True},
            {
                "name": "a|b",
                "type": "varchar(10)",
                "references": "users.id",
                "unique": True,
                "default": "'x, y'",
                "other_constraints": 'CHECK (a IN (1, 2)), COLLATE "C"',
                "description": "back\\slash | pipe",
            },
            {"name": "n", "type": "int", "nullable": True, "default": "coalesce(1, 2), 3"},
            {"name": "w", "type": "int", "default": "(1, 2)"},
        ],
        relationships=[
            {
                "kind": "belongs_to",
                "target": "User",
                "fk_field": "user_id",
                "target_column": "users.id",
                "on_delete": "SET NULL",
            },
            {"kind": "has_one", "target": "Profile", "fk_field": "profiles.thing_id"},
            {"kind": "many_to_many", "target": "Tag", "through_table": "thing_tags"},
        ],
        indexes=[
            {"name": "uq_x", "columns": "lower(name), id", "unique": True, "purpose": "one"},
            {"name": "idx_y", "columns": "created_at DESC"},
        ],
        constraints=[],
    )


@pytest.mark.django_db
def test_model_section_follows_the_fine_print(ws):
    revision = build_spec(workspace=ws, slug="fine", models=[_model_with_every_case()])

    lines = _lines(render_schema_markdown(revision))

    assert "**Ownership**:" in lines
    rows = lines[lines.index("### Fields") + 1 : lines.index("### Relationships") - 1]
    assert rows == [
        "| Field | Type | Constraints | Description |",
        "|-------|------|-------------|-------------|",
        "| id | int | PK, auto |  |",
        "| a\\|b | varchar(10) | FK -> users.id, NOT NULL, UNIQUE, DEFAULT 'x, y', "
        'CHECK (a IN (1, 2)), COLLATE "C" | back\\slash \\| pipe |',
        "| n | int | NULL, DEFAULT (coalesce(1, 2), 3) |  |",
        "| w | int | NOT NULL, DEFAULT ((1, 2)) |  |",
    ]
    assert lines[lines.index("### Relationships") + 1 : lines.index("### Indexes") - 1] == [
        "- Belongs to: User (user_id -> users.id, SET NULL on delete)",
        "- Has one: Profile (via profiles.thing_id)",
        "- Many to many: Tag (through thing_tags)",
    ]
    assert lines[lines.index("### Indexes") + 1 : lines.index("### Constraints") - 1] == [
        "- `uq_x` UNIQUE on (lower(name), id) - one",
        "- `idx_y` on (created_at DESC)",
    ]
    assert lines[lines.index("### Constraints") + 1] == "- None"


@pytest.mark.django_db
def test_one_section_renders_as_in_the_file(ws):
    revision = _import_golden(ws).revision
    endpoint = Endpoint.objects.get(revision=revision, name="Delete Task")
    model = DataModel.objects.get(revision=revision, name="Task")

    endpoint_section = render_endpoint_markdown(endpoint)
    model_section = render_model_markdown(model)

    assert endpoint_section.startswith("## Delete Task\n")
    assert f"\n\n{endpoint_section}\n\n" in golden_api()
    assert model_section.startswith("## Task\n")
    assert f"\n\n{model_section}\n\n" in golden_schema()


@pytest.mark.django_db
def test_export_costs_the_same_queries_for_any_size(ws, django_assert_num_queries):
    small = build_spec(
        workspace=ws, slug="small", endpoints=[endpoint_dict(0)], models=[model_dict(0)]
    )
    large = build_spec(
        workspace=ws,
        slug="large",
        endpoints=[endpoint_dict(n) for n in range(30)],
        models=[model_dict(n) for n in range(12)],
    )
    # One query per content table, plus the spec (for the file paths).
    expected = len(CONTENT_MODELS) + 1
    exported = {}

    for name, revision in (("small", small), ("large", large)):
        fresh = Revision.objects.get(pk=revision.pk)
        with django_assert_num_queries(expected):
            exported[name] = revision_export(fresh)

    assert exported["large"][API_PATH].count("\n## ") == 30
    assert exported["large"][SCHEMA_PATH].count("\n## ") == 12
