from collections.abc import Iterator

from specs_app.models import Authentication, DataModel, ErrorCase, Field, Index
from specs_app.models.lint import Severity
from specs_app.services.lint.content import LintContent
from specs_app.services.lint.findings import Hit
from specs_app.services.lint.registry import rule
from specs_app.services.lint.rules.http import path_parameters, path_placeholders
from specs_app.services.lint.settings import LintSettings
from specs_app.services.lint.text import PLACEHOLDERS, index_column_names, is_placeholder

AUTHENTICATED = frozenset({Authentication.REQUIRED, Authentication.OPTIONAL})
_PLACEHOLDER_LIST = ", ".join(sorted(p for p in PLACEHOLDERS if p))


@rule(
    "ownership.endpoint-missing",
    severity=Severity.ERROR,
    title="Authenticated endpoint without User Ownership",
    flags="An endpoint with Authentication Required or Optional whose User Ownership is empty "
    f"or a placeholder ({_PLACEHOLDER_LIST}).",
    example="`**Authentication**: Required` and `**User Ownership**: TBD`.",
    fix="Say whose data the endpoint reads or writes and how that is enforced, e.g. "
    "`Returns only tasks whose user_id equals the authenticated user's id`.",
)
def endpoint_ownership_missing(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for endpoint in content.endpoints:
        if endpoint.authentication in AUTHENTICATED and is_placeholder(endpoint.user_ownership):
            yield (
                content.item(endpoint),
                "User Ownership is empty or a placeholder: say whose data this endpoint touches "
                "and how it filters by the authenticated user.",
            )


@rule(
    "ownership.path-param-no-404",
    severity=Severity.WARNING,
    title="Authenticated path parameter without 404 or 403",
    flags="An authenticated endpoint (Required or Optional) with a path parameter but no 404 "
    "or 403 error: what happens with another user's id is left open.",
    example="GET /api/v1/tasks/{task_id} with errors 401 and 500 only.",
    fix="Declare `- 404: No task with this id belongs to the caller` (or 403).",
)
def path_param_without_404(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for endpoint in content.endpoints:
        has_path_param = path_placeholders(endpoint.path) or path_parameters(content, endpoint)
        if endpoint.authentication not in AUTHENTICATED or not has_path_param:
            continue
        codes = {error.status_code for error in content.children(endpoint, ErrorCase)}
        if not codes & {403, 404}:
            yield (
                content.item(endpoint),
                "The path names a resource but no 404 or 403 is declared: say what another "
                "user's or a missing id gets (404 does not leak that it exists).",
            )


@rule(
    "ownership.model-missing",
    severity=Severity.ERROR,
    title="Model without Ownership",
    flags=f"A model whose Ownership is empty or a placeholder ({_PLACEHOLDER_LIST}).",
    example="`**Table**: tasks` and `**Ownership**:` with nothing after it.",
    fix="Say who owns the rows and how, e.g. `Enforced via user_id foreign key to users.id`, "
    "or why nobody does (`Shared reference data, read-only`).",
)
def model_ownership_missing(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for model in content.models:
        if is_placeholder(model.ownership):
            yield (
                content.item(model),
                "Ownership is empty or a placeholder: say which user owns each row and how "
                "queries enforce it.",
            )


def first_index_columns(content: LintContent, model: DataModel) -> set[str]:
    firsts = set()
    for index in content.children(model, Index):
        names = index_column_names(index.columns)
        if names and names[0]:
            firsts.add(names[0][0].lower())
    return firsts


def owner_keys(content: LintContent, model: DataModel, owner_table: str) -> list[Field]:
    return [
        field
        for field in content.children(model, Field)
        if field.references.partition(".")[0].lower() == owner_table.lower()
        and not field.primary_key
    ]


@rule(
    "ownership.owner-fk-not-indexed",
    severity=Severity.WARNING,
    title="Owner foreign key without an index",
    flags="A field referencing the owner table (`users` unless the spec's lint settings say "
    "otherwise) with no index whose first column is that field: every ownership-filtered query "
    "scans the table.",
    example="tasks.user_id `FK -> users.id` and only `idx_tasks_created_at` on (created_at).",
    fix="Add an index that starts with the field: `idx_tasks_user_id` on (user_id).",
)
def owner_fk_not_indexed(content: LintContent, settings: LintSettings) -> Iterator[Hit]:
    for model in content.models:
        indexed = first_index_columns(content, model)
        for field in owner_keys(content, model, settings.owner_table):
            if field.name.lower() not in indexed:
                yield (
                    content.item(field),
                    f"{field.name} references the owner table {settings.owner_table} but no "
                    f"index starts with it: add an index on ({field.name}) or "
                    f"({field.name}, …).",
                )
