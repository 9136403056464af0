"""Canonical markdown (FORMAT.md): export a revision, parse the two files, import them."""

from specs_app.services.markdown.export import (
    render_api_markdown,
    render_endpoint_markdown,
    render_model_markdown,
    render_schema_markdown,
    revision_export,
)
from specs_app.services.markdown.importer import ImportResult, spec_import
from specs_app.services.markdown.parse import parse_api_markdown, parse_schema_markdown
from specs_app.services.markdown.parsed import ImportWarning, ParsedApi, ParsedSchema

__all__ = [
    "ImportResult",
    "ImportWarning",
    "ParsedApi",
    "ParsedSchema",
    "parse_api_markdown",
    "parse_schema_markdown",
    "render_api_markdown",
    "render_endpoint_markdown",
    "render_model_markdown",
    "render_schema_markdown",
    "revision_export",
    "spec_import",
]
