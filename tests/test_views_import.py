from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from specs_app.models import ChangeRequest, Endpoint, Revision, Spec
from specs_app.services.export import revision_export

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).resolve().parent.parent / "specs_app" / "demo" / "todo" / "specs"
API = (GOLDEN / "api" / "rest-endpoints.md").read_text()
SCHEMA = (GOLDEN / "database" / "schema.md").read_text()
URL = reverse("specs_app:spec_import", args=["acme"])


def test_import_page_works_for_editor(client_for, editor):
    assert client_for(editor).get(URL).status_code == 200


def test_import_page_requires_editor(client_for, viewer):
    assert client_for(viewer).get(URL).status_code == 403
    assert client_for(viewer).post(URL, {"spec_slug": "x", "api_text": API}).status_code == 403
    assert not Spec.objects.exists()


def test_import_page_is_404_for_outsider(client_for, outsider, editor):
    assert client_for(outsider).get(URL).status_code == 404


def test_import_page_rejects_wrong_method(client_for, editor):
    assert client_for(editor).put(URL).status_code == 405


def test_preview_shows_report_and_saves_nothing(client_for, editor):
    response = client_for(editor).post(
        URL, {"spec_slug": "todo", "api_text": API, "schema_text": SCHEMA}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "nothing has been saved yet" in body
    assert "Confirm import" in body
    endpoint_count = API.count("\n## ")
    assert f"<td>{endpoint_count}</td>" in body
    preview = body.split('data-testid="import-preview"', 1)[1]
    assert "Toggle Task Completion" in preview and "task_tags" in preview
    assert not Spec.objects.exists() and not Endpoint.objects.exists()


def test_confirm_creates_spec_published_as_r1(client_for, editor):
    crlf = {"api_text": API.replace("\n", "\r\n"), "schema_text": SCHEMA.replace("\n", "\r\n")}
    response = client_for(editor).post(
        URL, {"spec_slug": "todo", "title": "Todo", "confirm": "1", **crlf}
    )
    assert response.status_code == 302
    spec = Spec.objects.get(slug="todo")
    assert spec.title == "Todo" and spec.head.number == 1
    exported = revision_export(spec.head)
    assert exported[spec.api_path] == API and exported[spec.schema_path] == SCHEMA


def test_upload_files(client_for, editor):
    files = {
        "api_file": SimpleUploadedFile("rest-endpoints.md", API.encode()),
        "schema_file": SimpleUploadedFile("schema.md", SCHEMA.encode()),
    }
    response = client_for(editor).post(URL, {"spec_slug": "todo", "confirm": "1", **files})
    assert response.status_code == 302
    assert Spec.objects.get(slug="todo").head.number == 1


def test_nothing_given_is_refused(client_for, editor):
    response = client_for(editor).post(URL, {"spec_slug": "todo"})
    assert response.status_code == 400
    assert "Upload or paste at least one" in response.content.decode()


def test_binary_upload_is_refused(client_for, editor):
    upload = SimpleUploadedFile("x.md", b"\xff\xfe\x00garbage")
    response = client_for(editor).post(URL, {"spec_slug": "todo", "api_file": upload})
    assert response.status_code == 400
    assert "not UTF-8 text" in response.content.decode()
    assert not Spec.objects.exists()


def test_broken_markdown_reports_line_and_saves_nothing(client_for, editor):
    broken = API.replace(
        "**Method**: GET\n**Path**: /api/v1/health", "**Method**: FETCH\n**Path**: /api/v1/health"
    )
    line = broken.splitlines().index("**Method**: FETCH") + 1
    response = client_for(editor).post(
        URL, {"spec_slug": "todo", "api_text": broken, "confirm": "1"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert f"line {line}" in body
    assert not Spec.objects.exists() and not Revision.objects.exists()


def test_import_into_existing_spec_gives_a_draft(client_for, editor):
    client = client_for(editor)
    client.post(URL, {"spec_slug": "todo", "api_text": API, "schema_text": SCHEMA, "confirm": "1"})
    spec = Spec.objects.get(slug="todo")
    changed = API.replace("## Health Check", "## Health Probe")
    response = client.post(
        URL, {"spec_slug": "todo", "api_text": changed, "confirm": "1"}, follow=True
    )
    assert "Imported as change request #1" in response.content.decode()
    spec.refresh_from_db()
    assert spec.head.number == 1
    draft = Revision.objects.get(spec=spec, state=Revision.State.DRAFT)
    assert draft.parent_id == spec.head_id
    assert Endpoint.objects.filter(revision=draft, name="Health Probe").exists()
    change_request = ChangeRequest.objects.get(spec=spec)
    assert (change_request.working, change_request.base, change_request.author) == (
        draft,
        spec.head,
        editor,
    )


VARIANTS = Path(__file__).resolve().parent / "fixtures" / "variants"


def test_a_variant_file_previews_with_what_was_guessed_line_by_line(client_for, editor):
    api = (VARIANTS / "api_name_heading_labels.md").read_text()
    schema = (VARIANTS / "schema_mixed_one_model.md").read_text()

    response = client_for(editor).post(
        URL, {"spec_slug": "tags", "api_text": api, "schema_text": schema}
    )

    assert response.status_code == 200
    body = response.content.decode()
    warnings = body.split('data-testid="import-warnings"', 1)[1].split("</ul>", 1)[0]
    assert "Skipped, guessed or normalised" in body
    assert "line 1: not in the canonical format" in warnings
    assert "merged from the table on line 7" in warnings
    preview = body.split('data-testid="import-preview"', 1)[1]
    assert "Create Tag" in preview and "Ticket" in preview
    assert not Spec.objects.exists()


def test_uploads_are_limited_where_the_readers_are():
    from specs_app.forms.imports import ImportForm
    from specs_app.interchange.markdown_variants.blocks import MAX_BYTES

    def errors_for(size: int) -> str:
        upload = SimpleUploadedFile("rest-endpoints.md", b"x" * size)
        form = ImportForm({"spec_slug": "todo"}, {"api_file": upload})
        form.is_valid()
        return " ".join(form.errors.get("api_file", []))

    assert errors_for(3_000_000) == ""  # over the old 2 MB form limit, within the readers'
    assert errors_for(MAX_BYTES + 1) == "The REST endpoints file is larger than 4 MB."
