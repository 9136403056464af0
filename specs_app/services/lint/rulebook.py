"""Every lint rule, registered: import RULES from here, not from registry.py (whose RULES is
filled only as the rule modules are imported)."""

from specs_app.services.lint import rules  # noqa: F401  (the rule modules register on import)
from specs_app.services.lint.registry import CATEGORIES, RULES, Rule

__all__ = ["CATEGORIES", "RULES", "Rule"]
