"""Real-world database schema specs → ParsedSchema.

Reads the common variants of the template: a heading per model or table at any level and under
any grouping; fields as tables (any synonym headers, in any order) or as bullet lists; SQL
`CREATE TABLE` and SQLModel classes (read by the readers of interchange/sql and
interchange/sqlmodel, which the registry hands in); the parts of a model under headings or bold
labels with their usual synonyms; and top-level Relationships / Indexes / Constraints sections,
whose lines go to the model they name. A model given several times (a table, SQL and SQLModel)
becomes one model.

Nothing is dropped silently: text inside a model that the format has no place for becomes a
constraint note, and text outside any model is named in a warning with its line range. Errors
are kept for content that would be lost or misread (they make the importer refuse the file).
"""

import ast

from specs_app.interchange.markdown_variants.blocks import (
    read_blocks,
)
from specs_app.interchange.markdown_variants.schema.code_blocks import (
    _NOT_READ,
    _SQLMODEL_CLASS,
    _lost_code,
)
from specs_app.interchange.markdown_variants.schema.document import _Reader
from specs_app.interchange.markdown_variants.schema.parts import _ARROWS
from specs_app.interchange.markdown_variants.schema.sources import (
    CodeReaders,
    _code_source,
    _Report,
)
from specs_app.interchange.notes import ImportNote
from specs_app.interchange.records import ParsedSchema

# ---------------------------------------------------------------------------------------------
# Entry point


def parse_loose_schema(
    text: str, *, file: str, code_readers: CodeReaders
) -> tuple[ParsedSchema, list[ImportNote], list[ImportNote]]:
    """(schema, warnings, errors) for a database schema file in any common variant; its SQL and
    SQLModel code is read by `code_readers`."""
    report = _Report(file, code_readers)
    try:
        schema = _parse(text, report)
    except Exception as exc:  # a reader bug must refuse the file, not crash the import
        report.error(1, f"the schema could not be read ({type(exc).__name__}: {exc})")
        schema = ParsedSchema()
    return schema, report.warnings, report.errors


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
    read = report.code_readers.sqlmodel
    models, warnings = read(source, first_line=1, file=report.file)
    sources = [_code_source(model, "SQLModel") for model in models]
    for warning in warnings:
        if _NOT_READ.match(warning.message):
            report.error(warning.line, _lost_code(warning.message))
        else:
            report.warnings.append(warning)
    if not sources and not report.errors:
        report.warn(1, "no SQLModel class with table=True found")
    return _Reader(report, source.split("\n"), sources=sources).finish()
