"""Revision → canonical markdown (FORMAT.md). A pure function of the revision's content.

Content is loaded with one query per content table, whatever the size of the spec.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models.base import ModelState

from specs_app.interchange.canonical.syntax import (
    API_TITLE,
    FIELDS_HEADER,
    FIELDS_SEPARATOR,
    NO_CONTENT,
    NONE,
    SCHEMA_TITLE,
    FieldConstraints,
    FieldSpec,
    IndexSpec,
    RelationshipSpec,
    compose_field_constraints,
    compose_field_spec,
    compose_index,
    compose_relationship,
    json_string,
    label_line,
    table_row,
)
from specs_app.models import (
    ENDPOINT_CHILDREN,
    MODEL_CHILDREN,
    BodyField,
    BusinessRule,
    ContentRow,
    DataModel,
    Endpoint,
    ErrorCase,
    Field,
    Index,
    MigrationNote,
    ModelConstraint,
    Parameter,
    Relationship,
    Revision,
    TestCase,
)
from specs_app.services.cache import remembered

_ORDER = ("position", "id")
PARAMETER_LABELS = {
    Parameter.Location.HEADER: "Headers",
    Parameter.Location.PATH: "Path Parameters",
    Parameter.Location.QUERY: "Query Parameters",
}


@dataclass
class ContentTree:
    """Parent rows (endpoints or models) in order, and their children grouped by parent id."""

    parents: list[ContentRow]
    children: dict[type[ContentRow], dict[int, list[ContentRow]]]

    def children_of(self, parent: ContentRow, model: type[ContentRow]) -> list:
        return self.children[model].get(parent.pk, [])


def load_api_tree(*, revision: Revision) -> ContentTree:
    return _load_tree(Endpoint, ENDPOINT_CHILDREN, revision=revision)


def load_schema_tree(*, revision: Revision) -> ContentTree:
    return _load_tree(DataModel, MODEL_CHILDREN, revision=revision)


def _load_tree(
    parent_model: type[ContentRow],
    child_models: tuple[type[ContentRow], ...],
    *,
    revision: Revision | None = None,
    parent: ContentRow | None = None,
) -> ContentTree:
    if parent is None:
        parents = _read_rows(parent_model.objects.filter(revision=revision).order_by(*_ORDER))
    else:
        parents = [parent]
    children = {}
    for model in child_models:
        rows = model.objects.order_by(*_ORDER)
        if parent is None:
            rows = rows.filter(revision=revision)
        else:
            rows = rows.filter(**{model.parent_field: parent})
        children[model] = _group_by_parent(_read_rows(rows), model.parent_field)
    return ContentTree(parents, children)


def _read_rows(queryset) -> list[ContentRow]:
    """The rows of `queryset` as model instances, built from plain values. A big spec has
    tens of thousands of rows, and `Model.__init__` (signals, defaults, descriptors) cost more
    than reading them; these rows are only read, never saved."""
    model = queryset.model
    attnames = [field.attname for field in model._meta.concrete_fields]
    db = queryset.db
    rows = []
    for values in queryset.values_list(*attnames):
        row = model.__new__(model)
        row.__dict__.update(zip(attnames, values, strict=True))
        row._state = ModelState()
        row._state.adding, row._state.db = False, db
        rows.append(row)
    return rows


def _group_by_parent(rows, parent_field: str) -> dict[int, list[ContentRow]]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[getattr(row, f"{parent_field}_id")].append(row)
    return grouped


# ---------------------------------------------------------------------------------------------
# Files


def revision_export(revision: Revision) -> dict[str, str]:
    """`{spec.api_path: api markdown, spec.schema_path: schema markdown}`. A published
    revision's files are computed once (see services/cache.py)."""
    spec = revision.spec

    def export() -> dict[str, str]:
        return {
            spec.api_path: render_api_markdown(revision),
            spec.schema_path: render_schema_markdown(revision),
        }

    if not revision.is_published:
        return export()
    return remembered(("export", revision.pk, spec.api_path, spec.schema_path), export)


def render_api_markdown(revision: Revision) -> str:
    tree = load_api_tree(revision=revision)
    sections = [_endpoint_section(endpoint, tree) for endpoint in tree.parents]
    return _file(API_TITLE, revision.api_overview, sections)


def render_schema_markdown(revision: Revision) -> str:
    tree = load_schema_tree(revision=revision)
    sections = [_model_section(model, tree) for model in tree.parents]
    return _file(SCHEMA_TITLE, revision.schema_overview, sections)


def render_endpoint_markdown(endpoint: Endpoint) -> str:
    """One endpoint's `##` section (no trailing newline), as it appears in the API file."""
    return _endpoint_section(endpoint, _load_tree(Endpoint, ENDPOINT_CHILDREN, parent=endpoint))


def render_model_markdown(model: DataModel) -> str:
    """One model's `##` section (no trailing newline), as it appears in the schema file."""
    return _model_section(model, _load_tree(DataModel, MODEL_CHILDREN, parent=model))


def _file(title: str, overview: str, sections: list[str]) -> str:
    blocks = [title, overview, *sections] if overview else [title, *sections]
    return "\n\n".join(blocks) + "\n"


def _blocks(*blocks: list[str]) -> str:
    return "\n\n".join("\n".join(lines) for lines in blocks)


def _list_items(texts: list[str]) -> list[str]:
    """`- text` lines under a `###` heading; `- None` when there are none."""
    return [f"- {text}" for text in texts] or [f"- {NONE}"]


# ---------------------------------------------------------------------------------------------
# REST endpoints


def _endpoint_section(endpoint: Endpoint, tree: ContentTree) -> str:
    rules = [rule.text for rule in tree.children_of(endpoint, BusinessRule)]
    test_cases = _test_case_texts(tree.children_of(endpoint, TestCase))
    return _blocks(
        [f"## {endpoint.name}"],
        [
            label_line("**Method**", endpoint.method),
            label_line("**Path**", endpoint.path),
            label_line("**Authentication**", endpoint.authentication),
            label_line("**User Ownership**", endpoint.user_ownership),
        ],
        ["### Request", *_request_lines(endpoint, tree)],
        ["### Response", *_response_lines(endpoint, tree)],
        ["### Business Rules", *_list_items(rules)],
        ["### Test Cases", *_list_items(test_cases)],
    )


def _request_lines(endpoint: Endpoint, tree: ContentTree) -> list[str]:
    parameters = tree.children_of(endpoint, Parameter)
    lines = []
    for location, label in PARAMETER_LABELS.items():
        lines += _parameter_list(label, [p for p in parameters if p.location == location])
    body = [f for f in tree.children_of(endpoint, BodyField) if f.part == BodyField.Part.REQUEST]
    return lines + _json_item("**Body Schema**", body, NONE)


def _response_lines(endpoint: Endpoint, tree: ContentTree) -> list[str]:
    body = [f for f in tree.children_of(endpoint, BodyField) if f.part == BodyField.Part.RESPONSE]
    success = _json_item(f"**Success ({endpoint.success_status})**", body, NO_CONTENT)
    return success + _error_list(tree.children_of(endpoint, ErrorCase))


def _field_spec(row: Parameter | BodyField) -> FieldSpec:
    return FieldSpec(row.type, row.required, row.constraints, row.description)


def _parameter_list(label: str, parameters: list[Parameter]) -> list[str]:
    if not parameters:
        return [f"- **{label}**: {NONE}"]
    lines = [f"  - `{p.name}`: {compose_field_spec(_field_spec(p))}" for p in parameters]
    return [f"- **{label}**:", *lines]


def _json_item(label: str, fields: list[BodyField], empty: str) -> list[str]:
    if not fields:
        return [f"- {label}: {empty}"]
    members = [
        f"    {json_string(f.name)}: {json_string(compose_field_spec(_field_spec(f)))}"
        for f in fields
    ]
    with_commas = [f"{member}," for member in members[:-1]] + members[-1:]
    return [f"- {label}:", "  ```json", "  {", *with_commas, "  }", "  ```"]


def _error_list(errors: list[ErrorCase]) -> list[str]:
    if not errors:
        return [f"- **Errors**: {NONE}"]
    ordered = sorted(errors, key=lambda e: (e.status_code, e.position, e.pk or 0))
    return [
        "- **Errors**:",
        *(f"  - {label_line(str(e.status_code), e.description)}" for e in ordered),
    ]


def _test_case_texts(test_cases: list[TestCase]) -> list[str]:
    return [f"[{'x' if case.verified else ' '}] {case.text}" for case in test_cases]


# ---------------------------------------------------------------------------------------------
# Database models


def _model_section(model: DataModel, tree: ContentTree) -> str:
    fields = tree.children_of(model, Field)
    return _blocks(
        [f"## {model.name}"],
        [label_line("**Table**", model.table), label_line("**Ownership**", model.ownership)],
        ["### Fields", FIELDS_HEADER, FIELDS_SEPARATOR, *(_field_row(f) for f in fields)],
        [
            "### Relationships",
            *_list_items([_relationship_text(r) for r in tree.children_of(model, Relationship)]),
        ],
        ["### Indexes", *_list_items([_index_text(i) for i in tree.children_of(model, Index)])],
        [
            "### Constraints",
            *_list_items([c.text for c in tree.children_of(model, ModelConstraint)]),
        ],
        [
            "### Migration Notes",
            *_list_items([n.text for n in tree.children_of(model, MigrationNote)]),
        ],
    )


def _field_row(field: Field) -> str:
    constraints = FieldConstraints(
        primary_key=field.primary_key,
        auto=field.auto,
        references=field.references,
        nullable=field.nullable,
        unique=field.unique,
        default=field.default,
        other_constraints=field.other_constraints,
    )
    return table_row(
        [field.name, field.type, compose_field_constraints(constraints), field.description]
    )


def _relationship_text(r: Relationship) -> str:
    return compose_relationship(
        RelationshipSpec(
            r.kind, r.target, r.fk_field, r.target_column, r.on_delete, r.through_table
        )
    )


def _index_text(index: Index) -> str:
    return compose_index(IndexSpec(index.name, index.columns, index.unique, index.purpose))
