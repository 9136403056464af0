"""The one door: read_spec_files picks each file's format from the registry; write_spec_files
writes the canonical pair."""

from pathlib import Path

import pytest

from specs_app.interchange.files import read_spec_files, write_spec_files
from specs_app.interchange.registry import API, FORMATS, SCHEMA, format_for
from specs_app.services.content_tree import load_api_tree, load_schema_tree
from specs_app.services.export import revision_export
from specs_app.services.imports import ROW_MODELS, spec_import

GOLDEN = Path(__file__).resolve().parent.parent / "specs_app" / "demo" / "todo" / "specs"
VARIANTS = Path(__file__).parent / "fixtures" / "variants"
API_TEXT = (GOLDEN / "api" / "rest-endpoints.md").read_text()
SCHEMA_TEXT = (GOLDEN / "database" / "schema.md").read_text()


def test_each_kind_ends_with_a_format_that_reads_anything():
    for kind in (API, SCHEMA):
        last = [f for f in FORMATS if f.kind == kind][-1]
        assert last.variant and format_for(kind, "anything at all").name == last.name


def test_canonical_files_are_read_as_canonical():
    readings = read_spec_files(
        {API: (API_TEXT, "api.md"), SCHEMA: (SCHEMA_TEXT, "schema.md")}, row_models=ROW_MODELS
    )
    assert [r.variant for r in readings.values()] == [False, False]
    assert [r.errors for r in readings.values()] == [[], []]
    assert readings[API].parsed.endpoints and readings[SCHEMA].parsed.models


def test_a_variant_is_read_fitted_and_said_to_be_one():
    text = (VARIANTS / "api_method_in_heading.md").read_text()
    reading = read_spec_files({API: (text, "notes.md")}, row_models=ROW_MODELS)[API]
    assert reading.variant and reading.parsed.endpoints
    assert "not in the canonical format" in reading.warnings[0].message
    assert reading.warnings[0].file == "notes.md"


def test_an_unreadable_file_gives_an_error_and_no_records():
    reading = read_spec_files({SCHEMA: ("# x\n\n\x00", "db.md")}, row_models=ROW_MODELS)[SCHEMA]
    assert reading.parsed is None and not reading.variant
    assert [(e.file, e.line) for e in reading.errors] == [("db.md", 3)]
    assert "binary" in reading.errors[0].message


@pytest.mark.django_db
def test_write_spec_files_writes_the_reference_pair_byte_for_byte(workspace, owner):
    result = spec_import(
        workspace=workspace,
        spec_slug="todo",
        author=owner,
        api_text=API_TEXT,
        schema_text=SCHEMA_TEXT,
    )
    assert result.ok, result.errors
    revision = result.revision
    written = write_spec_files(
        api_path="a.md",
        api_rows=load_api_tree(revision=revision),
        api_overview=revision.api_overview,
        schema_path="s.md",
        schema_rows=load_schema_tree(revision=revision),
        schema_overview=revision.schema_overview,
    )
    assert list(written.values()) == list(revision_export(revision).values())
    assert written == {"a.md": API_TEXT, "s.md": SCHEMA_TEXT}
