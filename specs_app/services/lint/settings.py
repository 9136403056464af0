"""The lint configuration that applies to one run: the spec's stored one, or the defaults."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from specs_app.models.lint import DEFAULT_OWNER_TABLE, RuleSetting, Severity


class _Rule(Protocol):
    """What the settings read of a rule (services/lint/registry.py's Rule)."""

    id: str
    severity: Severity


@dataclass(frozen=True)
class LintSettings:
    owner_table: str = DEFAULT_OWNER_TABLE
    #: Lower-case names of tables that foreign keys may reference outside the spec.
    external_tables: frozenset[str] = frozenset()
    #: Rule id → "off", "error" or "warning", for rules that do not keep their default.
    rules: Mapping[str, str] = field(default_factory=dict)
    #: Ids of the rules that look only at items added or changed since the previous revision.
    changed_only: frozenset[str] = frozenset()

    def severity_of(self, rule: _Rule) -> Severity | None:
        """The severity the rule reports with, or None when it is turned off."""
        setting = self.rules.get(rule.id)
        if setting == RuleSetting.OFF:
            return None
        return Severity(setting) if setting else rule.severity

    def is_external(self, table: str) -> bool:
        return table.lower() in self.external_tables


DEFAULT_SETTINGS = LintSettings()
