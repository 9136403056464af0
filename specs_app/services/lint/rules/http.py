import re
from collections.abc import Iterator
from http import HTTPStatus

from specs_app.models import BodyField, Endpoint, ErrorCase, Method, Parameter
from specs_app.models.lint import Severity
from specs_app.services.lint.content import LintContent
from specs_app.services.lint.findings import Hit
from specs_app.services.lint.registry import rule
from specs_app.services.lint.settings import LintSettings

NO_BODY_METHODS = frozenset({Method.GET, Method.DELETE, Method.HEAD})
#: The first word of a POST endpoint's name that says it creates something.
CREATING_VERBS = frozenset({"create", "add", "new", "register", "insert", "upload"})
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def is_http_status(code: int) -> bool:
    try:
        HTTPStatus(code)
    except ValueError:
        return False
    return True


def path_placeholders(path: str) -> list[str]:
    return PLACEHOLDER.findall(path)


def request_fields(content: LintContent, endpoint: Endpoint) -> list[BodyField]:
    return [f for f in content.children(endpoint, BodyField) if f.part == BodyField.Part.REQUEST]


def response_fields(content: LintContent, endpoint: Endpoint) -> list[BodyField]:
    return [f for f in content.children(endpoint, BodyField) if f.part == BodyField.Part.RESPONSE]


def path_parameters(content: LintContent, endpoint: Endpoint) -> list[Parameter]:
    parameters = content.children(endpoint, Parameter)
    return [p for p in parameters if p.location == Parameter.Location.PATH]


@rule(
    "http.body-not-allowed",
    severity=Severity.ERROR,
    title="Request body on GET, DELETE or HEAD",
    flags="A GET, DELETE or HEAD endpoint with a request body: many clients, proxies and "
    "frameworks drop or refuse it.",
    example='DELETE /api/v1/tasks/{task_id} with `"reason": "string (optional)"` in its body.',
    fix="Move the values to query or path parameters, or use POST for the operation.",
)
def body_not_allowed(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for endpoint in content.endpoints:
        if endpoint.method in NO_BODY_METHODS and request_fields(content, endpoint):
            yield (
                content.item(endpoint),
                f"{endpoint.method} must not carry a request body: move its fields to query "
                "parameters, or use POST.",
            )


@rule(
    "http.success-status",
    severity=Severity.ERROR,
    title="Success code not a 2xx status",
    flags="A success code outside 200-299, or a number that is not an HTTP status.",
    example="`- **Success (302)**` or `- **Success (299)**`.",
    fix="Use the 2xx status the endpoint answers with: 200, 201, 202 or 204.",
)
def success_status(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for endpoint in content.endpoints:
        code = endpoint.success_status
        if not (200 <= code <= 299 and is_http_status(code)):
            yield (
                content.item(endpoint),
                f"Success code {code} is not a 2xx HTTP status: use 200, 201, 202 or 204.",
            )


@rule(
    "http.error-status",
    severity=Severity.ERROR,
    title="Error code not a 4xx or 5xx status",
    flags="An error code outside 400-599, or a number that is not an HTTP status.",
    example="`- 200: Not found` or `- 499: Client went away`.",
    fix="Use the 4xx (the client's fault) or 5xx (the server's fault) status that applies.",
)
def error_status(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for endpoint in content.endpoints:
        for error in content.children(endpoint, ErrorCase):
            code = error.status_code
            if not (400 <= code <= 599 and is_http_status(code)):
                yield (
                    content.item(error),
                    f"Error code {code} is not a 4xx or 5xx HTTP status: use the status that "
                    "applies (400, 401, 403, 404, 409, 422, 500…).",
                )


@rule(
    "http.create-not-201",
    severity=Severity.WARNING,
    title="Creating POST without 201",
    flags="A POST endpoint whose name starts with a creating verb (Create, Add, New, Register, "
    "Insert, Upload) and whose success code is not 201.",
    example="`## Create Task` with `**Method**: POST` and `- **Success (200)**`.",
    fix="Answer 201 Created (with the new resource) when the endpoint creates one.",
)
def create_not_201(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for endpoint in content.endpoints:
        words = endpoint.name.lower().split()
        creates = bool(words) and words[0] in CREATING_VERBS
        if endpoint.method == Method.POST and creates and endpoint.success_status != 201:
            yield (
                content.item(endpoint),
                f'"{endpoint.name}" creates a resource but answers {endpoint.success_status}: '
                "use 201 Created.",
            )


@rule(
    "http.no-content-with-body",
    severity=Severity.ERROR,
    title="204 with response fields",
    flags="A success code 204 No Content with response fields: a 204 response has no body.",
    example='`- **Success (204)**` with `"id": "integer (required)"`.',
    fix="Remove the response fields, or answer 200 with them.",
)
def no_content_with_body(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for endpoint in content.endpoints:
        if endpoint.success_status == 204 and response_fields(content, endpoint):
            yield (
                content.item(endpoint),
                "204 No Content has no body: remove the response fields or answer 200.",
            )


@rule(
    "http.path-param-undeclared",
    severity=Severity.ERROR,
    title="Path placeholder without a path parameter",
    flags="A `{name}` in the path with no path parameter of that name.",
    example="`**Path**: /api/v1/tasks/{task_id}` with `- **Path Parameters**: None`.",
    fix="Declare the path parameter: `- `task_id`: integer (required) - Task id`.",
)
def path_param_undeclared(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for endpoint in content.endpoints:
        declared = {p.name for p in path_parameters(content, endpoint)}
        for name in path_placeholders(endpoint.path):
            if name not in declared:
                yield (
                    content.item(endpoint),
                    f"The path has {{{name}}} but no path parameter {name}: declare it under "
                    "Path Parameters.",
                )


@rule(
    "http.path-param-unused",
    severity=Severity.ERROR,
    title="Path parameter not in the path",
    flags="A path parameter whose `{name}` does not appear in the path.",
    example="Path parameter `task_id` on `**Path**: /api/v1/tasks/{id}`.",
    fix="Rename the parameter or the placeholder so that they match, or make it a query parameter.",
)
def path_param_unused(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for endpoint in content.endpoints:
        placeholders = set(path_placeholders(endpoint.path))
        for parameter in path_parameters(content, endpoint):
            if parameter.name not in placeholders:
                yield (
                    content.item(parameter),
                    f"Path parameter {parameter.name} is not in the path {endpoint.path}: add "
                    f"{{{parameter.name}}} to the path or make it a query parameter.",
                )


def path_style_problems(path: str) -> list[str]:
    problems = []
    if not path.startswith("/"):
        problems.append("does not start with /")
    if re.search(r"\s", path):
        problems.append("contains spaces")
    if any(char.isupper() for char in PLACEHOLDER.sub("", path)):
        problems.append("has upper-case letters")
    if len(path) > 1 and path.endswith("/"):
        problems.append("ends with /")
    return problems


@rule(
    "http.path-style",
    severity=Severity.WARNING,
    title="Unconventional path",
    flags="A path that does not start with /, holds spaces, has upper-case letters (outside "
    "{placeholders}) or ends with /.",
    example="`**Path**: api/v1/Tasks/`.",
    fix="Write paths as /lower-case/segments/{param} with no trailing slash: /api/v1/tasks.",
)
def path_style(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for endpoint in content.endpoints:
        if endpoint.path and (problems := path_style_problems(endpoint.path)):
            yield (
                content.item(endpoint),
                f"The path {', '.join(problems)}: write it as /lower-case/segments/{{param}} "
                "without a trailing slash.",
            )


def route_key(endpoint: Endpoint) -> tuple[str, str]:
    """(method, path) with placeholders anonymised, case and a trailing slash ignored:
    /tasks/{id} and /Tasks/{task_id}/ are the same route."""
    path = PLACEHOLDER.sub("{}", endpoint.path.strip().lower())
    return endpoint.method, path.rstrip("/") or "/"


@rule(
    "http.duplicate-route",
    severity=Severity.ERROR,
    title="Duplicate method and path",
    flags="Two endpoints with the same method and path, comparing paths without regard to "
    "placeholder names, case or a trailing slash.",
    example="GET /api/v1/tasks/{id} and GET /api/v1/tasks/{task_id}.",
    fix="Merge the two endpoints, or change the method or path of one of them.",
)
def duplicate_route(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    first_of: dict[tuple[str, str], Endpoint] = {}
    for endpoint in content.endpoints:
        first = first_of.setdefault(route_key(endpoint), endpoint)
        if first is not endpoint:
            yield (
                content.item(endpoint),
                f'Same route as "{first.name}" ({first.method} {first.path}): merge them or '
                "change the method or path of one.",
            )
