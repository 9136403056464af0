from collections.abc import Iterator

from specs_app.models import (
    BodyField,
    BusinessRule,
    ContentRow,
    DataModel,
    Endpoint,
    Field,
    Index,
    MigrationNote,
    ModelConstraint,
    Parameter,
    Relationship,
    TestCase,
)
from specs_app.models.lint import Severity
from specs_app.services.lint.content import LintContent
from specs_app.services.lint.findings import Hit
from specs_app.services.lint.registry import rule
from specs_app.services.lint.settings import LintSettings
from specs_app.services.lint.text import (
    CONTAINER_TYPES,
    PARAMETERISED_TYPES,
    SCALAR_TYPES,
    index_column_names,
    type_is_known,
)

#: The values the format needs, per table (error descriptions: errors.missing-description).
REQUIRED_VALUES: dict[type[ContentRow], tuple[str, ...]] = {
    Endpoint: ("name", "path"),
    Parameter: ("name", "type"),
    BodyField: ("name", "type"),
    BusinessRule: ("text",),
    TestCase: ("text",),
    DataModel: ("name", "table"),
    Field: ("name", "type"),
    Relationship: ("target",),
    Index: ("name", "columns"),
    ModelConstraint: ("text",),
    MigrationNote: ("text",),
}


def all_rows(content: LintContent) -> Iterator[ContentRow]:
    """Every endpoint and model, each followed by its children."""
    for tree in (content.api, content.schema):
        for parent in tree.parents:
            yield parent
            for model in tree.children:
                yield from tree.children_of(parent, model)


@rule(
    "complete.required-value",
    severity=Severity.ERROR,
    title="Required value is empty",
    flags="An empty name, path, type, table, index columns, relationship target or list item "
    "text where the format needs one.",
    example="A field row `|  | int | PK |  |` (no name) or a parameter with no type.",
    fix="Fill the value in, or delete the row if it is not needed.",
)
def required_value_empty(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for row in all_rows(content):
        for name in REQUIRED_VALUES.get(type(row), ()):
            if not str(getattr(row, name)).strip():
                verbose = type(row)._meta.get_field(name).verbose_name
                yield (
                    content.item(row),
                    f"The {verbose} is empty: fill it in or delete the "
                    f"{type(row)._meta.verbose_name}.",
                )


@rule(
    "complete.no-primary-key",
    severity=Severity.ERROR,
    title="Model without a primary key",
    flags="A model none of whose fields is marked PK.",
    example="A `tasks` fields table whose id row has `NOT NULL` but not `PK`.",
    fix="Mark the key field (or the fields of a composite key) PK: `| id | int | PK, auto |`.",
)
def no_primary_key(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for model in content.models:
        if not any(field.primary_key for field in content.children(model, Field)):
            yield (
                content.item(model),
                "No field is the primary key: mark the key field (or fields) PK.",
            )


@rule(
    "complete.unknown-reference",
    severity=Severity.WARNING,
    title="Foreign key to a table not in the spec",
    flags="A field whose `FK -> table.column` names a table that is no model of the spec and "
    "is not listed as external in the spec's lint settings.",
    example="tasks.project_id `FK -> projects.id` with no model for projects.",
    fix="Add the model of the referenced table, fix the table name, or list the table as "
    "external in the lint settings.",
)
def unknown_reference(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for model in content.models:
        for field in content.children(model, Field):
            table = field.references.partition(".")[0]
            known = table.lower() in content.models_by_table or settings.is_external(table)
            if table and not known:
                yield (
                    content.item(field),
                    f"{field.name} references {field.references}, but {table} is no table of "
                    "the spec: add its model, fix the name or list it as an external table.",
                )


def _unknown_index_columns(content: LintContent, index: Index, fields: set[str]) -> list[str]:
    names = [name for part in index_column_names(index.columns) for name in part]
    return [name for name in names if name.lower() not in fields]


def _column_of_table(content: LintContent, reference: str) -> str | None:
    """The column of `table.column` when the table is in the spec and has no such field."""
    table, _, column = reference.partition(".")
    target = content.models_by_table.get(table.lower())
    if target is None or not column or column.lower() in content.field_names(target):
        return None
    return reference


def _unknown_relationship_columns(
    content: LintContent, relationship: Relationship, fields: set[str]
) -> list[str]:
    unknown = []
    if relationship.kind == Relationship.Kind.BELONGS_TO:
        if relationship.fk_field and relationship.fk_field.lower() not in fields:
            unknown.append(relationship.fk_field)
        unknown.append(_column_of_table(content, relationship.target_column))
    elif relationship.kind in (Relationship.Kind.HAS_ONE, Relationship.Kind.HAS_MANY):
        unknown.append(_column_of_table(content, relationship.fk_field))
    return [name for name in unknown if name]


@rule(
    "complete.unknown-column",
    severity=Severity.ERROR,
    title="Index or relationship names a column that is not a field",
    flags="An index column, or a relationship's foreign key or referenced column, that is not "
    "a field of its table. Sort keywords (DESC, NULLS LAST), casts and wrapping functions "
    "(lower(name)) are looked through.",
    example="`idx_tasks_owner` on (owner_id) when the field is user_id.",
    fix="Use the field's exact name, or add the missing field.",
)
def unknown_column(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for model in content.models:
        fields = content.field_names(model)
        for index in content.children(model, Index):
            for name in _unknown_index_columns(content, index, fields):
                yield (
                    content.item(index),
                    f"Index {index.name} names {name}, which is not a field of {model.table}: "
                    "use the field's exact name or add the field.",
                )
        for relationship in content.children(model, Relationship):
            for name in _unknown_relationship_columns(content, relationship, fields):
                yield (
                    content.item(relationship),
                    f"The relationship names {name}, which is not a field: use the field's "
                    "exact name or add the field.",
                )


KNOWN_TYPES_TEXT = (
    ", ".join(sorted(SCALAR_TYPES))
    + "; with arguments: "
    + ", ".join(f"{name}(…)" for name in sorted(PARAMETERISED_TYPES))
    + "; containers: "
    + ", ".join(f"{name}[…]" for name in sorted(CONTAINER_TYPES))
    + ", T[]; unions: A | B"
)


def typed_rows(content: LintContent) -> Iterator[Parameter | BodyField | Field]:
    for row in all_rows(content):
        if isinstance(row, Parameter | BodyField | Field) and row.type.strip():
            yield row


@rule(
    "complete.unknown-type",
    severity=Severity.WARNING,
    title="Unknown type",
    flags="A parameter, body or model field type that names neither a model of the spec nor a "
    f"known type (case-insensitive). Known types: {KNOWN_TYPES_TEXT}.",
    example="`due`: `dattime` (a typo), or `array[Taks]`.",
    fix="Use a known type or the exact name of a model of the spec (Task, array[Task]).",
)
def unknown_type(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for row in typed_rows(content):
        if not type_is_known(row.type, content.model_names):
            yield (
                content.item(row),
                f'"{row.type}" is neither a known type nor a model of the spec: fix the '
                "spelling, use a known type or name a model.",
            )
