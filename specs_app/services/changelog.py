"""The changelog of a change, in markdown: what it does to the API's clients (breaking changes
first, then warnings, then the rest, each level's changes under their endpoint), to the
database (the migration's steps in words and its risk findings) and to the lint findings (how
many new, how many fixed). `diff_spec --format markdown` prints it, the merge's commit message
carries it, and a git target may prepend it to CHANGELOG.md.

The text is a function of its inputs only (no clock, no sets): the same change gives the same
bytes, so a commit that carries it is reproducible.
"""

from dataclasses import dataclass

from specs_app.interchange.apidiff import BREAKING, INFO, LEVELS, WARNING, ApiChange
from specs_app.interchange.sql.writer import DIALECT_LABELS
from specs_app.models import ChangeRequest, Revision, Spec
from specs_app.services.impact import (
    ApiImpact,
    Impact,
    api_impact_between,
    impact_between,
    migration_steps,
)
from specs_app.services.lint import LintDelta, revision_lint_delta

#: Each level's heading, worst first.
LEVEL_HEADINGS = {
    BREAKING: "Breaking API changes",
    WARNING: "API changes to check (warnings)",
    INFO: "Other API changes",
}
assert tuple(LEVEL_HEADINGS) == LEVELS

#: The group of changes that concern no one endpoint.
WHOLE_API = "The whole API"


def api_changes_by_endpoint(changes: list[ApiChange]) -> list[tuple[str, list[ApiChange]]]:
    """`(endpoint label, changes)` pairs, endpoints in the order of their first change."""
    groups: dict[str, list[ApiChange]] = {}
    for change in changes:
        groups.setdefault(change.endpoint or WHOLE_API, []).append(change)
    return list(groups.items())


def _count(number: int, word: str, plural: str = "") -> str:
    return f"{number} {word if number == 1 else plural or word + 's'}"


def changelog_markdown(
    impact: Impact, api_impact: ApiImpact, delta: LintDelta, *, heading: str = ""
) -> str:
    """The changelog of one change (see the module's docstring); `heading` (a markdown heading
    line) opens it when given. Sections without content are left out; a change that touches
    nothing says so."""
    lines: list[str] = [heading, ""] if heading else []
    lines += _api_lines(api_impact.api_changes)
    lines += _database_lines(impact)
    lines += _lint_lines(delta)
    if len(lines) == (2 if heading else 0):
        lines += ["No change to the API, the database or the lint findings.", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _api_lines(changes: list[ApiChange]) -> list[str]:
    lines: list[str] = []
    for level in LEVELS:
        at_level = [change for change in changes if change.level == level]
        if not at_level:
            continue
        lines += [f"### {LEVEL_HEADINGS[level]} ({len(at_level)})", ""]
        for endpoint, group in api_changes_by_endpoint(at_level):
            lines.append(f"- `{endpoint}`" if endpoint != WHOLE_API else f"- {WHOLE_API}")
            lines += [f"  - {change.message} (`{change.check}`)" for change in group]
        lines.append("")
    return lines


def _database_lines(impact: Impact) -> list[str]:
    steps = migration_steps(impact.migration)
    if not steps and not impact.risks:
        return []
    summary = _count(len(steps), "migration step")
    if impact.risks:
        summary += ", " + _count(len(impact.risks), "risk")
    dialect = DIALECT_LABELS.get(impact.dialect, impact.dialect)
    lines = ["### Database", "", f"{summary} ({dialect}):", ""]
    for step in steps:
        was = f" ({step['was']})" if step["was"] else ""
        lines.append(f"- {step['label'].capitalize()} `{step['where']}`{was}")
    if impact.risks:
        lines += ["", "Risks:", ""]
        for risk in impact.risks:
            where = f" `{risk.table}.{risk.column}`" if risk.column else f" `{risk.table}`"
            where = where if risk.table else ""
            lines.append(f"- **{risk.level}** `{risk.code}`{where}: {risk.message}")
    lines.append("")
    return lines


def _lint_lines(delta: LintDelta) -> list[str]:
    if not delta.new and not delta.fixed:
        return []
    new, fixed = len(delta.new), len(delta.fixed)
    errors = sum(1 for finding in delta.new if finding.is_error)
    text = f"{_count(new, 'new finding')}"
    if errors:
        text += f" ({_count(errors, 'error')})"
    return ["### Lint", "", f"{text}, {fixed} fixed.", ""]


# A published revision's changelog (the merge's commit, CHANGELOG.md).


@dataclass(frozen=True)
class RevisionChangelog:
    #: The changes, without a heading (the commit message's part).
    body: str
    #: "## r7 — Title (2026-12-03)" followed by the body (CHANGELOG.md's section).
    section: str


def revision_title(revision: Revision, change_request: ChangeRequest | None) -> str:
    """What a published revision is called in a changelog: its change request's title, else its
    message."""
    if change_request is not None:
        return f"{change_request.title} (#{change_request.number})"
    return revision.message or "Export"


def section_heading(revision: Revision, title: str) -> str:
    when = revision.published_at.date().isoformat() if revision.published_at else "unpublished"
    return f"## {revision.label} — {title} ({when})"


def revision_changelog(
    *, spec: Spec, revision: Revision, change_request: ChangeRequest | None = None
) -> RevisionChangelog:
    """The changelog of a published revision: the changes from the revision before it (its
    parent; none for the first) to it, with the migration in PostgreSQL."""
    previous = revision.parent
    impact = impact_between(spec, previous, revision, "postgresql")
    api_impact = api_impact_between(spec, previous, revision)
    delta = revision_lint_delta(previous, revision)
    body = changelog_markdown(impact, api_impact, delta)
    heading = section_heading(revision, revision_title(revision, change_request))
    return RevisionChangelog(body=body, section=f"{heading}\n\n{body}")


CHANGELOG_TITLE = "# Changelog"


def changelog_file_prepend(current: str | None, section: str, label: str) -> str | None:
    """CHANGELOG.md with `section` added at the top (below its "# " title when it has one),
    created when missing (`current` None). None when the file already has a section for the
    revision `label` (an export that ran again): nothing to write."""
    if current is None:
        return f"{CHANGELOG_TITLE}\n\n{section}"
    if any(line.startswith(f"## {label} ") for line in current.splitlines()):
        return None
    lines = current.splitlines(keepends=True)
    if lines and lines[0].startswith("# "):
        rest = "".join(lines[1:]).lstrip("\n")
        return f"{lines[0].rstrip()}\n\n{section}" + (f"\n{rest}" if rest else "")
    return f"{section}\n{current}" if current.strip() else section
