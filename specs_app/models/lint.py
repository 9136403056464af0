"""Per-spec lint configuration: the owner table, tables that live outside the spec, and rules
turned off or given another severity; the same for the risk codes of a database migration.
Rules and codes without an entry keep their default."""

import re

from django.core.exceptions import ValidationError
from django.db import models

from specs_app.models.spec import Spec

TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")
DEFAULT_OWNER_TABLE = "users"


class Severity(models.TextChoices):
    ERROR = "error", "Error"
    WARNING = "warning", "Warning"


class RuleSetting(models.TextChoices):
    """What a spec's configuration may say about one rule."""

    OFF = "off", "Off"
    ERROR = Severity.ERROR.value, "Error"
    WARNING = Severity.WARNING.value, "Warning"


def validate_table_name(value: str) -> None:
    if not TABLE_NAME.match(value):
        raise ValidationError(
            f'"{value}" is not a table name: use letters, digits and underscores '
            "(optionally schema.table), starting with a letter or underscore.",
            code="table_name",
        )


def validate_table_list(value) -> None:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ValidationError("A list of table names is expected.", code="table_list")
    for name in value:
        validate_table_name(name)


#: The ids of the lint rules, added by services/lint/registry.py as each rule registers (the
#: models are below the services and cannot import them); apps.py loads every rule at start.
KNOWN_RULE_IDS: set[str] = set()


def validate_rule_settings(value) -> None:
    if not isinstance(value, dict):
        raise ValidationError("A mapping of rule id to off, error or warning is expected.")
    for rule_id, setting in value.items():
        if rule_id not in KNOWN_RULE_IDS:
            raise ValidationError(f'There is no lint rule "{rule_id}".', code="unknown_rule")
        if setting not in RuleSetting.values:
            raise ValidationError(
                f'"{setting}" is not a setting for {rule_id}: use off, error or warning.',
                code="rule_setting",
            )


class RuleScope(models.TextChoices):
    """Which items a rule looks at: all of them, or (Optic's "added" mode) only those added or
    changed since the previous revision, so a legacy spec can adopt a rule without fixing the
    past first."""

    ALL = "all", "All items"
    CHANGED = "changed", "Added or changed items only"


def validate_rule_scopes(value) -> None:
    if not isinstance(value, dict):
        raise ValidationError('A mapping of rule id to "changed" is expected.')
    for rule_id, scope in value.items():
        if rule_id not in KNOWN_RULE_IDS:
            raise ValidationError(f'There is no lint rule "{rule_id}".', code="unknown_rule")
        if scope != RuleScope.CHANGED:
            raise ValidationError(
                f'"{scope}" is not a scope for {rule_id}: only "changed" is stored.',
                code="rule_scope",
            )


def validate_risk_settings(value) -> None:
    """The shape of the migration risk settings; services/risk_settings.py checks the codes
    against interchange/sql/risks.py's RISK_RULES (the models are below it)."""
    if not isinstance(value, dict):
        raise ValidationError("A mapping of risk code to off, error or warning is expected.")
    for code, setting in value.items():
        if setting not in RuleSetting.values:
            raise ValidationError(
                f'"{setting}" is not a setting for {code}: use off, error or warning.',
                code="risk_setting",
            )


class LintConfig(models.Model):
    spec = models.OneToOneField(Spec, on_delete=models.CASCADE, related_name="lint_config")
    owner_table = models.CharField(
        max_length=200,
        default=DEFAULT_OWNER_TABLE,
        validators=[validate_table_name],
        help_text="The table whose rows own the user data (users.id).",
    )
    external_tables = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_table_list],
        help_text="Tables that foreign keys may reference although the spec does not model them.",
    )
    rules = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_rule_settings],
        help_text='Rule id → "off", "error" or "warning"; rules not listed keep their default.',
    )
    rule_scopes = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_rule_scopes],
        help_text='Rule id → "changed" for rules that look only at items added or changed since '
        "the previous revision; rules not listed look at every item.",
    )
    risk_rules = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_risk_settings],
        help_text='Migration risk code → "off", "error" or "warning"; codes not listed keep '
        "their default.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "lint configuration"

    def __str__(self) -> str:
        return f"Lint configuration of {self.spec}"
