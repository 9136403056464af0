"""Importing into an existing spec: the preview shows what the import changes in the head, item by
item, and the two modes (replace: the file is the whole API or schema; merge: add and update what
the file names, keep the rest), in the page and in `import_spec`."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from specs_app.models import ChangeRequest, Endpoint, Revision, Spec
from specs_app.services.diff import revision_diff
from specs_app.services.imports import spec_import
from tests.markdown_helpers import golden_api, golden_schema

pytestmark = pytest.mark.django_db

URL = reverse("specs_app:spec_import", args=["acme"])
VARIANTS = Path(__file__).resolve().parent / "fixtures" / "variants"
#: A variant whose endpoints the canonical parser cannot see (`### 1. POST /api/…` headings).
NOTES_API = (VARIANTS / "api_method_in_heading.md").read_text()


@pytest.fixture
def todo(workspace, editor):
    """The reference spec, published as r1 in the personas' workspace."""
    result = spec_import(
        workspace=workspace, spec_slug="todo", api_text=golden_api(), schema_text=golden_schema()
    )
    return result.spec


def _head_endpoints(spec: Spec) -> set[str]:
    return set(Endpoint.objects.filter(revision=spec.head).values_list("name", flat=True))


def _draft_endpoints(spec: Spec) -> set[str]:
    draft = Revision.objects.get(spec=spec, state=Revision.State.DRAFT)
    return set(Endpoint.objects.filter(revision=draft).values_list("name", flat=True))


def _section(body: str, testid: str) -> str:
    return body.split(f'data-testid="{testid}"', 1)[1]


def test_preview_shows_the_items_a_replace_would_remove_by_name(client_for, editor, todo):
    api = golden_api()
    without_health = api[: api.index("## Health Check")].rstrip("\n") + "\n"
    assert "Health Check" in _head_endpoints(todo)

    response = client_for(editor).post(URL, {"spec_slug": "todo", "api_text": without_health})

    assert response.status_code == 200
    diff = _section(response.content.decode(), "import-diff")
    assert "What the import changes in r1" in diff
    items = diff.split('data-testid="diff-item"')[1:]
    health = [item for item in items if "<strong>Health Check</strong>" in item]
    assert len(health) == 1 and "text-bg-danger" in health[0] and "removed" in health[0]
    mode = _section(response.content.decode(), "import-mode")
    assert 'value="replace" checked' in mode


def test_preview_of_the_head_itself_changes_nothing(client_for, editor, todo):
    response = client_for(editor).post(
        URL, {"spec_slug": "todo", "api_text": golden_api(), "schema_text": golden_schema()}
    )

    diff = _section(response.content.decode(), "import-diff")
    assert 'data-testid="no-changes"' in diff and "0 removed" in diff


def test_a_variant_file_merges_by_default_and_keeps_every_endpoint(client_for, editor, todo):
    before = _head_endpoints(todo)
    client = client_for(editor)

    preview = client.post(URL, {"spec_slug": "todo", "api_text": NOTES_API}).content.decode()
    assert 'value="merge" checked' in _section(preview, "import-mode")
    assert "0 removed" in _section(preview, "import-diff")
    response = client.post(
        URL,
        {"spec_slug": "todo", "api_text": NOTES_API, "confirm": "1", "previewed_mode": "merge"},
    )

    assert response.status_code == 302
    kept = _draft_endpoints(todo)
    assert before < kept and len(kept) > len(before)
    draft = Revision.objects.get(spec=todo, state=Revision.State.DRAFT)
    assert draft.api_overview == todo.head.api_overview
    assert ChangeRequest.objects.get(spec=todo).author == editor


def test_replace_mode_removes_what_the_file_lacks(client_for, editor, todo):
    data = {"spec_slug": "todo", "api_text": NOTES_API, "mode": "replace"}
    client = client_for(editor)

    preview = client.post(URL, data).content.decode()
    assert 'value="replace" checked' in _section(preview, "import-mode")
    response = client.post(URL, {**data, "confirm": "1", "previewed_mode": "replace"})

    assert response.status_code == 302
    assert not _head_endpoints(todo) & _draft_endpoints(todo)


def test_confirm_in_another_mode_than_previewed_shows_its_preview_first(client_for, editor, todo):
    response = client_for(editor).post(
        URL,
        {
            "spec_slug": "todo",
            "api_text": NOTES_API,
            "mode": "replace",
            "previewed_mode": "merge",
            "confirm": "1",
        },
    )

    assert response.status_code == 200
    assert 'data-testid="mode-changed"' in response.content.decode()
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize("mode", ["replace", "merge"])
def test_the_preview_is_what_the_change_request_changes(todo, editor, mode):
    options = {"workspace": todo.workspace, "spec_slug": "todo", "api_text": NOTES_API}

    preview = spec_import(**options, mode=mode, dry_run=True)
    result = spec_import(**options, mode=mode, author=editor)

    def key(change):
        named = change.label if change.kind == "added" else change.uid
        return (change.kind, change.model.__name__, str(named), repr(change.fields))

    actual = revision_diff(old=todo.head, new=result.revision)
    assert preview.changes and sorted(map(key, preview.changes)) == sorted(map(key, actual))


def test_a_merge_that_would_repeat_a_route_of_the_head_is_an_error(todo, editor):
    api = golden_api()
    health = api[api.index("## Health Check") :]
    # Another name for the health check's route: it matches the head's by route and so is
    # renamed; renaming it onto an existing name clashes with that endpoint.
    clash = "# REST API Endpoints\n\n" + health.replace("## Health Check", "## Get Task", 1)

    result = spec_import(
        workspace=todo.workspace, spec_slug="todo", api_text=clash, mode="merge", dry_run=True
    )

    assert not result.ok
    assert any("Get Task" in error.message for error in result.errors)


def test_a_variant_preview_lists_what_confirm_imports(client_for, editor):
    client = client_for(editor)

    preview = client.post(URL, {"spec_slug": "notes", "api_text": NOTES_API}).content.decode()
    client.post(URL, {"spec_slug": "notes", "api_text": NOTES_API, "confirm": "1"})

    listed = _section(preview, "import-preview")
    imported = Endpoint.objects.filter(revision=Spec.objects.get(slug="notes").head)
    assert imported.count() >= 3
    for endpoint in imported:
        assert endpoint.name in listed and endpoint.path in listed


def _import_spec(*args, **options) -> str:
    out = StringIO()
    call_command("import_spec", *args, stdout=out, **options)
    return out.getvalue()


def test_import_spec_modes(todo, editor, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text(NOTES_API)
    ref = f"{todo.workspace.slug}/todo"

    replace = _import_spec(ref, api=str(notes), mode="replace", dry_run=True)
    merge = json.loads(
        _import_spec(ref, api=str(notes), dry_run=True, format="json")  # a variant: merge
    )

    assert "Changes against r1 (replace mode)" in replace
    assert "removed endpoint “Health Check”" in replace
    assert merge["mode"] == "merge" and merge["changes"]["against"] == "r1"
    assert {item["kind"] for item in merge["changes"]["items"]} == {"added"}
    _import_spec(ref, api=str(notes), author=editor.username)
    assert _head_endpoints(todo) < _draft_endpoints(todo)


def test_a_merge_updates_the_endpoint_on_the_same_route_and_keeps_its_name(todo, editor):
    variant = (
        "# Tasks\n\n## GET /api/v1/health\n\nNo authentication.\n\n"
        "**Query Parameters**:\n- `verbose`: boolean (optional) - More detail\n"
    )

    result = spec_import(
        workspace=todo.workspace, spec_slug="todo", api_text=variant, author=editor
    )

    assert result.ok and result.mode == "merge"
    health = Endpoint.objects.get(revision=result.revision, path="/api/v1/health")
    assert health.name == "Health Check"
    assert health.parameters.filter(name="verbose").exists()
    assert _head_endpoints(todo) == _draft_endpoints(todo)
