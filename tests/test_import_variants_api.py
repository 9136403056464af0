"""Real-world variants of the REST endpoints template: each fixture in tests/fixtures/variants/
shows one variant, and each test names the records it must produce."""

from pathlib import Path

import pytest

from specs_app.interchange.markdown_variants.endpoints.labels import part_of
from specs_app.interchange.markdown_variants.endpoints.reader import parse_loose_api

VARIANTS = Path(__file__).parent / "fixtures" / "variants"


def parse(name: str):
    api, warnings, errors = parse_loose_api((VARIANTS / name).read_text(), file=name)
    assert errors == []
    return api, warnings


def by_route(api) -> dict:
    return {(e.method, e.path): e for e in api.endpoints}


def params(endpoint) -> list[tuple]:
    return [(p.location, p.name, p.type, p.required) for p in endpoint.parameters]


def body(endpoint, part: str) -> list[tuple]:
    return [(f.name, f.type, f.required) for f in endpoint.body_fields if f.part == part]


def errors(endpoint) -> list[tuple]:
    return [(e.status_code, e.description) for e in endpoint.errors]


def line_of(name: str, text: str) -> int:
    lines = (VARIANTS / name).read_text().split("\n")
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_method_and_path_in_headings_numbered_in_backticks_at_any_level():
    api, _ = parse("api_method_in_heading.md")

    routes = by_route(api)
    assert list(routes) == [
        ("POST", "/api/{user_id}/notes"),
        ("GET", "/api/{user_id}/notes"),
        ("DELETE", "/api/notes/{id}"),
    ]
    create = routes["POST", "/api/{user_id}/notes"]
    assert create.line == line_of("api_method_in_heading.md", "### 1. POST")
    assert create.name == "POST /api/{user_id}/notes"
    assert create.success_status == 201
    assert errors(create) == [(400, "title missing or too long"), (401, "Unauthorized: no token")]
    assert [r.text for r in create.business_rules] == ["Create a note for the user."]


def test_json_body_with_comments_and_nested_objects_gives_dotted_names():
    api, warnings = parse("api_method_in_heading.md")

    create = by_route(api)["POST", "/api/{user_id}/notes"]
    assert body(create, "request") == [
        ("title", "string", True),
        ("body", "string", True),
        ("pinned", "boolean", True),
        ("meta", "object", True),
        ("meta.color", "string", True),
        ("meta.tags", "array", True),
    ]
    assert create.body_fields[0].description.startswith("required, 1-200 chars")
    assert body(create, "response") == [("id", "integer", True), ("title", "string", True)]
    json_line = line_of("api_method_in_heading.md", "```json")
    assert any(w.line == json_line and "types inferred" in w.message for w in warnings)


def test_query_parameter_table_inline_status_codes_and_path_parameter_from_the_path():
    api, warnings = parse("api_method_in_heading.md")

    listing = by_route(api)["GET", "/api/{user_id}/notes"]
    assert params(listing) == [
        ("query", "limit", "integer", False),
        ("query", "pinned", "boolean", True),
        ("path", "user_id", "string", True),
    ]
    assert listing.success_status == 200
    assert errors(listing) == [(401, "unauthorized"), (403, "forbidden")]
    assert any("path parameter “user_id” read from the path" in w.message for w in warnings)


def test_list_item_labels_with_nested_parameters_public_authentication_and_rules():
    api, _ = parse("api_method_in_heading.md")

    delete = by_route(api)["DELETE", "/api/notes/{id}"]
    assert delete.authentication == "None"
    assert params(delete) == [("path", "id", "integer", True)]
    assert delete.parameters[0].description == "Note id"
    assert delete.success_status == 204
    assert [r.text for r in delete.business_rules] == ["Deleting a missing note returns 404"]


def test_name_heading_with_method_and_path_lines_or_list_items_colon_in_or_out_of_bold():
    api, _ = parse("api_name_heading_labels.md")

    create, listing = api.endpoints
    assert (create.name, create.method, create.path) == ("Create Tag", "POST", "/api/tags")
    assert create.authentication == "Optional"
    assert params(create) == [("header", "Authorization", "string", True)]
    assert body(create, "request") == [("name", "string", True), ("color", "string", False)]
    assert body(create, "response") == [("id", "integer", True)]
    assert create.success_status == 201
    assert (listing.name, listing.method, listing.path) == ("List Tags", "GET", "/api/tags")
    assert params(listing) == [("query", "q", "string", False)]
    assert errors(listing) == [(401, "missing token")]


def test_endpoint_label_with_method_and_path_in_backticks():
    api, _ = parse("api_endpoint_label.md")

    profile, update = api.endpoints
    assert (profile.name, profile.method, profile.path) == ("Get profile", "GET", "/api/users/me")
    assert profile.success_status == 200
    assert [r.text for r in profile.business_rules] == ["Returns the signed-in user."]
    assert (update.name, update.method) == ("Update profile", "PATCH")
    field = update.body_fields[0]
    assert (field.name, field.type, field.required) == ("display_name", "string", False)
    assert (field.constraints, field.description) == ("max 80 chars", "Shown to others")
    assert errors(update) == [(400, "bad request"), (422, "validation failed")]


def test_bold_method_then_path_in_backticks_two_under_one_heading():
    api, _ = parse("api_bold_method.md")

    listing, create = api.endpoints
    assert (listing.method, listing.path) == ("GET", "/api/projects")
    assert listing.name == "GET /api/projects"  # the heading names the group, not each one
    assert [r.text for r in listing.business_rules] == ["Lists the projects of the current team."]
    assert (create.method, create.path, create.success_status) == ("POST", "/api/projects", 201)
    assert body(create, "request") == [("name", "string", True)]


def test_code_block_whose_first_line_is_the_request_line():
    api, _ = parse("api_code_block_first_line.md")

    (archive,) = api.endpoints
    assert (archive.name, archive.method) == ("Archive a board", "POST")
    assert archive.path == "/api/boards/{board_id}/archive"
    assert params(archive) == [
        ("header", "Authorization", "string", True),
        ("path", "board_id", "string", True),
    ]
    assert errors(archive) == [(404, "Board not found"), (409, "Already archived")]


def test_summary_table_and_list_of_endpoints():
    api, warnings = parse("api_list_and_table.md")

    assert [(e.method, e.path) for e in api.endpoints] == [
        ("GET", "/api/health"),
        ("GET", "/api/version"),
        ("POST", "/api/auth/login"),
        ("POST", "/api/auth/logout"),
    ]
    assert [r.text for r in api.endpoints[2].business_rules] == ["Sign in and return a token."]
    assert sum("no name given" in w.message for w in warnings) == 4


@pytest.mark.parametrize(
    ("label", "kind", "code"),
    [
        ("Request Body", "request_body", None),
        ("Body", "body", None),
        ("Query Parameters", "query", None),
        ("Path Parameters", "path_params", None),
        ("Headers", "header", None),
        ("Response", "response", None),
        ("Success Response (200 OK)", "response", 200),
        ("Response `201 Created`", "response", 201),
        ("Error Responses", "errors", None),
        ("Status Codes", "status_codes", None),
        ("Authentication", "auth", None),
        ("Business Rules", "rules", None),
        ("Acceptance Criteria", "tests", None),
        ("Favourite colour", None, None),
    ],
)
def test_part_labels_and_their_synonyms(label, kind, code):
    assert part_of(label) == (kind, code)


def test_a_summary_row_and_a_section_for_the_same_route_are_one_endpoint():
    text = (
        "# API\n\n| Method | Path |\n|---|---|\n| GET | /api/a |\n\n"
        "## GET /api/a\n\n**Authentication**: None\n"
    )

    api, warnings, _ = parse_loose_api(text, file="api.md")

    (endpoint,) = api.endpoints
    assert endpoint.authentication == "None"
    assert any(w.line == 7 and "merged into the endpoint on line 5" in w.message for w in warnings)


def test_text_outside_endpoints_is_reported_with_its_lines():
    text = "# API\n\n## Rate limits\n\n100 requests a minute.\n\n## GET /api/a\n"

    api, warnings, _ = parse_loose_api(text, file="api.md")

    assert [(e.method, e.path) for e in api.endpoints] == [("GET", "/api/a")]
    skipped = [w for w in warnings if "Rate limits" in w.message]
    assert [(w.line, "lines 5-5" in w.message) for w in skipped] == [(3, True)]


def test_a_file_that_mixes_the_variants():
    api, warnings = parse("api_mixed_styles.md")

    assert [(e.name, e.method, e.path) for e in api.endpoints] == [
        ("GET /api/products", "GET", "/api/products"),
        ("Product detail", "GET", "/api/products/{sku}"),
        ("Cart", "POST", "/api/cart/items"),
        ("Empty the cart", "DELETE", "/api/cart"),
    ]
    products, detail, cart, empty = api.endpoints
    assert params(products) == [("query", "q", "string", False)]
    assert [r.text for r in products.business_rules] == ["Catalogue"]  # from the summary row
    assert errors(detail) == [(404, "unknown sku")]
    assert body(cart, "request") == [("sku", "string", True), ("quantity", "integer", False)]
    assert (empty.success_status, errors(empty)) == (204, [(401, "Not signed in")])
    assert any("merged into the endpoint on line 5" in w.message for w in warnings)


def parse_text(text: str):
    api, warnings, errors = parse_loose_api(text, file="api.md")
    assert errors == []
    return api, warnings


def test_a_field_value_table_under_an_endpoint_reads_as_its_labels():
    api, _ = parse_text(
        "# API\n\n## DELETE /api/notes/{id}\n\n| Field | Value |\n|---|---|\n"
        "| Auth | Yes |\n| Status | 204 No Content |\n| Cache | none |\n"
    )

    (endpoint,) = api.endpoints
    assert (endpoint.authentication, endpoint.success_status) == ("Required", 204)
    assert [r.text for r in endpoint.business_rules] == ["Cache: none"]


def test_a_json_schema_body_gives_its_properties_with_required_flags():
    api, _ = parse_text(
        "# API\n\n## POST /api/users\n\n**Request Body**:\n```json\n"
        '{"type": "object", "required": ["email"], "properties": {\n'
        '  "email": {"type": "string", "format": "email", "maxLength": 255},\n'
        '  "name": {"type": "string", "description": "Shown to others"}\n}}\n```\n'
    )

    fields = api.endpoints[0].body_fields
    assert [(f.name, f.type, f.required) for f in fields] == [
        ("email", "string", True),
        ("name", "string", False),
    ]
    assert fields[0].constraints == "format email, maxLength 255"
    assert fields[1].description == "Shown to others"


def test_requirement_items_naming_a_route_are_endpoints():
    api, _ = parse_text(
        "# API\n\n## Requirements\n\n"
        "- FR-001: GET /api/tasks endpoint MUST list the user's tasks\n"
        "- FR-002: POST /api/tasks endpoint MUST create a task\n"
    )

    assert [(e.method, e.path) for e in api.endpoints] == [
        ("GET", "/api/tasks"),
        ("POST", "/api/tasks"),
    ]
    assert api.endpoints[1].business_rules[0].text == "endpoint MUST create a task"


def test_statuses_written_after_their_reason_are_read():
    api, _ = parse_text(
        "# API\n\n## GET /api/tasks\n\n#### Response\n"
        "- Success: HTTP 200 with array of task objects\n"
        "- Unauthorized: HTTP 401\n- Forbidden: HTTP 403 (user_id mismatch)\n"
    )

    (endpoint,) = api.endpoints
    assert endpoint.success_status == 200
    assert errors(endpoint) == [(401, "Unauthorized"), (403, "Forbidden: (user_id mismatch)")]


def test_objects_inside_an_array_give_bracketed_dotted_names():
    api, _ = parse_text(
        "# API\n\n## GET /api/boards\n\n**Response (200 OK)**:\n```json\n{\n"
        '  "items": [\n    {\n      "id": 1,\n      "owner": {"name": "Ann"}\n    }\n  ],\n'
        '  "total": 1\n}\n```\n'
    )

    assert body(api.endpoints[0], "response") == [
        ("items", "array", True),
        ("items[].id", "integer", True),
        ("items[].owner", "object", True),
        ("total", "integer", True),
    ]
