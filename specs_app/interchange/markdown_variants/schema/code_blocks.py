"""Code fences inside a schema file: SQL statements completed, and which fence is a model's code."""

import ast
import re

from specs_app.interchange.markdown_variants.blocks import (
    Block,
    Fence,
    ListItem,
    Paragraph,
)
from specs_app.interchange.markdown_variants.schema.constraints import _SERIAL
from specs_app.interchange.markdown_variants.schema.fields import _FieldLine
from specs_app.interchange.markdown_variants.schema.part_lines import (
    _block_label,
    _combined_index_items,
)
from specs_app.interchange.markdown_variants.schema.parts import (
    _PYTHON_LANGS,
    _SQL_LANGS,
    _TEXT_LANGS,
    INDEXES,
    _key,
)
from specs_app.interchange.markdown_variants.schema.sources import _Draft, _Source
from specs_app.interchange.names import strip_code
from specs_app.interchange.records import (
    ParsedModel,
)


def _continues(last: Block | None, block: Paragraph) -> bool:
    if isinstance(last, ListItem):
        return _block_label(block) is None
    if isinstance(last, Paragraph):
        return _block_label(block) is None and _block_label(last) is None
    return False


def _combined_index_blocks(blocks: list[tuple[Block, str]]) -> list[tuple[Block, str]]:
    """`_combined_index_items` over the runs of list items of a block stream."""
    result: list[tuple[Block, str]] = []
    run: list[ListItem] = []
    for block, kind in [*blocks, (None, "")]:
        if isinstance(block, ListItem) and kind == INDEXES:
            run.append(block)
            continue
        if run:
            result += [(item, INDEXES) for item in _combined_index_items(run)]
            run = []
        if block is not None:
            result.append((block, kind))
    return result


def _row_text(header: list[str], cells: list[str]) -> str:
    pairs = zip([strip_code(h) for h in header], cells, strict=False)
    return "; ".join(f"{name}: {cell}" if name else cell for name, cell in pairs if cell.strip())


def _code_origin(fence: Fence, model_context: bool) -> str | None:
    text = fence.text
    if not text.strip() or not fence.lines:
        return None
    first = next(
        (
            line.strip()
            for _, line in fence.lines
            if line.strip() and not line.strip().startswith("--")
        ),
        "",
    )
    if fence.lang in _SQL_LANGS:
        return "SQL" if model_context or _DDL.search(text) else None
    if fence.lang in _PYTHON_LANGS:
        return "SQLModel" if _mentions_sqlmodel(text) else None
    if fence.lang in _TEXT_LANGS and _CREATE_TABLE.match(first):
        return "SQL"
    if fence.lang in _TEXT_LANGS and _mentions_sqlmodel(text) and _parses_as_python(text):
        return "SQLModel"
    return None


_BARE_TABLE = re.compile(r"^(?P<indent>\s*)(?P<name>[A-Za-z_][\w.\"\[\]]*)\s*\($")
_BARE_INDEX = re.compile(
    r"^(?P<indent>\s*)(?P<unique>UNIQUE\s+)?(?P<name>[A-Za-z_]\w*)\s+ON\s+\w.*\)[^;]*$",
    re.IGNORECASE,
)
_INDEXES_LABEL = re.compile(r"^\s*indexes\s*:\s*$", re.IGNORECASE)


def complete_sql_statements(code: str) -> str:
    """See `_Reader._completed_sql`. Lines are changed in place, never added or removed; each
    completed statement starts with `;`, which ends whatever came before it."""
    lines = code.split("\n")
    depth = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        bare_table = _BARE_TABLE.match(line)
        bare_index = _BARE_INDEX.match(_without_comment(line))
        if depth == 0 and bare_table and not _DDL.match(stripped):
            lines[index] = f"{bare_table['indent']};CREATE TABLE {stripped}"
        elif depth == 0 and _INDEXES_LABEL.match(line):
            lines[index] = f"-- {stripped}"
        elif depth == 0 and bare_index and not _DDL.match(stripped):
            unique = "UNIQUE " if bare_index["unique"] else ""
            rest = stripped[len(bare_index["unique"] or "") :]
            lines[index] = f"{bare_index['indent']};CREATE {unique}INDEX {rest}"
        depth = max(depth + _net_parentheses(line), 0)
    return "\n".join(lines)


def _without_comment(line: str) -> str:
    return re.sub(r"\s*--.*$", "", line)


def _net_parentheses(line: str) -> int:
    code = re.sub(r"'[^']*'|--.*$", "", line)
    return code.count("(") - code.count(")")


def _mentions_sqlmodel(text: str) -> bool:
    return "SQLModel" in text or "table=True" in text


def _parses_as_python(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _code_source_keys(model: ParsedModel) -> set[str]:
    return {_key(model.name), _key(model.table)} - {""}


# Statement kinds, to tell a table definition that could not be read from other SQL.
_DDL = re.compile(r"\b(?:create|alter)\s", re.IGNORECASE)
_CREATE_TABLE = re.compile(
    r"create\s+(?:or\s+replace\s+)?(?:(?:global|local)\s+)?(?:temp(?:orary)?\s+|unlogged\s+)?"
    r"table\b",
    re.IGNORECASE,
)
_OTHER_STATEMENT = re.compile(
    r"(?:create|alter|drop|insert|update|delete|select|with|grant|revoke|comment|begin|end|do|"
    r"set|declare|return|if|constraint|foreign|primary|unique|check|index|references|--|/\*)\b",
    re.IGNORECASE,
)


def _lost_code(message: str) -> str:
    reason = re.sub(r";\s*skipped$", "", message)
    return f"{reason} - the models this code defines would be lost: fix the code"


_SQLMODEL_CLASS = re.compile(r"^class \w+\([^)]*SQLModel", re.MULTILINE)
#: What the sql and sqlmodel readers say of code they could not read at all (not of one value
#: they left out).
_NOT_READ = re.compile(r"^(?:SQL (?:statement )?|Python )not (?:parsed|read)\b")


def _add_field(source: _Source, parsed: _FieldLine, draft: _Draft) -> None:
    new, facts = parsed.field, parsed.facts
    key = new.name.lower()
    kept = next((f for f in source.model.fields if f.name.lower() == key), None)
    if kept is not None:
        draft.warn(
            new.line,
            f"{draft.where}: field “{new.name}” is given twice (lines {kept.line} and {new.line}); "
            "kept the first",
        )
        return
    new.primary_key, new.unique = facts.primary_key, facts.unique
    new.auto = facts.auto or bool(_SERIAL.match(new.type))
    new.references, new.default = facts.references, facts.default
    new.other_constraints = ", ".join(dict.fromkeys(facts.others))
    if facts.nullable is None and not new.primary_key:
        source.guessed_nullable.add(key)
    new.nullable = not new.primary_key and facts.nullable is not False
    if facts.on_delete:
        source.on_delete[key] = facts.on_delete
    if (facts.is_fk or facts.fk_target) and not facts.references:
        source.fk_hints[key] = (new.line, facts.fk_target, facts.on_delete)
    if facts.indexed:
        source.indexed.append((new.name, new.line))
    source.model.fields.append(new)
