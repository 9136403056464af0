"""What a change does to the database: the migration between two revisions of a spec's schema
(matched by uid, so renames stay renames), and what a change request's migration implies."""

from dataclasses import dataclass, field

from specs_app.interchange.records import ParsedSchema
from specs_app.interchange.sql import changes as kinds
from specs_app.interchange.sql.changes import Migration
from specs_app.interchange.sql.migration import migration_between
from specs_app.interchange.sql.writer import schema_ddl
from specs_app.models import ChangeRequest, Revision
from specs_app.services.export import revision_schema_records

#: Changes that lose data: the models they touch are marked destructive in review.
DESTRUCTIVE = frozenset({kinds.DROP_TABLE, kinds.DROP_COLUMN, kinds.DROP_FOREIGN_KEY})


@dataclass
class Impact:
    dialect: str
    migration: Migration
    result_ddl: str
    destructive_model_uids: set[str] = field(default_factory=set)


def _records(revision: Revision | None) -> ParsedSchema:
    return revision_schema_records(revision) if revision is not None else ParsedSchema()


def revision_migration(
    base: Revision | None, target: Revision, dialect: str = "postgresql"
) -> Migration:
    """The migration from `base` (None: an empty database) to `target`."""
    return migration_between(_records(base), _records(target), dialect)


def change_request_impact(change_request: ChangeRequest, dialect: str = "postgresql") -> Impact:
    """The migration a change request implies (from its base to its draft) and what it does."""
    target = _records(change_request.working)
    migration = migration_between(_records(change_request.base), target, dialect)
    destructive = {
        change.facts["model_uid"]
        for change in migration.changes
        if change.kind in DESTRUCTIVE and change.facts.get("model_uid")
    }
    return Impact(
        dialect=dialect,
        migration=migration,
        result_ddl=schema_ddl(target, dialect),
        destructive_model_uids=destructive,
    )
