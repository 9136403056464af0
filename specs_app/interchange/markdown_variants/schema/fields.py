"""Fields from list items (`` `id`: integer (Primary Key, Auto-increment) ``,
`id (UUID, PK): unique id`, …) and from tables with synonym headers in any order."""

import re
from dataclasses import dataclass

from specs_app.interchange.markdown_variants.schema.constraints import (
    _TYPE_IN_TEXT,
    _clean_type,
    _Facts,
    _leading_type,
    _read_constraints,
    _read_tokens,
    _split_parts,
    _yes_no,
)
from specs_app.interchange.markdown_variants.schema.parts import _is_name, _is_none, _normal_label
from specs_app.interchange.names import strip_code
from specs_app.interchange.records import (
    ParsedField,
)

# ---------------------------------------------------------------------------------------------
# Fields from list items: `` `id`: integer (Primary Key, Auto-increment) ``,
# `` `title` - VARCHAR(255), NOT NULL - Task title ``, `id (UUID, PK): unique id`, …

_ITEM_NAME = re.compile(r"^\s*(?:`(?P<code>[^`]+)`|(?P<plain>[^\W\d]\w*))")
_AFTER_NAME = re.compile(r"^\s*(?:[:=]|[-–—](?=\s))\s*|^\s+(?=\S)|^(?=\()")
_GROUP = re.compile(r"\((?:[^()]|\([^()]*\))*\)")


@dataclass
class _FieldLine:
    field: ParsedField
    facts: _Facts


def _field_from_item(text: str, line: int, *, lenient: bool) -> _FieldLine | None:
    """A field read from one list item, or None when the item is not `name: type …` (with
    `lenient`, a name followed by anything is a field, its type searched in the text)."""
    match = _ITEM_NAME.match(text)
    name = (match["code"] or match["plain"] or "").strip() if match else ""
    separator = _AFTER_NAME.match(text[match.end() :]) if match else None
    if not _is_name(name) or separator is None:
        return None
    rest = strip_code(text[match.end() + separator.end() :])
    if not separator.group().strip() and not rest.startswith("(") and not _leading_type(rest)[0]:
        return None  # `Use parameterized queries` is a sentence, not a field
    facts = _Facts()
    if rest.startswith("("):
        field_type, free = _type_from_leading_group(rest, facts)
    else:
        field_type, free = _type_from_text(rest, lenient=lenient)
    if not field_type and not lenient:
        return None
    description = _read_free_text(free, facts)
    parsed = ParsedField(line, name, field_type, description=description)
    return _FieldLine(parsed, facts)


def _type_from_leading_group(rest: str, facts: _Facts) -> tuple[str, str]:
    """`(UUID, PK): unique id` → ("UUID", "unique id"), PK set in `facts`."""
    group = _GROUP.match(rest)
    if group is None:
        return "", rest
    parts = _split_parts(group.group()[1:-1])
    field_type = parts.pop(0) if parts and _clean_type(parts[0]) else ""
    for part in parts:
        left = _read_tokens(part, facts, partial=True)
        if left:
            facts.others.append(left)
    return field_type, rest[group.end() :]


def _type_from_text(rest: str, *, lenient: bool) -> tuple[str, str]:
    """The type at the start of `rest` (or in parentheses, or, with `lenient`, anywhere) and the
    text left to read for constraints and the description."""
    field_type, after = _leading_type(rest)
    if field_type and re.match(r"^\s*(?:$|[(,:;]|[-–—]\s)", after):
        return field_type, after
    group = next((g for g in _GROUP.finditer(rest) if _clean_type(g.group()[1:-1])), None)
    if group is not None:
        return group.group()[1:-1].strip(), rest[: group.start()] + rest[group.end() :]
    if field_type:
        return field_type, after
    found = _TYPE_IN_TEXT.search(rest) if lenient else None
    return (found.group() if found else ""), rest


def _read_free_text(text: str, facts: _Facts) -> str:
    """Read constraints from `text` (parenthesised groups of constraints, and parts that are only
    constraint keywords); what is left is the description."""
    kept = []
    position = 0
    for group in _GROUP.finditer(text):
        inner = group.group()[1:-1]
        if not any(
            _read_tokens(part, _Facts(), partial=False) == "" for part in _split_parts(inner)
        ):
            continue
        kept.append(text[position : group.start()])
        position = group.end()
        facts.others += _read_constraints(inner, facts, partial=True)
    kept.append(text[position:])
    free = " ".join(" ".join(kept).split()).strip(" :-–—,;")
    description = _read_constraints(free, facts, partial=False)
    return ", ".join(description)


def _raw_cells(text: str) -> list[str]:
    """The cells of a table row as written (blocks.py drops ✓ and ✗ with the emoji)."""
    text = text.strip().removeprefix("|")
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", text)]


def _field_from_row(
    cells: list[str], raw: list[str], header: list[str], kinds: list[str | None], line: int
) -> _FieldLine | None:
    values: dict[str, str] = {}
    facts, extra = _Facts(), []
    for index, kind in enumerate(kinds):
        cell = cells[index] if index < len(cells) else ""
        if kind is None:
            if cell.strip():
                extra.append(f"{strip_code(header[index])}: {cell.strip()}")
            continue
        raw_cell = raw[index] if index < len(raw) else cell
        values[kind] = cell.strip()
        _read_cell(kind, cell, raw_cell, facts)
    name, name_rest = _name_cell(values.get("name", ""))
    if not name:
        return None
    if name_rest:
        facts.others += _read_constraints(name_rest, facts, partial=True)
    if "constraints" not in kinds and "pk" not in kinds:
        _read_constraint_remarks(values.get("description", ""), facts)
    description = "; ".join(filter(None, [values.get("description", ""), *extra]))
    parsed = ParsedField(line, name, strip_code(values.get("type", "")), description=description)
    return _FieldLine(parsed, facts)


def _read_constraint_remarks(description: str, facts: _Facts) -> None:
    """In a table without a constraints column: `(primary key)`, `(nullable)` or `FK -> user.id`
    in the description still say what the field is."""
    plain = strip_code(description)
    found = _Facts()
    for part in [g.group()[1:-1] for g in _GROUP.finditer(plain)] + [plain]:
        probe = _Facts()
        if not _read_constraints(part, probe, partial=False):
            _read_constraints(part, found, partial=False)
    for name in ("primary_key", "auto", "unique", "is_fk"):
        setattr(facts, name, getattr(facts, name) or getattr(found, name))
    facts.references = facts.references or found.references
    facts.fk_target = facts.fk_target or found.fk_target
    if facts.nullable is None:
        facts.nullable = found.nullable


def _name_cell(cell: str) -> tuple[str, str]:
    text = strip_code(cell).strip(" *")
    match = re.match(r"[^\W\d][\w.]*", text)
    if match is None:
        return "", ""
    return match.group().rstrip("."), text[match.end() :].strip(" :-–—")


def _read_cell(kind: str, cell: str, raw_cell: str, facts: _Facts) -> None:
    if kind == "constraints":
        facts.others += _read_constraints(cell, facts, partial=True)
    elif kind in ("nullable", "required"):
        answer = _yes_no(raw_cell) if _yes_no(cell) is None else _yes_no(cell)
        if answer is not None:
            facts.nullable = answer if kind == "nullable" else not answer
    elif kind == "default":
        _read_default_cell(cell, facts)
    elif kind == "references":
        _read_reference_cell(cell, facts)
    elif kind in ("pk", "unique", "index"):
        flag = _yes_no(raw_cell) or _normal_label(cell) in ("pk", "primary key", "unique", "index")
        if flag:
            setattr(
                facts, {"pk": "primary_key", "unique": "unique", "index": "indexed"}[kind], True
            )


def _read_default_cell(cell: str, facts: _Facts) -> None:
    value = strip_code(cell).strip()
    if _is_none(value):
        return
    if _read_tokens(value, _Facts(), partial=False) == "" and re.match(r"auto|serial", value, re.I):
        facts.auto = True
        return
    facts.default = value


def _read_reference_cell(cell: str, facts: _Facts) -> None:
    answer = _yes_no(cell)
    if answer is not None or _is_none(cell):
        facts.is_fk = facts.is_fk or bool(answer)
        return
    if _read_tokens(f"FK {strip_code(cell)}", facts, partial=True):
        facts.others.append(f"references {strip_code(cell)}")
