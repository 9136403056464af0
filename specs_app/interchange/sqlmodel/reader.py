"""SQLModel classes → the importer's parsed records.

Read with Python's `ast`, never imported or executed. The reader never raises: what it cannot
read becomes an import note at the file line it came from. Every value produced passes the
models' validators (interchange/fit/): one that would not is dropped, with a warning.
"""

import ast
from functools import reduce

from specs_app.interchange.fit import checked_models
from specs_app.interchange.names import (
    model_name_for_table,
    normalised_on_delete,
    one_line,
    shortened,
    singular_snake,
)
from specs_app.interchange.notes import ImportNote
from specs_app.interchange.records import (
    ParsedField,
    ParsedIndex,
    ParsedItem,
    ParsedModel,
    ParsedRelationship,
)
from specs_app.vocabulary import BELONGS_TO, HAS_MANY, HAS_ONE, MANY_TO_MANY, NO_ACTION

# ---------------------------------------------------------------------------------------------
# SQLModel

_COLLECTIONS = {"List", "list", "Sequence", "Set", "set", "FrozenSet", "frozenset", "Tuple"}
_COLLECTIONS |= {"tuple", "Iterable", "Collection"}
_ENUM_BASES = {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"}
_VALIDATION_OPTIONS = (
    "max_length",
    "min_length",
    "ge",
    "gt",
    "le",
    "lt",
    "regex",
    "pattern",
    "max_digits",
    "decimal_places",
    "multiple_of",
    "min_items",
    "max_items",
)


def models_from_sqlmodel(
    source: str, *, first_line: int, file: str
) -> tuple[list[ParsedModel], list[ImportNote]]:
    """The `table=True` classes of SQLModel code, read with `ast` (the code is never run)."""
    reader = _PythonReader(first_line, file)
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        line = reader.line(max(error.lineno or 1, 1))
        return [], [ImportNote(file, line, f"Python not parsed: {error.msg}")]
    except (ValueError, RecursionError, MemoryError) as error:
        return [], [ImportNote(file, first_line, f"Python not parsed: {shortened(str(error))}")]
    try:
        models = reader.read(tree)
    except Exception as error:  # a last resort: ast nodes in a shape not foreseen here
        reader.warn(first_line, f"Python not read ({type(error).__name__}); skipped")
        models = []
    return checked_models(models, reader.warnings, file)


def _base_name(node: ast.expr | None) -> str | None:
    """`Optional` for `Optional` or `typing.Optional`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _call_name(node: ast.expr | None) -> str | None:
    return _base_name(node.func) if isinstance(node, ast.Call) else None


def _subscript_base(node: ast.expr) -> str | None:
    return _base_name(node.value) if isinstance(node, ast.Subscript) else None


def _string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _is_none(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _parse_string(node: ast.expr) -> ast.expr:
    """A string annotation (`"User"`, `"Optional[User]"`) as the expression it spells."""
    text = _string(node)
    if text is None:
        return node
    try:
        return ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return node


def _union_members(node: ast.expr) -> list[ast.expr] | None:
    if _subscript_base(node) == "Union":
        inner = node.slice
        return list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return (_union_members(node.left) or [node.left]) + (
            _union_members(node.right) or [node.right]
        )
    return None


def _unwrap_optional(annotation: ast.expr) -> tuple[ast.expr, bool]:
    """(the annotation without None, whether None was allowed)."""
    node = _parse_string(annotation)
    base = _subscript_base(node)
    if base == "Optional":
        return _unwrap_optional(node.slice)[0], True
    if base in ("Annotated", "Mapped"):
        inner = node.slice
        return _unwrap_optional(inner.elts[0] if isinstance(inner, ast.Tuple) else inner)
    members = _union_members(node)
    if members is None:
        return node, False
    kept = [member for member in members if not _is_none(member)]
    if not kept or len(kept) == len(members):
        return node, False
    if len(kept) == 1:
        return _unwrap_optional(kept[0])[0], True
    return reduce(lambda left, right: ast.BinOp(left, ast.BitOr(), right), kept), True


def _annotation_text(node: ast.expr) -> str:
    text = _string(node)
    return text if text is not None else ast.unparse(node)


def _is_table(node: ast.ClassDef) -> bool:
    return any(keyword.arg == "table" and _is_true(keyword.value) for keyword in node.keywords)


def _enum_values(node: ast.ClassDef) -> list[str] | None:
    if not any(_base_name(base) in _ENUM_BASES for base in node.bases):
        return None
    values = []
    for statement in node.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name) and not target.id.startswith("_"):
                value = statement.value
                constant = isinstance(value, ast.Constant) and value.value is not None
                values.append(str(value.value) if constant else target.id)
    return values


def _arg_text(node: ast.expr) -> str:
    text = _string(node)
    return text if text is not None else ast.unparse(node)


def _python_default(options: dict[str, ast.expr]) -> str:
    factory = options.get("default_factory")
    if factory is not None:
        if isinstance(factory, ast.Lambda):
            return ast.unparse(factory.body)
        return f"{ast.unparse(factory)}()"
    value = options.get("default")
    ellipsis = isinstance(value, ast.Constant) and value.value is Ellipsis
    if value is not None and not _is_none(value) and not ellipsis:
        return ast.unparse(value)
    server = options.get("server_default")
    if server is None:
        return ""
    if _call_name(server) == "text" and server.args and _string(server.args[0]) is not None:
        return _string(server.args[0])
    text = ast.unparse(server)
    return text.removeprefix("func.").removeprefix("sa.func.")


def _column_options(call: ast.Call) -> dict[str, ast.expr]:
    """What a `sa_column=Column(...)` says, as the Field() options that say the same."""
    options = {}
    renamed = {"comment": "description"}
    for keyword in call.keywords:
        if keyword.arg in ("primary_key", "nullable", "unique", "index", "default"):
            options[keyword.arg] = keyword.value
        elif keyword.arg in ("comment", "server_default"):
            options[renamed.get(keyword.arg, keyword.arg)] = keyword.value
    for arg in call.args:
        if _call_name(arg) == "ForeignKey" and arg.args:
            options["foreign_key"] = arg.args[0]
            for keyword in arg.keywords:
                if keyword.arg == "ondelete":
                    options["ondelete"] = keyword.value
    return options


class _PythonReader:
    def __init__(self, first_line: int, file: str) -> None:
        self.first_line = first_line
        self.file = file
        self.warnings: list[ImportNote] = []
        self.classes: dict[str, ast.ClassDef] = {}
        self.tables: dict[str, str] = {}
        self.enums: dict[str, list[str]] = {}
        self.models: dict[str, ParsedModel] = {}

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ImportNote(self.file, line, message))

    def line(self, lineno: int) -> int:
        return self.first_line + lineno - 1

    def read(self, tree: ast.Module) -> list[ParsedModel]:
        self.classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
        for name, node in self.classes.items():
            values = _enum_values(node)
            if values is not None:
                self.enums[name] = values
        table_classes = [name for name, node in self.classes.items() if _is_table(node)]
        for name in table_classes:
            self.tables[name] = self._table_name(self.classes[name])
        for name in table_classes:
            self._read_class(name)
        for name, model in self.models.items():
            self._read_relationships(model, name)
        return list(self.models.values())

    def _table_name(self, node: ast.ClassDef) -> str:
        for statement in node.body:
            targets = statement.targets if isinstance(statement, ast.Assign) else []
            if isinstance(statement, ast.AnnAssign):
                targets = [statement.target]
            if any(isinstance(t, ast.Name) and t.id == "__tablename__" for t in targets):
                table = _string(statement.value)
                if table:
                    return table
                self.warn(
                    self.line(statement.lineno),
                    f"__tablename__ of {node.name} is not a string: read as {node.name.lower()}",
                )
        return node.name.lower()

    def _attributes(self, class_name: str, seen: tuple[str, ...] = ()) -> dict[str, ast.AnnAssign]:
        """The annotated attributes of a class, those of its bases defined here first."""
        node = self.classes.get(class_name)
        if node is None or class_name in seen:
            return {}
        attributes: dict[str, ast.AnnAssign] = {}
        for base in reversed(node.bases):
            attributes.update(self._attributes(_base_name(base) or "", (*seen, class_name)))
        for statement in node.body:
            target = statement.target if isinstance(statement, ast.AnnAssign) else None
            if isinstance(target, ast.Name) and not target.id.startswith("_"):
                attributes[target.id] = statement
        return attributes

    def _read_class(self, class_name: str) -> None:
        node = self.classes[class_name]
        table = self.tables[class_name]
        other = next((m for m in self.models.values() if m.table == table), None)
        if other is not None:
            line = self.line(node.lineno)
            self.warn(line, f"{class_name} uses table {table} like {other.name}: skipped")
            return
        model = ParsedModel(line=self.line(node.lineno), name=class_name, table=table)
        table_line = self._table_name_line(node)
        if table_line:
            model.lines["table"] = table_line
        self.models[class_name] = model
        for name, statement in self._attributes(class_name).items():
            annotation = _parse_string(statement.annotation)
            if "ClassVar" in (_subscript_base(annotation), _base_name(annotation)):
                continue
            if _call_name(statement.value) != "Relationship":
                self._add_field(model, name, statement)
        keys = [field for field in model.fields if field.primary_key]
        if len(keys) > 1:
            for field in keys:
                field.auto = False  # a composite key is not generated
            columns = ", ".join(field.name for field in keys)
            model.constraints.append(ParsedItem(keys[0].line, f"PRIMARY KEY ({columns})"))
        self._read_table_args(model, node)

    def _table_name_line(self, node: ast.ClassDef) -> int | None:
        for statement in node.body:
            target = statement.targets[0] if isinstance(statement, ast.Assign) else None
            if isinstance(statement, ast.AnnAssign):
                target = statement.target
            if isinstance(target, ast.Name) and target.id == "__tablename__":
                return self.line(statement.lineno)
        return None

    # -- fields ---------------------------------------------------------------------------

    def _add_field(self, model: ParsedModel, name: str, statement: ast.AnnAssign) -> None:
        line = self.line(statement.lineno)
        annotation, optional = _unwrap_optional(statement.annotation)
        field = ParsedField(line, name, _annotation_text(annotation), nullable=optional)
        options = self._field_options(statement, name, line)
        if isinstance(options.get("nullable"), ast.Constant):
            field.nullable = bool(options["nullable"].value)
        field.primary_key = _is_true(options.get("primary_key"))
        field.unique = _is_true(options.get("unique"))
        field.default = _python_default(options)
        field.auto = (
            field.primary_key
            and field.type == "int"
            and _is_none(options.get("default"))
            and "default_factory" not in options
            and "foreign_key" not in options
        )
        if field.primary_key:
            field.nullable = False
        field.other_constraints = ", ".join(self._field_constraints(field, options))
        field.description = one_line(_string(options.get("description")) or "")
        model.fields.append(field)
        if options.get("foreign_key") is not None:
            self._foreign_key(model, field, options)
        if _is_true(options.get("index")):
            index_name = f"ix_{model.table}_{name}"
            model.indexes.append(ParsedIndex(line, index_name, name, unique=field.unique))

    def _field_options(self, statement: ast.AnnAssign, name: str, line: int) -> dict:
        value = statement.value
        if value is None:
            return {}
        if _call_name(value) != "Field":
            return {"default": value}
        options = {keyword.arg: keyword.value for keyword in value.keywords if keyword.arg}
        if value.args and "default" not in options:
            options["default"] = value.args[0]
        column = options.pop("sa_column", None)
        if _call_name(column) == "Column":
            for key, option in _column_options(column).items():
                options.setdefault(key, option)
        elif column is not None:
            self.warn(line, f"{name}: sa_column is not a Column(...) call; not read")
        return options

    def _field_constraints(self, field: ParsedField, options: dict) -> list[str]:
        items = [
            f"{key}={ast.unparse(options[key])}" for key in _VALIDATION_OPTIONS if key in options
        ]
        if field.type in self.enums:
            items.append("one of: " + ", ".join(self.enums[field.type]))
        return items

    def _foreign_key(self, model: ParsedModel, field: ParsedField, options: dict) -> None:
        target = _string(options["foreign_key"])
        if not target or "." not in target.strip(". "):
            shown = ast.unparse(options["foreign_key"])
            self.warn(
                field.line, f"{field.name}: foreign_key {shown} is not table.column; not read"
            )
            return
        field.references = target
        on_delete = NO_ACTION
        ondelete = options.get("ondelete")
        if ondelete is not None:
            action = normalised_on_delete(_string(ondelete) or "")
            if action is None:
                shown = ast.unparse(ondelete)
                self.warn(
                    field.line, f"ondelete={shown} is not a known action: read as {NO_ACTION}"
                )
            on_delete = action or NO_ACTION
        ref_table = target.rsplit(".", 1)[0]
        relationship = ParsedRelationship(
            field.line,
            BELONGS_TO,
            self._model_name(ref_table),
            fk_field=field.name,
            target_column=target,
            on_delete=on_delete,
        )
        model.relationships.append(relationship)

    def _model_name(self, table: str) -> str:
        return next((c for c, t in self.tables.items() if t == table), model_name_for_table(table))

    def _table_of(self, class_name: str) -> str:
        return self.tables.get(class_name, class_name.lower())

    def _read_table_args(self, model: ParsedModel, node: ast.ClassDef) -> None:
        for statement in node.body:
            if not isinstance(statement, ast.Assign) or not any(
                isinstance(t, ast.Name) and t.id == "__table_args__" for t in statement.targets
            ):
                continue
            value = statement.value
            items = value.elts if isinstance(value, ast.Tuple | ast.List) else [value]
            for item in items:
                if not isinstance(item, ast.Dict):
                    self._table_arg(model, item)

    def _table_arg(self, model: ParsedModel, item: ast.expr) -> None:
        line = self.line(item.lineno)
        kind = _call_name(item)
        options = {k.arg: k.value for k in item.keywords if k.arg} if kind else {}
        name = _string(options.get("name"))
        prefix = f"CONSTRAINT {name} " if name else ""
        args = [_arg_text(arg) for arg in item.args] if kind else []
        if kind in ("UniqueConstraint", "PrimaryKeyConstraint") and args:
            keyword = "UNIQUE" if kind == "UniqueConstraint" else "PRIMARY KEY"
            self._table_key(model, args, line, prefix, keyword)
        elif kind == "Index" and len(args) > 1:
            unique = _is_true(options.get("unique"))
            model.indexes.append(ParsedIndex(line, args[0], ", ".join(args[1:]), unique))
        elif kind == "CheckConstraint" and args:
            model.constraints.append(ParsedItem(line, f"{prefix}CHECK ({one_line(args[0])})"))
        else:
            self.warn(line, f"__table_args__ item {shortened(ast.unparse(item))} not read")

    @staticmethod
    def _table_key(model: ParsedModel, columns: list[str], line: int, prefix: str, keyword) -> None:
        fields = [next((f for f in model.fields if f.name == c), None) for c in columns]
        for field in fields:
            if field is not None and keyword == "PRIMARY KEY":
                field.primary_key, field.nullable = True, False
        if len(fields) == 1 and fields[0] is not None:
            fields[0].unique = fields[0].unique or keyword == "UNIQUE"
        else:
            model.constraints.append(ParsedItem(line, f"{prefix}{keyword} ({', '.join(columns)})"))

    # -- relationships --------------------------------------------------------------------

    def _read_relationships(self, model: ParsedModel, class_name: str) -> None:
        for name, statement in self._attributes(class_name).items():
            if _call_name(statement.value) == "Relationship":
                self._relationship(model, name, statement)

    def _relationship(self, model: ParsedModel, name: str, statement: ast.AnnAssign) -> None:
        line = self.line(statement.lineno)
        call = statement.value
        options = {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg}
        target, many = self._relationship_target(statement.annotation)
        if not target:
            self.warn(line, f"relationship {name}: its target class could not be read; skipped")
            return
        link = options.get("link_model")
        if link is not None:
            link_class = _string(link) or _base_name(link) or ast.unparse(link)
            relationship = ParsedRelationship(
                line, MANY_TO_MANY, target, through_table=self._table_of(link_class)
            )
            model.relationships.append(relationship)
            return
        if not many and any(
            r.kind == BELONGS_TO and r.target == target for r in model.relationships
        ):
            return  # the foreign key this side holds already says it
        fk_field = self._foreign_key_to(target, model.table, line, name)
        model.relationships.append(
            ParsedRelationship(line, HAS_MANY if many else HAS_ONE, target, fk_field=fk_field)
        )

    @staticmethod
    def _relationship_target(annotation: ast.expr) -> tuple[str | None, bool]:
        """(`Task`, True) for `List["Task"]`; (`User`, False) for `Optional["User"]`."""
        node, _ = _unwrap_optional(annotation)
        many = _subscript_base(node) in _COLLECTIONS
        if many:
            inner = node.slice
            node, _ = _unwrap_optional(inner.elts[0] if isinstance(inner, ast.Tuple) else inner)
        return _base_name(node), many

    def _foreign_key_to(self, target: str, table: str, line: int, name: str) -> str:
        """`tasks.user_id`: the column of the target's table that refers to `table`."""
        target_table = self._table_of(target)
        target_model = self.models.get(target)
        fields = target_model.fields if target_model else []
        columns = [f.name for f in fields if f.references.rsplit(".", 1)[0] == table]
        if columns:
            if len(columns) > 1:
                chosen = f"{target_table}.{columns[0]}"
                self.warn(line, f"relationship {name}: several foreign keys fit: chose {chosen}")
            return f"{target_table}.{columns[0]}"
        guess = f"{target_table}.{singular_snake(table)}_id"
        self.warn(
            line,
            f"relationship {name}: no foreign key of {target} refers to {table}: guessed {guess}",
        )
        return guess
