"""Canonical markdown (docs/format.md) → parsed dataclasses, with a warning for every line that
is not understood. Canonical input gives no warning; nothing is dropped without one.

Values are read as written, not validated: the importer validates them with the models' own
validators so that the messages are the editor's.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from specs_app.interchange.canonical.syntax import (
    API_TITLE,
    FIELDS_COLUMNS,
    NO_CONTENT,
    NONE,
    SCHEMA_TITLE,
    read_json_line,
    split_field_constraints,
    split_index,
    split_table_row,
)
from specs_app.interchange.lines import split_field_spec, split_relationship
from specs_app.interchange.notes import ImportNote
from specs_app.interchange.records import (
    ParsedApi,
    ParsedBodyField,
    ParsedEndpoint,
    ParsedError,
    ParsedField,
    ParsedItem,
    ParsedModel,
    ParsedParameter,
    ParsedSchema,
    ParsedTestCase,
)
from specs_app.models.validators import normalize_overview
from specs_app.vocabulary import DEFAULT_API_PATH, DEFAULT_SCHEMA_PATH

Line = tuple[int, str]  # (1-based line number, text)

_LABEL = re.compile(r"^\*\*(?P<label>[^*]+)\*\*:(?P<value>.*)$")
_PARAMETER = re.compile(r"^- `(?P<name>[^`]*)`: (?P<spec>.*)$")
_ERROR = re.compile(r"^- (?P<code>\d+):(?P<description>.*)$")
_SUCCESS = re.compile(r"^Success \((?P<code>\d+)\)$")
_TEST_CASE = re.compile(r"^\[(?P<mark>[ xX])\](?: (?P<text>.*))?$")
_TABLE_SEPARATOR = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+$")


# ---------------------------------------------------------------------------------------------
# Document structure shared by both files


@dataclass
class _Item:
    """A `- ` list item and the lines indented under it (with two spaces removed)."""

    line: int
    text: str
    nested: list[Line] = field(default_factory=list)


@dataclass
class _Subsection:
    line: int
    name: str
    lines: list[Line] = field(default_factory=list)


@dataclass
class _Section:
    line: int
    name: str
    head: list[Line] = field(default_factory=list)
    subsections: list[_Subsection] = field(default_factory=list)


@dataclass
class _Reader:
    file: str
    warnings: list[ImportNote] = field(default_factory=list)

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ImportNote(self.file, line, message))

    def unrecognised(self, line: Line, where: str) -> None:
        self.warn(line[0], f"{where}: line not recognised, skipped: {line[1].strip()!r}")


def _numbered_lines(text: str, reader: _Reader) -> list[Line]:
    if text.startswith("\ufeff"):
        text = text[1:]
        reader.warn(1, "byte order mark removed")
    if "\x00" in text:
        text = text.replace("\x00", "")
        reader.warn(1, "NUL characters removed")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        reader.warn(1, "CR or CRLF line endings read as LF")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return list(enumerate(lines, start=1))


@dataclass
class _File:
    title: str = ""
    overview: str = ""
    overview_line: int = 0
    sections: list[_Section] = field(default_factory=list)


def _split_file(text: str, expected_title: str, reader: _Reader) -> _File:
    lines = _numbered_lines(text, reader)
    result = _File()
    first_section = next((i for i, (_, t) in enumerate(lines) if t.startswith("## ")), len(lines))
    preamble = _take_title(lines[:first_section], expected_title, result, reader)
    _take_overview(preamble, result, reader)
    for number, line_text in lines[first_section:]:
        if line_text.startswith("## "):
            result.sections.append(_Section(number, line_text[3:].strip()))
        else:
            _add_section_line(result.sections[-1], (number, line_text))
    return result


def _take_title(lines: list[Line], expected: str, result: _File, reader: _Reader) -> list[Line]:
    content = [line for line in lines if line[1].strip()]
    if content and content[0][1].startswith("# "):
        number, title = content[0]
        result.title = title
        if title != expected:
            reader.warn(number, f"the title should be {expected!r}")
        return [line for line in lines if line[0] > number]
    reader.warn(content[0][0] if content else 1, f"the file should start with {expected!r}")
    return lines


def _take_overview(lines: list[Line], result: _File, reader: _Reader) -> None:
    kept = []
    for number, text in lines:
        if text.lstrip().startswith("#"):
            reader.warn(number, f"a heading before the first ## section is skipped: {text!r}")
        else:
            kept.append((number, text))
    overview = normalize_overview("\n".join(text for _, text in kept))
    if overview:
        result.overview = overview
        result.overview_line = next(number for number, text in kept if text.strip())


def _add_section_line(section: _Section, line: Line) -> None:
    if line[1].startswith("### "):
        section.subsections.append(_Subsection(line[0], line[1][4:].strip()))
    elif section.subsections:
        section.subsections[-1].lines.append(line)
    else:
        section.head.append(line)


def _read_labels(
    section: _Section, labels: dict[str, str], reader: _Reader
) -> dict[str, tuple[int, str]]:
    """`**Label**: value` lines before the first `###` → {attribute: (line, value)}."""
    values: dict[str, tuple[int, str]] = {}
    for number, text in section.head:
        if not text.strip():
            continue
        match = _LABEL.match(text)
        attribute = labels.get(match["label"]) if match else None
        if attribute is None:
            reader.unrecognised((number, text), f"“{section.name}”")
        elif attribute in values:
            reader.warn(
                number, f"“{section.name}”: **{match['label']}** given twice; kept the last"
            )
        if attribute is not None:
            values[attribute] = (number, match["value"].strip())
    return values


def _items(lines: list[Line], where: str, reader: _Reader) -> list[_Item]:
    items: list[_Item] = []
    for number, text in lines:
        if not text.strip():
            continue
        if text.startswith("- "):
            items.append(_Item(number, text[2:].strip()))
        elif text.startswith("  ") and items:
            items[-1].nested.append((number, text[2:]))
        else:
            reader.unrecognised((number, text), where)
    return items


def _flat_items(lines: list[Line], where: str, reader: _Reader) -> list[_Item]:
    """Items of a plain list; `- None` alone is the empty list."""
    items = _items(lines, where, reader)
    for item in items:
        for nested in item.nested:
            reader.unrecognised(nested, where)
    if len(items) == 1 and items[0].text == NONE:
        return []
    return items


def _dispatch_subsections(
    section: _Section,
    handlers: dict[str, Callable[[_Subsection], None]],
    kind: str,
    reader: _Reader,
) -> None:
    seen = set()
    for subsection in section.subsections:
        handler = handlers.get(subsection.name)
        if handler is None:
            end = subsection.lines[-1][0] if subsection.lines else subsection.line
            reader.warn(
                subsection.line,
                f"“{section.name}”: unknown section “### {subsection.name}” skipped "
                f"(lines {subsection.line}-{end})",
            )
            continue
        if subsection.name in seen:
            reader.warn(subsection.line, f"“{section.name}”: “### {subsection.name}” repeated")
        seen.add(subsection.name)
        handler(subsection)
    for name in handlers:
        if name not in seen:
            reader.warn(section.line, f"{kind} “{section.name}” has no “### {name}” section")


def _looks_like(section: _Section, labels: dict[str, str], subsections: dict) -> bool:
    has_label = any(
        (match := _LABEL.match(text)) and match["label"] in labels for _, text in section.head
    )
    return has_label or any(s.name in subsections for s in section.subsections)


def _skip_section(section: _Section, kind: str, reader: _Reader) -> None:
    reader.warn(
        section.line,
        f"section “## {section.name}” is not {kind} (no known label or ### section); skipped",
    )


# ---------------------------------------------------------------------------------------------
# specs/api/rest-endpoints.md

_ENDPOINT_LABELS = {
    "Method": "method",
    "Path": "path",
    "Authentication": "authentication",
    "User Ownership": "user_ownership",
}
#: Labels an endpoint may leave out (written only when set).
_OPTIONAL_ENDPOINT_LABELS = {"Model": "data_model"}
_PARAMETER_LOCATIONS = {"Headers": "header", "Path Parameters": "path", "Query Parameters": "query"}


def parse_api_markdown(
    text: str, *, file: str = DEFAULT_API_PATH
) -> tuple[ParsedApi, list[ImportNote]]:
    reader = _Reader(file)
    document = _split_file(text, API_TITLE, reader)
    api = ParsedApi(document.title, document.overview, document.overview_line)
    for section in document.sections:
        endpoint = _parse_endpoint(section, reader)
        if endpoint is not None:
            api.endpoints.append(endpoint)
    return api, reader.warnings


def _parse_endpoint(section: _Section, reader: _Reader) -> ParsedEndpoint | None:
    endpoint = ParsedEndpoint(section.line, section.name, lines={"name": section.line})
    handlers = {
        "Request": lambda s: _parse_request(s, endpoint, reader),
        "Response": lambda s: _parse_response(s, endpoint, reader),
        "Business Rules": lambda s: _parse_business_rules(s, endpoint, reader),
        "Test Cases": lambda s: _parse_test_cases(s, endpoint, reader),
    }
    if not _looks_like(section, _ENDPOINT_LABELS, handlers):
        _skip_section(section, "an endpoint", reader)
        return None
    labels = _ENDPOINT_LABELS | _OPTIONAL_ENDPOINT_LABELS
    for attribute, (number, value) in _read_labels(section, labels, reader).items():
        setattr(endpoint, attribute, value)
        endpoint.lines[attribute] = number
    for attribute in _ENDPOINT_LABELS.values():
        if attribute not in endpoint.lines:
            reader.warn(section.line, f"endpoint “{endpoint.name}” has no **{attribute}** line")
    _dispatch_subsections(section, handlers, "endpoint", reader)
    if endpoint.success_status is None:
        reader.warn(
            section.line, f"endpoint “{endpoint.name}” has no **Success (code)** item; 200 assumed"
        )
    return endpoint


def _labelled_items(subsection: _Subsection, where: str, reader: _Reader):
    """(item, label, inline value) for each `- **Label**: value` item."""
    for item in _items(subsection.lines, where, reader):
        match = _LABEL.match(item.text)
        if match is None:
            reader.unrecognised((item.line, f"- {item.text}"), where)
            for nested in item.nested:
                reader.unrecognised(nested, where)
            continue
        yield item, match["label"], match["value"].strip()


def _parse_request(subsection: _Subsection, endpoint: ParsedEndpoint, reader: _Reader) -> None:
    where = f"“{endpoint.name}” ### Request"
    for item, label, value in _labelled_items(subsection, where, reader):
        if label in _PARAMETER_LOCATIONS:
            endpoint.parameters += _parameters(item, value, _PARAMETER_LOCATIONS[label], reader)
        elif label == "Body Schema":
            endpoint.body_fields += _body(item, value, "request", NONE, reader)
        else:
            _unknown_item(item, where, reader)


def _parse_response(subsection: _Subsection, endpoint: ParsedEndpoint, reader: _Reader) -> None:
    where = f"“{endpoint.name}” ### Response"
    for item, label, value in _labelled_items(subsection, where, reader):
        success = _SUCCESS.match(label)
        if success:
            endpoint.success_status = int(success["code"])
            endpoint.lines["success_status"] = item.line
            endpoint.body_fields += _body(item, value, "response", NO_CONTENT, reader)
        elif label == "Errors":
            endpoint.errors += _errors(item, value, reader)
        else:
            _unknown_item(item, where, reader)


def _unknown_item(item: _Item, where: str, reader: _Reader) -> None:
    reader.unrecognised((item.line, f"- {item.text}"), where)
    for nested in item.nested:
        reader.unrecognised(nested, where)


def _is_empty_marker(item: _Item, value: str, empty: str, reader: _Reader) -> bool | None:
    """True for `: None` (or `: No content`), False for `:` with nested lines, None otherwise."""
    if value == empty:
        for nested in item.nested:
            reader.unrecognised(nested, f"after “{empty}”")
        return True
    if value == "":
        return False
    reader.warn(item.line, f"expected nothing or {empty!r} after the colon, found {value!r}")
    return None


def _parameters(item: _Item, value: str, location: str, reader: _Reader) -> list:
    if _is_empty_marker(item, value, NONE, reader) is not False:
        return []
    parameters = []
    for number, text in item.nested:
        match = _PARAMETER.match(text)
        parameter, problem = (None, None)
        if match:
            name = match["name"].strip()
            parameter = ParsedParameter(number, location, name, "")
            parameter, problem = split_field_spec(match["spec"], parameter)
        if parameter is None:
            reason = f" ({problem})" if problem else ""
            reader.warn(number, f"parameter line not recognised{reason}, skipped: {text.strip()!r}")
            continue
        if problem:
            reader.warn(number, problem)
        parameters.append(parameter)
    return parameters


def _body(item: _Item, value: str, part: str, empty: str, reader: _Reader) -> list:
    if _is_empty_marker(item, value, empty, reader) is not False:
        return []
    members = _json_members(item, reader)
    fields = []
    for number, key, spec_text in members:
        body_field = ParsedBodyField(number, part, key.strip(), "")
        body_field, problem = split_field_spec(spec_text, body_field)
        if body_field is None:
            reader.warn(number, f"body field “{key}” not recognised ({problem}), skipped")
            continue
        if problem:
            reader.warn(number, problem)
        fields.append(body_field)
    return fields


def _json_members(item: _Item, reader: _Reader) -> list[tuple[int, str, str]]:
    """The `"key": "value"` lines of a fenced JSON object, checking its frame and commas."""
    frame = {"```json", "{", "}", "```"}
    members = []
    for number, text in item.nested:
        stripped = text.strip()
        if stripped in frame or not stripped:
            continue
        parsed = read_json_line(stripped)
        if parsed is None:
            reader.warn(number, f"JSON line not recognised, skipped: {stripped!r}")
            continue
        members.append((number, *parsed))
    _check_frame([t.strip() for _, t in item.nested if t.strip()], item.line, reader)
    for index, (number, _, _, comma) in enumerate(members):
        if comma != (index < len(members) - 1):
            reader.warn(number, "a comma belongs after every JSON line but the last")
    return [(number, key, value) for number, key, value, _ in members]


def _check_frame(texts: list[str], line: int, reader: _Reader) -> None:
    if texts[:2] != ["```json", "{"] or texts[-2:] != ["}", "```"] or len(texts) < 4:
        reader.warn(line, "a JSON block is fenced as ```json { … } ```")


def _errors(item: _Item, value: str, reader: _Reader) -> list:
    if _is_empty_marker(item, value, NONE, reader) is not False:
        return []
    errors = []
    for number, text in item.nested:
        match = _ERROR.match(text)
        if match is None:
            reader.warn(number, f"error line not recognised, skipped: {text.strip()!r}")
            continue
        errors.append(ParsedError(number, int(match["code"]), match["description"].strip()))
    return errors


def _parse_business_rules(
    subsection: _Subsection, endpoint: ParsedEndpoint, reader: _Reader
) -> None:
    items = _flat_items(subsection.lines, f"“{endpoint.name}” ### Business Rules", reader)
    endpoint.business_rules += [ParsedItem(item.line, item.text) for item in items]


def _parse_test_cases(subsection: _Subsection, endpoint: ParsedEndpoint, reader: _Reader) -> None:
    for item in _flat_items(subsection.lines, f"“{endpoint.name}” ### Test Cases", reader):
        match = _TEST_CASE.match(item.text)
        if match is None:
            reader.warn(item.line, "a test case starts with [ ] or [x]; read as not verified")
            endpoint.test_cases.append(ParsedTestCase(item.line, item.text))
            continue
        verified = match["mark"] != " "
        if match["mark"] == "X":
            reader.warn(item.line, "a verified test case is marked [x] (lower case)")
        text = (match["text"] or "").strip()
        endpoint.test_cases.append(ParsedTestCase(item.line, text, verified))


# ---------------------------------------------------------------------------------------------
# specs/database/schema.md

_MODEL_LABELS = {"Table": "table", "Ownership": "ownership"}


def parse_schema_markdown(
    text: str, *, file: str = DEFAULT_SCHEMA_PATH
) -> tuple[ParsedSchema, list[ImportNote]]:
    reader = _Reader(file)
    document = _split_file(text, SCHEMA_TITLE, reader)
    schema = ParsedSchema(document.title, document.overview, document.overview_line)
    for section in document.sections:
        model = _parse_model(section, reader)
        if model is not None:
            schema.models.append(model)
    return schema, reader.warnings


def _parse_model(section: _Section, reader: _Reader) -> ParsedModel | None:
    model = ParsedModel(section.line, section.name, lines={"name": section.line})

    def items(subsection: _Subsection) -> list[_Item]:
        return _flat_items(subsection.lines, f"“{model.name}” ### {subsection.name}", reader)

    handlers = {
        "Fields": lambda s: _parse_fields(s, model, reader),
        "Relationships": lambda s: _parse_relationships(items(s), model, reader),
        "Indexes": lambda s: _parse_indexes(items(s), model, reader),
        "Constraints": lambda s: model.constraints.extend(_texts(items(s))),
        "Migration Notes": lambda s: model.migration_notes.extend(_texts(items(s))),
    }
    if not _looks_like(section, _MODEL_LABELS, handlers):
        _skip_section(section, "a model", reader)
        return None
    for attribute, (number, value) in _read_labels(section, _MODEL_LABELS, reader).items():
        setattr(model, attribute, value)
        model.lines[attribute] = number
    if "table" not in model.lines:
        reader.warn(section.line, f"model “{model.name}” has no **Table** line")
    _dispatch_subsections(section, handlers, "model", reader)
    return model


def _texts(items: list[_Item]) -> list[ParsedItem]:
    return [ParsedItem(item.line, item.text) for item in items]


def _parse_fields(subsection: _Subsection, model: ParsedModel, reader: _Reader) -> None:
    rows = [(number, text) for number, text in subsection.lines if text.strip()]
    where = f"“{model.name}” ### Fields"
    if not _read_table_header(rows[:2], subsection.line, where, reader):
        rows = [row for row in rows if not _TABLE_SEPARATOR.match(row[1])]
    else:
        rows = rows[2:]
    for number, text in rows:
        cells = split_table_row(text)
        if cells is None or len(cells) != len(FIELDS_COLUMNS):
            reader.warn(number, f"{where}: not a row of four cells, skipped: {text!r}")
            continue
        model.fields.append(_field_from_cells(number, cells, reader))


def _read_table_header(rows: list[Line], line: int, where: str, reader: _Reader) -> bool:
    header = split_table_row(rows[0][1]) if rows else None
    expected = [column.lower() for column in FIELDS_COLUMNS]
    header_ok = header is not None and [cell.lower() for cell in header] == expected
    if header_ok and len(rows) > 1 and _TABLE_SEPARATOR.match(rows[1][1]):
        return True
    reader.warn(rows[0][0] if rows else line, f"{where}: the table header is not {FIELDS_COLUMNS}")
    return False


def _field_from_cells(number: int, cells: list[str], reader: _Reader) -> ParsedField:
    name, field_type, constraints_cell, description = cells
    parsed = ParsedField(number, name, field_type, description=description)
    parsed, remarks = split_field_constraints(constraints_cell, parsed)
    for remark in remarks:
        reader.warn(number, f"field “{name}”: {remark}")
    return parsed


def _parse_relationships(items: list[_Item], model: ParsedModel, reader: _Reader) -> None:
    for item in items:
        relationship = split_relationship(item.text, item.line)
        if relationship is None:
            reader.warn(item.line, f"relationship not recognised, skipped: {item.text!r}")
            continue
        model.relationships.append(relationship)


def _parse_indexes(items: list[_Item], model: ParsedModel, reader: _Reader) -> None:
    for item in items:
        index, problem = split_index(item.text, item.line)
        if index is None:
            reader.warn(item.line, f"index not recognised ({problem}), skipped: {item.text!r}")
            continue
        if problem:
            reader.warn(item.line, problem)
        model.indexes.append(index)
