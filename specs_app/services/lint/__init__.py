"""Lint: the quality checks of a good API spec, as rules with a stable id and a severity.

`lint_revision` is a pure function of a revision's content (and the spec's configuration):
it reads the content with one query per content table and changes nothing.
"""

from specs_app.models.lint import Severity
from specs_app.services.lint.config import (
    DEFAULT_SETTINGS,
    LintSettings,
    lint_settings_load,
)
from specs_app.services.lint.content import LintContent, load_lint_content
from specs_app.services.lint.delta import (
    LintDelta,
    change_request_lint_delta,
    finding_key,
    lint_delta,
    revision_lint_delta,
)
from specs_app.services.lint.engine import (
    LintReport,
    lint_content,
    lint_draft,
    lint_report,
    lint_revision,
)
from specs_app.services.lint.findings import Finding, Item
from specs_app.services.lint.rulebook import RULES, Rule

__all__ = [
    "DEFAULT_SETTINGS",
    "RULES",
    "Finding",
    "Item",
    "LintContent",
    "LintDelta",
    "LintReport",
    "LintSettings",
    "Rule",
    "Severity",
    "change_request_lint_delta",
    "finding_key",
    "lint_content",
    "lint_delta",
    "lint_draft",
    "lint_report",
    "lint_revision",
    "lint_settings_load",
    "load_lint_content",
    "revision_lint_delta",
]
