"""What a migration between two revisions is made of: one `Change` per statement, in the order
the statements run. The migration writer (migration.py) makes them; the risk analysis
(risks.py) and the review screens read them."""

from dataclasses import dataclass, field

CREATE_TABLE = "create_table"
DROP_TABLE = "drop_table"
RENAME_TABLE = "rename_table"
ADD_COLUMN = "add_column"
DROP_COLUMN = "drop_column"
RENAME_COLUMN = "rename_column"
ALTER_TYPE = "alter_type"
SET_NOT_NULL = "set_not_null"
DROP_NOT_NULL = "drop_not_null"
SET_DEFAULT = "set_default"
DROP_DEFAULT = "drop_default"
ADD_IDENTITY = "add_identity"
DROP_IDENTITY = "drop_identity"
ADD_PRIMARY_KEY = "add_primary_key"
DROP_PRIMARY_KEY = "drop_primary_key"
ADD_UNIQUE = "add_unique"
DROP_UNIQUE = "drop_unique"
ADD_CHECK = "add_check"
DROP_CHECK = "drop_check"
ADD_FOREIGN_KEY = "add_foreign_key"
DROP_FOREIGN_KEY = "drop_foreign_key"
CREATE_INDEX = "create_index"
DROP_INDEX = "drop_index"
RENAME_INDEX = "rename_index"
RENAME_CONSTRAINT = "rename_constraint"
#: A statement that carries no change of its own: `CREATE EXTENSION`, SQLite's `PRAGMA`s and the
#: copy of a table it rebuilds, a comment naming what could not be written.
SUPPORT = "support"

#: Every kind, in the words the review screens use.
KIND_LABELS = {
    CREATE_TABLE: "create table",
    DROP_TABLE: "drop table",
    RENAME_TABLE: "rename table",
    ADD_COLUMN: "add column",
    DROP_COLUMN: "drop column",
    RENAME_COLUMN: "rename column",
    ALTER_TYPE: "change type",
    SET_NOT_NULL: "set NOT NULL",
    DROP_NOT_NULL: "drop NOT NULL",
    SET_DEFAULT: "set default",
    DROP_DEFAULT: "drop default",
    ADD_IDENTITY: "add identity",
    DROP_IDENTITY: "drop identity",
    ADD_PRIMARY_KEY: "add primary key",
    DROP_PRIMARY_KEY: "drop primary key",
    ADD_UNIQUE: "add unique",
    DROP_UNIQUE: "drop unique",
    ADD_CHECK: "add check",
    DROP_CHECK: "drop check",
    ADD_FOREIGN_KEY: "add foreign key",
    DROP_FOREIGN_KEY: "drop foreign key",
    CREATE_INDEX: "create index",
    DROP_INDEX: "drop index",
    RENAME_INDEX: "rename index",
    RENAME_CONSTRAINT: "rename constraint",
    SUPPORT: "support",
}


@dataclass(frozen=True)
class Change:
    """One statement of a migration and what it does.

    `table` is the table's name once the statement has run (its old name for a drop); `column`
    the column's, the same way. `old` is the name before a rename, or the type before a type
    change (then `new` is the type after). `columns` lists the columns of a key, unique
    constraint, foreign key or index (in the names of the target). `table_is_new` says the table
    is created by this migration, so nothing in it holds data yet.
    """

    kind: str
    table: str
    sql: str
    column: str = ""
    name: str = ""
    old: str = ""
    new: str = ""
    columns: tuple[str, ...] = ()
    table_is_new: bool = False
    #: Facts a risk needs: "not_null", "has_default", "unique", "narrowing", "rewrites",
    #: "references" (the table a foreign key names), "model_uid".
    facts: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass
class Migration:
    """The statements that turn the database of one revision into that of another."""

    dialect: str
    changes: list[Change] = field(default_factory=list)
    #: The DDL of the schema the migration leads to.
    target_ddl: str = ""

    @property
    def statements(self) -> int:
        """How many statements run (comments are not statements)."""
        return sum(1 for change in self.changes if not change.sql.startswith("-- "))

    @property
    def sql(self) -> str:
        if not self.changes:
            return ""
        return "\n".join(change.sql for change in self.changes) + "\n"
