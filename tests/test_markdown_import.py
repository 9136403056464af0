import re

import pytest
from django.core.exceptions import ValidationError

from specs_app.interchange.canonical.reader import parse_api_markdown, parse_schema_markdown
from specs_app.interchange.notes import ImportNote
from specs_app.models import (
    BusinessRule,
    DataModel,
    Endpoint,
    Field,
    Parameter,
    Revision,
)
from specs_app.services.export import revision_export
from specs_app.services.imports import spec_import
from tests.markdown_helpers import (
    API_PATH,
    SCHEMA_PATH,
    golden_api,
    golden_bytes,
    golden_schema,
    make_workspace,
    row_counts,
    snapshot,
    uids_by_name,
)


@pytest.fixture
def ws(db):
    return make_workspace("imports")


def _import(workspace, slug="todo", **texts):
    texts.setdefault("api_text", golden_api())
    texts.setdefault("schema_text", golden_schema())
    return spec_import(workspace=workspace, spec_slug=slug, **texts)


def _line_number(text: str, line: str) -> int:
    return text.split("\n").index(line) + 1


# ---------------------------------------------------------------------------------------------
# Counting the golden files independently of the parser


def _items_under(lines: list[str], heading: str) -> int:
    count, current = 0, None
    for line in lines:
        if line.startswith("#"):
            current = line
        elif current == heading and line.startswith("- ") and line != "- None":
            count += 1
    return count


def _golden_counts() -> dict[str, int]:
    api, schema = golden_api().split("\n"), golden_schema().split("\n")
    models = sum(line.startswith("## ") for line in schema)
    return {
        "endpoints": sum(line.startswith("## ") for line in api),
        "models": models,
        "fields": sum(line.startswith("| ") for line in schema) - models,  # minus header rows
        "parameters": sum(line.startswith("  - `") for line in api),
        "body_fields": sum(line.startswith('    "') for line in api),
        "errors": sum(bool(re.match(r"  - \d{3}:", line)) for line in api),
        "business_rules": _items_under(api, "### Business Rules"),
        "test_cases": _items_under(api, "### Test Cases"),
        "relationships": _items_under(schema, "### Relationships"),
        "indexes": _items_under(schema, "### Indexes"),
        "constraints": _items_under(schema, "### Constraints"),
        "migration_notes": _items_under(schema, "### Migration Notes"),
    }


@pytest.mark.django_db
def test_reference_pair_counts_match_the_files(ws):
    expected = _golden_counts()

    result = _import(ws)

    assert expected["endpoints"] == 9 and expected["models"] == 4
    assert result.counts == expected
    revision = result.revision
    assert Endpoint.objects.filter(revision=revision).count() == expected["endpoints"]
    assert Field.objects.filter(revision=revision).count() == expected["fields"]
    report = result.to_dict()
    assert report["ok"] is True and report["revision"] == "r1"
    assert report["error_cases"] == expected["errors"]
    assert report["warnings"] == [] and report["errors"] == []


def test_canonical_files_parse_without_warnings():
    api, api_warnings = parse_api_markdown(golden_api())
    schema, schema_warnings = parse_schema_markdown(golden_schema())

    assert api_warnings == [] and schema_warnings == []
    assert api.overview.startswith("Phase 2 REST API") and "\n\nEvery authenticated" in api.overview
    delete = next(e for e in api.endpoints if e.name == "Delete Task")
    assert [t.verified for t in delete.test_cases] == [True, False]
    assert delete.success_status == 204 and delete.body_fields == []
    health = api.endpoints[0]
    assert health.body_fields[0].constraints == 'always "ok"'
    task = next(m for m in schema.models if m.name == "Task")
    description = next(f for f in task.fields if f.name == "description")
    assert description.description == "Free text | markdown allowed" and description.nullable
    title = next(f for f in task.fields if f.name == "title")
    assert title.other_constraints == "CHECK (length(title) > 0)" and not title.nullable
    task_tag = next(m for m in schema.models if m.name == "TaskTag")
    assert all(f.primary_key and not f.nullable for f in task_tag.fields)


# ---------------------------------------------------------------------------------------------
# Importing into an existing spec


@pytest.mark.django_db
def test_second_import_makes_a_draft_on_the_head_keeping_uids(ws):
    first = _import(ws)

    second = _import(ws)

    assert second.ok, second.errors
    draft = second.revision
    assert draft.state == Revision.State.DRAFT and draft.parent == first.revision
    assert second.spec.head == first.revision
    for model in (Endpoint, DataModel):
        assert uids_by_name(draft, model) == uids_by_name(first.revision, model)
    assert _field_uids(draft) == _field_uids(first.revision)
    for path, text in revision_export(draft).items():
        assert text.encode("utf-8") == golden_bytes(path)


def _field_uids(revision) -> dict:
    return {
        (model_name, name): uid
        for model_name, name, uid in Field.objects.filter(revision=revision).values_list(
            "model__name", "name", "uid"
        )
    }


@pytest.mark.django_db
def test_importing_one_file_keeps_the_other_half_of_the_head(ws):
    first = _import(ws)
    renamed = golden_api().replace("## List Tags\n", "## List All Tags\n")

    second = _import(ws, api_text=renamed, schema_text=None)

    assert second.ok
    head, draft = first.revision, second.revision
    before, after = snapshot(head), snapshot(draft)
    assert after["models"] == before["models"]
    assert after["schema_overview"] == before["schema_overview"]
    assert uids_by_name(draft, DataModel) == uids_by_name(head, DataModel)
    assert _field_uids(draft) == _field_uids(head)
    head_uids, draft_uids = uids_by_name(head, Endpoint), uids_by_name(draft, Endpoint)
    assert draft_uids["Create Tag"] == head_uids["Create Tag"]
    assert draft_uids["List All Tags"] == head_uids["List Tags"]  # same method and path
    assert second.counts["models"] == 0 and second.counts["endpoints"] == 9


@pytest.mark.django_db
def test_new_spec_from_one_file_has_an_empty_other_half(ws):
    result = _import(ws, slug="api-only", schema_text=None)

    assert result.ok and result.revision.number == 1
    assert result.spec.title == "Api Only"
    exported = revision_export(result.revision)
    assert exported[API_PATH].encode("utf-8") == golden_bytes(API_PATH)
    assert exported[SCHEMA_PATH] == golden_schema().split("\n")[0] + "\n"


@pytest.mark.django_db
def test_dry_run_counts_and_writes_nothing(ws):
    _import(ws)
    before = row_counts()

    new = _import(ws, slug="other", dry_run=True)
    existing = _import(ws, dry_run=True)

    assert row_counts() == before
    assert new.ok and new.revision is None and new.spec is None
    assert existing.ok and existing.revision is None and existing.spec.slug == "todo"
    assert new.counts == _golden_counts()


# ---------------------------------------------------------------------------------------------
# What the editor refuses, the import refuses with the same message


def _valid_rows():
    endpoint = Endpoint(name="E", method="GET", path="/e")
    return {
        "endpoint": endpoint,
        "parameter": Parameter(endpoint=endpoint, location="query", name="p", type="string"),
        "rule": BusinessRule(endpoint=endpoint, text="A rule"),
        "field": Field(name="f", type="int"),
        "revision": Revision(),
    }


REFUSALS = [
    ("endpoint", "user_ownership", "a\nb", "Must be a single line: remove the line break."),
    ("rule", "text", "None", 'An item cannot be just "None"'),
    ("parameter", "constraints", "min(1", "Parentheses must balance"),
    ("parameter", "type", "string (required, x)", 'A type cannot contain " (required"'),
    ("parameter", "name", "`p`", "Backticks (`) are not allowed in a name."),
    ("field", "other_constraints", "CHECK (x), UNIQUE", '"UNIQUE" is set with its own option'),
    ("revision", "api_overview", "Fine\n# Heading", 'Line 2 starts with "#"'),
    ("endpoint", "path", "api/tasks", 'Path must start with "/".'),
    ("endpoint", "success_status", 99, "Status 99 is not an HTTP status code"),
]


@pytest.mark.parametrize(("row", "attribute", "value", "message"), REFUSALS)
@pytest.mark.django_db
def test_model_validation_refuses_what_the_format_cannot_carry(row, attribute, value, message):
    instance = _valid_rows()[row]
    setattr(instance, attribute, value)

    with pytest.raises(ValidationError) as refused:
        instance.full_clean()

    assert message in " ".join(refused.value.message_dict[attribute])


BROKEN_LINES = [
    ("**Method**: POST", "**Method**: FOO", "Value 'FOO' is not a valid choice."),
    ("**Path**: /api/v1/tags", "**Path**: api/v1/tags", 'Path must start with "/".'),
    ("- **Success (204)**: No content", "- **Success (99)**: No content", "Status 99 is not"),
    ("- completed starts as false", "- None", 'An item cannot be just "None"'),
]


@pytest.mark.parametrize(("original", "broken", "message"), BROKEN_LINES)
@pytest.mark.parametrize("existing", [False, True], ids=["new-spec", "existing-spec"])
@pytest.mark.django_db
def test_broken_import_reports_file_and_line_and_creates_nothing(
    ws, original, broken, message, existing
):
    if existing:
        _import(ws)
    api = golden_api().replace(original, broken, 1)
    line = _line_number(api, broken)
    before = row_counts()

    result = _import(ws, api_text=api)

    assert not result.ok and result.revision is None
    assert row_counts() == before
    assert [(e.file, e.line) for e in result.errors] == [(API_PATH, line)]
    assert message in result.errors[0].message


@pytest.mark.django_db
def test_duplicate_names_are_errors_at_the_second_occurrence(ws):
    schema = golden_schema().replace("## TaskTag\n", "## Tag\n")
    api = golden_api().replace("**Path**: /api/v1/tags\n", "**Path**: /api/v1/tasks\n", 1)

    result = _import(ws, api_text=api, schema_text=schema)

    assert not result.ok
    messages = {(e.file, e.line): e.message for e in result.errors}
    tag_line = [n for n, text in enumerate(schema.split("\n"), 1) if text == "## Tag"][1]
    assert "model name “Tag” is already used" in messages[(SCHEMA_PATH, tag_line)]
    list_tags_path = _line_number(api, "## List Tags") + 3
    assert "method and path" in messages[(API_PATH, list_tags_path)]


@pytest.mark.django_db
def test_unknown_section_is_a_warning_with_its_line(ws):
    extra = "### Notes\n- Remember the milk\n\n"
    api = golden_api().replace("### Business Rules\n", extra + "### Business Rules\n", 1)
    schema = golden_schema().replace(
        "### Migration Notes\n", "### Owner\n- me\n\n### Migration Notes\n", 1
    )

    result = _import(ws, api_text=api, schema_text=schema)

    assert result.ok
    assert [(w.file, w.line) for w in result.warnings] == [
        (API_PATH, _line_number(api, "### Notes")),
        (SCHEMA_PATH, _line_number(schema, "### Owner")),
    ]
    assert "Notes" in result.warnings[0].message
    assert revision_export(result.revision)[API_PATH] == golden_api()


@pytest.mark.django_db
def test_unrecognised_lines_are_reported_never_dropped_silently(ws):
    api = golden_api().replace("  - `sort`: enum", "  - sort: enum", 1)
    api = api.replace("- **Body Schema**: None\n", "- **Body Schema**: None\nStray text\n", 1)
    short_row = "| created_at | timestamp | NOT NULL, DEFAULT now() |"
    schema = golden_schema().replace(short_row + " Sign-up time |", short_row, 1)
    sort_line = next(t for t in api.split("\n") if t.startswith("  - sort: enum"))

    result = _import(ws, api_text=api, schema_text=schema)

    assert result.ok
    assert sorted((w.file, w.line) for w in result.warnings) == sorted(
        [
            (API_PATH, _line_number(api, sort_line)),
            (API_PATH, _line_number(api, "Stray text")),
            (SCHEMA_PATH, _line_number(schema, short_row)),
        ]
    )
    assert result.counts["parameters"] == _golden_counts()["parameters"] - 1
    assert result.counts["fields"] == _golden_counts()["fields"] - 1


@pytest.mark.parametrize("text", ["", "garbage\n", "# Something else\n\nprose\n"])
@pytest.mark.django_db
def test_a_file_with_nothing_recognisable_imports_nothing(ws, text):
    before = row_counts()

    result = spec_import(workspace=ws, spec_slug="junk", api_text=text)

    assert not result.ok and result.errors[0].file == API_PATH
    assert row_counts() == before


@pytest.mark.django_db
def test_no_file_at_all_is_an_error(ws):
    result = spec_import(workspace=ws, spec_slug="nothing")

    assert not result.ok and result.errors


# ---------------------------------------------------------------------------------------------
# The parser undoes the exporter's encodings


def test_parameter_lines_split_at_the_markers():
    api_text = (
        "# REST API Endpoints\n\n## E\n\n**Method**: GET\n**Path**: /e\n"
        "**Authentication**: None\n**User Ownership**:\n\n### Request\n"
        "- **Headers**: None\n- **Path Parameters**: None\n- **Query Parameters**:\n"
        "  - `q`: array (required x) (optional, min (1), max 2) - a - b (required)\n"
        "  - `r`: int (required)\n"
        "- **Body Schema**: None\n\n### Response\n- **Success (200)**:\n  ```json\n  {\n"
        '    "a\\\\b \\"c\\"": "str (optional) - x \\\\| y"\n  }\n  ```\n'
        "- **Errors**: None\n\n### Business Rules\n- None\n\n### Test Cases\n- None\n"
    )

    api, warnings = parse_api_markdown(api_text)

    assert warnings == []
    endpoint = api.endpoints[0]
    assert endpoint.user_ownership == ""
    q, r = endpoint.parameters
    assert (q.type, q.required, q.constraints, q.description) == (
        "array (required x)",
        False,
        "min (1), max 2",
        "a - b (required)",
    )
    assert (r.type, r.required, r.constraints, r.description) == ("int", True, "", "")
    (body,) = endpoint.body_fields
    assert (body.part, body.name, body.description) == ("response", 'a\\b "c"', "x \\| y")


def test_constraints_cells_are_read_back_into_flags():
    schema_text = (
        "# Database Schema\n\n## M\n\n**Table**: m\n**Ownership**:\n\n### Fields\n"
        "| Field | Type | Constraints | Description |\n"
        "|-------|------|-------------|-------------|\n"
        "| a\\\\|b | t | PK, auto, FK -> x.y, UNIQUE, DEFAULT (1, 2), CHECK (a, b) | \\ \\| |\n"
        "| c | t | NULL, DEFAULT ((1, 2)) |  |\n"
        "| d | t | NOT NULL, DEFAULT (1) |  |\n\n"
        "### Relationships\n- None\n\n### Indexes\n- None\n\n"
        "### Constraints\n- None\n\n### Migration Notes\n- None\n"
    )

    schema, warnings = parse_schema_markdown(schema_text)

    assert warnings == []
    a, c, d = schema.models[0].fields
    assert a.name == "a\\|b" and a.description == "\\ |"
    assert (a.primary_key, a.auto, a.references, a.unique, a.nullable) == (
        True,
        True,
        "x.y",
        True,
        False,
    )
    assert (a.default, a.other_constraints) == ("1, 2", "CHECK (a, b)")
    assert (c.nullable, c.default, c.description) == (True, "(1, 2)", "")
    assert (d.nullable, d.default) == (False, "(1)")


def test_constraint_tokens_out_of_order_are_warned():
    schema_text = golden_schema().replace("| NOT NULL, UNIQUE |", "| UNIQUE, NOT NULL |")

    schema, warnings = parse_schema_markdown(schema_text)

    assert [w.line for w in warnings] == [
        _line_number(schema_text, "| email | varchar(255) | UNIQUE, NOT NULL | Login email |")
    ]
    email = schema.models[0].fields[1]
    assert email.unique and not email.nullable and email.other_constraints == ""


def test_import_warning_is_a_plain_record():
    warning = ImportNote("f.md", 3, "odd")

    assert warning.to_dict() == {"file": "f.md", "line": 3, "message": "odd"}
    assert str(warning) == "f.md:3: odd"
