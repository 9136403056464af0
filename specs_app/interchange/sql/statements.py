"""SQL DDL as statements: tokens, statement kinds and spans, and the text sqlglot renders."""

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from specs_app.interchange.names import model_name_for_table, one_line, shortened
from specs_app.interchange.records import ParsedField, ParsedItem, ParsedModel, ParsedRelationship
from specs_app.vocabulary import BELONGS_TO

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
    return shortened(_CLASS_REPR.sub(lambda match: match["name"], text), 100)


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
            return one_line(text[len(opener) :])
    if text.startswith("/*"):
        return one_line(text[2:].split("*/", 1)[0])
    return ""


def _parse_tokens(statement: _Statement) -> tuple[exp.Expression | None, str]:
    parser = Dialect.get_or_raise(statement.dialect).parser(error_level=ErrorLevel.IMMEDIATE)
    try:
        parsed = parser.parse(statement.tokens, statement.source)
    except Exception as error:
        return None, _reason(error)
    return next((node for node in parsed if node is not None), None), ""


def _field(model: ParsedModel | None, name: str) -> ParsedField | None:
    if model is None:
        return None
    return next((field for field in model.fields if field.name == name), None)


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


def _constraint(model: ParsedModel, line: int, text: str) -> None:
    if text and all(item.text != text for item in model.constraints):
        model.constraints.append(ParsedItem(line, text))
