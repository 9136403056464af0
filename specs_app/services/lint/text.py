"""Text heuristics shared by the rules: words, placeholders, types and index columns."""

import re

from specs_app.models import validators

_WORD = re.compile(r"[a-z0-9_]+")

#: Common English words and generic API vocabulary: sharing one of these says nothing about
#: whether a test case covers a business rule.
STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "are",
        "but",
        "not",
        "all",
        "any",
        "can",
        "has",
        "had",
        "have",
        "its",
        "was",
        "were",
        "will",
        "with",
        "from",
        "into",
        "onto",
        "that",
        "this",
        "than",
        "then",
        "them",
        "they",
        "their",
        "there",
        "these",
        "those",
        "when",
        "what",
        "which",
        "who",
        "whom",
        "why",
        "how",
        "also",
        "only",
        "each",
        "every",
        "other",
        "another",
        "own",
        "our",
        "out",
        "off",
        "per",
        "via",
        "one",
        "two",
        "its",
        "it's",
        "is",
        "be",
        "been",
        "being",
        "does",
        "did",
        "doing",
        "done",
        "get",
        "gets",
        "got",
        "put",
        "post",
        "patch",
        "delete",
        "head",
        "options",
        "returns",
        "return",
        "returned",
        "request",
        "requests",
        "response",
        "responses",
        "endpoint",
        "api",
        "call",
        "calls",
        "value",
        "values",
        "set",
        "sets",
        "should",
        "must",
        "may",
    ]
)

PLACEHOLDERS = frozenset(
    {
        "",
        "-",
        "--",
        "?",
        "??",
        "???",
        "...",
        "…",
        "n/a",
        "na",
        "none",
        "tbd",
        "tba",
        "todo",
        "fixme",
        "unknown",
        "placeholder",
        "same as above",
        "see above",
        "x",
        "xxx",
    }
)


def is_placeholder(text: str) -> bool:
    return text.strip().strip(".").strip().lower() in PLACEHOLDERS or not text.strip()


def _stem(word: str) -> str:
    word = word.removesuffix("'s")
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def significant_words(text: str) -> set[str]:
    """Lower-case words of three or more characters that are not stop words, singularised."""
    words = (_stem(word) for word in _WORD.findall(text.lower().replace("'s", "")))
    return {word for word in words if len(word) >= 3 and word not in STOPWORDS}


# ---------------------------------------------------------------------------------------------
# Types

SCALAR_TYPES = frozenset(
    [
        "string",
        "str",
        "text",
        "varchar",
        "char",
        "character",
        "citext",
        "email",
        "url",
        "uri",
        "uuid",
        "guid",
        "slug",
        "password",
        "integer",
        "int",
        "int2",
        "int4",
        "int8",
        "smallint",
        "bigint",
        "serial",
        "bigserial",
        "smallserial",
        "long",
        "short",
        "byte",
        "number",
        "float",
        "double",
        "real",
        "decimal",
        "numeric",
        "money",
        "boolean",
        "bool",
        "datetime",
        "date",
        "time",
        "timestamp",
        "timestamptz",
        "interval",
        "duration",
        "json",
        "jsonb",
        "object",
        "dict",
        "map",
        "hash",
        "record",
        "binary",
        "bytes",
        "bytea",
        "blob",
        "file",
        "ip",
        "inet",
        "ipv4",
        "ipv6",
        "cidr",
        "any",
        "null",
    ]
) | {"double precision", "character varying", "timestamp with time zone"}
#: Types written with arguments in parentheses: varchar(64), enum(low, high), decimal(10, 2).
PARAMETERISED_TYPES = frozenset(
    [
        "varchar",
        "char",
        "character",
        "string",
        "decimal",
        "numeric",
        "enum",
        "timestamp",
        "time",
        "float",
        "bit",
    ]
)
#: Container types written with their element type in brackets: array[Task], list<string>.
CONTAINER_TYPES = frozenset(["array", "list", "set", "map", "dict"])

_CALL = re.compile(r"^([a-z][a-z ]*?)\s*\((.*)\)$", re.S)
_CONTAINER = re.compile(r"^([a-z]+)\s*[\[<](.*)[\]>]$", re.S)


def type_is_known(type_text: str, model_names: frozenset[str]) -> bool:
    """Whether a type names a known type or a model of the spec (case-insensitive)."""
    text = type_text.strip().lower()
    if not text:
        return False
    if text in SCALAR_TYPES or text in model_names:
        return True
    if "|" in text and len(parts := split_top_level(text, "|", "()[]<>")) > 1:
        # (a `|` inside brackets or quotes splits nothing: read the type as a whole below)
        return all(type_is_known(part, model_names) for part in parts)
    if text.endswith("[]"):
        return type_is_known(text[:-2], model_names)
    if call := _CALL.match(text):
        return call.group(1).strip() in PARAMETERISED_TYPES
    if container := _CONTAINER.match(text):
        name, inner = container.groups()
        parts = split_top_level(inner, ",", "()[]<>")
        return name in CONTAINER_TYPES and all(type_is_known(p, model_names) for p in parts)
    return False


def split_top_level(text: str, separator: str, brackets: str = "()[]") -> list[str]:
    """Split at `separator` outside brackets and quotes (either kind); parts stripped."""
    parts = validators.split_top_level(text, separator, brackets=brackets, quotes="'\"")
    return [part.strip() for part in parts]


# ---------------------------------------------------------------------------------------------
# Index columns

_SQL_WORDS = frozenset(
    [
        "asc",
        "desc",
        "nulls",
        "first",
        "last",
        "collate",
        "and",
        "or",
        "not",
        "is",
        "null",
        "true",
        "false",
        "in",
        "like",
        "ilike",
        "between",
        "case",
        "when",
        "then",
        "else",
        "end",
        "as",
    ]
)
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_CAST = re.compile(r"::\s*[a-z_][a-z0-9_ ]*(\([^)]*\))?", re.I)
_IDENTIFIER = re.compile(r"([a-z_][a-z0-9_]*)(\s*\()?", re.I)


def index_column_names(columns: str) -> list[list[str]]:
    """The column names each comma-separated index part refers to, looking through sort
    keywords (DESC, NULLS LAST), casts, literals and wrapping functions (lower(name))."""
    return [_names_in_expression(part) for part in split_top_level(columns, ",")]


def _names_in_expression(expression: str) -> list[str]:
    plain = _CAST.sub(" ", _QUOTED.sub(" ", expression))
    return [
        match.group(1)
        for match in _IDENTIFIER.finditer(plain)
        if not match.group(2) and match.group(1).lower() not in _SQL_WORDS
    ]
