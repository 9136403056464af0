"""Part lines: indexes, relationships, and the labels inside a section (`**Indexes**:`, …)."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from specs_app.interchange.markdown_variants.blocks import (
    Block,
    ListItem,
    Paragraph,
)
from specs_app.interchange.markdown_variants.schema.constraints import _ACTIONS, _TARGET, _on_delete
from specs_app.interchange.markdown_variants.schema.fields import _field_from_item
from specs_app.interchange.markdown_variants.schema.parts import (
    _LABEL,
    BODY,
    CONSTRAINTS,
    MIGRATIONS,
    NOTES,
    TOP_LEVEL_PARTS,
    _is_none,
    _normal_label,
    _part_kind,
)
from specs_app.interchange.names import strip_code
from specs_app.interchange.records import (
    ParsedField,
)
from specs_app.models.validators import unbalanced_reason
from specs_app.vocabulary import BELONGS_TO, HAS_MANY, HAS_ONE, MANY_TO_MANY

# ---------------------------------------------------------------------------------------------
# Index lines: `` `idx_tasks_user_id` on (user_id) ``, `idx_tasks_user_id: tasks(user_id)`,
# `tasks.user_id`, `Index on user_id (for filtering)`, `Composite index on (user_id, completed)`

_INDEX_NAME = re.compile(
    r"\b(?:idx|ix|uq|uix|ux|unq|uniq|index|unique)_\w+|\b[^\W\d]\w*_(?:idx|index|key|uq)\b",
    re.IGNORECASE,
)
_NOT_TABLES = frozenset(
    ["on", "index", "key", "unique", "composite", "idx", "using", "btree", "in", "of", "for", "and"]
)
_TABLE_COLUMNS = re.compile(
    r"(?<![.\w])(?P<table>[^\W\d]\w*)\s*\((?P<columns>(?:[^()]|\([^()]*\))*)\)"
)
_COLUMN_GROUP = re.compile(
    r"\((?P<columns>\s*[^\W\d]\w*(?:\s+(?:asc|desc))?\s*(?:,[^()]*)?)\)", re.I
)
_DOTTED = re.compile(r"^(?P<table>[^\W\d]\w*)\.(?P<column>[^\W\d]\w*)\b")
_ON_COLUMNS = re.compile(
    r"\bon\s+(?:the\s+)?(?P<columns>[^\W\d]\w*(?:\s*(?:,|\band\b|&|\+)\s*[^\W\d]\w*)*)", re.I
)
_COLUMN_NOISE = frozenset(["column", "columns", "field", "fields", "for", "to", "the"])


@dataclass
class _IndexSpec:
    name: str = ""
    columns: str = ""
    unique: bool = False
    purpose: str = ""
    table: str = ""
    primary: bool = False  # a line about the primary key's implicit index
    loose: bool = False  # columns read from a bare `(word)`: kept only if the model has them


def _index_spec(text: str) -> _IndexSpec | None:
    plain = strip_code(text).strip()
    spec = _IndexSpec(unique=bool(re.search(r"\bunique\b", plain, re.IGNORECASE)))
    if re.match(r"(?:primary\s+key|pk)\b", plain, re.IGNORECASE):
        spec.primary = True
        return spec
    name = _INDEX_NAME.search(plain)
    if name:
        spec.name = name.group()
        plain = plain[: name.start()] + " " + plain[name.end() :]
    tail = _read_index_columns(plain, spec)
    if not spec.columns and not spec.name:
        return None
    spec.purpose = _index_purpose(tail)
    return spec


def _read_index_columns(text: str, spec: _IndexSpec) -> str:
    """Set the table and columns the line names; returns the text after them (the purpose)."""
    for match in _TABLE_COLUMNS.finditer(text):
        if match["table"].lower() not in _NOT_TABLES and _column_list(match["columns"]):
            spec.table, spec.columns = match["table"], _column_list(match["columns"])
            return text[match.end() :]
    dotted = _DOTTED.match(text.strip())
    if dotted:
        spec.table, spec.columns = dotted["table"], dotted["column"]
        return text.strip()[dotted.end() :]
    group = _COLUMN_GROUP.search(text)
    if group and _column_list(group["columns"]):
        spec.columns = _column_list(group["columns"])
        before = text[: group.start()].rstrip().lower()
        spec.loose = "," not in spec.columns and not before.endswith(("on", ":", "index"))
        return text[group.end() :]
    on = _ON_COLUMNS.search(text)
    if on:
        words = re.split(r"\s*(?:,|\band\b|&|\+)\s*", on["columns"], flags=re.IGNORECASE)
        spec.columns = ", ".join(w for w in words if w.lower() not in _COLUMN_NOISE)
        return text[on.end() :]
    return text


_COLUMN = re.compile(
    r"[^\W\d]\w*(?:\s+(?:asc|desc|nulls\s+(?:first|last)|collate\s+\w+))*|[^\W\d]\w*\(.*\).*",
    re.IGNORECASE,
)


def _column_list(text: str) -> str:
    """`user_id, created_at DESC` as written, or "" when `text` is not a list of columns."""
    parts = [" ".join(part.split()) for part in text.split(",")]
    if not parts or not all(_COLUMN.fullmatch(part) for part in parts):
        return ""
    return ", ".join(parts)


def _index_purpose(tail: str) -> str:
    tail = re.sub(r"^\s*(?:columns?|fields?)\b", "", tail.strip(), flags=re.IGNORECASE)
    tail = tail.strip(" :-–—,;.")
    if tail.startswith("(") and tail.endswith(")") and unbalanced_reason(tail[1:-1]) is None:
        tail = tail[1:-1].strip()
    return tail


# ---------------------------------------------------------------------------------------------
# Relationship lines: `Belongs to User (user_id -> users.id, CASCADE)`, `tasks.user_id ->
# users.id (many-to-one)`, `User has many Tasks`, `One user has many tasks (1:N)`, …

_ARROW_FK = re.compile(
    r"(?:(?P<source>[^\W\d]\w*)\.)?(?P<fk>[^\W\d]\w*)\s*(?:->|=>|\breferences\b|\brefs\b)\s*"
    + _TARGET,
    re.IGNORECASE,
)
_VERBS = (
    (BELONGS_TO, re.compile(r"\bbelongs?\s+to\b|\bowned\s+by\b|\bis\s+linked\s+to\b", re.I)),
    (
        HAS_MANY,
        re.compile(
            r"\b(?:has|have|can\s+have|owns?|contains?)\s+(?:many|multiple|several|zero\s+or\s+"
            r"more|one\s+or\s+more|0\.\.\*|1\.\.\*|a\s+list\s+of)\b",
            re.I,
        ),
    ),
    (
        HAS_ONE,
        re.compile(r"\b(?:has|have|can\s+have)\s+(?:one|a\s+single|exactly\s+one)\b", re.I),
    ),
)
_CARDINALITY = re.compile(
    r"\b(?P<left>one|many|1|n|m)\s*(?:-|\s)?\s*(?:to|:)\s*(?:-|\s)?\s*(?P<right>one|many|1|n|m)\b",
    re.IGNORECASE,
)
_THROUGH = re.compile(
    r"\b(?:through|via|using|join\s+table)\s+(?:the\s+)?(?P<name>[^\W\d]\w*)", re.I
)
_ON_DELETE_TEXT = re.compile(
    rf"on\s+delete\s+(?P<action>{_ACTIONS})|(?P<cascade>cascade)", re.IGNORECASE
)


def _on_delete_in(text: str) -> str:
    match = _ON_DELETE_TEXT.search(text)
    return _on_delete(match["action"] or match["cascade"]) if match else ""


def _cardinality_kind(match: re.Match) -> str:
    left = "one" if match["left"].lower() in ("one", "1") else "many"
    right = "one" if match["right"].lower() in ("one", "1") else "many"
    return {
        ("one", "many"): HAS_MANY,
        ("many", "one"): BELONGS_TO,
        ("one", "one"): HAS_ONE,
        ("many", "many"): MANY_TO_MANY,
    }[(left, right)]


# ---------------------------------------------------------------------------------------------
# Labels inside a section: `**Indexes**:`, `- **Table Name:** `users``, …


def _labelled(
    blocks: list[Block], base: str, *, top_level: bool = False
) -> Iterator[tuple[Block, str]]:
    """Each block with the part it belongs to: `base`, or the part a label before it opened. A
    label paragraph opens a part for what follows; a label list item, for the items nested under
    it (or, with a value, for itself: `- Table Name: `users``)."""
    outer, kind, label_indent = base, base, None
    for index, block in enumerate(blocks):
        nested = label_indent is not None and getattr(block, "indent", 0) > label_indent
        if isinstance(block, ListItem) and label_indent is not None and not nested:
            kind, label_indent = outer, None
        label = _block_label(block)
        if label is None or (top_level and label[0] not in TOP_LEVEL_PARTS):
            yield block, kind
            continue
        label_kind, value = label
        if isinstance(block, ListItem) and value and (kind != BODY or label_kind == NOTES):
            yield block, kind  # an entry of the part it is in, or a detail of the item above
            continue
        kind = label_kind or NOTES
        if isinstance(block, ListItem):
            label_indent = block.indent
        else:
            outer, label_indent = kind, None
        if label_kind is None:
            if index + 1 == len(blocks):
                yield block, NOTES  # a caption is kept only when nothing follows it
        elif not _is_none(value):
            yield Paragraph(block.line, value), kind


def _block_label(block: Block) -> tuple[str | None, str] | None:
    """(part kind, the text to read in that part) for a label line: `Indexes:`, `Table Name:
    `users``, or (None, "") for a caption of what follows (`Sample Data:`); else None."""
    if not isinstance(block, (Paragraph, ListItem)):
        return None
    match = _LABEL.match(block.text)
    if match is None or len(match["label"].split()) > 6:
        return None
    if _field_from_item(block.text, block.line, lenient=False) is not None:
        return None  # `description: TEXT (nullable)` is a field, not a label
    kind = _part_kind(match["label"])
    value = match["value"].strip()
    if kind is None:
        return (None, "") if not value else None
    if kind == NOTES or (kind in (CONSTRAINTS, MIGRATIONS) and _is_sub_label(match["label"])):
        return kind, block.text if value else ""
    return kind, value


def _is_sub_label(label: str) -> bool:
    """`Check Constraints: …` keeps its label in the text; `Constraints: …` does not."""
    return _normal_label(label) not in (
        "constraints",
        "constraint",
        "migrations",
        "migration notes",
    )


def _attach_detail(parsed: ParsedField, text: str) -> None:
    """A line nested under a field item: its description, type or a remark."""
    match = _LABEL.match(text)
    label = _normal_label(match["label"]) if match else ""
    if label == "type" and not parsed.type:
        parsed.type = strip_code(match["value"])
        return
    value = match["value"].strip() if label in ("description", "desc", "notes", "note") else text
    parsed.description = "; ".join(filter(None, [parsed.description, value.strip()]))


def _combined_index_items(items: list[ListItem]) -> list[ListItem]:
    """An index item with nested `Fields:` / `Purpose:` lines becomes one line."""
    top = min(item.indent for item in items)
    combined: list[ListItem] = []
    for item in items:
        match = _LABEL.match(item.text) if item.indent > top and combined else None
        label = _normal_label(match["label"]) if match else ""
        if label in ("fields", "columns", "column", "field"):
            parent = combined[-1]
            parent.text = f"{parent.text} on ({strip_code(match['value'])})"
        elif label in ("purpose", "description", "used for"):
            combined[-1].text = f"{combined[-1].text} - {match['value'].strip()}"
        elif label == "type" and "unique" in match["value"].lower():
            combined[-1].text = f"{combined[-1].text} unique"
        elif not (match and label in ("type", "kind")):
            combined.append(ListItem(item.line, item.indent, item.text))
    return combined
