"""Types (`VARCHAR(255)`, `TIMESTAMP WITH TIME ZONE`, `uuid.UUID`, …) and the loose constraints
reader shared by table cells and list items."""

import re
from dataclasses import dataclass, field

from specs_app.interchange.names import strip_code
from specs_app.models.validators import split_top_level, unbalanced_reason
from specs_app.vocabulary import ON_DELETE_ACTIONS

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
    """Split at commas, semicolons and ` - ` outside brackets and quoted strings (an apostrophe
    inside a word quotes nothing)."""
    parts = split_top_level(
        text,
        _part_separator,
        brackets="()[]{}",
        quotes="'\"",
        quotes_in_words=False,
        stray_closers=False,
    )
    return [part.strip(" .") for part in parts if part.strip(" .-–—")]


def _part_separator(text: str, index: int) -> int:
    return 1 if text[index] in ",;" or _is_dash_separator(text, index) else 0


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
