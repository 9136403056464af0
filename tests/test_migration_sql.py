"""The migration between two schemas: which statements, in which order, for each change kind.

Every migration here is also run on SQLite (base DDL, then the migration) so a statement that
does not run fails the test; the PostgreSQL proofs (catalog against catalog) are in
test_migration_proof_postgres.py.
"""

import copy
import sqlite3

import pytest

from specs_app.interchange.records import (
    ParsedField,
    ParsedIndex,
    ParsedItem,
    ParsedModel,
    ParsedRelationship,
    ParsedSchema,
)
from specs_app.interchange.sql import changes as kinds
from specs_app.interchange.sql.migration import migration_between
from specs_app.interchange.sql.writer import schema_ddl


def field(name: str, type_: str = "int", **kwargs) -> ParsedField:
    return ParsedField(0, name, type_, uid=kwargs.pop("uid", f"f-{name}"), **kwargs)


def model(table: str, *fields: ParsedField, **kwargs) -> ParsedModel:
    uid = kwargs.pop("uid", f"m-{table}")
    return ParsedModel(0, table.title(), table, fields=list(fields), uid=uid, **kwargs)


def users() -> ParsedModel:
    return model(
        "users",
        field("id", primary_key=True, auto=True),
        field("email", "varchar(50)", unique=True),
        field("age", nullable=True, other_constraints="CHECK (age >= 0)"),
        field("name", "text", default="'anon'"),
        indexes=[ParsedIndex(0, "ix_users_name", "name", uid="ix-name")],
    )


def tasks() -> ParsedModel:
    return model(
        "tasks",
        field("id", primary_key=True, auto=True),
        field("user_id", references="users.id"),
        field("title", "text"),
        relationships=[ParsedRelationship(0, "belongs_to", "users", "user_id", "id", "CASCADE")],
    )


def schema(*models: ParsedModel) -> ParsedSchema:
    return ParsedSchema(models=list(models))


def edited(base: ParsedSchema, edit) -> ParsedSchema:
    target = copy.deepcopy(base)
    edit(target)
    return target


def migrate(base: ParsedSchema, target: ParsedSchema, dialect: str = "postgresql"):
    migration = migration_between(base, target, dialect)
    runs_on_sqlite(base, target)
    return migration


def runs_on_sqlite(base: ParsedSchema, target: ParsedSchema) -> None:
    database = sqlite3.connect(":memory:")
    database.executescript(schema_ddl(base, "sqlite"))
    if any(m.table == "users" for m in base.models):
        database.execute("INSERT INTO users (id, email, age, name) VALUES (1, 'a@b.c', 30, 'ann')")
    database.executescript(migration_between(base, target, "sqlite").sql)
    database.close()


def kinds_of(migration) -> list[str]:
    return [change.kind for change in migration.changes if change.kind != kinds.SUPPORT]


BASE = schema(users(), tasks())


def test_the_same_schema_needs_no_statement():
    migration = migrate(BASE, copy.deepcopy(BASE))

    assert migration.changes == []
    assert migration.sql == ""
    assert migration.statements == 0


def test_a_renamed_column_is_renamed_not_dropped_and_added():
    target = edited(BASE, lambda s: setattr(s.models[0].fields[1], "name", "mail"))

    migration = migrate(BASE, target)

    assert "ALTER TABLE users RENAME COLUMN email TO mail;" in migration.sql
    assert "DROP COLUMN" not in migration.sql and "ADD COLUMN" not in migration.sql
    rename = next(c for c in migration.changes if c.kind == kinds.RENAME_COLUMN)
    assert (rename.table, rename.column, rename.old) == ("users", "mail", "email")
    # The unique key keeps the name the target's DDL gives it, for the next migration.
    assert "RENAME CONSTRAINT users_email_key TO users_mail_key;" in migration.sql


def test_a_renamed_table_renames_its_key_and_indexes_names_stay_the_specs():
    def rename(s):
        s.models[0].table = "people"
        s.models[1].fields[1].references = "people.id"
        s.models[1].relationships[0].target = "people"

    migration = migrate(BASE, edited(BASE, rename))

    assert kinds_of(migration) == [kinds.RENAME_TABLE] + [kinds.RENAME_CONSTRAINT] * 3
    assert migration.sql.startswith("ALTER TABLE users RENAME TO people;\n")
    assert "RENAME CONSTRAINT users_pkey TO people_pkey;" in migration.sql


def test_a_swap_of_two_column_names_goes_through_a_temporary_name():
    notes = schema(model("notes", field("first", "text"), field("second", "text")))

    def swap(s):
        first, second = s.models[0].fields
        first.name, second.name = "second", "first"

    sql = migrate(notes, edited(notes, swap)).sql

    assert sql == (
        "ALTER TABLE notes RENAME COLUMN first TO first__renamed;\n"
        "ALTER TABLE notes RENAME COLUMN second TO first;\n"
        "ALTER TABLE notes RENAME COLUMN first__renamed TO second;\n"
    )


def test_added_and_dropped_columns_and_tables():
    def edit(s):
        s.models[1].fields.pop(2)
        s.models[1].fields.append(field("done", "boolean", default="false"))
        s.models.append(model("tags", field("id", primary_key=True), field("label", "text")))

    migration = migrate(BASE, edited(BASE, edit))

    assert kinds_of(migration) == [kinds.DROP_COLUMN, kinds.ADD_COLUMN, kinds.CREATE_TABLE]
    assert "ALTER TABLE tasks DROP COLUMN title;" in migration.sql
    assert "ALTER TABLE tasks ADD COLUMN done boolean NOT NULL DEFAULT false;" in migration.sql
    created = next(c for c in migration.changes if c.kind == kinds.CREATE_TABLE)
    assert created.table_is_new and created.sql.startswith("CREATE TABLE tags (")


def test_a_dropped_table_goes_after_the_keys_that_name_it():
    migration = migrate(BASE, schema(model("tasks", field("id", primary_key=True, auto=True))))

    assert kinds_of(migration) == [
        kinds.DROP_FOREIGN_KEY,
        kinds.DROP_TABLE,
        kinds.DROP_COLUMN,
        kinds.DROP_COLUMN,
    ]
    assert migration.sql.index("DROP CONSTRAINT tasks_user_id_fkey") < migration.sql.index(
        "DROP TABLE users"
    )


def test_a_key_named_by_a_dropped_table_goes_after_it_and_comes_before_a_new_one():
    def unkeyed(s):
        s.models[0].fields[0].primary_key = False
        s.models[0].fields[0].auto = False

    without = edited(schema(users()), unkeyed)
    sql = migration_between(BASE, without, "postgresql").sql
    assert sql.index("DROP TABLE tasks") < sql.index("DROP CONSTRAINT users_pkey")

    sql = migration_between(without, BASE, "postgresql").sql
    assert sql.index("ADD PRIMARY KEY (id)") < sql.index("CREATE TABLE tasks")


def test_two_dropped_tables_in_a_cycle_drop_a_key_first():
    a = model("a", field("id", primary_key=True), field("b_id", nullable=True, references="b.id"))
    b = model("b", field("id", primary_key=True), field("a_id", nullable=True, references="a.id"))

    migration = migration_between(schema(a, b), schema(), "postgresql")

    assert kinds_of(migration)[0] == kinds.DROP_FOREIGN_KEY
    assert kinds_of(migration).count(kinds.DROP_TABLE) == 2


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("varchar(50)", "varchar(100)", "TYPE varchar(100);"),
        ("text", "integer", "TYPE INT USING email::INT;"),
        ("int", "bigint", "TYPE bigint;"),
    ],
)
def test_a_type_change_uses_using_only_where_postgresql_needs_it(old, new, expected):
    def typed(type_):
        return schema(model("users", field("id", primary_key=True), field("email", type_)))

    migration = migration_between(typed(old), typed(new), "postgresql")

    assert migration.sql == f"ALTER TABLE users ALTER COLUMN email {expected}\n"


def test_a_type_change_tells_narrowing_and_rewrites():
    def retyped(type_):
        return migration_between(
            schema(model("t", field("c", "varchar(50)"))),
            schema(model("t", field("c", type_))),
            "postgresql",
        ).changes[0]

    assert retyped("varchar(100)").facts == {
        "narrowing": False,
        "rewrites": False,
        "model_uid": "m-t",
    }
    assert retyped("varchar(20)").facts["narrowing"] is True
    assert retyped("text").facts["rewrites"] is False
    assert retyped("integer").facts["narrowing"] is True


def test_a_type_change_of_a_column_with_a_default_drops_and_sets_it_again():
    base = schema(model("t", field("c", "text", default="'1'")))
    target = schema(model("t", field("c", "bigint", default="1")))

    assert migration_between(base, target, "postgresql").sql == (
        "ALTER TABLE t ALTER COLUMN c DROP DEFAULT;\n"
        "ALTER TABLE t ALTER COLUMN c TYPE bigint USING c::bigint;\n"
        "ALTER TABLE t ALTER COLUMN c SET DEFAULT 1;\n"
    )


def test_nullability_default_unique_check_and_key_changes():
    def edit(s):
        users = s.models[0]
        users.fields[2].nullable = False  # age: SET NOT NULL
        users.fields[2].other_constraints = ""  # its check goes
        users.fields[3].default = ""  # name: DROP DEFAULT
        users.fields[1].unique = False  # email: the unique key goes
        users.fields[3].unique = True  # name: a unique key comes

    migration = migrate(BASE, edited(BASE, edit))

    assert sorted(kinds_of(migration)) == sorted(
        [
            kinds.DROP_UNIQUE,
            kinds.DROP_CHECK,
            kinds.DROP_DEFAULT,
            kinds.SET_NOT_NULL,
            kinds.ADD_UNIQUE,
        ]
    )
    assert "ALTER TABLE users DROP CONSTRAINT users_email_key;" in migration.sql
    assert "ALTER TABLE users ADD CONSTRAINT users_name_key UNIQUE (name);" in migration.sql
    assert migration.sql.index("DROP CONSTRAINT") < migration.sql.index("ADD CONSTRAINT")


def test_a_changed_index_is_dropped_and_created_again_and_a_new_one_added():
    def edit(s):
        s.models[0].indexes[0].unique = True
        s.models[0].indexes.append(ParsedIndex(0, "ix_users_age", "age DESC", uid="ix-age"))

    migration = migrate(BASE, edited(BASE, edit))

    assert kinds_of(migration) == [kinds.DROP_INDEX, kinds.CREATE_INDEX, kinds.CREATE_INDEX]
    recreated = migration.changes[1]
    assert recreated.facts["unique"] is True and recreated.facts["was_unique"] is False


def test_a_primary_key_change_and_a_table_constraint():
    def edit(s):
        tasks = s.models[1]
        tasks.fields[0].primary_key = False
        tasks.fields[0].auto = False
        tasks.fields[2].primary_key = True
        tasks.constraints.append(ParsedItem(0, "CHECK (length(title) > 0)", uid="ck"))

    migration = migrate(BASE, edited(BASE, edit))

    assert migration.sql.index("DROP CONSTRAINT tasks_pkey") < migration.sql.index(
        "ADD PRIMARY KEY (title)"
    )
    assert "ALTER TABLE tasks ADD CONSTRAINT tasks_title_check CHECK (LENGTH(title) > 0);" in (
        migration.sql
    )


def test_sqlite_rebuilds_a_table_whose_column_changes_and_renames_in_place():
    def edit(s):
        s.models[0].fields[1].name = "mail"
        s.models[0].fields[2].nullable = False

    migration = migration_between(BASE, edited(BASE, edit), "sqlite")
    sql = migration.sql

    assert "ALTER TABLE users RENAME COLUMN email TO mail;" in sql
    assert "-- ALTER TABLE users ALTER COLUMN age SET NOT NULL; (by rebuilding users)" in sql
    assert sql.index("CREATE TABLE _new_users") < sql.index("DROP TABLE users")
    assert "ALTER TABLE _new_users RENAME TO users;" in sql
    assert sql.startswith("PRAGMA foreign_keys = OFF;\nBEGIN;\n")
    runs_on_sqlite(BASE, edited(BASE, edit))


def test_mysql_writes_a_changed_column_whole():
    def edit(s):
        s.models[0].fields[1].type = "varchar(100)"

    sql = migration_between(BASE, edited(BASE, edit), "mysql").sql

    assert sql == "ALTER TABLE users MODIFY COLUMN email varchar(100) NOT NULL;\n"


def test_an_unknown_dialect_is_refused():
    with pytest.raises(ValueError, match="unknown dialect 'oracle'"):
        migration_between(BASE, BASE, "oracle")


def test_mysql_drops_the_index_it_made_for_a_dropped_key_and_renames_a_unique_key():
    def edit(s):
        s.models[0].fields[1].name = "mail"
        s.models[1].fields[1].references = ""

    sql = migration_between(BASE, edited(BASE, edit), "mysql").sql

    assert (
        "ALTER TABLE tasks DROP FOREIGN KEY tasks_user_id_fkey, DROP INDEX tasks_user_id_fkey;"
        in sql
    )
    assert "ALTER TABLE users RENAME INDEX users_email_key TO users_mail_key;" in sql

    indexed = edited(BASE, lambda s: s.models[1].indexes.append(ParsedIndex(0, "ix", "user_id")))
    sql = migration_between(indexed, edited(indexed, edit), "mysql").sql
    assert "ALTER TABLE tasks DROP FOREIGN KEY tasks_user_id_fkey;" in sql


@pytest.mark.parametrize(
    ("old", "new", "using"),
    [
        ("boolean", "smallint", "USING flag::integer::smallint"),
        ("boolean", "date", "USING flag::text::date"),
        ("text", "date", "USING flag::date"),
    ],
)
def test_using_casts_through_integer_or_text_where_postgresql_has_no_direct_cast(old, new, using):
    def typed(type_):
        return schema(model("t", field("id", primary_key=True), field("flag", type_)))

    assert using in migration_between(typed(old), typed(new), "postgresql").sql


def test_a_serial_changes_as_its_integer_type_with_its_sequence():
    def typed(type_, auto=False):
        return schema(model("t", field("id", type_, primary_key=True, auto=auto)))

    assert migration_between(typed("serial"), typed("bigserial"), "postgresql").sql == (
        "ALTER TABLE t ALTER COLUMN id TYPE bigint;\nALTER SEQUENCE IF EXISTS t_id_seq AS bigint;\n"
    )
    to_identity = migration_between(typed("serial"), typed("int", auto=True), "postgresql").sql
    assert to_identity.index("DROP DEFAULT") < to_identity.index("DROP SEQUENCE IF EXISTS t_id_seq")
    assert to_identity.endswith("ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;\n")
    to_serial = migration_between(typed("int"), typed("serial"), "postgresql").sql
    assert "CREATE SEQUENCE t_id_seq AS integer OWNED BY t.id;" in to_serial
    assert "ALTER TABLE t ALTER COLUMN id SET DEFAULT nextval('t_id_seq');" in to_serial


def test_a_unique_constraint_on_the_primary_key_is_the_key():
    keyed = model("t", field("id", primary_key=True), constraints=[ParsedItem(0, "UNIQUE (id)")])

    text = schema_ddl(schema(keyed), "postgresql")

    assert "-- t: UNIQUE (id): the primary key already" in text
    assert "UNIQUE (id)" not in text.split("CREATE TABLE")[1]


def test_a_unique_constraint_that_repeats_a_unique_field_is_written_once():
    users = model(
        "t",
        field("id", primary_key=True),
        field("email", "text", unique=True),
        constraints=[ParsedItem(0, "UNIQUE (email)")],
    )

    text = schema_ddl(schema(users), "postgresql")

    created = text.split("CREATE TABLE", 1)[1]
    assert created.count("UNIQUE") == 1
    assert "-- t: UNIQUE (email): already unique" in text
