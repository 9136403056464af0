"""Schema code → the importer's parsed records.

SQL DDL is read with sqlglot; SQLModel classes are read with Python's `ast`, never imported or
executed. Neither reader raises: what it cannot read becomes an ImportWarning at the file line it
came from. Every value produced passes the models' validators: one that would not is dropped,
with a warning, before the records are returned.
"""

import ast
import bisect
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import reduce

import sqlglot
from django.core.exceptions import ValidationError
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from specs_app.interchange.canonical.syntax import (
    BELONGS_TO,
    HAS_MANY,
    HAS_ONE,
    MANY_TO_MANY,
    ON_DELETE_ACTIONS,
)
from specs_app.interchange.records import (
    ImportWarning,
    ParsedField,
    ParsedIndex,
    ParsedItem,
    ParsedModel,
    ParsedRelationship,
)
from specs_app.models.validators import (
    split_top_level,
    validate_balanced,
    validate_list_item,
    validate_no_backtick,
    validate_other_constraints,
    validate_parenthesised_text,
    validate_reference,
    validate_single_line,
    validate_type,
)

NO_ACTION = "NO ACTION"

# ---------------------------------------------------------------------------------------------
# Names

_IRREGULAR_PLURALS = {
    "people": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "series": "series",
    "species": "species",
    "news": "news",
    "data": "data",
    "media": "media",
}


def model_name_for_table(table: str) -> str:
    """`task_tags` → `TaskTag`: the table name without quotes or schema, last word singular,
    every word capitalised."""
    bare = _bare_table(table)
    parts = [part for part in re.split(r"[\W_]+", bare) if part]
    if not parts:
        return bare or table.strip()
    if bare.isupper():
        parts = [part.lower() for part in parts]
    parts[-1] = _singular(parts[-1])
    return "".join(part[:1].upper() + part[1:] for part in parts)


def _bare_table(table: str) -> str:
    """`"public"."users"` → `users`."""
    unquoted = re.sub(r'["`\[\]]', "", table.strip())
    return unquoted.rsplit(".", 1)[-1].strip()


def _singular(word: str) -> str:
    lower = word.lower()
    if lower in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[lower]
    if lower.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if lower.endswith(("sses", "shes", "ches", "xes", "statuses")):
        return word[:-2]
    if lower.endswith(("ss", "us", "is")) or not lower.endswith("s") or len(word) == 1:
        return word
    return word[:-1]


def _singular_snake(table: str) -> str:
    """`task_tags` → `task_tag`: the usual prefix of a foreign key column naming that table."""
    parts = _bare_table(table).lower().split("_")
    parts[-1] = _singular(parts[-1])
    return "_".join(parts)


def _one_line(text: str) -> str:
    """Control characters and line breaks become spaces; runs of spaces collapse."""
    printable = "".join(" " if ord(char) < 32 or ord(char) == 127 else char for char in text)
    return " ".join(printable.split())


def _short(text: str, limit: int = 80) -> str:
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _normalised_on_delete(text: str) -> str | None:
    action = " ".join(text.upper().split())
    return action if action in ON_DELETE_ACTIONS else None


# ---------------------------------------------------------------------------------------------
# SQL

#: Tried in this order; "" is sqlglot's own dialect.
_DIALECTS = ("postgres", "", "mysql", "sqlite", "tsql")
_RENDER_DIALECT = "postgres"
_SERIAL_TYPES = {
    exp.DataType.Type.SERIAL,
    exp.DataType.Type.BIGSERIAL,
    exp.DataType.Type.SMALLSERIAL,
}
_OPENERS = {TokenType.L_PAREN, TokenType.L_BRACKET, TokenType.L_BRACE}
_CLOSERS = {TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.R_BRACE}
#: Where reading resumes after text the tokenizer gave up on (an unclosed quote, say).
_LINE_END_SEMICOLON = re.compile(r";[^\S\n]*(?:--[^\n]*)?$", re.MULTILINE)
_TOKEN_REPR = re.compile(r"<Token token_type: [^,]*, text: (?P<text>.*?), line: \d+.*?>")
_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_CLASS_REPR = re.compile(r"<class '(?:[\w.]*\.)?(?P<name>\w+)'>")
#: Past this many statements skipped (a data dump, or text that is not SQL at all), the others
#: that cannot be schema are counted, not parsed.
_LISTED_SKIPS = 200
#: sqlglot reads `ALTER TABLE t ADD CHECK (…)` only with a constraint name: this one is given
#: to it and removed again.
_UNNAMED = "code_schema_unnamed_constraint"
#: Words that may precede the object kind in a statement sqlglot keeps as a plain command.
_KIND_MODIFIERS = {"OR", "REPLACE", "TEMP", "TEMPORARY", "UNIQUE", "IF", "NOT", "EXISTS", "ON"}
#: The statements read here; only they are worth trying in other dialects.
_READ_STATEMENTS = {"CREATE", "ALTER", "COMMENT"}
_READ_KINDS = {"CREATE TABLE", "CREATE INDEX", "ALTER TABLE", "COMMENT COLUMN"}
_ACTION_WORDS = {"ADD", "DROP", "ALTER", "RENAME", "VALIDATE", "SET", "OWNER", "ENABLE"}


def models_from_sql(
    sql: str, *, first_line: int, file: str
) -> tuple[list[ParsedModel], list[ImportWarning]]:
    """The tables, indexes and constraints a SQL script creates. Other statements are reported
    as skipped; nothing raises."""
    reader = _SqlReader(sql, first_line, file)
    # sqlglot logs what it could not read; the report says it with the file line instead.
    _SQLGLOT_LOGGER.addFilter(_only_errors)
    try:
        reader.read()
    except Exception as error:  # a last resort: the reader catches what it expects
        reader.warn(first_line, f"SQL not read ({type(error).__name__}); skipped")
    finally:
        _SQLGLOT_LOGGER.removeFilter(_only_errors)
    return _finish(list(reader.models.values()), reader.warnings, file)


_SQLGLOT_LOGGER = logging.getLogger("sqlglot")


def _only_errors(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.ERROR


@dataclass
class _Statement:
    tokens: list[Token]
    #: Where, in the whole text, `source` (the string the tokens were read from) starts.
    base: int
    source: str
    dialect: str

    def offset(self, index: int) -> int:
        return self.base + self.tokens[index].start

    def end_offset(self, index: int) -> int:
        return self.base + self.tokens[index].end + 1


@dataclass
class _Unreadable:
    offset: int
    reason: str


@dataclass
class _Span:
    """Where a table element is: its line, its token range (-1 when unknown) and the comment
    that ends its last line."""

    line: int
    first: int = -1
    last: int = -1
    comment: str = ""


def _tokenize(text: str, dialect: str) -> tuple[list[Token], str | None]:
    """The tokens and None, or the tokens read before an error and the error's reason."""
    reader = Dialect.get_or_raise(dialect)
    tokenizer = reader.tokenizer_class(dialect=reader)
    try:
        return tokenizer.tokenize(text), None
    except Exception as error:
        return list(getattr(tokenizer, "tokens", None) or []), _reason(error)


def _reason(error: Exception) -> str:
    if isinstance(error, ParseError) and error.errors:
        text = str(error.errors[0].get("description") or error)
    elif isinstance(error, TokenError):
        text = "a quote or comment is not closed"
    else:
        text = type(error).__name__
    text = _TOKEN_REPR.sub(lambda match: f'"{match["text"]}"', text)
    return _short(_CLASS_REPR.sub(lambda match: match["name"], text), 100)


def _render(node: exp.Expression | None) -> str:
    """The expression as sqlglot writes it for postgres, without quotes a name does not need
    (MySQL's backticks, say)."""
    if node is None:
        return ""
    try:
        return node.transform(_unquoted).sql(dialect=_RENDER_DIALECT)
    except Exception:
        try:
            return node.sql()
        except Exception:
            return ""


def _unquoted(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Identifier) and _PLAIN_NAME.fullmatch(node.name):
        return exp.Identifier(this=node.name, quoted=False)
    return node


def _table_name(node: exp.Expression | None) -> str:
    if isinstance(node, exp.Schema):
        node = node.this
    return node.name if isinstance(node, exp.Expression) else ""


def _column_name(node: exp.Expression) -> str:
    if isinstance(node, exp.Identifier | exp.Column):
        return node.name
    found = node.find(exp.Column) or node.find(exp.Identifier)
    return found.name if found is not None else _render(node)


def _parses_to(text: str, node: exp.Expression, dialect: str) -> bool:
    try:
        return sqlglot.parse_one(text, read=dialect or None) == node
    except Exception:
        return False


def _statement_kind(expression: exp.Expression) -> str:
    """`CREATE EXTENSION`, `INSERT`, `DROP TABLE`: what a skipped statement was."""
    if isinstance(expression, exp.Command):
        head = str(expression.this or "").upper()
        if head in ("CREATE", "DROP", "ALTER", "COMMENT"):
            words = (re.sub(r"\W", "", word).upper() for word in str(expression.expression).split())
            kind = next((word for word in words if word and word not in _KIND_MODIFIERS), "")
            head = f"{head} {kind}".strip()
        return head or "COMMAND"
    kind = str(expression.args.get("kind") or "").upper()
    prefixes = {
        exp.Create: "CREATE",
        exp.Drop: "DROP",
        exp.Alter: "ALTER",
        exp.Comment: "COMMENT ON",
    }
    for node_class, prefix in prefixes.items():
        if isinstance(expression, node_class):
            as_query = kind == "TABLE" and isinstance(expression.args.get("expression"), exp.Query)
            return f"{prefix} {kind}{' AS' if as_query else ''}".strip()
    return expression.key.upper()


def _comma_ranges(tokens: list[Token], open_index: int) -> list[tuple[int, int]]:
    """The token ranges of the comma-separated elements inside the bracket at `open_index`."""
    ranges, depth, start = [], 0, open_index + 1
    for index in range(open_index, len(tokens)):
        kind = tokens[index].token_type
        if kind in _OPENERS:
            depth += 1
        elif kind in _CLOSERS:
            depth -= 1
            if depth == 0:
                ranges.append((start, index - 1))
                return ranges
        elif kind == TokenType.COMMA and depth == 1:
            ranges.append((start, index - 1))
            start = index + 1
    return ranges


def _is_read(statement: _Statement) -> bool:
    return statement.tokens[0].text.upper() in _READ_STATEMENTS


def _split(tokens: list[Token], base: int, source: str, dialect: str) -> Iterator[_Statement]:
    """The statements between semicolons."""
    group: list[Token] = []
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            if group:
                yield _Statement(group, base, source, dialect)
            group = []
        else:
            group.append(token)
    if group:
        yield _Statement(group, base, source, dialect)


def _comment_text(gap: str) -> str:
    """The comment at the start of `gap` (text between two tokens), or ""."""
    text = gap.strip()
    for opener in ("--", "#"):
        if text.startswith(opener):
            return _one_line(text[len(opener) :])
    if text.startswith("/*"):
        return _one_line(text[2:].split("*/", 1)[0])
    return ""


class _SqlReader:
    def __init__(self, sql: str, first_line: int, file: str) -> None:
        self.sql = sql
        self.first_line = first_line
        self.file = file
        self.newlines = [match.start() for match in re.finditer("\n", sql)]
        self.models: dict[str, ParsedModel] = {}
        self.created: set[str] = set()
        self.warnings: list[ImportWarning] = []
        self.enums: dict[str, tuple[list[str], int]] = {}
        self.enum_columns: list[tuple[ParsedField, str]] = []
        self.skipped = 0
        self.unlisted: list[int] = []

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ImportWarning(self.file, line, message))

    def line(self, offset: int) -> int:
        return self.first_line + bisect.bisect_left(self.newlines, offset)

    def skip(self, line: int, message: str) -> None:
        """A warning about a statement not read, up to a number of them: the rest are counted."""
        if self.skipped < _LISTED_SKIPS:
            self.warn(line, message)
        else:
            self.unlisted.append(line)
        self.skipped += 1

    def read(self) -> None:
        for item in self._statements():
            if isinstance(item, _Unreadable):
                self.skip(
                    self.line(item.offset), f"SQL statement not parsed ({item.reason}); skipped"
                )
            elif self.skipped >= _LISTED_SKIPS and not _is_read(item):
                self.skip(self.line(item.offset(0)), "")  # counted without parsing it
            else:
                self._read_statement(item)
        self._apply_enums()
        if self.unlisted:
            message = f"{len(self.unlisted)} more statements not read, from this line on"
            self.warn(self.unlisted[0], message)

    # -- statements -----------------------------------------------------------------------

    def _statements(self) -> Iterator[_Statement | _Unreadable]:
        tokens, error = _tokenize(self.sql, "postgres")
        if error is None:
            yield from _split(tokens, 0, self.sql, "postgres")
            return
        # The text does not tokenize as a whole (an unclosed quote, say). The statements before
        # the failure are kept; the rest is read in pieces that each end with a line ending in
        # ";", so that a bad quote costs one piece and no piece is tokenized twice over.
        complete, start = self._before_failure(tokens, 0, len(self.sql))
        yield from _split(complete, 0, self.sql, "postgres")
        for match in _LINE_END_SEMICOLON.finditer(self.sql, start):
            yield from self._piece(start, match.end())
            start = match.end()
        yield from self._piece(start, len(self.sql))

    def _piece(self, start: int, end: int) -> Iterator[_Statement | _Unreadable]:
        piece = self.sql[start:end]
        tokens, error = _tokenize(piece, "postgres")
        if error is None:
            yield from _split(tokens, start, piece, "postgres")
            return
        for dialect in _DIALECTS[1:]:
            other_tokens, other_error = _tokenize(piece, dialect)
            if other_error is None:
                yield from _split(other_tokens, start, piece, dialect)
                return
        complete, failed = self._before_failure(tokens, start, end)
        yield from _split(complete, start, piece, "postgres")
        if failed < end:
            yield _Unreadable(failed, error)

    def _before_failure(self, tokens: list[Token], base: int, end: int) -> tuple[list[Token], int]:
        """The tokens of the statements that end before a tokenizer error, and the offset where
        the statement that failed starts."""
        semicolons = [
            i for i, token in enumerate(tokens) if token.token_type == TokenType.SEMICOLON
        ]
        last = semicolons[-1] if semicolons else -1
        if last + 1 < len(tokens):
            return tokens[: last + 1], base + tokens[last + 1].start
        failed = base + tokens[last].end + 1 if tokens else base
        while failed < end and self.sql[failed].isspace():
            failed += 1
        return tokens[: last + 1], failed

    def _read_statement(self, statement: _Statement) -> None:
        line = self.line(statement.offset(0))
        expression, statement, reason = self._parse(statement)
        if expression is None:
            self.skip(line, f"SQL statement not parsed ({reason}); skipped")
            return
        try:
            self._dispatch(expression, statement, line)
        except Exception as error:  # a statement sqlglot read in a shape not foreseen here
            self.warn(line, f"SQL statement not read ({type(error).__name__}); skipped")

    def _parse(self, statement: _Statement) -> tuple[exp.Expression | None, _Statement, str]:
        """The statement read by the first dialect that reads it as more than a plain command."""
        order = [statement.dialect]
        if _is_read(statement):
            order += [dialect for dialect in _DIALECTS if dialect != statement.dialect]
        reason, command = "", None
        for dialect in order:
            candidate = (
                statement if dialect == statement.dialect else self._retokenized(statement, dialect)
            )
            if candidate is None:
                continue
            expression, error = self._parse_tokens(candidate)
            reason = reason or error
            if isinstance(expression, exp.Command):
                command = command or (expression, candidate)
            elif expression is not None:
                return expression, candidate, ""
        named = self._with_named_checks(statement)
        if named is not None:
            return named, statement, ""
        if command is not None:
            return command[0], command[1], ""
        return None, statement, reason or "no statement found"

    @staticmethod
    def _parse_tokens(statement: _Statement) -> tuple[exp.Expression | None, str]:
        parser = Dialect.get_or_raise(statement.dialect).parser(error_level=ErrorLevel.IMMEDIATE)
        try:
            parsed = parser.parse(statement.tokens, statement.source)
        except Exception as error:
            return None, _reason(error)
        return next((node for node in parsed if node is not None), None), ""

    def _retokenized(self, statement: _Statement, dialect: str) -> _Statement | None:
        start, end = statement.offset(0), statement.end_offset(len(statement.tokens) - 1)
        text = self.sql[start:end]
        tokens, error = _tokenize(text, dialect)
        if error is not None or not tokens:
            return None
        return _Statement(tokens, start, text, dialect)

    def _with_named_checks(self, statement: _Statement) -> exp.Expression | None:
        """`ALTER TABLE … ADD CHECK (…)` read as if the check had a name."""
        tokens = statement.tokens
        if [token.text.upper() for token in tokens[:2]] != ["ALTER", "TABLE"]:
            return None
        words = [token.text.upper() for token in tokens]
        checks = [i for i in range(len(words) - 1) if words[i : i + 2] == ["ADD", "CHECK"]]
        if not checks:
            return None
        text, previous = [], statement.offset(0)
        for index in checks:
            text.append(self.sql[previous : statement.end_offset(index)])
            text.append(f" CONSTRAINT {_UNNAMED}")
            previous = statement.end_offset(index)
        text.append(self.sql[previous : statement.end_offset(len(tokens) - 1)])
        try:
            expression = sqlglot.parse_one("".join(text), read="postgres")
        except Exception:
            return None
        return None if isinstance(expression, exp.Command) else expression

    def _dispatch(self, expression: exp.Expression, statement: _Statement, line: int) -> None:
        kind = str(expression.args.get("kind") or "").upper()
        target = expression.this
        if isinstance(expression, exp.Create):
            if kind == "TABLE" and isinstance(target, exp.Schema):
                return self._create_table(target, statement, line)
            if kind == "INDEX" and isinstance(target, exp.Index):
                return self._create_index(expression, line)
            if kind == "TYPE" and self._create_enum(expression, line):
                return None
        elif isinstance(expression, exp.Alter) and kind == "TABLE":
            return self._alter_table(expression, statement, line)
        elif isinstance(expression, exp.Comment) and kind == "COLUMN":
            return self._comment_on_column(expression, line)
        statement_kind = _statement_kind(expression)
        if isinstance(expression, exp.Condition | exp.Alias):
            self.skip(line, "SQL statement not parsed (not a statement); skipped")
        elif isinstance(expression, exp.Command) and statement_kind in _READ_KINDS:
            reason = "sqlglot reads it only as a plain command"
            self.skip(line, f"SQL statement not parsed ({reason}); skipped")
        else:
            self.skip(line, f"SQL statement {statement_kind} skipped")
        return None

    # -- tables ---------------------------------------------------------------------------

    def _model(self, table: str, line: int) -> ParsedModel:
        if table not in self.models:
            self.models[table] = ParsedModel(
                line=line, name=model_name_for_table(table), table=table
            )
        return self.models[table]

    @staticmethod
    def _field(model: ParsedModel | None, name: str) -> ParsedField | None:
        if model is None:
            return None
        return next((field for field in model.fields if field.name == name), None)

    def _create_table(self, schema: exp.Schema, statement: _Statement, line: int) -> None:
        table = _table_name(schema)
        if not table:
            self.warn(line, "SQL statement CREATE TABLE skipped: no table name")
            return
        if table in self.created:
            self.warn(line, f"table {table} is created a second time; this CREATE TABLE skipped")
            return
        self.created.add(table)
        model = self._model(table, line)
        model.line = line
        spans = self._spans(statement, schema.expressions)
        elements = list(zip(schema.expressions, spans, strict=True))
        for node, span in elements:
            if isinstance(node, exp.ColumnDef | exp.Identifier):
                self._add_column(model, node, statement, span)
        for node, span in elements:
            if not isinstance(node, exp.ColumnDef | exp.Identifier):
                self._table_element(model, node, span.line)

    def _spans(self, statement: _Statement, nodes: list[exp.Expression]) -> list[_Span]:
        tokens = statement.tokens
        opening = next((i for i, t in enumerate(tokens) if t.token_type == TokenType.L_PAREN), -1)
        ranges = _comma_ranges(tokens, opening) if opening >= 0 else []
        if len(ranges) != len(nodes):
            return [_Span(self._node_line(node, statement)) for node in nodes]
        return [
            _Span(
                self.line(statement.offset(first)),
                first,
                last,
                self._trailing_comment(statement, first, last),
            )
            for first, last in ranges
        ]

    def _node_line(self, node: exp.Expression, statement: _Statement) -> int:
        identifier = node.find(exp.Identifier)
        start = identifier.meta.get("start") if identifier is not None else None
        if start is None:
            return self.line(statement.offset(0))
        return self.line(statement.base + start)

    def _trailing_comment(self, statement: _Statement, first: int, last: int) -> str:
        """The comment that follows the element on the line where it ends."""
        tokens = statement.tokens
        end_line = self.line(statement.end_offset(last) - 1)
        for index in range(first, min(last + 1, len(tokens) - 1) + 1):
            gap_start = statement.end_offset(index)
            if self.line(gap_start) != end_line:
                continue
            following = statement.offset(index + 1) if index + 1 < len(tokens) else len(self.sql)
            line_end = self.sql.find("\n", gap_start, following)
            comment = _comment_text(self.sql[gap_start : following if line_end < 0 else line_end])
            if comment:
                return comment
        return ""

    def _add_column(
        self, model: ParsedModel, node: exp.ColumnDef | exp.Identifier, statement, span: _Span
    ) -> None:
        name = node.name
        if self._field(model, name) is not None:
            self.warn(span.line, f"column {name} of {model.table} is defined twice; skipped")
            return
        field = ParsedField(span.line, name, "", nullable=True, description=span.comment)
        model.fields.append(field)
        kind = node.args.get("kind") if isinstance(node, exp.ColumnDef) else None
        field.type = self._column_type(kind, field, model)
        others = []
        for constraint in node.constraints if isinstance(node, exp.ColumnDef) else []:
            self._column_constraint(model, field, constraint, statement, span, others)
        if kind is not None and kind.this in _SERIAL_TYPES:
            field.auto = True
        if field.primary_key:
            field.nullable = False
        field.other_constraints = ", ".join(others)

    def _column_type(self, kind: exp.DataType | None, field: ParsedField, model) -> str:
        if kind is None:
            self.warn(field.line, f"column {field.name} of {model.table} has no type: read as ANY")
            return "ANY"
        if kind.this == exp.DataType.Type.USERDEFINED:
            self.enum_columns.append((field, _table_name(kind.args.get("kind"))))
        text = _render(kind)
        if len(text) > 200 or "\n" in text:
            short = kind.this.value if hasattr(kind.this, "value") else "ANY"
            self.warn(field.line, f"the type of {field.name} is too long to keep: read as {short}")
            return short
        return text

    def _column_constraint(self, model, field, constraint, statement, span, others) -> None:
        kind = constraint.args.get("kind")
        if isinstance(kind, exp.PrimaryKeyColumnConstraint):
            field.primary_key = True
        elif isinstance(kind, exp.NotNullColumnConstraint):
            field.nullable = bool(kind.args.get("allow_null"))
        elif isinstance(kind, exp.UniqueColumnConstraint):
            field.unique = True
        elif isinstance(kind, exp.DefaultColumnConstraint):
            field.default = self._default(kind.this, statement, span)
        elif isinstance(kind, exp.Reference):
            self._references(model, [field.name], kind, field.line)
        elif isinstance(kind, exp.AutoIncrementColumnConstraint) or (
            isinstance(kind, exp.GeneratedAsIdentityColumnConstraint)
            and not kind.args.get("expression")
        ):
            field.auto = True
        elif isinstance(kind, exp.CommentColumnConstraint):
            field.description = _one_line(kind.this.name if kind.this else "")
        else:
            others.append(_render(constraint))

    def _default(self, node: exp.Expression | None, statement: _Statement, span: _Span) -> str:
        """The default as written (`now()`), when sqlglot reads that text back to the same
        expression, else as sqlglot renders it (`CURRENT_TIMESTAMP`)."""
        if node is None or isinstance(node, exp.Null):
            return ""
        first, last = (span.first, span.last) if span.first >= 0 else (0, len(statement.tokens) - 1)
        for index in range(first, last + 1):
            if statement.tokens[index].token_type == TokenType.DEFAULT:
                written = self._written_expression(node, statement, index + 1, last)
                if written:
                    return written
        return _render(node)

    def _written_expression(self, node, statement: _Statement, start: int, last: int) -> str:
        depth = 0
        for index in range(start, min(last, start + 40) + 1):
            kind = statement.tokens[index].token_type
            depth += (kind in _OPENERS) - (kind in _CLOSERS)
            if depth < 0 or (kind == TokenType.COMMA and depth == 0):
                return ""
            if depth == 0:
                text = self.sql[statement.offset(start) : statement.end_offset(index)]
                if text.isprintable() and _parses_to(text, node, statement.dialect):
                    return text
        return ""

    # -- keys and constraints -------------------------------------------------------------

    def _references(
        self, model: ParsedModel, columns: list[str], reference: exp.Reference, line: int
    ) -> None:
        target = reference.this
        ref_table = _table_name(target)
        ref_columns = (
            [_column_name(e) for e in target.expressions] if isinstance(target, exp.Schema) else []
        )
        if not ref_columns:
            ref_columns = self._referenced_key(ref_table, len(columns), line)
        on_delete = self._on_delete(reference.args.get("options") or [], line)
        for column, ref_column in zip(columns, ref_columns, strict=False):
            field = self._field(model, column)
            if field is None and model.table in self.created:
                self.warn(line, f"foreign key column {column} is not a column of {model.table}")
            elif field is not None and not field.references:
                field.references = f"{ref_table}.{ref_column}"
        if len(columns) == 1 and ref_columns:
            self._belongs_to(model, columns[0], f"{ref_table}.{ref_columns[0]}", on_delete, line)

    def _referenced_key(self, ref_table: str, count: int, line: int) -> list[str]:
        """The columns of `REFERENCES users` (no column named): the primary key of users."""
        model = self.models.get(ref_table)
        keys = [field.name for field in model.fields if field.primary_key] if model else []
        if len(keys) == count:
            return keys
        if count != 1:
            return []
        self.warn(line, f"the foreign key to {ref_table} names no column: read as {ref_table}.id")
        return ["id"]

    def _on_delete(self, options: list, line: int) -> str:
        for option in options:
            words = " ".join(str(option).upper().split())
            if words.startswith("ON DELETE "):
                action = words[len("ON DELETE ") :]
                if _normalised_on_delete(action):
                    return action
                self.warn(line, f"ON DELETE {action} is not a known action: read as {NO_ACTION}")
        return NO_ACTION

    @staticmethod
    def _belongs_to(model, column: str, target_column: str, on_delete: str, line: int) -> None:
        if any(r.kind == BELONGS_TO and r.fk_field == column for r in model.relationships):
            return
        relationship = ParsedRelationship(
            line,
            BELONGS_TO,
            model_name_for_table(target_column.rsplit(".", 1)[0]),
            fk_field=column,
            target_column=target_column,
            on_delete=on_delete,
        )
        model.relationships.append(relationship)

    def _table_element(self, model: ParsedModel, node, line: int, name=None) -> None:
        if isinstance(node, exp.Constraint):
            for inner in node.expressions:
                self._table_element(model, inner, line, node.this)
            return
        named = name is not None and name.name != _UNNAMED
        prefix = f"CONSTRAINT {_render(name)} " if named else ""
        if isinstance(node, exp.ForeignKey):
            columns = [_column_name(e) for e in node.expressions]
            if node.args.get("reference") is not None:
                self._references(model, columns, node.args["reference"], line)
            if len(columns) > 1:
                self._constraint(model, line, prefix + _render(node))
        elif isinstance(node, exp.PrimaryKey):
            self._table_key(model, node.expressions, line, prefix, "PRIMARY KEY")
        elif isinstance(node, exp.UniqueColumnConstraint):
            schema = node.this
            if not prefix and isinstance(schema, exp.Schema) and schema.this is not None:
                prefix = f"CONSTRAINT {_render(schema.this)} "
            columns = schema.expressions if isinstance(schema, exp.Schema) else []
            self._table_key(model, columns, line, prefix, "UNIQUE")
        elif isinstance(node, exp.CheckColumnConstraint | exp.ExcludeColumnConstraint):
            self._constraint(model, line, prefix + _render(node))
        elif isinstance(node, exp.IndexColumnConstraint):
            self._add_index(model, node.name, node.expressions, line, unique=False)
        else:
            self.warn(line, f"table element {_short(_render(node))} of {model.table} skipped")

    def _table_key(self, model, nodes: list, line: int, prefix: str, keyword: str) -> None:
        """A table-level PRIMARY KEY or UNIQUE: a flag on its column when it has one column
        defined here, else a constraint (a composite primary key also flags every column)."""
        columns = [_column_name(node) for node in nodes]
        fields = [self._field(model, column) for column in columns]
        for field in fields:
            if field is not None and keyword == "PRIMARY KEY":
                field.primary_key, field.nullable = True, False
        if len(fields) == 1 and fields[0] is not None:
            fields[0].unique = fields[0].unique or keyword == "UNIQUE"
        elif columns:
            self._constraint(model, line, f"{prefix}{keyword} ({', '.join(columns)})")

    @staticmethod
    def _constraint(model: ParsedModel, line: int, text: str) -> None:
        if text and all(item.text != text for item in model.constraints):
            model.constraints.append(ParsedItem(line, text))

    # -- other statements -----------------------------------------------------------------

    def _create_index(self, create: exp.Create, line: int) -> None:
        index = create.this
        table = _table_name(index.args.get("table"))
        params = index.args.get("params")
        columns = (params.args.get("columns") if params else None) or []
        if not table or not columns:
            self.warn(line, "SQL statement CREATE INDEX skipped: no table or no columns")
            return
        purpose = []
        using = params.args.get("using")
        if using is not None and using.name.lower() != "btree":
            purpose.append(f"USING {using.name}")
        if params.args.get("include"):
            purpose.append(f"INCLUDE ({', '.join(_render(e) for e in params.args['include'])})")
        if params.args.get("where") is not None:
            purpose.append(_render(params.args["where"]))
        model = self._model(table, line)
        unique = bool(create.args.get("unique"))
        self._add_index(model, index.name, columns, line, unique, " ".join(purpose))

    def _add_index(
        self, model, name: str, columns: list, line: int, unique: bool, purpose=""
    ) -> None:
        texts = [_render(column) for column in columns]
        if not name:
            name = "_".join(["idx", model.table, *(_column_name(column) for column in columns)])
            self.warn(
                line, f"index on {model.table} ({', '.join(texts)}) has no name: named {name}"
            )
        model.indexes.append(ParsedIndex(line, name, ", ".join(texts), unique, purpose))

    def _create_enum(self, create: exp.Create, line: int) -> bool:
        data_type = create.args.get("expression")
        if not isinstance(data_type, exp.DataType) or data_type.this != exp.DataType.Type.ENUM:
            return False
        values = [_one_line(value.name) for value in data_type.expressions]
        self.enums[_table_name(create.this)] = (values, line)
        return True

    def _apply_enums(self) -> None:
        used = set()
        for field, type_name in self.enum_columns:
            if type_name in self.enums:
                used.add(type_name)
                item = "one of: " + ", ".join(self.enums[type_name][0])
                field.other_constraints = ", ".join(filter(None, [field.other_constraints, item]))
        for name, (_values, line) in self.enums.items():
            if name not in used:
                self.warn(
                    line, f"SQL statement CREATE TYPE skipped: no column here is of type {name}"
                )

    def _alter_table(self, alter: exp.Alter, statement: _Statement, line: int) -> None:
        table = _table_name(alter.this)
        actions = alter.args.get("actions") or []
        lines = self._action_lines(statement, actions, line)
        for action, action_line in zip(actions, lines, strict=True):
            if isinstance(action, exp.AddConstraint):
                model = self._model(table, action_line)
                for node in action.expressions:
                    self._table_element(model, node, action_line)
            elif isinstance(action, exp.ColumnDef):
                span = _Span(action_line, 0, len(statement.tokens) - 1)
                self._add_column(self._model(table, action_line), action, statement, span)
            else:
                self.warn(action_line, f"ALTER TABLE {table}: {_short(_render(action))} skipped")

    def _action_lines(self, statement: _Statement, actions: list, line: int) -> list[int]:
        """The line of each action of an ALTER TABLE (where its ADD, DROP … is)."""
        tokens, depth, starts = statement.tokens, 0, []
        for index, token in enumerate(tokens):
            depth += (token.token_type in _OPENERS) - (token.token_type in _CLOSERS)
            if depth == 0 and token.token_type == TokenType.COMMA:
                starts.append(index + 1)
        head = tokens[1 : starts[0] if starts else len(tokens)]
        first = next((i + 1 for i, t in enumerate(head) if t.text.upper() in _ACTION_WORDS), None)
        starts = [first, *starts]
        if first is None or len(starts) != len(actions) or starts[-1] >= len(tokens):
            return [line] * len(actions)
        return [self.line(statement.offset(index)) for index in starts]

    def _comment_on_column(self, comment: exp.Comment, line: int) -> None:
        column = comment.this
        table, name = (column.table, column.name) if isinstance(column, exp.Column) else ("", "")
        field = self._field(self.models.get(table), name)
        if field is None:
            where = f"{table}.{name}" if table else _short(_render(column))
            self.warn(line, f"COMMENT ON COLUMN {where}: the column is not defined here; skipped")
            return
        text = comment.args.get("expression")
        field.description = _one_line(text.name if isinstance(text, exp.Literal) else "")


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
) -> tuple[list[ParsedModel], list[ImportWarning]]:
    """The `table=True` classes of SQLModel code, read with `ast` (the code is never run)."""
    reader = _PythonReader(first_line, file)
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        line = reader.line(max(error.lineno or 1, 1))
        return [], [ImportWarning(file, line, f"Python not parsed: {error.msg}")]
    except (ValueError, RecursionError, MemoryError) as error:
        return [], [ImportWarning(file, first_line, f"Python not parsed: {_short(str(error))}")]
    try:
        models = reader.read(tree)
    except Exception as error:  # a last resort: ast nodes in a shape not foreseen here
        reader.warn(first_line, f"Python not read ({type(error).__name__}); skipped")
        models = []
    return _finish(models, reader.warnings, file)


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
        self.warnings: list[ImportWarning] = []
        self.classes: dict[str, ast.ClassDef] = {}
        self.tables: dict[str, str] = {}
        self.enums: dict[str, list[str]] = {}
        self.models: dict[str, ParsedModel] = {}

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ImportWarning(self.file, line, message))

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
        field.description = _one_line(_string(options.get("description")) or "")
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
            action = _normalised_on_delete(_string(ondelete) or "")
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
            model.constraints.append(ParsedItem(line, f"{prefix}CHECK ({_one_line(args[0])})"))
        else:
            self.warn(line, f"__table_args__ item {_short(ast.unparse(item))} not read")

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
        guess = f"{target_table}.{_singular_snake(table)}_id"
        self.warn(
            line,
            f"relationship {name}: no foreign key of {target} refers to {table}: guessed {guess}",
        )
        return guess


# ---------------------------------------------------------------------------------------------
# Checks: every value kept passes the models' validators

_MAX = {"name": 200, "type": 200, "references": 200, "default": 500, "text": 1000}


def _problem(value: str, *validators: Callable[[str], None], limit: int = 200) -> str | None:
    if len(value) > limit:
        return f"longer than {limit} characters"
    for validator in validators:
        try:
            validator(value)
        except ValidationError as error:
            return error.messages[0]
    return None


def _finish(
    models: list[ParsedModel], warnings: list[ImportWarning], file: str
) -> tuple[list[ParsedModel], list[ImportWarning]]:
    def warn(line: int, message: str) -> None:
        warnings.append(ImportWarning(file, line, message))

    checked = [model for model in models if _model_ok(model, warn)]
    _unique_names(checked, warn)
    return checked, sorted(warnings, key=lambda warning: warning.line)


def _unique_names(models: list[ParsedModel], warn) -> None:
    seen: dict[str, str] = {}
    for model in models:
        name, number = model.name, 2
        while name in seen:
            name, number = f"{model.name}{number}", number + 1
        if name != model.name:
            warn(
                model.line,
                f"table {model.table} would be named {model.name} like table "
                f"{seen[model.name]}: named {name}",
            )
            model.name = name
        seen[name] = model.table


def _model_ok(model: ParsedModel, warn) -> bool:
    problem = _problem(model.name, validate_single_line) or _problem(
        model.table, validate_single_line
    )
    if problem or not model.name or not model.table:
        warn(model.line, f"table {_short(model.table)!r} skipped: {problem or 'no name'}")
        return False
    model.fields = [field for field in model.fields if _field_ok(field, warn)]
    model.relationships = [r for r in model.relationships if _relationship_ok(r, warn)]
    model.indexes = [index for index in model.indexes if _index_ok(index, warn)]
    model.constraints = [item for item in model.constraints if _item_ok(item, warn)]
    return True


def _field_ok(field: ParsedField, warn) -> bool:
    problem = _problem(field.name, validate_single_line) if field.name else "no name"
    if problem:
        warn(field.line, f"column {_short(field.name)!r} skipped: {problem}")
        return False
    if _problem(field.type, validate_type) or not field.type:
        short = re.split(r"[ (\[]", field.type.strip(), maxsplit=1)[0][:200] or "ANY"
        warn(
            field.line, f"{field.name}: type {_short(field.type)!r} cannot be kept: read as {short}"
        )
        field.type = short if not _problem(short, validate_type) else "ANY"
    for attribute, validator in (
        ("references", validate_reference),
        ("default", validate_balanced),
    ):
        value = getattr(field, attribute)
        problem = _problem(value, validator, limit=_MAX[attribute])
        if problem:
            warn(field.line, f"{field.name}: {attribute} {_short(value)!r} not kept: {problem}")
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
        problem = _problem(candidate, validate_other_constraints, limit=_MAX["text"])
        if problem:
            warn(field.line, f"{field.name}: constraint {_short(item)!r} not kept: {problem}")
        else:
            kept.append(item)
    return ", ".join(kept)


def _relationship_ok(relationship: ParsedRelationship, warn) -> bool:
    problem = _relationship_problem(relationship)
    if problem:
        what = f"{relationship.kind} {_short(relationship.target)}"
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
        problem = _problem(value, validate_single_line)
        if problem:
            return problem
    if r.kind == BELONGS_TO:
        if r.on_delete not in ON_DELETE_ACTIONS:
            return f"on delete {r.on_delete!r} is not one of {', '.join(ON_DELETE_ACTIONS)}"
        if " -> " in r.fk_field or "," in r.fk_field:
            return 'a column name cannot contain " -> " or ","'
        return _problem(r.target_column, validate_reference)
    if r.kind in (HAS_ONE, HAS_MANY):
        return _problem(r.fk_field, validate_reference)
    return None


def _index_ok(index: ParsedIndex, warn) -> bool:
    problem = _problem(index.name, validate_single_line, validate_no_backtick) or _problem(
        index.columns, validate_parenthesised_text, limit=500
    )
    if problem or not index.name or not index.columns:
        warn(index.line, f"index {_short(index.name)!r} skipped: {problem or 'no name or columns'}")
        return False
    index.purpose = _one_line(index.purpose)[: _MAX["text"]]
    return True


def _item_ok(item: ParsedItem, warn) -> bool:
    problem = _problem(item.text, validate_list_item, limit=_MAX["text"])
    if problem or not item.text.strip():
        warn(item.line, f"constraint {_short(item.text)!r} skipped: {problem or 'empty'}")
        return False
    return True
