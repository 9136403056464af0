"""API ↔ database: whether an endpoint and the model its resource maps to agree.

An endpoint maps to a model through services/resources.py (an explicit link, the path, or the
name). Its body fields and path parameters are then compared with the model's columns (the
`Field` rows), by name: case-insensitively, `dueDate` matching `due_date`.

What is not compared, by design:
- nested fields (`meta.total`, `items[].id`) and fields whose type is an array, an object or a
  model (`array[Tag]`, `Task`): they stand for related rows or documents, not for columns;
- the top-level fields of an envelope, a body with a field whose type is the mapped model or an
  array of it (`"items": "array[Task]"` for Task): `total`, `limit`, … describe the page, not a
  row (a field of another model, `"tags": "array[Tag]"`, is skipped alone);
- a field that a business rule of the endpoint names together with "computed", "derived",
  "calculated", "counted", "aggregated", "not stored" or "ignored".
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from specs_app.models import (
    Authentication,
    BodyField,
    BusinessRule,
    Endpoint,
    ErrorCase,
    Field,
    Index,
    Method,
)
from specs_app.models.lint import Severity
from specs_app.services.lint.content import LintContent
from specs_app.services.lint.findings import Hit
from specs_app.services.lint.registry import rule
from specs_app.services.lint.rules.errors import error_codes
from specs_app.services.lint.rules.http import path_parameters, request_fields, response_fields
from specs_app.services.lint.settings import LintSettings
from specs_app.services.lint.text import index_column_names, split_top_level
from specs_app.services.resources import (
    PATH,
    ModelIndex,
    ModelMapping,
    endpoint_model,
    singular,
)

# ---------------------------------------------------------------------------------------------
# Types, read loosely from the free text of the API and of the columns


def api_kind(type_text: str, model_names: frozenset[str] = frozenset()) -> str | None:
    """string, integer, number, boolean, datetime, date, time, uuid, enum, object, array, model
    or None (a type this module does not know)."""
    kind = _api_kind(type_text)
    if kind is None and type_text.strip().lower() in model_names:
        return "model"
    return kind


@lru_cache(maxsize=4096)
def _api_kind(type_text: str) -> str | None:
    text = type_text.strip().lower()
    if text.endswith("[]") or re.match(r"^(array|list|set)\s*[\[<(]", text) or text == "array":
        return "array"
    if text.startswith("enum"):
        return "enum"
    base = re.split(r"[\s(]", text, maxsplit=1)[0]
    return _API_KINDS.get(base)


_API_KINDS = {
    **dict.fromkeys(
        ["string", "str", "text", "email", "url", "uri", "slug", "password", "varchar", "char"],
        "string",
    ),
    **dict.fromkeys(["integer", "int", "int32", "int64", "long", "bigint", "smallint"], "integer"),
    **dict.fromkeys(["number", "float", "double", "decimal", "numeric", "real"], "number"),
    **dict.fromkeys(["boolean", "bool"], "boolean"),
    **dict.fromkeys(["datetime", "date-time", "timestamp", "timestamptz"], "datetime"),
    "date": "date",
    "time": "time",
    **dict.fromkeys(["uuid", "guid"], "uuid"),
    **dict.fromkeys(["object", "json", "jsonb", "dict", "map"], "object"),
}


@lru_cache(maxsize=2048)
def column_kind(type_text: str) -> tuple[str | None, int | None]:
    """(kind, maximum length) of a column type such as `varchar(200)`, `int` or `timestamptz`."""
    text = type_text.strip().lower()
    if text.endswith("[]"):
        return "array", None
    if text in ("tinyint(1)", "bit(1)"):
        return "boolean", None
    match = re.match(r"^([a-z][a-z0-9 ]*?)\s*(?:\(([^)]*)\))?\s*(with(?:out)? time zone)?$", text)
    if not match:
        return None, None
    base, arguments, zone = match.groups()
    kind = _COLUMN_KINDS.get(base.strip())
    if zone and kind in ("datetime", "time"):
        return kind, None
    length = int(arguments) if kind == "string" and arguments and arguments.isdigit() else None
    return kind, length


_COLUMN_KINDS = {
    **dict.fromkeys(
        [
            "varchar",
            "character varying",
            "char",
            "character",
            "nchar",
            "nvarchar",
            "text",
            "citext",
            "string",
            "tinytext",
            "mediumtext",
            "longtext",
        ],
        "string",
    ),
    **dict.fromkeys(
        [
            "int",
            "integer",
            "int2",
            "int4",
            "int8",
            "smallint",
            "bigint",
            "tinyint",
            "mediumint",
            "serial",
            "bigserial",
            "smallserial",
        ],
        "integer",
    ),
    **dict.fromkeys(
        ["numeric", "decimal", "real", "float", "float4", "float8", "double", "double precision"],
        "number",
    ),
    "money": "number",
    **dict.fromkeys(["boolean", "bool"], "boolean"),
    **dict.fromkeys(["timestamp", "timestamptz", "datetime"], "datetime"),
    "date": "date",
    **dict.fromkeys(["time", "timetz"], "time"),
    "uuid": "uuid",
    **dict.fromkeys(["json", "jsonb"], "object"),
}

OK, IMPRECISE, MISMATCH = "ok", "imprecise", "mismatch"
#: API kind → {column kind: verdict}; a column kind not listed is a mismatch.
_AGREEMENT = {
    "string": {"string": OK, "uuid": IMPRECISE, "datetime": IMPRECISE, "date": IMPRECISE,
               "time": IMPRECISE, "object": IMPRECISE},
    "enum": {"string": OK},
    "integer": {"integer": OK, "number": OK},
    "number": {"number": OK, "integer": IMPRECISE},
    "boolean": {"boolean": OK, "integer": IMPRECISE},
    "datetime": {"datetime": OK, "date": IMPRECISE, "string": IMPRECISE},
    "date": {"date": OK, "datetime": OK, "string": IMPRECISE},
    "time": {"time": OK, "string": IMPRECISE},
    "uuid": {"uuid": OK, "string": OK},
}  # fmt: skip


def agreement(api: str | None, column: str | None) -> str:
    if api is None or column is None or api not in _AGREEMENT or column in ("array",):
        return OK
    return _AGREEMENT[api].get(column, MISMATCH)


_LENGTHS = (
    re.compile(r"(\d+)\s*(?:-|–|to|\.\.)\s*(\d+)\s*(?:chars?|characters?)", re.I),
    re.compile(r"\bmax(?:imum)?(?:[ _-]?length)?\s*[:=]?\s*(\d+)", re.I),
    re.compile(r"\bup to (\d+)\s*(?:chars?|characters?)", re.I),
    re.compile(r"<=\s*(\d+)\s*(?:chars?|characters?)", re.I),
)


def max_length(field) -> int | None:
    """The longest string an API field allows, from `string(200)` or its constraints
    (`1-200 chars`, `max 1000 chars`, `maxLength 50`, `up to 80 characters`)."""
    if typed := re.match(r"^\s*(?:string|varchar|char)\s*\(\s*(\d+)\s*\)", field.type, re.I):
        return int(typed.group(1))
    for pattern in _LENGTHS:
        if found := pattern.search(field.constraints):
            return int(found.groups()[-1])
    return None


def enum_values(type_text: str) -> list[str] | None:
    found = re.match(r"^\s*enum\s*[(\[](.*)[)\]]\s*$", type_text, re.I | re.S)
    if not found:
        return None
    return [_unquote(v) for v in split_top_level(found.group(1), ",") if v.strip()]


def check_values(field: Field) -> list[str] | None:
    """The values of a `CHECK (name IN ('a', 'b'))` on the column, or None."""
    pattern = rf"CHECK\s*\(\s*\(?\s*{re.escape(field.name)}\s+IN\s*\(([^)]*)\)"
    found = re.search(pattern, field.other_constraints, re.I)
    if not found:
        return None
    return [_unquote(v) for v in split_top_level(found.group(1), ",") if v.strip()]


def _unquote(value: str) -> str:
    return value.strip().strip("'\"")


# ---------------------------------------------------------------------------------------------
# What the rules share, computed once per lint run


@lru_cache(maxsize=16384)
def column_key(name: str) -> str:
    """A field or column name compared: `dueDate`, `due_date` and `Due_Date` are the same."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.strip()).lower()


@dataclass
class Mapped:
    """An endpoint whose resource maps to a model, and that model's columns."""

    endpoint: Endpoint
    mapping: ModelMapping
    columns: dict[str, Field]

    @property
    def model(self):
        return self.mapping.model


def model_index(content: LintContent) -> ModelIndex:
    return content.memo("db.index", lambda: ModelIndex(content.models))


def mappings(content: LintContent) -> dict[int, ModelMapping]:
    def compute() -> dict[int, ModelMapping]:
        index = model_index(content)
        return {e.pk: endpoint_model(e, index) for e in content.endpoints}

    return content.memo("db.mappings", compute)


def model_columns(content: LintContent, model) -> dict[str, Field]:
    columns = content.memo("db.columns", dict)
    if model.pk not in columns:
        columns[model.pk] = {column_key(f.name): f for f in content.children(model, Field)}
    return columns[model.pk]


def mapped_endpoints(content: LintContent) -> list[Mapped]:
    def compute() -> list[Mapped]:
        found = []
        for endpoint in content.endpoints:
            mapping = mappings(content)[endpoint.pk]
            if mapping.model is not None:
                columns = model_columns(content, mapping.model)
                found.append(Mapped(endpoint, mapping, columns))
        return found

    return content.memo("db.mapped", compute)


def _model_names(content: LintContent) -> frozenset[str]:
    return content.model_names


_EXEMPTING = re.compile(
    r"\b(computed|derived|calculated|counted|aggregated|not stored|ignored|generated by the "
    r"server|virtual)\b",
    re.I,
)


def _exempt_by_rule(content: LintContent, endpoint: Endpoint, name: str) -> bool:
    exempting = content.memo("db.exempting", dict)
    if endpoint.pk not in exempting:
        exempting[endpoint.pk] = [
            rule.text
            for rule in content.children(endpoint, BusinessRule)
            if _EXEMPTING.search(rule.text)
        ]
    return any(re.search(rf"\b{re.escape(name)}\b", text, re.I) for text in exempting[endpoint.pk])


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _is_column_like(content: LintContent, field: BodyField) -> bool:
    """A field that stands for one column: a plain name (not nested like `a.b` or `items[].x`),
    not an array, object or model."""
    if not _IDENTIFIER.match(field.name):
        return False
    return api_kind(field.type, _model_names(content)) not in ("array", "object", "model")


def _is_envelope(mapped: Mapped, fields: list[BodyField]) -> bool:
    """Whether the body wraps the mapped model's rows (`"items": "array[Task]"` or
    `"task": "Task"` for Task): its top-level fields then describe the page, not a row. A field
    of another model (`"tags": "array[Tag]"`) is a related row and leaves the body compared."""
    name = mapped.model.name.strip().lower()
    for field in fields:
        text = field.type.strip().lower()
        inner = re.sub(r"^(array|list)\s*[\[<]\s*|\s*[\]>]$|\[\]$", "", text)
        if name in (text, inner):
            return True
    return False


def compared_fields(content: LintContent, mapped: Mapped, part: str) -> list[BodyField]:
    """The request or response fields of a mapped endpoint that stand for columns."""
    known = content.memo("db.fields", dict)
    key = (mapped.endpoint.pk, part)
    if key not in known:
        fields = (
            request_fields(content, mapped.endpoint)
            if part == BodyField.Part.REQUEST
            else response_fields(content, mapped.endpoint)
        )
        envelope = _is_envelope(mapped, fields)
        known[key] = [] if envelope else [f for f in fields if _is_column_like(content, f)]
    return known[key]


def _compared(content: LintContent, part: str) -> list[tuple[Mapped, BodyField, Field | None]]:
    """(mapped endpoint, body field, its column or None) for every compared field of `part`,
    worked out once per lint run for all the rules."""

    def compute():
        return [
            (mapped, field, mapped.columns.get(column_key(field.name)))
            for mapped in mapped_endpoints(content)
            for field in compared_fields(content, mapped, part)
        ]

    return content.memo(f"db.compared.{part}", compute)


def field_pairs(content: LintContent, part: str) -> Iterator[tuple[Mapped, BodyField, Field]]:
    """(mapped endpoint, body field, its column) for each compared field that has a column."""
    for mapped, field, column in _compared(content, part):
        if column is not None:
            yield mapped, field, column


def _without_column(content: LintContent, part: str) -> Iterator[tuple[Mapped, BodyField]]:
    for mapped, field, column in _compared(content, part):
        if column is None and not _exempt_by_rule(content, mapped.endpoint, field.name):
            yield mapped, field


def _is_owner_column(column: Field, settings: LintSettings) -> bool:
    return column.references.partition(".")[0].lower() == settings.owner_table.lower()


def _model_label(mapped: Mapped) -> str:
    model = mapped.model
    return f"{model.name} ({model.table})" if model.table else model.name


REQUEST, RESPONSE = BodyField.Part.REQUEST, BodyField.Part.RESPONSE

# ---------------------------------------------------------------------------------------------
# The link itself


@rule(
    "db.model-link-unknown",
    severity=Severity.ERROR,
    title="Model link names no model",
    flags="An endpoint whose explicit `**Model**` link names no model of the spec (a model "
    "renamed or deleted since, or one still to be added in the change request).",
    example="`**Model**: Todo` when the schema has `## Task` only.",
    fix="Pick a model of the spec in the endpoint's editor, set it back to automatic, or add "
    "the model.",
)
def model_link_unknown(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for endpoint in content.endpoints:
        mapping = mappings(content)[endpoint.pk]
        if mapping.link_unknown:
            yield (
                content.item(endpoint),
                f"The endpoint is linked to the model “{mapping.link}”, which is no model of "
                "the spec: pick one of its models or set the link back to automatic.",
            )


# ---------------------------------------------------------------------------------------------
# Fields without columns


@rule(
    "db.response-field-no-column",
    severity=Severity.WARNING,
    title="Response field without a column",
    flags="A top-level response field of an endpoint that maps to a model, with no column of "
    "that name, unless a business rule says it is computed (or derived, calculated, counted, "
    "aggregated, not stored). Nested fields (`a.b`, `items[].x`), arrays, objects, model-typed "
    "fields and envelopes (a body with an `array[Task]` field for Task) are not compared.",
    example='GET /api/v1/tasks/{task_id} returns `"priority": "integer (required)"` and tasks '
    "has no priority column.",
    fix="Add the column to the model, rename the field to the column it shows, or add a "
    "business rule saying how it is computed (`priority is computed from due_date`).",
)
def response_field_no_column(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    dropped, renamed = dropped_columns(content), renamed_columns(content)
    for mapped, field in _without_column(content, RESPONSE):
        key = (mapped.model.pk, column_key(field.name))
        if key in dropped:
            continue  # db.dropped-column-in-response says more
        if key in renamed:
            message = (
                f"This change request renames the column {mapped.model.table}.{field.name} to "
                f"{renamed[key]}, but the response still returns {field.name}: rename the field "
                "too (a breaking change for clients), or keep the column's name."
            )
        else:
            message = (
                f"{field.name} has no column in {_model_label(mapped)}: add the column, rename "
                "the field, or say in a business rule that it is computed."
            )
        yield content.item(field), message


@rule(
    "db.request-field-no-column",
    severity=Severity.WARNING,
    title="Request field without a column",
    flags="A top-level request field of an endpoint that maps to a model, with no column of "
    "that name, unless a business rule says it is ignored or not stored (same exemptions as "
    "for responses).",
    example='POST /api/v1/tasks takes `"colour": "string (optional)"` and tasks has no colour '
    "column.",
    fix="Add the column, rename the field to its column, or say in a business rule what the "
    "server does with it (`colour is ignored`).",
)
def request_field_no_column(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for mapped, field in _without_column(content, REQUEST):
        yield (
            content.item(field),
            f"{field.name} has no column in {_model_label(mapped)}: add the column, rename the "
            "field, or say in a business rule what happens to it.",
        )


def dropped_columns(content: LintContent) -> set[tuple[int, str]]:
    """(model pk, column key) of the columns a change request's draft dropped that a response
    field still names."""
    return _base_columns(content)[0]


def renamed_columns(content: LintContent) -> dict[tuple[int, str], str]:
    """(model pk, old column key) → the column's new name, for the columns a change request's
    draft renamed (same uid) that a response field still names by the old name."""
    return _base_columns(content)[1]


def _base_columns(content: LintContent) -> tuple[set, dict]:
    """What became of the base's columns that response fields name but the draft lacks: dropped
    (the field row is gone, by uid) or renamed. Only a draft has a base (its parent revision),
    and the base is read only when some response field has no column (one query, whatever the
    size)."""

    def compute() -> tuple[set, dict]:
        revision = content.revision
        if revision.is_published or not revision.parent_id:
            return set(), {}
        missing = {
            (mapped.model.pk, column_key(field.name))
            for mapped, field, column in _compared(content, RESPONSE)
            if column is None
        }
        if not missing:
            return set(), {}
        models = {model.pk: model for model in content.models}
        uids = {models[pk].uid: pk for pk, _ in missing}
        base = Field.objects.filter(
            revision_id=revision.parent_id, model__uid__in=list(uids)
        ).values_list("model__uid", "name", "uid")
        current = {
            field.uid: field.name
            for model in content.models
            for field in content.children(model, Field)
        }
        gone, renamed = set(), {}
        for model_uid, name, uid in base:
            key = (uids[model_uid], column_key(name))
            if key not in missing:
                continue
            if uid not in current:
                gone.add(key)
            elif column_key(current[uid]) != key[1]:
                renamed[key] = current[uid]
        return gone, renamed

    return content.memo("db.base-columns", compute)


@rule(
    "db.dropped-column-in-response",
    severity=Severity.ERROR,
    title="Dropped column still in a response",
    flags="In a change request: a column of the base revision that the request drops (its "
    "field row is gone, compared by uid) while a response field of an endpoint mapped to that "
    "model still returns it.",
    example="A request deletes tasks.due_date; GET /api/v1/tasks/{task_id} still returns "
    '`"due_date": "datetime (optional)"`.',
    fix="Remove the field from the responses in the same change request, keep the column, or "
    "say in a business rule how the value is now computed.",
)
def dropped_column_in_response(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    dropped = dropped_columns(content)
    if not dropped:
        return
    for mapped, field in _without_column(content, RESPONSE):
        if (mapped.model.pk, column_key(field.name)) in dropped:
            yield (
                content.item(field),
                f"This change request drops the column {mapped.model.table}.{field.name}, but "
                "the response still returns it: remove the field or keep the column.",
            )


# ---------------------------------------------------------------------------------------------
# Required and nullable


@rule(
    "db.required-nullable",
    severity=Severity.WARNING,
    title="Required request field, nullable column",
    flags="A request field marked required whose column is nullable: either the API asks for "
    "more than the database needs, or the column should be NOT NULL.",
    example='`"description": "string (required)"` and `| description | text | NULL |`.',
    fix="Make the field optional, or make the column NOT NULL (with a migration for the rows "
    "that hold NULL).",
)
def required_nullable(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for mapped, field, column in field_pairs(content, REQUEST):
        if field.required and column.nullable:
            yield (
                content.item(field),
                f"{field.name} is required but {mapped.model.table}.{column.name} is nullable: "
                "make the field optional or the column NOT NULL.",
            )


#: Methods whose request body gives every column a value: an omitted field is stored as null.
_WRITING_WHOLE_ROWS = frozenset({Method.POST, Method.PUT})


@rule(
    "db.optional-not-null",
    severity=Severity.ERROR,
    title="Optional request field, NOT NULL column without a default",
    flags="A POST or PUT request field marked optional whose column is NOT NULL with no "
    "default, is not generated (auto), not the primary key and not the owner column (which "
    "the server sets from the authenticated user): leaving it out makes the insert fail. PATCH "
    "is not checked (an omitted field keeps its value).",
    example='POST /api/v1/tasks with `"title": "string (optional)"` and '
    "`| title | varchar(200) | NOT NULL |`.",
    fix="Make the field required, give the column a DEFAULT, or make it nullable.",
)
def optional_not_null(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for mapped, field, column in field_pairs(content, REQUEST):
        if mapped.endpoint.method not in _WRITING_WHOLE_ROWS or field.required:
            continue
        server_set = column.auto or column.primary_key or _is_owner_column(column, settings)
        if not column.nullable and not column.default and not server_set:
            yield (
                content.item(field),
                f"{field.name} is optional but {mapped.model.table}.{column.name} is NOT NULL "
                "without a default: make the field required or give the column a default.",
            )


@rule(
    "db.response-required-nullable",
    severity=Severity.WARNING,
    title="Required response field, nullable column",
    flags="A response field marked required whose column is nullable: clients are promised a "
    "value the database may not have.",
    example='`"due_date": "datetime (required)"` and `| due_date | timestamp | NULL |`.',
    fix="Mark the field optional (it may be null), or make the column NOT NULL.",
)
def response_required_nullable(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for mapped, field, column in field_pairs(content, RESPONSE):
        if field.required and column.nullable:
            yield (
                content.item(field),
                f"{field.name} is required in the response but {mapped.model.table}."
                f"{column.name} is nullable: mark the field optional or the column NOT NULL.",
            )


# ---------------------------------------------------------------------------------------------
# Types


def _typed_pairs(content: LintContent) -> Iterator[tuple[object, Field, Mapped]]:
    """(body field or path parameter, its column, mapped endpoint) for every compared value."""
    for part in (REQUEST, RESPONSE):
        for mapped, field, column in field_pairs(content, part):
            yield field, column, mapped
    for mapped, parameter, column in _path_parameter_columns(content):
        if column is not None:
            yield parameter, column, mapped


def _type_findings(content: LintContent, verdict: str) -> Iterator[tuple[object, Field, Mapped]]:
    names = _model_names(content)
    for value, column, mapped in _typed_pairs(content):
        kind, _ = column_kind(column.type)
        if agreement(api_kind(value.type, names), kind) == verdict:
            yield value, column, mapped


@rule(
    "db.type-mismatch",
    severity=Severity.ERROR,
    title="API type and column type disagree",
    flags="A body field or path parameter whose type cannot hold its column's values or the "
    "reverse: string vs integer or boolean, integer vs text, uuid vs integer, a date vs a "
    "number…",
    example='`"completed": "string (required)"` and `| completed | boolean | NOT NULL |`.',
    fix="Use the type that matches the column (`boolean`), or change the column's type.",
)
def type_mismatch(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for value, column, mapped in _type_findings(content, MISMATCH):
        yield (
            content.item(value),
            f"{value.name} is {value.type} but {mapped.model.table}.{column.name} is "
            f"{column.type}: make the two types agree.",
        )


@rule(
    "db.type-imprecise",
    severity=Severity.WARNING,
    title="API type looser than the column",
    flags="A body field or path parameter whose type holds the column's values but says less "
    "about them: `string` for a uuid, timestamp or date column, `number` for an integer one, a "
    "datetime for a date.",
    example='`"id": "string (required)"` and `| id | uuid | PK |`.',
    fix="Use the precise type (`uuid`, `datetime`, `date`, `integer`) so clients can validate "
    "and generate code.",
)
def type_imprecise(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for value, column, mapped in _type_findings(content, IMPRECISE):
        yield (
            content.item(value),
            f"{value.name} is {value.type} while {mapped.model.table}.{column.name} is "
            f"{column.type}: use the more precise type.",
        )


def _string_length_pairs(content: LintContent) -> Iterator[tuple[BodyField, Field, int]]:
    names = _model_names(content)
    for _, field, column in field_pairs(content, REQUEST):
        kind, length = column_kind(column.type)
        if kind == "string" and length and api_kind(field.type, names) == "string":
            yield field, column, length


@rule(
    "db.length-exceeds-column",
    severity=Severity.ERROR,
    title="Request allows longer strings than the column",
    flags="A request string field whose maximum length (`max 300 chars`, `1-300 chars`, "
    "`string(300)`) is more than its `varchar(n)` or `char(n)` column holds.",
    example='`"title": "string (required, 1-300 chars)"` and `| title | varchar(200) |`.',
    fix="Lower the field's maximum to the column's length, or widen the column.",
)
def length_exceeds_column(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for field, column, length in _string_length_pairs(content):
        allowed = max_length(field)
        if allowed is not None and allowed > length:
            yield (
                content.item(field),
                f"{field.name} allows {allowed} characters but the column {column.name} is "
                f"{column.type}: lower the maximum to {length} or widen the column.",
            )


@rule(
    "db.length-unbounded",
    severity=Severity.WARNING,
    title="Request string without a maximum, bounded column",
    flags="A request string field that states no maximum length while its column is "
    "`varchar(n)` or `char(n)`: a longer value is refused by the database, not by validation.",
    example='`"color": "string (optional)"` and `| color | char(7) |`.',
    fix="State the maximum in the field's constraints (`max 7 chars`).",
)
def length_unbounded(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for field, column, length in _string_length_pairs(content):
        if max_length(field) is None:
            yield (
                content.item(field),
                f"{field.name} states no maximum length but the column {column.name} is "
                f"{column.type}: add `max {length} chars` to its constraints.",
            )


@rule(
    "db.enum-check-mismatch",
    severity=Severity.ERROR,
    title="Enum values and the CHECK list of the column differ",
    flags="A body field typed `enum(…)` whose column has a `CHECK (name IN (…))` with other "
    "values: the database refuses what the API accepts, or returns what clients do not expect.",
    example='`"status": "enum(open, done, archived)"` and `CHECK (status IN (\'open\', '
    "'done'))`.",
    fix="Make the two lists the same, in the API and in the CHECK (with a migration).",
)
def enum_check_mismatch(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for part in (REQUEST, RESPONSE):
        for mapped, field, column in field_pairs(content, part):
            values, allowed = enum_values(field.type), check_values(column)
            if values is None or allowed is None or set(values) == set(allowed):
                continue
            only_api = [v for v in values if v not in allowed]
            only_check = [v for v in allowed if v not in values]
            differences = []
            if only_api:
                differences.append(f"only the API has {', '.join(only_api)}")
            if only_check:
                differences.append(f"only the CHECK has {', '.join(only_check)}")
            yield (
                content.item(field),
                f"{field.name}'s values and the CHECK on {mapped.model.table}.{column.name} "
                f"differ ({'; '.join(differences)}): make the lists the same.",
            )


# ---------------------------------------------------------------------------------------------
# Path parameters


def _path_parameter_columns(content: LintContent):
    """(mapped, path parameter, the column it names or None) for `{id}` / `{x_id}` parameters:
    `{id}` and `{<model>_id}` name the model's primary key, `{x_id}` the column x_id."""

    def compute():
        found = []
        for mapped in mapped_endpoints(content):
            model = mapped.model
            own = {f"{singular(model.name)}_id", f"{singular(model.table)}_id", "id"}
            own = {column_key(name) for name in own}
            keys = [column for column in mapped.columns.values() if column.primary_key]
            beyond = _placeholders_beyond(mapped, model_index(content))
            for parameter in path_parameters(content, mapped.endpoint):
                if parameter.name in beyond:
                    continue
                key = column_key(parameter.name)
                if key != "id" and not key.endswith("_id"):
                    continue
                column = mapped.columns.get(key)
                if column is None and key in own and len(keys) == 1:
                    column = keys[0]
                found.append((mapped, parameter, column))
        return found

    return content.memo("db.path-columns", compute)


def _placeholders_beyond(mapped: Mapped, index: ModelIndex) -> set[str]:
    """Placeholders of the path that name rows of a sub-resource the spec does not model:
    in /users/{user_id}/conversations/{conversation_id} mapped to User by its path,
    {conversation_id} is a conversation's id, not a key of users."""
    if mapped.mapping.how != PATH:
        return set()
    segments = [s for s in mapped.endpoint.path.split("/") if s]
    literal = [i for i, s in enumerate(segments) if not s.startswith(("{", ":"))]
    matched = [i for i in literal if index.for_segment(segments[i]) is mapped.model]
    if not matched:
        return set()
    later = [i for i in literal if i > matched[-1]]
    if not later:
        return set()
    return {s.strip("{}:") for s in segments[later[0] :] if s.startswith(("{", ":"))}


@rule(
    "db.path-param-not-key",
    severity=Severity.WARNING,
    title="Path id that is no key of the model",
    flags="A path parameter `{id}` or `{x_id}` of an endpoint mapped to a model, where the "
    "model has no column x_id that is its primary key or a foreign key (`{id}` and "
    "`{<model>_id}` stand for the model's single-column primary key).",
    example="GET /api/v1/projects/{project_id}/tasks mapped to Task, whose table has no "
    "project_id column.",
    fix="Add the foreign key column to the model, or rename the parameter after the key it is.",
)
def path_param_not_key(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for mapped, parameter, column in _path_parameter_columns(content):
        if column is not None and (column.primary_key or column.references):
            continue
        what = (
            f"{mapped.model.table}.{column.name} is neither its key nor a foreign key"
            if column is not None
            else f"{mapped.model.table} has no such key or foreign key"
        )
        yield (
            content.item(parameter),
            f"{{{parameter.name}}} names a row of {mapped.model.name}, but {what}: add the "
            "foreign key or rename the parameter.",
        )


# ---------------------------------------------------------------------------------------------
# Ownership, uniqueness, foreign keys

_PER_USER = re.compile(
    r"authenticated user|current user|per[- ]user|the caller|caller's|user_id|owner|own\b|"
    r"belongs? to the user",
    re.I,
)


def _owned_tables(content: LintContent, settings: LintSettings) -> set[str]:
    """Tables with an owner column, directly or through one foreign key to such a table."""

    def compute() -> set[str]:
        direct = {
            model.table.lower()
            for model in content.models
            if any(_is_owner_column(f, settings) for f in content.children(model, Field))
        }
        through = {
            model.table.lower()
            for model in content.models
            if any(
                f.references.partition(".")[0].lower() in direct
                for f in content.children(model, Field)
            )
        }
        return direct | through

    return content.memo("db.owned", compute)


@rule(
    "db.owned-no-owner-column",
    severity=Severity.ERROR,
    title="Owned resource without an owner column",
    flags="An authenticated endpoint whose User Ownership says the data is per user (the "
    "authenticated user's, the caller's, the owner's…) while its model's table has no foreign "
    "key to the owner table (`users` unless the lint settings say otherwise), directly or "
    "through one table that has one.",
    example="`**User Ownership**: Returns only the caller's notes` mapped to notes, which has "
    "no user_id column.",
    fix="Add the owner column (`user_id FK -> users.id`), or correct the ownership text.",
)
def owned_no_owner_column(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    owner_table = settings.owner_table.lower()
    for mapped in mapped_endpoints(content):
        endpoint = mapped.endpoint
        if endpoint.authentication == Authentication.NONE:
            continue
        if not _PER_USER.search(endpoint.user_ownership):
            continue
        table = mapped.model.table.lower()
        if table == owner_table or table in _owned_tables(content, settings):
            continue
        yield (
            content.item(endpoint),
            f"The ownership says the data is per user, but {mapped.model.table} has no foreign "
            f"key to {settings.owner_table}: add the owner column or correct the ownership.",
        )


def _is_create(endpoint: Endpoint) -> bool:
    segments = [s for s in endpoint.path.rstrip("/").split("/") if s]
    return endpoint.method == Method.POST and not (segments and segments[-1].startswith("{"))


def _unique_columns(content: LintContent, model, settings: LintSettings) -> set[str]:
    """Column keys that are unique alone or in a unique index (owner columns left out)."""
    columns = model_columns(content, model)
    unique = {key for key, column in columns.items() if column.unique and not column.primary_key}
    for index in content.children(model, Index):
        if not index.unique:
            continue
        for part in index_column_names(index.columns):
            for name in part:
                column = columns.get(column_key(name))
                if column is not None and not _is_owner_column(column, settings):
                    unique.add(column_key(name))
    return unique


@rule(
    "db.unique-no-409",
    severity=Severity.WARNING,
    title="Create sets a unique column without 409",
    flags="A create endpoint (POST on a collection) whose request sets a column that is UNIQUE "
    "or part of a unique index, with no 409 declared for a duplicate.",
    example="POST /api/v1/users with `email` (UNIQUE) and errors 400, 401, 500.",
    fix="Declare `- 409: A user with this email exists already`.",
)
def unique_without_409(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for mapped in mapped_endpoints(content):
        if not _is_create(mapped.endpoint) or 409 in error_codes(content, mapped.endpoint):
            continue
        unique = _unique_columns(content, mapped.model, settings)
        names = [
            field.name
            for field in compared_fields(content, mapped, REQUEST)
            if column_key(field.name) in unique
        ]
        if names:
            yield (
                content.item(mapped.endpoint),
                f"The request sets {', '.join(names)}, unique in {mapped.model.table}, but no "
                "409 is declared: say what a duplicate gets.",
            )


_MISSING_TARGET = re.compile(r"not exist|not found|unknown|missing|no such|invalid", re.I)


@rule(
    "db.fk-no-404",
    severity=Severity.WARNING,
    title="Request sets a foreign key without 404 or 422",
    flags="A POST, PUT or PATCH request field whose column is a foreign key (not the owner "
    "column), on an endpoint that declares no 404 or 422 (nor a 400 whose description names "
    "the field or says the target does not exist) for a missing target row.",
    example='POST /api/v1/tasks with `"project_id": "integer (required)"` (FK -> projects.id) '
    "and errors 400 (title too long), 401, 500.",
    fix="Declare `- 422: No project with this id belongs to the caller` (or 404).",
)
def fk_without_404(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    writing = {Method.POST, Method.PUT, Method.PATCH}
    for mapped in mapped_endpoints(content):
        endpoint = mapped.endpoint
        if endpoint.method not in writing:
            continue
        codes = error_codes(content, endpoint)
        if codes & {404, 422}:
            continue
        bad_requests = [
            e.description for e in content.children(endpoint, ErrorCase) if e.status_code == 400
        ]
        for field in compared_fields(content, mapped, REQUEST):
            column = mapped.columns.get(column_key(field.name))
            if column is None or not column.references or _is_owner_column(column, settings):
                continue
            if any(
                field.name.lower() in text.lower() or _MISSING_TARGET.search(text)
                for text in bad_requests
            ):
                continue
            yield (
                content.item(field),
                f"{field.name} references {column.references} but the endpoint declares no 404 "
                "or 422: say what a missing or foreign target row gets.",
            )
