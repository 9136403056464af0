"""The editor refuses what the format cannot carry with an error under the field concerned, and
every help text an input points to with aria-describedby is on the page."""

import re

import pytest
from django.urls import reverse

from specs_app.models import DataModel, Relationship
from tests.review_helpers import open_request, ready_spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def cr(spec, editor):
    return open_request(ready_spec(spec), editor, "Edit things")


def _model(cr) -> DataModel:
    return DataModel.objects.filter(revision=cr.working).order_by("position").first()


def _url(cr, name, *extra) -> str:
    return reverse(f"specs_app:{name}", args=["acme", cr.spec.slug, cr.number, *extra])


@pytest.mark.parametrize("table", ["Bad Table!", "order items", "tasks(x)", "1st", "a.b.c"])
def test_a_table_name_the_format_cannot_carry_is_refused_on_its_field(
    client_for, editor, cr, table
):
    model = _model(cr)
    data = {
        "item-name": model.name,
        "item-table": table,
        "item-ownership": model.ownership,
        "item-version": model.version,
    }
    response = client_for(editor).post(_url(cr, "editor_item_save", "model", model.uid), data)
    assert response.status_code == 400
    form = response.context["item_form"]
    assert "A table name is letters, digits and underscores" in form.errors["table"][0]
    assert not form.non_field_errors()
    assert _model(cr).table == model.table and _model(cr).version == model.version


def test_a_new_model_with_a_bad_table_name_is_refused(client_for, editor, cr):
    before = DataModel.objects.filter(revision=cr.working).count()
    response = client_for(editor).post(
        _url(cr, "editor_item_add", "model"),
        {"new-model-name": "Bad", "new-model-table": "Bad Table!"},
    )
    assert response.status_code == 400
    assert "table" in response.context["model_form"].errors
    assert DataModel.objects.filter(revision=cr.working).count() == before


@pytest.mark.parametrize("table", ["tasks", "task_tags", "billing.invoices", "Über_2"])
def test_ordinary_table_names_are_accepted(client_for, editor, cr, table):
    model = _model(cr)
    data = {"item-name": model.name, "item-table": table, "item-version": model.version}
    response = client_for(editor).post(_url(cr, "editor_item_save", "model", model.uid), data)
    assert response.status_code == 302
    assert _model(cr).table == table


def _relationship_add(client, cr, **values):
    model = _model(cr)
    data = {f"new-relationship-all-{k}": v for k, v in values.items()}
    data["discriminator"] = ""
    return client.post(_url(cr, "editor_row_add", "relationship", "model", model.uid), data)


def _add_form(response, kind: str):
    return next(s.add_form for s in response.context["sections"] if s.kind == kind)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "has_many", "target": "Tag", "fk_field": "task_id"}, "fk_field"),
        ({"kind": "has_one", "target": "Tag", "fk_field": "no dot"}, "fk_field"),
        (
            {"kind": "belongs_to", "target": "User", "fk_field": "user_id"}
            | {"target_column": "users", "on_delete": "CASCADE"},
            "target_column",
        ),
        ({"kind": "many_to_many", "target": "Tag", "through_table": "task tags"}, "through_table"),
    ],
)
def test_a_relationship_error_is_shown_under_its_field(client_for, editor, cr, values, field):
    before = Relationship.objects.filter(revision=cr.working).count()
    response = _relationship_add(client_for(editor), cr, **values)
    assert response.status_code == 400
    form = _add_form(response, "relationship")
    assert list(form.errors) == [field]
    page = response.content.decode()
    cell = page.split(f'id="id_new-relationship-all-{field}"', 1)[1].split("</td>", 1)[0]
    assert form.errors[field][0].replace('"', "&quot;") in cell
    assert Relationship.objects.filter(revision=cr.working).count() == before


def _described_by_ids_missing(page: str) -> set[str]:
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    pointed = {
        target
        for value in re.findall(r'aria-describedby="([^"]+)"', page)
        for target in value.split()
    }
    return pointed - ids


def test_every_aria_describedby_target_is_rendered(client_for, owner, editor, cr):
    model = _model(cr)
    pages = [
        (editor, _url(cr, "editor_item", "model", model.uid)),
        (editor, _url(cr, "editor_home")),
        (owner, reverse("specs_app:lint_settings", args=["acme", cr.spec.slug])),
        (owner, reverse("specs_app:members", args=["acme"])),
        (editor, reverse("specs_app:spec_import", args=["acme"])),
    ]
    for person, url in pages:
        page = client_for(person).get(url).content.decode()
        assert 'aria-describedby="' in page or "editor" not in url
        assert _described_by_ids_missing(page) == set(), url


def test_help_texts_show_under_the_add_row(client_for, editor, cr):
    page = client_for(editor).get(_url(cr, "editor_item", "model", _model(cr).uid)).content
    help_div = re.search(
        rb'<div id="id_new-relationship-all-through_table_helptext" class="([^"]+)">', page
    )
    assert help_div is not None and b"visually-hidden" not in help_div.group(1)
