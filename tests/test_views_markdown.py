from pathlib import Path

import pytest
from django.urls import reverse

from specs_app.models import BusinessRule, Endpoint
from specs_app.services.content import content_update
from specs_app.services.export import revision_export
from specs_app.services.revisions import revision_fork, revision_publish
from tests.factories import published_spec

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).resolve().parent.parent / "specs_app" / "demo" / "todo" / "specs"


def _url(spec, name="markdown", *args) -> str:
    return reverse(f"specs_app:{name}", args=[spec.workspace.slug, spec.slug, *args])


def test_markdown_page_renders_both_files(client_for, viewer, spec):
    response = client_for(viewer).get(_url(spec))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>REST API Endpoints</h1>" in body and "<h1>Database Schema</h1>" in body
    assert "<table>" in body  # the fields table became an HTML table
    assert 'class="language-json"' in body  # fenced JSON blocks
    assert spec.api_path in body and spec.schema_path in body


def test_raw_tab_shows_the_exact_text(client_for, viewer, spec):
    from django.utils.html import escape

    body = client_for(viewer).get(_url(spec), {"view": "raw"}).content.decode()
    for text in revision_export(spec.head).values():
        assert escape(text) in body


def test_download_gives_the_exported_bytes(client_for, viewer, spec):
    client = client_for(viewer)
    exported = revision_export(spec.head)
    for which, path in (("api", spec.api_path), ("schema", spec.schema_path)):
        response = client.get(_url(spec, "markdown_download", which))
        assert response.status_code == 200
        assert response.content == exported[path].encode("utf-8")
        assert Path(path).name in response["Content-Disposition"]
    assert client.get(_url(spec, "markdown_download", "other")).status_code == 404


def test_markdown_of_an_older_revision(client_for, viewer, spec):
    draft = revision_fork(source=spec.head)
    endpoint = Endpoint.objects.filter(revision=draft).first()
    content_update(row=endpoint, expected_version=endpoint.version, name="Newer Name")
    revision_publish(revision=draft)
    client = client_for(viewer)
    assert "Newer Name" in client.get(_url(spec)).content.decode()
    assert "Newer Name" not in client.get(_url(spec), {"revision": 1}).content.decode()


@pytest.mark.parametrize("name", ["markdown", "markdown_download"])
def test_outsider_gets_404(client_for, outsider, spec, name):
    args = ("api",) if name == "markdown_download" else ()
    assert client_for(outsider).get(_url(spec, name, *args)).status_code == 404


@pytest.mark.parametrize("name", ["markdown", "markdown_download"])
def test_wrong_method_is_refused(client_for, viewer, spec, name):
    args = ("api",) if name == "markdown_download" else ()
    assert client_for(viewer).post(_url(spec, name, *args)).status_code == 405


def test_hostile_fields_render_without_script(client_for, viewer, workspace):
    spec = published_spec(workspace=workspace, slug="hostile", endpoints=1, models=0)
    draft = revision_fork(source=spec.head)
    endpoint = Endpoint.objects.get(revision=draft)
    content_update(
        row=endpoint,
        expected_version=1,
        name="<script>alert('name')</script>",
        user_ownership='<img src=x onerror="alert(1)"> [x](javascript:alert(2))',
    )
    rule = BusinessRule.objects.get(revision=draft)
    content_update(
        row=rule, expected_version=1, text='<a href="javascript:alert(3)">go</a> <svg onload=x>'
    )
    revision_publish(revision=draft)

    body = client_for(viewer).get(_url(spec)).content.decode().lower()
    rendered = body.split('data-testid="rendered-api"', 1)[1].split("</section>", 1)[0]
    assert "<script" not in rendered
    assert "javascript:" not in rendered
    assert "onerror" not in rendered and "onload" not in rendered


def test_markdown_page_query_count_is_constant(
    client_for, viewer, workspace, django_assert_num_queries
):
    client = client_for(viewer)
    counts = []
    for size in (10, 200):
        published_spec(workspace=workspace, slug=f"m{size}", endpoints=size, models=size // 10)
        url = reverse("specs_app:markdown", args=["acme", f"m{size}"])
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_each_file_has_a_copy_button_bound_to_its_raw_text(client_for, viewer, spec):
    body = client_for(viewer).get(_url(spec)).content.decode()
    for key in ("api", "schema"):
        assert f'data-copy-target="raw-{key}"' in body
        assert f'<textarea id="raw-{key}"' in body
