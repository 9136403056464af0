"""export → import gives back the same records, and export → import → export the same bytes."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specs_app.interchange.canonical.syntax import (
    split_table_row,
    table_row,
    unwrap_default,
    wrap_default,
)
from specs_app.interchange.lines import compose_field_spec, split_field_spec
from specs_app.interchange.records import ParsedParameter
from specs_app.models import (
    Authentication,
    BodyField,
    BusinessRule,
    DataModel,
    Endpoint,
    ErrorCase,
    Field,
    Index,
    Method,
    MigrationNote,
    ModelConstraint,
    OnDelete,
    Parameter,
    Relationship,
    TestCase,
)
from specs_app.models.validators import normalize_overview, validate_balanced, validate_overview
from specs_app.services.export import revision_export
from specs_app.services.imports import spec_import
from tests.markdown_helpers import (
    API_PATH,
    SCHEMA_PATH,
    build_spec,
    golden_api,
    golden_schema,
    make_workspace,
    snapshot,
)


@pytest.fixture
def ws(db):
    return make_workspace("roundtrip")


def _import(workspace, slug: str, files: dict[str, str]):
    return spec_import(
        workspace=workspace,
        spec_slug=slug,
        api_text=files[API_PATH],
        schema_text=files[SCHEMA_PATH],
    )


@pytest.mark.django_db
def test_reference_pair_is_a_fixed_point_with_the_same_records(ws):
    first = spec_import(
        workspace=ws, spec_slug="todo", api_text=golden_api(), schema_text=golden_schema()
    )
    exported = revision_export(first.revision)

    second = _import(ws, "todo-again", exported)

    assert second.ok and second.warnings == []
    assert revision_export(second.revision) == exported
    assert snapshot(second.revision) == snapshot(first.revision)


# ---------------------------------------------------------------------------------------------
# Strategies: only values the editor accepts (filtered through the models' own validation)

AWKWARD = [
    "|", "\\", '"', "'", "`", "é", "日本語", "🙂", ", ", ",", "(", ")", "(a, b)", "[", "]",
    "**bold**", "- item", "[x]", "[ ]", "| a |", " - ", "None", "#", "## ", "{", "}", "->",
    " (required)", " (optional, x)", "```", "\u00a0", "\u2028", "\\|", '\\"', ": ", "No content",
]  # fmt: skip
# Any character but NUL (PostgreSQL cannot store it); control characters included, since the
# files split lines at "\n" only.
_CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_NO_SPACE = st.characters(
    blacklist_categories=("Cs", "Zs", "Zl", "Zp"), blacklist_characters="\x00"
)
_piece = st.one_of(st.sampled_from(AWKWARD), st.text(_CHARACTERS, max_size=6))


def _text(min_pieces: int = 0) -> st.SearchStrategy[str]:
    return st.lists(_piece, min_size=min_pieces, max_size=5).map("".join).map(str.strip)


def _accepts(model, name: str, value) -> bool:
    try:
        model._meta.get_field(name).clean(value, None)
    except ValidationError:
        return False
    return True


def text_for(model, name: str) -> st.SearchStrategy[str]:
    blank = model._meta.get_field(name).blank
    return _text(0 if blank else 1).filter(lambda value: _accepts(model, name, value))


def _row_is_valid(model, values: dict) -> bool:
    row = model(**values)
    try:
        row.clean_fields(exclude=["revision", model.parent_field])
        row.clean()
    except ValidationError:
        return False
    return True


def rows(model, fields: dict, max_size: int = 3) -> st.SearchStrategy[list[dict]]:
    row = st.fixed_dictionaries(fields).filter(lambda values: _row_is_valid(model, values))
    return st.lists(row, max_size=max_size)


def _texts_of(model) -> dict:
    return {"text": text_for(model, "text")}


_name_part = st.text(_NO_SPACE, min_size=1, max_size=5)
_reference = (
    st.tuples(_name_part, _name_part)
    .map(".".join)
    .filter(lambda value: _accepts(Field, "references", value))
)
_path = (
    st.text(_NO_SPACE, max_size=12)
    .map(lambda rest: "/" + rest)
    .filter(lambda value: _accepts(Endpoint, "path", value))
)
_status = st.integers(min_value=100, max_value=999)


def _field_spec(model, **extra) -> dict:
    return {
        **extra,
        "name": text_for(model, "name"),
        "type": text_for(model, "type"),
        "required": st.booleans(),
        "constraints": text_for(model, "constraints"),
        "description": text_for(model, "description"),
    }


_parameters = rows(
    Parameter, _field_spec(Parameter, location=st.sampled_from(Parameter.Location.values))
)
_body_fields = rows(BodyField, _field_spec(BodyField, part=st.sampled_from(BodyField.Part.values)))
_errors = rows(
    ErrorCase, {"status_code": _status, "description": text_for(ErrorCase, "description")}
)
_business_rules = rows(BusinessRule, _texts_of(BusinessRule))
_test_cases = rows(TestCase, {**_texts_of(TestCase), "verified": st.booleans()})


@st.composite
def endpoints(draw) -> list[dict]:
    route = st.tuples(st.sampled_from(Method.values), _path)
    routes = draw(st.lists(route, unique=True, max_size=3))
    name = text_for(Endpoint, "name")
    names = draw(st.lists(name, min_size=len(routes), max_size=len(routes), unique=True))
    return [
        {
            "name": name,
            "method": method,
            "path": path,
            "authentication": draw(st.sampled_from(Authentication.values)),
            "user_ownership": draw(text_for(Endpoint, "user_ownership")),
            "success_status": draw(_status),
            "parameters": draw(_parameters),
            "body_fields": draw(_body_fields),
            "errors": draw(_errors),
            "business_rules": draw(_business_rules),
            "test_cases": draw(_test_cases),
        }
        for (method, path), name in zip(routes, names, strict=True)
    ]


@st.composite
def field_rows(draw) -> list[dict]:
    names = draw(st.lists(text_for(Field, "name"), unique=True, max_size=4))
    result = []
    for name in names:
        primary_key = draw(st.booleans())
        result.append(
            {
                "name": name,
                "type": draw(text_for(Field, "type")),
                "primary_key": primary_key,
                "auto": draw(st.booleans()),
                "references": draw(st.one_of(st.just(""), _reference)),
                "nullable": False if primary_key else draw(st.booleans()),
                "unique": draw(st.booleans()),
                "default": draw(text_for(Field, "default")),
                "other_constraints": draw(text_for(Field, "other_constraints")),
                "description": draw(text_for(Field, "description")),
            }
        )
    return result


_target = text_for(Relationship, "target")
_RELATIONSHIPS = st.one_of(
    st.fixed_dictionaries(
        {
            "kind": st.just("belongs_to"),
            "target": _target,
            "fk_field": text_for(Relationship, "fk_field"),
            "target_column": _reference,
            "on_delete": st.sampled_from(OnDelete.values),
        }
    ),
    st.fixed_dictionaries(
        {
            "kind": st.sampled_from(["has_one", "has_many"]),
            "target": _target,
            "fk_field": _reference,
        }
    ),
    st.fixed_dictionaries(
        {
            "kind": st.just("many_to_many"),
            "target": _target,
            "through_table": text_for(Relationship, "through_table"),
        }
    ),
).filter(lambda values: _row_is_valid(Relationship, values))


_indexes = rows(
    Index,
    {
        "name": text_for(Index, "name"),
        "columns": text_for(Index, "columns"),
        "unique": st.booleans(),
        "purpose": text_for(Index, "purpose"),
    },
)
_constraints = rows(ModelConstraint, _texts_of(ModelConstraint))
_migration_notes = rows(MigrationNote, _texts_of(MigrationNote))


@st.composite
def models(draw) -> list[dict]:
    names = draw(st.lists(text_for(DataModel, "name"), unique=True, max_size=3))
    table = text_for(DataModel, "table")
    tables = draw(st.lists(table, unique=True, min_size=len(names), max_size=len(names)))
    return [
        {
            "name": name,
            "table": table,
            "ownership": draw(text_for(DataModel, "ownership")),
            "fields": draw(field_rows()),
            "relationships": draw(st.lists(_RELATIONSHIPS, max_size=3)),
            "indexes": draw(_indexes),
            "constraints": draw(_constraints),
            "migration_notes": draw(_migration_notes),
        }
        for name, table in zip(names, tables, strict=True)
    ]


def _valid_overview(text: str) -> bool:
    try:
        validate_overview(text)
    except ValidationError:
        return False
    return True


overviews = (
    st.lists(st.one_of(st.just(""), _text()), max_size=4)
    .map("\n".join)
    .map(normalize_overview)
    .filter(_valid_overview)
)
specs = st.fixed_dictionaries(
    {
        "api_overview": overviews,
        "schema_overview": overviews,
        "endpoints": endpoints(),
        "models": models(),
    }
)
_slugs = (f"gen-{n}" for n in itertools.count())


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
@given(content=specs)
@pytest.mark.django_db
def test_any_valid_spec_survives_export_and_import(ws, content):
    slug = next(_slugs)
    original = build_spec(workspace=ws, slug=slug, **content)
    exported = revision_export(original)

    copy = _import(ws, f"{slug}-copy", exported)

    assert copy.ok, copy.errors
    assert copy.warnings == []
    assert snapshot(copy.revision, with_positions=False) == snapshot(original, with_positions=False)
    assert revision_export(copy.revision) == exported


# ---------------------------------------------------------------------------------------------
# The encodings on their own, with many more examples (no database)


def _balanced(value: str) -> bool:
    try:
        validate_balanced(value)
    except ValidationError:
        return False
    return bool(value)


@settings(max_examples=300)
@given(expression=_text(1).filter(_balanced))
def test_default_wrapping_reads_back(expression):
    assert unwrap_default(wrap_default(expression)) == expression


@settings(max_examples=300)
@given(cells=st.lists(_text(), min_size=1, max_size=4))
def test_table_cells_read_back(cells):
    assert split_table_row(table_row(cells)) == cells


@settings(max_examples=300)
@given(
    parameter=st.builds(
        ParsedParameter,
        line=st.just(3),
        location=st.just("query"),
        name=st.just("q"),
        type=text_for(Parameter, "type"),
        required=st.booleans(),
        constraints=text_for(Parameter, "constraints"),
        description=text_for(Parameter, "description"),
    )
)
def test_parameter_text_reads_back(parameter):
    empty = ParsedParameter(3, "query", "q", "")
    assert split_field_spec(compose_field_spec(parameter), empty) == (parameter, None)
