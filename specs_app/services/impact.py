"""What a change does: to the database, the migration between two revisions of a spec's schema
(matched by uid, so renames stay renames) and its risks; to the API's clients, the changes
between the two revisions' endpoints and those that break the spec's compatibility mode."""

from dataclasses import dataclass, field

from specs_app.interchange.apidiff import ApiChange, api_changes_between, compatibility_breaks
from specs_app.interchange.records import ParsedApi, ParsedSchema
from specs_app.interchange.sql import changes as kinds
from specs_app.interchange.sql.changes import KIND_LABELS, SUPPORT, Migration
from specs_app.interchange.sql.migration import migration_between
from specs_app.interchange.sql.risks import Risk, migration_risks
from specs_app.models import ChangeRequest, Revision, Spec
from specs_app.services.export import revision_api_records, revision_schema_records
from specs_app.services.risk_settings import risk_settings_load

#: Changes that lose data: the models they touch are marked destructive in review.
DESTRUCTIVE = frozenset({kinds.DROP_TABLE, kinds.DROP_COLUMN, kinds.DROP_FOREIGN_KEY})


@dataclass
class Impact:
    dialect: str
    migration: Migration
    result_ddl: str
    risks: list[Risk] = field(default_factory=list)
    destructive_model_uids: set[str] = field(default_factory=set)

    @property
    def risk_counts(self) -> dict[str, int]:
        """How many findings at each level ("error", "warning"), for summaries."""
        counts: dict[str, int] = {}
        for risk in self.risks:
            counts[risk.level] = counts.get(risk.level, 0) + 1
        return counts


@dataclass
class ApiImpact:
    """What a change does to the API's clients."""

    #: The changes from base to target, every level.
    api_changes: list[ApiChange]
    #: The spec's compatibility mode, and the breaking changes that fail it.
    compatibility: str
    api_breaks: list[ApiChange]


def _records(revision: Revision | None) -> ParsedSchema:
    return revision_schema_records(revision) if revision is not None else ParsedSchema()


def _api_records(revision: Revision | None) -> ParsedApi:
    return revision_api_records(revision) if revision is not None else ParsedApi()


def revision_migration(
    base: Revision | None, target: Revision, dialect: str = "postgresql"
) -> Migration:
    """The migration from `base` (None: an empty database) to `target`."""
    return migration_between(_records(base), _records(target), dialect)


def change_request_impact(change_request: ChangeRequest, dialect: str = "postgresql") -> Impact:
    """The migration a change request implies (from its base to its draft) and what it does."""
    return impact_between(change_request.spec, change_request.base, change_request.working, dialect)


def impact_between(
    spec: Spec, base: Revision | None, target_revision: Revision, dialect: str = "postgresql"
) -> Impact:
    """The migration from `base` to `target_revision`, its risks under the spec's settings,
    and the DDL of the result."""
    target = _records(target_revision)
    migration = migration_between(_records(base), target, dialect)
    destructive = {
        change.facts["model_uid"]
        for change in migration.changes
        if change.kind in DESTRUCTIVE and change.facts.get("model_uid")
    }
    return Impact(
        dialect=dialect,
        migration=migration,
        result_ddl=migration.target_ddl,
        risks=migration_risks(migration, risk_settings_load(spec)),
        destructive_model_uids=destructive,
    )


def change_request_api_impact(change_request: ChangeRequest) -> ApiImpact:
    """The API changes a change request makes (from its base to its draft)."""
    cr = change_request
    return api_impact_between(cr.spec, cr.base, cr.working)


def api_impact_between(spec: Spec, base: Revision | None, target: Revision) -> ApiImpact:
    """The API changes from `base` to `target`, and those that fail the spec's compatibility
    mode."""
    old, new = _api_records(base), _api_records(target)
    return ApiImpact(
        api_changes=api_changes_between(old, new),
        compatibility=spec.compatibility,
        api_breaks=compatibility_breaks(old, new, spec.compatibility),
    )


def migration_steps(migration) -> list[dict]:
    """What each statement of a migration does, in words: its kind, where, and what became of
    what (a rename's old name, a type change's old and new type). Statements that only support
    another (an extension, SQLite's copy of a table it rebuilds) are left out."""
    steps = []
    for change in migration.changes:
        if change.kind == SUPPORT:
            continue
        where = change.table + (f".{change.column}" if change.column else "")
        if change.name and not change.column:
            where += f" ({change.name})"
        was = ""
        if change.old:
            was = f"{change.old} → {change.new or change.column or change.name or change.table}"
        steps.append(
            {
                "kind": change.kind,
                "label": KIND_LABELS.get(change.kind, change.kind),
                "where": where,
                "was": was,
                "destructive": change.kind in DESTRUCTIVE,
            }
        )
    return steps


def impact_report(impact: Impact, api_impact: ApiImpact, lint_delta=None) -> dict:
    """The impact as JSON for CI: `{"migration": {"sql", "statements", "risks": [...]},
    "api_changes": [{"check", "level", "item", "message"}, ...]}`, and with a `lint_delta`
    (services/lint.LintDelta), `"lint_delta": {"new": [...], "fixed": [...]}` (each finding
    `{"rule", "severity", "item", "message"}`)."""
    report = {
        "migration": {
            "dialect": impact.dialect,
            "sql": impact.migration.sql,
            "statements": impact.migration.statements,
            "risks": [risk.as_json() for risk in impact.risks],
        },
        "api_changes": [change.as_json() for change in api_impact.api_changes],
    }
    if lint_delta is not None:
        report["lint_delta"] = lint_delta.as_json()
    return report
