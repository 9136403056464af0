"""Change a spec's lint configuration: admins only, in a transaction, audited.

Reading it (`lint_settings_load`) belongs to the lint package, which changes nothing.
"""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from specs_app.access import require_role
from specs_app.models import Role, Spec
from specs_app.models.lint import LintConfig, RuleScope
from specs_app.services.audit import audit_record
from specs_app.services.errors import ServiceError
from specs_app.services.lint.rulebook import RULES


def lint_settings_save(
    *,
    spec: Spec,
    actor,
    owner_table: str,
    external_tables: list[str],
    rules: Mapping[str, str],
    changed_only: Iterable[str] = (),
) -> LintConfig:
    """Replace the spec's lint configuration. `rules` holds only the rules that differ from
    their default (a setting equal to the default is not stored); `changed_only` the ids of the
    rules that look only at items added or changed since the previous revision."""
    require_role(actor, spec.workspace_id, Role.ADMIN)
    stored = {
        rule_id: setting
        for rule_id, setting in rules.items()
        if rule_id not in RULES or setting != RULES[rule_id].severity
    }
    with transaction.atomic():
        Spec.objects.select_for_update().filter(pk=spec.pk).first()
        config = LintConfig.objects.filter(spec=spec).first() or LintConfig(spec=spec)
        config.owner_table = owner_table.strip()
        config.external_tables = sorted({name.strip() for name in external_tables if name.strip()})
        config.rules = dict(sorted(stored.items()))
        config.rule_scopes = {rule_id: RuleScope.CHANGED.value for rule_id in sorted(changed_only)}
        try:
            config.full_clean()
        except ValidationError as exc:
            raise ServiceError(" ".join(exc.messages)) from exc
        config.save()
        audit_record(
            spec=spec,
            actor=actor,
            verb="lint_settings.changed",
            target=spec.slug,
            owner_table=config.owner_table,
            external_tables=config.external_tables,
            rules=config.rules,
            changed_only=sorted(config.rule_scopes),
        )
    return config
