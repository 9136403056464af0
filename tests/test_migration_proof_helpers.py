"""The proof's own tools (tests/sql_catalog.py) proven before the engine: a schema against itself
with an empty migration, a schema from nothing with its DDL as the migration, and a migration
that misses a change or does not apply is caught and named."""

import copy

import pytest
from django.db import connection

from specs_app.interchange.records import ParsedSchema
from specs_app.interchange.sql.changes import SUPPORT, Change, Migration
from specs_app.interchange.sql.writer import schema_ddl
from tests.migration_cases import (
    BASE_ROWS,
    KIND_EDITS,
    TODO_EDITS,
    base_schema,
    edited_pair,
    kind_pair,
    reference_spec,
    tricky_schema,
)
from tests.sql_catalog import (
    Failed,
    assert_keeps_rows,
    assert_migrates,
    fresh_schema,
    postgres_apply,
    postgres_connection,
    prove,
)

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="applies the DDL to PostgreSQL (run in CI)"
)
DIALECTS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[on_postgresql, pytest.mark.postgres_only, pytest.mark.django_db],
    ),
]


def script(dialect: str, *statements: str) -> Migration:
    return Migration(dialect, [Change(SUPPORT, "", sql) for sql in statements])


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("schema", [base_schema, tricky_schema])
def test_a_schema_against_itself_needs_no_statement(dialect, schema):
    records = schema()

    assert_migrates(records, copy.deepcopy(records), dialect, Migration(dialect))


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("schema", [base_schema, tricky_schema])
def test_a_schema_from_nothing_is_its_ddl(dialect, schema):
    records = schema()

    assert_migrates(None, records, dialect, script(dialect, schema_ddl(records, dialect)))
    assert_migrates(ParsedSchema(), records, dialect, script(dialect, schema_ddl(records, dialect)))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_column_added_at_the_end_is_the_column_of_the_ddl(dialect):
    base, target = kind_pair(dict(KIND_EDITS)["add_column_not_null_default"])
    column = next(
        line.strip().rstrip(",")
        for line in schema_ddl(target, dialect).splitlines()
        if line.strip().startswith("priority ")
    )
    migration = script(dialect, f"ALTER TABLE users ADD COLUMN {column};")

    assert [f.name for f in target.models[0].fields][:3] == ["id", "email", "priority"]
    assert_migrates(base, target, dialect, migration)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_change_the_migration_misses_is_named(dialect):
    base, target = kind_pair(dict(KIND_EDITS)["add_column_nullable"])

    with pytest.raises(AssertionError, match=r"users\.columns\[bio\]: migrated None") as caught:
        assert_migrates(base, target, dialect, Migration(dialect))
    assert "--- target DDL\n" in str(caught.value)
    assert "bio" in str(caught.value).split("--- target DDL\n")[1]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(
    ("kind", "part"),
    [
        ("rename_index", r"users\.indexes\[ix_users_full_name\]"),
        ("change_index_columns", r"users\.indexes\[ix_users_name\]"),
        ("type_varchar_longer", r"users\.columns\[email\]"),
        ("set_default", r"users\.columns\[age\]"),
        ("drop_not_null", r"users\.columns\[email\]"),
        ("change_on_delete", r"tasks\.(constraints|foreign_keys)"),
        ("add_check", r"users\.(constraints|checks)"),
        ("drop_unique", r"users\.(constraints|automatic_indexes)"),
        ("rename_table", r"table memos: in the target"),
    ],
)
def test_each_part_of_the_catalog_is_compared(dialect, kind, part):
    base, target = kind_pair(dict(KIND_EDITS)[kind])

    with pytest.raises(AssertionError, match=part):
        assert_migrates(base, target, dialect, Migration(dialect))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_migration_that_does_not_apply_is_reported_with_its_statement(dialect):
    base, target = kind_pair(dict(KIND_EDITS)["add_column_nullable"])

    with pytest.raises(Failed, match=r"the migration fails") as caught:
        assert_migrates(base, target, dialect, script(dialect, "ALTER TABLE nope ADD bio text;"))
    assert "nope" in str(caught.value)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_renamed_table_must_rename_its_keys_on_postgresql(dialect):
    """A table renamed by hand keeps `users_pkey` and `users_email_key`: SQLite has no such
    names, PostgreSQL's DDL of the target says `people_pkey`, so the proof fails there."""
    base = ParsedSchema(models=[copy.deepcopy(base_schema().models[0])])
    target = copy.deepcopy(base)
    target.models[0].table = "people"
    migration = script(dialect, "ALTER TABLE users RENAME TO people;")

    if dialect == "sqlite":
        assert_migrates(base, target, dialect, migration)
    else:
        with pytest.raises(AssertionError, match=r"people\.constraints: .*'users_pkey'"):
            assert_migrates(base, target, dialect, migration)
        migration.changes += script(
            dialect,
            "ALTER TABLE people RENAME CONSTRAINT users_pkey TO people_pkey;",
            "ALTER TABLE people RENAME CONSTRAINT users_email_key TO people_email_key;",
        ).changes
        assert_migrates(base, target, dialect, migration)


@on_postgresql
@pytest.mark.postgres_only
@pytest.mark.django_db
def test_the_postgresql_catalog_reads_keys_checks_and_indexes_without_the_schema_name():
    proof = prove(tricky_schema(), tricky_schema(), "postgresql", Migration("postgresql"))
    user = proof.migrated["user"]

    assert proof.migrated == proof.expected
    definition = 'CREATE INDEX ix_user_email ON "user" USING btree (lower((email)::text) DESC)'
    assert user["indexes"] == {"ix_user_email": definition}
    sequence = "nextval('<sequence>')"
    assert user["columns"]["id"] == ("integer", True, sequence, "", "")
    assert user["columns"]["email"][0] == "citext"
    assert ("u", "UNIQUE (email)", "user_email_key") in user["constraints"]
    assert ("c", "CHECK ((line > 0))", "ck_line") in proof.migrated["order_line"]["constraints"]
    keys = [c for c in proof.migrated["order"]["constraints"] if c[0] == "f"]
    definition = 'FOREIGN KEY (user_id) REFERENCES "user"(id) ON DELETE CASCADE'
    assert keys == [("f", definition, "order_user_id_fkey")]


@on_postgresql
@pytest.mark.postgres_only
@pytest.mark.django_db
def test_each_proof_gets_a_schema_of_its_own_which_is_dropped():
    with postgres_connection() as connection:
        with fresh_schema(connection) as name:
            catalog = postgres_apply(connection, name, "CREATE TABLE t (id int);")
            assert connection.execute("SHOW search_path").fetchone()[0].startswith(name)
        left = connection.execute(
            "SELECT count(*) FROM pg_namespace WHERE nspname = %s", [name]
        ).fetchone()[0]

    assert catalog == {
        "t": {"columns": {"id": ("integer", False, None, "", "")}, "constraints": [], "indexes": {}}
    }
    assert left == 0


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("edit", [e for _, e in KIND_EDITS], ids=[k for k, _ in KIND_EDITS])
def test_each_kind_of_change_is_a_change_the_catalog_shows(dialect, edit):
    """Both DDLs of each pair apply, and differ: a migration that does nothing is caught
    (SQLite spells int and bigint alike: INTEGER)."""
    base, target = kind_pair(edit)

    proof = prove(base, target, dialect, Migration(dialect))

    if (dialect == "sqlite" and edit in _SAME_ON_SQLITE) or edit in _SAME_CATALOG:
        assert proof.migrated == proof.expected
    else:
        assert proof.migrated != proof.expected


#: A UNIQUE on columns already unique: both databases keep one (PROOF_FAILURES.md, 3), and
#: the writer leaves out one that repeats the key.
_SAME_CATALOG = {dict(KIND_EDITS)[kind] for kind in ("add_duplicate_unique", "add_unique_on_key")}
_SAME_ON_SQLITE = {
    dict(KIND_EDITS)[kind]
    for kind in (
        "type_int_to_bigint",
        "type_of_referenced_key",
        "type_of_foreign_key",
        "type_with_check",
    )
}


@pytest.mark.django_db
@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("edit", [e for _, e in TODO_EDITS], ids=[k for k, _ in TODO_EDITS])
def test_each_edit_of_the_reference_spec_is_a_change_the_catalog_shows(
    workspace, owner, dialect, edit
):
    base, target = edited_pair(reference_spec(workspace), owner, edit)

    proof = prove(base, target, dialect, Migration(dialect))

    assert proof.migrated != proof.expected


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_migration_that_loses_rows_is_caught(dialect):
    """Renaming a column by dropping it and adding it again gives the target's catalog, and
    loses the column's values."""
    base, target = kind_pair(dict(KIND_EDITS)["rename_column"])
    migration = script(
        dialect, "ALTER TABLE users DROP COLUMN code;", "ALTER TABLE users ADD COLUMN zip text;"
    )

    assert_migrates(base, target, dialect, migration)
    with pytest.raises(AssertionError, match=r"rows before \{.*'42'.*\}, after"):
        assert_keeps_rows(base, target, dialect, BASE_ROWS, migration)
