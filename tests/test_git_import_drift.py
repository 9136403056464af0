"""Import changes from git is a three-way merge: base = the revision last exported, theirs = the
files on the branch, ours = the head. Real git repositories in tmp_path."""

from pathlib import Path

import pytest
from django.urls import reverse

from specs_app.models import BodyField, Endpoint, Export
from specs_app.services import git as git_services
from specs_app.services import review as services
from specs_app.services.diff import revision_diff
from specs_app.services.errors import ServiceError
from specs_app.services.export import revision_export
from specs_app.services.imports import spec_import
from tests import git_helpers
from tests.git_helpers import push_file, remote_file
from tests.review_helpers import approve_and_merge, edit_endpoint, ready_spec

pytestmark = pytest.mark.django_db
remote = git_helpers.remote  # fixture
DEMO = Path(__file__).resolve().parent.parent / "specs_app" / "demo" / "todo" / "specs"
API = "specs/api/rest-endpoints.md"
TITLE_LINE = '"title": "string (required, 1-200 chars)"'
HAND_EDITED = '"title": "string (required, 1-120 chars)"'
OVERVIEW_LINE = "Phase 2 REST API of the multi-user todo application."
OVERVIEW_EDITED = "Phase 3 REST API of the multi-user todo application."


@pytest.fixture
def demo(workspace, owner, remote):
    """The demo spec (r1), with a git target it has been exported to."""
    spec = spec_import(
        workspace=workspace,
        spec_slug="demo",
        api_text=(DEMO / "api" / "rest-endpoints.md").read_text(),
        schema_text=(DEMO / "database" / "schema.md").read_text(),
    ).spec
    ready_spec(spec)
    git_services.git_target_save(
        spec=spec, actor=owner, repository=str(remote), branch="main", commit_on_merge=True
    )
    assert git_services.export_now(spec=spec, actor=owner).status == "succeeded"
    spec.refresh_from_db()
    return spec


def _hand_edit(remote, old: str, new: str) -> None:
    text = remote_file(remote, API).decode()
    assert old in text
    push_file(remote, API, text.replace(old, new))


def _rename_in_studio(spec, editor, reviewer, capture, new_name: str):
    cr = services.change_request_open(spec=spec, author=editor, title="Rename")
    edit_endpoint(cr, editor, "Create Task", name=new_name)
    with capture(execute=True):
        merged = approve_and_merge(cr, author=editor, reviewer=reviewer)
    assert Export.objects.first().status == "drift"
    return merged


def _title_field(revision, endpoint: str) -> BodyField:
    return BodyField.objects.get(
        revision=revision, endpoint__name=endpoint, part="request", name="title"
    )


def test_drift_import_keeps_merged_work_and_brings_the_hand_edit(
    demo, editor, reviewer, owner, remote, django_capture_on_commit_callbacks
):
    _hand_edit(remote, TITLE_LINE, HAND_EDITED)
    _hand_edit(remote, OVERVIEW_LINE, OVERVIEW_EDITED)
    renamed = _rename_in_studio(
        demo, editor, reviewer, django_capture_on_commit_callbacks, "Create a task"
    )

    cr = git_services.spec_import_from_git(spec=demo, actor=editor)

    assert cr.base == renamed  # updated from main: made on the head
    names = set(Endpoint.objects.filter(revision=cr.working).values_list("name", flat=True))
    assert "Create a task" in names and "Create Task" not in names
    assert "1-120" in _title_field(cr.working, "Create a task").constraints
    assert cr.working.api_overview.startswith(OVERVIEW_EDITED)
    changes = revision_diff(old=cr.base, new=cr.working)
    assert {(c.kind, c.model.__name__) for c in changes} == {("changed", "BodyField")}
    assert "since the studio exported r1" in cr.description

    with django_capture_on_commit_callbacks(execute=True):
        merged = approve_and_merge(cr, author=editor, reviewer=reviewer)
    assert Endpoint.objects.filter(revision=merged, name="Create a task").exists()
    assert not Endpoint.objects.filter(revision=merged, name="Create Task").exists()
    assert "1-120" in _title_field(merged, "Create a task").constraints
    assert merged.api_overview.startswith(OVERVIEW_EDITED)
    assert Export.objects.first().status == "succeeded"
    in_git = remote_file(remote, API).decode()
    assert "## Create a task" in in_git and HAND_EDITED in in_git and OVERVIEW_EDITED in in_git
    assert in_git == revision_export(merged)[API]


def test_same_field_changed_in_git_and_studio_is_a_conflict_settled_by_update(
    demo, editor, reviewer, remote, django_capture_on_commit_callbacks
):
    _hand_edit(remote, "## Create Task", "## Add a task")
    _rename_in_studio(demo, editor, reviewer, django_capture_on_commit_callbacks, "Create a task")

    cr = git_services.spec_import_from_git(spec=demo, actor=editor)

    assert cr.base.number == 1  # left on the exported revision until the conflict is settled
    assert "1 change(s) conflict" in cr.description
    [conflict] = services.change_request_preview_merge(change_request=cr).conflicts
    assert (conflict.head, conflict.draft) == ("Create a task", "Add a task")
    result = services.change_request_update_from_head(
        change_request=cr, actor=editor, resolutions={conflict.id: "draft"}
    )
    assert result.clean and cr.base == demo.change_requests.get(number=1).merged_revision
    names = set(Endpoint.objects.filter(revision=cr.working).values_list("name", flat=True))
    assert "Add a task" in names and not names & {"Create Task", "Create a task"}


def test_nothing_changed_in_git_is_refused(demo, editor, owner):
    with pytest.raises(ServiceError, match="nothing to import"):
        git_services.spec_import_from_git(spec=demo, actor=editor)
    assert not demo.change_requests.exists()


def test_without_a_known_export_the_files_are_compared_with_the_head(demo, editor, owner, remote):
    _hand_edit(remote, TITLE_LINE, HAND_EDITED)
    target = demo.git_target
    target.exported_blobs, target.exported_sha = {}, ""
    target.save()

    cr = git_services.spec_import_from_git(spec=demo, actor=editor)

    assert cr.base == demo.head
    assert "no record of exporting" in cr.description
    assert "1-120" in _title_field(cr.working, "Create Task").constraints


def test_import_view_opens_the_merged_request(
    client_for, demo, editor, reviewer, remote, django_capture_on_commit_callbacks
):
    _hand_edit(remote, TITLE_LINE, HAND_EDITED)
    renamed = _rename_in_studio(
        demo, editor, reviewer, django_capture_on_commit_callbacks, "Create a task"
    )

    response = client_for(editor).post(
        reverse("specs_app:export_import", args=["acme", "demo"]), follow=True
    )

    cr = demo.change_requests.get(title="Import changes from git")
    assert response.redirect_chain[-1][0].endswith(f"/{cr.number}/")
    assert cr.base == renamed
    assert "1-120" in _title_field(cr.working, "Create a task").constraints
    assert "since the studio exported r1" in response.content.decode()


@pytest.fixture
def trimmed(demo, editor, reviewer, django_capture_on_commit_callbacks):
    """The demo spec after a merged request deleted an endpoint and a test case (the head's
    positions have gaps), exported to git."""
    cr = services.change_request_open(spec=demo, author=editor, title="Trim")
    endpoints = list(Endpoint.objects.filter(revision=cr.working).order_by("position"))
    services.change_request_delete(change_request=cr, actor=editor, row=endpoints[1])
    case = endpoints[2].test_cases.order_by("position").first()
    services.change_request_delete(change_request=cr, actor=editor, row=case)
    with django_capture_on_commit_callbacks(execute=True):
        approve_and_merge(cr, author=editor, reviewer=reviewer)
    assert Export.objects.first().status == "succeeded"
    demo.refresh_from_db()
    return demo


def test_the_request_holds_only_what_changed_in_git(trimmed, editor, remote):
    _hand_edit(remote, OVERVIEW_LINE, OVERVIEW_EDITED)

    cr = git_services.spec_import_from_git(spec=trimmed, actor=editor)

    assert cr.base == trimmed.head
    assert revision_diff(old=cr.base, new=cr.working) == []
    assert cr.working.api_overview.startswith(OVERVIEW_EDITED)
    assert revision_export(cr.working)[API] == remote_file(remote, API).decode()


def test_an_endpoint_moved_in_git_moves(trimmed, editor, remote):
    head, *sections = [
        part.strip("\n") for part in remote_file(remote, API).decode().split("\n## ")
    ]
    push_file(remote, API, "\n\n## ".join([head, sections[-1], *sections[:-1]]) + "\n")

    cr = git_services.spec_import_from_git(spec=trimmed, actor=editor)

    changes = revision_diff(old=cr.base, new=cr.working)
    moved = sections[-1].split("\n")[0]
    assert {f.name for c in changes for f in c.fields} == {"position"}
    # Nothing can go before Health Check's position 0: it moves one place down, nothing else.
    assert sorted(c.label for c in changes) == sorted([moved, "Health Check"])
    assert revision_export(cr.working)[API] == remote_file(remote, API).decode()
