"""The lint delta: which findings a change brings (new) and which it removes (fixed).

Findings of two revisions are matched by their fingerprint (rule, item uid, message): an item
renamed keeps its uid, so its unchanged findings are neither new nor fixed; a finding whose
message changed (it names the renamed item) counts as fixed and new.
"""

from dataclasses import dataclass, field

from specs_app.models import ChangeRequest, Revision
from specs_app.services.cache import remembered
from specs_app.services.lint.config import LintSettings, lint_settings_load
from specs_app.services.lint.engine import lint_draft, lint_revision, settings_fingerprint
from specs_app.services.lint.findings import Finding


def finding_key(finding: Finding) -> tuple[str, str, str]:
    """A finding's fingerprint across revisions: its rule, its item's uid and its message."""
    return (finding.rule, str(finding.item_uid), finding.message)


@dataclass(frozen=True)
class LintDelta:
    """The findings of the newer side that the older one lacks (`new`, in the newer side's
    order) and those of the older side that are gone (`fixed`, in its order)."""

    new: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)

    def as_json(self) -> dict[str, list[dict[str, str]]]:
        """`{"new": [...], "fixed": [...]}`, each finding `{"rule", "severity", "item",
        "message"}`."""
        return {
            "new": [finding.to_dict() for finding in self.new],
            "fixed": [finding.to_dict() for finding in self.fixed],
        }


def lint_delta(before: list[Finding], after: list[Finding]) -> LintDelta:
    """The delta from the findings `before` to the findings `after`."""
    old = {finding_key(finding) for finding in before}
    now = {finding_key(finding) for finding in after}
    return LintDelta(
        new=[finding for finding in after if finding_key(finding) not in old],
        fixed=[finding for finding in before if finding_key(finding) not in now],
    )


def revision_lint_delta(
    old: Revision | None, new: Revision, settings: LintSettings | None = None
) -> LintDelta:
    """The delta between two revisions of a spec (`old` None: nothing before, every finding is
    new) under `settings` (the spec's own when not given). Each published side's findings are
    computed once (lint_revision keeps them)."""
    if settings is None:
        settings = lint_settings_load(spec_id=new.spec_id)
    before = lint_revision(old, settings) if old is not None else []
    return lint_delta(before, lint_revision(new, settings))


def change_request_lint_delta(
    change_request: ChangeRequest, settings: LintSettings | None = None
) -> LintDelta:
    """The delta from the request's base to its draft as of its last edit, under the spec's lint
    settings: computed once per edit and settings, like the draft's findings."""
    cr = change_request
    if settings is None:
        settings = lint_settings_load(spec_id=cr.spec_id)
    parts = (
        "lint-delta",
        cr.base_id,
        cr.working_id,
        cr.content_version,
        settings_fingerprint(settings),
    )

    def compute() -> LintDelta:
        before = lint_revision(cr.base, settings) if cr.base is not None else []
        return lint_delta(before, lint_draft(cr.working, cr.content_version, settings))

    return remembered(parts, compute)
