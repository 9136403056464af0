"""SQL DDL → the importer's parsed records.

Read with sqlglot. The reader never raises: what it cannot read becomes an import note at the
file line it came from. Every value produced passes the models' validators (interchange/fit/):
one that would not is dropped, with a warning, before the records are returned.
"""

import bisect
import re
from collections.abc import Iterator

import sqlglot
from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from specs_app.interchange.fit import checked_models
from specs_app.interchange.names import (
    model_name_for_table,
    normalised_on_delete,
    one_line,
    shortened,
)
from specs_app.interchange.notes import ImportNote
from specs_app.interchange.records import ParsedField, ParsedIndex, ParsedModel
from specs_app.interchange.sql.statements import (
    _ACTION_WORDS,
    _CLOSERS,
    _DIALECTS,
    _LINE_END_SEMICOLON,
    _LISTED_SKIPS,
    _OPENERS,
    _READ_KINDS,
    _SERIAL_TYPES,
    _SQLGLOT_LOGGER,
    _UNNAMED,
    _belongs_to,
    _column_name,
    _comma_ranges,
    _comment_text,
    _constraint,
    _field,
    _is_read,
    _only_errors,
    _parse_tokens,
    _parses_to,
    _render,
    _Span,
    _split,
    _Statement,
    _statement_kind,
    _table_name,
    _tokenize,
    _Unreadable,
)
from specs_app.vocabulary import NO_ACTION


def models_from_sql(
    sql: str, *, first_line: int, file: str
) -> tuple[list[ParsedModel], list[ImportNote]]:
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
    return checked_models(list(reader.models.values()), reader.warnings, file)


class _SqlReader:
    def __init__(self, sql: str, first_line: int, file: str) -> None:
        self.sql = sql
        self.first_line = first_line
        self.file = file
        self.newlines = [match.start() for match in re.finditer("\n", sql)]
        self.models: dict[str, ParsedModel] = {}
        self.created: set[str] = set()
        self.warnings: list[ImportNote] = []
        self.enums: dict[str, tuple[list[str], int]] = {}
        self.enum_columns: list[tuple[ParsedField, str]] = []
        self.skipped = 0
        self.unlisted: list[int] = []

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ImportNote(self.file, line, message))

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
            expression, error = _parse_tokens(candidate)
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
        if _field(model, name) is not None:
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
            field.description = one_line(kind.this.name if kind.this else "")
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
            field = _field(model, column)
            if field is None and model.table in self.created:
                self.warn(line, f"foreign key column {column} is not a column of {model.table}")
            elif field is not None and not field.references:
                field.references = f"{ref_table}.{ref_column}"
        if len(columns) == 1 and ref_columns:
            _belongs_to(model, columns[0], f"{ref_table}.{ref_columns[0]}", on_delete, line)

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
                if normalised_on_delete(action):
                    return action
                self.warn(line, f"ON DELETE {action} is not a known action: read as {NO_ACTION}")
        return NO_ACTION

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
                _constraint(model, line, prefix + _render(node))
        elif isinstance(node, exp.PrimaryKey):
            self._table_key(model, node.expressions, line, prefix, "PRIMARY KEY")
        elif isinstance(node, exp.UniqueColumnConstraint):
            schema = node.this
            if not prefix and isinstance(schema, exp.Schema) and schema.this is not None:
                prefix = f"CONSTRAINT {_render(schema.this)} "
            columns = schema.expressions if isinstance(schema, exp.Schema) else []
            self._table_key(model, columns, line, prefix, "UNIQUE")
        elif isinstance(node, exp.CheckColumnConstraint | exp.ExcludeColumnConstraint):
            _constraint(model, line, prefix + _render(node))
        elif isinstance(node, exp.IndexColumnConstraint):
            self._add_index(model, node.name, node.expressions, line, unique=False)
        else:
            self.warn(line, f"table element {shortened(_render(node))} of {model.table} skipped")

    def _table_key(self, model, nodes: list, line: int, prefix: str, keyword: str) -> None:
        """A table-level PRIMARY KEY or UNIQUE: a flag on its column when it has one column
        defined here, else a constraint (a composite primary key also flags every column)."""
        columns = [_column_name(node) for node in nodes]
        fields = [_field(model, column) for column in columns]
        for field in fields:
            if field is not None and keyword == "PRIMARY KEY":
                field.primary_key, field.nullable = True, False
        if len(fields) == 1 and fields[0] is not None:
            fields[0].unique = fields[0].unique or keyword == "UNIQUE"
        elif columns:
            _constraint(model, line, f"{prefix}{keyword} ({', '.join(columns)})")

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
        values = [one_line(value.name) for value in data_type.expressions]
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
                self.warn(action_line, f"ALTER TABLE {table}: {shortened(_render(action))} skipped")

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
        field = _field(self.models.get(table), name)
        if field is None:
            where = f"{table}.{name}" if table else shortened(_render(column))
            self.warn(line, f"COMMENT ON COLUMN {where}: the column is not defined here; skipped")
            return
        text = comment.args.get("expression")
        field.description = one_line(text.name if isinstance(text, exp.Literal) else "")
