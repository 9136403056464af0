"""API ↔ database cross-checks (db.*): each rule with the smallest spec that triggers it and one
that comes close but does not; how an endpoint maps to a model; the optional `**Model**` label;
the editor's link; the pages that show the mapping. Specs are written as canonical markdown and
imported through the real import service; edits in change requests go through the services."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse

from specs_app.models import BodyField, DataModel, Endpoint, Field
from specs_app.services import review as services
from specs_app.services.export import revision_export
from specs_app.services.imports import spec_import
from specs_app.services.lint import DEFAULT_SETTINGS, RULES, Severity, lint_revision
from specs_app.services.resources import EXPLICIT, NAME, PATH, ModelIndex, endpoint_model
from tests.markdown_helpers import API_PATH, golden_api, golden_schema
from tests.review_helpers import open_request, ready_spec

pytestmark = pytest.mark.django_db

DB_RULES = sorted(rule_id for rule_id in RULES if rule_id.startswith("db."))

# ---------------------------------------------------------------------------------------------
# Writing small specs


def endpoint(
    name: str,
    method: str,
    path: str,
    *,
    request=(),
    response=(),
    errors=((401, "Missing or invalid token"), (500, "Unexpected server error")),
    params=(),
    rules=(),
    ownership="Only rows whose user_id is the caller's id",
    auth="Required",
    model="",
    status=200,
) -> str:
    def json_block(label: str, fields, empty: str) -> list[str]:
        if not fields:
            return [f"- {label}: {empty}"]
        members = [f'    "{n}": "{t}"' for n, t in fields]
        members = [f"{m}," for m in members[:-1]] + members[-1:]
        return [f"- {label}:", "  ```json", "  {", *members, "  }", "  ```"]

    path_params = [f"  - `{n}`: {t}" for n, t in params]
    return "\n".join(
        [
            f"## {name}",
            "",
            f"**Method**: {method}",
            f"**Path**: {path}",
            f"**Authentication**: {auth}",
            f"**User Ownership**: {ownership}",
            *([f"**Model**: {model}"] if model else []),
            "",
            "### Request",
            "- **Headers**: None",
            *(
                ["- **Path Parameters**:", *path_params]
                if params
                else ["- **Path Parameters**: None"]
            ),
            "- **Query Parameters**: None",
            *json_block("**Body Schema**", request, "None"),
            "",
            "### Response",
            *json_block(f"**Success ({status})**", response, "No content"),
            "- **Errors**:",
            *(f"  - {code}: {text}" for code, text in sorted(errors)),
            "",
            "### Business Rules",
            *([f"- {r}" for r in rules] or ["- None"]),
            "",
            "### Test Cases",
            "- [ ] It works",
        ]
    )


def model(name: str, table: str, rows, *, indexes=(), ownership="Enforced via user_id") -> str:
    return "\n".join(
        [
            f"## {name}",
            "",
            f"**Table**: {table}",
            f"**Ownership**: {ownership}",
            "",
            "### Fields",
            "| Field | Type | Constraints | Description |",
            "|-------|------|-------------|-------------|",
            *rows,
            "",
            "### Relationships",
            "- None",
            "",
            "### Indexes",
            *([f"- {i}" for i in indexes] or ["- None"]),
            "",
            "### Constraints",
            "- None",
            "",
            "### Migration Notes",
            "- None",
        ]
    )


USERS = model("User", "users", ["| id | varchar(64) | PK | Id |"], ownership="Auth service")
TASK_ROWS = [
    "| id | int | PK, auto | Id |",
    "| user_id | varchar(64) | FK -> users.id, NOT NULL | Owner |",
    "| title | varchar(200) | NOT NULL | Title |",
    "| note | text | NULL | Note |",
    "| status | varchar(20) | NOT NULL, DEFAULT 'open', CHECK (status IN ('open', 'done')) | S |",
]
ERRORS_404 = (
    (401, "Missing or invalid token"),
    (404, "No task of the caller"),
    (500, "Unexpected server error"),
)
ERRORS_400 = ((400, "Title too long"), (401, "Missing or invalid token"), (500, "Server error"))
GET_RESPONSE = (
    ("id", "integer (required)"),
    ("title", "string (required)"),
    ("note", "string (optional)"),
    ("status", "enum(open, done) (required)"),
)
CREATE_REQUEST = (
    ("title", "string (required, 1-200 chars)"),
    ("note", "string (optional, max 1000 chars)"),
)


def get_task(**changes) -> str:
    values = {
        "params": [("task_id", "integer (required)")],
        "response": GET_RESPONSE,
        "errors": ERRORS_404,
    }
    return endpoint("Get Task", "GET", "/api/v1/tasks/{task_id}", **(values | changes))


def create_task(**changes) -> str:
    values = {
        "request": CREATE_REQUEST,
        "response": (("id", "integer (required)"),),
        "errors": ERRORS_400,
        "status": 201,
    }
    return endpoint("Create Task", "POST", "/api/v1/tasks", **(values | changes))


def tasks(rows=TASK_ROWS, **options) -> str:
    return model("Task", "tasks", rows, **options)


def files(endpoints: list[str], models: list[str]) -> tuple[str, str]:
    api = "\n\n".join(["# REST API Endpoints", *endpoints]) + "\n"
    schema = "\n\n".join(["# Database Schema", *models]) + "\n"
    return api, schema


_SLUGS = iter(range(10_000))


def imported(workspace, endpoints: list[str], models: list[str]):
    api, schema = files(endpoints, models)
    result = spec_import(
        workspace=workspace, spec_slug=f"s{next(_SLUGS)}", api_text=api, schema_text=schema
    )
    assert result.ok, result.errors
    return result


def db_findings(revision) -> list[tuple[str, str]]:
    return [
        (f.rule, f.item.label)
        for f in lint_revision(revision, DEFAULT_SETTINGS)
        if f.rule.startswith("db.")
    ]


def db_rules(workspace, endpoints, models) -> set[str]:
    return {rule for rule, _ in db_findings(imported(workspace, endpoints, models).revision)}


# ---------------------------------------------------------------------------------------------
# The base spec and each rule


def test_the_base_spec_has_no_cross_check_finding(workspace):
    assert db_rules(workspace, [get_task(), create_task()], [USERS, tasks()]) == set()


FK_ROWS = [*TASK_ROWS, "| project_id | int | FK -> projects.id, NULL | Project |"]
PROJECTS = model(
    "Project",
    "projects",
    ["| id | int | PK, auto | Id |", "| user_id | varchar(64) | FK -> users.id, NOT NULL | O |"],
)
PROJECT_TASKS = endpoint(
    "List Project Tasks",
    "GET",
    "/api/v1/projects/{project_id}/tasks",
    params=[("project_id", "integer (required)")],
    errors=ERRORS_404,
)

# rule id → (endpoints, models) that trigger it, and (endpoints, models) that come close.
CASES = {
    "db.model-link-unknown": (
        ([get_task(model="Todo")], [USERS, tasks()]),
        ([get_task(model="task")], [USERS, tasks()]),
    ),
    "db.response-field-no-column": (
        (
            [get_task(response=(*GET_RESPONSE, ("priority", "integer (required)")))],
            [USERS, tasks()],
        ),
        (
            [
                get_task(
                    response=(
                        *GET_RESPONSE,
                        ("priority", "integer (required)"),
                        ("meta.etag", "string (required)"),
                    ),
                    rules=["priority is computed from the due date"],
                )
            ],
            [USERS, tasks()],
        ),
    ),
    "db.request-field-no-column": (
        (
            [create_task(request=(*CREATE_REQUEST, ("colour", "string (optional)")))],
            [USERS, tasks()],
        ),
        (
            [
                create_task(
                    request=(
                        *CREATE_REQUEST,
                        ("colour", "string (optional)"),
                        ("tag_ids", "array[integer] (optional)"),
                    ),
                    rules=["colour is ignored until tags have colours"],
                )
            ],
            [USERS, tasks()],
        ),
    ),
    "db.required-nullable": (
        (
            [create_task(request=(CREATE_REQUEST[0], ("note", "string (required, max 9 chars)")))],
            [USERS, tasks()],
        ),
        ([create_task()], [USERS, tasks()]),
    ),
    "db.optional-not-null": (
        ([create_task(request=(("title", "string (optional, max 200 chars)"),))], [USERS, tasks()]),
        (
            [
                endpoint(
                    "Update Task",
                    "PATCH",
                    "/api/v1/tasks/{task_id}",
                    params=[("task_id", "integer (required)")],
                    request=(
                        ("title", "string (optional, max 200 chars)"),
                        ("status", "enum(open, done) (optional)"),
                    ),
                    errors=((400, "Bad"), *ERRORS_404),
                ),
                create_task(request=(*CREATE_REQUEST, ("status", "enum(open, done) (optional)"))),
            ],
            [USERS, tasks()],
        ),
    ),
    "db.response-required-nullable": (
        ([get_task(response=(*GET_RESPONSE[:2], ("note", "string (required)")))], [USERS, tasks()]),
        ([get_task()], [USERS, tasks()]),
    ),
    "db.type-mismatch": (
        (
            [get_task(response=(("id", "integer (required)"), ("title", "integer (required)")))],
            [USERS, tasks()],
        ),
        (
            [get_task(response=(("id", "integer (required)"), ("title", "string (required)")))],
            [USERS, tasks()],
        ),
    ),
    "db.type-imprecise": (
        ([get_task(params=[("task_id", "number (required)")])], [USERS, tasks()]),
        ([get_task(params=[("task_id", "integer (required)")])], [USERS, tasks()]),
    ),
    "db.length-exceeds-column": (
        ([create_task(request=(("title", "string (required, 1-300 chars)"),))], [USERS, tasks()]),
        ([create_task(request=(("title", "string (required, 1-200 chars)"),))], [USERS, tasks()]),
    ),
    "db.length-unbounded": (
        ([create_task(request=(("title", "string (required)"),))], [USERS, tasks()]),
        (
            [
                create_task(
                    request=(
                        ("title", "string (required, max 200 chars)"),
                        ("note", "string (optional)"),
                    )
                )
            ],
            [USERS, tasks()],
        ),
    ),
    "db.enum-check-mismatch": (
        (
            [get_task(response=(("status", "enum(open, done, archived) (required)"),))],
            [USERS, tasks()],
        ),
        ([get_task(response=(("status", "enum(done, open) (required)"),))], [USERS, tasks()]),
    ),
    "db.path-param-not-key": (
        ([PROJECT_TASKS], [USERS, tasks()]),
        ([PROJECT_TASKS], [USERS, PROJECTS, tasks(FK_ROWS)]),
    ),
    "db.owned-no-owner-column": (
        ([get_task()], [USERS, tasks([r for r in TASK_ROWS if "user_id" not in r])]),
        (
            [get_task(auth="None", ownership="Public reference data", errors=ERRORS_404[1:])],
            [USERS, tasks([r for r in TASK_ROWS if "user_id" not in r])],
        ),
    ),
    "db.unique-no-409": (
        ([create_task()], [USERS, tasks(indexes=["`uq_tasks_title` UNIQUE on (user_id, title)"])]),
        (
            [create_task(errors=(*ERRORS_400, (409, "A task with this title exists")))],
            [USERS, tasks(indexes=["`uq_tasks_title` UNIQUE on (user_id, title)"])],
        ),
    ),
    "db.fk-no-404": (
        (
            [create_task(request=(*CREATE_REQUEST, ("project_id", "integer (optional)")))],
            [USERS, PROJECTS, tasks(FK_ROWS)],
        ),
        (
            [
                create_task(
                    request=(*CREATE_REQUEST, ("project_id", "integer (optional)")),
                    errors=(*ERRORS_400, (422, "No project of the caller with this id")),
                )
            ],
            [USERS, PROJECTS, tasks(FK_ROWS)],
        ),
    ),
}


def test_every_cross_check_rule_has_a_case():
    assert len(DB_RULES) >= 10
    assert {*CASES, "db.dropped-column-in-response"} == set(DB_RULES)
    for rule_id in DB_RULES:
        rule = RULES[rule_id]
        assert rule.category == "API ↔ database"
        assert rule.title and rule.flags and rule.example and rule.fix


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_triggers(workspace, rule_id):
    endpoints, models = CASES[rule_id][0]
    assert rule_id in db_rules(workspace, endpoints, models)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_does_not_trigger(workspace, rule_id):
    endpoints, models = CASES[rule_id][1]
    assert rule_id not in db_rules(workspace, endpoints, models)


def test_a_finding_names_the_field_the_column_and_the_fix(workspace):
    response = (*GET_RESPONSE, ("priority", "integer (required)"))
    revision = imported(workspace, [get_task(response=response)], [USERS, tasks()]).revision
    [finding] = [f for f in lint_revision(revision) if f.rule.startswith("db.")]
    assert finding.severity == Severity.WARNING
    assert finding.item.label == "GET /api/v1/tasks/{task_id}, response field priority"
    assert finding.item.page_kind == "endpoint"
    assert "priority has no column in Task (tasks)" in finding.message


def test_envelope_responses_are_not_compared_with_columns(workspace):
    listing = endpoint(
        "List Tasks",
        "GET",
        "/api/v1/tasks",
        response=(("items", "array[Task] (required)"), ("total", "integer (required)")),
    )
    assert db_rules(workspace, [listing], [USERS, tasks()]) == set()


def test_a_related_models_field_does_not_make_a_body_an_envelope(workspace):
    response = (*GET_RESPONSE, ("tags", "array[User] (required)"), ("rank", "integer (required)"))
    found = db_findings(
        imported(workspace, [get_task(response=response)], [USERS, tasks()]).revision
    )
    assert found == [
        ("db.response-field-no-column", "GET /api/v1/tasks/{task_id}, response field rank")
    ]


def test_a_rule_can_be_turned_off_or_made_an_error(workspace):
    from specs_app.services.lint import LintSettings

    response = (*GET_RESPONSE, ("priority", "integer (required)"))
    revision = imported(workspace, [get_task(response=response)], [USERS, tasks()]).revision
    rule = "db.response-field-no-column"
    off = lint_revision(revision, LintSettings(rules={rule: "off"}))
    error = lint_revision(revision, LintSettings(rules={rule: "error"}))
    assert rule not in {f.rule for f in off}
    assert [f.severity for f in error if f.rule == rule] == [Severity.ERROR]


def test_owner_table_comes_from_the_lint_settings(workspace):
    from specs_app.services.lint import LintSettings

    revision = imported(workspace, [get_task()], [USERS, tasks()]).revision
    rule = "db.owned-no-owner-column"
    assert rule not in {f.rule for f in lint_revision(revision, DEFAULT_SETTINGS)}
    assert rule in {f.rule for f in lint_revision(revision, LintSettings(owner_table="accounts"))}


# ---------------------------------------------------------------------------------------------
# A column dropped in a change request (the draft against its base, by uid)


@pytest.fixture
def published(workspace, owner):
    result = imported(workspace, [get_task()], [USERS, tasks()])
    return ready_spec(result.spec)


def _field(revision, name: str) -> Field:
    return Field.objects.get(revision=revision, model__table="tasks", name=name)


def test_a_column_dropped_in_a_request_and_still_returned_is_an_error(published, editor):
    cr = open_request(published, editor, "Drop the note")
    services.change_request_delete(change_request=cr, actor=editor, row=_field(cr.working, "note"))
    findings = [f for f in lint_revision(cr.working) if f.rule.startswith("db.")]
    assert [(f.rule, f.severity, f.item.label) for f in findings] == [
        (
            "db.dropped-column-in-response",
            Severity.ERROR,
            "GET /api/v1/tasks/{task_id}, response field note",
        )
    ]
    assert "drops the column tasks.note" in findings[0].message


def test_a_renamed_column_is_not_a_dropped_one(published, editor):
    cr = open_request(published, editor, "Rename the note")
    note = _field(cr.working, "note")
    services.change_request_update(
        change_request=cr, actor=editor, row=note, expected_version=note.version, name="notes"
    )
    rules = {rule for rule, _ in db_findings(cr.working)}
    assert "db.dropped-column-in-response" not in rules
    assert "db.response-field-no-column" in rules  # the response still says note
    [finding] = [f for f in lint_revision(cr.working) if f.rule == "db.response-field-no-column"]
    assert "renames the column tasks.note to notes" in finding.message
    assert "still returns note" in finding.message


def test_dropping_the_field_with_its_column_is_clean(published, editor):
    cr = open_request(published, editor, "Drop the note everywhere")
    services.change_request_delete(change_request=cr, actor=editor, row=_field(cr.working, "note"))
    response_note = BodyField.objects.get(revision=cr.working, part="response", name="note")
    services.change_request_delete(change_request=cr, actor=editor, row=response_note)
    assert db_findings(cr.working) == []


# ---------------------------------------------------------------------------------------------
# The reference spec


def test_the_reference_spec_has_no_cross_check_error_and_one_warning(workspace):
    result = spec_import(
        workspace=workspace,
        spec_slug="todo-ref",
        api_text=golden_api(),
        schema_text=golden_schema(),
    )
    findings = [f for f in lint_revision(result.revision) if f.rule.startswith("db.")]
    assert [f for f in findings if f.is_error] == []
    assert [(f.rule, f.item.label) for f in findings] == [
        ("db.length-unbounded", "POST /api/v1/tags, request field color")
    ]


def test_the_reference_endpoints_map_to_their_models(workspace):
    result = spec_import(
        workspace=workspace,
        spec_slug="todo-map",
        api_text=golden_api(),
        schema_text=golden_schema(),
    )
    index = ModelIndex(DataModel.objects.filter(revision=result.revision))
    endpoints = Endpoint.objects.filter(revision=result.revision).order_by("position")
    mapped = {e.name: endpoint_model(e, index) for e in endpoints}
    assert {name: (m.model.name if m.model else None, m.how) for name, m in mapped.items()} == {
        "Health Check": (None, ""),
        "List Tasks": ("Task", PATH),
        "Create Task": ("Task", PATH),
        "Get Task": ("Task", PATH),
        "Update Task": ("Task", PATH),
        "Toggle Task Completion": ("Task", PATH),
        "Delete Task": ("Task", PATH),
        "List Tags": ("Tag", PATH),
        "Create Tag": ("Tag", PATH),
    }


# ---------------------------------------------------------------------------------------------
# The mapping


def _model(name: str, table: str):
    return SimpleNamespace(name=name, table=table, uid=name)


def _endpoint(name: str, path: str, link: str = ""):
    return SimpleNamespace(name=name, path=path, data_model=link)


INDEX = ModelIndex(
    [
        _model("Task", "tasks"),
        _model("Project", "projects"),
        _model("TaskTag", "task_tags"),
        _model("Category", "categories"),
    ]
)


@pytest.mark.parametrize(
    ("name", "path", "link", "expected", "how"),
    [
        ("Get Task", "/api/v1/tasks/{id}", "", "Task", PATH),
        ("List", "/api/v1/projects/{project_id}/tasks", "", "Task", PATH),
        ("Archive", "/api/v2.1/projects/{id}/archive", "", "Project", PATH),
        ("List", "/categories", "", "Category", PATH),
        ("List", "/api/task-tags", "", "TaskTag", PATH),
        ("Create Task", "/api/v1/things", "", "Task", NAME),
        ("Link Task Tag", "/api/v1/links", "", "TaskTag", NAME),
        ("Get Task", "/api/v1/tasks/{id}", "project", "Project", EXPLICIT),
        ("Health", "/api/v1/health", "", None, ""),
        ("GET /api/{user_id}/chat", "/api/{user_id}/chat", "", None, ""),
    ],
)
def test_how_an_endpoint_maps_to_a_model(name, path, link, expected, how):
    mapping = endpoint_model(_endpoint(name, path, link), INDEX)
    assert (mapping.model.name if mapping.model else None, mapping.how) == (expected, how)


def test_an_explicit_link_to_no_model_maps_to_nothing_and_says_so():
    mapping = endpoint_model(_endpoint("Get Task", "/api/v1/tasks/{id}", "Todo"), INDEX)
    assert mapping.model is None and mapping.how == EXPLICIT and mapping.link_unknown


# ---------------------------------------------------------------------------------------------
# The **Model** label: canonical round trip


def _with_link(api: str, endpoint_name: str, model_name: str) -> str:
    head, rest = api.split(f"## {endpoint_name}\n", 1)
    section_head, section_rest = rest.split("\n\n### Request", 1)
    linked = f"{section_head}\n**Model**: {model_name}"
    return f"{head}## {endpoint_name}\n{linked}\n\n### Request{section_rest}"


def test_the_model_label_survives_the_round_trip(workspace):
    api = _with_link(golden_api(), "Toggle Task Completion", "Task")
    ownership = "Toggles only a task whose user_id equals the authenticated user's id"
    assert f"**User Ownership**: {ownership}\n**Model**: Task\n\n### Request" in api
    result = spec_import(
        workspace=workspace, spec_slug="linked", api_text=api, schema_text=golden_schema()
    )
    assert result.ok and not result.warnings, result.warnings
    linked = Endpoint.objects.get(revision=result.revision, name="Toggle Task Completion")
    assert linked.data_model == "Task"
    assert Endpoint.objects.filter(revision=result.revision).exclude(data_model="").count() == 1
    exported = revision_export(result.revision)[API_PATH]
    assert exported == api
    again = spec_import(
        workspace=workspace, spec_slug="linked2", api_text=exported, schema_text=golden_schema()
    )
    assert revision_export(again.revision)[API_PATH] == api


def test_without_links_the_reference_export_keeps_its_bytes(workspace):
    result = spec_import(
        workspace=workspace, spec_slug="plain", api_text=golden_api(), schema_text=golden_schema()
    )
    assert "**Model**" not in revision_export(result.revision)[API_PATH]
    assert revision_export(result.revision)[API_PATH] == golden_api()


def test_a_variant_file_gives_its_model_label_too(workspace):
    api = "# Tasks API\n\n### POST /api/v1/things\n\n**Model:** Task\n\nCreates a thing.\n"
    result = spec_import(workspace=workspace, spec_slug="variant", api_text=api)
    assert result.ok, result.errors
    assert Endpoint.objects.get(revision=result.revision).data_model == "Task"


# ---------------------------------------------------------------------------------------------
# The editor sets the link


@pytest.fixture
def cr(published, editor):
    return open_request(published, editor, "Link a model")


def _save_url(cr, endpoint) -> str:
    return reverse(
        "specs_app:editor_item_save",
        args=["acme", cr.spec.slug, cr.number, "endpoint", endpoint.uid],
    )


def _item_data(endpoint: Endpoint, **changes) -> dict:
    data = {
        "name": endpoint.name,
        "method": endpoint.method,
        "path": endpoint.path,
        "authentication": endpoint.authentication,
        "user_ownership": endpoint.user_ownership,
        "success_status": endpoint.success_status,
        "data_model": endpoint.data_model,
        "version": endpoint.version,
        **changes,
    }
    return {f"item-{k}": v for k, v in data.items()}


def test_the_editor_offers_the_models_and_sets_the_link(client_for, editor, cr):
    endpoint = Endpoint.objects.get(revision=cr.working)
    client = client_for(editor)
    url = reverse(
        "specs_app:editor_item", args=["acme", cr.spec.slug, cr.number, "endpoint", endpoint.uid]
    )
    page = client.get(url).content.decode()
    assert 'name="item-data_model"' in page
    assert "Automatic (from the path or the name)" in page and '<option value="Task">' in page
    response = client.post(_save_url(cr, endpoint), _item_data(endpoint, data_model="Task"))
    assert response.status_code == 302
    assert Endpoint.objects.get(revision=cr.working).data_model == "Task"
    assert "**Model**: Task" in revision_export(cr.working)[API_PATH]


def test_the_editor_refuses_a_name_that_is_no_model(client_for, editor, cr):
    endpoint = Endpoint.objects.get(revision=cr.working)
    response = client_for(editor).post(
        _save_url(cr, endpoint), _item_data(endpoint, data_model="Todo")
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert Endpoint.objects.get(revision=cr.working).data_model == ""


def test_a_link_whose_model_is_renamed_later_is_a_lint_error(client_for, editor, cr):
    endpoint = Endpoint.objects.get(revision=cr.working)
    client_for(editor).post(_save_url(cr, endpoint), _item_data(endpoint, data_model="Task"))
    task = DataModel.objects.get(revision=cr.working, name="Task")
    services.change_request_update(
        change_request=cr, actor=editor, row=task, expected_version=task.version, name="Todo"
    )
    assert ("db.model-link-unknown", "GET /api/v1/tasks/{task_id}") in db_findings(cr.working)
    # The stale link stays selectable, so the endpoint's other values can still be saved.
    endpoint = Endpoint.objects.get(revision=cr.working)
    response = client_for(editor).post(
        _save_url(cr, endpoint), _item_data(endpoint, user_ownership="Only the caller's tasks")
    )
    assert response.status_code == 302


def test_setting_the_link_needs_an_editor_of_the_workspace(client_for, viewer, outsider, cr):
    endpoint = Endpoint.objects.get(revision=cr.working)
    data = _item_data(endpoint, data_model="Task")
    assert client_for(outsider).post(_save_url(cr, endpoint), data).status_code == 404
    assert client_for(viewer).post(_save_url(cr, endpoint), data).status_code == 403
    assert Endpoint.objects.get(revision=cr.working).data_model == ""


# ---------------------------------------------------------------------------------------------
# The pages show the mapping


def test_the_endpoint_page_shows_its_model_and_how_it_was_found(client_for, viewer, published):
    endpoint = Endpoint.objects.get(revision=published.head)
    task = DataModel.objects.get(revision=published.head, name="Task")
    url = reverse("specs_app:endpoint_detail", args=["acme", published.slug, endpoint.uid])
    body = client_for(viewer).get(url).content.decode()
    model_url = reverse("specs_app:model_detail", args=["acme", published.slug, task.uid])
    assert f'<a href="{model_url}">Task</a>' in body and "(from the path)" in body


def test_the_endpoint_page_says_when_no_model_is_found(client_for, viewer, workspace, owner):
    health = endpoint("Health", "GET", "/api/v1/health", auth="None", errors=((500, "Down"),))
    spec = imported(workspace, [health], [USERS]).spec
    url = reverse(
        "specs_app:endpoint_detail",
        args=["acme", spec.slug, Endpoint.objects.get(revision=spec.head).uid],
    )
    assert "None found" in client_for(viewer).get(url).content.decode()


def test_the_model_page_lists_the_endpoints_that_map_to_it(client_for, viewer, workspace, owner):
    spec = imported(workspace, [get_task(), create_task()], [USERS, tasks()]).spec
    task = DataModel.objects.get(revision=spec.head, name="Task")
    users = DataModel.objects.get(revision=spec.head, name="User")
    client = client_for(viewer)
    body = client.get(
        reverse("specs_app:model_detail", args=["acme", spec.slug, task.uid])
    ).content.decode()
    for e in Endpoint.objects.filter(revision=spec.head):
        link = reverse("specs_app:endpoint_detail", args=["acme", spec.slug, e.uid])
        assert f'href="{link}">{e.path}</a>' in body
    assert 'method-badge method-POST">POST</span>' in body
    other = client.get(
        reverse("specs_app:model_detail", args=["acme", spec.slug, users.uid])
    ).content.decode()
    assert 'data-testid="model-endpoints-none"' in other


@pytest.mark.parametrize("size", [10, 200])
def test_the_model_page_costs_the_same_queries_for_any_size(
    client_for, viewer, workspace, django_assert_num_queries, size
):
    from tests.factories import published_spec

    spec = published_spec(workspace=workspace, slug=f"m{size}", endpoints=size, models=3)
    model_row = DataModel.objects.filter(revision=spec.head).last()
    url = reverse("specs_app:model_detail", args=["acme", spec.slug, model_row.uid])
    client = client_for(viewer)
    # session, user, membership, spec, revisions, the model, its 5 child tables, the revision's
    # endpoints and models (for the mapping), the navbar's unread count
    with django_assert_num_queries(14):
        assert client.get(url).status_code == 200


def test_the_lint_settings_page_lists_the_category(client_for, owner, published):
    url = reverse("specs_app:lint_settings", args=["acme", published.slug])
    body = client_for(owner).get(url).content.decode()
    assert "API ↔ database" in body
    assert 'name="rule:db.response-field-no-column"' in body


def test_a_type_with_a_bracketed_pipe_is_read_without_recursing():
    # A corpus spec's type `(a|b)` sent complete.unknown-type into endless recursion.
    from specs_app.services.lint.text import type_is_known

    assert type_is_known("(a|b)", frozenset()) is False
    assert type_is_known("string|null", frozenset()) is True


def test_ids_of_an_unmodelled_sub_resource_are_not_the_parents_keys(workspace):
    messages = endpoint(
        "Get Message",
        "GET",
        "/api/v1/tasks/{task_id}/messages/{message_id}",
        params=[("task_id", "integer (required)"), ("message_id", "integer (required)")],
        errors=ERRORS_404,
    )
    assert db_rules(workspace, [messages], [USERS, tasks()]) == set()


def test_fields_whose_names_are_no_identifiers_are_not_compared(workspace):
    odd = create_task(request=(*CREATE_REQUEST, ("multipart/form-data", "string (optional)")))
    assert db_rules(workspace, [odd], [USERS, tasks()]) == set()


# ---------------------------------------------------------------------------------------------
# Real specs: the corpus beside the project (../shared/corpus), when it is there

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def test_the_rules_run_over_every_corpus_spec_that_imports(workspace):
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS}")
    names = sorted({p.name for part in ("api", "db") for p in (CORPUS / part).glob("*.md")})
    imported = endpoints = mapped = 0
    for number, name in enumerate(names):
        texts = {
            key: (CORPUS / part / name).read_text(encoding="utf-8", errors="replace")
            for part, key in (("api", "api_text"), ("db", "schema_text"))
            if (CORPUS / part / name).exists()
        }
        result = spec_import(workspace=workspace, spec_slug=f"corpus-{number}", **texts)
        if not result.ok:
            continue
        imported += 1
        rows = list(Endpoint.objects.filter(revision=result.revision))
        index = ModelIndex(DataModel.objects.filter(revision=result.revision))
        endpoints += len(rows)
        mapped += sum(1 for row in rows if endpoint_model(row, index).model is not None)
        lint_revision(result.revision, DEFAULT_SETTINGS)  # no exception, whatever the input
    # 41 of 43 import; 203 of their 297 endpoints map to a model (path 201, name 2).
    assert imported >= 40 and endpoints >= 290 and mapped >= 200
