"""Every API check on real revisions (issue 17, "Done when"): a small spec imported from canonical
markdown and published, then a change request edited through the review services as a person in
the editor would, so that renamed rows keep their uid. For each registered check: the smallest
edit that triggers it, and the closest edit that must not (widening instead of narrowing,
optional instead of required, a delete and re-add instead of a rename, ...).

The records-only cases are in test_api_changes.py; this file holds one case per check id, and
`test_every_check_has_a_case_through_the_services` fails when a new check has none. Every check
is reachable through the services (none needs records read from text); the trigger is also read
back from the exported markdown, which must tell the same change unless only uids can tell it
(NEEDS_UIDS)."""

from collections.abc import Callable

import pytest

from specs_app.interchange.apidiff import CHECKS, api_changes_between
from specs_app.interchange.canonical.reader import parse_api_markdown
from specs_app.models import BodyField, BusinessRule, Endpoint, ErrorCase, Parameter
from specs_app.services import review as services
from specs_app.services.export import render_api_markdown
from specs_app.services.impact import change_request_api_impact
from specs_app.services.imports import spec_import

pytestmark = pytest.mark.django_db

# Seven elements, written the same way as query parameters, request fields and response fields:
# each check on an element starts from one of them.
ELEMENTS = {
    "title": ("string", "required, 1-200 chars"),
    "note": ("string", "optional"),
    "count": ("integer", "optional, 1-100"),
    "size": ("integer", "optional"),
    "state": ("enum(a, b)", "optional"),
    "code": ("string", "optional, pattern ^[a-z]+$"),
    "memo": ("string", "optional, nullable"),
}
_QUERY = "\n".join(f"  - `{name}`: {t} ({c}) - The {name}" for name, (t, c) in ELEMENTS.items())
_BODY = ",\n".join(f'    "{name}": "{t} ({c})"' for name, (t, c) in ELEMENTS.items())

API = f"""# REST API Endpoints

A spec small enough to import for every test.

## Create Task

**Method**: POST
**Path**: /api/v1/tasks
**Authentication**: Required
**User Ownership**: The caller's tasks

### Request
- **Headers**:
  - `Authorization`: string (required) - Bearer access token
- **Path Parameters**: None
- **Query Parameters**:
{_QUERY}
- **Body Schema**:
  ```json
  {{
{_BODY}
  }}
  ```

### Response
- **Success (201)**:
  ```json
  {{
{_BODY}
  }}
  ```
- **Errors**:
  - 400: Bad title
  - 401: Missing token

### Business Rules
- The title is trimmed

### Test Cases
- [ ] POST with a title returns 201

## Get Task

**Method**: GET
**Path**: /api/v1/tasks/{{task_id}}
**Authentication**: Required
**User Ownership**: The caller's tasks

### Request
- **Headers**: None
- **Path Parameters**:
  - `task_id`: integer (required) - The task
- **Query Parameters**: None
- **Body Schema**: None

### Response
- **Success (200)**:
  ```json
  {{
    "id": "integer (required)"
  }}
  ```
- **Errors**:
  - 404: No such task

### Business Rules
- None

### Test Cases
- [ ] GET of another user's task returns 404

## List Old Tasks (deprecated)

**Method**: GET
**Path**: /api/v1/old-tasks
**Authentication**: Optional
**User Ownership**: The caller's tasks

### Request
- **Headers**: None
- **Path Parameters**: None
- **Query Parameters**: None
- **Body Schema**: None

### Response
- **Success (200)**:
  ```json
  {{
    "items": "array[integer] (required)"
  }}
  ```
- **Errors**:
  - None

### Business Rules
- None

### Test Cases
- [ ] GET returns 200
"""

CREATE, GET, OLD = "Create Task", "Get Task", "List Old Tasks (deprecated)"

Edit = Callable[[object, object], None]  # (change request, actor)


@pytest.fixture
def base(workspace, owner):
    result = spec_import(
        workspace=workspace, spec_slug="tiny", title="Tiny", api_text=API, author=owner
    )
    assert result.ok, result.errors
    return result.spec


# --- Helpers: each is one edit a person makes in the editor, through the review services


def endpoint(cr, name: str = CREATE) -> Endpoint:
    return Endpoint.objects.get(revision=cr.working, name=name)


def element(cr, role: str, name: str, endpoint_name: str = CREATE):
    """A query parameter (role "parameter"), a request field or a response field."""
    where = {"revision": cr.working, "endpoint__name": endpoint_name, "name": name}
    if role == "parameter":
        return Parameter.objects.get(location="query", **where)
    return BodyField.objects.get(part=role, **where)


def update(cr, actor, row, **values) -> None:
    services.change_request_update(
        change_request=cr, actor=actor, row=row, expected_version=row.version, **values
    )


# An element's edit is written once for its three roles: `changed("note", required=True)` is a
# function of the role ("parameter", "request" or "response") that returns the edit.
ElementEdit = Callable[[str], Edit]


def changed(name: str, /, **values) -> ElementEdit:
    """Update the element `name` of Create Task."""
    return lambda role: lambda cr, who: update(cr, who, element(cr, role, name), **values)


def typed(name: str, type_text: str) -> ElementEdit:
    return changed(name, type=type_text)


def limited(name: str, constraints: str) -> ElementEdit:
    return changed(name, constraints=constraints)


def added(name: str, *, required: bool) -> ElementEdit:
    def edit(role, cr, who):
        model, extra = (
            (Parameter, {"location": "query"})
            if role == "parameter"
            else (BodyField, {"part": role})
        )
        services.change_request_add(
            change_request=cr, actor=who, model=model, parent=endpoint(cr),
            name=name, type="string", required=required, **extra,
        )  # fmt: skip

    return lambda role: lambda cr, who: edit(role, cr, who)


def dropped(name: str) -> ElementEdit:
    def edit(role, cr, who):
        row = element(cr, role, name)
        services.change_request_delete(
            change_request=cr, actor=who, row=row, expected_version=row.version
        )

    return lambda role: lambda cr, who: edit(role, cr, who)


def readded(name: str, new_name: str) -> ElementEdit:
    """Delete an element and add another under a new name: a removal and an addition, not a
    rename (the new row has a new uid)."""

    def edit(role, cr, who):
        required = element(cr, role, name).required
        dropped(name)(role)(cr, who)
        added(new_name, required=required)(role)(cr, who)

    return lambda role: lambda cr, who: edit(role, cr, who)


def set_endpoint(endpoint_name: str = CREATE, /, **values) -> Edit:
    return lambda cr, who: update(cr, who, endpoint(cr, endpoint_name), **values)


def drop_endpoint(name: str) -> Edit:
    def edit(cr, who):
        row = endpoint(cr, name)
        services.change_request_delete(
            change_request=cr, actor=who, row=row, expected_version=row.version
        )

    return edit


def add_endpoint(cr, who) -> None:
    services.change_request_add(
        change_request=cr, actor=who, model=Endpoint,
        name="Delete Task", method="DELETE", path="/api/v1/tasks/{task_id}", success_status=204,
    )  # fmt: skip


def overview(text: str) -> Edit:
    return lambda cr, who: services.change_request_update_overviews(
        change_request=cr, actor=who, api_overview=text
    )


def add_rule(text: str) -> Edit:
    return lambda cr, who: services.change_request_add(
        change_request=cr, actor=who, model=BusinessRule, parent=endpoint(cr), text=text
    )


def error(cr, code: int) -> ErrorCase:
    return ErrorCase.objects.get(revision=cr.working, endpoint__name=CREATE, status_code=code)


def set_error(code: int, **values) -> Edit:
    return lambda cr, who: update(cr, who, error(cr, code), **values)


def add_error(code: int, description: str) -> Edit:
    return lambda cr, who: services.change_request_add(
        change_request=cr, actor=who, model=ErrorCase, parent=endpoint(cr),
        status_code=code, description=description,
    )  # fmt: skip


def drop_error(code: int) -> Edit:
    def edit(cr, who):
        row = error(cr, code)
        services.change_request_delete(
            change_request=cr, actor=who, row=row, expected_version=row.version
        )

    return edit


def rename_path_parameter(old: str, new: str) -> Edit:
    """What the editor does to rename `{task_id}`: the path, then the parameter row."""

    def edit(cr, who):
        row = endpoint(cr, GET)
        update(cr, who, row, path=row.path.replace(f"{{{old}}}", f"{{{new}}}"))
        parameter = Parameter.objects.get(revision=cr.working, endpoint=row, name=old)
        update(cr, who, parameter, name=new)

    return edit


def both(*edits: Edit) -> Edit:
    def edit(cr, who):
        for one in edits:
            one(cr, who)

    return edit


# --- The elements' cases: (check key, trigger, near miss), each edit a function of the role.

REQUEST_KEYS = [
    ("added_required", added("extra", required=True), added("extra", required=False)),
    ("added_optional", added("extra", required=False), added("extra", required=True)),
    ("removed", dropped("note"), changed("note", name="remark")),
    ("renamed", changed("note", name="remark"), readded("note", "remark")),
    ("became_required", changed("note", required=True), changed("title", required=False)),
    ("became_optional", changed("title", required=False), changed("note", required=True)),
    ("type_changed", typed("title", "integer"), typed("count", "number")),
    ("type_generalized", typed("count", "number"), typed("note", "uuid")),
    ("became_enum", typed("note", "enum(low, high)"), typed("state", "string")),
    ("enum_value_removed", typed("state", "enum(a)"), typed("state", "enum(a, b, c)")),
    ("enum_value_added", typed("state", "enum(a, b, c)"), typed("state", "enum(a)")),
    ("max_length_decreased", limited("title", "1-100 chars"), limited("title", "1-300 chars")),
    ("max_length_set", limited("note", "max 100 characters"), limited("note", "non-empty")),
    ("max_length_increased", limited("title", "1-300 chars"), limited("title", "1-100 chars")),
    ("min_length_increased", limited("title", "2-200 chars"), limited("title", "max 200 chars")),
    ("max_decreased", limited("count", "1-50"), limited("count", "1-200")),
    ("max_set", limited("size", "max 10"), limited("size", "min 1")),
    ("min_increased", limited("count", "2-100"), limited("count", "0-100")),
    ("min_set", limited("size", "min 1"), limited("size", "max 10")),
    ("pattern_added", limited("note", "pattern ^[a-z]+$"), limited("code", "")),
    (
        "pattern_changed",
        limited("code", "pattern ^[a-z0-9]+$"),
        limited("note", "pattern ^[a-z]+$"),
    ),
    ("became_not_nullable", limited("memo", ""), limited("note", "nullable")),
    ("became_nullable", limited("note", "nullable"), limited("memo", "")),
    (
        "deprecated",
        changed("note", description="Deprecated: use title"),
        changed("note", description="Replaces the old remark"),
    ),
]
RESPONSE_KEYS = [
    ("added_required", added("extra", required=True), added("extra", required=False)),
    ("added_optional", added("extra", required=False), added("extra", required=True)),
    ("removed_required", dropped("title"), dropped("note")),
    ("removed_optional", dropped("note"), dropped("title")),
    ("renamed", changed("title", name="headline"), readded("title", "headline")),
    ("became_optional", changed("title", required=False), changed("note", required=True)),
    ("became_required", changed("note", required=True), changed("title", required=False)),
    ("type_changed", typed("count", "number"), typed("note", "uuid")),
    ("type_specialized", typed("note", "uuid"), typed("count", "number")),
    ("enum_value_added", typed("state", "enum(a, b, c)"), typed("state", "enum(a)")),
    ("enum_value_removed", typed("state", "enum(a)"), typed("state", "enum(a, b, c)")),
    ("max_length_increased", limited("title", "1-300 chars"), limited("title", "1-100 chars")),
    ("max_length_unset", limited("title", "non-empty"), limited("title", "1-100 chars")),
    ("min_length_decreased", limited("title", "max 200 chars"), limited("title", "2-200 chars")),
    ("max_increased", limited("count", "1-200"), limited("count", "1-50")),
    ("min_decreased", limited("count", "0-100"), limited("count", "2-100")),
    ("pattern_removed", limited("code", ""), limited("note", "pattern ^[a-z]+$")),
    ("became_nullable", limited("note", "nullable"), limited("memo", "")),
    ("became_not_nullable", limited("memo", ""), limited("note", "nullable")),
    (
        "deprecated",
        changed("note", description="Deprecated"),
        changed("note", description="Replaces the old remark"),
    ),
]


def element_check_id(role: str, key: str) -> str:
    noun = "parameter" if role == "parameter" else "property"
    special = {
        "added_required": f"new-required-request-{noun}",
        "added_optional": f"new-optional-request-{noun}",
    }
    if role == "response":
        special = {
            f"{verb}_{kind}": f"response-{kind}-property-{verb}"
            for verb in ("added", "removed")
            for kind in ("required", "optional")
        }
    prefix = {"parameter": "request-parameter", "request": "request-property"}.get(
        role, "response-property"
    )
    return special.get(key, f"{prefix}-{key.replace('_', '-')}")


ELEMENT_CASES = [
    (element_check_id(role, key), trigger(role), near(role))
    for role, keys in (
        ("parameter", REQUEST_KEYS),
        ("request", REQUEST_KEYS),
        ("response", RESPONSE_KEYS),
    )
    for key, trigger, near in keys
]

# --- The endpoint, its statuses and its path parameters: (check id, trigger, near miss)

ENDPOINT_CASES = [
    ("api-path-removed-without-deprecation", drop_endpoint(GET), drop_endpoint(OLD)),
    ("api-path-removed-with-deprecation", drop_endpoint(OLD), drop_endpoint(GET)),
    # A renamed endpoint keeps its uid: not an addition.
    ("endpoint-added", add_endpoint, set_endpoint(name="Add Task")),
    (
        "endpoint-path-changed",
        set_endpoint(path="/api/v1/todos"),
        rename_path_parameter("task_id", "id"),  # the same URL shape
    ),
    ("endpoint-method-changed", set_endpoint(method="PUT"), set_endpoint(name="Add Task")),
    (
        "api-operation-id-removed",
        set_endpoint(name="Add Task"),
        set_endpoint(name=f"{CREATE} (deprecated)"),
    ),
    (
        "api-security-added",
        set_endpoint(OLD, authentication="Required"),
        set_endpoint(OLD, authentication="None"),
    ),
    (
        "api-security-removed",
        set_endpoint(authentication="None"),
        set_endpoint(OLD, authentication="None"),
    ),
    (
        "endpoint-authentication-changed",
        set_endpoint(OLD, authentication="None"),
        set_endpoint(OLD, authentication="Required"),
    ),
    (
        "endpoint-ownership-changed",
        set_endpoint(user_ownership="Any user's tasks"),
        set_endpoint(user_ownership="The caller's  tasks"),  # only the spacing
    ),
    (
        "endpoint-deprecated",
        add_rule("Deprecated: use POST /api/v2/tasks"),
        both(add_rule("Never deprecated"), overview("POST /api/v1/tasks is deprecated.")),
    ),
    (
        "endpoint-reactivated",
        set_endpoint(OLD, name="List Old Tasks"),
        set_endpoint(OLD, name="List Older Tasks (deprecated)"),
    ),
    (
        "response-success-status-removed",
        set_endpoint(success_status=200),
        set_error(400, status_code=422),
    ),
    (
        "response-non-success-status-removed",
        drop_error(400),
        set_error(400, description="Title too long"),
    ),
    # A changed code keeps the row's uid: not an addition.
    (
        "response-non-success-status-added",
        add_error(409, "Duplicate title"),
        set_error(400, status_code=409),
    ),
    (
        "response-non-success-status-changed",
        set_error(400, status_code=422),
        set_error(400, description="Title too long"),
    ),
    # A query parameter renamed is request-parameter-renamed, not this warning.
    (
        "request-path-parameter-renamed",
        rename_path_parameter("task_id", "id"),
        changed("note", name="remark")("parameter"),
    ),
    (
        "request-parameter-location-changed",
        changed("note", location="header")("parameter"),
        changed("note", name="remark")("parameter"),
    ),
]

CASES = ELEMENT_CASES + ENDPOINT_CASES


#: Checks that only the rows' uids can tell: read back from the exported markdown (no uids), the
#: same edit is a removal and an addition. Every other check reads the same from the text.
NEEDS_UIDS = {
    "request-parameter-renamed",
    "request-property-renamed",
    "response-property-renamed",
    "request-parameter-location-changed",
}


def opened_and_edited(spec, actor, edit: Edit, title: str):
    cr = services.change_request_open(spec=spec, author=actor, title=title)
    edit(cr, actor)
    assert cr.content_version > 0  # the edit went through the services
    return cr


def checks_read_from_text(cr) -> list[str]:
    """The diff of the request's base and draft exported to markdown and read back."""
    old, new = (parse_api_markdown(render_api_markdown(r))[0] for r in (cr.base, cr.working))
    return [change.check for change in api_changes_between(old, new)]


@pytest.mark.parametrize(
    "check,trigger,near_miss", [pytest.param(*case, id=case[0]) for case in CASES]
)
def test_each_check_triggers_through_the_services_and_its_near_miss_does_not(
    base, owner, check, trigger, near_miss
):
    cr = opened_and_edited(base, owner, trigger, "Trigger")
    changes = change_request_api_impact(cr).api_changes
    # The smallest edit: this one change, at its level, on the endpoint's uid.
    assert [c.check for c in changes] == [check]
    assert changes[0].level == CHECKS[check].level
    uids = Endpoint.objects.filter(revision__in=[cr.base, cr.working]).values_list("uid", flat=True)
    assert changes[0].endpoint_uid in {str(uid) for uid in uids}
    if check not in NEEDS_UIDS:
        assert checks_read_from_text(cr) == [check]

    quiet = opened_and_edited(base, owner, near_miss, "Near miss")
    assert check not in [c.check for c in change_request_api_impact(quiet).api_changes]


def test_every_check_has_a_case_through_the_services():
    ids = [case[0] for case in CASES]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(CHECKS)
    assert set(CHECKS) > NEEDS_UIDS
