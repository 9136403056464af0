"""Real-world database schema specs → ParsedSchema.

Reads the common variants of the template: a heading per model or table at any level and under
any grouping; fields as tables (any synonym headers, in any order) or as bullet lists; SQL
`CREATE TABLE` and SQLModel classes (read by code_schema); the parts of a model under headings or
bold labels with their usual synonyms; and top-level Relationships / Indexes / Constraints
sections, whose lines go to the model they name. A model given several times (a table, SQL and
SQLModel) becomes one model.

Nothing is dropped silently: text inside a model that the format has no place for becomes a
constraint note, and text outside any model is named in a warning with its line range. Errors
are kept for content that would be lost or misread (they make the importer refuse the file).
"""

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache

from specs_app.interchange.canonical.syntax import (
    BELONGS_TO,
    HAS_MANY,
    HAS_ONE,
    MANY_TO_MANY,
    ON_DELETE_ACTIONS,
    split_relationship,
)
from specs_app.interchange.markdown_variants.blocks import (
    Block,
    Fence,
    Heading,
    ListItem,
    Paragraph,
    Table,
    read_blocks,
    strip_code,
)
from specs_app.interchange.records import (
    ImportWarning,
    ParsedField,
    ParsedIndex,
    ParsedItem,
    ParsedModel,
    ParsedRelationship,
    ParsedSchema,
)
from specs_app.interchange.sql.reader import (
    model_name_for_table,
    models_from_sql,
    models_from_sqlmodel,
)
from specs_app.models.validators import split_top_level, unbalanced_reason
from specs_app.services.revisions import normalize_overview

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
# Entry point


def parse_loose_schema(
    text: str, *, file: str
) -> tuple[ParsedSchema, list[ImportWarning], list[ImportWarning]]:
    """(schema, warnings, errors) for a database schema file in any common variant."""
    report = _Report(file)
    try:
        schema = _parse(text, report)
    except Exception as exc:  # a reader bug must refuse the file, not crash the import
        report.error(1, f"the schema could not be read ({type(exc).__name__}: {exc})")
        schema = ParsedSchema()
    return schema, report.warnings, report.errors


@dataclass
class _Report:
    file: str
    warnings: list[ImportWarning] = field(default_factory=list)
    errors: list[ImportWarning] = field(default_factory=list)

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ImportWarning(self.file, line, message))

    def error(self, line: int, message: str) -> None:
        self.errors.append(ImportWarning(self.file, line, message))


def _parse(text: str, report: _Report) -> ParsedSchema:
    # blocks.clean_inline drops arrows with the emoji; `user_id → users.id` needs them.
    document = read_blocks(_ascii_arrows(text), report.file)
    report.warnings += document.warnings
    if not document.blocks:
        report.errors += document.errors
        return ParsedSchema()
    raw_lines = _normalised(text).split("\n")
    if _is_python_file(raw_lines):
        return _parse_python_file("\n".join(raw_lines), report)
    report.errors += document.errors
    reader = _Reader(report, raw_lines)
    reader.read(document.blocks)
    return reader.finish()


def _ascii_arrows(text: str) -> str:
    for arrow, ascii_arrow in _ARROWS.items():
        text = text.replace(arrow, f" {ascii_arrow} ")
    return text


def _normalised(text: str) -> str:
    """The text as blocks.py reads it (no BOM, LF line endings, no tabs)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\t", "    ")


def _is_python_file(lines: list[str]) -> bool:
    """Python that parses and defines classes, or (with a syntax error) SQLModel table classes
    and no markdown code fence."""
    source = "\n".join(lines)
    if "class " not in source:
        return False
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return "```" not in source and bool(_SQLMODEL_CLASS.search(source))
    return any(isinstance(node, ast.ClassDef) for node in tree.body)


def _parse_python_file(source: str, report: _Report) -> ParsedSchema:
    report.warn(1, "the file is Python, not markdown: read its SQLModel table classes")
    models, warnings = models_from_sqlmodel(source, first_line=1, file=report.file)
    sources = [_code_source(model, "SQLModel") for model in models]
    for warning in warnings:
        if _NOT_READ.match(warning.message):
            report.error(warning.line, _lost_code(warning.message))
        else:
            report.warnings.append(warning)
    if not sources and not report.errors:
        report.warn(1, "no SQLModel class with table=True found")
    return _Reader(report, source.split("\n"), sources=sources).finish()


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
        table = _snake(text)
        return _HeadingName(_name_for_table(table), table, _NAME_DERIVED, _TABLE_HEADING, suggests)
    return _pascal_heading("".join(w[:1].upper() + w[1:] for w in words), suggests)


def _pascal_heading(name: str, suggests: bool) -> _HeadingName:
    if _looks_plural(name):
        table = _snake(name)
        return _HeadingName(_name_for_table(table), table, _NAME_DERIVED, _TABLE_HEADING, suggests)
    return _HeadingName(name, _plural(_snake(name)), _NAME_HEADING, _TABLE_GUESSED, suggests)


def _looks_plural(word: str) -> bool:
    lower = word.lower()
    return word.isascii() and lower.endswith("s") and not lower.endswith(("ss", "us", "is"))


def _snake(name: str) -> str:
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.strip())
    return re.sub(r"[\s\-]+", "_", name).lower()


def _plural(table: str) -> str:
    if not table.isascii() or not table:
        return table
    if table.endswith(("s", "x", "z", "ch", "sh")):
        return table + "es"
    if table.endswith("y") and table[-2:-1] not in tuple("aeiou"):
        return table[:-1] + "ies"
    return table + "s"


@lru_cache(maxsize=4096)
def _name_for_table(table: str) -> str:
    return model_name_for_table(_snake(table)) or table


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
# What the reader collects before merging: sources of models, and part lines to place


@dataclass
class _Source:
    """One description of a model: a model section, a field table or list, a SQL statement or a
    SQLModel class."""

    model: ParsedModel
    origin: str  # section | table | list | code block | SQL | SQLModel
    line: int
    name_rank: int = _NAME_DERIVED
    table_rank: int = _TABLE_GUESSED
    guessed_nullable: set[str] = field(default_factory=set)  # lower-case field names
    #: Foreign keys whose target was not given as table.column: field → (line, target, on_delete)
    fk_hints: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    indexed: list[tuple[str, int]] = field(default_factory=list)  # fields marked "indexed"
    on_delete: dict[str, str] = field(default_factory=dict)  # field → ON DELETE action

    @property
    def keys(self) -> set[str]:
        return {_key(self.model.name), _key(self.model.table)} - {""}

    def describe(self) -> str:
        if self.origin in ("SQL", "SQLModel"):
            return f"{self.origin} on line {self.line}"
        return f"the {self.origin} on line {self.line}"


def _code_source(model: ParsedModel, origin: str) -> _Source:
    name_rank = _NAME_CLASS if origin == "SQLModel" else _NAME_DERIVED
    table_rank = _TABLE_SQL
    if origin == "SQLModel":
        # Without __tablename__, SQLModel names the table after the class (`task`).
        table_rank = _TABLE_SQLMODEL if "table" in model.lines else _TABLE_CLASS
    if not model.table:
        model.table, table_rank = _plural(_snake(model.name)), _TABLE_GUESSED
    if not model.name:
        model.name = _name_for_table(model.table)
    return _Source(model, origin, model.line, name_rank, table_rank)


@dataclass
class _Pending:
    """A line of a part (relationship, index, constraint, migration note) to put on a model once
    every model is known."""

    kind: str
    line: int
    text: str
    owner: _Source | None = None  # the model section it was written in
    hint: str = ""  # a heading above it that may name the model
    index: ParsedIndex | None = None  # an index already read from a table row
    index_table: str = ""
    title_only: bool = False  # a heading: kept only when it reads as a relationship
    section: _Section | None = None  # the section outside any model it came from
    fallback: _Source | None = None  # the model section just before that section
    # The merged models of `owner` and `fallback`, once every model is known:
    owner_model: ParsedModel | None = None
    fallback_model: ParsedModel | None = None


@dataclass
class _Draft:
    """A section read as if it were a model; kept only if it turns out to be one."""

    section: _Section
    names: _HeadingName
    head: _Source
    field_sources: list[_Source] = field(default_factory=list)
    pending: list[_Pending] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    code_keys: set[str] = field(default_factory=set)
    model_children: list[_Section] = field(default_factory=list)

    def warn(self, line: int, message: str) -> None:
        self.warnings.append((line, message))

    @property
    def where(self) -> str:
        return f"model “{self.head.model.name}”"

    def has_fields(self) -> bool:
        return any(source.model.fields for source in self.field_sources)

    def has_parts(self) -> bool:
        return any(p.kind in TOP_LEVEL_PARTS and not p.title_only for p in self.pending)


@dataclass
class _Code:
    fence: Fence
    origin: str  # SQL | SQLModel
    models: list[ParsedModel]


# ---------------------------------------------------------------------------------------------
# Types: `VARCHAR(255)`, `TIMESTAMP WITH TIME ZONE`, `TEXT[]`, `uuid.UUID`, `Optional[int]`, …

_TYPE_NAMES = (
    "bigint|bigserial|binary|bit|blob|bool|boolean|bytea|bytes|char|character|cidr|citext|date|"
    "datetime|datetime2|datetimeoffset|decimal|dict|double|enum|float|float4|float8|geometry|"
    "guid|inet|int|int2|int4|int8|integer|interval|json|jsonb|list|long|longtext|mediumint|"
    "mediumtext|money|nchar|ntext|number|numeric|nvarchar|real|serial|serial4|serial8|"
    "smalldatetime|smallint|smallserial|str|string|text|time|timestamp|timestamptz|timetz|"
    "tinyint|tinytext|uniqueidentifier|uuid|uuid4|varbinary|varchar|vector|xml|array"
)
_SIZE = r"\(\s*(?:\d+|max|'[^']*'|\"[^\"]*\")\s*(?:,\s*(?:\d+|'[^']*'|\"[^\"]*\")\s*)*\)"
_SIMPLE_TYPE = (
    rf"(?:[A-Za-z_]\w*\.)?(?:{_TYPE_NAMES})(?![\w-])(?:\s+(?:varying|precision|unsigned))?"
    rf"(?:\s*{_SIZE})?(?:\s*\[\])*(?:\s+with(?:out)?\s+time\s+zone)?"
)
_WRAPPED_TYPE = (
    r"(?:Optional|List|Set|Dict|Mapped|Annotated|Union|Tuple|Sequence|Literal|Array)"
    r"\s*\[(?:[^\[\]]|\[[^\[\]]*\])*\]"
)
_ONE_TYPE = rf"(?:{_WRAPPED_TYPE}|{_SIMPLE_TYPE})(?:\s*\|\s*None)?"
_TYPE = re.compile(rf"{_ONE_TYPE}(?:\s*(?:/|\bor\b)\s*{_ONE_TYPE})*", re.IGNORECASE)
#: Type words clear enough to be read as the type when they appear inside a sentence.
_TYPE_IN_TEXT = re.compile(
    r"\b(?:integer|int|bigint|smallint|serial|bigserial|uuid|varchar(?:\(\d+\))?|text|boolean|"
    r"bool|timestamptz|timestamp(?: with(?:out)? time zone)?|datetime|jsonb|json|decimal|numeric|"
    r"float|string|str|date)\b",
    re.IGNORECASE,
)
_SERIAL = re.compile(r"^(?:big|small)?serial\d?\b|\bidentity\b", re.IGNORECASE)


def _leading_type(text: str) -> tuple[str, str]:
    """(the type at the start of `text`, the rest), or ("", text)."""
    match = _TYPE.match(text)
    if match is None:
        return "", text
    return match.group().strip(), text[match.end() :]


def _clean_type(text: str) -> bool:
    """True when `text` is a type and nothing else."""
    match = _TYPE.fullmatch(text.strip())
    return match is not None


# ---------------------------------------------------------------------------------------------
# The loose constraints reader, shared by table cells and list items


@dataclass
class _Facts:
    primary_key: bool = False
    auto: bool = False
    unique: bool = False
    indexed: bool = False
    nullable: bool | None = None
    default: str = ""
    references: str = ""
    fk_target: str = ""  # a model or table named without a column (`FK to User`)
    is_fk: bool = False
    on_delete: str = ""
    others: list[str] = field(default_factory=list)


_TARGET = (
    r"(?P<table>[^\W\d][\w]*)\s*(?:\.\s*(?P<column>[^\W\d]\w*)|\(\s*(?P<column2>[^\W\d]\w*)\s*\))"
)
_ACTIONS = r"cascade|set\s+null|set\s+default|restrict|no\s+action"
_TOKENS = (
    ("pk", re.compile(r"primary\s+key|pk|primary", re.I)),
    (
        "auto",
        re.compile(
            r"auto[-_\s]?increment(?:ing|ed)?|autoincrement|auto[-_\s]?generated|identity|"
            r"generated\s+(?:always|by\s+default)\s+as\s+identity|auto[-_\s]?number|"
            r"auto[-_\s]?updated?|serial|auto",
            re.I,
        ),
    ),
    (
        "not_null",
        re.compile(r"not\s+null(?:able)?|non[-\s]?null(?:able)?|required|mandatory", re.I),
    ),
    ("null", re.compile(r"nullable|null|optional", re.I)),
    ("unique", re.compile(r"unique(?:\s+(?:constraint|index|key))?", re.I)),
    ("index", re.compile(r"indexed|index", re.I)),
    (
        "on_delete",
        re.compile(
            rf"on\s+delete\s+(?P<action>{_ACTIONS})|(?P<cascade>cascade)(?:\s+delete)?", re.I
        ),
    ),
    (
        "fk",
        re.compile(
            r"(?:(?:fk|foreign\s+key)(?:\s*(?:->|to|:|=|references|referencing|refs?))?"
            r"|references?|referencing|refs?|->)"
            r"(?:\s*(?:\(\s*(?P<ptable>[^\W\d]\w*)\.(?P<pcolumn>[^\W\d]\w*)\s*\)|"
            rf"{_TARGET}|(?P<word>[^\W\d]\w*)(?:\s+(?:table|model))?))?",
            re.I,
        ),
    ),
    ("on_update", re.compile(r"on\s+update\s+[\w()]+", re.I)),
    (
        "default",
        re.compile(
            r"defaults?(?:\s+value)?\s*(?::|=|is|to)?\s*(?P<value>.+?)(?=\s+(?:not\s+null|null|"
            r"unique|primary\s+key|on\s+update|references|check)\b|$)",
            re.I,
        ),
    ),
)
_NOT_TARGETS = frozenset(
    ["key", "to", "the", "a", "an", "constraint", "relationship", "column", "field", "id"]
    + ["references", "reference", "with", "on"]
)
_YES = {"yes", "y", "true", "✓", "✔", "✅", "☑", "x", "nullable", "null", "optional", "1"}
_NO = {"no", "n", "false", "✗", "✘", "❌", "✖", "not null", "required", "0", "non-null"}


def _read_constraints(text: str, facts: _Facts, *, partial: bool) -> list[str]:
    """Set `facts` from each comma-separated constraint in `text`; returns the parts it did not
    recognise. With `partial`, recognised keywords at the start of a part count even when text
    follows them (a constraints cell); without, a part counts only when it is all keywords (prose
    such as "unique identifier for the user" is not the UNIQUE constraint)."""
    unrecognised = []
    for part in _split_parts(strip_code(text)):
        rest = _read_tokens(part, facts, partial=partial)
        if rest:
            unrecognised.append(rest)
    return unrecognised


def _split_parts(text: str) -> list[str]:
    """Split at commas, semicolons and ` - ` outside brackets and quoted strings."""
    parts, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote and not text[index + 1 : index + 2].isalnum() else quote
        elif char in "'\"" and not text[index - 1 : index].isalnum():
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(depth - 1, 0)
        elif depth == 0 and (char in ",;" or _is_dash_separator(text, index)):
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [part.strip(" .") for part in parts if part.strip(" .-–—")]


def _is_dash_separator(text: str, index: int) -> bool:
    return text[index] in "-–—" and text[index - 1 : index] == " " and text[index + 1 :][:1] == " "


def _read_tokens(part: str, facts: _Facts, *, partial: bool) -> str:
    """Apply the keywords `part` is made of; returns what is left (all of `part` when it is not
    made of keywords and `partial` is off)."""
    found: list[tuple[str, re.Match]] = []
    position = 0
    while position < len(part):
        position = len(part) - len(part[position:].lstrip(" ,"))
        match = next(
            (
                (name, m)
                for name, pattern in _TOKENS
                if (m := pattern.match(part, position)) and _ends_word(part, m.end())
            ),
            None,
        )
        if match is None:
            break
        found.append(match)
        position = match[1].end()
    rest = part[position:].strip()
    if rest and (not partial or not found) and not (found and _is_remark(rest)):
        return part
    for name, match in found:
        _apply_token(name, match, facts)
    if rest and _is_remark(rest):
        facts.others.append(rest)
        return ""
    return rest


def _ends_word(text: str, end: int) -> bool:
    if end >= len(text):
        return True
    joined = text[end] == "-" and text[end + 1 : end + 2].isalpha()
    return not (text[end].isalnum() or text[end] == "_" or joined)


def _is_remark(text: str) -> bool:
    """A parenthesised remark after a constraint: `FK -> users.id (from Better Auth)`."""
    return text.startswith("(") and text.endswith(")") and unbalanced_reason(text) is None


def _apply_token(name: str, match: re.Match, facts: _Facts) -> None:
    if name == "pk":
        facts.primary_key = True
    elif name == "auto":
        facts.auto = True
    elif name in ("not_null", "null"):
        facts.nullable = name == "null"
    elif name == "unique":
        facts.unique = True
    elif name == "index":
        facts.indexed = True
    elif name == "on_delete":
        facts.on_delete = _on_delete(match["action"] or match["cascade"])
    elif name == "fk":
        _apply_reference(match, facts)
    elif name == "on_update":
        facts.others.append(match.group().strip())
    elif name == "default":
        facts.default = match["value"].strip()


def _apply_reference(match: re.Match, facts: _Facts) -> None:
    facts.is_fk = True
    if match["table"] or match["ptable"]:
        table = match["table"] or match["ptable"]
        facts.references = f"{table}.{match['column'] or match['column2'] or match['pcolumn']}"
    elif match["word"] and match["word"].lower() not in _NOT_TARGETS:
        facts.fk_target = match["word"]


def _on_delete(action: str) -> str:
    action = " ".join(action.upper().split())
    return action if action in ON_DELETE_ACTIONS else "CASCADE"


def _yes_no(text: str) -> bool | None:
    value = strip_code(text).strip(" *._").lower()
    first = value.split(" (")[0].strip()
    if value in _YES or first in _YES:
        return True
    if value in _NO or first in _NO:
        return False
    return None


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


def _generated_index_name(table: str, columns: str) -> str:
    words = [word for word in re.findall(r"\w+", columns) if word.lower() not in ("asc", "desc")]
    return "_".join(["idx", table, *words]).lower()


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


# ---------------------------------------------------------------------------------------------
# The reader: sections → sources and part lines, then merged models

_SQL_LANGS = ("sql", "postgresql", "postgres", "pgsql", "plpgsql", "mysql", "sqlite", "tsql")
_PYTHON_LANGS = ("python", "py", "python3")
_TEXT_LANGS = ("", "text", "txt", "plain", "plaintext")


class _Reader:
    def __init__(self, report: _Report, lines: list[str], sources: list[_Source] | None = None):
        self.report = report
        self.lines = lines
        self.schema = ParsedSchema()
        self.sources: list[_Source] = list(sources or [])
        self.pending: list[_Pending] = []
        self.codes: dict[int, _Code | None] = {}
        self.drafts: dict[int, _Draft | None] = {}
        self.parents: dict[int, _Section] = {}
        self.skip_reasons: dict[int, str] = {}
        self.overview: list[tuple[int, int]] = []  # line ranges
        self.overview_skip: set[int] = set()  # heading and code lines inside those ranges

    def warn(self, line: int, message: str) -> None:
        self.report.warn(line, message)

    def finish(self) -> ParsedSchema:
        assembler = _Assembler(self.report, self.schema)
        assembler.assemble(self.sources, self.pending)
        self.schema.overview, self.schema.overview_line = self._overview_text()
        return self.schema

    # -- document structure --------------------------------------------------------------------

    def read(self, blocks: list[Block]) -> None:
        if isinstance(blocks[0], Heading) and blocks[0].level == 1:
            self.schema.title = f"# {blocks[0].text}"
            self.overview_skip.add(blocks[0].line)
            blocks = blocks[1:]
        preamble, roots = _sections(blocks)
        self._note_parents(roots, None)
        self._take_overview_blocks(preamble)
        self._visit_all(roots)

    def _note_parents(self, sections: list[_Section], parent: _Section | None) -> None:
        for section in sections:
            if parent is not None:
                self.parents[id(section)] = parent
            self._note_parents(section.children, section)

    def _visit_all(self, sections: list[_Section]) -> None:
        previous = None
        for section in sections:
            previous = self._visit(section, previous)

    def _visit(self, section: _Section, previous: _Draft | None) -> _Draft | None:
        """Read a section; returns its draft when it is a model. A part section right after a
        model (`### tasks` then `### Indexes`) falls back to that model for lines naming none."""
        kind = _heading_kind(section)
        if kind in TOP_LEVEL_PARTS:
            self._read_top_part(section, kind, previous.head if previous else None)
            return previous  # the next part section follows the same model
        if _is_overview_title(section.title):
            self._take_overview_section(section)
            return None
        draft = self._draft(section)
        if draft is not None:
            self._commit(draft)
            self._visit_all(draft.model_children)
            return draft
        self._skip(section)
        self._visit_all(section.children)
        return None

    def _skip(self, section: _Section) -> None:
        content = [block for block in section.blocks if not self._is_model_code(block)]
        reason = self.skip_reasons.get(id(section))
        if not content and not reason:
            return
        start = section.heading.line
        end = max([_block_end(block) for block in content] or [start])
        reason = reason or "not a model or a part of one"
        self.warn(start, f"section “{section.title}” (lines {start}-{end}) skipped: {reason}")

    def _is_model_code(self, block: Block) -> bool:
        if not isinstance(block, Fence):
            return False
        code = self._code(block, model_context=False)
        return code is not None and bool(code.models)

    # -- overview --------------------------------------------------------------------------------

    def _take_overview_blocks(self, blocks: list[Block]) -> None:
        kept = [block for block in blocks if not self._is_model_code(block)]
        for block in blocks:
            if block not in kept:
                self.overview_skip.update(range(block.line, _block_end(block) + 1))
        if kept:
            self.overview.append((kept[0].line, max(_block_end(block) for block in kept)))

    def _overview_text(self) -> tuple[str, int]:
        kept: list[tuple[int, str]] = []
        for start, end in self.overview:
            kept.append((0, ""))  # a blank line between the parts taken
            for number in range(start, end + 1):
                if number not in self.overview_skip and number <= len(self.lines):
                    kept.append((number, _CONTROL.sub("", self.lines[number - 1])))
        headings = [number for number, text in kept if text.lstrip().startswith("#")]
        if headings:
            lines = ", ".join(map(str, headings))
            self.warn(headings[0], f"overview: lines starting with # left out (lines {lines})")
        text = normalize_overview("\n".join(t for n, t in kept if n not in headings))
        first = next((number for number, t in kept if t.strip() and number not in headings), 0)
        return text, first if text else 0

    def _take_overview_section(self, section: _Section) -> None:
        self.overview_skip.add(section.heading.line)
        self._take_overview_blocks(section.blocks)
        for child in section.children:
            self._take_overview_section(child)

    # -- model sections --------------------------------------------------------------------------

    def _draft(self, section: _Section) -> _Draft | None:
        key = id(section)
        if key not in self.drafts:
            self.drafts[key] = None  # a section is never a part of itself
            self.drafts[key] = self._read_draft(section)
        return self.drafts[key]

    def _read_draft(self, section: _Section) -> _Draft | None:
        if _heading_kind(section) or _is_overview_title(section.title):
            return None
        names = _heading_name(section.title)
        if names is None:
            return None
        parent = self.parents.get(id(section))
        names.suggests |= bool(parent and _GROUPING_WORDS.search(parent.title))
        line = section.heading.line
        model = ParsedModel(line, names.name, names.table, lines={"name": line})
        head = _Source(model, "section", line, names.name_rank, names.table_rank)
        draft = _Draft(section, names, head)
        self._read_items(list(self._part_stream(section, BODY, draft)), draft)
        if draft.has_fields() or draft.code_keys & head.keys:
            return draft
        if names.suggests and draft.has_parts():
            return draft
        if names.suggests:
            self.skip_reasons[id(section)] = (
                "it reads as a model but has no fields, SQL or SQLModel"
            )
        return None

    def _part_stream(
        self, section: _Section, base: str, draft: _Draft
    ) -> Iterator[tuple[Block, str]]:
        yield from _labelled(self._joined(section.blocks), base)
        for child in section.children:
            kind = _heading_kind(child)
            if kind is None and self._draft(child) is not None:
                draft.model_children.append(child)
                continue
            child_kind = kind or (NOTES if base == BODY else base)
            yield child.heading, child_kind
            yield from self._part_stream(child, child_kind, draft)

    def _joined(self, blocks: list[Block]) -> list[Block]:
        """Paragraph lines joined to the list item or paragraph they continue (blocks.py reads
        each line on its own)."""
        joined: list[Block] = []
        end = 0
        for block in blocks:
            last = joined[-1] if joined else None
            if isinstance(block, Paragraph) and block.line == end + 1 and _continues(last, block):
                joined[-1] = replace(last, text=f"{last.text} {block.text}")
            else:
                joined.append(block)
            end = _block_end(block)
        return joined

    def _commit(self, draft: _Draft) -> None:
        head = draft.head
        for source in draft.field_sources:
            source.model.name, source.model.table = head.model.name, head.model.table
            source.name_rank, source.table_rank = head.name_rank, head.table_rank
        self.sources += [head, *draft.field_sources]
        self.pending += draft.pending
        for line, message in draft.warnings:
            self.warn(line, message)

    def _read_items(self, items: list[tuple[Block, str]], draft: _Draft) -> None:
        index = 0
        while index < len(items):
            block, kind = items[index]
            if not isinstance(block, ListItem):
                self._read_block(block, kind, draft)
                index += 1
                continue
            end = index + 1
            while (
                end < len(items) and isinstance(items[end][0], ListItem) and items[end][1] == kind
            ):
                end += 1
            self._read_list([item for item, _ in items[index:end]], kind, draft)  # type: ignore[misc]
            index = end

    def _read_block(self, block: Block, kind: str, draft: _Draft) -> None:
        if isinstance(block, Heading):
            if kind == RELATIONSHIPS:
                draft.pending.append(
                    _Pending(kind, block.line, block.text, draft.head, title_only=True)
                )
        elif isinstance(block, Table):
            self._read_table(block, kind, draft)
        elif isinstance(block, Fence):
            self._read_fence(block, draft)
        elif kind == FIELDS and (parsed := _field_from_item(block.text, block.line, lenient=False)):
            _add_field(self._field_source(draft, "list", block.line), parsed, draft)
        else:
            self._read_text(block.line, block.text, kind, draft)

    def _read_text(self, line: int, text: str, kind: str, draft: _Draft) -> None:
        if _is_none(text):
            return
        if kind == TABLE:
            self._set_table(draft, line, text)
        elif kind == OWNERSHIP:
            model = draft.head.model
            model.ownership = " ".join(filter(None, [model.ownership, text]))
            model.lines.setdefault("ownership", line)
        else:
            part = NOTES if kind in (BODY, FIELDS) else kind
            draft.pending.append(_Pending(part, line, text, draft.head))

    def _set_table(self, draft: _Draft, line: int, text: str) -> None:
        code = re.search(r"`([^`]+)`", text)
        match = re.match(r"[^\W\d][\w.]*", code.group(1) if code else strip_code(text))
        if match is None:
            self._read_text(line, text, NOTES, draft)
            return
        head = draft.head
        head.model.table, head.table_rank = match.group(), _TABLE_LABEL
        head.model.lines["table"] = line
        if head.name_rank == _NAME_DERIVED:
            head.model.name = _name_for_table(match.group())

    def _read_list(self, items: list[ListItem], kind: str, draft: _Draft) -> None:
        if kind in (BODY, FIELDS):
            self._read_field_list(items, kind, draft)
            return
        for item in _combined_index_items(items) if kind == INDEXES else items:
            self._read_text(item.line, item.text, kind, draft)

    def _read_field_list(self, items: list[ListItem], kind: str, draft: _Draft) -> None:
        top = min(item.indent for item in items)
        tops = [item for item in items if item.indent == top]
        lenient = kind == FIELDS
        fields = [_field_from_item(item.text, item.line, lenient=lenient) for item in tops]
        if not lenient and sum(1 for parsed in fields if parsed) * 2 <= len(tops):
            for item in items:
                self._read_text(item.line, item.text, NOTES, draft)
            return
        source = self._field_source(draft, "list", tops[0].line)
        parsed_by_line = {item.line: parsed for item, parsed in zip(tops, fields, strict=True)}
        current: _FieldLine | None = None
        for item in items:
            if item.indent > top and current is not None:
                _attach_detail(current.field, item.text)
                continue
            current = parsed_by_line.get(item.line)
            if current is None:
                self._read_text(item.line, item.text, NOTES, draft)
            else:
                _add_field(source, current, draft)

    def _field_source(self, draft: _Draft, origin: str, line: int) -> _Source:
        source = _Source(ParsedModel(line, "", ""), origin, line)
        draft.field_sources.append(source)
        return source

    # -- tables ----------------------------------------------------------------------------------

    def _read_table(self, table: Table, kind: str, draft: _Draft) -> None:
        if _is_index_table(table, kind == INDEXES) and not _is_field_table(table):
            draft.pending += self._index_rows(table, draft.head, None, "")
        elif _is_field_table(table):
            self._read_field_table(table, draft)
        else:
            for line, cells in table.rows:
                self._read_text(line, _row_text(table.header, cells), NOTES, draft)

    def _read_field_table(self, table: Table, draft: _Draft) -> None:
        kinds = _header_kinds(table.header, _FIELD_LOOKUP)
        unknown = [strip_code(h) for h, k in zip(table.header, kinds, strict=True) if not k]
        if any(unknown):
            columns = ", ".join(f"“{name}”" for name in unknown if name)
            draft.warn(
                table.line,
                f"{draft.where}: the fields table's column(s) {columns} have no place in the "
                "format; their text was added to the field descriptions",
            )
        source = self._field_source(draft, "table", table.line)
        for line, cells in table.rows:
            if not any(cell.strip() for cell in cells):
                continue
            raw = _raw_cells(self.lines[line - 1]) if line <= len(self.lines) else cells
            parsed = _field_from_row(cells, raw, table.header, kinds, line)
            if parsed is None:
                draft.warn(line, f"{draft.where}: a fields table row without a field name")
                self._read_text(line, _row_text(table.header, cells), NOTES, draft)
            else:
                _add_field(source, parsed, draft)

    def _index_rows(
        self, table: Table, owner: _Source | None, section: _Section | None, hint: str
    ) -> list[_Pending]:
        kinds = _header_kinds(table.header, _INDEX_LOOKUP)
        pending = []
        for line, cells in table.rows:
            values = {k: strip_code(c) for k, c in zip(kinds, cells, strict=False) if k}
            text = _row_text(table.header, cells)
            if re.search(r"primary|foreign", values.get("type", ""), re.IGNORECASE):
                self.warn(line, f"index table row skipped (a key, not an index): {text!r}")
                continue
            name = values.get("name", "")
            index = ParsedIndex(
                line,
                name if _is_name(name) else "",
                _column_list(values.get("columns", "").strip("() ")),
                unique="unique" in (values.get("type", "") + " " + name).lower(),
                purpose=values.get("purpose", ""),
            )
            table_name = values.get("table", "")
            item = _Pending(INDEXES, line, text, owner, hint, index, table_name, section=section)
            pending.append(item)
        return pending

    # -- code blocks -----------------------------------------------------------------------------

    def _read_fence(self, fence: Fence, draft: _Draft) -> None:
        code = self._code(fence, model_context=draft.names.suggests)
        if code is not None and code.models:
            draft.code_keys |= {k for model in code.models for k in _code_source_keys(model)}
            return
        if code is None and self._read_pseudo_fields(fence, draft):
            return
        end = _block_end(fence)
        what = "defines no table" if code is not None else "is not SQL or SQLModel"
        draft.warn(
            fence.line, f"{draft.where}: code block (lines {fence.line}-{end}) {what}; skipped"
        )

    def _read_pseudo_fields(self, fence: Fence, draft: _Draft) -> bool:
        """An unlabelled block of `name: type — constraints` lines (pseudo-code) as a field list."""
        if fence.lang not in _TEXT_LANGS:
            return False
        lines = [(number, text.strip()) for number, text in fence.lines if text.strip()]
        classes = [text for _, text in lines if text.startswith("class ")]
        if any("table=True" not in text for text in classes):
            return False
        rows = [(number, text) for number, text in lines if not text.startswith("class ")]
        parsed = [_field_from_item(text, number, lenient=False) for number, text in rows]
        if not rows or sum(1 for p in parsed if p) * 2 <= len(rows):
            return False
        source = self._field_source(draft, "code block", fence.line)
        for (number, text), field_line in zip(rows, parsed, strict=True):
            if field_line is None:
                self._read_text(number, text, NOTES, draft)
            else:
                _add_field(source, field_line, draft)
        return True

    def _code(self, fence: Fence, *, model_context: bool) -> _Code | None:
        key = id(fence)
        if key not in self.codes:
            self.codes[key] = self._read_code(fence, model_context)
        return self.codes[key]

    def _read_code(self, fence: Fence, model_context: bool) -> _Code | None:
        origin = _code_origin(fence, model_context)
        if origin is None:
            return None
        read = models_from_sql if origin == "SQL" else models_from_sqlmodel
        code = self._code_as_written(fence)
        if origin == "SQL":
            code = self._completed_sql(code, fence)
        models, warnings = read(code, first_line=fence.lines[0][0], file=self.report.file)
        for warning in warnings:
            if self._loses_models(warning, origin, model_context):
                self.report.error(warning.line, _lost_code(warning.message))
            else:
                self.report.warnings.append(warning)
        self.sources += [_code_source(model, origin) for model in models]
        return _Code(fence, origin, models)

    def _code_as_written(self, fence: Fence) -> str:
        """The code of a fence from the original lines (the blocks were read with ASCII arrows),
        without the fence's own indentation, as blocks.py removes it."""
        opening = self.lines[fence.line - 1] if fence.line <= len(self.lines) else ""
        indent = len(opening) - len(opening.lstrip())
        lines = []
        for number, text in fence.lines:
            raw = self.lines[number - 1] if number <= len(self.lines) else text
            lines.append(raw[indent:] if raw[:indent].isspace() else raw)
        return "\n".join(lines)

    def _completed_sql(self, code: str, fence: Fence) -> str:
        """Table definitions written as `users ( … )` without CREATE TABLE, and `IX_x ON t (c)`
        lines under an `Indexes:` label, completed into statements line for line (so line
        numbers still match) for sqlglot to read."""
        completed = complete_sql_statements(code)
        if completed != code:
            self.report.warn(
                fence.line,
                "SQL without CREATE TABLE / CREATE INDEX keywords or semicolons: read as "
                "CREATE TABLE and CREATE INDEX statements",
            )
        return completed

    def _loses_models(self, warning: ImportWarning, origin: str, model_context: bool) -> bool:
        """True for code that could not be read where it would define models: an error, since
        the importer would otherwise drop those models without a word."""
        if not _NOT_READ.search(warning.message):
            return False
        if origin == "SQLModel":
            return True
        statement = self.lines[warning.line - 1].strip() if warning.line <= len(self.lines) else ""
        if _CREATE_TABLE.match(statement):
            return True
        return model_context and not _OTHER_STATEMENT.match(statement)

    # -- top-level parts -------------------------------------------------------------------------

    def _read_top_part(self, section: _Section, kind: str, after: _Source | None) -> None:
        start = len(self.pending)
        for block, part, hint in self._top_stream(section, kind, ""):
            if isinstance(block, Heading):
                if part == RELATIONSHIPS:
                    self.pending.append(
                        _Pending(part, block.line, block.text, None, hint, title_only=True)
                    )
            elif isinstance(block, Table):
                self._read_top_table(block, part, section, hint)
            elif isinstance(block, Fence):
                self._read_top_fence(block, section)
            elif isinstance(block, ListItem | Paragraph) and not _is_none(block.text):
                self.pending.append(
                    _Pending(part, block.line, block.text, None, hint, section=section)
                )
        for item in self.pending[start:]:
            item.fallback = after

    def _top_stream(
        self, section: _Section, kind: str, hint: str
    ) -> Iterator[tuple[Block, str, str]]:
        blocks = list(_labelled(self._joined(section.blocks), kind, top_level=True))
        if kind == INDEXES:
            blocks = _combined_index_blocks(blocks)
        for block, part in blocks:
            yield block, part, hint
        for child in section.children:
            child_kind = _heading_kind(child)
            child_hint = hint if child_kind else child.title
            child_kind = child_kind if child_kind in TOP_LEVEL_PARTS else kind
            yield child.heading, child_kind, child_hint
            yield from self._top_stream(child, child_kind, child_hint)

    def _read_top_table(self, table: Table, kind: str, section: _Section, hint: str) -> None:
        if kind == INDEXES and _is_index_table(table, True):
            self.pending += self._index_rows(table, None, section, hint)
            return
        named = [i for i, cell in enumerate(table.header) if _normal_label(cell) == "table"]
        for line, cells in table.rows:
            text = _row_text(table.header, cells)
            row_hint = cells[named[0]] if named and named[0] < len(cells) else hint
            self.pending.append(_Pending(kind, line, text, None, row_hint, section=section))

    def _read_top_fence(self, fence: Fence, section: _Section) -> None:
        code = self._code(fence, model_context=False)
        if code is None or not code.models:
            end = _block_end(fence)
            self.warn(
                fence.line,
                f"“{section.title}”: code block (lines {fence.line}-{end}) skipped: it defines "
                "no table",
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
#: code_schema's words for code it could not read at all (not for one value it left out).
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


# ---------------------------------------------------------------------------------------------
# Models by name: for part lines that name the model they belong to


class _Registry:
    def __init__(self, models: list[ParsedModel]):
        self.by_table: dict[str, ParsedModel] = {}
        self.by_key: dict[str, ParsedModel] = {}
        for model in models:
            self.by_table.setdefault(model.table.lower(), model)
            for key in (_key(model.name), _key(model.table)):
                self.by_key.setdefault(key, model)

    def find(self, word: str) -> ParsedModel | None:
        if not word:
            return None
        return self.by_table.get(word.lower()) or self.by_key.get(_key(word))

    def find_heading(self, title: str) -> ParsedModel | None:
        names = _heading_name(title) if title else None
        return (self.find(names.table) or self.find(names.name)) if names else None

    def mentions(self, text: str) -> list[tuple[int, int, ParsedModel]]:
        """The models `text` names (`users`, `Task`, `refresh tokens`), with their spans."""
        words = list(_WORD.finditer(text))
        found, index = [], 0
        while index < len(words):
            for size in (3, 2, 1):
                span = words[index : index + size]
                if len(span) < size or not _adjacent(text, span):
                    continue
                model = self.find("_".join(word.group() for word in span))
                if model is not None:
                    found.append((span[0].start(), span[-1].end(), model))
                    index += size
                    break
            else:
                index += 1
        return found

    def first_mention(self, text: str) -> ParsedModel | None:
        mentions = self.mentions(strip_code(text))
        return mentions[0][2] if mentions else None

    def by_index_name(self, name: str) -> ParsedModel | None:
        parts = re.sub(r"^(?:idx|ix|uq|uix|ux|unq|uniq|index|unique)_", "", name.lower()).split("_")
        for size in range(len(parts) - 1, 0, -1):
            model = self.by_table.get("_".join(parts[:size]))
            if model is not None:
                return model
        return None

    def by_columns(self, columns: str) -> ParsedModel | None:
        wanted = {word.lower() for word in re.findall(r"[^\W\d]\w*", columns)} - {"asc", "desc"}
        having = [
            model
            for model in {id(m): m for m in self.by_table.values()}.values()
            if wanted <= {f.name.lower() for f in model.fields}
        ]
        return having[0] if len(having) == 1 else None


def _adjacent(text: str, words: list[re.Match]) -> bool:
    return all(
        text[a.end() : b.start()] in (" ", "_", "-") for a, b in zip(words, words[1:], strict=False)
    )


# ---------------------------------------------------------------------------------------------
# Merging the sources of one model


@dataclass
class _Merged:
    """What merging keeps besides the model: facts the completion step still needs."""

    model: ParsedModel
    sources: list[_Source]
    table_guessed: bool
    guessed_nullable: set[str] = field(default_factory=set)
    fk_hints: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    on_delete: dict[str, str] = field(default_factory=dict)
    indexed: list[tuple[str, int]] = field(default_factory=list)
    conflicts: dict[str, list[int]] = field(default_factory=dict)  # field → lines disagreeing


def _group_sources(sources: list[_Source]) -> list[list[_Source]]:
    """Sources that share a table or a singular name, in the order of their first line."""
    groups: list[list[_Source]] = []
    by_key: dict[str, int] = {}
    for source in sorted(sources, key=lambda s: s.line):
        keys = {_key(source.model.name)}
        if source.table_rank > _TABLE_GUESSED:
            keys.add(_key(source.model.table))
        keys.discard("")
        number = next((by_key[key] for key in keys if key in by_key), None)
        if number is None:
            number = len(groups)
            groups.append([])
        groups[number].append(source)
        for key in keys:
            by_key.setdefault(key, number)
    return groups


def _merge(group: list[_Source], warn) -> _Merged:
    first = group[0]
    namer = max(group, key=lambda source: source.name_rank)
    tabler = max(group, key=lambda source: source.table_rank)
    model = ParsedModel(first.line, namer.model.name, tabler.model.table)
    model.lines = {"name": first.line}
    if "table" in tabler.model.lines:
        model.lines["table"] = tabler.model.lines["table"]
    merged = _Merged(model, group, tabler.table_rank == _TABLE_GUESSED)
    by_name: dict[str, ParsedField] = {}
    for source in group:
        _merge_fields(merged, source, by_name, warn)
        _merge_parts(model, source.model)
        merged.on_delete = source.on_delete | merged.on_delete
        merged.fk_hints = source.fk_hints | merged.fk_hints
        merged.indexed += source.indexed
    for key, lines in merged.conflicts.items():
        kept = next(f for f in model.fields if f.name.lower() == key)
        other = "NOT NULL" if kept.nullable else "nullable"
        listed = ", ".join(map(str, lines))
        warn(
            lines[0],
            f"model “{model.name}”: field “{kept.name}” is {_nullness(kept)} on line {kept.line} "
            f"but {other} on line(s) {listed}; kept line {kept.line}",
        )
    described = [source.describe() for source in group if source.model.fields]
    if len(described) > 1:
        listed = ", ".join(described[:-1]) + " and " + described[-1]
        warn(first.line, f"model “{model.name}”: merged from {listed}")
    return merged


def _merge_parts(model: ParsedModel, other: ParsedModel) -> None:
    if not model.ownership and other.ownership:
        model.ownership = other.ownership
        model.lines["ownership"] = other.lines.get("ownership", other.line)
    model.relationships += other.relationships
    model.indexes += other.indexes
    model.constraints += other.constraints
    model.migration_notes += other.migration_notes


def _merge_fields(merged: _Merged, source: _Source, by_name: dict, warn) -> None:
    for new in source.model.fields:
        key = new.name.lower()
        guessed = key in source.guessed_nullable
        kept = by_name.get(key)
        if kept is None:
            kept = by_name[key] = ParsedField(**vars(new))
            merged.model.fields.append(kept)
            if guessed:
                merged.guessed_nullable.add(key)
            continue
        _fill_field(kept, new)
        if key in merged.guessed_nullable and not guessed:
            kept.nullable = new.nullable and not kept.primary_key
            merged.guessed_nullable.discard(key)
        elif not guessed and kept.nullable != new.nullable and not kept.primary_key:
            merged.conflicts.setdefault(key, []).append(new.line)


def _nullness(value: ParsedField) -> str:
    return "nullable" if value.nullable else "NOT NULL"


def _fill_field(kept: ParsedField, new: ParsedField) -> None:
    kept.primary_key |= new.primary_key
    kept.auto |= new.auto
    kept.unique |= new.unique
    for name in ("type", "references", "default", "other_constraints", "description"):
        if not getattr(kept, name):
            setattr(kept, name, getattr(new, name))
    if kept.primary_key:
        kept.nullable = False


# ---------------------------------------------------------------------------------------------
# Relationship lines → (the model they belong to, the relationship, what was guessed)

_Read = tuple[ParsedModel, ParsedRelationship, list[str]]


def _read_relationship(
    text: str, line: int, default: ParsedModel | None, registry: _Registry
) -> _Read | None:
    plain = " ".join(strip_code(text).split())
    canonical = split_relationship(plain)
    if canonical is not None and default is not None:
        return default, ParsedRelationship(line, **vars(canonical)), []
    on_delete = _on_delete_in(plain)
    arrow = _ARROW_FK.search(plain)
    if arrow:
        return _from_arrow(arrow, line, default, registry, on_delete)
    for kind, verb in _VERBS:
        match = verb.search(plain)
        if match:
            before = registry.mentions(plain[: match.start()])
            after = registry.mentions(plain[match.end() :])
            subject = before[-1][2] if before else default
            target = after[0][2] if after else None
            return _build_relationship(kind, subject, target, plain, line, on_delete)
    cardinality = _CARDINALITY.search(plain)
    if cardinality:
        return _from_cardinality(cardinality, plain, line, default, registry, on_delete)
    return None


def _from_arrow(
    arrow: re.Match, line: int, default: ParsedModel | None, registry: _Registry, on_delete: str
) -> _Read | None:
    subject = registry.find(arrow["source"]) if arrow["source"] else default
    if subject is None:
        return None
    target = registry.find(arrow["table"])
    table = target.table if target else arrow["table"]
    name = target.name if target else _name_for_table(arrow["table"])
    target_column = f"{table}.{arrow['column'] or arrow['column2']}"
    fk = _field_named(subject, arrow["fk"])
    if fk is not None and not fk.references:
        fk.references = target_column
    fk_name = fk.name if fk else arrow["fk"]
    relationship = ParsedRelationship(
        line, BELONGS_TO, name, fk_name, target_column, on_delete or "NO ACTION"
    )
    return subject, relationship, []


def _from_cardinality(
    match: re.Match,
    plain: str,
    line: int,
    default: ParsedModel | None,
    registry: _Registry,
    on_delete: str,
) -> _Read | None:
    named: list[ParsedModel] = []
    for start, end, model in registry.mentions(plain):
        outside = end <= match.start() or start >= match.end()
        if outside and all(model is not other for other in named):
            named.append(model)
    if len(named) == 1 and default is not None and named[0] is not default:
        named.insert(0, default)
    if len(named) < 2:
        return None
    kind = _cardinality_kind(match)
    return _build_relationship(kind, named[0], named[1], plain, line, on_delete)


def _build_relationship(
    kind: str,
    subject: ParsedModel | None,
    target: ParsedModel | None,
    plain: str,
    line: int,
    on_delete: str,
) -> _Read | None:
    if subject is None or target is None or subject is target:
        return None
    through = _THROUGH.search(plain)
    via = through["name"] if through else ""
    if kind == BELONGS_TO:
        return _belongs_to(subject, target, via, line, on_delete)
    if kind in (HAS_MANY, HAS_ONE):
        return _has(kind, subject, target, via, line)
    if not via:
        return None
    return subject, ParsedRelationship(line, MANY_TO_MANY, target.name, through_table=via), []


def _belongs_to(
    subject: ParsedModel, target: ParsedModel, via: str, line: int, on_delete: str
) -> _Read:
    fk = _field_named(subject, via) or _field_referencing(subject, target.table)
    guesses = []
    if fk is None:
        fk_name = via if _is_fk_name(via) else f"{_snake(target.name)}_id"
        target_column = f"{target.table}.{_primary_key_name(target)}"
        guesses.append(
            f"belongs to {target.name}: foreign key {fk_name} -> {target_column} guessed"
        )
    else:
        fk_name = fk.name
        target_column = fk.references or f"{target.table}.{_primary_key_name(target)}"
    relationship = ParsedRelationship(
        line, BELONGS_TO, target.name, fk_name, target_column, on_delete or "NO ACTION"
    )
    return subject, relationship, guesses


def _has(kind: str, subject: ParsedModel, target: ParsedModel, via: str, line: int) -> _Read:
    fk = _field_named(target, via) or _field_referencing(target, subject.table)
    guesses = []
    if fk is None:
        column = via if _is_fk_name(via) else f"{_snake(subject.name)}_id"
        fk_field = f"{target.table}.{column}"
        guesses.append(f"{kind.replace('_', ' ')} {target.name}: foreign key {fk_field} guessed")
    else:
        fk_field = f"{target.table}.{fk.name}"
    return subject, ParsedRelationship(line, kind, target.name, fk_field), guesses


def _field_named(model: ParsedModel, name: str) -> ParsedField | None:
    lower = name.lower()
    return next((f for f in model.fields if f.name.lower() == lower), None) if name else None


def _field_referencing(model: ParsedModel, table: str) -> ParsedField | None:
    lower = table.lower()
    return next(
        (f for f in model.fields if f.references.split(".")[0].lower() == lower and f.references),
        None,
    )


def _is_fk_name(name: str) -> bool:
    return bool(re.fullmatch(r"[^\W\d]\w*_id", name or "", re.IGNORECASE))


def _primary_key_name(model: ParsedModel) -> str:
    return next((f.name for f in model.fields if f.primary_key), "id")


# ---------------------------------------------------------------------------------------------
# Assembling: merge the sources, place the part lines, complete and check every value


class _Assembler:
    def __init__(self, report: _Report, schema: ParsedSchema):
        self.report = report
        self.schema = schema
        self.unplaced: dict[int, tuple[_Section, list[int]]] = {}

    def warn(self, line: int, message: str) -> None:
        self.report.warn(line, message)

    def assemble(self, sources: list[_Source], pending: list[_Pending]) -> None:
        merged = [
            _merge(group, self.warn) for group in _group_sources(sources) if self._keep(group)
        ]
        owners = {id(source): m.model for m in merged for source in m.sources}
        registry = _Registry([m.model for m in merged])
        for item in pending:
            item.owner_model = owners.get(id(item.owner))
            item.fallback_model = owners.get(id(item.fallback))
            self._place(item, registry)
        self._report_unplaced()
        for item in merged:
            self._complete(item, registry)
        models = [item.model for item in merged]
        _make_names_unique(models, self.warn)
        for model in models:
            _Checker(model, self.warn).check()
        self.schema.models = models

    def _keep(self, group: list[_Source]) -> bool:
        if any(source.model.fields or source.origin == "section" for source in group):
            return True
        for source in group:
            self.warn(
                source.line,
                f"{source.describe()}: table “{source.model.table}” has no columns there and no "
                "model elsewhere in the file; its indexes and relationships were skipped",
            )
        return False

    # -- part lines ------------------------------------------------------------------------------

    def _place(self, item: _Pending, registry: _Registry) -> None:
        if item.kind == INDEXES:
            placed = self._place_index(item, registry)
        elif item.kind == RELATIONSHIPS:
            placed = self._place_relationship(item, registry)
        else:
            placed = self._place_note(item, registry)
        if not placed and not item.title_only and item.section is not None:
            self.unplaced.setdefault(id(item.section), (item.section, []))[1].append(item.line)

    def _report_unplaced(self) -> None:
        for section, lines in self.unplaced.values():
            listed = ", ".join(map(str, lines))
            self.warn(
                lines[0],
                f"section “{section.title}”: {len(lines)} line(s) name no model of this file "
                f"and were skipped (lines {listed})",
            )

    @staticmethod
    def _model_for(item: _Pending, registry: _Registry) -> ParsedModel | None:
        """The model a part line belongs to: the one it is written in, else the one it names,
        else the model section just before its section."""
        if item.owner_model is not None:
            return item.owner_model
        named = registry.find_heading(item.hint) or registry.first_mention(item.text)
        return named or item.fallback_model

    def _place_note(self, item: _Pending, registry: _Registry) -> bool:
        model = self._model_for(item, registry)
        if model is None:
            return False
        notes = model.migration_notes if item.kind == MIGRATIONS else model.constraints
        notes.append(ParsedItem(item.line, item.text))
        if item.kind == NOTES:
            self.warn(item.line, f"model “{model.name}”: text kept as a constraint note")
        return True

    def _keep_as_note(
        self, item: _Pending, registry: _Registry, what: str, model: ParsedModel | None = None
    ) -> bool:
        model = model or self._model_for(item, registry)
        if model is None:
            return False
        model.constraints.append(ParsedItem(item.line, item.text))
        self.warn(
            item.line, f"model “{model.name}”: {what} not recognised; kept as a constraint note"
        )
        return True

    def _place_relationship(self, item: _Pending, registry: _Registry) -> bool:
        default = item.owner_model or registry.find_heading(item.hint) or item.fallback_model
        read = _read_relationship(item.text, item.line, default, registry)
        if read is None:
            return item.title_only or self._keep_as_note(item, registry, "relationship")
        subject, relationship, guesses = read
        subject.relationships.append(relationship)
        for guess in guesses:
            self.warn(item.line, f"model “{subject.name}”: {guess}")
        return True

    def _place_index(self, item: _Pending, registry: _Registry) -> bool:
        spec = self._index_spec(item)
        if spec is None:
            return self._keep_as_note(item, registry, "index line")
        if spec.primary:
            self.warn(item.line, "index line about the primary key skipped: the key implies it")
            return True
        model = self._index_model(spec, item, registry)
        if model is None:
            return False
        unsure = spec.loose or (spec.table and registry.find(spec.table) is None)
        if unsure and not _columns_of(model, spec.columns):
            spec.columns = ""
        named = next((i for i in model.indexes if spec.name and i.name == spec.name), None)
        if named is not None:
            named.purpose = named.purpose or spec.purpose
            named.unique |= spec.unique
            named.line = min(named.line, item.line)
            return True
        if not spec.columns:
            spec.columns = _columns_from_index_name(spec.name, model)
            if not spec.columns:
                return self._keep_as_note(item, registry, "index line", model)
            self.warn(item.line, f"model “{model.name}”: index “{spec.name}”: columns guessed")
        model.indexes.append(
            ParsedIndex(item.line, spec.name, spec.columns, spec.unique, spec.purpose)
        )
        return True

    def _index_spec(self, item: _Pending) -> _IndexSpec | None:
        if item.index is not None:
            i = item.index
            return _IndexSpec(i.name, i.columns, i.unique, i.purpose, item.index_table)
        snippet = re.search(r"`(create\s[^`]*\bindex\b[^`]*)`", item.text, re.IGNORECASE)
        if snippet:
            spec = self._index_from_sql(snippet.group(1), item)
            if spec is not None:
                spec.purpose = _index_purpose(strip_code(item.text[: snippet.start()]))
                return spec
        return _index_spec(item.text)

    def _index_from_sql(self, sql: str, item: _Pending) -> _IndexSpec | None:
        models, warnings = models_from_sql(sql, first_line=item.line, file=self.report.file)
        self.report.warnings += warnings
        for model in models:
            for index in model.indexes:
                return _IndexSpec(index.name, index.columns, index.unique, "", model.table)
        return None

    def _index_model(
        self, spec: _IndexSpec, item: _Pending, registry: _Registry
    ) -> ParsedModel | None:
        model = registry.find(spec.table) or item.owner_model or registry.find_heading(item.hint)
        model = model or (registry.by_index_name(spec.name) if spec.name else None)
        model = model or item.fallback_model
        if model is None and spec.columns:
            model = registry.by_columns(spec.columns)
            if model is not None:
                self.warn(
                    item.line,
                    f"model “{model.name}”: index on ({spec.columns}) placed here, the only "
                    "model with those columns",
                )
        return model

    def _name_indexes(self, model: ParsedModel) -> None:
        for index in model.indexes:
            if not index.name:
                index.name = _generated_index_name(model.table, index.columns)
                self.warn(index.line, f"model “{model.name}”: index name “{index.name}” generated")

    # -- completing each model -------------------------------------------------------------------

    def _complete(self, merged: _Merged, registry: _Registry) -> None:
        model = merged.model
        self._resolve_foreign_keys(merged, registry)
        for column in model.fields:
            if column.references:
                model.relationships.append(_reference_relationship(merged, column, registry))
        model.relationships = [
            r for r in model.relationships if _aim_relationship(model, r, registry)
        ]
        self._indexed_fields(merged)
        by_line = lambda item: item.line  # noqa: E731 - the order of the file
        model.relationships = _unique_relationships(sorted(model.relationships, key=by_line))
        model.indexes = _unique_indexes(sorted(model.indexes, key=by_line))
        self._name_indexes(model)
        model.constraints = _unique_items(sorted(model.constraints, key=by_line))
        model.migration_notes = _unique_items(sorted(model.migration_notes, key=by_line))
        guessed = [f.name for f in model.fields if f.name.lower() in merged.guessed_nullable]
        if guessed:
            self.warn(
                model.line,
                f"model “{model.name}”: nullability not stated for {', '.join(guessed)}; read "
                "as nullable (the SQL default)",
            )
        if merged.table_guessed:
            self.warn(model.line, f"model “{model.name}”: table name “{model.table}” guessed")

    def _resolve_foreign_keys(self, merged: _Merged, registry: _Registry) -> None:
        """Foreign keys written without table.column (`FK to User`, a bare `FOREIGN KEY`)."""
        model = merged.model
        for key, (line, word, _on_delete) in merged.fk_hints.items():
            column = next((f for f in model.fields if f.name.lower() == key), None)
            if column is None or column.references:
                continue
            target = registry.find(word or re.sub(r"_?id$", "", column.name, flags=re.I))
            if target is None:
                text = f"FK to {word}" if word else "FOREIGN KEY"
                column.other_constraints = ", ".join(filter(None, [column.other_constraints, text]))
                self.warn(
                    line,
                    f"model “{model.name}”: field “{column.name}”: the foreign key's target is not "
                    "a model of this file; kept as constraint text",
                )
                continue
            column.references = f"{target.table}.{_primary_key_name(target)}"
            self.warn(
                line,
                f"model “{model.name}”: field “{column.name}” references {column.references} "
                "(guessed)",
            )

    def _indexed_fields(self, merged: _Merged) -> None:
        model = merged.model
        for name, line in merged.indexed:
            if any(_columns_key(index.columns) == name.lower() for index in model.indexes):
                continue
            model.indexes.append(ParsedIndex(line, "", name))


def _unique_indexes(indexes: list[ParsedIndex]) -> list[ParsedIndex]:
    kept: dict[str, ParsedIndex] = {}
    for index in indexes:
        key = _columns_key(index.columns)
        first = kept.get(key)
        if first is None:
            kept[key] = index
            continue
        first.name = first.name or index.name
        first.unique |= index.unique
        first.purpose = first.purpose or index.purpose
    return list(kept.values())


def _aim_relationship(
    model: ParsedModel, relationship: ParsedRelationship, registry: _Registry
) -> bool:
    """Point a relationship at the merged models (a SQLModel class without __tablename__ calls
    its table `task`, the markdown `tasks`); False for the inverse side of a foreign key this
    model holds, which code guessed as a has one / has many."""
    r = relationship
    if r.kind == BELONGS_TO:
        fk = _field_named(model, r.fk_field)
        r.target_column = fk.references if fk and fk.references else r.target_column
        target = registry.find(r.target_column.split(".")[0])
        r.target = target.name if target else r.target
        return True
    target = registry.find(r.target)
    if r.kind not in (HAS_ONE, HAS_MANY) or target is None:
        return True
    r.target = target.name
    column = r.fk_field.rpartition(".")[2]
    if _field_named(target, column) is None:
        fk = _field_referencing(target, model.table)
        if fk is None and any(
            b.kind == BELONGS_TO and b.target == target.name for b in model.relationships
        ):
            return False
        column = fk.name if fk else column
    r.fk_field = f"{target.table}.{column}"
    return True


def _reference_relationship(
    merged: _Merged, column: ParsedField, registry: _Registry
) -> ParsedRelationship:
    table = column.references.split(".")[0]
    target = registry.find(table)
    name = target.name if target else _name_for_table(table)
    on_delete = merged.on_delete.get(column.name.lower(), "NO ACTION")
    return ParsedRelationship(
        column.line, BELONGS_TO, name, column.name, column.references, on_delete
    )


def _columns_of(model: ParsedModel, columns: str) -> bool:
    names = {f.name.lower() for f in model.fields}
    wanted = {word.lower() for word in re.findall(r"[^\W\d]\w*", columns)} - {"asc", "desc"}
    return wanted <= names


def _columns_from_index_name(name: str, model: ParsedModel) -> str:
    """`idx_tasks_user_id_completed` on tasks → "user_id, completed" (the fields it names)."""
    rest = re.sub(r"^(?:idx|ix|uq|uix|ux|unq|uniq|index|unique)_", "", name.lower())
    rest = rest.removeprefix(model.table.lower() + "_")
    fields = {f.name.lower(): f.name for f in model.fields}
    parts, found = rest.split("_"), []
    while parts:
        size = next((n for n in range(len(parts), 0, -1) if "_".join(parts[:n]) in fields), 0)
        if not size:
            return ""
        found.append(fields["_".join(parts[:size])])
        parts = parts[size:]
    return ", ".join(found)


def _columns_key(columns: str) -> str:
    return re.sub(r"\s+", "", strip_code(columns)).lower()


def _unique_relationships(relationships: list[ParsedRelationship]) -> list[ParsedRelationship]:
    kept: dict[tuple[str, str, str], ParsedRelationship] = {}
    for relationship in relationships:
        key = (relationship.kind, relationship.target.lower(), relationship.fk_field.lower())
        first = kept.get(key)
        if first is None:
            kept[key] = relationship
            continue
        if first.on_delete in ("", "NO ACTION") and relationship.on_delete:
            first.on_delete = relationship.on_delete
        first.target_column = first.target_column or relationship.target_column
        first.through_table = first.through_table or relationship.through_table
    return list(kept.values())


def _unique_items(items: list[ParsedItem]) -> list[ParsedItem]:
    seen: set[str] = set()
    kept = []
    for item in items:
        if item.text.strip() not in seen:
            seen.add(item.text.strip())
            kept.append(item)
    return kept


def _make_names_unique(models: list[ParsedModel], warn) -> None:
    names: set[str] = set()
    tables: set[str] = set()
    for model in models:
        for attribute, seen in (("name", names), ("table", tables)):
            value, number = getattr(model, attribute), 2
            while getattr(model, attribute).lower() in seen:
                setattr(model, attribute, f"{value}_{number}")
                number += 1
            if getattr(model, attribute) != value:
                warn(
                    model.line,
                    f"model {attribute} “{value}” repeated; renamed “{getattr(model, attribute)}”",
                )
            seen.add(getattr(model, attribute).lower())


# ---------------------------------------------------------------------------------------------
# The model validators' rules, applied before the importer runs them: every value fits

_REFERENCE = re.compile(r"[^\s,()]+\.[^\s,()]+")
_RECOGNISED = {"PK": "primary_key", "auto": "auto", "UNIQUE": "unique"}


class _Checker:
    def __init__(self, model: ParsedModel, warn):
        self.model = model
        self.warn = warn

    def check(self) -> None:
        model = self.model
        model.name = self.fit(model.line, "model name", _name_text(model.name), 200) or "Model"
        model.table = self.fit(model.line, "table", _name_text(model.table), 200)
        model.table = model.table or _plural(_snake(model.name))
        model.ownership = self.fit(model.line, "ownership", _one_line(model.ownership), 1000)
        for column in model.fields:
            self.check_field(column)
        model.relationships = [r for r in model.relationships if self.relationship_ok(r)]
        model.indexes = [index for index in model.indexes if self.index_ok(index)]
        model.constraints = self.items(model.constraints, "constraint")
        model.migration_notes = self.items(model.migration_notes, "migration note")

    def fit(self, line: int, what: str, value: str, limit: int) -> str:
        if len(value) <= limit:
            return value
        self.warn(line, f"model “{self.model.name}”: {what} cut to {limit} characters")
        return value[: limit - 1] + "…"

    def check_field(self, column: ParsedField) -> None:
        where = f"field “{column.name}”"
        column.name = self.fit(column.line, "field name", _name_text(column.name), 200)
        column.type = _one_line(re.split(r" \((?:required|optional)[,)]", column.type)[0])
        if not column.type:
            column.type = "unknown"
            self.warn(column.line, f"model “{self.model.name}”: {where} has no type; “unknown” set")
        column.type = self.fit(column.line, f"{where} type", column.type, 200)
        self.check_constraints(column)
        column.references = _one_line(column.references)
        if column.references and not _REFERENCE.fullmatch(column.references):
            self.move_to_description(column, "References", column.references)
            column.references = ""
        column.default = _one_line(column.default)
        if column.default and unbalanced_reason(column.default):
            self.move_to_description(column, "Default", column.default)
            column.default = ""
        column.default = self.fit(column.line, f"{where} default", column.default, 500)
        column.description = self.fit(
            column.line, f"{where} description", _one_line(column.description), 1000
        )
        column.nullable = column.nullable and not column.primary_key

    def check_constraints(self, column: ParsedField) -> None:
        others = []
        for token in _split_top_level(_one_line(column.other_constraints)):
            token = token.strip()
            if token in _RECOGNISED:
                setattr(column, _RECOGNISED[token], True)
            elif token in ("NULL", "NOT NULL"):
                column.nullable = token == "NULL"
            elif token.startswith("FK -> "):
                column.references = column.references or token[6:]
            elif token.startswith("DEFAULT "):
                column.default = column.default or token[8:]
            elif token:
                others.append(token)
        text = ", ".join(others)
        if text and unbalanced_reason(text):
            self.move_to_description(column, "Constraints", text)
            text = ""
        column.other_constraints = self.fit(column.line, "constraints", text, 1000)

    def move_to_description(self, column: ParsedField, label: str, value: str) -> None:
        column.description = "; ".join(filter(None, [column.description, f"{label}: {value}"]))
        self.warn(
            column.line,
            f"model “{self.model.name}”: field “{column.name}”: {label.lower()} “{value}” moved to "
            "the description (not a valid value there)",
        )

    def relationship_ok(self, relationship: ParsedRelationship) -> bool:
        r = relationship
        r.target = _name_text(r.target).split(" (")[0]
        for name in ("fk_field", "target_column", "through_table"):
            setattr(r, name, _name_text(getattr(r, name)))
        needs = {
            BELONGS_TO: ("fk_field", "target_column", "on_delete"),
            HAS_ONE: ("fk_field",),
            HAS_MANY: ("fk_field",),
            MANY_TO_MANY: ("through_table",),
        }.get(r.kind)
        if r.kind == BELONGS_TO and r.on_delete not in ON_DELETE_ACTIONS:
            r.on_delete = "NO ACTION"
        for name in ("fk_field", "target_column", "on_delete", "through_table"):
            if needs is not None and name not in needs:
                setattr(r, name, "")
        if needs is not None and r.target and _relationship_values_ok(r, needs):
            return True
        text = " ".join(filter(None, [r.kind.replace("_", " "), r.target, r.fk_field]))
        self.model.constraints.append(ParsedItem(r.line, text))
        self.warn(r.line, f"model “{self.model.name}”: relationship incomplete; kept as a note")
        return False

    def index_ok(self, index: ParsedIndex) -> bool:
        index.name = _name_text(index.name)
        index.columns = _one_line(strip_code(index.columns))
        index.purpose = self.fit(index.line, "index purpose", _one_line(index.purpose), 1000)
        if not index.name:
            index.name = _generated_index_name(self.model.table, index.columns)
        if index.columns and _parentheses_balance(index.columns) and len(index.columns) <= 500:
            index.name = self.fit(index.line, "index name", index.name, 200)
            return True
        self.model.constraints.append(
            ParsedItem(index.line, f"index {index.name} on {index.columns}")
        )
        self.warn(
            index.line, f"model “{self.model.name}”: index columns unreadable; kept as a note"
        )
        return False

    def items(self, items: list[ParsedItem], what: str) -> list[ParsedItem]:
        kept = []
        for item in items:
            item.text = self.fit(item.line, what, _one_line(item.text), 1000)
            if item.text and item.text != "None":
                kept.append(item)
        return kept


def _relationship_values_ok(relationship: ParsedRelationship, needs: tuple[str, ...]) -> bool:
    r = relationship
    if not all(getattr(r, name) for name in needs):
        return False
    if r.kind in (HAS_ONE, HAS_MANY):
        return bool(_REFERENCE.fullmatch(r.fk_field))
    if r.kind == BELONGS_TO:
        return (
            " -> " not in r.fk_field
            and "," not in r.fk_field
            and bool(_REFERENCE.fullmatch(r.target_column))
        )
    return True


def _one_line(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text or "").split())


def _name_text(text: str) -> str:
    return _one_line(strip_code(text or ""))


def _parentheses_balance(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _split_top_level(text: str) -> list[str]:
    return split_top_level(text) if text else []
