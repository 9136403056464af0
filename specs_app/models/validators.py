"""Input rules that keep every stored value expressible in the canonical markdown.

docs/format.md, "What a value may hold", lists them for people writing the files.

What the format cannot carry is refused here, with a message that says what to change, so that
export never has to mangle a value.
"""

import re
from collections.abc import Callable

from django.core.exceptions import ValidationError

_TYPE_TERMINATOR = re.compile(r" \((?:required|optional)[,)]")
_RECOGNISED_FIELD_TOKENS = ("PK", "auto", "NOT NULL", "NULL", "UNIQUE")


def validate_single_line(value: str) -> None:
    if "\n" in value or "\r" in value:
        raise ValidationError("Must be a single line: remove the line break.", code="line_break")
    if "\t" in value:
        raise ValidationError("Tabs are not allowed: use spaces.", code="tab")
    _refuse_control_characters(value)


def _refuse_control_characters(value: str) -> None:
    if any(ord(char) < 32 and char not in "\n\t" for char in value):
        raise ValidationError(
            "Control characters (such as NUL) are not allowed.", code="control_character"
        )


def validate_list_item(value: str) -> None:
    validate_single_line(value)
    if value.strip() == "None":
        raise ValidationError(
            'An item cannot be just "None": it would read back as an empty list.',
            code="none_item",
        )


def validate_no_backtick(value: str) -> None:
    if "`" in value:
        raise ValidationError("Backticks (`) are not allowed in a name.", code="backtick")


def validate_type(value: str) -> None:
    validate_single_line(value)
    if _TYPE_TERMINATOR.search(value):
        raise ValidationError(
            'A type cannot contain " (required" or " (optional": put that in the constraints.',
            code="type_marker",
        )


def unbalanced_reason(value: str) -> str | None:
    """Why `value` cannot be split safely (unbalanced brackets or quotes), or None."""
    depth = {"(": 0, "[": 0}
    closing = {")": "(", "]": "["}
    in_quote = False
    for char in value:
        if char == "'":
            in_quote = not in_quote
        elif in_quote:
            continue
        elif char in depth:
            depth[char] += 1
        elif char in closing:
            depth[closing[char]] -= 1
            if depth[closing[char]] < 0:
                return f'a closing "{char}" has no opening bracket'
    if in_quote:
        return "a single quote is not closed"
    for opener, count in depth.items():
        if count:
            return f'an opening "{opener}" is not closed'
    return None


def validate_balanced(value: str) -> None:
    validate_single_line(value)
    reason = unbalanced_reason(value)
    if reason:
        raise ValidationError(f"Brackets and quotes must balance: {reason}.", code="unbalanced")


def validate_parenthesised_text(value: str) -> None:
    """Text that the format closes with a matching parenthesis (constraints, index columns)."""
    validate_single_line(value)
    depth = 0
    for char in value:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            raise ValidationError(
                'Parentheses must balance: a ")" has no matching "(".', code="unbalanced"
            )
    if depth:
        raise ValidationError('Parentheses must balance: a "(" is not closed.', code="unbalanced")


def split_top_level(
    text: str,
    separator: str | Callable[[str, int], int] = ", ",
    *,
    brackets: str = "()[]",
    quotes: str = "'",
    quotes_in_words: bool = True,
    stray_closers: bool = True,
) -> list[str]:
    """Split `text` at `separator` outside brackets and quoted strings; the parts as they are.

    The one scanner for every reader and rule; the rules differ by parameter:
    - `separator`: a string, or a function (text, index) → the length of the separator that
      starts at index (0 for none);
    - `brackets`: pairs of opening and closing characters;
    - `quotes`: the characters that open a quoted string (the same one closes it); with
      `quotes_in_words` off, one inside a word (an apostrophe: don't) neither opens nor closes;
    - `stray_closers`: a closing bracket without its opener counts (the depth goes below
      zero, so nothing after it splits); off, it is ignored.
    """
    openers, closers = brackets[::2], brackets[1::2]
    parts, depth, quote, start, i = [], 0, "", 0, 0
    while i < len(text):
        char = text[i]
        if quote:
            if char == quote and (quotes_in_words or not text[i + 1 : i + 2].isalnum()):
                quote = ""
        elif char in quotes and (quotes_in_words or not text[i - 1 : i].isalnum()):
            quote = char
        elif char in openers:
            depth += 1
        elif char in closers:
            depth = depth - 1 if stray_closers or depth > 0 else 0
        elif depth == 0:
            found = _separator_at(text, i, separator)
            if found:
                parts.append(text[start:i])
                i += found
                start = i
                continue
        i += 1
    parts.append(text[start:])
    return parts


def _separator_at(text: str, index: int, separator: str | Callable[[str, int], int]) -> int:
    if isinstance(separator, str):
        return len(separator) if text.startswith(separator, index) else 0
    return separator(text, index)


def validate_other_constraints(value: str) -> None:
    validate_balanced(value)
    for token in split_top_level(value):
        if token in _RECOGNISED_FIELD_TOKENS or token.startswith(("FK -> ", "DEFAULT ")):
            raise ValidationError(
                f'"{token}" is set with its own option (primary key, auto, references, '
                "nullable, unique, default), not as other constraint text.",
                code="recognised_token",
            )
        if token == "":
            raise ValidationError("Remove the empty item between commas.", code="empty_token")


def validate_reference(value: str) -> None:
    validate_single_line(value)
    if value and not re.fullmatch(r"[^\s,()]+\.[^\s,()]+", value):
        raise ValidationError(
            'A reference is written as table.column, for example "users.id".', code="reference"
        )


def validate_overview(value: str) -> None:
    if "\t" in value:
        raise ValidationError("Tabs are not allowed: use spaces.", code="tab")
    _refuse_control_characters(value.replace("\r", ""))
    for number, line in enumerate(value.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            raise ValidationError(
                f'Line {number} starts with "#": headings are not allowed in an overview.',
                code="heading",
            )


# A SQL identifier (letters, digits, underscores; not starting with a digit), optionally after a
# schema: it is written bare in `FK -> <table>.<column>`, `(via <table>.<fk field>)`,
# `(through <join table>)` and the generated DDL, where spaces, commas, brackets or quotes
# would change what the line says.
_TABLE_NAME = re.compile(r"(?:[^\W\d]\w*\.)?[^\W\d]\w*")


def validate_table_name(value: str) -> None:
    validate_single_line(value)
    if value and not _TABLE_NAME.fullmatch(value):
        raise ValidationError(
            "A table name is letters, digits and underscores, not starting with a digit, "
            'as in "order_items" or "billing.invoices".',
            code="table_name",
        )


def validate_repo_path(value: str) -> None:
    validate_single_line(value)
    if value.startswith("/") or ".." in value.split("/") or not value.endswith(".md"):
        raise ValidationError(
            'A file path is relative to the repository root, ends in ".md" and has no "..".',
            code="repo_path",
        )


def validate_path(value: str) -> None:
    validate_single_line(value)
    if not value.startswith("/"):
        raise ValidationError('Path must start with "/".', code="path_start")
    if " " in value:
        raise ValidationError("Path cannot contain spaces.", code="path_space")


def validate_status_code(value: int) -> None:
    if value is None or not 100 <= value <= 999:
        raise ValidationError(
            f"Status {value} is not an HTTP status code: use a three-digit code such as 200.",
            code="status",
        )


def normalize_overview(text: str) -> str:
    """Strip trailing spaces, collapse runs of blank lines, trim the ends (docs/format.md,
    "File layout")."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    kept: list[str] = []
    for line in lines:
        if line == "" and (not kept or kept[-1] == ""):
            continue
        kept.append(line)
    return "\n".join(kept).strip("\n")
