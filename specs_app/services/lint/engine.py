"""Run the registered rules over a revision's content."""

from dataclasses import dataclass, field

from specs_app.models import Revision
from specs_app.services.cache import remembered
from specs_app.services.lint.config import LintSettings, lint_settings_load
from specs_app.services.lint.content import LintContent, load_lint_content
from specs_app.services.lint.findings import Finding, Item
from specs_app.services.lint.rulebook import RULES
from specs_app.services.lint.scope import changed_items


def lint_revision(revision: Revision, config: LintSettings | None = None) -> list[Finding]:
    """The findings of every enabled rule on `revision`, in the spec's order.

    Without `config`, the spec's stored configuration applies (one more query).
    """
    settings = config if config is not None else lint_settings_load(spec_id=revision.spec_id)

    def lint() -> list[Finding]:
        changed = changed_items(revision) if settings.changed_only else None
        return lint_content(load_lint_content(revision=revision), settings, changed)

    if not revision.is_published:
        return lint()
    return remembered(("lint", revision.pk, settings_fingerprint(settings)), lint)


def lint_draft(revision: Revision, content_version: int, settings: LintSettings):
    """The findings of a change request's draft as of `content_version` (its edit count)."""
    parts = ("lint-draft", revision.pk, content_version, settings_fingerprint(settings))
    return remembered(parts, lambda: lint_revision(revision, settings))


def settings_fingerprint(settings: LintSettings) -> tuple:
    return (
        settings.owner_table,
        tuple(sorted(settings.external_tables)),
        tuple(sorted(settings.rules.items())),
        tuple(sorted(settings.changed_only)),
    )


def lint_content(
    content: LintContent, settings: LintSettings, changed: frozenset[str] | None = None
) -> list[Finding]:
    """The findings of every enabled rule. `changed` holds the uids of the items added or
    changed since the previous revision (None: all are new); rules the settings limit to those
    report nothing on the other items."""
    findings = []
    for rule in RULES.values():
        severity = settings.severity_of(rule)
        if severity is None:
            continue
        hits = rule.check(content, settings)
        if changed is not None and rule.id in settings.changed_only:
            hits = [(item, message) for item, message in hits if item.uid in changed]
        findings += [Finding(rule.id, severity, item, message) for item, message in hits]
    # Stable sort: within an item, findings keep the registry's order.
    return sorted(findings, key=lambda finding: finding.item.order)


@dataclass
class FindingGroup:
    """The findings on one endpoint or model (or on the overviews)."""

    page_kind: str
    page_uid: str
    label: str
    findings: list[Finding] = field(default_factory=list)


@dataclass
class LintReport:
    findings: list[Finding]
    groups: list[FindingGroup]

    @property
    def error_count(self) -> int:
        return sum(1 for finding in self.findings if finding.is_error)

    @property
    def warning_count(self) -> int:
        return len(self.findings) - self.error_count


def lint_report(findings: list[Finding]) -> LintReport:
    groups: dict[tuple[str, str], FindingGroup] = {}
    for finding in findings:
        item: Item = finding.item
        key = (item.page_kind, item.page_uid)
        if key not in groups:
            groups[key] = FindingGroup(item.page_kind, item.page_uid, item.page_label)
        groups[key].findings.append(finding)
    return LintReport(findings, list(groups.values()))
