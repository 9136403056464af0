"""The loose schema reader's vocabulary, and how headings and tables are classified: which could
name a model, with which name and table, and which part of a model a block is."""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from specs_app.interchange.markdown_variants.blocks import (
    Block,
    Fence,
    Heading,
    Table,
)
from specs_app.interchange.names import model_name_for_table, plural, snake_case, strip_code

# Part kinds: where a block inside (or outside) a model belongs.
BODY, FIELDS, TABLE, OWNERSHIP = "body", "fields", "table", "ownership"
RELATIONSHIPS, INDEXES, CONSTRAINTS, MIGRATIONS, NOTES = (
    "relationships",
    "indexes",
    "constraints",
    "migrations",
    "notes",
)
#: Parts that a section outside any model can hold, for the models its lines name.
TOP_LEVEL_PARTS = (RELATIONSHIPS, INDEXES, CONSTRAINTS, MIGRATIONS)

_PART_NAMES = {
    FIELDS: (
        "fields",
        "columns",
        "column",
        "attributes",
        "field definitions",
        "column definitions",
        "columns details",
        "column details",
        "field details",
        "schema",
        "table definition",
        "definition",
        "structure",
        "sql",
        "sqlmodel",
    ),
    TABLE: ("table", "table name", "tablename", "db table", "database table"),
    OWNERSHIP: ("ownership", "user ownership", "owner", "data ownership"),
    RELATIONSHIPS: (
        "relationships",
        "relationship",
        "relations",
        "foreign keys",
        "foreign key",
        "associations",
    ),
    INDEXES: ("indexes", "indices", "indexing", "index", "keys and indexes"),
    CONSTRAINTS: (
        "constraints",
        "constraint",
        "data integrity",
        "validation rules",
        "validation",
        "business rules",
        "rules",
        "integrity",
        "checks",
        "triggers",
    ),
    MIGRATIONS: ("migration notes", "migrations", "migration", "migration strategy"),
    NOTES: ("notes", "note", "description", "purpose", "remarks", "comments", "details"),
}
_PART_LOOKUP = {name: kind for kind, names in _PART_NAMES.items() for name in names}
#: For labels that are not an exact synonym: the first keyword found decides.
_PART_KEYWORDS = (
    (r"\bind(?:ex|ices|exes|exing)\b", INDEXES),
    (r"\brelation|\bforeign keys?\b", RELATIONSHIPS),
    (r"\bconstraints?\b|\bintegrity\b|\bvalidation\b", CONSTRAINTS),
    (r"\bmigrations?\b", MIGRATIONS),
    (r"\bownership\b", OWNERSHIP),
    (r"\b(?:fields|columns)\b", FIELDS),
)
_OVERVIEW_NAMES = ("overview", "introduction", "database overview", "purpose and scope")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that make a heading a section about the schema rather than a model.
_NOT_MODEL_WORDS = _words(
    "overview introduction schema database diagram summary configuration connection "
    "considerations strategy requirements queries examples definitions sqlmodel sql orm erd "
    "status conventions references appendix changelog scope purpose security performance "
    "optimization backup recovery monitoring maintenance testing deployment environment "
    "variables setup installation operations patterns isolation retention future phase "
    "extensions enhancements changes additions"
)
_GROUPING_WORDS = re.compile(r"\b(?:tables?|models?|entit(?:y|ies)|schemas?)\b", re.IGNORECASE)
_MODEL_WORD = re.compile(r"\b(?:table|model|entity)\b", re.IGNORECASE)
_GROUP_WORD = re.compile(r"tables|models|entities|schemas", re.IGNORECASE)

_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*[.):]?|[A-Za-z][.)])\s+")
_LABEL = re.compile(r"^(?P<label>[^:`]{1,60}?)\s*:\s*(?P<value>.*)$")
_HEADING_LABEL = re.compile(r"^(?:table|model|entity)\s*\d*\s*[:\-–—]\s*", re.IGNORECASE)
_IDENTIFIER = re.compile(r"^[^\W\d]\w*$")
_WORD = re.compile(r"[^\W\d]\w*")
_ARROWS = {
    "→": "->",
    "⟶": "->",
    "➔": "->",
    "➜": "->",
    "➝": "->",
    "⇒": "->",
    "⟹": "->",
    "←": "<-",
    "↔": "<->",
    "⟷": "<->",
    "⇔": "<->",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

# Name ranks (higher wins when sources merge) and table ranks.
_NAME_DERIVED, _NAME_HEADING, _NAME_CLASS = 1, 2, 3
_TABLE_GUESSED, _TABLE_CLASS, _TABLE_HEADING, _TABLE_SQLMODEL, _TABLE_SQL, _TABLE_LABEL = range(6)


# ---------------------------------------------------------------------------------------------
# Sections: each heading with the blocks up to the next heading, nested by level


@dataclass
class _Section:
    heading: Heading
    blocks: list[Block] = field(default_factory=list)
    children: list["_Section"] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.heading.text


def _sections(blocks: list[Block]) -> tuple[list[Block], list[_Section]]:
    """(the blocks before the first heading, the top sections)."""
    preamble: list[Block] = []
    roots: list[_Section] = []
    stack: list[_Section] = []
    for block in blocks:
        if isinstance(block, Heading):
            section = _Section(block)
            while stack and stack[-1].heading.level >= block.level:
                stack.pop()
            (stack[-1].children if stack else roots).append(section)
            stack.append(section)
        elif stack:
            stack[-1].blocks.append(block)
        else:
            preamble.append(block)
    return preamble, roots


def _block_end(block: Block) -> int:
    if isinstance(block, Fence):
        return (block.lines[-1][0] if block.lines else block.line) + (1 if block.closed else 0)
    if isinstance(block, Table):
        return block.rows[-1][0] if block.rows else block.line + 1
    return block.line


# ---------------------------------------------------------------------------------------------
# Headings: which could name a model, and with which name and table


@dataclass
class _HeadingName:
    name: str
    table: str
    name_rank: int
    table_rank: int
    suggests: bool  # the heading itself says it is a table or model


def _heading_name(text: str) -> _HeadingName | None:
    """The model a heading names (`### 3.1 Tasks Table (`tasks`)`, `## Task`, `#### User Model`),
    or None when it does not read as a name."""
    code = next((c.strip() for c in re.findall(r"`([^`]+)`", text) if _is_name(c.strip())), "")
    plain = re.sub(r"\([^()]*\)|\[[^\]]*\]", " ", strip_code(text))
    plain = _NUMBERING.sub("", plain.strip())
    labelled = bool(_HEADING_LABEL.match(plain))
    plain = re.split(r"\s+[-–—:|]\s+|:\s*$", _HEADING_LABEL.sub("", plain))[0]
    words = [word for word in plain.strip(" .:*#,").split() if not _MODEL_WORD.fullmatch(word)]
    suggests = labelled or bool(code) or bool(_MODEL_WORD.search(plain))
    if not (words or code) or len(words) > 4 or not all(_WORD.fullmatch(w) for w in words):
        return None
    if any(word.lower() in _NOT_MODEL_WORDS or _GROUP_WORD.fullmatch(word) for word in words):
        return None
    if code and code == code.lower():
        table = code
        return _HeadingName(_name_for_table(table), table, _NAME_DERIVED, _TABLE_LABEL, suggests)
    if code:
        return _pascal_heading(code, suggests)
    return _words_heading(words, suggests)


def _is_name(text: str) -> bool:
    return bool(_IDENTIFIER.match(text))


def _words_heading(words: list[str], suggests: bool) -> _HeadingName:
    text = "_".join(words)
    if text == text.lower():
        return _HeadingName(_name_for_table(text), text, _NAME_DERIVED, _TABLE_LABEL, suggests)
    if _looks_plural(words[-1]):
        table = snake_case(text)
        return _HeadingName(_name_for_table(table), table, _NAME_DERIVED, _TABLE_HEADING, suggests)
    return _pascal_heading("".join(w[:1].upper() + w[1:] for w in words), suggests)


def _pascal_heading(name: str, suggests: bool) -> _HeadingName:
    if _looks_plural(name):
        table = snake_case(name)
        return _HeadingName(_name_for_table(table), table, _NAME_DERIVED, _TABLE_HEADING, suggests)
    return _HeadingName(name, plural(snake_case(name)), _NAME_HEADING, _TABLE_GUESSED, suggests)


def _looks_plural(word: str) -> bool:
    lower = word.lower()
    return word.isascii() and lower.endswith("s") and not lower.endswith(("ss", "us", "is"))


@lru_cache(maxsize=4096)
def _name_for_table(table: str) -> str:
    return model_name_for_table(snake_case(table)) or table


@lru_cache(maxsize=4096)
def _key(name: str) -> str:
    """What a table and a model name share when they stand for one model (tasks, Task)."""
    if not name:
        return ""
    return re.sub(r"[^\w]", "", _name_for_table(name).lower())


def _part_kind(label: str) -> str | None:
    """The part a heading or bold label introduces (Indexes, Foreign Keys, Columns, …)."""
    words = _normal_label(label)
    if not words or len(words.split()) > 6:
        return None
    if words in _PART_LOOKUP:
        return _PART_LOOKUP[words]
    for pattern, kind in _PART_KEYWORDS:
        if re.search(pattern, words):
            return kind
    return None


def _normal_label(label: str) -> str:
    text = re.sub(r"\([^()]*\)", " ", strip_code(label).replace("&", " and "))
    text = _NUMBERING.sub("", text.strip())
    return " ".join(re.sub(r"[^\w\s]", " ", text).lower().split())


def _heading_kind(section: _Section) -> str | None:
    """The part a heading opens; a model named like a part (a `notes` table) is not one."""
    kind = _part_kind(section.title)
    if kind == NOTES and any(_holds_model(block) for block in section.blocks):
        return None
    return kind


def _holds_model(block: Block) -> bool:
    if isinstance(block, Table):
        return _is_field_table(block)
    return isinstance(block, Fence) and block.lang in (*_SQL_LANGS, *_PYTHON_LANGS)


def _is_overview_title(title: str) -> bool:
    return _normal_label(title) in _OVERVIEW_NAMES


def _is_none(text: str) -> bool:
    return strip_code(text).strip(" .*_-–—").lower() in ("", "none", "n/a", "na", "nil")


# ---------------------------------------------------------------------------------------------
# Fields from tables with synonym headers in any order

_FIELD_COLUMNS = {
    "name": ("field", "column", "column name", "name", "attribute", "field name", "property"),
    "type": ("type", "data type", "sql type", "datatype", "db type", "column type", "field type"),
    "constraints": (
        "constraints",
        "constraint",
        "attributes",
        "modifiers",
        "properties",
        "keys",
        "key",
        "options",
        "flags",
    ),
    "nullable": ("nullable", "null", "allow null", "allows null", "is nullable"),
    "required": ("required", "not null"),
    "default": ("default", "default value", "defaults"),
    "description": (
        "description",
        "notes",
        "details",
        "purpose",
        "comment",
        "comments",
        "note",
        "remarks",
    ),
    "references": ("references", "foreign key", "fk", "reference", "refs", "foreign key to"),
    "pk": ("pk", "primary key", "primary"),
    "unique": ("unique",),
    "index": ("index", "indexed"),
}
_FIELD_LOOKUP = {name: kind for kind, names in _FIELD_COLUMNS.items() for name in names}
_INDEX_COLUMNS = {
    "name": ("index name", "index", "name"),
    "columns": ("columns", "column", "column s", "fields", "field", "on"),
    "table": ("table", "table name"),
    "type": ("type", "kind", "unique"),
    "purpose": ("purpose", "description", "used for", "notes", "reason", "use case", "query"),
}
_INDEX_LOOKUP = {name: kind for kind, names in _INDEX_COLUMNS.items() for name in names}


def _header_kinds(header: list[str], lookup: dict[str, str]) -> list[str | None]:
    kinds: list[str | None] = []
    for cell in header:
        kind = lookup.get(_normal_label(cell))
        kinds.append(kind if kind not in kinds else None)
    return kinds


def _is_field_table(table: Table) -> bool:
    kinds = _header_kinds(table.header, _FIELD_LOOKUP)
    return "name" in kinds and "type" in kinds


def _is_index_table(table: Table, in_indexes: bool) -> bool:
    kinds = _header_kinds(table.header, _INDEX_LOOKUP)
    headers = {_normal_label(cell) for cell in table.header}
    named = "index name" in headers or "index" in headers or in_indexes
    return named and "columns" in kinds


# ---------------------------------------------------------------------------------------------
# The reader: sections → sources and part lines, then merged models

_SQL_LANGS = ("sql", "postgresql", "postgres", "pgsql", "plpgsql", "mysql", "sqlite", "tsql")
_PYTHON_LANGS = ("python", "py", "python3")
_TEXT_LANGS = ("", "text", "txt", "plain", "plaintext")
