"""The endpoint reader's vocabulary: methods, part labels and their synonyms, the reader's state."""

import re
from dataclasses import dataclass, field

from specs_app.interchange.markdown_variants.blocks import (
    Block,
    Heading,
)
from specs_app.interchange.names import strip_code
from specs_app.interchange.notes import ImportNote
from specs_app.interchange.records import ParsedApi, ParsedEndpoint

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
MODEL = "model"
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
    MODEL: ("model", "data model"),
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
    warnings: list[ImportNote] = field(default_factory=list)
    current: _Open | None = None
    pending: Heading | None = None  # a heading that may name the endpoint below it
    section: Heading | None = None  # the last heading read
    named_by_section: ParsedEndpoint | None = None  # took its name from `section`
    skipped: dict[int, list[int]] = field(default_factory=dict)  # heading line → lines
    skipped_titles: dict[int, str] = field(default_factory=dict)

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ImportNote(self.file, line, message))


def _clean_path(path: str) -> str:
    path = re.sub(r"^https?://[^/]+", "", path)
    return path.split("?", 1)[0].split("#", 1)[0].rstrip(".,;:)")


def _close(reader: _Reader) -> None:
    reader.current = None


def _skip(block: Block, reader: _Reader) -> None:
    heading = reader.pending
    key = heading.line if heading else 0
    reader.skipped.setdefault(key, []).append(block.line)
    reader.skipped_titles[key] = heading.text if heading else ""
