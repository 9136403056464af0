"""The encodings of the canonical format (docs/format.md), each written next to its inverse so
that they stay exact inverses.

Everything here works on plain values (strings, booleans), never on model instances, so that the
exporter, the canonical parser and later importers share one definition of the format. The
one-line spellings the markdown variants read too (a parameter or body field, a relationship) are
interchange/lines.py's.
"""

import json
import re

from specs_app.interchange.lines import matching_paren
from specs_app.interchange.records import ParsedField, ParsedIndex
from specs_app.models.validators import split_top_level

API_TITLE = "# REST API Endpoints"
SCHEMA_TITLE = "# Database Schema"
#: Lines only a canonical file has: a file with its title and these is read by the canonical
#: parser (which reports every deviation); any other file by the lenient one.
API_MARKERS = (r"^\*\*Method\*\*: ", r"^### Request\r?$")
SCHEMA_MARKERS = (r"^\*\*Table\*\*: ", r"^### Fields\r?$")
NONE = "None"
NO_CONTENT = "No content"

FIELDS_HEADER = "| Field | Type | Constraints | Description |"
FIELDS_SEPARATOR = "|-------|------|-------------|-------------|"
FIELDS_COLUMNS = ("Field", "Type", "Constraints", "Description")

# ---------------------------------------------------------------------------------------------
# Labels


def is_canonical(text: str, title: str, markers: tuple[str, ...]) -> bool:
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0].rstrip("\r")
    if first != title:
        return False
    has_sections = re.search(r"^## ", text, re.MULTILINE) is not None
    return not has_sections or all(re.search(m, text, re.MULTILINE) for m in markers)


def label_line(label: str, value: str) -> str:
    """`label: value`, or just `label:` for an empty value (no trailing space)."""
    return f"{label}: {value}" if value else f"{label}:"


# ---------------------------------------------------------------------------------------------
# JSON body lines: only `"` and `\` are escaped


def json_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_JSON_STRING = r'"(?:[^"\\]|\\.)*"'
_JSON_LINE = re.compile(rf"^(?P<key>{_JSON_STRING}): (?P<value>{_JSON_STRING})(?P<comma>,?)$")


def read_json_line(line: str) -> tuple[str, str, bool] | None:
    """`"key": "value",` → (key, value, has_comma), or None when the line is not of that form.

    Any standard JSON escape is decoded (files written by hand may use `\\n` or `\\u00e9`);
    the exporter only ever writes `\\"` and `\\\\`."""
    match = _JSON_LINE.match(line)
    if match is None:
        return None
    try:
        key = json.loads(match["key"], strict=False)
        value = json.loads(match["value"], strict=False)
    except json.JSONDecodeError:
        return None
    return key, value, bool(match["comma"])


# ---------------------------------------------------------------------------------------------
# Table cells: only `|` is escaped, as `\|`


def table_cell(value: str) -> str:
    return value.replace("|", "\\|")


def table_row(cells: list[str]) -> str:
    """One cell is `| ` + text + ` `, so an empty cell is two spaces between pipes: `|  |`."""
    return "".join(f"| {table_cell(cell)} " for cell in cells) + "|"


def split_table_row(line: str) -> list[str] | None:
    """The unescaped, stripped cells of `| a | b |`, or None when the line is not a row."""
    if not (line.startswith("|") and line.endswith("|")) or len(line) < 2:
        return None
    cells, current, index = [], [], 1
    while index < len(line):
        char = line[index]
        if char == "\\" and line.startswith("|", index + 1):
            current.append("|")
            index += 2
            continue
        if char == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    if current:
        return None  # the last pipe was escaped: the row is not closed
    return cells


# ---------------------------------------------------------------------------------------------
# Fields-table constraints cell

PK, AUTO, NOT_NULL, NULL, UNIQUE = "PK", "auto", "NOT NULL", "NULL", "UNIQUE"
FK_PREFIX, DEFAULT_PREFIX = "FK -> ", "DEFAULT "
_RANK_OTHER = 6


def compose_field_constraints(c: ParsedField) -> str:
    """The constraints cell of a field; `c` is a record or a row (anything with its attributes)."""
    tokens = []
    if c.primary_key:
        tokens.append(PK)
    if c.auto:
        tokens.append(AUTO)
    if c.references:
        tokens.append(FK_PREFIX + c.references)
    if c.nullable:
        tokens.append(NULL)
    elif not c.primary_key:
        tokens.append(NOT_NULL)
    if c.unique:
        tokens.append(UNIQUE)
    if c.default:
        tokens.append(DEFAULT_PREFIX + wrap_default(c.default))
    if c.other_constraints:
        tokens.append(c.other_constraints)
    return ", ".join(tokens)


def _token_rank(token: str) -> int:
    if token.startswith(FK_PREFIX):
        return 2
    if token.startswith(DEFAULT_PREFIX):
        return 5
    return {PK: 0, AUTO: 1, NOT_NULL: 3, NULL: 3, UNIQUE: 4}.get(token, _RANK_OTHER)


def split_field_constraints(cell: str, into: ParsedField) -> tuple[ParsedField, list[str]]:
    """Undo `compose_field_constraints` into the fresh record `into`; the second value lists what
    was not canonical."""
    result, remarks, others = into, [], []
    seen: set[str] = set()
    last_rank = -1
    null_token = None
    leading, rest = _leading_tokens(cell)
    for token in leading + (split_top_level(rest) if rest else []):
        rank = _token_rank(token)
        if rank < last_rank:
            remarks.append(f'"{token}" is out of order: the order is {_ORDER_TEXT}')
        key = _token_key(token, rank)
        if rank != _RANK_OTHER and key in seen:
            remarks.append(f'"{token}" repeats a constraint given before')
        seen.add(key)
        last_rank = max(last_rank, rank)
        if rank == _RANK_OTHER:
            others.append(token)
        elif rank == 3:
            null_token = token
        else:
            _set_token(result, token)
    result.other_constraints = ", ".join(others)
    result.nullable = null_token == NULL
    remarks += _nullability_remarks(result, null_token)
    return result, remarks


def _leading_tokens(cell: str) -> tuple[list[str], str]:
    """The recognised tokens at the front of the cell, in the canonical order, and the rest.

    A `FK -> ` token ends at the next `, ` whatever it holds: a reference has no comma but may
    hold an unbalanced bracket or quote, which would defeat the bracket-aware split."""
    tokens, rest, last_rank = [], cell, -1
    while rest:
        is_reference = rest.startswith(FK_PREFIX)
        token = rest.split(", ", 1)[0] if is_reference else split_top_level(rest)[0]
        rank = _token_rank(token)
        if rank == _RANK_OTHER or rank <= last_rank:
            break
        tokens.append(token)
        last_rank = rank
        rest = rest[len(token) + 2 :]
    return tokens, rest


def _token_key(token: str, rank: int) -> str:
    return {2: "FK", 3: "NULL", 5: "DEFAULT"}.get(rank, token)


_ORDER_TEXT = "PK, auto, FK -> table.column, NOT NULL or NULL, UNIQUE, DEFAULT, other"


def _set_token(result: ParsedField, token: str) -> None:
    if token == PK:
        result.primary_key = True
    elif token == AUTO:
        result.auto = True
    elif token == UNIQUE:
        result.unique = True
    elif token.startswith(FK_PREFIX):
        result.references = token[len(FK_PREFIX) :]
    elif token.startswith(DEFAULT_PREFIX):
        result.default = unwrap_default(token[len(DEFAULT_PREFIX) :])


def _nullability_remarks(result: ParsedField, null_token: str | None) -> list[str]:
    if result.primary_key and null_token == NOT_NULL:
        return ["NOT NULL is implied by PK: leave it out"]
    if not result.primary_key and null_token is None:
        result.nullable = True
        return ["neither NOT NULL nor NULL: read as NULL"]
    return []


def _has_top_level_comma(expression: str) -> bool:
    return len(split_top_level(expression, ",")) > 1


def _is_wrapped(expression: str) -> bool:
    """True for `( … )` where the first parenthesis closes at the very end."""
    return expression.startswith("(") and _closes_at_end(expression)


def _closes_at_end(expression: str) -> bool:
    depth, in_quote = 0, False
    for index, char in enumerate(expression):
        if char == "'":
            in_quote = not in_quote
        elif not in_quote and char in "([":
            depth += 1
        elif not in_quote and char in ")]":
            depth -= 1
            if depth == 0:
                return index == len(expression) - 1
    return False


def _needs_wrapping(expression: str) -> bool:
    # docs/format.md ("Fields", the constraints cell) wraps an expression with a top-level comma.
    # An expression that is itself `(…)` around such an expression would read back one level
    # unwrapped, so it is wrapped too.
    if _has_top_level_comma(expression):
        return True
    return _is_wrapped(expression) and _needs_wrapping(expression[1:-1])


def wrap_default(expression: str) -> str:
    return f"({expression})" if _needs_wrapping(expression) else expression


def unwrap_default(text: str) -> str:
    if _is_wrapped(text) and _needs_wrapping(text[1:-1]):
        return text[1:-1]
    return text


# ---------------------------------------------------------------------------------------------
# Indexes: `` `<name>`[ UNIQUE] on (<columns>)[ - <purpose>] ``


def compose_index(i: ParsedIndex) -> str:
    """The index's line; `i` is a record or a row (anything with its attributes)."""
    unique = " UNIQUE" if i.unique else ""
    text = f"`{i.name}`{unique} on ({i.columns})"
    return f"{text} - {i.purpose}" if i.purpose else text


_INDEX_HEAD = re.compile(r"^`(?P<name>[^`]+)`(?P<unique> UNIQUE)? on \(")


def split_index(text: str, line: int = 0) -> tuple[ParsedIndex | None, str | None]:
    head = _INDEX_HEAD.match(text)
    if head is None:
        return None, "not of the form `name` [UNIQUE] on (columns) - purpose"
    close = matching_paren(text, head.end() - 1)
    if close is None:
        return None, "the parenthesis after on is not closed"
    index = ParsedIndex(line, head["name"], text[head.end() : close].strip(), bool(head["unique"]))
    rest = text[close + 1 :]
    if rest.startswith(" - "):
        index.purpose = rest[3:].strip()
    elif rest:
        index.purpose = rest.strip(" -")
        return index, f'text after the columns should follow " - ": {rest.strip()!r}'
    return index, None
