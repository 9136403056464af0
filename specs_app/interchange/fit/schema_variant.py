"""A markdown variant's models made whole before the importer validates them: unique names and
tables, one-line names and texts within their lengths, the constraint tokens read, values the
validators would refuse moved to the description, and incomplete relationships and unreadable
indexes kept as constraint notes. The variants schema reader runs this on the models it
assembled; `fit_records` (repair.py) then checks every value with the rows' own validators."""

import re

from specs_app.interchange.fit.repair import numbered
from specs_app.interchange.names import (
    generated_index_name,
    one_line,
    plural,
    snake_case,
    strip_code,
)
from specs_app.interchange.records import (
    ParsedField,
    ParsedIndex,
    ParsedItem,
    ParsedModel,
    ParsedRelationship,
)
from specs_app.models.validators import split_top_level, unbalanced_reason
from specs_app.vocabulary import BELONGS_TO, HAS_MANY, HAS_ONE, MANY_TO_MANY, ON_DELETE_ACTIONS

_REFERENCE = re.compile(r"[^\s,()]+\.[^\s,()]+")
_RECOGNISED = {"PK": "primary_key", "auto": "auto", "UNIQUE": "unique"}


def fit_variant_models(models: list[ParsedModel], warn) -> None:
    _make_names_unique(models, warn)
    for model in models:
        _Checker(model, warn).check()


def _make_names_unique(models: list[ParsedModel], warn) -> None:
    names: set[str] = set()
    tables: set[str] = set()
    for model in models:
        for attribute, seen in (("name", names), ("table", tables)):
            value = getattr(model, attribute)
            setattr(model, attribute, numbered(value, seen, "{name}_{number}", key=str.lower))
            if getattr(model, attribute) != value:
                warn(
                    model.line,
                    f"model {attribute} “{value}” repeated; renamed “{getattr(model, attribute)}”",
                )
            seen.add(getattr(model, attribute).lower())


class _Checker:
    def __init__(self, model: ParsedModel, warn):
        self.model = model
        self.warn = warn

    def check(self) -> None:
        model = self.model
        model.name = self.fit(model.line, "model name", _name_text(model.name), 200) or "Model"
        model.table = self.fit(model.line, "table", _name_text(model.table), 200)
        model.table = model.table or plural(snake_case(model.name))
        model.ownership = self.fit(model.line, "ownership", one_line(model.ownership), 1000)
        for column in model.fields:
            self.check_field(column)
        model.relationships = [r for r in model.relationships if self.relationship_ok(r)]
        model.indexes = [index for index in model.indexes if self.index_ok(index)]
        model.constraints = self.items(model.constraints, "constraint")
        model.migration_notes = self.items(model.migration_notes, "migration note")

    def fit(self, line: int, what: str, value: str, limit: int) -> str:
        if len(value) <= limit:
            return value
        self.warn(line, f"model “{self.model.name}”: {what} cut to {limit} characters")
        return value[: limit - 1] + "…"

    def check_field(self, column: ParsedField) -> None:
        where = f"field “{column.name}”"
        column.name = self.fit(column.line, "field name", _name_text(column.name), 200)
        column.type = one_line(re.split(r" \((?:required|optional)[,)]", column.type)[0])
        if not column.type:
            column.type = "unknown"
            self.warn(column.line, f"model “{self.model.name}”: {where} has no type; “unknown” set")
        column.type = self.fit(column.line, f"{where} type", column.type, 200)
        self.check_constraints(column)
        column.references = one_line(column.references)
        if column.references and not _REFERENCE.fullmatch(column.references):
            self.move_to_description(column, "References", column.references)
            column.references = ""
        column.default = one_line(column.default)
        if column.default and unbalanced_reason(column.default):
            self.move_to_description(column, "Default", column.default)
            column.default = ""
        column.default = self.fit(column.line, f"{where} default", column.default, 500)
        column.description = self.fit(
            column.line, f"{where} description", one_line(column.description), 1000
        )
        column.nullable = column.nullable and not column.primary_key

    def check_constraints(self, column: ParsedField) -> None:
        others = []
        for token in _split_top_level(one_line(column.other_constraints)):
            token = token.strip()
            if token in _RECOGNISED:
                setattr(column, _RECOGNISED[token], True)
            elif token in ("NULL", "NOT NULL"):
                column.nullable = token == "NULL"
            elif token.startswith("FK -> "):
                column.references = column.references or token[6:]
            elif token.startswith("DEFAULT "):
                column.default = column.default or token[8:]
            elif token:
                others.append(token)
        text = ", ".join(others)
        if text and unbalanced_reason(text):
            self.move_to_description(column, "Constraints", text)
            text = ""
        column.other_constraints = self.fit(column.line, "constraints", text, 1000)

    def move_to_description(self, column: ParsedField, label: str, value: str) -> None:
        column.description = "; ".join(filter(None, [column.description, f"{label}: {value}"]))
        self.warn(
            column.line,
            f"model “{self.model.name}”: field “{column.name}”: {label.lower()} “{value}” moved to "
            "the description (not a valid value there)",
        )

    def relationship_ok(self, relationship: ParsedRelationship) -> bool:
        r = relationship
        r.target = _name_text(r.target).split(" (")[0]
        for name in ("fk_field", "target_column", "through_table"):
            setattr(r, name, _name_text(getattr(r, name)))
        needs = {
            BELONGS_TO: ("fk_field", "target_column", "on_delete"),
            HAS_ONE: ("fk_field",),
            HAS_MANY: ("fk_field",),
            MANY_TO_MANY: ("through_table",),
        }.get(r.kind)
        if r.kind == BELONGS_TO and r.on_delete not in ON_DELETE_ACTIONS:
            r.on_delete = "NO ACTION"
        for name in ("fk_field", "target_column", "on_delete", "through_table"):
            if needs is not None and name not in needs:
                setattr(r, name, "")
        if needs is not None and r.target and _relationship_values_ok(r, needs):
            return True
        text = " ".join(filter(None, [r.kind.replace("_", " "), r.target, r.fk_field]))
        self.model.constraints.append(ParsedItem(r.line, text))
        self.warn(r.line, f"model “{self.model.name}”: relationship incomplete; kept as a note")
        return False

    def index_ok(self, index: ParsedIndex) -> bool:
        index.name = _name_text(index.name)
        index.columns = one_line(strip_code(index.columns))
        index.purpose = self.fit(index.line, "index purpose", one_line(index.purpose), 1000)
        if not index.name:
            index.name = generated_index_name(self.model.table, index.columns)
        if index.columns and _parentheses_balance(index.columns) and len(index.columns) <= 500:
            index.name = self.fit(index.line, "index name", index.name, 200)
            return True
        self.model.constraints.append(
            ParsedItem(index.line, f"index {index.name} on {index.columns}")
        )
        self.warn(
            index.line, f"model “{self.model.name}”: index columns unreadable; kept as a note"
        )
        return False

    def items(self, items: list[ParsedItem], what: str) -> list[ParsedItem]:
        kept = []
        for item in items:
            item.text = self.fit(item.line, what, one_line(item.text), 1000)
            if item.text and item.text != "None":
                kept.append(item)
        return kept


def _relationship_values_ok(relationship: ParsedRelationship, needs: tuple[str, ...]) -> bool:
    r = relationship
    if not all(getattr(r, name) for name in needs):
        return False
    if r.kind in (HAS_ONE, HAS_MANY):
        return bool(_REFERENCE.fullmatch(r.fk_field))
    if r.kind == BELONGS_TO:
        return (
            " -> " not in r.fk_field
            and "," not in r.fk_field
            and bool(_REFERENCE.fullmatch(r.target_column))
        )
    return True


def _name_text(text: str) -> str:
    return one_line(strip_code(text or ""))


def _parentheses_balance(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _split_top_level(text: str) -> list[str]:
    return split_top_level(text) if text else []
