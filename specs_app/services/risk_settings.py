"""A spec's settings for the risks of a database migration (interchange/sql/risks.py): per code,
"off", "warning" or "error". Stored on the spec's lint configuration, beside the lint rules'
settings; changing them needs an admin, runs in a transaction and is audited."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from specs_app.access import require_role
from specs_app.interchange.sql.risks import RISK_RULES, SETTINGS
from specs_app.models import Role, Spec
from specs_app.models.lint import LintConfig
from specs_app.services.audit import audit_record
from specs_app.services.errors import ServiceError
from specs_app.services.lint.config import lint_settings_from
from specs_app.services.lint.settings import LintSettings


def risk_settings_from(config: LintConfig | None) -> dict[str, str]:
    """Code → setting, for the known codes whose setting differs from their default."""
    if config is None:
        return {}
    return {
        code: setting
        for code, setting in sorted(config.risk_rules.items())
        if code in RISK_RULES and setting in SETTINGS and setting != RISK_RULES[code].level
    }


def risk_settings_load(spec: Spec) -> dict[str, str]:
    """The spec's risk settings, for `migration_risks(migration, settings)`: one query."""
    return risk_settings_from(LintConfig.objects.filter(spec_id=spec.pk).first())


def spec_settings_load(spec: Spec) -> tuple[LintSettings, dict[str, str]]:
    """The spec's lint settings and risk settings, read in one query (for the settings pages)."""
    config = LintConfig.objects.filter(spec_id=spec.pk).first()
    return lint_settings_from(config), risk_settings_from(config)


def risk_settings_save(*, spec: Spec, actor, settings: Mapping[str, str]) -> dict[str, str]:
    """Replace the spec's risk settings. A code's setting equal to its default is not stored;
    an unknown code or setting is refused and nothing changes."""
    require_role(actor, spec.workspace_id, Role.ADMIN)
    unknown = sorted(code for code in settings if code not in RISK_RULES)
    if unknown:
        raise ServiceError(f"There is no migration risk {', '.join(unknown)}.")
    for code, setting in settings.items():
        if setting not in SETTINGS:
            raise ServiceError(
                f'"{setting}" is not a setting for {code}: use off, warning or error.'
            )
    stored = {
        code: setting
        for code, setting in sorted(settings.items())
        if setting != RISK_RULES[code].level
    }
    with transaction.atomic():
        Spec.objects.select_for_update().filter(pk=spec.pk).first()
        config = LintConfig.objects.filter(spec=spec).first() or LintConfig(spec=spec)
        before = risk_settings_from(config) if config.pk else {}
        config.risk_rules = stored
        try:
            config.full_clean()
        except ValidationError as exc:
            raise ServiceError(" ".join(exc.messages)) from exc
        config.save()
        audit_record(
            spec=spec,
            actor=actor,
            verb="risk_settings.changed",
            target=spec.slug,
            before=before,
            risk_rules=stored,
        )
    return stored
