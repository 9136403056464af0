"""Rules limited to the items added or changed since the previous revision (Optic's "added"
mode): a legacy spec adopts a rule without fixing the past first."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from specs_app import models as m
from specs_app.models import LintConfig
from specs_app.services import review as services
from specs_app.services.lint import lint_revision, lint_settings_load
from specs_app.services.lint.scope import changed_items
from specs_app.services.lint_settings import lint_settings_save
from specs_app.services.revisions import revision_publish
from tests.factories import UserFactory, admin_of
from tests.review_helpers import open_request
from tests.test_lint_rules import clean_spec, update
from tests.test_views_lint import _settings_post

pytestmark = pytest.mark.django_db

RULE = "http.success-status"


def _legacy_spec():
    """A published revision whose one endpoint breaks RULE (a 302 success)."""
    s = clean_spec()
    update(s.endpoint, success_status=302)
    revision_publish(revision=s.revision)
    s.spec.refresh_from_db()
    return s


def _changed_only(spec, *rule_ids) -> None:
    lint_settings_save(
        spec=spec,
        actor=admin_of(spec.workspace),
        owner_table="users",
        external_tables=[],
        rules={},
        changed_only=rule_ids,
    )


def _editor(spec):
    user = UserFactory()
    m.Membership.objects.create(workspace=spec.workspace, user=user, role=m.Role.EDITOR)
    return user


def _flagged(revision) -> list[str]:
    settings = lint_settings_load(spec_id=revision.spec_id)
    return sorted(f.item.label for f in lint_revision(revision, settings) if f.rule == RULE)


def _add_endpoint(cr, actor, **values):
    fields = {"name": "Move Task", "method": "POST", "path": "/api/v1/tasks/{task_id}/move"}
    return services.change_request_add(
        change_request=cr, actor=actor, model=m.Endpoint, **(fields | values)
    )


def test_a_revision_without_a_parent_is_all_new():
    s = _legacy_spec()
    _changed_only(s.spec, RULE)
    assert changed_items(s.revision) is None
    assert _flagged(s.revision) == ["GET /api/v1/tasks/{task_id}"]


def test_unchanged_items_are_left_out_and_new_ones_flagged():
    s = _legacy_spec()
    editor = _editor(s.spec)
    cr = open_request(s.spec, editor)
    _add_endpoint(cr, editor, success_status=302)
    assert _flagged(cr.working) == [
        "GET /api/v1/tasks/{task_id}",
        "POST /api/v1/tasks/{task_id}/move",
    ]
    _changed_only(s.spec, RULE)
    assert _flagged(cr.working) == ["POST /api/v1/tasks/{task_id}/move"]


def test_an_edited_item_is_flagged_again():
    s = _legacy_spec()
    editor = _editor(s.spec)
    _changed_only(s.spec, RULE)
    cr = open_request(s.spec, editor)
    assert _flagged(cr.working) == []
    legacy = m.Endpoint.objects.get(revision=cr.working, uid=s.endpoint.uid)
    services.change_request_update(
        change_request=cr,
        actor=editor,
        row=legacy,
        expected_version=legacy.version,
        user_ownership="Only the caller's tasks",
    )
    cr.refresh_from_db()
    assert _flagged(cr.working) == ["GET /api/v1/tasks/{task_id}"]


def test_an_edited_child_counts_as_a_change_of_its_endpoint():
    s = _legacy_spec()
    editor = _editor(s.spec)
    _changed_only(s.spec, RULE)
    cr = open_request(s.spec, editor)
    rule = m.BusinessRule.objects.get(revision=cr.working, endpoint__uid=s.endpoint.uid)
    services.change_request_update(
        change_request=cr,
        actor=editor,
        row=rule,
        expected_version=rule.version,
        text="Another user's task is reported as missing, never as forbidden",
    )
    changed = changed_items(cr.working)
    assert {str(s.endpoint.uid), str(rule.uid)} <= changed
    assert _flagged(cr.working) == ["GET /api/v1/tasks/{task_id}"]


def test_other_rules_keep_looking_at_every_item():
    s = _legacy_spec()
    update(s.endpoint, user_ownership="")
    _changed_only(s.spec, RULE)
    cr = open_request(s.spec, _editor(s.spec))
    rules = {f.rule for f in lint_revision(cr.working, lint_settings_load(spec_id=s.spec.pk))}
    assert "ownership.endpoint-missing" in rules  # on the unchanged legacy endpoint
    assert RULE not in rules


def test_an_overview_edit_is_a_change():
    s = _legacy_spec()
    editor = _editor(s.spec)
    cr = open_request(s.spec, editor)
    assert "api" not in changed_items(cr.working)
    services.change_request_update_overviews(
        change_request=cr, actor=editor, api_overview="The tasks API, version 2."
    )
    cr.refresh_from_db()
    assert "api" in changed_items(cr.working)


def test_the_stored_scopes_are_validated():
    spec = clean_spec().spec
    with pytest.raises(ValidationError, match='no lint rule "nope.rule"'):
        LintConfig(spec=spec, rule_scopes={"nope.rule": "changed"}).full_clean()
    with pytest.raises(ValidationError, match='"all" is not a scope'):
        LintConfig(spec=spec, rule_scopes={RULE: "all"}).full_clean()


def test_the_settings_page_stores_the_scope_and_the_rules_page_shows_it(client):
    s = _legacy_spec()
    admin = admin_of(s.spec.workspace)
    client.force_login(admin)
    args = [s.spec.workspace.slug, s.spec.slug]
    page = client.get(reverse("specs_app:lint_settings", args=args))
    assert f'name="changed-only:{RULE}"' in page.content.decode()
    response = client.post(
        reverse("specs_app:lint_settings", args=args),
        _settings_post(**{f"changed-only:{RULE}": "on"}),
    )
    assert response.status_code == 302
    assert LintConfig.objects.get(spec=s.spec).rule_scopes == {RULE: "changed"}
    event = m.AuditEvent.objects.filter(verb="lint_settings.changed").latest("id")
    assert event.details["changed_only"] == [RULE]
    rules_page = client.get(reverse("specs_app:lint_rules", args=args)).content.decode()
    assert rules_page.count('data-testid="changed-only"') == 1
