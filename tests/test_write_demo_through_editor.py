"""The whole demo spec written from scratch through the editor's forms (plain posts, as a
browser without JavaScript sends them), reviewed, merged: the export equals the reference pair."""

from dataclasses import asdict
from pathlib import Path

import pytest
from django.urls import reverse

from specs_app.interchange.canonical.reader import parse_api_markdown, parse_schema_markdown
from specs_app.models import DataModel, Endpoint, Spec
from specs_app.services.export import revision_export
from tests.factories import SpecFactory

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).resolve().parent.parent / "specs_app" / "demo" / "todo" / "specs"
API = (GOLDEN / "api" / "rest-endpoints.md").read_text()
SCHEMA = (GOLDEN / "database" / "schema.md").read_text()


def _form_data(prefix: str, values: dict) -> dict:
    data = {}
    for name, value in values.items():
        if name in ("line", "lines") or isinstance(value, list):
            continue
        if isinstance(value, bool):
            if value:
                data[f"{prefix}-{name}"] = "on"
        else:
            data[f"{prefix}-{name}"] = "" if value is None else value
    return data


class Writer:
    def __init__(self, client, cr):
        self.client, self.cr = client, cr

    def url(self, name, *extra):
        return reverse(f"specs_app:{name}", args=["acme", "todo", self.cr.number, *extra])

    def post(self, url, data):
        response = self.client.post(url, data)
        assert response.status_code == 302, response.content.decode()[-3000:]

    def item(self, kind, model, values) -> object:
        self.post(self.url("editor_item_add", kind), _form_data(f"new-{kind}", values))
        return model.objects.get(revision=self.cr.working, name=values["name"])

    def row(self, kind, parent_kind, parent, values, discriminator=""):
        prefix = f"new-{kind}-{discriminator or 'all'}"
        data = {"discriminator": discriminator, **_form_data(prefix, values)}
        self.post(self.url("editor_row_add", kind, parent_kind, parent.uid), data)


def test_write_the_demo_spec_in_the_editor(client, workspace, owner, editor, reviewer):
    SpecFactory(workspace=workspace, slug="todo", title="Todo")
    api, _ = parse_api_markdown(API)
    schema, _ = parse_schema_markdown(SCHEMA)
    client.force_login(editor)
    client.post(reverse("specs_app:change_request_new", args=["acme", "todo"]), {"title": "Todo"})
    writer = Writer(client, Spec.objects.get(slug="todo").change_requests.get())

    writer.post(
        writer.url("editor_overview"),
        {"api_overview": api.overview, "schema_overview": schema.overview},
    )
    for parsed in api.endpoints:
        endpoint = writer.item("endpoint", Endpoint, asdict(parsed))
        for p in parsed.parameters:
            writer.row("parameter", "endpoint", endpoint, asdict(p), p.location)
        for f in parsed.body_fields:
            writer.row("bodyfield", "endpoint", endpoint, asdict(f), f.part)
        for kind, rows in (
            ("errorcase", parsed.errors),
            ("businessrule", parsed.business_rules),
            ("testcase", parsed.test_cases),
        ):
            for row in rows:
                writer.row(kind, "endpoint", endpoint, asdict(row))
    for parsed in schema.models:
        model = writer.item("model", DataModel, asdict(parsed))
        for kind, rows in (
            ("field", parsed.fields),
            ("relationship", parsed.relationships),
            ("index", parsed.indexes),
            ("modelconstraint", parsed.constraints),
            ("migrationnote", parsed.migration_notes),
        ):
            for row in rows:
                writer.row(kind, "model", model, asdict(row))

    writer.post(writer.url("change_request_submit"), {})
    client.force_login(reviewer)
    writer.post(writer.url("change_request_review"), {"verdict": "approve"})
    client.force_login(editor)
    writer.post(writer.url("change_request_merge"), {})

    spec = Spec.objects.get(slug="todo")
    assert spec.head.number == 1  # the lint gate was on: the demo spec has no lint error
    exported = revision_export(spec.head)
    assert exported[spec.api_path] == API
    assert exported[spec.schema_path] == SCHEMA
