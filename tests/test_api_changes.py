"""Every API check, each with the smallest pair of records that triggers it and one that does
not (the contract itself is in test_api_changes_contract.py, the checks through the services on
real revisions in test_api_changes_services.py and, one case per check,
test_api_changes_through_services.py)."""

import pytest

from specs_app.interchange.apidiff import (
    BREAKING,
    CHECKS,
    INFO,
    WARNING,
    api_changes_between,
    compatibility_breaks,
)
from specs_app.interchange.apidiff.shapes import (
    ARRAY,
    ENUM,
    INTEGER,
    NARROWER,
    NUMBER,
    OTHER,
    REF,
    STRING,
    WIDER,
    relation,
    shape_of,
)
from specs_app.interchange.records import (
    ParsedApi,
    ParsedBodyField,
    ParsedEndpoint,
    ParsedError,
    ParsedItem,
    ParsedParameter,
)

LABEL = "POST /api/v1/tasks"


def endpoint(**values) -> ParsedEndpoint:
    defaults = {
        "line": 0,
        "name": "Create Task",
        "method": "POST",
        "path": "/api/v1/tasks",
        "authentication": "Required",
        "user_ownership": "The caller's tasks",
        "success_status": 201,
        "uid": "e1",
    }
    return ParsedEndpoint(**(defaults | values))


def api(*endpoints: ParsedEndpoint) -> ParsedApi:
    return ParsedApi(endpoints=list(endpoints))


# --- Elements: a parameter, a request field or a response field, as keyword arguments


def element(kind: str, values: dict):
    values = {"name": "title", "type": "string", "required": True} | values
    values.setdefault("uid", f"{kind}-{values['name']}")
    if kind == "parameter":
        return ParsedParameter(line=0, location=values.pop("location", "query"), **values)
    return ParsedBodyField(line=0, part=kind, **values)


def one_element_api(kind: str, values: dict | None) -> ParsedApi:
    if values is None:
        return api(endpoint())
    row = element(kind, dict(values))
    if kind == "parameter":
        return api(endpoint(parameters=[row]))
    return api(endpoint(body_fields=[row]))


# (key, trigger before, trigger after, quiet before, quiet after); None: no such element.
REQUEST_CASES = [
    ("added_required", None, {}, None, {"required": False}),
    ("added_optional", None, {"required": False}, None, {}),
    ("removed", {}, None, {}, {}),
    # A rename keeps the row's uid; read from text (no uid) it is a removal and an addition.
    (
        "renamed",
        {"uid": "u"},
        {"name": "headline", "uid": "u"},
        {"uid": ""},
        {"name": "x", "uid": ""},
    ),
    ("became_required", {"required": False}, {}, {}, {"required": False}),
    ("became_optional", {}, {"required": False}, {"required": False}, {}),
    (
        "type_changed",
        {"type": "string"},
        {"type": "integer"},
        {"type": "integer"},
        {"type": "number"},
    ),
    (
        "type_generalized",
        {"type": "integer"},
        {"type": "number"},
        {"type": "number"},
        {"type": "integer"},
    ),
    ("became_enum", {}, {"type": "enum(low, high)"}, {"type": "enum(low, high)"}, {}),
    (
        "enum_value_removed",
        {"type": "enum(a, b)"},
        {"type": "enum(a)"},
        {"type": "enum(a)"},
        {"type": "enum(a, b)"},
    ),
    (
        "enum_value_added",
        {"constraints": "one of: a"},
        {"constraints": "one of: a, b"},
        {"constraints": "one of: a, b"},
        {"constraints": "one of: a"},
    ),
    (
        "max_length_decreased",
        {"constraints": "max 200 chars"},
        {"constraints": "max 100 chars"},
        {"type": "varchar(50)"},
        {"type": "varchar(100)"},
    ),
    (
        "max_length_set",
        {},
        {"constraints": "max 100 characters"},
        {"constraints": "max 100 characters"},
        {},
    ),
    (
        "max_length_increased",
        {"type": "varchar(50)"},
        {"type": "varchar(100)"},
        {"type": "varchar(100)"},
        {"type": "varchar(50)"},
    ),
    (
        "min_length_increased",
        {"constraints": "max 200 chars"},
        {"constraints": "1-200 chars"},
        {"constraints": "1-200 chars"},
        {"constraints": "max 200 chars"},
    ),
    (
        "max_decreased",
        {"type": "integer", "constraints": "1-100"},
        {"type": "integer", "constraints": "1-50"},
        {"type": "integer", "constraints": "1-50"},
        {"type": "integer", "constraints": "1-100"},
    ),
    (
        "max_set",
        {"type": "integer"},
        {"type": "integer", "constraints": "max 10"},
        {"type": "integer", "constraints": "max 10"},
        {"type": "integer"},
    ),
    (
        "min_increased",
        {"type": "integer", "constraints": "min 0"},
        {"type": "integer", "constraints": "min 1"},
        {"type": "integer", "constraints": "min 1"},
        {"type": "integer", "constraints": "min 0"},
    ),
    (
        "min_set",
        {"type": "integer"},
        {"type": "integer", "constraints": "min 1, default 1"},
        {"type": "integer", "constraints": "min 1"},
        {"type": "integer"},
    ),
    (
        "pattern_added",
        {},
        {"constraints": "pattern ^[a-z]+$"},
        {"constraints": "pattern ^[a-z]+$"},
        {},
    ),
    (
        "pattern_changed",
        {"constraints": "pattern ^[a-z]+$"},
        {"constraints": "pattern ^[a-z0-9]+$"},
        {"constraints": "pattern ^[a-z]+$"},
        {"constraints": "pattern ^[a-z]+$"},
    ),
    (
        "became_not_nullable",
        {"constraints": "nullable"},
        {},
        {"type": "string | null"},
        {"constraints": "nullable"},
    ),
    ("became_nullable", {}, {"type": "string | null"}, {"constraints": "nullable"}, {}),
    (
        "deprecated",
        {},
        {"description": "Deprecated: use summary"},
        {"description": "Deprecated"},
        {},
    ),
]
RESPONSE_CASES = [
    ("added_required", None, {}, None, {"required": False}),
    ("added_optional", None, {"required": False}, None, {}),
    ("removed_required", {}, None, {"required": False}, None),
    ("removed_optional", {"required": False}, None, {}, None),
    (
        "renamed",
        {"uid": "u"},
        {"name": "headline", "uid": "u"},
        {"uid": ""},
        {"name": "x", "uid": ""},
    ),
    ("became_optional", {}, {"required": False}, {"required": False}, {}),
    ("became_required", {"required": False}, {}, {}, {"required": False}),
    (
        "type_changed",
        {"type": "integer"},
        {"type": "number"},
        {"type": "number"},
        {"type": "integer"},
    ),
    (
        "type_specialized",
        {"type": "string"},
        {"type": "uuid"},
        {"type": "uuid"},
        {"type": "string"},
    ),
    (
        "enum_value_added",
        {"type": "enum(a)"},
        {"type": "enum(a, b)"},
        {"type": "enum(a, b)"},
        {"type": "enum(a)"},
    ),
    (
        "enum_value_removed",
        {"type": "enum(a, b)"},
        {"type": "enum(a)"},
        {"type": "enum(a)"},
        {"type": "enum(a, b)"},
    ),
    (
        "max_length_increased",
        {"type": "varchar(50)"},
        {"type": "varchar(100)"},
        {"type": "varchar(100)"},
        {"type": "varchar(50)"},
    ),
    ("max_length_unset", {"constraints": "max 20"}, {}, {}, {"constraints": "max 20"}),
    (
        "min_length_decreased",
        {"constraints": "1-20 chars"},
        {"constraints": "max 20 chars"},
        {"constraints": "max 20 chars"},
        {"constraints": "1-20 chars"},
    ),
    (
        "max_increased",
        {"type": "integer", "constraints": "max 10"},
        {"type": "integer", "constraints": "max 20"},
        {"type": "integer", "constraints": "max 20"},
        {"type": "integer", "constraints": "max 10"},
    ),
    (
        "min_decreased",
        {"type": "integer", "constraints": "min 1"},
        {"type": "integer", "constraints": "min 0"},
        {"type": "integer", "constraints": "min 0"},
        {"type": "integer", "constraints": "min 1"},
    ),
    (
        "pattern_removed",
        {"constraints": "pattern ^[a-z]+$"},
        {},
        {},
        {"constraints": "pattern ^[a-z]+$"},
    ),
    ("became_nullable", {}, {"constraints": "nullable"}, {"constraints": "nullable"}, {}),
    ("became_not_nullable", {"type": "string?"}, {}, {}, {"type": "string?"}),
    (
        "deprecated",
        {},
        {"description": "DEPRECATED, read headline"},
        {"description": "deprecated"},
        {},
    ),
]
ROLES = {
    "parameter": ("request-parameter", "new-required-request-parameter", REQUEST_CASES),
    "request": ("request-property", "new-required-request-property", REQUEST_CASES),
    "response": ("response-property", "response-required-property-added", RESPONSE_CASES),
}


def check_id(kind: str, key: str) -> str:
    prefix, _, _ = ROLES[kind]
    noun = "parameter" if kind == "parameter" else "property"
    special = {
        ("request", "added_required"): f"new-required-request-{noun}",
        ("request", "added_optional"): f"new-optional-request-{noun}",
        ("response", "added_required"): "response-required-property-added",
        ("response", "added_optional"): "response-optional-property-added",
        ("response", "removed_required"): "response-required-property-removed",
        ("response", "removed_optional"): "response-optional-property-removed",
    }
    side = "response" if kind == "response" else "request"
    return special.get((side, key), f"{prefix}-{key.replace('_', '-')}")


ELEMENT_CASES = [
    pytest.param(kind, check_id(kind, case[0]), *case[1:], id=check_id(kind, case[0]))
    for kind, (_, _, cases) in ROLES.items()
    for case in cases
]


@pytest.mark.parametrize("kind,check,before,after,quiet_before,quiet_after", ELEMENT_CASES)
def test_each_element_check_triggers_and_a_near_miss_does_not(
    kind, check, before, after, quiet_before, quiet_after
):
    changes = api_changes_between(one_element_api(kind, before), one_element_api(kind, after))
    [change] = [c for c in changes if c.check == check]
    assert change.level == CHECKS[check].level
    assert change.item.startswith(f"{LABEL}, ") and change.message.startswith(change.item)
    assert change.endpoint == LABEL and change.endpoint_uid == "e1"
    if change.level != INFO:  # breaking and warning changes say why
        assert change.message.count(".") >= 2
    quiet = api_changes_between(
        one_element_api(kind, quiet_before), one_element_api(kind, quiet_after)
    )
    assert check not in [c.check for c in quiet]


# --- Endpoint-level checks: (check, before, after, quiet before, quiet after)

DEPRECATED_RULE = [ParsedItem(0, "Deprecated: use POST /api/v2/tasks")]


def _param(name: str, location: str = "path", uid: str = "") -> ParsedParameter:
    return ParsedParameter(0, location, name, "integer", uid=uid or f"p-{name}")


ENDPOINT_CASES = [
    (
        "api-path-removed-without-deprecation",
        [endpoint()],
        [],
        [endpoint(name="Create Task (deprecated)")],
        [],
    ),
    (
        "api-path-removed-with-deprecation",
        [endpoint(business_rules=DEPRECATED_RULE)],
        [],
        [endpoint()],
        [],
    ),
    ("endpoint-added", [], [endpoint()], [endpoint()], [endpoint()]),
    (
        "endpoint-path-changed",
        [endpoint()],
        [endpoint(path="/api/v1/todos")],
        [endpoint(path="/api/v1/tasks/{a}")],
        [endpoint(path="/api/v1/tasks/{b}")],
    ),
    (
        "endpoint-method-changed",
        [endpoint()],
        [endpoint(method="PUT")],
        [endpoint()],
        [endpoint(name="Add Task")],
    ),
    (
        "api-operation-id-removed",
        [endpoint()],
        [endpoint(name="Add Task")],
        [endpoint()],
        [endpoint(name="Create Task (deprecated)")],
    ),
    (
        "api-security-added",
        [endpoint(authentication="Optional")],
        [endpoint()],
        [endpoint()],
        [endpoint(authentication="None")],
    ),
    (
        "api-security-removed",
        [endpoint()],
        [endpoint(authentication="None")],
        [endpoint(authentication="None")],
        [endpoint(authentication="Optional")],
    ),
    (
        "endpoint-authentication-changed",
        [endpoint(authentication="None")],
        [endpoint(authentication="Optional")],
        [endpoint(authentication="None")],
        [endpoint()],
    ),
    (
        "endpoint-ownership-changed",
        [endpoint()],
        [endpoint(user_ownership="Any user's tasks")],
        [endpoint()],
        [endpoint(user_ownership=" The  caller's tasks")],
    ),
    (
        "endpoint-deprecated",
        [endpoint()],
        [endpoint(business_rules=DEPRECATED_RULE)],
        [endpoint(business_rules=[ParsedItem(0, "Not deprecated yet")])],
        [endpoint(business_rules=[ParsedItem(0, "Never deprecated")])],
    ),
    (
        "endpoint-reactivated",
        [endpoint(name="Create Task [Deprecated]")],
        [endpoint()],
        [endpoint()],
        [endpoint(name="Create Task [Deprecated]")],
    ),
    (
        "response-success-status-removed",
        [endpoint(success_status=200)],
        [endpoint()],
        [endpoint(success_status=None)],
        [endpoint()],
    ),
    (
        "response-non-success-status-removed",
        [endpoint(errors=[ParsedError(0, 404, "Gone", uid="x")])],
        [endpoint()],
        [endpoint(errors=[ParsedError(0, 404, "Gone", uid="x")])],
        [endpoint(errors=[ParsedError(0, 404, "Not found", uid="x")])],
    ),
    (
        "response-non-success-status-added",
        [endpoint()],
        [endpoint(errors=[ParsedError(0, 409, "Conflict")])],
        [endpoint(errors=[ParsedError(0, 409, "Conflict")])],
        [endpoint(errors=[ParsedError(0, 409, "Duplicate")])],
    ),
    (
        "response-non-success-status-changed",
        [endpoint(errors=[ParsedError(0, 400, "Bad title", uid="x")])],
        [endpoint(errors=[ParsedError(0, 422, "Bad title", uid="x")])],
        [endpoint(errors=[ParsedError(0, 400, "Bad title", uid="x")])],
        [endpoint(errors=[ParsedError(0, 400, "Title too long", uid="x")])],
    ),
    (
        "request-path-parameter-renamed",
        [endpoint(path="/t/{task_id}", parameters=[_param("task_id", uid="p")])],
        [endpoint(path="/t/{id}", parameters=[_param("id", uid="p")])],
        [endpoint(path="/t/{task_id}", parameters=[_param("task_id", uid="p")])],
        [
            endpoint(
                path="/t/{task_id}/x/{id}", parameters=[_param("task_id", uid="p"), _param("id")]
            )
        ],
    ),
    (
        "request-parameter-location-changed",
        [endpoint(parameters=[_param("v", "query", "p")])],
        [endpoint(parameters=[_param("v", "header", "p")])],
        [endpoint(parameters=[_param("v", "query", "p")])],
        [endpoint(parameters=[_param("w", "query", "p")])],
    ),
]


@pytest.mark.parametrize(
    "check,before,after,quiet_before,quiet_after",
    [pytest.param(*case, id=case[0]) for case in ENDPOINT_CASES],
)
def test_each_endpoint_check_triggers_and_a_near_miss_does_not(
    check, before, after, quiet_before, quiet_after
):
    [change] = [c for c in api_changes_between(api(*before), api(*after)) if c.check == check]
    assert change.level == CHECKS[check].level and change.endpoint_uid == "e1"
    assert change.endpoint in change.message or "Create Task" in change.message
    assert check not in [
        c.check for c in api_changes_between(api(*quiet_before), api(*quiet_after))
    ]


def test_every_registered_check_has_a_trigger_case():
    covered = {case.values[1] for case in ELEMENT_CASES} | {case[0] for case in ENDPOINT_CASES}
    assert covered == set(CHECKS)
    assert len(CHECKS) >= 40


def test_checks_have_stable_kebab_ids_and_levels():
    for check in CHECKS.values():
        assert check.id == check.id.lower() and " " not in check.id and "_" not in check.id
        assert check.level in (BREAKING, WARNING, INFO) and check.title
    ours = {c.id for c in CHECKS.values() if not c.oasdiff}
    assert {
        "endpoint-path-changed",
        "request-property-renamed",
        "response-property-renamed",
    } <= ours
    assert CHECKS["response-property-became-optional"].oasdiff


# --- What the issue asks of the levels


def request_field(type_: str, constraints: str = "") -> ParsedApi:
    return one_element_api("request", {"type": type_, "constraints": constraints})


def response_field(type_: str, constraints: str = "") -> ParsedApi:
    return one_element_api("response", {"type": type_, "constraints": constraints})


def levels(changes) -> set[str]:
    return {c.level for c in changes}


@pytest.mark.parametrize("old,new", [("string", "integer"), ("integer", "string")])
def test_string_to_integer_breaks_both_ways_on_both_sides(old, new):
    assert BREAKING in levels(api_changes_between(request_field(old), request_field(new)))
    assert BREAKING in levels(api_changes_between(response_field(old), response_field(new)))


@pytest.mark.parametrize("old,new", [("varchar(50)", "varchar(100)"), ("integer", "number")])
def test_widening_is_safe_in_a_request_and_breaks_a_response(old, new):
    assert levels(api_changes_between(request_field(old), request_field(new))) == {INFO}
    assert levels(api_changes_between(response_field(old), response_field(new))) == {BREAKING}
    # and the other way round
    assert BREAKING in levels(api_changes_between(request_field(new), request_field(old)))
    assert BREAKING not in levels(api_changes_between(response_field(new), response_field(old)))


def test_a_type_change_is_one_change_even_when_its_bounds_differ():
    changes = api_changes_between(
        request_field("string", "max 10 chars"), request_field("integer", "max 5")
    )
    assert [c.check for c in changes] == ["request-property-type-changed"]
    assert "(was string, is integer)" in changes[0].message


def test_messages_say_what_was_and_what_is():
    [change] = api_changes_between(
        request_field("string", "1-200 chars"), request_field("string", "1-100 chars")
    )
    assert change.item == f"{LABEL}, request field title"
    assert "from 200 to 100" in change.message and "rejected" in change.message


# --- Matching


def test_records_read_from_text_match_by_name_then_by_method_and_path():
    old = endpoint(uid="", name="Create Task")
    [moved] = api_changes_between(api(old), api(endpoint(uid="", path="/api/v1/todos")))
    assert moved.check == "endpoint-path-changed"
    [renamed] = api_changes_between(api(old), api(endpoint(uid="", name="Add Task")))
    assert renamed.check == "api-operation-id-removed"


def test_a_renamed_path_on_the_same_uid_is_one_change_not_a_removal_and_an_addition():
    changes = api_changes_between(
        api(endpoint()), api(endpoint(name="Add Todo", path="/api/v1/todos"))
    )
    assert [c.check for c in changes] == ["endpoint-path-changed", "api-operation-id-removed"]


def test_a_path_parameter_read_from_text_pairs_by_its_place_in_the_path():
    old = endpoint(uid="", path="/t/{task_id}", parameters=[_param("task_id", uid="")])
    new = endpoint(uid="", path="/t/{id}", parameters=[_param("id", uid="")])
    [change] = api_changes_between(api(old), api(new))
    assert change.check == "request-path-parameter-renamed"
    assert change.message == (
        "POST /t/{id}, path parameter id: renamed from task_id. "
        "Calls keep the same URL; generated clients rename the argument."
    )


def test_a_query_parameter_renamed_on_the_same_uid_is_breaking():
    old = endpoint(parameters=[_param("status", "query", "p")])
    new = endpoint(parameters=[_param("state", "query", "p")])
    [change] = api_changes_between(api(old), api(new))
    assert (change.check, change.level) == ("request-parameter-renamed", BREAKING)


def test_a_new_path_with_a_new_placeholder_reports_the_path_not_the_parameter():
    old = endpoint()
    new = endpoint(path="/api/v1/tasks/{task_id}", parameters=[_param("task_id")])
    assert [c.check for c in api_changes_between(api(old), api(new))] == ["endpoint-path-changed"]


# --- Order


def test_changes_follow_the_target_order_with_removed_endpoints_where_they_were():
    a, b, c = (endpoint(uid=u, name=u, path=f"/{u}") for u in "abc")
    b2 = endpoint(uid="b", name="b", path="/b", method="PUT")
    new_first = endpoint(uid="n", name="n", path="/n")
    changes = api_changes_between(api(a, b, c), api(new_first, b2, a))
    assert [(ch.endpoint_uid, ch.check) for ch in changes] == [
        ("n", "endpoint-added"),
        ("b", "endpoint-method-changed"),
        ("c", "api-path-removed-without-deprecation"),
    ]


def test_within_an_endpoint_the_checks_come_in_a_fixed_order():
    old = endpoint(
        authentication="None",
        success_status=200,
        parameters=[_param("limit", "query", "p")],
        body_fields=[
            ParsedBodyField(0, "request", "title", "string", False, uid="r"),
            ParsedBodyField(0, "response", "id", "integer", uid="s"),
        ],
        errors=[ParsedError(0, 404, "Gone", uid="x")],
    )
    new = endpoint(
        method="PUT",
        parameters=[_param("limit", "query", "p"), _param("page", "query")],
        body_fields=[
            ParsedBodyField(0, "request", "title", "string", True, uid="r"),
            ParsedBodyField(0, "response", "id", "string", uid="s"),
        ],
    )
    checks = [c.check for c in api_changes_between(api(old), api(new))]
    assert checks == [
        "endpoint-method-changed",
        "api-security-added",
        "response-success-status-removed",
        "new-required-request-parameter",
        "request-property-became-required",
        "response-property-type-changed",
        "response-non-success-status-removed",
    ]
    assert checks == [c.check for c in api_changes_between(api(old), api(new))]


# --- Reversed diffs and compatibility


def test_the_reversed_diff_reads_sensibly_as_forward_compatibility():
    required, optional = (
        one_element_api("response", {}),
        one_element_api("response", {"required": False}),
    )
    # Becoming optional in a response breaks existing clients (backward), not new ones.
    assert [c.check for c in compatibility_breaks(required, optional, "backward")] == [
        "response-property-became-optional"
    ]
    assert compatibility_breaks(required, optional, "forward") == []
    # Becoming required: new clients rely on it, and the previous server may leave it out.
    [forward] = compatibility_breaks(optional, required, "forward")
    assert forward.check == "response-property-became-optional"
    assert forward.direction == "forward"
    assert forward.message.startswith(f"Forward: {LABEL}, response field title: became optional.")


def test_an_unchanged_api_has_no_changes_even_read_from_text():
    one = endpoint(uid="", body_fields=[ParsedBodyField(0, "request", "title", "string")])
    assert api_changes_between(api(one), api(one)) == []


# --- Reading the spellings of types and constraints


@pytest.mark.parametrize(
    "type_,constraints,expected",
    [
        ("string", "1-200 chars", {"kind": STRING, "min_length": 1, "max_length": 200}),
        ("string", "max 1000 chars", {"max_length": 1000}),
        ("string", "max 200 characters", {"max_length": 200}),
        ("string", "maxLength: 50", {"max_length": 50}),
        ("string", "non-empty", {"min_length": 1}),
        ("varchar(50)", "", {"kind": STRING, "max_length": 50}),
        ("integer", "1-100, default 20", {"kind": INTEGER, "minimum": 1, "maximum": 100}),
        ("integer", "min 0, default 0", {"minimum": 0, "maximum": None}),
        ("numeric(12,2)", "", {"kind": NUMBER}),
        (
            "enum(all, pending, completed)",
            "default all",
            {"kind": ENUM, "enum": ("all", "pending", "completed")},
        ),
        ("string", "one of: Low, Medium, High", {"kind": ENUM, "enum": ("Low", "Medium", "High")}),
        ("string", "values: `a` | `b`", {"enum": ("a", "b")}),
        ("string | null", "", {"nullable": True}),
        ("Optional[str]", "", {"kind": STRING, "nullable": True}),
        ("string", "nullable, max 5", {"nullable": True, "max_length": 5}),
        ("string", "pattern ^[a-z]+(,[a-z]+)*$", {"pattern": "^[a-z]+(,[a-z]+)*$"}),
        ("string", "#RRGGBB", {"pattern": "", "max_length": None}),
        ("datetime", "ISO 8601", {"kind": STRING, "format": "date-time"}),
        ("string (email)", "", {"kind": STRING, "format": "email"}),
        ("UUID", "", {"kind": STRING, "format": "uuid"}),
        ("Task", "", {"kind": REF, "format": "Task"}),
        ("uuid", "max 120", {"max_length": 120}),
        ("integer", "max 200", {"maximum": 200, "max_length": None}),
        ("array", "", {"kind": ARRAY, "items": None}),
        ('"low" | "high"', "", {"kind": ENUM, "enum": ("low", "high")}),
    ],
)
def test_shapes_read_the_spellings_of_the_reference_spec_and_the_corpus(
    type_, constraints, expected
):
    shape = shape_of(type_, constraints)
    for name, value in expected.items():
        assert getattr(shape, name) == value, name


@pytest.mark.parametrize(
    "old,new,expected",
    [
        ("integer", "number", WIDER),
        ("number", "integer", NARROWER),
        ("uuid", "string", WIDER),
        ("string", "uuid", NARROWER),
        ("uuid", "datetime", OTHER),
        ("enum(a)", "string", WIDER),
        ("array[integer]", "array[number]", WIDER),
        ("array[Task]", "array[Tag]", OTHER),
        ("Task", "task", "same"),
        ("boolean", "string", OTHER),
    ],
)
def test_relation_of_types(old, new, expected):
    assert relation(shape_of(old), shape_of(new)) == expected
