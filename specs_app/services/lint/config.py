"""A spec's lint configuration, read in one query (services/lint_settings.py changes it)."""

from specs_app.models.lint import LintConfig
from specs_app.services.lint.settings import DEFAULT_SETTINGS, LintSettings


def lint_settings_from(config: LintConfig | None) -> LintSettings:
    if config is None:
        return DEFAULT_SETTINGS
    return LintSettings(
        owner_table=config.owner_table,
        external_tables=frozenset(name.lower() for name in config.external_tables),
        rules=dict(config.rules),
        changed_only=frozenset(config.rule_scopes),
    )


def lint_settings_load(*, spec_id: int) -> LintSettings:
    return lint_settings_from(LintConfig.objects.filter(spec_id=spec_id).first())
