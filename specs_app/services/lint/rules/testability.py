import re
from collections.abc import Iterator
from http import HTTPStatus

from specs_app.models import BusinessRule, ErrorCase, TestCase
from specs_app.models.lint import Severity
from specs_app.services.lint.content import LintContent
from specs_app.services.lint.findings import Hit
from specs_app.services.lint.registry import rule
from specs_app.services.lint.settings import LintSettings
from specs_app.services.lint.text import significant_words

#: The catch-all "unexpected server error" cannot be provoked on purpose by a test.
UNTESTABLE_CODES = frozenset({500})


@rule(
    "test.endpoint-no-tests",
    severity=Severity.ERROR,
    title="Endpoint without test cases",
    flags="An endpoint whose Test Cases list is empty.",
    example="GET /api/v1/tasks with `### Test Cases` followed by `- None`.",
    fix="Add a test case per success path and failure mode, e.g. "
    "`- [ ] GET without a token returns 401`.",
)
def endpoint_without_tests(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for endpoint in content.endpoints:
        if not content.children(endpoint, TestCase):
            yield (
                content.item(endpoint),
                f"{endpoint.method} {endpoint.path} has no test case: add at least one test case "
                "for the success path and one per declared error.",
            )


def mentions_status(text: str, code: int) -> bool:
    """A test case mentions a status code by number (404) or by its reason (not found)."""
    if re.search(rf"(?<!\d){code}(?!\d)", text):
        return True
    try:
        phrase = HTTPStatus(code).phrase.lower()
    except ValueError:
        return False
    return phrase in text.lower()


@rule(
    "test.error-untested",
    severity=Severity.WARNING,
    title="Error code without a test case",
    flags="An error code of an endpoint that no test case of the endpoint mentions, by number "
    "(`404`) or by reason phrase (`not found`). 500 is exempt: the unexpected server error "
    "cannot be provoked on purpose.",
    example="`- 409: The caller already has a tag with this name` while no test case says 409.",
    fix="Add a test case that provokes the error, e.g. "
    '`- [ ] Creating "Work" twice returns 201, then 409`.',
)
def error_without_test(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for endpoint in content.endpoints:
        tests = [case.text for case in content.children(endpoint, TestCase)]
        seen = set()
        for error in content.children(endpoint, ErrorCase):
            code = error.status_code
            if code in seen or code in UNTESTABLE_CODES:
                continue
            seen.add(code)
            if not any(mentions_status(text, code) for text in tests):
                yield (
                    content.item(error),
                    f"No test case of {endpoint.method} {endpoint.path} mentions {code}: add one "
                    f"that provokes it and expects {code}.",
                )


def rule_is_covered(rule_text: str, test_texts: list[str]) -> bool:
    """A business rule counts as covered when one test case of its endpoint shares a
    significant word with it (see `significant_words`)."""
    words = significant_words(rule_text)
    return any(words & significant_words(text) for text in test_texts)


@rule(
    "test.rule-untested",
    severity=Severity.WARNING,
    title="Business rule without a test case",
    flags="A business rule that no test case of its endpoint covers. Heuristic: a rule is "
    "covered when a test case shares at least one significant word with it (three letters or "
    "more, singularised, not a common English word nor generic API vocabulary such as "
    '"returns", "request" or a method name).',
    example="`- created_at and updated_at are set by the server` while no test case talks "
    "about created_at, updated_at or the server.",
    fix="Add a test case that checks the rule, using its words, e.g. "
    "`- [ ] POST sets created_at and updated_at to the server time`.",
)
def rule_without_test(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for endpoint in content.endpoints:
        tests = [case.text for case in content.children(endpoint, TestCase)]
        for business_rule in content.children(endpoint, BusinessRule):
            if not rule_is_covered(business_rule.text, tests):
                yield (
                    content.item(business_rule),
                    f'No test case of {endpoint.method} {endpoint.path} covers "'
                    f'{business_rule.text}": add a test case that checks it.',
                )
