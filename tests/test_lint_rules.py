"""One spec per rule that triggers it and one that does not, built on a small spec that passes
every rule."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from specs_app import models as m
from specs_app.services.imports import spec_import
from specs_app.services.lint import DEFAULT_SETTINGS, RULES, Severity, lint_revision
from specs_app.services.lint.text import index_column_names, type_is_known
from tests.factories import SpecFactory, WorkspaceFactory, published_spec

pytestmark = pytest.mark.django_db


def add(model, parent, **values):
    """A child row of an endpoint or model, at the end of its siblings."""
    return model.objects.create(
        revision_id=parent.revision_id, **{model.parent_field: parent}, **values
    )


def clean_spec() -> SimpleNamespace:
    """GET /api/v1/tasks/{task_id} and the tables users and tasks: no finding at all."""
    spec = SpecFactory(workspace=WorkspaceFactory())
    revision = m.Revision.objects.create(spec=spec, api_overview="The tasks API.")
    endpoint = m.Endpoint.objects.create(
        revision=revision,
        name="Get Task",
        method="GET",
        path="/api/v1/tasks/{task_id}",
        user_ownership="Only a task whose user_id is the caller's id",
    )
    add(m.Parameter, endpoint, location="path", name="task_id", type="integer")
    add(m.BodyField, endpoint, part="response", name="id", type="integer")
    add(m.ErrorCase, endpoint, status_code=401, description="Missing or invalid token")
    add(m.ErrorCase, endpoint, status_code=404, description="No task of the caller")
    add(m.ErrorCase, endpoint, status_code=500, description="Unexpected server error")
    add(m.BusinessRule, endpoint, text="Another user's task is reported as missing")
    add(m.TestCase, endpoint, text="GET of another user's task returns 404")
    add(m.TestCase, endpoint, text="GET without a token returns 401")
    users = m.DataModel.objects.create(
        revision=revision, name="User", table="users", ownership="Managed by the auth service"
    )
    add(m.Field, users, name="id", type="varchar(64)", primary_key=True)
    tasks = m.DataModel.objects.create(
        revision=revision, name="Task", table="tasks", ownership="Enforced via user_id", position=1
    )
    add(m.Field, tasks, name="id", type="int", primary_key=True, auto=True)
    user_id = add(m.Field, tasks, name="user_id", type="varchar(64)", references="users.id")
    add(m.Field, tasks, name="title", type="varchar(200)", position=2)
    add(m.Index, tasks, name="idx_tasks_user_id", columns="user_id")
    add(
        m.Relationship,
        tasks,
        kind="belongs_to",
        target="User",
        fk_field="user_id",
        target_column="users.id",
        on_delete="CASCADE",
    )
    return SimpleNamespace(
        spec=spec, revision=revision, endpoint=endpoint, users=users, tasks=tasks, user_id=user_id
    )


def update(row, **values) -> None:
    type(row).objects.filter(pk=row.pk).update(**values)


def endpoint_children(s, model):
    return model.objects.filter(endpoint=s.endpoint)


def new_endpoint(s, **values) -> m.Endpoint:
    fields = {"name": "Other", "method": "GET", "path": "/api/v1/other", "position": 9}
    return m.Endpoint.objects.create(revision=s.revision, **(fields | values))


def rules_found(s) -> set[str]:
    return {finding.rule for finding in lint_revision(s.revision, DEFAULT_SETTINGS)}


def test_the_clean_spec_has_no_finding():
    assert lint_revision(clean_spec().revision, DEFAULT_SETTINGS) == []


# Each case: (rule id, change to the clean spec).
TRIGGERS = [
    ("test.endpoint-no-tests", lambda s: endpoint_children(s, m.TestCase).delete()),
    (
        "test.error-untested",
        lambda s: add(m.ErrorCase, s.endpoint, status_code=403, description="Archived task"),
    ),
    ("test.rule-untested", lambda s: add(m.BusinessRule, s.endpoint, text="Titles are trimmed")),
    (
        "http.body-not-allowed",
        lambda s: add(m.BodyField, s.endpoint, part="request", name="x", type="string"),
    ),
    ("http.success-status", lambda s: update(s.endpoint, success_status=302)),
    ("http.error-status", lambda s: add(m.ErrorCase, s.endpoint, status_code=200, description="x")),
    (
        "http.create-not-201",
        lambda s: new_endpoint(s, name="Create Task", method="POST", authentication="None"),
    ),
    ("http.no-content-with-body", lambda s: update(s.endpoint, success_status=204)),
    ("http.path-param-undeclared", lambda s: update(s.endpoint, path="/api/v1/tasks/{id}")),
    ("http.path-param-unused", lambda s: update(s.endpoint, path="/api/v1/tasks/mine")),
    ("http.path-style", lambda s: update(s.endpoint, path="/api/v1/Tasks/{task_id}/")),
    ("http.duplicate-route", lambda s: new_endpoint(s, path="/api/v1/tasks/{other_id}")),
    ("ownership.endpoint-missing", lambda s: update(s.endpoint, user_ownership="TBD")),
    (
        "ownership.path-param-no-404",
        lambda s: endpoint_children(s, m.ErrorCase).filter(status_code=404).delete(),
    ),
    ("ownership.model-missing", lambda s: update(s.tasks, ownership="")),
    ("ownership.owner-fk-not-indexed", lambda s: m.Index.objects.filter(model=s.tasks).delete()),
    (
        "errors.auth-no-401",
        lambda s: endpoint_children(s, m.ErrorCase).filter(status_code=401).delete(),
    ),
    (
        "errors.body-no-400",
        lambda s: new_endpoint(s, method="POST", authentication="None").body_fields.create(
            revision=s.revision, part="request", name="title", type="string"
        ),
    ),
    ("errors.no-500", lambda s: endpoint_children(s, m.ErrorCase).filter(status_code=500).delete()),
    (
        "errors.missing-description",
        lambda s: endpoint_children(s, m.ErrorCase).filter(status_code=404).update(description=""),
    ),
    ("complete.required-value", lambda s: update(s.endpoint, name="")),
    ("complete.no-primary-key", lambda s: m.Field.objects.filter(model=s.users).delete()),
    ("complete.unknown-reference", lambda s: update(s.user_id, references="accounts.id")),
    (
        "complete.unknown-column",
        lambda s: add(m.Index, s.tasks, name="idx_tasks_owner", columns="owner_id DESC"),
    ),
    ("complete.unknown-type", lambda s: add(m.Field, s.tasks, name="due", type="dattime")),
    ("ambiguity.marker", lambda s: update(s.tasks, ownership="Enforced via user_id (TODO)")),
    (
        "ambiguity.vague-wording",
        lambda s: add(m.BusinessRule, s.endpoint, text="Returns some fields of the task, etc."),
    ),
    ("ambiguity.short-text", lambda s: add(m.TestCase, s.endpoint, text="works")),
]

# Each case: (rule id, a change that comes close but must not trigger the rule).
NEAR_MISSES = [
    ("test.endpoint-no-tests", lambda s: endpoint_children(s, m.BusinessRule).delete()),
    (
        "test.error-untested",
        lambda s: add(m.ErrorCase, s.endpoint, status_code=500, description="Database down"),
    ),
    (
        "test.rule-untested",
        lambda s: add(m.BusinessRule, s.endpoint, text="A missing token is refused"),
    ),
    (
        "http.body-not-allowed",
        lambda s: (
            update(s.endpoint, method="PUT")
            or add(m.BodyField, s.endpoint, part="request", name="x", type="string")
        ),
    ),
    ("http.success-status", lambda s: update(s.endpoint, success_status=202)),
    ("http.error-status", lambda s: add(m.ErrorCase, s.endpoint, status_code=418, description="x")),
    (
        "http.create-not-201",
        lambda s: new_endpoint(s, name="Login", method="POST", authentication="None"),
    ),
    (
        "http.no-content-with-body",
        lambda s: (
            update(s.endpoint, success_status=204) or endpoint_children(s, m.BodyField).delete()
        ),
    ),
    ("http.path-param-undeclared", lambda s: update(s.endpoint, path="/api/v1/tasks/{task_id}")),
    ("http.path-param-unused", lambda s: update(s.endpoint, path="/api/v1/t/{task_id}/notes")),
    ("http.path-style", lambda s: update(s.endpoint, path="/api/v1/tasks/{taskId}")),
    ("http.duplicate-route", lambda s: new_endpoint(s, method="DELETE", path=s.endpoint.path)),
    (
        "ownership.endpoint-missing",
        lambda s: new_endpoint(s, authentication="None", user_ownership=""),
    ),
    (
        "ownership.path-param-no-404",
        lambda s: new_endpoint(s, path="/api/v1/public/{slug}", authentication="None"),
    ),
    ("ownership.model-missing", lambda s: update(s.tasks, ownership="Shared reference data")),
    (
        "ownership.owner-fk-not-indexed",
        lambda s: m.Index.objects.filter(model=s.tasks).update(columns="user_id, lower(title)"),
    ),
    ("errors.auth-no-401", lambda s: update(s.endpoint, authentication="Optional")),
    (
        "errors.body-no-400",
        lambda s: new_endpoint(s, method="POST", authentication="None").errors.create(
            revision=s.revision, status_code=422, description="Invalid"
        ),
    ),
    ("errors.no-500", lambda s: update(s.endpoint, name="Get Task Now")),
    (
        "errors.missing-description",
        lambda s: add(m.ErrorCase, s.endpoint, status_code=404, description="Archived"),
    ),
    ("complete.required-value", lambda s: update(s.user_id, description="")),
    (
        "complete.no-primary-key",
        lambda s: update(m.Field.objects.get(model=s.users), type="uuid"),
    ),
    ("complete.unknown-reference", lambda s: update(s.user_id, references="users.id")),
    (
        "complete.unknown-column",
        lambda s: add(
            m.Index, s.tasks, name="idx_t", columns="user_id, lower(title) DESC NULLS LAST"
        ),
    ),
    (
        "complete.unknown-type",
        lambda s: (
            add(m.Field, s.tasks, name="tags", type="array[User]")
            and add(m.Field, s.tasks, name="kind", type="enum(a, b)", position=5)
        ),
    ),
    ("ambiguity.marker", lambda s: update(s.tasks, ownership="Owned by the todo app's user")),
    (
        "ambiguity.vague-wording",
        lambda s: add(m.BusinessRule, s.endpoint, text="Awesome titles stay; a sometimes task"),
    ),
    ("ambiguity.short-text", lambda s: add(m.TestCase, s.endpoint, text="GET returns 200")),
]


@pytest.mark.parametrize(("rule_id", "change"), TRIGGERS, ids=[r for r, _ in TRIGGERS])
def test_rule_triggers(rule_id, change):
    s = clean_spec()
    change(s)
    assert rule_id in rules_found(s)


@pytest.mark.parametrize(("rule_id", "change"), NEAR_MISSES, ids=[r for r, _ in NEAR_MISSES])
def test_rule_does_not_trigger(rule_id, change):
    s = clean_spec()
    change(s)
    assert rule_id not in rules_found(s)


def test_every_registered_rule_has_a_trigger_and_a_near_miss():
    # The API ↔ database rules (db.*) have theirs in tests/test_lint_crosscheck.py.
    rules = {rule_id for rule_id in RULES if not rule_id.startswith("db.")}
    assert {rule_id for rule_id, _ in TRIGGERS} == rules
    assert {rule_id for rule_id, _ in NEAR_MISSES} == rules


def test_every_rule_is_documented():
    for rule in RULES.values():
        assert rule.severity in Severity.values
        assert rule.title and rule.flags and rule.example and rule.fix, rule.id


def test_a_finding_points_at_its_item_with_a_label_and_a_fix():
    s = clean_spec()
    update(s.user_id, references="accounts.id")
    # (tasks then has no owner column either: db.owned-no-owner-column, tested on its own)
    [finding] = [f for f in lint_revision(s.revision, DEFAULT_SETTINGS) if f.rule[:3] != "db."]
    assert finding.rule == "complete.unknown-reference"
    assert finding.severity == Severity.WARNING
    assert finding.item.label == "tasks.user_id"
    assert finding.item.uid == str(s.user_id.uid)
    assert finding.item.page_kind == "model" and finding.item.page_uid == str(s.tasks.uid)
    assert "accounts" in finding.message and "external" in finding.message


def test_endpoint_item_label_is_method_and_path():
    s = clean_spec()
    endpoint_children(s, m.TestCase).delete()
    finding = next(
        f for f in lint_revision(s.revision, DEFAULT_SETTINGS) if f.rule.startswith("test.")
    )
    assert finding.item.label == "GET /api/v1/tasks/{task_id}"


def test_markers_are_upper_case_only_and_phrases_any_case():
    s = clean_spec()
    add(m.BusinessRule, s.endpoint, text="Another user's task MAYBE leaks, todo app aside")
    update(s.endpoint, user_ownership="Only the caller's tasks ???")
    found = [f for f in lint_revision(s.revision, DEFAULT_SETTINGS) if f.rule.startswith("amb")]
    assert {(f.rule, f.item.kind) for f in found} == {
        ("ambiguity.vague-wording", "business rule"),
        ("ambiguity.marker", "endpoint"),
    }


def test_markers_in_the_overview_are_found():
    s = clean_spec()
    update(s.revision, schema_overview="FIXME: describe the schema")
    s.revision.refresh_from_db()
    [finding] = lint_revision(s.revision, DEFAULT_SETTINGS)
    assert (finding.rule, finding.item.label) == ("ambiguity.marker", "Schema overview")


@pytest.mark.parametrize(
    ("columns", "names"),
    [
        ("user_id", [["user_id"]]),
        ("user_id, created_at DESC", [["user_id"], ["created_at"]]),
        ("lower(name)", [["name"]]),
        ("user_id, lower(name) NULLS LAST", [["user_id"], ["name"]]),
        ("(created_at::date)", [["created_at"]]),
        ("coalesce(title, 'x')", [["title"]]),
    ],
)
def test_index_columns_look_through_sort_keywords_and_functions(columns, names):
    assert index_column_names(columns) == names


@pytest.mark.parametrize(
    "type_text",
    [
        "string",
        "Integer",
        "varchar(64)",
        "char(7)",
        "array[Task]",
        "enum(a, b)",
        "uuid[]",
        "list<string>",
        "decimal(10, 2)",
        "timestamp with time zone",
        "string | null",
        "task",
    ],
)
def test_known_types(type_text):
    assert type_is_known(type_text, frozenset({"task"}))


@pytest.mark.parametrize("type_text", ["dattime", "array[Taks]", "foo(1)", "Project"])
def test_unknown_types(type_text):
    assert not type_is_known(type_text, frozenset({"task"}))


# ---------------------------------------------------------------------------------------------
# The demo spec, and the cost of a large spec

DEMO = Path(__file__).resolve().parent.parent / "specs_app" / "demo" / "todo" / "specs"


def import_demo(workspace) -> m.Spec:
    result = spec_import(
        workspace=workspace,
        spec_slug="todo",
        title="Todo",
        api_text=(DEMO / "api" / "rest-endpoints.md").read_text(encoding="utf-8"),
        schema_text=(DEMO / "database" / "schema.md").read_text(encoding="utf-8"),
    )
    assert result.ok, result.errors
    return result.spec


def test_the_demo_spec_has_no_error():
    spec = import_demo(WorkspaceFactory())
    findings = lint_revision(spec.head)
    assert [f for f in findings if f.is_error] == []
    assert {f.rule for f in findings} <= {
        "db.length-unbounded",  # tags.color is char(7); Create Tag states no maximum
        "errors.no-500",
        "test.error-untested",
        "test.rule-untested",
    }


def _lint_queries(revision) -> int:
    with CaptureQueriesContext(connection) as queries:
        lint_revision(revision)
    return len(queries)


def test_lint_costs_the_same_number_of_queries_whatever_the_size():
    workspace = WorkspaceFactory()
    small = published_spec(workspace=workspace, slug="small", endpoints=2, models=1)
    large = published_spec(workspace=workspace, slug="large", endpoints=1000, models=100)
    # one query per content table (12) and the spec's lint configuration
    assert _lint_queries(small.head) == _lint_queries(large.head) == 13
    assert len(lint_revision(large.head)) > 1000
