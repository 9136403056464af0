"""Make values read from a real-world file fit the format, saying what changed.

The canonical importer refuses a value the editor would refuse. A real-world file is full of
values that are nearly right (a backtick in a name, a line break in a description, an
unbalanced parenthesis), and refusing the whole file for them would make the importer useless.
So each value is checked with the model field's own validators and, when it fails, normalised
in the smallest way that passes; a row that still cannot be stored is left out, its text kept
in the report with its line.
"""

import re
from collections.abc import Callable, Container, Mapping
from dataclasses import fields as dataclass_fields

from django.core.exceptions import ValidationError

from specs_app.interchange.names import one_line, shortened
from specs_app.interchange.notes import ImportNote
from specs_app.interchange.records import (
    ParsedApi,
    ParsedField,
    ParsedIndex,
    ParsedItem,
    ParsedModel,
    ParsedRelationship,
    ParsedSchema,
)
from specs_app.models.validators import (
    normalize_overview,
    split_top_level,
    unbalanced_reason,
    validate_balanced,
    validate_list_item,
    validate_no_backtick,
    validate_other_constraints,
    validate_overview,
    validate_parenthesised_text,
    validate_reference,
    validate_single_line,
    validate_type,
)
from specs_app.vocabulary import BELONGS_TO, HAS_MANY, HAS_ONE, MANY_TO_MANY, ON_DELETE_ACTIONS

_RECOGNISED = re.compile(r"^(PK|auto|NOT NULL|NULL|UNIQUE|FK -> .*|DEFAULT .*)$")


class _Repairer:
    def __init__(self, file: str):
        self.file = file
        self.warnings: list[ImportNote] = []
        self.values: dict[tuple, tuple] = {}

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ImportNote(self.file, line, message))

    def row(self, parsed, model, what: str) -> bool:
        """Repair every attribute of `parsed` in place; False when it cannot be stored."""
        for attribute in (f.name for f in dataclass_fields(parsed)):
            if attribute in ("line", "lines", "uid") or not _is_model_field(model, attribute):
                continue
            value = getattr(parsed, attribute)
            if isinstance(value, list):
                continue
            fixed, problem = self.value(model, attribute, value)
            if problem:
                self.warn(parsed.line, f"{what}: {problem}; not imported")
                return False
            if fixed != value:
                setattr(parsed, attribute, fixed)
                self.warn(parsed.line, f"{what}: {attribute} normalised to {fixed!r}")
        return True

    def value(self, model, attribute: str, value):
        """(the value to store, None) or (value, why it cannot be stored). Pure, and a big file
        repeats its values (types, flags, statuses), so each is worked out once."""
        key = (model, attribute, value)
        if not isinstance(value, str | int | None):  # not a value to remember
            return _repaired_value(model, attribute, value)
        if key not in self.values:
            self.values[key] = _repaired_value(model, attribute, value)
        return self.values[key]


def _repaired_value(model, attribute: str, value):
    field = model._meta.get_field(attribute)
    if not isinstance(value, str):
        return value, _problem(field, value)
    first = one_line(value, max_length=field.max_length, printable_only=True)
    if _problem(field, first) is None:
        return first, None
    candidates = [fix(first) for fix in _FIXES.get(attribute, ())]
    candidates.append(_balanced(candidates[-1] if candidates else first))
    for candidate in candidates:
        if _problem(field, candidate) is None:
            return candidate, None
    if field.blank:
        return "", None
    return value, f"{field.verbose_name} {value!r} cannot be stored ({_problem(field, value)})"


def _is_model_field(model, attribute: str) -> bool:
    try:
        model._meta.get_field(attribute)
    except Exception:
        return False
    return True


def _problem(field, value) -> str | None:
    try:
        field.clean(value, None)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


def _balanced(value: str) -> str:
    """Remove brackets and quotes until they balance (the last resort: the text stays)."""
    text = value
    for characters in ("\"'", "[]{}", "()"):
        if unbalanced_reason(text) is None:
            return text
        text = text.translate({ord(char): None for char in characters})
    return text


def _without_recognised_tokens(value: str) -> str:
    tokens = [token.strip() for token in re.split(r",\s*", value)]
    return ", ".join(token for token in tokens if token and not _RECOGNISED.match(token))


_FIXES = {
    "name": (lambda v: v.replace("`", ""),),
    "type": (
        lambda v: re.split(r" \((?:required|optional)", v)[0],
        lambda v: v.replace("(", "[").replace(")", "]"),
    ),
    "path": (lambda v: "/" + v.lstrip("/").split()[0] if v.split() else "/",),
    "other_constraints": (_without_recognised_tokens,),
    "columns": (lambda v: v.replace("`", ""),),
    "text": (lambda v: v if v.strip().lower() != "none" else "",),
}


#: The rows records become, by the records' attribute names (`endpoints`, `parameters`, …,
#: `models`, `fields`, …): Django models, passed in by services/imports.py so that this module
#: uses their fields' validators without importing them.
RowModels = Mapping[str, type]

_ENDPOINT_CHILDREN = ("parameters", "body_fields", "errors", "business_rules", "test_cases")
_MODEL_CHILDREN = ("fields", "relationships", "indexes", "constraints", "migration_notes")


def fit_records(kind: str, parsed, file: str, row_models: RowModels) -> list[ImportNote]:
    """Fit a variant's records (ParsedApi for "api", ParsedSchema for "schema") in place."""
    if kind == "api":
        return repair_api(parsed, file, row_models)
    return repair_schema(parsed, file, row_models)


def repair_api(api: ParsedApi, file: str, row_models: RowModels) -> list[ImportNote]:
    repairer = _Repairer(file)
    api.endpoints = _repaired(
        api.endpoints, "endpoints", _ENDPOINT_CHILDREN, "endpoint", repairer, row_models
    )
    _repair_overview(api, repairer)
    return repairer.warnings


def repair_schema(schema: ParsedSchema, file: str, row_models: RowModels) -> list[ImportNote]:
    repairer = _Repairer(file)
    schema.models = _repaired(
        schema.models, "models", _MODEL_CHILDREN, "model", repairer, row_models
    )
    relationship_model = row_models["relationships"]
    for model in schema.models:
        model.relationships = [
            r for r in model.relationships if _relationship_ok(r, relationship_model, repairer)
        ]
        _unique_names(model.fields, repairer, f"model “{model.name}”: field")
    _repair_overview(schema, repairer)
    return repairer.warnings


def _repaired(
    parents: list, name: str, children, noun: str, repairer: _Repairer, row_models: RowModels
) -> list:
    """The parents that can be stored, each with the children that can; names made unique."""
    kept = []
    for parent in parents:
        what = f"{noun} “{parent.name}”"
        if not repairer.row(parent, row_models[name], what):
            continue
        kept.append(parent)
        for attribute in children:
            rows = getattr(parent, attribute)
            model = row_models[attribute]
            setattr(parent, attribute, [r for r in rows if repairer.row(r, model, what)])
    _unique_names(kept, repairer, noun)
    return kept


def _repair_overview(parsed: ParsedApi | ParsedSchema, repairer: _Repairer) -> None:
    parsed.overview = normalize_overview(parsed.overview.replace("\t", "    "))
    try:
        validate_overview(parsed.overview)
    except ValidationError as exc:
        repairer.warn(parsed.overview_line, f"overview not imported: {' '.join(exc.messages)}")
        parsed.overview = ""


def _relationship_ok(parsed, relationship_model: type, repairer: _Repairer) -> bool:
    values = {f.name: getattr(parsed, f.name) for f in dataclass_fields(parsed) if f.name != "line"}
    try:
        relationship_model(**values).clean()
    except ValidationError as exc:
        repairer.warn(parsed.line, f"relationship not imported: {' '.join(exc.messages)}")
        return False
    return True


def numbered(name: str, taken: Container[str], style: str = "{name} ({number})", *, key=str) -> str:
    """`name` when `key(name)` is not taken, else the first `style` numbering of it (from 2)
    that is not: the one way every reader renames a repeated name (each keeps its style)."""
    candidate, number = name, 2
    while key(candidate) in taken:
        candidate, number = style.format(name=name, number=number), number + 1
    return candidate


def _unique_names(items: list, repairer: _Repairer, what: str) -> None:
    """A repeated name gets a number (`Get task (2)`): both rows are kept."""
    seen: set[str] = set()
    for item in items:
        name = item.name
        item.name = numbered(name, seen)
        if item.name != name:
            repairer.warn(item.line, f"{what} name “{name}” is used twice; renamed “{item.name}”")
        seen.add(item.name)


# ---------------------------------------------------------------------------------------------
# Code readers (sql/, sqlmodel/): every value kept passes the models' validators

_MAX = {"name": 200, "type": 200, "references": 200, "default": 500, "text": 1000}


def _code_problem(value: str, *validators: Callable[[str], None], limit: int = 200) -> str | None:
    if len(value) > limit:
        return f"longer than {limit} characters"
    for validator in validators:
        try:
            validator(value)
        except ValidationError as error:
            return error.messages[0]
    return None


def checked_models(
    models: list[ParsedModel], warnings: list[ImportNote], file: str
) -> tuple[list[ParsedModel], list[ImportNote]]:
    def warn(line: int, message: str) -> None:
        warnings.append(ImportNote(file, line, message))

    checked = [model for model in models if _model_ok(model, warn)]
    _code_unique_names(checked, warn)
    return checked, sorted(warnings, key=lambda warning: warning.line)


def _code_unique_names(models: list[ParsedModel], warn) -> None:
    seen: dict[str, str] = {}
    for model in models:
        name = numbered(model.name, seen, "{name}{number}")
        if name != model.name:
            warn(
                model.line,
                f"table {model.table} would be named {model.name} like table "
                f"{seen[model.name]}: named {name}",
            )
            model.name = name
        seen[name] = model.table


def _model_ok(model: ParsedModel, warn) -> bool:
    problem = _code_problem(model.name, validate_single_line) or _code_problem(
        model.table, validate_single_line
    )
    if problem or not model.name or not model.table:
        warn(model.line, f"table {shortened(model.table)!r} skipped: {problem or 'no name'}")
        return False
    model.fields = [field for field in model.fields if _field_ok(field, warn)]
    model.relationships = [r for r in model.relationships if _code_relationship_ok(r, warn)]
    model.indexes = [index for index in model.indexes if _index_ok(index, warn)]
    model.constraints = [item for item in model.constraints if _item_ok(item, warn)]
    return True


def _field_ok(field: ParsedField, warn) -> bool:
    problem = _code_problem(field.name, validate_single_line) if field.name else "no name"
    if problem:
        warn(field.line, f"column {shortened(field.name)!r} skipped: {problem}")
        return False
    if _code_problem(field.type, validate_type) or not field.type:
        short = re.split(r"[ (\[]", field.type.strip(), maxsplit=1)[0][:200] or "ANY"
        warn(
            field.line,
            f"{field.name}: type {shortened(field.type)!r} cannot be kept: read as {short}",
        )
        field.type = short if not _code_problem(short, validate_type) else "ANY"
    for attribute, validator in (
        ("references", validate_reference),
        ("default", validate_balanced),
    ):
        value = getattr(field, attribute)
        problem = _code_problem(value, validator, limit=_MAX[attribute])
        if problem:
            warn(field.line, f"{field.name}: {attribute} {shortened(value)!r} not kept: {problem}")
            setattr(field, attribute, "")
    field.other_constraints = _checked_constraints(field, warn)
    field.description = field.description[: _MAX["text"]]
    field.nullable = field.nullable and not field.primary_key
    return True


def _checked_constraints(field: ParsedField, warn) -> str:
    """The items of other_constraints that can be kept, each tried on what is kept so far."""
    kept: list[str] = []
    for item in split_top_level(field.other_constraints) if field.other_constraints else []:
        item = item.strip()
        if not item:
            continue
        candidate = ", ".join([*kept, item])
        problem = _code_problem(candidate, validate_other_constraints, limit=_MAX["text"])
        if problem:
            warn(field.line, f"{field.name}: constraint {shortened(item)!r} not kept: {problem}")
        else:
            kept.append(item)
    return ", ".join(kept)


def _code_relationship_ok(relationship: ParsedRelationship, warn) -> bool:
    problem = _relationship_problem(relationship)
    if problem:
        what = f"{relationship.kind} {shortened(relationship.target)}"
        warn(relationship.line, f"relationship {what!r} skipped: {problem}")
    return problem is None


def _relationship_problem(r: ParsedRelationship) -> str | None:
    required = {
        BELONGS_TO: ("fk_field", "target_column", "on_delete"),
        HAS_ONE: ("fk_field",),
        HAS_MANY: ("fk_field",),
        MANY_TO_MANY: ("through_table",),
    }[r.kind]
    if not r.target or " (" in r.target:
        return 'a model name is needed, without " ("'
    for attribute in ("target", "fk_field", "target_column", "through_table"):
        value = getattr(r, attribute)
        if attribute in required and not value:
            return f"no {attribute}"
        problem = _code_problem(value, validate_single_line)
        if problem:
            return problem
    if r.kind == BELONGS_TO:
        if r.on_delete not in ON_DELETE_ACTIONS:
            return f"on delete {r.on_delete!r} is not one of {', '.join(ON_DELETE_ACTIONS)}"
        if " -> " in r.fk_field or "," in r.fk_field:
            return 'a column name cannot contain " -> " or ","'
        return _code_problem(r.target_column, validate_reference)
    if r.kind in (HAS_ONE, HAS_MANY):
        return _code_problem(r.fk_field, validate_reference)
    return None


def _index_ok(index: ParsedIndex, warn) -> bool:
    problem = _code_problem(
        index.name, validate_single_line, validate_no_backtick
    ) or _code_problem(index.columns, validate_parenthesised_text, limit=500)
    if problem or not index.name or not index.columns:
        warn(
            index.line,
            f"index {shortened(index.name)!r} skipped: {problem or 'no name or columns'}",
        )
        return False
    index.purpose = one_line(index.purpose)[: _MAX["text"]]
    return True


def _item_ok(item: ParsedItem, warn) -> bool:
    problem = _code_problem(item.text, validate_list_item, limit=_MAX["text"])
    if problem or not item.text.strip():
        warn(item.line, f"constraint {shortened(item.text)!r} skipped: {problem or 'empty'}")
        return False
    return True
