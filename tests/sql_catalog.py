"""A database's schema read back from its catalog, as plain values two databases can be compared
by; and `assert_migrates`, the proof that a migration between two schemas gives the database
their target's DDL gives.

What is compared, and how:
- Tables and columns by name. A column is its type (PostgreSQL's `format_type`, SQLite's
  declared type), NOT NULL, default (PostgreSQL's `pg_get_expr`, SQLite's text), identity and
  generation; not its position: `ALTER TABLE … ADD COLUMN` appends, where the DDL puts the
  column in the order of the spec.
- Constraints (primary key, unique, check, foreign key with ON DELETE) by definition
  (`pg_get_constraintdef`) and by name. The names count: the PostgreSQL DDL names every unique,
  check and foreign key, and a migration renames those of a renamed table or column
  (`RENAME CONSTRAINT`), so that a later migration can drop them by the name the DDL gives. A
  migration that leaves `users_pkey` on a table renamed `people` is caught.
- Indexes by name (the spec names them) and definition (`pg_get_indexdef`, the schema's name
  removed). The index behind a primary key or unique constraint is its constraint's: it is not
  listed again.
- The default of a serial column names its sequence, which a rename does not rename:
  `nextval('<sequence>')` stands for any sequence owned by the column.
- Rows (assert_keeps_rows): a table the target keeps (by uid) holds the rows it held, and a
  column it keeps with its type the same values, read as text before and after.
- Extensions are not compared: a migration may keep one no table needs any more.
- SQLite: `PRAGMA table_xinfo`, `foreign_key_list`, `index_list` with `index_xinfo`, the
  CHECK clauses of the CREATE TABLE (read with sqlglot) and AUTOINCREMENT. SQLite's automatic
  indexes (`sqlite_autoindex_<table>_<n>`) are compared by definition, the others by name.
"""

import contextlib
import re
import sqlite3
import uuid
from dataclasses import dataclass

import psycopg
import sqlglot
from django.db import connection as django_connection
from sqlglot import exp

from specs_app.interchange.records import ParsedSchema
from specs_app.interchange.sql.changes import Migration
from specs_app.interchange.sql.writer import schema_ddl

_NEXTVAL = re.compile(r"nextval\('[^']*'::regclass\)")


# -- PostgreSQL ------------------------------------------------------------------------------


@contextlib.contextmanager
def postgres_connection():
    """An autocommit connection of its own to the test database, so that a statement that
    fails, or one that cannot run in a transaction, leaves the test's transaction alone."""
    settings = django_connection.settings_dict
    params = {
        "dbname": settings["NAME"],
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
    }
    with psycopg.connect(
        autocommit=True, **{k: v for k, v in params.items() if v is not None}
    ) as connection:
        yield connection


@contextlib.contextmanager
def fresh_schema(connection: psycopg.Connection, prefix: str = "proof"):
    """A new, empty schema first on the search path (public after it, for an extension that
    is installed there already); dropped with everything in it, extensions too, afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    connection.execute(f"CREATE SCHEMA {name}")
    try:
        connection.execute(f"SET search_path TO {name}, public")
        yield name
    finally:
        connection.execute("SET search_path TO DEFAULT")
        connection.execute(f"DROP SCHEMA {name} CASCADE")


def postgres_catalog(connection, schema_name: str) -> dict:
    """The tables of `schema_name`: {table: {"columns", "constraints", "indexes"}}."""
    cursor = connection.cursor() if hasattr(connection, "cursor") else connection

    def rows(sql: str, *params) -> list[tuple]:
        cursor.execute(sql, params)
        return cursor.fetchall()

    def clean(text: str | None) -> str | None:
        if text is None:
            return None
        return text.replace(f"{schema_name}.", "").replace(f'"{schema_name}".', "")

    tables = rows(
        "SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY c.relname",
        schema_name,
    )
    catalog = {}
    for oid, table in tables:
        columns = {
            name: (type_, not_null, _sequence(clean(default)), identity, generated)
            for name, type_, not_null, default, identity, generated in rows(
                "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                "pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated "
                "FROM pg_attribute a LEFT JOIN pg_attrdef d "
                "ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                "WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped",
                oid,
            )
        }
        constraints = sorted(
            (kind, clean(definition), name)
            for name, kind, definition in rows(
                "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s",
                oid,
            )
        )
        indexes = {
            name: clean(definition)
            for name, definition in rows(
                "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid "
                "AND k.conrelid = x.indrelid)",
                oid,
            )
        }
        catalog[table] = {"columns": columns, "constraints": constraints, "indexes": indexes}
    return catalog


def _sequence(default: str | None) -> str | None:
    return _NEXTVAL.sub("nextval('<sequence>')", default) if default else default


class Failed(AssertionError):
    """A script that does not apply: which one, the statement and the database's error."""


def postgres_apply(connection, schema_name: str, ddl: str, statements: list[str] = ()) -> dict:
    """Apply `ddl` (one script), then `statements` one by one in one transaction, then read the
    catalog. A statement that says CONCURRENTLY runs outside the transaction, as it must."""
    if ddl.strip():
        try:
            connection.execute(ddl)
        except psycopg.Error as error:
            raise Failed(f"the DDL does not apply: {error}") from error
    concurrent = any("CONCURRENTLY" in s.upper() for s in statements)
    with contextlib.nullcontext() if concurrent else connection.transaction():
        for statement in statements:
            try:
                connection.execute(statement)
            except psycopg.Error as error:
                raise Failed(f"the migration fails at\n{statement}\n{error}") from error
    return postgres_catalog(connection, schema_name)


# -- SQLite ----------------------------------------------------------------------------------


def sqlite_catalog(path_or_connection) -> dict:
    """The tables of a SQLite database: {table: {"columns", "foreign_keys", "indexes",
    "checks", "autoincrement"}}."""
    if isinstance(path_or_connection, sqlite3.Connection):
        return _sqlite_catalog(path_or_connection)
    with contextlib.closing(sqlite3.connect(path_or_connection)) as database:
        return _sqlite_catalog(database)


def _sqlite_catalog(database: sqlite3.Connection) -> dict:
    catalog = {}
    tables = database.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    for table, sql in tables:
        quoted = table.replace('"', '""')
        columns = {
            name: (type_, bool(not_null), default, key, hidden)
            for _, name, type_, not_null, default, key, hidden in database.execute(
                f'PRAGMA table_xinfo("{quoted}")'
            )
        }
        keys: dict[int, list] = {}
        for id_, _, target, source, to, on_update, on_delete, match in database.execute(
            f'PRAGMA foreign_key_list("{quoted}")'
        ):
            keys.setdefault(id_, []).append((target, source, to, on_update, on_delete, match))
        foreign_keys = sorted(
            (
                parts[0][0],
                tuple(p[1] for p in parts),
                tuple(p[2] for p in parts),
                *parts[0][3:],
            )
            for parts in keys.values()
        )
        named, automatic = {}, []
        for _, name, unique, origin, partial in database.execute(f'PRAGMA index_list("{quoted}")'):
            quoted_index = name.replace('"', '""')
            keyed = tuple(
                (column, bool(desc), collation)
                for _, _, column, desc, collation, key in database.execute(
                    f'PRAGMA index_xinfo("{quoted_index}")'
                )
                if key
            )
            definition = (bool(unique), origin, bool(partial), keyed)
            if origin == "c":
                text = database.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", [name]
                ).fetchone()[0]
                named[name] = (*definition, _squeezed(text.split(" ON ", 1)[-1].split("(", 1)[-1]))
            else:
                automatic.append(definition)
        catalog[table] = {
            "columns": columns,
            "foreign_keys": foreign_keys,
            "indexes": named,
            "automatic_indexes": sorted(automatic),
            "checks": _sqlite_checks(sql),
            "autoincrement": "AUTOINCREMENT" in sql.upper(),
        }
    return catalog


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text.replace('"', "").replace("`", "")).lower()


def _sqlite_checks(sql: str) -> list[str]:
    """The CHECK clauses of a CREATE TABLE, each as sqlglot writes it (SQLite keeps the text it
    was given, which a rebuilt table may spell differently)."""
    try:
        node = sqlglot.parse_one(sql, read="sqlite")
    except sqlglot.errors.ParseError:
        return [f"unread: {_squeezed(sql)}"]
    checks = []
    for check in node.find_all(exp.CheckColumnConstraint):
        named = check.find_ancestor(exp.Constraint)
        prefix = f"constraint {named.this.name} " if named is not None else ""
        checks.append(prefix + _squeezed(check.this.sql(dialect="sqlite")))
    return sorted(checks)


def sqlite_apply(ddl: str, script: str = "") -> dict:
    """Apply `ddl`, then the migration `script`, to a new in-memory database (foreign keys on,
    as an application has them) and read the catalog."""
    with contextlib.closing(sqlite3.connect(":memory:", isolation_level=None)) as database:
        database.execute("PRAGMA foreign_keys = ON")
        try:
            database.executescript(ddl)
        except sqlite3.Error as error:
            raise Failed(f"the DDL does not apply: {error}") from error
        try:
            database.executescript(script)
        except sqlite3.Error as error:
            raise Failed(f"the migration fails: {error}") from error
        problems = database.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise Failed(f"foreign_key_check after the migration: {problems}")
        return _sqlite_catalog(database)


# -- the proof -------------------------------------------------------------------------------


@dataclass
class Proof:
    migration: Migration
    migrated: dict
    expected: dict


def ddl_of(schema: ParsedSchema | None, dialect: str) -> str:
    if schema is None or not schema.models:
        return ""
    return schema_ddl(schema, dialect)


def migration_statements(migration: Migration) -> list[str]:
    """The statements of a migration, comments left out."""
    return [
        change.sql
        for change in migration.changes
        if change.sql.strip()
        and not all(line.startswith("-- ") for line in change.sql.splitlines())
    ]


def engine_migration(base: ParsedSchema | None, target: ParsedSchema, dialect: str) -> Migration:
    from specs_app.interchange.sql.migration import migration_between

    return migration_between(base or ParsedSchema(), target, dialect)


def prove(
    base: ParsedSchema | None,
    target: ParsedSchema,
    dialect: str,
    migration: Migration | None = None,
) -> Proof:
    """Apply the base's DDL and the migration; apply the target's DDL to a fresh database;
    read both catalogs. `migration` defaults to the engine's."""
    if migration is None:
        migration = engine_migration(base, target, dialect)
    base_ddl, target_ddl = ddl_of(base, dialect), ddl_of(target, dialect)
    if dialect == "sqlite":
        migrated = sqlite_apply(base_ddl, migration.sql)
        expected = sqlite_apply(target_ddl)
    elif dialect == "postgresql":
        with postgres_connection() as connection:
            with fresh_schema(connection) as name:
                migrated = postgres_apply(
                    connection, name, base_ddl, migration_statements(migration)
                )
            with fresh_schema(connection) as name:
                expected = postgres_apply(connection, name, target_ddl)
    else:
        raise ValueError(f"no proof for dialect {dialect!r}")
    return Proof(migration, migrated, expected)


def catalog_difference(migrated: dict, expected: dict) -> list[str]:
    """What differs, one line per table part: empty when the catalogs are equal."""
    lines = []
    for table in sorted(set(migrated) | set(expected)):
        if table not in expected:
            lines.append(f"table {table}: left by the migration, not in the target")
            continue
        if table not in migrated:
            lines.append(f"table {table}: in the target, missing after the migration")
            continue
        for part in expected[table]:
            got, want = migrated[table][part], expected[table][part]
            if got == want:
                continue
            if isinstance(want, dict):
                for key in sorted(set(got) | set(want)):
                    if got.get(key) != want.get(key):
                        lines.append(
                            f"{table}.{part}[{key}]: migrated {got.get(key)!r}, "
                            f"target {want.get(key)!r}"
                        )
            else:
                lines.append(f"{table}.{part}: migrated {got!r}, target {want!r}")
    return lines


def assert_migrates(
    base: ParsedSchema | None,
    target: ParsedSchema,
    dialect: str,
    migration: Migration | None = None,
) -> Migration:
    """The migration from `base` to `target` gives the catalog the target's DDL gives."""
    if migration is None:
        migration = engine_migration(base, target, dialect)
    try:
        proof = prove(base, target, dialect, migration)
    except Failed as failure:
        raise Failed(_report(base, target, dialect, migration, str(failure))) from None
    difference = catalog_difference(proof.migrated, proof.expected)
    if difference:
        raise AssertionError(_report(base, target, dialect, proof.migration, "\n".join(difference)))
    return proof.migration


def _report(base, target, dialect, migration, problem: str) -> str:
    sql = migration.sql
    return (
        f"{dialect}: {problem}\n"
        f"--- base DDL\n{ddl_of(base, dialect)}"
        f"--- target DDL\n{ddl_of(target, dialect)}"
        f"--- migration\n{sql}"
    )


# -- the rows a migration keeps --------------------------------------------------------------


def assert_keeps_rows(
    base: ParsedSchema,
    target: ParsedSchema,
    dialect: str,
    inserts: list[str],
    migration: Migration | None = None,
) -> None:
    """Apply the base's DDL and `inserts`, then the migration: every table the target keeps
    (matched by uid) holds as many rows as before, and every column it keeps with the same type
    holds the same values (read as text). `migration` defaults to the engine's."""
    migration = migration or engine_migration(base, target, dialect)
    kept = _kept_columns(base, target)
    if dialect == "sqlite":
        with contextlib.closing(sqlite3.connect(":memory:", isolation_level=None)) as database:
            database.execute("PRAGMA foreign_keys = ON")
            database.executescript(ddl_of(base, dialect) + "\n".join(inserts))
            before = _values(lambda sql: database.execute(sql).fetchall(), kept, old=True)
            try:
                database.executescript(migration.sql)
            except sqlite3.Error as error:
                raise Failed(_report(base, target, dialect, migration, str(error))) from None
            after = _values(lambda sql: database.execute(sql).fetchall(), kept, old=False)
    else:
        with postgres_connection() as connection, fresh_schema(connection):
            connection.execute(ddl_of(base, dialect) + "\n".join(inserts))
            before = _values(lambda sql: connection.execute(sql).fetchall(), kept, old=True)
            try:
                with connection.transaction():
                    for statement in migration_statements(migration):
                        connection.execute(statement)
            except psycopg.Error as error:
                raise Failed(_report(base, target, dialect, migration, str(error))) from None
            after = _values(lambda sql: connection.execute(sql).fetchall(), kept, old=False)
    if before != after:
        raise AssertionError(
            _report(base, target, dialect, migration, f"rows before {before}, after {after}")
        )


def _kept_columns(base: ParsedSchema, target: ParsedSchema) -> list[tuple]:
    """(old table, new table, [(old column, new column)]) for each table both hold, with the
    columns both hold under the same type."""
    news = {m.uid: m for m in target.models}
    kept = []
    for old in base.models:
        new = news.get(old.uid)
        if new is None:
            continue
        fields = {f.uid: f for f in new.fields}
        columns = [
            (f.name, fields[f.uid].name)
            for f in old.fields
            if f.uid in fields and fields[f.uid].type == f.type
        ]
        kept.append((old.table, new.table, columns))
    return kept


def _values(fetch, kept: list[tuple], old: bool) -> dict:
    values = {}
    for old_table, new_table, columns in kept:
        table = old_table if old else new_table
        names = [pair[0 if old else 1] for pair in columns]
        listed = ", ".join(f'CAST("{name}" AS TEXT)' for name in names) or "1"
        rows = fetch(f'SELECT {listed} FROM "{table}"')
        values[old_table] = sorted(tuple("" if v is None else v for v in row) for row in rows)
    return values
