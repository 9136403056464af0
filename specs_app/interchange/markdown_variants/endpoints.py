"""Real-world REST endpoint specs → ParsedApi.

Reads the common variants of the template: method and path in a heading (any level, bare, in
backticks, numbered), a name heading with Method/Path labels, `Endpoint: GET /x`, `GET /x` as
a paragraph or a code block's first line, list items and summary tables that start with a
method and path; and the parts of an endpoint under labels or headings with their usual
synonyms, as lists, tables, JSON (with comments) or inline text.

Everything the format has no place for is kept as a business rule of its endpoint, or named in
a warning with its line. Warnings list what was skipped, guessed or normalised; errors (from
blocks.py) mean content would be lost, and make the importer refuse the file.
"""

import re
from dataclasses import dataclass, field

from specs_app.interchange.markdown_variants.blocks import (
    Block,
    Fence,
    Heading,
    ListItem,
    Paragraph,
    Table,
    read_blocks,
    strip_code,
)
from specs_app.interchange.markdown_variants.values import (
    body_fields_from_fence,
    body_fields_from_items,
    body_fields_from_table,
    column_index,
    parameter_from_text,
    parameters_from_table,
    status_codes_in,
)
from specs_app.interchange.records import (
    ImportWarning,
    ParsedApi,
    ParsedEndpoint,
    ParsedError,
    ParsedItem,
    ParsedParameter,
    ParsedTestCase,
)

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_METHOD_PATH = re.compile(
    r"(?<![\w/])(?P<method>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s*:?\s+`?"
    r"(?P<path>(?:https?://[^\s/`]+)?/[^\s`]*)`?",
)
_LABEL = re.compile(r"^(?P<label>[^:]{1,60}?)\s*:\s*(?P<value>.*)$")
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*[.)]?|[A-Z][.)])(?:\s+|$)")
_STATUS_IN_LABEL = re.compile(r"\b(?P<code>[1-5]\d\d)\b")
_LEADING_STATUS = re.compile(r"^(?:HTTP\s+)?(?P<code>[1-5]\d\d)\b")
_CHECKBOX = re.compile(r"^\[(?P<mark>[ xX])\]\s*(?P<text>.*)$")

# Part kinds
METHOD, PATH, ENDPOINT, AUTH, OWNERSHIP = "method", "path", "endpoint", "auth", "ownership"
HEADERS, PATH_PARAMS, QUERY_PARAMS, PARAMS = "header", "path_params", "query", "params"
REQUEST, REQUEST_BODY, RESPONSE, ERRORS = "request", "request_body", "response", "errors"
STATUS_CODES, RULES, TESTS, BODY = "status_codes", "rules", "tests", "body"

_SYNONYMS = {
    METHOD: ("method", "http method", "verb"),
    PATH: ("path", "url", "route", "uri", "endpoint path", "endpoint url"),
    ENDPOINT: ("endpoint",),
    AUTH: (
        "authentication",
        "auth",
        "auth required",
        "authentication required",
        "authorization",
        "requires authentication",
        "security",
        "authentication & authorization",
    ),
    OWNERSHIP: ("user ownership", "ownership", "data isolation", "user isolation", "access"),
    HEADERS: ("headers", "request headers", "required headers", "header", "request header"),
    PATH_PARAMS: (
        "path parameters",
        "path params",
        "url parameters",
        "url params",
        "route parameters",
        "path variables",
        "path parameter",
        "path param",
    ),
    QUERY_PARAMS: (
        "query parameters",
        "query params",
        "query string",
        "query string parameters",
        "query",
        "filters",
        "query parameter",
        "query param",
    ),
    PARAMS: ("parameters", "params", "parameter", "request parameters", "input parameters"),
    REQUEST: ("request",),
    REQUEST_BODY: (
        "request body",
        "request schema",
        "request payload",
        "payload",
        "input",
        "body parameters",
        "json body",
        "request body schema",
        "request example",
        "example request",
        "example request body",
    ),
    BODY: ("body", "body schema", "schema", "fields"),
    RESPONSE: (
        "response",
        "success response",
        "response body",
        "success",
        "returns",
        "response schema",
        "output",
        "successful response",
        "example response",
        "response example",
        "success response body",
        "response format",
        "response (success)",
    ),
    ERRORS: (
        "error responses",
        "errors",
        "error codes",
        "error cases",
        "error handling",
        "failure responses",
        "possible errors",
        "error response",
        "error scenarios",
    ),
    STATUS_CODES: ("status codes", "response codes", "http status codes", "responses", "status"),
    RULES: (
        "business rules",
        "rules",
        "notes",
        "validation",
        "validation rules",
        "behavior",
        "behaviour",
        "business logic",
        "logic",
        "constraints",
        "description",
        "purpose",
        "summary",
        "side effects",
        "implementation notes",
        "note",
    ),
    TESTS: ("test cases", "tests", "acceptance criteria", "test scenarios", "testing"),
}
_PART_OF_LABEL = {synonym: kind for kind, names in _SYNONYMS.items() for synonym in names}
#: Parts whose content is a list of parameters, with the location they give.
_PARAMETER_PARTS = {HEADERS: "header", PATH_PARAMS: "path", QUERY_PARAMS: "query", PARAMS: ""}
#: A part named only by its label, read as a business rule prefixed with that label.
_KEEP_LABELLED = {RULES: ("description", "purpose", "summary")}


def part_of(label: str) -> tuple[str | None, int | None]:
    """(part kind, status code named in the label) for a label such as `Success Response (201
    Created)`, or (None, None) when the label is not one of the synonyms."""
    text = strip_code(label).lower().strip(" *:.-")
    text = _NUMBERING.sub("", text)
    status = _STATUS_IN_LABEL.search(text)
    code = int(status["code"]) if status else None
    base = re.sub(r"\(.*?\)|\b[1-5]\d\d\b[\w ]*", "", text)
    base = " ".join(base.replace("/", " ").split()).strip(" -:")
    kind = _PART_OF_LABEL.get(base)
    if kind is None and code is not None and base in ("", "ok", "created"):
        kind = RESPONSE
    return kind, code


@dataclass
class _Open:
    """The endpoint being read, where it started and which of its parts takes content."""

    endpoint: ParsedEndpoint
    level: int  # heading level that ends it (0: ended by the next endpoint or non-list block)
    part: str | None = None
    part_label: str = ""
    context: str = ""  # request | response: where `Body`/`Schema` labels belong
    from_heading: bool = True
    #: The heading itself gave the method and path: a `GET /path` line below it is an example.
    method_in_heading: bool = False


@dataclass
class _Reader:
    file: str
    api: ParsedApi = field(default_factory=ParsedApi)
    warnings: list[ImportWarning] = field(default_factory=list)
    current: _Open | None = None
    pending: Heading | None = None  # a heading that may name the endpoint below it
    section: Heading | None = None  # the last heading read
    named_by_section: ParsedEndpoint | None = None  # took its name from `section`
    skipped: dict[int, list[int]] = field(default_factory=dict)  # heading line → lines
    skipped_titles: dict[int, str] = field(default_factory=dict)

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ImportWarning(self.file, line, message))


def parse_loose_api(text: str, *, file: str) -> tuple[ParsedApi, list[ImportWarning], list]:
    """(api, warnings, errors) for a REST endpoints file in any common variant."""
    document = read_blocks(text, file)
    reader = _Reader(file, warnings=list(document.warnings))
    blocks = _take_title(document.blocks, reader)
    _take_overview(blocks, document.lines, reader)
    for block in blocks:
        _read_block(block, reader)
    _close(reader)
    _report_skipped(reader)
    endpoints = _merge_duplicates(reader.api.endpoints, reader)
    for endpoint in endpoints:
        _complete(endpoint, reader)
    reader.api.endpoints = endpoints
    return reader.api, reader.warnings, list(document.errors)


def _take_title(blocks: list[Block], reader: _Reader) -> list[Block]:
    if blocks and isinstance(blocks[0], Heading) and blocks[0].level == 1:
        reader.api.title = blocks[0].text
        return blocks[1:]
    return blocks


def _take_overview(blocks: list[Block], lines: list[str], reader: _Reader) -> None:
    """The prose before the first heading is the overview, as written; a table, code block or
    endpoint line there ends it and is read like any other block."""
    taken = 0
    while taken < len(blocks) and _is_prose(blocks[taken]):
        taken += 1
    if not taken:
        return
    start, end = blocks[0].line, blocks[taken].line if taken < len(blocks) else len(lines) + 1
    overview = "\n".join(lines[start - 1 : end - 1]).strip()
    if overview:
        reader.api.overview = overview
        reader.api.overview_line = start
    del blocks[:taken]


def _is_prose(block: Block) -> bool:
    if not isinstance(block, (Paragraph, ListItem)):
        return False
    return _METHOD_PATH.match(strip_code(block.text)) is None


# ---------------------------------------------------------------------------------------------
# Blocks


def _read_block(block: Block, reader: _Reader) -> None:
    if isinstance(block, Heading):
        _read_heading(block, reader)
    elif not _starts_endpoint(block, reader):
        if reader.current is None:
            _skip(block, reader)
            return
        if not isinstance(block, Paragraph):
            reader.pending = None  # content, not a description: the sub-heading was a part
        _read_content(block, reader)


def _read_heading(heading: Heading, reader: _Reader) -> None:
    found = _METHOD_PATH.search(strip_code(heading.text))
    current = reader.current
    if not (current and current.from_heading and heading.level > current.level):
        reader.section, reader.named_by_section = heading, None
    if found:
        _close(reader)
        name = _name_beside(heading.text, found)
        opened = _open(reader, heading.line, found, name, level=heading.level)
        opened.method_in_heading = True
        return
    if current and current.from_heading and heading.level > current.level:
        _set_part(current, heading.text, heading.line, "", reader)
        # A sub-heading that is not a part may name an endpoint of its own (`### Empty the
        # cart` then a request line), or be a part the format lacks; what follows tells.
        reader.pending = heading if part_of(heading.text)[0] is None else None
        return
    _close(reader)
    reader.pending = heading


def _name_beside(text: str, found: re.Match) -> str:
    """What a heading says besides its method and path: `Create task` in `2. Create task: POST
    /tasks`."""
    plain = strip_code(text)
    rest = (plain[: found.start()] + " " + plain[found.end() :]).strip()
    rest = _NUMBERING.sub("", rest)
    rest = re.sub(r"^(?:endpoint|route)\s*:?\s*", "", rest, flags=re.IGNORECASE)
    return rest.strip(" -–—:|()[]").strip()


def _open(reader: _Reader, line: int, found: re.Match, name: str, *, level: int) -> _Open:
    method, path = found["method"], _clean_path(found["path"])
    endpoint = ParsedEndpoint(line, name, method=method, path=path, lines={"name": line})
    endpoint.lines.update(method=line, path=line)
    reader.current = _Open(endpoint, level, from_heading=level > 0)
    reader.api.endpoints.append(endpoint)
    reader.pending = None
    return reader.current


def _clean_path(path: str) -> str:
    path = re.sub(r"^https?://[^/]+", "", path)
    return path.split("?", 1)[0].split("#", 1)[0].rstrip(".,;:)")


def _close(reader: _Reader) -> None:
    reader.current = None


def _starts_endpoint(block: Block, reader: _Reader) -> bool:
    """Is `block` a marker of a new endpoint (and was it read as one)?"""
    if reader.current is not None and reader.current.method_in_heading and reader.pending is None:
        return False
    if isinstance(block, Table):
        return _summary_table(block, reader)
    if isinstance(block, Fence):
        first = next((text.strip() for _, text in block.lines if text.strip()), "")
        found = _METHOD_PATH.match(first)
        if found is None or block.lang in ("json", "javascript", "js"):
            return False
        if reader.current is not None and reader.current.endpoint.method and not reader.pending:
            return False
        _marker(block.line, found, "", reader)
        _headers_after_request_line(block, reader)
        return True
    text = _without_item_id(strip_code(block.text)) if isinstance(block, ListItem) else None
    text = text or strip_code(block.text)
    found = _METHOD_PATH.match(text)
    if found:
        rest = text[found.end() :].strip(" :-–—")
        if isinstance(block, ListItem) and not _expects_endpoint_list(reader):
            return False
        return _marker(block.line, found, rest, reader, list_item=isinstance(block, ListItem))
    label = _LABEL.match(text)
    if label and part_of(label["label"])[0] in (ENDPOINT, PATH):
        found = _METHOD_PATH.search(label["value"])
        if found:
            return _marker(block.line, found, "", reader)
    if label and part_of(label["label"])[0] == METHOD and reader.current is None:
        return _method_label(block.line, label["value"], reader)
    return False


def _without_item_id(text: str) -> str | None:
    """`FR-002: GET /api/tasks …` → `GET /api/tasks …`: a short identifier before the method."""
    labelled = re.match(r"^[\w.-]{1,12}\s*:\s*(?=(?:" + "|".join(METHODS) + r")\s)", text)
    return text[labelled.end() :] if labelled else None


def _headers_after_request_line(fence: Fence, reader: _Reader) -> None:
    """The `Name: value` lines after `POST /path` in a code block are request headers."""
    lines = [(n, text.strip()) for n, text in fence.lines if text.strip()][1:]
    for line, text in lines:
        if not re.match(r"^[A-Za-z][\w-]*: \S", text):
            break
        name, value = text.split(": ", 1)
        parameter = ParsedParameter(line, "header", name, "string", True, "", value)
        reader.current.endpoint.parameters.append(parameter)


def _expects_endpoint_list(reader: _Reader) -> bool:
    """A list item starting with a method and path is an endpoint unless it sits in a part of
    an endpoint that lists other things."""
    current = reader.current
    return current is None or current.part is None or not current.from_heading


def _marker(line: int, found: re.Match, rest: str, reader: _Reader, list_item=False) -> bool:
    current = reader.current
    if current and current.from_heading and not current.endpoint.method:
        endpoint = current.endpoint
        endpoint.method, endpoint.path = found["method"], _clean_path(found["path"])
        endpoint.lines.update(method=line, path=line)
        return True
    if reader.pending is not None and not list_item:
        heading = reader.pending
        opened = _open(reader, heading.line, found, heading.text, level=heading.level)
        opened.endpoint.lines.update(method=line, path=line)
        reader.named_by_section = opened.endpoint
        return True
    _close(reader)
    if reader.named_by_section is not None and not list_item:
        # A second endpoint under the same heading: the heading names a group, not each one.
        reader.named_by_section.name = ""
        reader.named_by_section = None
    section_level = reader.section.level if reader.section and not list_item else 0
    opened = _open(reader, line, found, "", level=section_level)
    opened.from_heading = section_level > 0
    if rest:
        opened.endpoint.business_rules.append(ParsedItem(line, rest))
    return True


def _method_label(line: int, value: str, reader: _Reader) -> bool:
    """`Method: GET` under a name heading opens that heading's endpoint; its path follows."""
    method = strip_code(value).upper().split()[0] if value.strip() else ""
    if method not in METHODS or reader.pending is None:
        return False
    heading = reader.pending
    endpoint = ParsedEndpoint(heading.line, heading.text, method=method, lines={"name": line})
    endpoint.lines["method"] = line
    reader.current = _Open(endpoint, heading.level)
    reader.api.endpoints.append(endpoint)
    reader.pending = None
    return True


def _summary_table(table: Table, reader: _Reader) -> bool:
    """A table whose rows name a method and a path lists endpoints."""
    found_any = False
    description = column_index(table.header, ("description", "purpose", "summary", "notes"))
    for line, cells in table.rows:
        found = _method_path_in_cells(cells)
        if found is None:
            continue
        found_any = True
        _close(reader)
        opened = _open(reader, line, found, "", level=0)
        opened.from_heading = False
        if description is not None and description < len(cells) and cells[description]:
            opened.endpoint.business_rules.append(ParsedItem(line, cells[description]))
    if found_any:
        _close(reader)
    return found_any


def _method_path_in_cells(cells: list[str]) -> re.Match | None:
    plain = [strip_code(cell) for cell in cells]
    for cell in plain:
        found = _METHOD_PATH.match(cell)
        if found:
            return found
    methods = [cell.upper() for cell in plain if cell.upper() in METHODS]
    paths = [cell for cell in plain if cell.startswith("/")]
    if methods and paths:
        return _METHOD_PATH.match(f"{methods[0]} {paths[0].split()[0]}")
    return None


def _skip(block: Block, reader: _Reader) -> None:
    heading = reader.pending
    key = heading.line if heading else 0
    reader.skipped.setdefault(key, []).append(block.line)
    reader.skipped_titles[key] = heading.text if heading else ""


def _report_skipped(reader: _Reader) -> None:
    for heading_line, lines in reader.skipped.items():
        title = reader.skipped_titles[heading_line]
        where = f"section “{title}”" if title else "text outside any section"
        line = heading_line or lines[0]
        reader.warn(
            line, f"{where} (lines {lines[0]}-{lines[-1]}) is not an endpoint; not imported"
        )


# ---------------------------------------------------------------------------------------------
# Parts of an endpoint


def _read_content(block: Block, reader: _Reader) -> None:
    current = reader.current
    if not current.from_heading and not isinstance(block, Fence):
        # A list item or table row endpoint owns only the code block right under it.
        _close(reader)
        _skip(block, reader)
        return
    if isinstance(block, (Paragraph, ListItem)) and _label_line(block, current, reader):
        return
    _read_into_part(block, current, reader)


def _label_line(block: Paragraph | ListItem, current: _Open, reader: _Reader) -> bool:
    """`Label: value` starting a part: sets the part and reads its inline value."""
    checkbox = _CHECKBOX.match(block.text)
    if checkbox:
        return False
    label = _LABEL.match(block.text)
    kind, code = part_of(label["label"]) if label else part_of(block.text)
    if kind is None and not (label and isinstance(block, Paragraph) and _looks_like_label(label)):
        return False
    value = label["value"].strip() if label else ""
    if current.part in _PARAMETER_PARTS and isinstance(block, ListItem) and _is_parameter(block):
        return False
    _set_part(current, label["label"] if label else block.text, block.line, value, reader, code)
    return True


def _looks_like_label(label: re.Match) -> bool:
    """`Caching: 60 seconds` on a line of its own starts a part the format does not have."""
    words = label["label"].split()
    return len(words) <= 4 and words[0][:1].isupper() and "`" not in label["label"]


def _is_parameter(item: ListItem) -> bool:
    """`- \\`status\\`: …` under a parameters label is a parameter, even when its name happens
    to be a label such as `status`."""
    return item.text.startswith("`")


def _set_part(
    current: _Open, label: str, line: int, value: str, reader: _Reader, code: int | None = None
) -> None:
    kind, label_code = part_of(label)
    code = code or label_code
    endpoint = current.endpoint
    if kind == BODY:
        kind = RESPONSE if current.context == RESPONSE else REQUEST_BODY
    current.part, current.part_label = kind, strip_code(label).strip(" :")
    if kind in (REQUEST, RESPONSE):
        current.context = kind
    if kind is None:
        current.part = RULES
        if value:
            _keep_as_rule(endpoint, line, f"{current.part_label}: {value}", reader)
        return
    _inline_value(kind, value, code, line, current, reader)


def _inline_value(kind, value, code, line, current: _Open, reader: _Reader) -> None:
    endpoint = current.endpoint
    value = value.strip()
    if kind == METHOD:
        method = strip_code(value).upper().split()[0] if value else ""
        if method in METHODS:
            endpoint.method = method
            endpoint.lines["method"] = line
    elif kind in (PATH, ENDPOINT):
        _path_value(value, line, endpoint, reader)
    elif kind == AUTH:
        _authentication(value, line, endpoint, reader)
    elif kind == OWNERSHIP and value:
        endpoint.user_ownership = value
        endpoint.lines["user_ownership"] = line
    elif kind == RESPONSE:
        _response_value(value, code, line, current, reader)
    elif kind in (ERRORS, STATUS_CODES) and value:
        _status_codes_text(value, line, current, reader)
    elif kind in _PARAMETER_PARTS and value and not _is_none(value):
        _add_parameter(value, line, current, reader)
    elif kind in (REQUEST, REQUEST_BODY) and value and not _is_none(value):
        fields, _ = body_fields_from_items([Paragraph(line, value)], "request", reader.file)
        if fields and value.startswith("`"):
            endpoint.body_fields += fields
        else:
            _keep_as_rule(endpoint, line, f"{current.part_label}: {value}", reader)
    elif kind == RULES and value:
        text = value if current.part_label.lower() in _KEEP_LABELLED[RULES] else None
        endpoint.business_rules.append(ParsedItem(line, text or f"{current.part_label}: {value}"))
    elif kind == TESTS and value:
        endpoint.test_cases.append(ParsedTestCase(line, value))


def _is_none(value: str) -> bool:
    words = strip_code(value).lower().strip(" .")
    return words in ("none", "n/a", "-", "no body", "empty", "no request body", "no content", "")


def _path_value(value: str, line: int, endpoint: ParsedEndpoint, reader: _Reader) -> None:
    plain = strip_code(value)
    found = _METHOD_PATH.search(plain)
    if found:
        endpoint.method = found["method"]
        endpoint.path = _clean_path(found["path"])
        endpoint.lines.update(method=line, path=line)
        return
    path = re.search(r"(?:https?://[^\s/]+)?/\S*", plain)
    if path:
        endpoint.path = _clean_path(path.group(0))
        endpoint.lines["path"] = line


def _authentication(value: str, line: int, endpoint: ParsedEndpoint, reader: _Reader) -> None:
    words = strip_code(value).lower()
    if re.search(r"\b(not required|none|no|public|false|anonymous|unauthenticated)\b", words):
        chosen = "None"
    elif "optional" in words:
        chosen = "Optional"
    else:
        chosen = "Required"
    endpoint.authentication = chosen
    endpoint.lines["authentication"] = line
    if words.strip(" .") not in (chosen.lower(), "none (public)"):
        reader.warn(line, f"authentication “{value}” read as {chosen}")
        if len(words.split()) > 2:
            endpoint.business_rules.append(ParsedItem(line, f"Authentication: {value}"))


def _response_value(value: str, code, line: int, current: _Open, reader: _Reader) -> None:
    endpoint = current.endpoint
    if code is None and value:
        leading = _LEADING_STATUS.match(strip_code(value))
        code = int(leading["code"]) if leading else None
    if code is not None and code >= 400:
        reason = _after_code(current.part_label.split(str(code), 1)[-1])
        description = ": ".join(filter(None, [reason, _after_code(value)]))
        endpoint.errors.append(ParsedError(line, code, description))
        current.part = ERRORS
        return
    if code is not None and endpoint.success_status is None:
        endpoint.success_status = code
        endpoint.lines["success_status"] = line
    bare_status = re.fullmatch(r"(?:HTTP\s+)?[1-5]\d\d[\w\s]{0,20}", strip_code(value))
    if value and not _is_none(value) and not bare_status:
        _keep_as_rule(endpoint, line, f"{current.part_label}: {value}", reader)


def _after_code(text: str) -> str:
    return re.sub(r"^(?:HTTP\s+)?[1-5]\d\d\s*[-:–—]?\s*", "", strip_code(text)).strip()


def _status_item(text: str) -> tuple[int, str] | None:
    """`404 Not Found: no such task` or `Forbidden: HTTP 403 (not yours)` → (code, reason)."""
    plain = strip_code(text)
    leading = _LEADING_STATUS.match(plain)
    if leading:
        return int(leading["code"]), _after_code(plain)
    named = re.search(r"\b(?:HTTP|status(?: code)?)\s*:?\s*(?P<code>[1-5]\d\d)\b", plain, re.I)
    if named is None:
        return None
    reason = (plain[: named.start()] + plain[named.end() :]).strip(" :-–—")
    return int(named["code"]), " ".join(reason.split())


def _status_codes_text(text: str, line: int, current: _Open, reader: _Reader) -> None:
    found = status_codes_in(text)
    if not found:
        _keep_as_rule(current.endpoint, line, f"{current.part_label}: {text}", reader)
        return
    for code, description in found:
        _add_status(code, description, line, current, reader)


def _add_status(code: int, description: str, line: int, current: _Open, reader: _Reader) -> None:
    endpoint = current.endpoint
    if code >= 400:
        endpoint.errors.append(ParsedError(line, code, description))
    elif endpoint.success_status is None:
        endpoint.success_status = code
        endpoint.lines["success_status"] = line
    elif code != endpoint.success_status:
        reader.warn(
            line,
            f"endpoint “{_label(endpoint)}”: status {code} is neither its success status "
            f"({endpoint.success_status}) nor an error; kept as a business rule",
        )
        endpoint.business_rules.append(ParsedItem(line, f"Also returns {code} {description}"))


def _keep_as_rule(endpoint: ParsedEndpoint, line: int, text: str, reader: _Reader) -> None:
    endpoint.business_rules.append(ParsedItem(line, text))
    reader.warn(line, f"endpoint “{_label(endpoint)}”: kept as a business rule: {text[:80]!r}")


def _label(endpoint: ParsedEndpoint) -> str:
    return endpoint.name or f"{endpoint.method} {endpoint.path}".strip()


def _read_into_part(block: Block, current: _Open, reader: _Reader) -> None:
    part = current.part
    if part in _PARAMETER_PARTS:
        _parameters_block(block, current, reader)
    elif part in (REQUEST, REQUEST_BODY, RESPONSE):
        _body_block(block, current, reader)
    elif part in (ERRORS, STATUS_CODES):
        _status_block(block, current, reader)
    elif part == TESTS and isinstance(block, (ListItem, Paragraph)):
        _test_case(block, current.endpoint)
    elif isinstance(block, (ListItem, Paragraph)):
        _rule_text(block, current, reader)
    elif isinstance(block, Table):
        _loose_table(block, current, reader)
    else:
        _skip_code(block, current, reader)


def _loose_table(table: Table, current: _Open, reader: _Reader) -> None:
    """A table outside any known part: `| Field | Value |` rows are label lines, a table with
    name and type columns lists parameters, anything else is kept row by row."""
    header = [strip_code(cell).lower() for cell in table.header]
    if len(header) == 2 and header[1] in ("value", "details", "description", "info"):
        for line, cells in table.rows:
            if part_of(cells[0])[0] is not None:
                _set_part(current, cells[0], line, cells[1], reader)
            else:
                _keep_as_rule(current.endpoint, line, f"{cells[0]}: {cells[1]}", reader)
        return
    is_parameters = column_index(table.header, ("type", "data type")) is not None
    if current.part is None and is_parameters:
        current.part, current.part_label = PARAMS, "Parameters"
        _parameters_block(table, current, reader)
        return
    for line, cells in table.rows:
        text = "; ".join(f"{h}: {c}" for h, c in zip(table.header, cells, strict=False) if c)
        _keep_as_rule(current.endpoint, line, text, reader)


def _rule_text(block: ListItem | Paragraph, current: _Open, reader: _Reader) -> None:
    endpoint = current.endpoint
    if current.part == RULES and current.part_label.lower() in _SYNONYMS[RULES]:
        endpoint.business_rules.append(ParsedItem(block.line, block.text))
    elif current.part == RULES:
        _keep_as_rule(endpoint, block.line, f"{current.part_label}: {block.text}", reader)
    else:
        _keep_as_rule(endpoint, block.line, block.text, reader)


def _test_case(block: ListItem | Paragraph, endpoint: ParsedEndpoint) -> None:
    checkbox = _CHECKBOX.match(block.text)
    if checkbox:
        verified = checkbox["mark"] != " "
        endpoint.test_cases.append(ParsedTestCase(block.line, checkbox["text"], verified))
    else:
        endpoint.test_cases.append(ParsedTestCase(block.line, block.text))


def _skip_code(block: Fence, current: _Open, reader: _Reader) -> None:
    end = block.lines[-1][0] if block.lines else block.line
    reader.warn(
        block.line,
        f"endpoint “{_label(current.endpoint)}”: code block (lines {block.line}-{end + 1}) "
        f"under “{current.part_label or 'no label'}” not imported",
    )


def _parameters_block(block: Block, current: _Open, reader: _Reader) -> None:
    location = _PARAMETER_PARTS[current.part]
    endpoint = current.endpoint
    if isinstance(block, Table):
        parameters, warnings = parameters_from_table(block, location, endpoint.path, reader.file)
        endpoint.parameters += parameters
        reader.warnings += warnings
    elif isinstance(block, (ListItem, Paragraph)):
        if not _is_none(block.text):
            _add_parameter(block.text, block.line, current, reader)
    elif isinstance(block, Fence):
        for line, text in block.lines:
            if text.strip():
                _add_parameter(text.strip(), line, current, reader)


def _add_parameter(text: str, line: int, current: _Open, reader: _Reader) -> None:
    location = _PARAMETER_PARTS.get(current.part, "query")
    parameter, remark = parameter_from_text(text, line, location, current.endpoint.path)
    if parameter is None:
        _keep_as_rule(current.endpoint, line, f"{current.part_label}: {text}", reader)
        return
    if remark:
        reader.warn(line, f"parameter “{parameter.name}”: {remark}")
    current.endpoint.parameters.append(parameter)


def _body_block(block: Block, current: _Open, reader: _Reader) -> None:
    part = "response" if current.part == RESPONSE else "request"
    endpoint = current.endpoint
    if isinstance(block, Fence):
        fields, warnings = body_fields_from_fence(block, part, reader.file)
    elif isinstance(block, Table):
        fields, warnings = body_fields_from_table(block, part, reader.file)
    elif isinstance(block, ListItem) and _status_item(block.text):
        code, reason = _status_item(block.text)
        _add_status(code, reason, block.line, current, reader)
        return
    elif isinstance(block, ListItem):
        fields, warnings = body_fields_from_items([block], part, reader.file)
        if not fields:
            _rule_text(block, current, reader)
            return
    else:
        if part == "response" and re.match(r"`?[1-5]\d\d\b", block.text):
            _response_value(block.text, None, block.line, current, reader)
        elif not _is_none(block.text):
            _keep_as_rule(endpoint, block.line, block.text, reader)
        return
    endpoint.body_fields += fields
    reader.warnings += warnings


def _status_block(block: Block, current: _Open, reader: _Reader) -> None:
    if isinstance(block, Table):
        code_at = column_index(block.header, ("status", "code", "status code", "http status"))
        for line, cells in block.rows:
            text = " ".join(cells) if code_at is None else " - ".join(cells[code_at:])
            _status_codes_text(text, line, current, reader)
    elif isinstance(block, (ListItem, Paragraph)):
        found = status_codes_in(block.text)
        if found and block.text.lstrip("`").startswith(str(found[0][0])):
            code, description = found[0][0], _after_code(block.text)
            _add_status(code, description, block.line, current, reader)
        elif found:
            _status_codes_text(block.text, block.line, current, reader)
        else:
            _keep_as_rule(current.endpoint, block.line, block.text, reader)
    else:
        _skip_code(block, current, reader)


# ---------------------------------------------------------------------------------------------
# After reading


def _merge_duplicates(endpoints: list[ParsedEndpoint], reader: _Reader) -> list[ParsedEndpoint]:
    """An endpoint described twice (a summary table, then its section) is one endpoint."""
    kept: dict[tuple[str, str], ParsedEndpoint] = {}
    result = []
    for endpoint in endpoints:
        if not endpoint.method or not endpoint.path:
            reader.warn(
                endpoint.line,
                f"“{endpoint.name}” has no method and path; not imported as an endpoint",
            )
            continue
        key = (endpoint.method, endpoint.path)
        first = kept.get(key)
        if first is None:
            kept[key] = endpoint
            result.append(endpoint)
            continue
        reader.warn(
            endpoint.line,
            f"{endpoint.method} {endpoint.path} appears again; merged into the endpoint on "
            f"line {first.line}",
        )
        _merge_into(first, endpoint)
    return result


def _merge_into(first: ParsedEndpoint, other: ParsedEndpoint) -> None:
    if not first.name and other.name:
        first.name = other.name
    for attribute in ("authentication", "user_ownership", "success_status"):
        if not getattr(first, attribute) and getattr(other, attribute):
            setattr(first, attribute, getattr(other, attribute))
            first.lines[attribute] = other.lines.get(attribute, other.line)
    _extend_new(first.parameters, other.parameters, lambda p: (p.location, p.name))
    _extend_new(first.body_fields, other.body_fields, lambda f: (f.part, f.name))
    _extend_new(first.errors, other.errors, lambda e: e.status_code)
    _extend_new(first.business_rules, other.business_rules, lambda r: r.text)
    _extend_new(first.test_cases, other.test_cases, lambda t: t.text)


def _extend_new(items: list, more: list, key) -> None:
    seen = {key(item) for item in items}
    for item in more:
        if key(item) not in seen:
            items.append(item)
            seen.add(key(item))


def _complete(endpoint: ParsedEndpoint, reader: _Reader) -> None:
    """Fill what the format requires and the file left out, saying so."""
    label = f"{endpoint.method} {endpoint.path}"
    if not endpoint.name:
        endpoint.name = label
        reader.warn(endpoint.line, f"endpoint {label}: no name given; named “{label}”")
    if not endpoint.authentication:
        endpoint.authentication = "Required"
        reader.warn(endpoint.line, f"endpoint {label}: authentication not stated; Required assumed")
    if endpoint.success_status is None:
        endpoint.success_status = 201 if endpoint.method == "POST" else 200
        reader.warn(
            endpoint.line,
            f"endpoint {label}: success status not stated; {endpoint.success_status} assumed",
        )
    _dedupe_children(endpoint, reader)
    _path_parameters_from_path(endpoint, reader)


def _dedupe_children(endpoint: ParsedEndpoint, reader: _Reader) -> None:
    for attribute, key in (
        ("parameters", lambda p: (p.location, p.name)),
        ("body_fields", lambda f: (f.part, f.name)),
        ("errors", lambda e: (e.status_code, e.description)),
    ):
        unique: dict = {}
        for item in getattr(endpoint, attribute):
            if key(item) in unique:
                reader.warn(item.line, f"endpoint “{endpoint.name}”: repeated {key(item)} skipped")
            else:
                unique[key(item)] = item
        setattr(endpoint, attribute, list(unique.values()))


def _path_parameters_from_path(endpoint: ParsedEndpoint, reader: _Reader) -> None:
    declared = {p.name for p in endpoint.parameters if p.location == "path"}
    for name in re.findall(r"\{([^{}/]+)\}|(?<=/):(\w+)", endpoint.path):
        name = next(part for part in name if part)
        if name in declared:
            continue
        line = endpoint.lines.get("path", endpoint.line)
        endpoint.parameters.append(ParsedParameter(line, "path", name, "string", True))
        reader.warn(line, f"endpoint “{endpoint.name}”: path parameter “{name}” read from the path")
        declared.add(name)
