"""The parsed records of a schema → SQL DDL for PostgreSQL, SQLite or MySQL.

Pure: records in, text out. Types, defaults, checks and index columns are read and written with
sqlglot. What cannot be written as SQL (a constraint in prose, a type no dialect knows, a foreign
key to a table the schema does not hold) becomes a `-- ` comment naming the table and the item:
nothing is dropped without a word. Tables come in an order where every foreign key names a table
created before it; a cycle is closed by `ALTER TABLE … ADD CONSTRAINT` after the tables.
"""

import contextlib
import functools
import re
import sqlite3
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.dialects import MySQL

from specs_app.interchange.records import ParsedField, ParsedModel, ParsedSchema
from specs_app.vocabulary import BELONGS_TO, NO_ACTION

#: The dialect names the command takes → sqlglot's.
DIALECTS = {"postgresql": "postgres", "sqlite": "sqlite", "mysql": "mysql"}

# Words a dialect reserves, quoted when used as a name. sqlglot lists MySQL's; PostgreSQL's and
# SQLite's reserved words that MySQL does not reserve are added here.
_RESERVED = frozenset(MySQL.Generator.RESERVED_KEYWORDS) | frozenset(
    [
        "abort",
        "analyse",
        "array",
        "asymmetric",
        "authorization",
        "autoincrement",
        "collation",
        "concurrently",
        "current_catalog",
        "current_role",
        "current_schema",
        "do",
        "freeze",
        "glob",
        "ilike",
        "indexed",
        "isnull",
        "lateral",
        "limit",
        "notnull",
        "offset",
        "only",
        "overlaps",
        "placing",
        "raise",
        "returning",
        "session_user",
        "similar",
        "symmetric",
        "tablesample",
        "transaction",
        "user",
        "variadic",
        "verbose",
        "window",
    ]
)
_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")
# A type name SQLite reads: words, then at most two signed numbers in parentheses.
_SQLITE_TYPE = re.compile(r"[A-Za-z_][A-Za-z0-9_ ]*(\(\s*[+-]?\d+\s*(,\s*[+-]?\d+\s*)?\))?")
# Types and functions of PostgreSQL that come with an extension.
_EXTENSION_TYPES = {"citext": "citext"}
_EXTENSION_FUNCTIONS = {
    "gen_random_uuid": "pgcrypto",
    "uuid_generate_v4": "uuid-ossp",
    "similarity": "pg_trgm",
}
_EXTENSION_OPERATORS = {"gin_trgm_ops": "pg_trgm", "gist_trgm_ops": "pg_trgm"}
_SOURCE_DIALECTS = ("postgres", "mysql", "sqlite", "tsql")
# The types PostgreSQL gives a number literal to without a cast (BIT is a bit string there).
_NUMBERS = (exp.DataType.NUMERIC_TYPES - {exp.DataType.Type.BIT}) | {
    exp.DataType.Type.SERIAL,
    exp.DataType.Type.BIGSERIAL,
    exp.DataType.Type.SMALLSERIAL,
}
# Collations every database of a dialect has.
_COLLATIONS = {"postgres": ("c", "posix", "default"), "sqlite": ("binary", "nocase", "rtrim")}
_ONE_OF = re.compile(r"(?:^|,\s*)one of:\s*(.+)$")


@dataclass
class _ForeignKey:
    columns: list[str]
    table: str
    ref_columns: list[str]
    on_delete: str = ""
    name: str = ""


@dataclass
class _Table:
    model: ParsedModel
    columns: list[str] = field(default_factory=list)
    elements: list[str] = field(default_factory=list)
    foreign_keys: list[_ForeignKey] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    types: dict[str, exp.DataType | None] = field(default_factory=dict)


def schema_ddl(schema: ParsedSchema, dialect: str) -> str:
    """The DDL of `schema` for `dialect` (a key of DIALECTS), one statement per paragraph."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; one of {', '.join(DIALECTS)}")
    return _Writer(schema, DIALECTS[dialect]).write()


def comment_count(ddl: str) -> int:
    """How many items of a DDL text were written as comments."""
    return sum(1 for line in ddl.splitlines() if line.startswith("-- ") and ": " in line)


class _Writer:
    def __init__(self, schema: ParsedSchema, dialect: str) -> None:
        self.schema = schema
        self.dialect = dialect
        self.extensions: set[str] = set()
        self.comments: list[str] = []
        self.models = {model.table: model for model in schema.models if model.table}
        self.names_used: set[str] = {table.lower() for table in self.models}
        self.types: dict[str, exp.DataType | None] = {}  # the column types of the table at hand

    # -- names ----------------------------------------------------------------------------

    def name(self, identifier: str) -> str:
        quoted = not _PLAIN_NAME.fullmatch(identifier) or identifier.lower() in _RESERVED
        return exp.to_identifier(identifier, quoted=quoted).sql(dialect=self.dialect)

    def names(self, identifiers: list[str]) -> str:
        return ", ".join(self.name(identifier) for identifier in identifiers)

    # -- the script -----------------------------------------------------------------------

    def write(self) -> str:
        tables = [self.table(model) for model in self.schema.models if model.table]
        ordered, deferred = self.order(tables)
        statements = [self.create_table(table) for table in ordered]
        statements += self.alter_statements(deferred)
        for table in ordered:
            statements += self.indexes(table)
        head = [f"-- {comment}" for comment in self.comments]
        if self.dialect == "postgres":
            head = [
                f'CREATE EXTENSION IF NOT EXISTS "{name}";' for name in sorted(self.extensions)
            ] + head
        parts = ["\n".join(head)] if head else []
        return "\n\n".join(parts + statements) + "\n"

    def note(self, table: str, item: str, why: str) -> str:
        return f"{table}.{item}: {why}" if item else f"{table}: {why}"

    # -- tables ---------------------------------------------------------------------------

    def table(self, model: ParsedModel) -> _Table:
        table = _Table(model)
        self.types = table.types
        keys = [f.name for f in model.fields if f.primary_key]
        # The names PostgreSQL gives the keys it creates, which an index cannot take.
        implicit = [f"{model.table}_pkey"] if keys else []
        implicit += [f"{model.table}_{f.name}_key" for f in model.fields if f.unique]
        if self.dialect == "postgres":
            self.names_used.update(name[:63].lower() for name in implicit)
        for item in model.fields:
            table.columns.append(self.column(table, item, single_key=len(keys) == 1))
        if len(keys) > 1:
            table.elements.append(f"PRIMARY KEY ({self.names(keys)})")
        for item in model.fields:
            if item.references:
                self.field_foreign_key(table, item)
        for constraint in model.constraints:
            self.constraint(table, constraint.text, keys)
        return table

    def column(self, table: _Table, item: ParsedField, single_key: bool) -> str:
        where = table.model.table
        data_type, type_text = self.column_type(table, item)
        table.types[item.name] = data_type
        parts = [self.name(item.name), type_text]
        integer = data_type is not None and data_type.this in exp.DataType.INTEGER_TYPES
        serial = data_type is not None and data_type.this in (
            exp.DataType.Type.SERIAL,
            exp.DataType.Type.BIGSERIAL,
            exp.DataType.Type.SMALLSERIAL,
        )
        if item.primary_key and single_key:
            parts.append("PRIMARY KEY")
            if item.auto and self.dialect == "sqlite" and (integer or serial):
                parts[1] = "INTEGER"
                parts.append("AUTOINCREMENT")
        if item.auto and integer and not serial:
            if self.dialect == "postgres":
                parts.append("GENERATED BY DEFAULT AS IDENTITY")
            elif self.dialect == "mysql":
                parts.append("AUTO_INCREMENT")
        # A column of a composite key says NOT NULL itself, and so does a key column on SQLite,
        # which otherwise lets a primary key hold NULL (all but INTEGER PRIMARY KEY).
        key_nulls = item.primary_key and (
            not single_key or (self.dialect == "sqlite" and "AUTOINCREMENT" not in parts)
        )
        if (not item.nullable and not item.primary_key) or key_nulls:
            parts.append("NOT NULL")
        if item.unique and not (item.primary_key and single_key):
            parts.append("UNIQUE")
        if item.default:
            default, why = self.default(item.default, data_type)
            if not default:
                table.comments.append(
                    self.note(where, item.name, f"DEFAULT {item.default} {why}; left out")
                )
            else:
                parts.append(f"DEFAULT {default}")
        parts += self.column_checks(table, item)
        return " ".join(parts)

    def column_type(self, table: _Table, item: ParsedField) -> tuple[exp.DataType | None, str]:
        """The type as the spec writes it when the dialect reads that spelling as itself, else
        as sqlglot translates it; TEXT with a comment when no dialect knows it."""
        text = item.type.strip()
        if text.lower() in _EXTENSION_TYPES:
            if self.dialect == "postgres":
                self.extensions.add(_EXTENSION_TYPES[text.lower()])
                return exp.DataType.build("text"), text
            return self.fallback(table, item, f"type {text} is a PostgreSQL extension's")
        own = _build(text, self.dialect)
        source = None  # a dialect's reading of a spelling it does not hold can lose a part
        for dialect in _SOURCE_DIALECTS:
            source = source or _build(text, dialect)
        if source is not None and source.this == exp.DataType.Type.ENUM:
            return self.enum_type(table, item, source)
        if source is None or source.this == exp.DataType.Type.USERDEFINED:
            return self.fallback(table, item, f"type {text} is not known")
        if (
            self.dialect == "postgres"
            and source.this == exp.DataType.Type.TEXT
            and source.expressions
        ):
            return self.fallback(table, item, f"type {text}: PostgreSQL's TEXT takes no length")
        if own is not None and _same(self.render(own), text) and self.spelled(text):
            return own, text
        rendered = self.render(source)
        if self.dialect == "sqlite" and not self.spelled(rendered):
            return self.fallback(table, item, f"type {text} has no SQLite spelling")
        if self.dialect == "mysql" and source.this == exp.DataType.Type.ARRAY:
            return self.fallback(table, item, f"type {text} has no MySQL spelling")
        return source, rendered

    def spelled(self, text: str) -> bool:
        """Whether the dialect reads `text` as a type name (SQLite reads only words and up to two
        numbers in parentheses)."""
        return self.dialect != "sqlite" or bool(_SQLITE_TYPE.fullmatch(text))

    def render(self, data_type: exp.DataType) -> str:
        data_type = data_type.copy()
        if self.dialect != "mysql" and data_type.this in exp.DataType.INTEGER_TYPES:
            data_type.set("expressions", [])  # a display width, which only MySQL reads
        params = [p for p in data_type.expressions if isinstance(p, exp.DataTypeParam)]
        if any(not (isinstance(p.this, exp.Literal) and p.this.is_number) for p in params):
            data_type.set("expressions", [])  # VARCHAR(MAX): no bound
        return data_type.sql(dialect=self.dialect)

    def fallback(self, table: _Table, item: ParsedField, why: str):
        text = exp.DataType.build("text").sql(dialect=self.dialect)
        table.comments.append(self.note(table.model.table, item.name, f"{why}; written as {text}"))
        return None, text

    def enum_type(self, table: _Table, item: ParsedField, source: exp.DataType):
        values = [value.name for value in source.expressions]
        if self.dialect == "mysql" and values:
            return source, source.sql(dialect="mysql")
        text = exp.DataType.build("text").sql(dialect=self.dialect)
        if values:
            checked = exp.In(this=exp.column(item.name), expressions=source.expressions)
            table.elements.append(f"CHECK ({self.check_sql(checked)})")
            return None, text
        return self.fallback(table, item, f"type {item.type} names no values")

    def default(self, text: str, data_type: exp.DataType | None = None) -> tuple[str, str]:
        """The default written for the dialect, or "" and why it cannot be."""
        node = _parse_expression(text)
        if node is None or node.find(exp.Column) is not None:
            return "", "is not a SQL value"
        why = _why_not(node, self.dialect)
        if why:
            return "", why
        self.note_functions(node)
        # PostgreSQL reads the spec's spelling (`now()`); the others get sqlglot's translation.
        rendered = text if self.dialect == "postgres" else node.sql(dialect=self.dialect)
        plain = isinstance(node, exp.Literal | exp.Boolean | exp.Null) or (
            isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal)
        )
        number = plain and not isinstance(node, exp.Boolean | exp.Null) and node.is_number
        typed = data_type is not None and data_type.this not in _NUMBERS
        if self.dialect == "postgres" and number and typed:
            # PostgreSQL does not turn 0 into a boolean (or 1 into a bit) by itself.
            return exp.cast(node, data_type).sql(dialect="postgres"), ""
        if self.dialect in ("sqlite", "mysql") and not plain and not _is_now(node):
            return f"({rendered})", ""
        return rendered, ""

    def note_functions(self, node: exp.Expression) -> None:
        for function in node.find_all(exp.Func):
            name = function.name.lower() if isinstance(function, exp.Anonymous) else ""
            if isinstance(function, exp.Uuid):
                name = "gen_random_uuid"
            if name in _EXTENSION_FUNCTIONS:
                self.extensions.add(_EXTENSION_FUNCTIONS[name])

    def column_checks(self, table: _Table, item: ParsedField) -> list[str]:
        text = item.other_constraints.strip()
        if not text:
            return []
        checks = []
        one_of = _ONE_OF.search(text)
        if one_of:
            text = text[: one_of.start()]
            values = [exp.Literal.string(v.strip()) for v in one_of.group(1).split(",")]
            checked = exp.In(this=exp.column(item.name), expressions=values)
            checks.append(f"CHECK ({self.check_sql(checked)})")
        for piece in _top_level_split(text):
            written = self.column_constraint(table, item, piece)
            if written:
                checks.append(written)
        return checks

    def column_constraint(self, table: _Table, item: ParsedField, piece: str) -> str:
        where = table.model.table
        node = _parse_element(f"{_quoted(item.name)} INT {piece}")
        constraints = node.constraints if isinstance(node, exp.ColumnDef) else []
        kinds = [constraint.args.get("kind") for constraint in constraints]
        if not kinds or not all(isinstance(kind, exp.CheckColumnConstraint) for kind in kinds):
            why = "is not a SQL column constraint"
        elif not self.known_columns(table, kinds):
            why = "names a column the table does not have"
        else:
            why = _why_not(node, self.dialect)
        if not why:
            return " ".join(f"CHECK ({self.check_sql(kind.this)})" for kind in kinds)
        table.comments.append(self.note(where, item.name, f"constraint {piece!r} {why}"))
        return ""

    def check_sql(self, node: exp.Expression) -> str:
        self.note_functions(node)
        return self.cast_numbers(self.quote_columns(node.copy())).sql(dialect=self.dialect)

    def cast_numbers(self, node: exp.Expression) -> exp.Expression:
        """On PostgreSQL, a number compared with a column that is not a number (a BIT flag, a
        boolean) is cast to the column's type, as a default is: PostgreSQL does not do it."""
        if self.dialect != "postgres":
            return node
        for comparison in list(node.find_all(exp.EQ, exp.NEQ)):
            column, value = comparison.this, comparison.expression
            if isinstance(value, exp.Column):
                column, value = value, column
            data_type = self.types.get(column.name) if isinstance(column, exp.Column) else None
            number = isinstance(value, exp.Literal) and value.is_number
            if number and data_type is not None and data_type.this not in _NUMBERS:
                value.replace(exp.cast(value.copy(), data_type))
        return node

    def quote_columns(self, node: exp.Expression) -> exp.Expression:
        """`node` with its column names quoted where the dialect needs it (`"ContactType"`)."""
        for column in node.find_all(exp.Column):
            column.set("this", exp.to_identifier(column.name, quoted=self.needs_quote(column.name)))
        return node

    def known_columns(self, table: _Table, nodes: list) -> bool:
        names = {f.name for f in table.model.fields}
        return all(column.name in names for node in nodes for column in node.find_all(exp.Column))

    # -- keys and table constraints -------------------------------------------------------

    def field_foreign_key(self, table: _Table, item: ParsedField) -> None:
        ref_table, _, ref_column = item.references.rpartition(".")
        on_delete = next(
            (
                r.on_delete
                for r in table.model.relationships
                if r.kind == BELONGS_TO and r.fk_field == item.name and r.on_delete
            ),
            "",
        )
        key = _ForeignKey([item.name], ref_table, [ref_column], on_delete)
        self.add_foreign_key(table, key, f"FK -> {item.references}", item.name)

    def add_foreign_key(self, table: _Table, key: _ForeignKey, text: str, item: str) -> None:
        why = self.foreign_key_problem(table, key)
        if why:
            table.comments.append(self.note(table.model.table, item, f"{text}: {why}"))
        else:
            table.foreign_keys.append(key)

    def foreign_key_problem(self, table: _Table, key: _ForeignKey) -> str:
        target = self.models.get(key.table)
        if target is None:
            return f"the schema has no table {key.table}"
        fields = {f.name: f for f in target.fields}
        missing = [column for column in key.ref_columns if column not in fields]
        if missing:
            return f"{key.table} has no column {missing[0]}"
        if not _is_key(target, key.ref_columns):
            return f"{key.table} ({', '.join(key.ref_columns)}) is neither primary key nor unique"
        own = {f.name: f for f in table.model.fields}
        for column, ref_column in zip(key.columns, key.ref_columns, strict=True):
            if column not in own:
                return f"{table.model.table} has no column {column}"
            if not _compatible(own[column].type, fields[ref_column].type):
                return f"type {own[column].type} cannot reference {fields[ref_column].type}"
        return ""

    def constraint(self, table: _Table, text: str, keys: list[str]) -> None:
        where = table.model.table
        node = _parse_element(text)
        name = ""
        if isinstance(node, exp.Constraint) and len(node.expressions) == 1:
            name, node = node.this.name, node.expressions[0]
        prefix = f"CONSTRAINT {self.name(name)} " if name else ""
        if isinstance(node, exp.PrimaryKey):
            columns = [_column(e) for e in node.expressions]
            if sorted(columns) != sorted(keys):
                table.comments.append(
                    self.note(where, "", f"{text}: not the primary key its fields mark; left out")
                )
        elif isinstance(node, exp.UniqueColumnConstraint) and isinstance(node.this, exp.Schema):
            columns = [_column(e) for e in node.this.expressions]
            if node.this.this is not None and not prefix:
                prefix = f"CONSTRAINT {self.name(node.this.this.name)} "
            if self.has_columns(table, columns):
                if self.dialect == "postgres":
                    self.names_used.add(f"{where}_{'_'.join(columns)}_key"[:63].lower())
                table.elements.append(f"{prefix}UNIQUE ({self.names(columns)})")
            else:
                table.comments.append(self.note(where, "", f"{text}: names an unknown column"))
        elif isinstance(node, exp.CheckColumnConstraint):
            why = _why_not(node, self.dialect)
            if why:
                table.comments.append(self.note(where, "", f"{text}: {why}"))
            elif self.known_columns(table, [node.this]):
                table.elements.append(f"{prefix}CHECK ({self.check_sql(node.this)})")
            else:
                table.comments.append(self.note(where, "", f"{text}: names an unknown column"))
        elif isinstance(node, exp.ForeignKey) and node.args.get("reference") is not None:
            self.table_foreign_key(table, node, text, name)
        else:
            table.comments.append(self.note(where, "", f"constraint {text!r} is not SQL"))

    def table_foreign_key(self, table: _Table, node: exp.ForeignKey, text: str, name: str) -> None:
        reference = node.args["reference"]
        target = reference.this
        ref_table = target.this.name if isinstance(target, exp.Schema) else target.name
        ref_columns = (
            [_column(e) for e in target.expressions] if isinstance(target, exp.Schema) else []
        )
        on_delete = ""
        for option in reference.args.get("options") or []:
            words = " ".join(str(option).upper().split())
            if words.startswith("ON DELETE "):
                on_delete = words[len("ON DELETE ") :]
        columns = [_column(e) for e in node.expressions]
        key = _ForeignKey(columns, ref_table, ref_columns, on_delete, name)
        if len(columns) != len(ref_columns):
            table.comments.append(self.note(table.model.table, "", f"{text}: columns do not pair"))
            return
        if any(k.columns == columns and k.table == ref_table for k in table.foreign_keys):
            return  # the same key as a field's FK -> table.column
        self.add_foreign_key(table, key, text, "")

    def has_columns(self, table: _Table, columns: list[str]) -> bool:
        names = {f.name for f in table.model.fields}
        return bool(columns) and all(column in names for column in columns)

    def foreign_key_sql(self, key: _ForeignKey) -> str:
        prefix = f"CONSTRAINT {self.name(key.name)} " if key.name else ""
        text = (
            f"{prefix}FOREIGN KEY ({self.names(key.columns)}) "
            f"REFERENCES {self.name(key.table)} ({self.names(key.ref_columns)})"
        )
        if key.on_delete and key.on_delete != NO_ACTION:
            text += f" ON DELETE {key.on_delete}"
        return text

    # -- order ----------------------------------------------------------------------------

    def order(self, tables: list[_Table]) -> tuple[list[_Table], list[tuple[_Table, _ForeignKey]]]:
        """Tables in spec order, each after the tables its foreign keys name; a cycle is broken
        at the first table left, whose keys to tables not yet created are deferred."""
        left, done, ordered, deferred = list(tables), set(), [], []
        while left:
            ready = next(
                (
                    t
                    for t in left
                    if all(k.table in done or k.table == t.model.table for k in t.foreign_keys)
                ),
                None,
            )
            if ready is None:
                ready = left[0]
                if self.dialect != "sqlite":  # SQLite reads a key to a table created later
                    later = [
                        k
                        for k in ready.foreign_keys
                        if k.table not in done and k.table != ready.model.table
                    ]
                    ready.foreign_keys = [k for k in ready.foreign_keys if k not in later]
                    deferred += [(ready, k) for k in later]
            left.remove(ready)
            done.add(ready.model.table)
            ordered.append(ready)
        return ordered, deferred

    def create_table(self, table: _Table) -> str:
        body = table.columns + table.elements
        body += [self.foreign_key_sql(key) for key in table.foreign_keys]
        lines = [f"-- {comment}" for comment in table.comments]
        lines.append(f"CREATE TABLE {self.name(table.model.table)} (")
        lines.append(",\n".join(f"  {line}" for line in body))
        lines.append(");")
        return "\n".join(lines)

    def alter_statements(self, deferred: list[tuple[_Table, _ForeignKey]]) -> list[str]:
        statements = []
        for table, key in deferred:
            if not key.name:
                key.name = self.unique_name(f"fk_{table.model.table}_{'_'.join(key.columns)}"[:63])
            statements.append(
                f"ALTER TABLE {self.name(table.model.table)} ADD {self.foreign_key_sql(key)};"
            )
        return statements

    def unique_name(self, wanted: str) -> str:
        name, number = wanted, 2
        while name.lower() in self.names_used:
            name, number = f"{wanted}_{number}", number + 1
        self.names_used.add(name.lower())
        return name

    # -- indexes --------------------------------------------------------------------------

    def indexes(self, table: _Table) -> list[str]:
        where, statements = table.model.table, []
        self.types = table.types
        for index in table.model.indexes:
            unique = "UNIQUE " if index.unique else ""
            using, condition = _index_options(index.purpose)
            text = (
                f"CREATE {unique}INDEX {_quoted(index.name)} ON {_quoted(where)}"
                f"{' USING ' + using if using else ''} ({index.columns})"
                f"{' WHERE ' + condition if condition else ''}"
            )
            node = _parse_statement(text, self.dialect) or _parse_statement(text, "postgres")
            item = f"index {index.name}"
            if node is None:
                statements.append(f"-- {self.note(where, item, f'({index.columns}) is not SQL')}")
                continue
            params = node.this.args.get("params")
            columns = params.args.get("columns") if params else []
            if not self.known_columns(table, columns):
                why = f"({index.columns}) names a column the table does not have"
                statements.append(f"-- {self.note(where, item, why)}")
                continue
            why = _why_not(node, self.dialect)
            if why:
                statements.append(f"-- {self.note(where, item, why)}")
                continue
            if index.name.lower() in self.names_used:
                why = "its name is already taken by a table, key or index"
                statements.append(f"-- {self.note(where, item, why)}")
                continue
            self.names_used.add(index.name.lower())
            if self.dialect != "postgres" and params is not None:
                params.set("using", None)  # an access method and operator classes: PostgreSQL's
                for opclass in list(node.find_all(exp.Opclass)):
                    opclass.replace(opclass.this)
            for operator in node.find_all(exp.Identifier, exp.Var):
                if operator.name.lower() in _EXTENSION_OPERATORS:
                    self.extensions.add(_EXTENSION_OPERATORS[operator.name.lower()])
            self.note_functions(node)
            statements.append(self.index_sql(node) + ";")
        return statements

    def index_sql(self, node: exp.Create) -> str:
        index = node.this
        index.set("this", exp.to_identifier(index.name, quoted=self.needs_quote(index.name)))
        index.set("table", exp.to_table(self.name(index.args["table"].name), dialect=self.dialect))
        return self.cast_numbers(self.quote_columns(node)).sql(dialect=self.dialect)

    def needs_quote(self, identifier: str) -> bool:
        return not _PLAIN_NAME.fullmatch(identifier) or identifier.lower() in _RESERVED


# -- helpers ---------------------------------------------------------------------------------


@functools.cache
def _sqlite_functions() -> frozenset[str]:
    """The functions SQLite has (it refuses a CHECK or DEFAULT that calls another)."""
    with contextlib.closing(sqlite3.connect(":memory:")) as database:
        return frozenset(row[0].lower() for row in database.execute("PRAGMA function_list"))


def _why_not(node: exp.Expression, dialect: str) -> str:
    """Why `node` cannot be a CHECK, DEFAULT or index expression in `dialect`, or ""."""
    if node.find(exp.Query, exp.Subquery) is not None:
        return "uses a subquery, which a CHECK or DEFAULT cannot"
    if node.find(exp.Placeholder, exp.Parameter) is not None:
        return "holds a placeholder"
    if node.find(exp.Dot) is not None:
        return "calls a qualified name, which is not SQL"
    for collate in node.find_all(exp.Collate):
        name = collate.expression.name.lower()
        if name not in _COLLATIONS.get(dialect, ()):
            return f"names collation {collate.expression.name}, which {dialect} may not have"
    if dialect != "sqlite":
        # sqlglot translates the functions it knows; one it does not know is a guess.
        for function in node.find_all(exp.Anonymous):
            if function.name.lower() not in _EXTENSION_FUNCTIONS:
                return f"calls {function.name}(), which sqlglot does not know for {dialect}"
        return ""
    for function in node.find_all(exp.Func):
        if isinstance(function, exp.Cast | exp.Case | exp.If | exp.Coalesce):
            continue
        rendered = function.sql(dialect=dialect)
        called = re.match(r"([A-Za-z_][A-Za-z0-9_]*)\(", rendered)
        if called and called.group(1).lower() not in _sqlite_functions():
            return f"calls {called.group(1)}(), which SQLite does not have"
    return ""


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _same(rendered: str, written: str) -> bool:
    def squeeze(text: str) -> str:
        return re.sub(r"\s+", "", text).lower()

    return squeeze(rendered) == squeeze(written)


def _build(text: str, dialect: str) -> exp.DataType | None:
    try:
        return exp.DataType.build(text, dialect=dialect)
    except Exception:
        return None


def _parse_expression(text: str) -> exp.Expression | None:
    try:
        node = sqlglot.parse_one(text, read="postgres")
    except Exception:
        return None
    if isinstance(node, exp.Command | exp.Query | exp.Alias | exp.Var | exp.Identifier):
        return None
    return node


def _parse_statement(text: str, dialect: str) -> exp.Create | None:
    """A CREATE INDEX, read in the dialect it is written for when it reads it (so that sqlglot
    adds nothing to keep another dialect's meaning, such as NULLS LAST)."""
    try:
        node = sqlglot.parse_one(text, read=dialect)
    except Exception:
        return None
    return node if isinstance(node, exp.Create) and isinstance(node.this, exp.Index) else None


def _parse_element(text: str) -> exp.Expression | None:
    """One element of a CREATE TABLE (a column or a table constraint), or None."""
    try:
        node = sqlglot.parse_one(f'CREATE TABLE "_" ("_" INT, {text})', read="postgres")
    except Exception:
        return None
    schema = node.this if isinstance(node, exp.Create) else None
    if not isinstance(schema, exp.Schema) or len(schema.expressions) != 2:
        return None
    return schema.expressions[1]


def _column(node: exp.Expression) -> str:
    return node.name


def _top_level_split(text: str) -> list[str]:
    pieces, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            pieces.append(text[start:index])
            start = index + 1
    pieces.append(text[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


def _is_now(node: exp.Expression) -> bool:
    return isinstance(node, exp.CurrentTimestamp | exp.CurrentDate | exp.CurrentTime)


def _is_key(model: ParsedModel, columns: list[str]) -> bool:
    keys = sorted(f.name for f in model.fields if f.primary_key)
    if sorted(columns) == keys:
        return True
    if len(columns) == 1 and any(f.name == columns[0] and f.unique for f in model.fields):
        return True
    for constraint in model.constraints:
        node = _parse_element(constraint.text)
        if isinstance(node, exp.Constraint) and len(node.expressions) == 1:
            node = node.expressions[0]
        unique = isinstance(node, exp.UniqueColumnConstraint) and isinstance(node.this, exp.Schema)
        if unique and sorted(_column(e) for e in node.this.expressions) == sorted(columns):
            return True
    return False


def _family(text: str) -> str:
    data_type = None
    for dialect in _SOURCE_DIALECTS:
        data_type = data_type or _build(text, dialect)
    if data_type is None:
        return text.strip().lower()
    kind = data_type.this
    if kind in exp.DataType.INTEGER_TYPES or kind in (
        exp.DataType.Type.SERIAL,
        exp.DataType.Type.BIGSERIAL,
        exp.DataType.Type.SMALLSERIAL,
    ):
        return "integer"
    if kind in exp.DataType.TEXT_TYPES:
        return "text"
    if kind in exp.DataType.REAL_TYPES:
        return "real"
    return kind.value


def _compatible(column_type: str, referenced_type: str) -> bool:
    return _family(column_type) == _family(referenced_type)


def _index_options(purpose: str) -> tuple[str, str]:
    """`USING gin` and a `WHERE …` condition, as the SQL reader keeps them at the start of an
    index's purpose; a purpose in prose gives neither."""
    match = re.fullmatch(r"(?:USING (\w+))?\s*(?:INCLUDE \([^)]*\))?\s*(?:WHERE (.+))?", purpose)
    if match is None:
        return "", ""
    using, condition = match.group(1) or "", match.group(2) or ""
    node = _parse_expression(condition) if condition else None
    if node is None or node.find(exp.Placeholder, exp.Parameter):
        condition = ""
    return using, condition
