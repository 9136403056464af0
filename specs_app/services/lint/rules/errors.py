from collections.abc import Iterator

from specs_app.models import Authentication, ErrorCase
from specs_app.models.lint import Severity
from specs_app.services.lint.content import LintContent
from specs_app.services.lint.findings import Hit
from specs_app.services.lint.registry import rule
from specs_app.services.lint.rules.http import request_fields
from specs_app.services.lint.settings import LintSettings


def error_codes(content: LintContent, endpoint) -> set[int]:
    return {error.status_code for error in content.children(endpoint, ErrorCase)}


@rule(
    "errors.auth-no-401",
    severity=Severity.ERROR,
    title="Authentication Required without 401",
    flags="An endpoint with Authentication Required that does not declare 401.",
    example="`**Authentication**: Required` with errors 404 and 500 only.",
    fix="Declare `- 401: Missing or invalid access token`.",
)
def auth_without_401(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for endpoint in content.endpoints:
        required = endpoint.authentication == Authentication.REQUIRED
        if required and 401 not in error_codes(content, endpoint):
            yield (
                content.item(endpoint),
                "Authentication is required but 401 is not declared: add "
                "`401: Missing or invalid access token`.",
            )


@rule(
    "errors.body-no-400",
    severity=Severity.ERROR,
    title="Request body without 400 or 422",
    flags="An endpoint with a request body that declares neither 400 nor 422 for invalid input.",
    example="POST /api/v1/tasks with a body and errors 401 and 500 only.",
    fix="Declare what invalid input gets, e.g. "
    "`- 400: Title missing, empty or longer than 200 characters`.",
)
def body_without_400(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for endpoint in content.endpoints:
        codes = error_codes(content, endpoint)
        if request_fields(content, endpoint) and not codes & {400, 422}:
            yield (
                content.item(endpoint),
                "The request has a body but no 400 or 422 is declared: say what invalid input "
                "gets.",
            )


@rule(
    "errors.no-500",
    severity=Severity.WARNING,
    title="No 500 declared",
    flags="An endpoint that does not declare 500 for unexpected server errors.",
    example="GET /api/v1/health with `- 503: Database unreachable` only.",
    fix="Declare `- 500: Unexpected server error`, so clients know the error body's shape.",
)
def no_500(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for endpoint in content.endpoints:
        if 500 not in error_codes(content, endpoint):
            yield (
                content.item(endpoint),
                "No 500 is declared: add `500: Unexpected server error`.",
            )


@rule(
    "errors.missing-description",
    severity=Severity.ERROR,
    title="Error without a description",
    flags="An error code with an empty description.",
    example="`- 404:` with nothing after the colon.",
    fix="Say when the error happens: `- 404: No task with this id belongs to the caller`.",
)
def error_without_description(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for endpoint in content.endpoints:
        for error in content.children(endpoint, ErrorCase):
            if not error.description.strip():
                yield (
                    content.item(error),
                    f"Error {error.status_code} has no description: say when it happens.",
                )
