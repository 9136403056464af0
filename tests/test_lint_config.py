import pytest

from specs_app.models import LintConfig
from specs_app.services.errors import ServiceError
from specs_app.services.lint import (
    DEFAULT_SETTINGS,
    LintSettings,
    Severity,
    lint_revision,
    lint_settings_load,
)
from specs_app.services.lint_settings import lint_settings_save
from tests.factories import admin_of
from tests.test_lint_rules import clean_spec, update

pytestmark = pytest.mark.django_db


def _configure(spec, **changes) -> None:
    values = {"owner_table": "users", "external_tables": [], "rules": {}} | changes
    lint_settings_save(spec=spec, actor=admin_of(spec.workspace), **values)


def _findings(s, rule_id: str):
    return [f for f in lint_revision(s.revision) if f.rule == rule_id]


def test_a_rule_turned_off_reports_nothing():
    s = clean_spec()
    update(s.endpoint, success_status=302)
    assert _findings(s, "http.success-status")
    _configure(s.spec, rules={"http.success-status": "off"})
    assert _findings(s, "http.success-status") == []


def test_a_changed_severity_is_reported():
    s = clean_spec()
    update(s.user_id, references="accounts.id")
    [finding] = _findings(s, "complete.unknown-reference")
    assert finding.severity == Severity.WARNING
    _configure(s.spec, rules={"complete.unknown-reference": "error"})
    [finding] = _findings(s, "complete.unknown-reference")
    assert finding.severity == Severity.ERROR


def test_the_owner_table_is_configurable():
    s = clean_spec()
    update(s.users, table="accounts")
    update(s.user_id, references="accounts.id")
    from specs_app.models import Index

    Index.objects.filter(model=s.tasks).delete()
    assert _findings(s, "ownership.owner-fk-not-indexed") == []
    _configure(s.spec, owner_table="accounts")
    [finding] = _findings(s, "ownership.owner-fk-not-indexed")
    assert finding.item.label == "tasks.user_id" and "accounts" in finding.message


def test_external_tables_are_not_unknown_references():
    s = clean_spec()
    update(s.user_id, references="auth_users.id")
    assert _findings(s, "complete.unknown-reference")
    _configure(s.spec, external_tables=["auth_users"])
    assert _findings(s, "complete.unknown-reference") == []


def test_an_explicit_config_overrides_the_stored_one():
    s = clean_spec()
    update(s.endpoint, success_status=302)
    _configure(s.spec, rules={"http.success-status": "off"})
    findings = lint_revision(s.revision, DEFAULT_SETTINGS)
    assert "http.success-status" in {f.rule for f in findings}
    off = LintSettings(rules={"http.success-status": "off"})
    assert "http.success-status" not in {f.rule for f in lint_revision(s.revision, off)}


def test_settings_equal_to_the_default_are_not_stored():
    s = clean_spec()
    _configure(
        s.spec,
        external_tables=[" b ", "a", "a"],
        rules={"http.success-status": "error", "errors.no-500": "off"},
    )
    config = LintConfig.objects.get(spec=s.spec)
    assert config.rules == {"errors.no-500": "off"}
    assert config.external_tables == ["a", "b"]
    assert lint_settings_load(spec_id=s.spec.pk).external_tables == frozenset({"a", "b"})


@pytest.mark.parametrize(
    "changes",
    [
        {"rules": {"no.such-rule": "off"}},
        {"rules": {"errors.no-500": "loud"}},
        {"owner_table": "not a table"},
        {"external_tables": ["ok", "bad name"]},
    ],
)
def test_invalid_configuration_is_refused_and_changes_nothing(changes):
    s = clean_spec()
    _configure(s.spec, rules={"errors.no-500": "off"})
    with pytest.raises(ServiceError):
        _configure(s.spec, **changes)
    config = LintConfig.objects.get(spec=s.spec)
    assert (config.owner_table, config.external_tables, config.rules) == (
        "users",
        [],
        {"errors.no-500": "off"},
    )


def test_a_spec_without_configuration_uses_the_defaults():
    s = clean_spec()
    assert lint_settings_load(spec_id=s.spec.pk) == DEFAULT_SETTINGS
