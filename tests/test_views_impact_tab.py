"""The Impact tab of a change request and its migration download: a renamed column (RENAME
COLUMN, BC102), a dropped column (destructive: marked in the Changes tab too), a change that
touches no model, the dialect switch, bad input, access."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from specs_app.models import DataModel, Endpoint, Field
from specs_app.services import review as services
from specs_app.services.impact import change_request_impact
from tests.review_helpers import edit_endpoint, open_request, ready_spec

pytestmark = pytest.mark.django_db


def _url(cr, name="change_request") -> str:
    return reverse(f"specs_app:{name}", args=["acme", cr.spec.slug, cr.number])


def _body(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _first_model(cr) -> DataModel:
    return DataModel.objects.filter(revision=cr.working).order_by("position", "id").first()


def _title_field(cr) -> Field:
    return Field.objects.get(model=_first_model(cr), name="title")


def renaming_a_column(spec, editor):
    cr = open_request(ready_spec(spec), editor, "Rename title")
    field = _title_field(cr)
    services.change_request_update(
        change_request=cr, actor=editor, row=field, expected_version=field.version, name="headline"
    )
    cr.refresh_from_db()
    return cr


def dropping_a_column(spec, editor):
    cr = open_request(ready_spec(spec), editor, "Drop title")
    field = _title_field(cr)
    services.change_request_delete(
        change_request=cr, actor=editor, row=field, expected_version=field.version
    )
    cr.refresh_from_db()
    return cr


def test_a_renamed_column(client_for, reviewer, editor, spec):
    cr = renaming_a_column(spec, editor)
    impact = change_request_impact(cr)
    body = _body(client_for(reviewer).get(_url(cr), {"tab": "impact"}))
    assert 'aria-current="page" href="?tab=impact"' in body
    assert "RENAME COLUMN" in impact.migration.sql and escape(impact.migration.sql) in body
    statements = impact.migration.statements
    assert f"{statements} statement{'s' if statements > 1 else ''}</span>" in body
    table = _first_model(cr).table
    step = 'data-kind="rename_column"><span class="badge impact-kind">rename column</span> '
    assert f'{step}<code>{table}.headline</code> <span class="impact-was">title → headline' in body
    assert escape(impact.result_ddl) in body  # the DDL of the result, collapsed
    assert f'href="{_url(cr, "change_request_sql")}"' in body
    assert "todo-cr1.sql" in body and 'class="language-sql"' in body


def test_a_renamed_column_is_bc102(client_for, reviewer, editor, spec):
    cr = renaming_a_column(spec, editor)
    impact = change_request_impact(cr)
    body = _body(client_for(reviewer).get(_url(cr), {"tab": "impact"}))
    risks = re.findall(r'data-testid="risk" data-code="([^"]+)" data-level="([^"]+)"', body)
    assert risks == [(risk.code, risk.level) for risk in impact.risks]
    assert ("BC102", "error") in risks
    lint_rules = reverse("specs_app:lint_rules", args=["acme", spec.slug])
    assert f'href="{lint_rules}#BC102"' in body  # the code leads to its reference
    model = _first_model(cr)
    assert f'<code class="risk-target">{model.table}.headline</code>' in body


def test_the_summary_counts_the_risks_by_level(client_for, reviewer, editor, spec):
    cr = dropping_a_column(spec, editor)
    impact = change_request_impact(cr)
    body = _body(client_for(reviewer).get(_url(cr), {"tab": "impact"}))
    levels = [risk.level for risk in impact.risks]
    assert levels and "error" in levels
    for level in set(levels):
        count = levels.count(level)
        badge = rf'data-testid="risk-count-{level}">{count} {level}{"s" if count > 1 else ""}<'
        assert re.search(badge, body)


def test_pre_migration_checks_are_copyable_sql(client_for, reviewer, editor, spec):
    cr = dropping_a_column(spec, editor)
    checks = [check for risk in change_request_impact(cr).risks for check in risk.checks]
    body = _body(client_for(reviewer).get(_url(cr), {"tab": "impact"}))
    assert checks, "a dropped column comes with a check that proves it safe"
    for check in checks:
        assert escape(check) in body
    copy_targets = re.findall(r'data-copy-target="(check-[0-9-]+)"', body)
    assert len(copy_targets) == len(checks)
    for target in copy_targets:
        assert f'id="{target}"' in body


def test_a_change_that_touches_no_model(client_for, reviewer, editor, spec):
    cr = open_request(ready_spec(spec), editor, "Rename an endpoint")
    endpoint_name = Endpoint.objects.filter(revision=cr.working).order_by("position").first().name
    edit_endpoint(cr, editor, endpoint_name, name="Renamed endpoint")
    body = _body(client_for(reviewer).get(_url(cr), {"tab": "impact"}))
    assert "This change needs no database migration" in body
    assert 'data-testid="risk"' not in body and 'id="migration-sql"' not in body
    response = client_for(reviewer).get(_url(cr, "change_request_sql"))
    assert response.status_code == 404
    assert "needs no database migration" in response.content.decode()


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite", "mysql"])
def test_the_dialect_switch_and_the_download(client_for, reviewer, editor, spec, dialect):
    cr = renaming_a_column(spec, editor)
    client = client_for(reviewer)
    query = {} if dialect == "postgresql" else {"dialect": dialect}
    migration = change_request_impact(cr, dialect=dialect).migration
    body = _body(client.get(_url(cr), {"tab": "impact", **query}))
    assert escape(migration.sql) in body
    assert re.search(rf'aria-current="page"[^>]*data-testid="dialect-{dialect}"', body)
    response = client.get(_url(cr, "change_request_sql"), query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/sql; charset=utf-8"
    name = "todo-cr1.sql" if dialect == "postgresql" else f"todo-cr1.{dialect}.sql"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response.content.decode() == migration.sql


@pytest.mark.parametrize("name", ["change_request", "change_request_sql"])
def test_an_unknown_dialect_is_a_400(client_for, reviewer, editor, spec, name):
    cr = renaming_a_column(spec, editor)
    response = client_for(reviewer).get(_url(cr, name), {"tab": "impact", "dialect": "oracle"})
    assert response.status_code == 400
    assert "There is no SQL dialect &quot;oracle&quot;" in response.content.decode()


def test_an_unknown_change_request_is_a_404(client_for, reviewer, spec):
    url = reverse("specs_app:change_request_sql", args=["acme", spec.slug, 99])
    assert client_for(reviewer).get(url).status_code == 404


@pytest.mark.parametrize("name", ["change_request", "change_request_sql"])
def test_outsider_gets_404(client_for, outsider, editor, spec, name):
    cr = renaming_a_column(spec, editor)
    assert client_for(outsider).get(_url(cr, name), {"tab": "impact"}).status_code == 404


def test_a_viewer_sees_the_impact(client_for, viewer, editor, spec):
    cr = renaming_a_column(spec, editor)
    assert "RENAME COLUMN" in _body(client_for(viewer).get(_url(cr), {"tab": "impact"}))
    assert client_for(viewer).get(_url(cr, "change_request_sql")).status_code == 200


def test_the_download_refuses_post(client_for, reviewer, editor, spec):
    cr = renaming_a_column(spec, editor)
    assert client_for(reviewer).post(_url(cr, "change_request_sql")).status_code == 405


def test_the_changes_tab_marks_destructive_models(client_for, reviewer, editor, spec):
    cr = dropping_a_column(spec, editor)
    model = _first_model(cr)
    assert str(model.uid) in change_request_impact(cr).destructive_model_uids
    impact_tab = _body(client_for(reviewer).get(_url(cr), {"tab": "impact"}))
    step = 'impact-step-destructive" data-kind="drop_column"><span class="badge impact-kind '
    assert f'{step}destructive-badge">drop column</span> <code>{model.table}.title</code>' in (
        impact_tab
    )
    body = _body(client_for(reviewer).get(_url(cr), {"tab": "changes"}))
    card = body.split(f'id="item-{model.uid}"', 1)[1].split("</section>", 1)[0]
    assert 'data-testid="destructive" title=' in card and 'href="?tab=impact#risks"' in card
    index = body.split(f'id="index-{model.uid}"', 1)[1].split("</li>", 1)[0]
    assert 'data-testid="destructive-index"' in index
    assert body.count('data-testid="destructive"') == 1  # only that model


def test_a_rename_is_not_destructive(client_for, reviewer, editor, spec):
    cr = renaming_a_column(spec, editor)
    assert change_request_impact(cr).destructive_model_uids == set()
    body = _body(client_for(reviewer).get(_url(cr), {"tab": "changes"}))
    assert 'data-testid="destructive' not in body


def test_the_viewed_tick_keeps_the_mark(client_for, reviewer, editor, spec):
    cr = dropping_a_column(spec, editor)
    model = _first_model(cr)
    response = client_for(reviewer).post(
        _url(cr, "change_request_item_viewed"),
        {"item": str(model.uid), "viewed": "1"},
        headers={"HX-Request": "true"},
    )
    body = _body(response)
    assert 'data-testid="destructive"' in body and 'data-testid="destructive-index"' in body


def test_a_first_change_creates_everything(client_for, reviewer, editor, workspace):
    """A request on a spec with no published revision yet migrates from an empty database."""
    from specs_app.models import Spec

    spec = ready_spec(Spec.objects.create(workspace=workspace, slug="new", title="New"))
    cr = open_request(spec, editor, "First model")
    assert cr.base is None
    model = services.change_request_add(
        change_request=cr, actor=editor, model=DataModel, name="Note", table="notes"
    )
    services.change_request_add(
        change_request=cr,
        actor=editor,
        model=Field,
        parent=model,
        name="id",
        type="int",
        primary_key=True,
    )
    cr.refresh_from_db()
    body = _body(client_for(reviewer).get(_url(cr), {"tab": "impact"}))
    assert "against an empty database" in body
    assert 'data-kind="create_table"' in body and "CREATE TABLE notes" in body


def test_the_kept_impact_follows_edits_and_risk_settings(client_for, owner, reviewer, editor, spec):
    from specs_app.services.risk_settings import risk_settings_save

    cr = renaming_a_column(spec, editor)
    client = client_for(reviewer)
    assert 'data-code="BC102"' in _body(client.get(_url(cr), {"tab": "impact"}))
    risk_settings_save(spec=spec, actor=owner, settings={"BC102": "off"})
    assert 'data-code="BC102"' not in _body(client.get(_url(cr), {"tab": "impact"}))
    field = Field.objects.get(model=_first_model(cr), name="headline")
    services.change_request_update(
        change_request=cr, actor=editor, row=field, expected_version=field.version, name="title"
    )
    cr.refresh_from_db()
    body = _body(client.get(_url(cr), {"tab": "impact"}))
    assert "This change needs no database migration" in body  # renamed back
