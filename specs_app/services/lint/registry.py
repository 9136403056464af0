"""The one registry of lint rules: each rule's id, default severity and documentation live with
its check (the Rules page renders them from here)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from specs_app.models.lint import KNOWN_RULE_IDS, Severity
from specs_app.services.lint.content import LintContent
from specs_app.services.lint.findings import Hit
from specs_app.services.lint.settings import LintSettings

Check = Callable[[LintContent, LintSettings], Iterable[Hit]]

CATEGORIES = {
    "test": "Testability",
    "http": "HTTP semantics",
    "ownership": "Ownership",
    "errors": "Error coverage",
    "complete": "Completeness",
    "ambiguity": "Ambiguity",
    "db": "API ↔ database",
}


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    flags: str
    example: str
    fix: str
    check: Check

    @property
    def category(self) -> str:
        return CATEGORIES[self.id.split(".", 1)[0]]


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str, *, severity: Severity, title: str, flags: str, example: str, fix: str
) -> Callable[[Check], Check]:
    """Register the decorated check as the rule `rule_id`."""
    if rule_id.split(".", 1)[0] not in CATEGORIES:
        raise ValueError(f"Rule {rule_id} has no known category prefix.")

    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"Rule {rule_id} is registered twice.")
        RULES[rule_id] = Rule(rule_id, severity, title, flags, example, fix, check)
        KNOWN_RULE_IDS.add(rule_id)
        return check

    return register
