"""A large, realistic spec for measuring the studio at scale.

Each endpoint has 3 parameters, 8 request and 8 response fields, 5 errors, 3 business rules and
4 test cases; each model 15 fields, 2 relationships, 3 indexes, 2 constraints and a migration
note. The same seed always gives the same spec. It is written as the two canonical files and
created through the import service, the way a team's existing spec would arrive.
"""

import random
from dataclasses import dataclass

from specs_app.interchange.canonical.syntax import (
    API_TITLE,
    FIELDS_HEADER,
    FIELDS_SEPARATOR,
    SCHEMA_TITLE,
    json_string,
)
from specs_app.models import Spec, Workspace
from specs_app.services.errors import ServiceError
from specs_app.services.imports import spec_import

_NOUN_TEXT = (
    "account invoice order product customer shipment payment refund coupon review ticket "
    "project task comment team member role permission report dashboard widget alert "
    "webhook token session device address warehouse supplier contract budget expense "
    "category tag label folder document attachment message channel thread event calendar"
)
_NOUNS = _NOUN_TEXT.split()
_WORDS = ("title", "name", "note", "status", "amount", "currency", "email", "phone", "code")
_TYPES = ("string", "integer", "boolean", "datetime", "uuid", "number")
_SQL_TYPES = ("varchar(120)", "integer", "boolean", "timestamp", "uuid", "numeric(12,2)", "text")
_ERRORS = (
    (400, "Invalid input"),
    (401, "Missing or invalid access token"),
    (403, "Not the owner"),
    (404, "Not found"),
    (409, "Conflicts with the current state"),
    (422, "Fails a business rule"),
    (429, "Too many requests"),
)
#: The five endpoints made for each resource: (method, item path?, verb, success status).
_ROUTES = (
    ("GET", False, "List", 200),
    ("POST", False, "Create", 201),
    ("GET", True, "Get", 200),
    ("PATCH", True, "Update", 200),
    ("DELETE", True, "Delete", 204),
)


@dataclass(frozen=True)
class BigSpecSize:
    endpoints: int = 1000
    models: int = 300
    seed: int = 1


def resource_name(index: int) -> str:
    """`invoice`, `order`, …, then `invoice2`, `order2`, …: unique and stable per index."""
    noun = _NOUNS[index % len(_NOUNS)]
    round_number = index // len(_NOUNS)
    return f"{noun}{round_number + 1}" if round_number else noun


def big_spec_markdown(size: BigSpecSize) -> tuple[str, str]:
    """(api markdown, schema markdown) in the canonical format."""
    rng = random.Random(size.seed)
    endpoints = [_endpoint(index, rng) for index in range(size.endpoints)]
    models = [_model(index, size.models, rng) for index in range(size.models)]
    api = "\n\n".join([API_TITLE, "Generated for measuring the studio at scale.", *endpoints])
    schema = "\n\n".join([SCHEMA_TITLE, *models])
    return api + "\n", schema + "\n"


def make_big_spec(*, workspace: Workspace, slug: str, size: BigSpecSize, author=None) -> Spec:
    """Create the spec `workspace/slug` (which must not exist) published as r1."""
    if Spec.objects.filter(workspace=workspace, slug=slug).exists():
        raise ServiceError(f"Spec {workspace.slug}/{slug} exists already; choose another name.")
    api, schema = big_spec_markdown(size)
    result = spec_import(
        workspace=workspace,
        spec_slug=slug,
        title=f"Big spec ({size.endpoints} endpoints, {size.models} models)",
        api_text=api,
        schema_text=schema,
        author=author,
    )
    if not result.ok:
        first = result.errors[0]
        raise ServiceError(f"The generated spec did not import: line {first.line}: {first.message}")
    return result.spec


# ---------------------------------------------------------------------------------------------
# Endpoints


def _endpoint(index: int, rng: random.Random) -> str:
    resource = resource_name(index // len(_ROUTES))
    method, is_item, verb, success = _ROUTES[index % len(_ROUTES)]
    path = f"/api/v1/{resource}s" + ("/{id}" if is_item else "")
    lines = [
        f"## {verb} {resource}",
        "",
        f"**Method**: {method}",
        f"**Path**: {path}",
        "**Authentication**: Required",
        f"**User Ownership**: Only the owner of the {resource} can see or change it",
        "",
        "### Request",
        "- **Headers**:",
        "  - `Authorization`: string (required) - Bearer access token",
        *_location_parameters(is_item),
        "- **Body Schema**:",
        *_json_block(_body_fields(f"{resource}_in", rng)),
        "",
        "### Response",
        f"- **Success ({success})**:",
        *_json_block(_body_fields(f"{resource}_out", rng)),
        "- **Errors**:",
        *[f"  - {code}: {text}" for code, text in sorted(rng.sample(_ERRORS, 5))],
        "",
        "### Business Rules",
        *[
            f"- Rule {n} for {verb.lower()} {resource}: {rng.choice(_WORDS)} is checked"
            for n in (1, 2, 3)
        ],
        "",
        "### Test Cases",
        *[f"- [ ] {verb} {resource} case {n} returns the documented status" for n in (1, 2, 3, 4)],
    ]
    return "\n".join(lines)


def _location_parameters(is_item: bool) -> list[str]:
    if is_item:
        return [
            "- **Path Parameters**:",
            "  - `id`: uuid (required) - Identifier",
            "- **Query Parameters**:",
            "  - `expand`: string (optional) - Related objects to include",
        ]
    return [
        "- **Path Parameters**: None",
        "- **Query Parameters**:",
        "  - `page`: integer (optional, min 1) - Page number",
        "  - `sort`: string (optional) - Field to sort by",
    ]


def _body_fields(prefix: str, rng: random.Random) -> list[tuple[str, str]]:
    names = rng.sample(_WORDS, 8)
    return [
        (
            f"{name}",
            f"{rng.choice(_TYPES)} (required, max {rng.randint(10, 500)}) - {prefix} {name}",
        )
        for name in names
    ]


def _json_block(fields: list[tuple[str, str]]) -> list[str]:
    members = [
        f"    {json_string(name)}: {json_string(spec)}" + ("," if i < len(fields) - 1 else "")
        for i, (name, spec) in enumerate(fields)
    ]
    return ["  ```json", "  {", *members, "  }", "  ```"]


# ---------------------------------------------------------------------------------------------
# Models


def _model(index: int, count: int, rng: random.Random) -> str:
    resource = resource_name(index)
    table = f"{resource}s"
    parent = resource_name(index - 1) if index else resource_name(count - 1)
    child = resource_name((index + 1) % count)
    lines = [
        f"## {resource.title()}",
        "",
        f"**Table**: {table}",
        f"**Ownership**: Rows belong to the owner in {parent}_id",
        "",
        "### Fields",
        FIELDS_HEADER,
        FIELDS_SEPARATOR,
        "| id | uuid | PK | Primary key |",
        f"| {parent}_id | uuid | FK -> {parent}s.id, NOT NULL | Parent {parent} |",
        *[_field_row(n, rng) for n in range(13)],
        "",
        "### Relationships",
        f"- Belongs to: {parent.title()} ({parent}_id -> {parent}s.id, CASCADE on delete)",
        f"- Has many: {child.title()} (via {child}s.{resource}_id)",
        "",
        "### Indexes",
        f"- `idx_{table}_parent` on ({parent}_id) - for ownership queries",
        f"- `idx_{table}_field_0` on (field_0, field_1)",
        f"- `uq_{table}_field_2` UNIQUE on (field_2) - one per value",
        "",
        "### Constraints",
        f"- {parent}_id must point at an existing {parent}",
        "- field_0 is never empty",
        "",
        "### Migration Notes",
        f"- Created in migration {index + 1:04d}",
    ]
    return "\n".join(lines)


def _field_row(number: int, rng: random.Random) -> str:
    nullable = rng.random() < 0.3
    constraints = "NULL" if nullable else "NOT NULL"
    if number == 3:
        constraints += ", DEFAULT 0"
    return f"| field_{number} | {rng.choice(_SQL_TYPES)} | {constraints} | Field {number} |"
