"""Values inside the parts of a real-world endpoint: parameters, body fields and status codes,
from list items, tables and JSON examples (with comments; nested objects become dotted names)."""

import json
import re
from dataclasses import dataclass

from specs_app.interchange.lines import matching_paren, split_field_spec
from specs_app.interchange.markdown_variants.blocks import Fence, Table
from specs_app.interchange.names import strip_code
from specs_app.interchange.notes import ImportNote
from specs_app.interchange.records import ParsedBodyField, ParsedParameter

_TYPE_WORDS = (
    "string|str|text|integer|int|int32|int64|number|float|double|decimal|boolean|bool|uuid|"
    "date|datetime|date-time|timestamp|time|array|list|object|dict|json|email|url|uri|enum|"
    "null|any|file|binary|bigint|varchar|char|iso8601|iso-8601|jwt|token|numeric|long"
)
_TYPE = re.compile(
    rf"^(?P<type>(?:{_TYPE_WORDS})(?:\[\]|<[^>]*>|\[[^\]]*\]|\(\d+\))?(?:\s*\|\s*(?:{_TYPE_WORDS}))*)"
    r"(?![\w-])",
    re.IGNORECASE,
)
_CODE = re.compile(r"(?<![\d.,])(?P<code>[1-5]\d\d)(?![\d.,]|\s*(?:chars|characters|ms|items|%))")
_LOCATIONS = {"path": "path", "query": "query", "header": "header", "in path": "path"}
_LOCATIONS |= {"in query": "query", "url": "path", "query param": "query", "path param": "path"}


def column_index(header: list[str], names: tuple[str, ...]) -> int | None:
    """The index of the first header cell that is one of `names` (any case), or None."""
    for index, cell in enumerate(header):
        if strip_code(cell).lower().strip(" *:") in names:
            return index
    return None


# ---------------------------------------------------------------------------------------------
# Status codes


def status_codes_in(text: str) -> list[tuple[int, str]]:
    """`201 (created), 400 Bad Request: invalid title` → [(201, "created"), (400, "Bad Request:
    invalid title")]: each code with the text up to the next code."""
    plain = strip_code(text)
    matches = list(_CODE.finditer(plain))
    found = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(plain)
        description = plain[match.end() : end]
        description = re.sub(r"\s+(?:and|or)\s*$", "", description.strip(" ,;"))
        description = description.strip(" ,;:-–—=>→").strip()
        if description.startswith("(") and description.endswith(")"):
            description = description[1:-1].strip()
        found.append((int(match["code"]), description))
    return found


# ---------------------------------------------------------------------------------------------
# Parameters and body fields from one line of text


@dataclass
class _Spec:
    name: str
    type: str = ""
    required: bool | None = None
    constraints: str = ""
    description: str = ""
    location: str = ""
    named_in_code: bool = False


def parameter_from_text(
    text: str, line: int, location: str, path: str
) -> tuple[ParsedParameter | None, str | None]:
    """A parameter from `\\`name\\` (type, required): description` and its variants. The second
    value says what was guessed."""
    spec = _spec_from_text(text)
    if spec is None:
        return None, None
    guesses = []
    spec.location = spec.location or location or _location_from_path(spec.name, path, guesses)
    if not spec.type:
        spec.type = "string"
        guesses.append("type not stated; string assumed")
    if spec.required is None:
        spec.required = spec.location in ("path", "header")
        guesses.append(f"required or optional not stated; {_flag(spec.required)} assumed")
    return _parameter(line, spec), "; ".join(guesses) or None


def _parameter(line: int, spec: _Spec) -> ParsedParameter:
    return ParsedParameter(
        line,
        spec.location,
        spec.name,
        spec.type or "string",
        spec.required,
        spec.constraints,
        spec.description,
    )


def _flag(required: bool) -> str:
    return "required" if required else "optional"


def _location_from_path(name: str, path: str, guesses: list[str]) -> str:
    location = "path" if "{" + name + "}" in path or f":{name}" in path else "query"
    guesses.append(f"location not stated; {location} assumed")
    return location


def _spec_from_text(text: str) -> _Spec | None:
    text = text.strip()
    canonical = re.match(r"^`(?P<name>[^`]+)`: (?P<spec>.*)$", text)
    if canonical:
        named = _Spec(canonical["name"].strip(), named_in_code=True)
        spec, _ = split_field_spec(canonical["spec"], named)
        if spec is not None:
            return spec
    name, rest, prose = _name_and_rest(text)
    if name is None:
        return None
    spec = _Spec(name, named_in_code=text.startswith("`") or prose is not None)
    if ": " in name:  # `Authorization: Bearer <token>`
        spec.name, spec.description = (part.strip() for part in name.split(": ", 1))
        spec.type = "string"
        spec.location = "header"
        return spec
    if prose:
        _classify(prose.lower(), spec)
        spec.type, spec.required = "", spec.required
    _read_rest(rest, spec)
    return spec


def _name_and_rest(text: str) -> tuple[str | None, str, str | None]:
    """(name, text after it, prose before it) — the name is the leading code span or
    identifier, or the first code span after a few words of prose."""
    leading = re.match(r"^`(?P<name>[^`]+)`", text)
    if leading:
        return leading["name"].strip(), text[leading.end() :], None
    later = re.search(r"`(?P<name>[^`]+)`", text)
    if later and len(text[: later.start()].split()) > 1:
        return later["name"].strip(), text[later.end() :], text[: later.start()]
    plain = re.match(r"^(?P<name>[A-Za-z_][\w\-.\[\]]*)(?=\s*(?:[:(]|\s[-–—]\s|$))", text)
    if plain:
        return plain["name"], text[plain.end() :], None
    return None, "", None


def _read_rest(rest: str, spec: _Spec) -> None:
    rest = rest.strip().lstrip(":-–— ").strip()
    for _ in range(2):
        if rest.startswith("("):
            close = matching_paren(rest, 0)
            if close is None:
                break
            for token in _split_tokens(rest[1:close]):
                _classify(token, spec)
            rest = rest[close + 1 :].strip().lstrip(":-–— ").strip()
            continue
        typed = _TYPE.match(rest)
        if typed and not spec.type:
            spec.type = typed["type"]
            rest = rest[typed.end() :].strip().lstrip(",:-–— ").strip()
            continue
        break
    _description_flags(rest, spec)
    spec.description = rest


def _split_tokens(inner: str) -> list[str]:
    tokens, depth, current = [], 0, []
    for char in inner:
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(char, 0)
        if char in ",;" and depth == 0:
            tokens.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    tokens.append("".join(current).strip())
    return [token for token in tokens if token]


def _classify(token: str, spec: _Spec) -> None:
    lowered = strip_code(token).lower().strip()
    if lowered in ("required", "mandatory", "required field"):
        spec.required = True
    elif lowered in ("optional", "nullable"):
        spec.required = False
    elif lowered in _LOCATIONS or lowered.removesuffix(" parameter") in _LOCATIONS:
        spec.location = _LOCATIONS[lowered.removesuffix(" parameter")]
    elif any(word in lowered.split() for word in ("query", "path", "header")) and len(token) < 30:
        spec.location = next(w for w in ("query", "path", "header") if w in lowered.split())
    elif not spec.type and _TYPE.fullmatch(strip_code(token).strip()):
        spec.type = strip_code(token).strip()
    else:
        spec.constraints = ", ".join(filter(None, [spec.constraints, strip_code(token)]))


def _description_flags(description: str, spec: _Spec) -> None:
    if spec.required is not None:
        return
    lowered = description.lower()
    if re.match(r"^(required|mandatory)\b", lowered):
        spec.required = True
    elif re.match(r"^optional\b", lowered):
        spec.required = False


def parameters_from_table(
    table: Table, location: str, path: str, file: str
) -> tuple[list[ParsedParameter], list[ImportNote]]:
    columns = _columns(table.header)
    rows, warnings = _table_specs(table, columns, file)
    parameters = []
    for line, cells, spec in rows:
        where = columns.get("location")
        cell = cells[where].lower() if where is not None and where < len(cells) else ""
        spec.location = _LOCATIONS.get(cell, "") or location
        spec.location = spec.location or _location_from_path(spec.name, path, [])
        if spec.required is None:
            spec.required = spec.location in ("path", "header")
        parameters.append(_parameter(line, spec))
    return parameters, warnings


def _table_specs(table: Table, columns: dict[str, int], file: str):
    """([(line, cells, spec)], warnings) for the rows of a parameter or field table."""
    rows, warnings = [], []
    for line, cells in table.rows:
        spec = _spec_from_cells(cells, columns)
        if spec is None:
            warnings.append(ImportNote(file, line, f"table row without a name skipped: {cells}"))
        else:
            rows.append((line, cells, spec))
    return rows, warnings


_COLUMN_NAMES = {
    "name": ("name", "field", "parameter", "param", "key", "header", "property", "attribute"),
    "type": ("type", "data type", "datatype", "format"),
    "required": ("required", "mandatory", "required?", "optional"),
    "location": ("in", "location", "where", "source"),
    "description": ("description", "notes", "details", "purpose", "meaning", "example", "value"),
    "constraints": ("constraints", "validation", "rules", "validation rules"),
    "default": ("default", "default value"),
}


def _columns(header: list[str]) -> dict[str, int]:
    columns = {}
    for key, names in _COLUMN_NAMES.items():
        index = column_index(header, names)
        if index is not None:
            columns[key] = index
    if "required" in columns and strip_code(header[columns["required"]]).lower() == "optional":
        columns["optional_column"] = columns["required"]
    return columns


def _spec_from_cells(cells: list[str], columns: dict[str, int]) -> _Spec | None:
    def cell(key: str) -> str:
        index = columns.get(key)
        return strip_code(cells[index]) if index is not None and index < len(cells) else ""

    name = cell("name") or (strip_code(cells[0]) if cells and "name" not in columns else "")
    if not name:
        return None
    spec = _Spec(name, type=cell("type"), description=cell("description"), named_in_code=True)
    default = cell("default")
    has_default = default and default.lower() not in ("-", "—", "none", "n/a")
    spec.constraints = ", ".join(
        filter(None, [cell("constraints"), has_default and f"default {default}"])
    )
    required = cell("required").lower()
    if required:
        is_yes = required in ("yes", "true", "required", "y", "✓", "✔", "x")
        spec.required = (not is_yes) if "optional_column" in columns else is_yes
    return spec


# ---------------------------------------------------------------------------------------------
# Body fields


def body_fields_from_items(items, part: str, file: str):
    fields = []
    for item in items:
        spec = _spec_from_text(item.text)
        if spec is None or not (spec.named_in_code or spec.type):
            continue
        fields.append(_body_field(item.line, part, spec))
    return fields, []


def body_fields_from_table(table: Table, part: str, file: str):
    rows, warnings = _table_specs(table, _columns(table.header), file)
    return [_body_field(line, part, spec) for line, _, spec in rows], warnings


def _body_field(line: int, part: str, spec: _Spec) -> ParsedBodyField:
    required = True if spec.required is None else spec.required
    return ParsedBodyField(
        line,
        part,
        spec.name,
        spec.type or "string",
        required,
        spec.constraints,
        spec.description,
    )


_JSONISH = ("", "json", "jsonc", "json5", "javascript", "js", "typescript", "ts", "http")


def body_fields_from_fence(fence: Fence, part: str, file: str):
    """Fields of a JSON example or JSON Schema in a code block."""
    if fence.lang not in _JSONISH or "{" not in fence.text:
        end = fence.lines[-1][0] if fence.lines else fence.line
        message = f"code block (lines {fence.line}-{end}) is not a JSON object; not imported"
        return [], [ImportNote(file, fence.line, message)]
    schema = _json_schema(fence.text)
    if schema is not None:
        return _fields_from_schema(schema, fence.line + 1, part), []
    fields = _fields_from_example(fence, part)
    canonical = all(" (required" in f.type or "(optional" in f.type for f in fields)
    if fields and not canonical:
        last = fence.lines[-1][0] if fence.lines else fence.line
        message = (
            f"{len(fields)} {part} fields read from the JSON on lines {fence.line}-{last}; "
            "types inferred from the example values"
        )
        return fields, [ImportNote(file, fence.line, message)]
    return fields, []


def _json_schema(text: str) -> dict | None:
    try:
        data = json.loads(_without_comments(text))
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get("properties"), dict):
        return data
    return None


def _without_comments(text: str) -> str:
    lines = [_split_comment(line)[0] for line in text.split("\n")]
    return re.sub(r",(\s*[}\]])", r"\1", "\n".join(lines))


def _fields_from_schema(schema: dict, line: int, part: str, prefix: str = "") -> list:
    required = set(schema.get("required") or [])
    fields = []
    for name, spec in schema["properties"].items():
        spec = spec if isinstance(spec, dict) else {}
        kind = spec.get("type", "any")
        kind = " | ".join(kind) if isinstance(kind, list) else str(kind)
        constraints = ", ".join(
            f"{key} {spec[key]}"
            for key in ("format", "minLength", "maxLength", "minimum", "maximum", "enum", "default")
            if key in spec
        )
        full_name = f"{prefix}{name}"
        fields.append(
            ParsedBodyField(
                line,
                part,
                full_name,
                kind,
                name in required,
                constraints.replace("[", "").replace("]", "").replace("'", ""),
                str(spec.get("description", "")),
            )
        )
        if isinstance(spec.get("properties"), dict):
            fields += _fields_from_schema(spec, line, part, f"{full_name}.")
    return fields


_KEY_VALUE = re.compile(
    r'^(?:"(?P<key>(?:[^"\\]|\\.)+)"|(?P<bare>[A-Za-z_$][\w$]*)\??)\s*:\s*(?P<value>.*?)[,;]?\s*$'
)


def _fields_from_example(fence: Fence, part: str) -> list[ParsedBodyField]:
    stack: list[str | None] = []
    fields: dict[str, ParsedBodyField] = {}
    for line, text in fence.lines:
        code, comment = _split_comment(text.strip())
        match = _KEY_VALUE.match(code)
        opened = _net_brackets(code)
        if match is None:
            _move(stack, opened, None)
            continue
        key = match["key"] or match["bare"]
        name = ".".join([*filter(None, stack), key])
        if name not in fields and key != "...":
            fields[name] = _example_field(line, part, name, match["value"], comment)
        if opened > 0:
            array = match["value"].lstrip().startswith("[")
            _move(stack, opened, f"{key}[]" if array else key)
        else:
            _move(stack, opened, None)
    return list(fields.values())


def _move(stack: list, opened: int, key: str | None) -> None:
    if opened > 0:
        stack.append(key)
        stack.extend([None] * (opened - 1))
    for _ in range(-opened):
        if stack:
            stack.pop()


def _net_brackets(code: str) -> int:
    without_strings = re.sub(r'"(?:[^"\\]|\\.)*"', '""', code)
    opens = without_strings.count("{") + without_strings.count("[")
    return opens - without_strings.count("}") - without_strings.count("]")


def _split_comment(text: str) -> tuple[str, str]:
    """`"a": 1, // note` → (`"a": 1,`, `note`); `//` inside a string is not a comment."""
    in_string = False
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and in_string:
            index += 2
            continue
        if char == '"':
            in_string = not in_string
        elif not in_string and text.startswith(("//", "#"), index):
            return text[:index].rstrip(), text[index:].lstrip("/# ").strip()
        index += 1
    return text, ""


def _example_field(line: int, part: str, name: str, value: str, comment: str) -> ParsedBodyField:
    value = value.strip().rstrip(",")
    kind, required, description = _type_of_example(value)
    if comment:
        lowered = comment.lower()
        required = False if "optional" in lowered else required or "required" in lowered
        description = comment if not description else f"{comment}; {description}"
    if not kind:
        spelled = ParsedBodyField(line, part, name, "")
        spelled, _ = split_field_spec(_string_value(value) or "", spelled)
        if spelled is not None:
            return spelled
        kind = "string"
    return ParsedBodyField(line, part, name, kind, required, "", description)


def _type_of_example(value: str) -> tuple[str, bool, str]:
    """(type, required, description) read from an example value."""
    if value.startswith(("{", "[")):
        return ("object" if value.startswith("{") else "array"), True, ""
    if value in ("true", "false"):
        return "boolean", True, ""
    if value == "null":
        return "null", False, ""
    if re.fullmatch(r"-?\d+", value):
        return "integer", True, ""
    if re.fullmatch(r"-?\d+\.\d+(?:[eE][-+]?\d+)?", value):
        return "number", True, ""
    text = _string_value(value)
    if text is not None:
        if split_field_spec(text, _Spec(""))[0] is not None:
            return "", True, ""
        if _TYPE.fullmatch(text.strip()):
            return text.strip(), True, ""
        return "string", True, f"e.g. {text[:60]}" if text else ""
    return value.strip("<>") or "string", True, ""


def _string_value(value: str) -> str | None:
    """The text of a JSON string literal (`"a"` → `a`), or None for any other value."""
    if not value.startswith('"'):
        return None
    try:
        text = json.loads(value)
    except ValueError:
        return value.strip('"')
    return text if isinstance(text, str) else None
