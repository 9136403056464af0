"""What a parameter's or a field's type and constraints allow, read from the free text the spec
writes them in (docs/format.md: `<type> (<required|optional>[, <constraints>])`):

- types: `string`, `integer`, `number`, `boolean`, `datetime`, `date`, `uuid`, `email`,
  `array[T]` / `T[]` / `list[T]`, `enum(a, b)`, a model name (`Task`), SQL spellings
  (`varchar(50)`, `text`, `int`, `bigint`, `numeric(12,2)`, `timestamp`) and Python ones
  (`str`, `int`, `float`, `bool`, `Optional[str]`); `| null`, a trailing `?` or `nullable`
  make it nullable;
- constraints, comma-separated: `max 200 characters`, `max 1000 chars`, `1-200 chars`,
  `maxLength 50`, `min length 1`, `non-empty`, `min 0`, `max 100`, `1-100` (a length for
  strings, a value for numbers), `>= 1`, `one of: a, b, c` / `values: a | b` (to the end of
  the text), `pattern ^[a-z]+$` / `regex ...` / `matches ...`, `nullable` / `may be null`.
  Anything else (`default 20`, `ISO 8601`, `#RRGGBB`) is a remark and changes nothing.

`relation(old, new)` tells whether every value of the old type is a value of the new one."""

import re
from dataclasses import dataclass
from functools import lru_cache

SAME, WIDER, NARROWER, OTHER = "same", "wider", "narrower", "other"

STRING, INTEGER, NUMBER, BOOLEAN, ENUM, ARRAY, OBJECT, REF = (
    "string",
    "integer",
    "number",
    "boolean",
    "enum",
    "array",
    "object",
    "ref",
)

_WORDS = {
    **dict.fromkeys(("string", "str", "text", "varchar", "char", "character", "nvarchar"), STRING),
    **dict.fromkeys(("integer", "int", "int32", "int64", "bigint", "smallint", "long"), INTEGER),
    **dict.fromkeys(("serial", "bigserial"), INTEGER),
    **dict.fromkeys(("number", "float", "double", "decimal", "numeric", "real"), NUMBER),
    **dict.fromkeys(("boolean", "bool"), BOOLEAN),
    **dict.fromkeys(("object", "dict", "json", "jsonb", "map"), OBJECT),
}
#: String formats: a value of the format is a string, not the other way round.
_FORMATS = {
    "uuid": "uuid",
    "email": "email",
    "url": "uri",
    "uri": "uri",
    "datetime": "date-time",
    "date-time": "date-time",
    "timestamp": "date-time",
    "timestamptz": "date-time",
    "iso 8601": "date-time",
    "date": "date",
    "time": "time",
}
_NUMBER = r"-?\d+(?:\.\d+)?"
_LENGTH_UNIT = r"(?:chars?|characters?|letters?)"
_ARRAY = re.compile(r"^(?:array|list|set)\s*[\[<(](.*)[\]>)]$|^(.*)\[\]$|^(?:array|list) of (.*)$")
_ENUM = re.compile(r"^(?:enum|literal)\s*[\[(](.*)[\])]$|^enum\s*:\s*(.*)$")
_SIZED = re.compile(r"^([a-z]+)\s*\(\s*(\d+)\s*(?:,\s*\d+\s*)?\)$")
_OPTIONAL = re.compile(r"^optional\s*\[(.*)\]$")
_NULL_UNION = re.compile(r"\s*\|\s*(?:null|none)\b|\b(?:null|none)\s*\|\s*")
_QUOTED = re.compile(r"""^(["'`])[^"'`|]*\1$""")
_PAREN_REMARK = re.compile(r"^(.*?)\s*\(([^()]*)\)$")

_ONE_OF = re.compile(
    r"(?:^|,\s*)(?:one of|values?|allowed(?: values)?|enum|either)\s*:?\s+(.*)$", re.I
)
_RANGE = re.compile(rf"^({_NUMBER})\s*(?:-|–|\.\.|to)\s*({_NUMBER})\s*({_LENGTH_UNIT})?$")
_MAX = re.compile(
    rf"^(?:max(?:imum)?|at most|up to|<=|≤)\s*(length|len)?\s*[:=]?\s*({_NUMBER})\s*"
    rf"({_LENGTH_UNIT})?(?:\s+long)?$"
)
_MIN = re.compile(
    rf"^(?:min(?:imum)?|at least|>=|≥)\s*(length|len)?\s*[:=]?\s*({_NUMBER})\s*"
    rf"({_LENGTH_UNIT})?(?:\s+long)?$"
)
_MAX_LENGTH = re.compile(rf"^(?:max_?length|maxlength|max_len)\s*[:=]?\s*(\d+)\s*{_LENGTH_UNIT}?$")
_MIN_LENGTH = re.compile(rf"^(?:min_?length|minlength|min_len)\s*[:=]?\s*(\d+)\s*{_LENGTH_UNIT}?$")
_PATTERN = re.compile(r"^(?:pattern|regex|regexp|matches)\s*[:=]?\s*(.+)$", re.I)
_SLASHED = re.compile(r"^/(.+)/$")
_NULLABLE = {"nullable", "null", "may be null", "can be null", "or null", "null allowed"}
_NON_EMPTY = {"non-empty", "nonempty", "not empty", "not blank", "non-blank"}


@dataclass(frozen=True)
class Shape:
    """The values a type and its constraints allow."""

    kind: str
    #: A string's format (uuid, date-time, ...), or the name a `ref` type refers to.
    format: str = ""
    items: "Shape | None" = None
    enum: tuple[str, ...] | None = None
    max_length: int | None = None
    min_length: int | None = None
    maximum: float | None = None
    minimum: float | None = None
    pattern: str = ""
    nullable: bool = False

    @property
    def bounded_by_length(self) -> bool:
        return self.kind in (STRING, ENUM)

    def describe(self) -> str:
        if self.kind == ARRAY:
            return f"array of {self.items.describe()}" if self.items else "array"
        if self.kind == REF:
            return self.format
        if self.kind == ENUM:
            return "enum"
        return self.format or self.kind


@lru_cache(maxsize=4096)
def shape_of(type_text: str, constraints: str = "") -> Shape:
    """The shape of a type and constraints as a spec writes them (see the module's text)."""
    base = _type_shape(type_text.strip())
    facts = _constraint_facts(constraints, base)
    values = dict(base.__dict__)
    for name, value in facts.items():
        if name == "nullable":
            values["nullable"] = values["nullable"] or value
        elif name == "enum":
            if base.enum is None:
                values["enum"] = value
                values["kind"] = ENUM if base.kind in (STRING, ENUM) else base.kind
        elif values.get(name) is None or name == "pattern":
            values[name] = value
    return Shape(**values)


def _type_shape(text: str) -> Shape:
    low = " ".join(text.lower().split())
    nullable = False
    if optional := _OPTIONAL.match(low):
        low, nullable = optional[1].strip(), True
    if _NULL_UNION.search(low):
        low, nullable = _NULL_UNION.sub("", low).strip(), True
    if low.endswith("?"):
        low, nullable = low[:-1].strip(), True
    if low.startswith("nullable "):
        low, nullable = low[len("nullable ") :].strip(), True
    shape = _bare_type(low, text)
    return Shape(**{**shape.__dict__, "nullable": nullable}) if nullable else shape


def _bare_type(low: str, text: str) -> Shape:
    if enum := _ENUM.match(low):
        body = _original_case(text, enum[1] if enum[1] is not None else enum[2])
        return Shape(ENUM, enum=_values(body))
    if array := _ARRAY.match(low):
        inner = next(group for group in array.groups() if group is not None).strip()
        return Shape(ARRAY, items=_bare_type(inner, _original_case(text, inner)) if inner else None)
    if sized := _SIZED.match(low):
        word, size = sized[1], int(sized[2])
        kind = _WORDS.get(word)
        if kind == STRING:
            return Shape(STRING, max_length=size)
        if kind or word in _FORMATS:
            return _bare_type(word, word)
    if low in ("array", "list"):
        return Shape(ARRAY)
    if "|" in low and all(_QUOTED.match(part.strip()) for part in low.split("|")):
        return Shape(ENUM, enum=_values(_original_case(text, low)))  # `"low" | "high"`
    if low in _FORMATS:
        return Shape(STRING, format=_FORMATS[low])
    if low in _WORDS:
        return Shape(_WORDS[low])
    if remark := _PAREN_REMARK.match(low):  # `string (email)`, `integer (task id)`
        inner = _bare_type(remark[1], remark[1])
        note = remark[2].strip()
        if inner.kind == STRING and not inner.format and note in _FORMATS:
            return Shape(STRING, format=_FORMATS[note])
        return inner
    words = low.split()
    if words and words[0] in _WORDS and len(words) > 1 and words[1].startswith(("(", "-")):
        return Shape(_WORDS[words[0]])
    return Shape(REF, format=text.strip() or "?")


def _original_case(text: str, lowered: str) -> str:
    """The part of `text` that `lowered` was cut from (enum values keep their case)."""
    start = " ".join(text.split()).lower().find(lowered)
    return " ".join(text.split())[start : start + len(lowered)] if start >= 0 else lowered


def _values(text: str) -> tuple[str, ...]:
    parts = re.split(r"\s*(?:,|\||\bor\b|/)\s*", text.strip().rstrip("."))
    values = [part.strip().strip("`'\"").strip() for part in parts]
    return tuple(dict.fromkeys(value for value in values if value))


def _constraint_facts(text: str, base: Shape) -> dict:
    facts: dict = {}
    text = " ".join(text.split())
    if not text:
        return facts
    if one_of := _ONE_OF.search(text):
        facts["enum"] = _values(one_of[1])
        text = text[: one_of.start()]
    for token in _tokens(text):
        low = token.lower().rstrip(".")
        _read_token(token, low, base, facts)
    return facts


def _read_token(token: str, low: str, base: Shape, facts: dict) -> None:
    by_length = base.bounded_by_length
    by_value = base.kind in (INTEGER, NUMBER)
    if low in _NULLABLE:
        facts["nullable"] = True
    elif low in _NON_EMPTY:
        facts["min_length"] = 1
    elif match := _MAX_LENGTH.match(low):
        facts["max_length"] = int(match[1])
    elif match := _MIN_LENGTH.match(low):
        facts["min_length"] = int(match[1])
    elif match := _RANGE.match(low):
        low_end, high_end, unit = match[1], match[2], match[3]
        if unit or by_length:
            facts["min_length"], facts["max_length"] = int(float(low_end)), int(float(high_end))
        elif by_value:
            facts["minimum"], facts["maximum"] = float(low_end), float(high_end)
    elif match := _MAX.match(low):
        _bound(facts, "max", match, by_length, by_value)
    elif match := _MIN.match(low):
        _bound(facts, "min", match, by_length, by_value)
    elif match := _PATTERN.match(token.strip()):
        facts["pattern"] = match[1].strip().strip("`")
    elif match := _SLASHED.match(token.strip().strip("`")):
        facts["pattern"] = match[1]


def _bound(facts: dict, side: str, match: re.Match, by_length: bool, by_value: bool) -> None:
    length_word, number, unit = match[1], match[2], match[3]
    if length_word or unit or (by_length and not by_value):
        facts[f"{side}_length"] = int(float(number))
    elif by_value:
        facts[f"{side}imum"] = float(number)


def _tokens(text: str) -> list[str]:
    """`text` split at the commas outside (), [] and {}."""
    tokens, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            tokens.append(text[start:index].strip())
            start = index + 1
    tokens.append(text[start:].strip())
    return [token for token in tokens if token]


def relation(old: Shape, new: Shape) -> str:
    """SAME when the kinds agree (their bounds are compared apart), WIDER when every old value
    is a new one (integer → number, uuid → string, enum → string), NARROWER the other way round,
    OTHER when neither holds (string ↔ integer)."""
    if old.kind == new.kind:
        if old.kind == ARRAY:
            if old.items is None or new.items is None:
                return SAME if old.items == new.items else OTHER
            return relation(old.items, new.items)
        if old.kind == REF:
            return SAME if old.format.lower() == new.format.lower() else OTHER
        if old.kind == STRING and old.format != new.format:
            if not new.format:
                return WIDER
            return NARROWER if not old.format else OTHER
        return SAME
    pair = (old.kind, new.kind)
    if pair == (INTEGER, NUMBER):
        return WIDER
    if pair == (NUMBER, INTEGER):
        return NARROWER
    if pair == (ENUM, STRING) and not new.format:
        return WIDER
    if pair == (STRING, ENUM) and not old.format:
        return NARROWER
    return OTHER


def number_text(value: float | None) -> str:
    if value is None:
        return "none"
    return str(int(value)) if float(value).is_integer() else str(value)
