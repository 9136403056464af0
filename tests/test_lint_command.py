import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from specs_app.models import Endpoint
from specs_app.services.content import content_update
from specs_app.services.lint_settings import lint_settings_save
from specs_app.services.revisions import revision_fork, revision_publish
from tests.factories import WorkspaceFactory, admin_of, published_spec
from tests.test_lint_rules import import_demo

pytestmark = pytest.mark.django_db


def _lint(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("lint_spec", *args, stdout=out, stderr=StringIO())
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def demo():
    return import_demo(WorkspaceFactory(slug="acme"))


def test_a_spec_without_errors_exits_0(demo):
    code, output = _lint("acme/todo")
    assert code == 0
    assert "acme/todo r1: 0 error(s)" in output
    assert "warning  test.error-untested  GET /api/v1/health, error 503:" in output


def test_a_spec_with_errors_exits_1():
    # The factory's endpoints are GETs with a request body.
    published_spec(workspace=WorkspaceFactory(slug="acme"), slug="things", endpoints=2, models=1)
    code, output = _lint("acme/things")
    assert code == 1
    assert "error    http.body-not-allowed" in output


def test_json_output_is_a_list_of_findings(demo):
    code, output = _lint("acme/todo", "--format", "json")
    findings = json.loads(output)
    assert code == 0 and findings
    for finding in findings:
        assert set(finding) == {"rule", "severity", "item", "message"}
        assert finding["severity"] in ("error", "warning")
    assert {k: v for k, v in findings[0].items() if k != "message"} == {
        "rule": "errors.no-500",
        "severity": "warning",
        "item": "GET /api/v1/health",
    }


def test_json_output_with_errors_exits_1():
    spec = published_spec(workspace=WorkspaceFactory(slug="acme"), slug="t", endpoints=1)
    code, output = _lint("acme/t", "--format", "json")
    assert code == 1
    assert any(f["severity"] == "error" for f in json.loads(output))
    lint_settings_save(
        spec=spec,
        actor=admin_of(spec.workspace),
        owner_table="users",
        external_tables=[],
        rules={"http.body-not-allowed": "warning", "errors.body-no-400": "off"},
    )
    code, output = _lint("acme/t", "--format", "json")
    assert code == 0 and all(f["severity"] == "warning" for f in json.loads(output))


def test_an_older_revision_can_be_linted(demo):
    draft = revision_fork(source=demo.head)
    endpoint = Endpoint.objects.get(revision=draft, name="Health Check")
    content_update(row=endpoint, expected_version=1, success_status=302)
    revision_publish(revision=draft)
    assert _lint("acme/todo")[0] == 1
    assert _lint("acme/todo", "--revision", "1")[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "is not WORKSPACE/SPEC"),
        (["acme/missing"], 'No spec "missing"'),
        (["acme/todo", "--revision", "7"], "has no revision r7"),
    ],
)
def test_bad_arguments_are_explained(demo, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("lint_spec", *args, stdout=StringIO())


def test_the_exit_code_reaches_the_shell():
    published_spec(workspace=WorkspaceFactory(slug="acme"), slug="things", endpoints=1)
    from django.core.management import execute_from_command_line

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "lint_spec", "acme/things", "--format", "json"])
    assert exited.value.code == 1
