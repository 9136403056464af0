import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from specs_app.models import ChangeRequest, Membership, Role, Spec, Workspace
from specs_app.services.imports import spec_import
from specs_app.services.revisions import revision_publish
from tests.markdown_helpers import (
    API_PATH,
    SCHEMA_PATH,
    golden_api,
    golden_bytes,
    golden_schema,
    make_workspace,
    row_counts,
)


@pytest.fixture
def ws(db):
    return make_workspace("cmd")


@pytest.fixture
def todo(ws):
    return spec_import(
        workspace=ws, spec_slug="todo", api_text=golden_api(), schema_text=golden_schema()
    )


@pytest.fixture
def files(tmp_path):
    """The golden pair written to a scratch directory, as a user would pass them."""
    api, schema = tmp_path / "api.md", tmp_path / "schema.md"
    api.write_bytes(golden_bytes(API_PATH))
    schema.write_bytes(golden_bytes(SCHEMA_PATH))
    return {"api": api, "schema": schema}


def _run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# export_spec


@pytest.mark.django_db
def test_export_spec_writes_the_files_at_their_paths(todo, tmp_path):
    out_dir = tmp_path / "repo"

    output = _run("export_spec", "cmd/todo", out=str(out_dir))

    for path in (API_PATH, SCHEMA_PATH):
        assert (out_dir / path).read_bytes() == golden_bytes(path)
        assert str(out_dir / path) in output


@pytest.mark.django_db
def test_export_spec_writes_an_older_revision_on_request(ws, todo, tmp_path):
    changed = golden_api().replace("## List Tags\n", "## List All Tags\n")
    draft = spec_import(workspace=ws, spec_slug="todo", api_text=changed).revision
    revision_publish(revision=draft)

    _run("export_spec", "cmd/todo", "--revision", "1", out=str(tmp_path / "r1"))
    _run("export_spec", "cmd/todo", out=str(tmp_path / "head"))

    assert (tmp_path / "r1" / API_PATH).read_bytes() == golden_bytes(API_PATH)
    assert (tmp_path / "head" / API_PATH).read_text(encoding="utf-8") == changed


@pytest.mark.parametrize(
    ("reference", "extra", "message"),
    [
        ("elsewhere/todo", [], 'No spec "todo" in a workspace "elsewhere"'),
        ("cmd/nope", [], 'No spec "nope"'),
        ("cmd/todo", ["--revision", "7"], "has no revision r7"),
        ("todo", [], "is not WORKSPACE/SPEC"),
    ],
)
@pytest.mark.django_db
def test_export_spec_refuses_unknown_specs_and_revisions(todo, tmp_path, reference, extra, message):
    with pytest.raises(CommandError, match=message):
        _run("export_spec", reference, *extra, out=str(tmp_path))


@pytest.mark.django_db
def test_export_spec_of_a_spec_without_a_published_revision(ws, tmp_path):
    Spec.objects.create(workspace=ws, slug="blank", title="Blank")

    with pytest.raises(CommandError, match="no published revision"):
        _run("export_spec", "cmd/blank", out=str(tmp_path))


# ---------------------------------------------------------------------------------------------
# import_spec


@pytest.mark.django_db
def test_import_spec_creates_workspace_and_spec_and_prints_a_report(files):
    output = _run(
        "import_spec", "new-team/todo", api=str(files["api"]), schema=str(files["schema"])
    )

    spec = Spec.objects.get(workspace__slug="new-team", slug="todo")
    assert spec.workspace.name == "New Team" and spec.head.number == 1
    assert "Imported new-team/todo as r1 (published)." in output
    endpoints = golden_api().count("\n## ")
    assert f"{endpoints} endpoints" in output
    assert "Warnings" not in output and "Errors" not in output


@pytest.fixture
def cmd_editor(ws, django_user_model):
    user = django_user_model.objects.create_user(username="importer")
    Membership.objects.create(workspace=ws, user=user, role=Role.EDITOR)
    return user


@pytest.mark.django_db
def test_import_spec_into_an_existing_spec_opens_a_change_request(todo, files, cmd_editor):
    output = _run("import_spec", "cmd/todo", api=str(files["api"]), author="importer")

    spec = Spec.objects.get(slug="todo")
    draft = spec.revisions.get(state="draft")
    assert draft.parent == spec.head
    assert f"as {draft.label} (draft on top of r1)" in output
    change_request = ChangeRequest.objects.get(spec=spec)
    assert (change_request.working, change_request.author) == (draft, cmd_editor)
    assert f"Opened change request #{change_request.number}" in output


@pytest.mark.django_db
def test_import_spec_json_report_names_the_change_request(todo, files, cmd_editor):
    output = _run(
        "import_spec", "cmd/todo", api=str(files["api"]), author="importer", format="json"
    )

    assert json.loads(output)["change_request"] == ChangeRequest.objects.get().number


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("author", "message"),
    [
        (None, "Give --author USERNAME"),
        ("nobody", 'No user "nobody"'),
        ("outsider", "not an editor"),
    ],
)
def test_import_spec_into_an_existing_spec_needs_an_editor_as_author(
    todo, files, author, message, django_user_model
):
    django_user_model.objects.create_user(username="outsider")
    before = row_counts()
    options = {"author": author} if author else {}

    with pytest.raises(CommandError, match=message) as error:
        _run("import_spec", "cmd/todo", api=str(files["api"]), **options)

    assert error.value.returncode == 2
    assert row_counts() == before


@pytest.mark.django_db
def test_import_spec_json_report(files):
    output = _run(
        "import_spec",
        "cmd/todo",
        api=str(files["api"]),
        schema=str(files["schema"]),
        format="json",
    )

    report = json.loads(output)
    assert report["ok"] is True and report["revision"] == "r1" and report["spec"] == "cmd/todo"
    assert report["endpoints"] == golden_api().count("\n## ")
    assert report["models"] == golden_schema().count("\n## ")
    assert report["warnings"] == [] and report["errors"] == []
    for key in ("fields", "parameters", "body_fields", "error_cases", "test_cases", "indexes"):
        assert report[key] > 0


@pytest.mark.django_db
def test_import_spec_reports_warnings_with_the_given_file_and_exits_0(files, tmp_path):
    api = golden_api().replace("### Test Cases\n", "### Notes\n- x\n\n### Test Cases\n", 1)
    path = tmp_path / "with-notes.md"
    path.write_text(api, encoding="utf-8")
    line = api.split("\n").index("### Notes") + 1

    output = _run("import_spec", "cmd/todo", api=str(path), format="json")

    (warning,) = json.loads(output)["warnings"]
    assert (warning["file"], warning["line"]) == (str(path), line)
    assert "Notes" in warning["message"]


@pytest.mark.django_db
def test_import_spec_dry_run_writes_nothing(db, files):
    before = row_counts()

    output = _run(
        "import_spec",
        "fresh/todo",
        api=str(files["api"]),
        schema=str(files["schema"]),
        dry_run=True,
    )

    assert row_counts() == before
    assert not Workspace.objects.filter(slug="fresh").exists()
    assert "Dry run" in output and "nothing was written" in output


@pytest.mark.parametrize("content", ["", "garbage\nmore garbage\n"])
@pytest.mark.django_db
def test_import_spec_exits_1_when_nothing_could_be_imported(db, tmp_path, content, capsys):
    path = tmp_path / "junk.md"
    path.write_text(content, encoding="utf-8")
    before = row_counts()
    out = StringIO()

    with pytest.raises(SystemExit) as exited:
        call_command("import_spec", "junk/todo", api=str(path), stdout=out)

    assert exited.value.code == 1
    assert row_counts() == before
    assert "Nothing was imported into junk/todo" in out.getvalue()
    assert f"{path}:1:" in out.getvalue()


@pytest.mark.django_db
def test_import_spec_json_report_of_a_failure(db, tmp_path):
    path = tmp_path / "broken.md"
    path.write_text(golden_api().replace("**Method**: GET", "**Method**: FOO", 1), "utf-8")
    out = StringIO()

    with pytest.raises(SystemExit):
        call_command("import_spec", "cmd/todo", api=str(path), format="json", stdout=out)

    report = json.loads(out.getvalue())
    assert report["ok"] is False and report["revision"] is None
    assert [e["file"] for e in report["errors"]] == [str(path)]


@pytest.mark.django_db
def test_import_spec_needs_a_readable_file(db, tmp_path):
    with pytest.raises(CommandError, match="--api FILE, --schema FILE or both"):
        _run("import_spec", "cmd/todo")
    with pytest.raises(CommandError, match="Cannot read"):
        _run("import_spec", "cmd/todo", api=str(tmp_path / "missing.md"))
    latin = tmp_path / "latin.md"
    latin.write_bytes("# REST API Endpoints\n\ncaf\xe9\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        _run("import_spec", "cmd/todo", api=str(latin))
