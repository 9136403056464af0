"""The formats a spec file can be read from, one entry each, tried in order.

A new format (SQL DDL, OpenAPI) is one entry here: how to recognise its text and its reader.
The last entry of each kind recognises anything: the markdown variants reader, which reads what
it can and says what it guessed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from specs_app.interchange.canonical.reader import parse_api_markdown, parse_schema_markdown
from specs_app.interchange.canonical.syntax import (
    API_MARKERS,
    API_TITLE,
    SCHEMA_MARKERS,
    SCHEMA_TITLE,
    is_canonical,
)
from specs_app.interchange.markdown_variants.endpoints.reader import parse_loose_api
from specs_app.interchange.markdown_variants.schema.reader import parse_loose_schema
from specs_app.interchange.markdown_variants.schema.sources import CodeReaders
from specs_app.interchange.sql.reader import models_from_sql
from specs_app.interchange.sqlmodel.reader import models_from_sqlmodel

API, SCHEMA = "api", "schema"

#: The formats know nothing of each other: a markdown variant holding SQL or SQLModel code is
#: read with those formats' readers, handed in here.
read_schema_variant = partial(
    parse_loose_schema,
    code_readers=CodeReaders(sql=models_from_sql, sqlmodel=models_from_sqlmodel),
)


@dataclass(frozen=True)
class SpecFormat:
    name: str
    kind: str  # API or SCHEMA: which of a spec's two files it reads
    title: str  # the canonical file's first line
    recognises: Callable[[str], bool]
    #: (text, file=…) → (records, warnings, errors); errors mean content would be lost
    read: Callable[..., tuple]
    #: read with guesses: the records are fitted to the validators and the report says so
    variant: bool


def _canonical(parse):
    def read(text: str, *, file: str) -> tuple:
        parsed, warnings = parse(text, file=file)
        return parsed, warnings, []

    return read


FORMATS = (
    SpecFormat(
        "canonical markdown",
        API,
        API_TITLE,
        lambda text: is_canonical(text, API_TITLE, API_MARKERS),
        _canonical(parse_api_markdown),
        variant=False,
    ),
    SpecFormat(
        "canonical markdown",
        SCHEMA,
        SCHEMA_TITLE,
        lambda text: is_canonical(text, SCHEMA_TITLE, SCHEMA_MARKERS),
        _canonical(parse_schema_markdown),
        variant=False,
    ),
    SpecFormat(
        "markdown variant", API, API_TITLE, lambda text: True, parse_loose_api, variant=True
    ),
    SpecFormat(
        "markdown variant",
        SCHEMA,
        SCHEMA_TITLE,
        lambda text: True,
        read_schema_variant,
        variant=True,
    ),
)


def format_for(kind: str, text: str) -> SpecFormat:
    return next(f for f in FORMATS if f.kind == kind and f.recognises(text))
