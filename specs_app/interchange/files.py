"""The one door in and out: read spec files in whatever format they are, write canonical ones."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from specs_app.interchange.canonical.writer import (
    ContentRows,
    write_api_markdown,
    write_schema_markdown,
)
from specs_app.interchange.fit import RowModels, fit_records
from specs_app.interchange.markdown_variants.blocks import unreadable
from specs_app.interchange.notes import ImportNote
from specs_app.interchange.registry import API, SCHEMA, format_for

_VARIANT_NOTE = (
    "not in the canonical format: read as a variant of the template; check what "
    "this report says was guessed, normalised or skipped"
)


@dataclass
class FileReading:
    """What one file gave: its records (None when nothing could be read), the report lines,
    and whether it was read as a variant (with guesses)."""

    kind: str
    file: str
    parsed: object = None
    warnings: list[ImportNote] = field(default_factory=list)
    errors: list[ImportNote] = field(default_factory=list)
    variant: bool = False


def read_spec_files(
    texts: Mapping[str, tuple[str, str]], *, row_models: RowModels
) -> dict[str, FileReading]:
    """`{kind: (text, file name)}` → `{kind: FileReading}`, each file read by the first format
    of interchange/registry.py that recognises it. `row_models` are the rows the records will
    become, whose validators a variant's values are fitted to (interchange/fit/)."""
    return {
        kind: read_spec_file(kind, text, file, row_models=row_models)
        for kind, (text, file) in texts.items()
    }


def read_spec_file(kind: str, text: str, file: str, *, row_models: RowModels) -> FileReading:
    reading = FileReading(kind, file)
    problem = unreadable(text)
    if problem:
        reading.errors.append(ImportNote(file, *problem))
        return reading
    try:
        _read(reading, text, row_models)
    except RecursionError:
        # The readers refuse deep nesting where they see it; this is the net under them.
        reading.parsed = None
        reading.errors.append(
            ImportNote(file, 1, "the file nests too deeply to be read; nothing was read")
        )
    return reading


def _read(reading: FileReading, text: str, row_models: RowModels) -> None:
    spec_format = format_for(reading.kind, text)
    parsed, warnings, errors = spec_format.read(text, file=reading.file)
    if spec_format.variant:
        reading.variant = True
        if not errors:
            reading.warnings.append(ImportNote(reading.file, 1, _VARIANT_NOTE))
        warnings = warnings + fit_records(reading.kind, parsed, reading.file, row_models)
    reading.warnings += warnings
    reading.errors += errors
    reading.parsed = parsed


def write_spec_files(
    *,
    api_path: str,
    api_rows: ContentRows,
    api_overview: str,
    schema_path: str,
    schema_rows: ContentRows,
    schema_overview: str,
) -> dict[str, str]:
    """`{path: canonical markdown}` for a spec's two files."""
    return {
        api_path: write_api_markdown(api_rows, api_overview),
        schema_path: write_schema_markdown(schema_rows, schema_overview),
    }


__all__ = ["API", "SCHEMA", "FileReading", "read_spec_file", "read_spec_files", "write_spec_files"]
