"""What the reader collects before merging: sources of models, and part lines to place."""

from collections.abc import Callable
from dataclasses import dataclass, field

from specs_app.interchange.markdown_variants.blocks import (
    Fence,
)
from specs_app.interchange.markdown_variants.schema.parts import (
    _NAME_CLASS,
    _NAME_DERIVED,
    _TABLE_CLASS,
    _TABLE_GUESSED,
    _TABLE_SQL,
    _TABLE_SQLMODEL,
    TOP_LEVEL_PARTS,
    _HeadingName,
    _key,
    _name_for_table,
    _Section,
)
from specs_app.interchange.names import plural, snake_case
from specs_app.interchange.notes import ImportNote
from specs_app.interchange.records import ParsedIndex, ParsedModel

#: `(code, first_line=…, file=…)` → (models, warnings)
ModelsReader = Callable[..., tuple[list[ParsedModel], list[ImportNote]]]


@dataclass(frozen=True)
class CodeReaders:
    """The readers of the SQL and SQLModel code a variant file may hold. The registry hands them
    in (interchange/registry.py), so that this format imports no other."""

    sql: ModelsReader
    sqlmodel: ModelsReader


@dataclass
class _Report:
    file: str
    code_readers: CodeReaders
    warnings: list[ImportNote] = field(default_factory=list)
    errors: list[ImportNote] = field(default_factory=list)

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ImportNote(self.file, line, message))

    def error(self, line: int, message: str) -> None:
        self.errors.append(ImportNote(self.file, line, message))


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
        model.table, table_rank = plural(snake_case(model.name)), _TABLE_GUESSED
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
