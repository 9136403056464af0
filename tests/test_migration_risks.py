"""The risk analysis of a migration (interchange/sql/risks.py), on `Change`s built by hand."""

import json
import sqlite3
from dataclasses import replace

import pytest
from django.db import connection

from specs_app.interchange.sql import changes as k
from specs_app.interchange.sql.changes import Change, Migration
from specs_app.interchange.sql.risks import (
    BACKWARD_INCOMPATIBLE,
    CATEGORIES,
    DATA_DEPENDENT,
    DESTRUCTIVE,
    LOCKING,
    RISK_RULES,
    Risk,
    migration_risks,
    quote_name,
)

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="runs the checks on PostgreSQL (run in CI)"
)


def risks(*changes: Change, dialect="postgresql", settings=None) -> list[Risk]:
    return migration_risks(Migration(dialect, list(changes)), settings)


def codes(*changes: Change, dialect="postgresql", settings=None) -> list[str]:
    return [risk.code for risk in risks(*changes, dialect=dialect, settings=settings)]


def change(kind: str, table="orders", sql="", **kwargs) -> Change:
    return Change(kind=kind, table=table, sql=sql or f"-- {kind} {table}", **kwargs)


# One change that trips each code (on an existing table of a PostgreSQL migration), and the
# codes it trips (a change may trip a data-dependent and a locking rule at once).
FIRING = {
    "DS102": (change(k.DROP_TABLE, table="legacy", sql='DROP TABLE "legacy";'), ["DS102"]),
    "DS103": (
        change(k.DROP_COLUMN, column="note", sql='ALTER TABLE "orders" DROP COLUMN "note";'),
        ["DS103"],
    ),
    "CD101": (
        change(
            k.DROP_FOREIGN_KEY,
            name="fk_orders_owner",
            columns=("owner_id",),
            facts={"references": "accounts"},
            sql='ALTER TABLE "orders" DROP CONSTRAINT fk_orders_owner;',
        ),
        ["CD101"],
    ),
    "BC101": (
        change(k.RENAME_TABLE, old="purchases", sql='ALTER TABLE "purchases" RENAME TO "orders";'),
        ["BC101"],
    ),
    "BC102": (
        change(
            k.RENAME_COLUMN,
            column="total",
            old="amount",
            sql='ALTER TABLE "orders" RENAME COLUMN "amount" TO "total";',
        ),
        ["BC102"],
    ),
    "SS301": (
        change(
            k.DROP_DEFAULT,
            column="status",
            sql='ALTER TABLE "orders" ALTER COLUMN "status" DROP DEFAULT;',
        ),
        ["SS301"],
    ),
    "SS302": (
        change(
            k.DROP_UNIQUE,
            name="uq_orders_ref",
            columns=("ref",),
            sql='ALTER TABLE "orders" DROP CONSTRAINT uq_orders_ref;',
        ),
        ["SS302"],
    ),
    "MF101": (
        change(
            k.CREATE_INDEX,
            name="ix_orders_code",
            columns=("code",),
            facts={"unique": True},
            sql='CREATE UNIQUE INDEX ix_orders_code ON "orders" ("code");',
        ),
        ["MF101", "PG101"],
    ),
    "MF103": (
        change(
            k.ADD_COLUMN,
            column="status",
            facts={"not_null": True, "has_default": False},
            sql='ALTER TABLE "orders" ADD COLUMN "status" text NOT NULL;',
        ),
        ["MF103"],
    ),
    "MF104": (
        change(
            k.SET_NOT_NULL,
            column="total",
            facts={"not_null": True},
            sql='ALTER TABLE "orders" ALTER COLUMN "total" SET NOT NULL;',
        ),
        ["MF104", "SS202"],
    ),
    "SS101": (
        change(
            k.ALTER_TYPE,
            column="code",
            old="varchar(50)",
            new="varchar(10)",
            facts={"narrowing": True, "rewrites": False},
            sql='ALTER TABLE "orders" ALTER COLUMN "code" TYPE varchar(10);',
        ),
        ["SS101"],
    ),
    "SS102": (
        change(
            k.ADD_CHECK,
            name="ck_total",
            sql='ALTER TABLE "orders" ADD CONSTRAINT ck_total CHECK ("total" >= 0);',
        ),
        ["SS102", "SS204"],
    ),
    "SS103": (
        change(
            k.ADD_FOREIGN_KEY,
            name="fk_orders_user",
            columns=("user_id",),
            facts={"references": "users"},
            sql='ALTER TABLE "orders" ADD CONSTRAINT fk_orders_user FOREIGN KEY ("user_id") '
            'REFERENCES "users" ("id");',
        ),
        ["SS103", "SS203"],
    ),
    "SS104": (
        change(
            k.ADD_PRIMARY_KEY,
            columns=("id",),
            sql='ALTER TABLE "orders" ADD PRIMARY KEY ("id");',
        ),
        ["SS104", "SS205"],
    ),
    "PG101": (
        change(
            k.CREATE_INDEX,
            name="ix_orders_total",
            columns=("total",),
            facts={"unique": False},
            sql='CREATE INDEX ix_orders_total ON "orders" ("total");',
        ),
        ["PG101"],
    ),
    "PG103": (
        change(
            k.DROP_INDEX,
            name="ix_orders_total",
            columns=("total",),
            sql="DROP INDEX ix_orders_total;",
        ),
        ["PG103"],
    ),
    "SS201": (
        change(
            k.ALTER_TYPE,
            column="total",
            old="integer",
            new="numeric(12, 2)",
            facts={"narrowing": False, "rewrites": True},
            sql='ALTER TABLE "orders" ALTER COLUMN "total" TYPE numeric(12, 2);',
        ),
        ["SS201"],
    ),
}
FIRING["MF102"] = (FIRING["MF101"][0], ["MF102", "PG101"])  # with the plain index dropped first
FIRING["SS202"] = FIRING["MF104"]
FIRING["SS203"] = FIRING["SS103"]
FIRING["SS204"] = FIRING["SS102"]
FIRING["SS205"] = (
    change(
        k.ADD_UNIQUE,
        name="uq_orders_code",
        columns=("code",),
        sql='ALTER TABLE "orders" ADD CONSTRAINT uq_orders_code UNIQUE ("code");',
    ),
    ["MF101", "SS205"],
)

PLAIN_INDEX_DROPPED = change(
    k.DROP_INDEX,
    name="ix_orders_code",
    columns=("code",),
    facts={"unique": False},
    sql="DROP INDEX CONCURRENTLY ix_orders_code;",
)


def firing(code: str) -> list[Change]:
    if code == "MF102":
        return [PLAIN_INDEX_DROPPED, FIRING[code][0]]
    return [FIRING[code][0]]


def test_every_rule_has_a_case_and_is_documented():
    assert set(FIRING) == set(RISK_RULES)
    for code, rule in RISK_RULES.items():
        assert rule.code == code
        assert rule.category in CATEGORIES
        assert rule.level in ("error", "warning")
        assert rule.title and rule.why.endswith(".") and rule.safer.endswith(".")
    assert {r.code for r in RISK_RULES.values() if r.category == DESTRUCTIVE} == {
        "DS102",
        "DS103",
        "CD101",
    }
    assert RISK_RULES["BC101"].level == RISK_RULES["BC102"].level == "error"
    assert all(r.level == "warning" for r in RISK_RULES.values() if r.category == DATA_DEPENDENT)
    assert all(r.level == "warning" for r in RISK_RULES.values() if r.category == LOCKING)


@pytest.mark.parametrize("code", sorted(RISK_RULES))
def test_each_code_fires_on_its_change(code):
    found = codes(*firing(code))
    assert code in found
    assert found == FIRING[code][1]


@pytest.mark.parametrize("code", sorted(RISK_RULES))
def test_each_finding_names_table_statement_why_and_safer_way(code):
    changes = firing(code)
    [risk] = [r for r in risks(*changes) if r.code == code]
    target = changes[-1]
    rule = RISK_RULES[code]
    assert risk.table == target.table
    assert f'"{target.table}"' in risk.message
    assert risk.statement == target.sql
    assert (risk.why, risk.safer, risk.level) == (rule.why, rule.safer, rule.level)
    named = target.column or ", ".join(target.columns)
    assert risk.column == named
    if named:
        assert f'"{named.split(", ")[0]}"' in risk.message


def test_data_dependent_and_locking_rules_ignore_a_new_table():
    for code, rule in RISK_RULES.items():
        if rule.category not in (DATA_DEPENDENT, LOCKING):
            continue
        *before, last = firing(code)
        changes = [*before, replace(last, table_is_new=True)]
        assert code not in codes(*changes), code


def test_a_new_tables_indexes_and_keys_are_fine():
    found = codes(
        change(k.CREATE_TABLE, table_is_new=True, sql='CREATE TABLE "orders" ("id" int);'),
        change(
            k.CREATE_INDEX,
            columns=("code",),
            facts={"unique": True},
            table_is_new=True,
            sql='CREATE UNIQUE INDEX ix ON "orders" ("code");',
        ),
        change(
            k.ADD_FOREIGN_KEY,
            columns=("user_id",),
            facts={"references": "users"},
            table_is_new=True,
            sql='ALTER TABLE "orders" ADD FOREIGN KEY ("user_id") REFERENCES "users" ("id");',
        ),
    )
    assert found == []


HARMLESS = [
    change(k.CREATE_TABLE, table_is_new=True, sql='CREATE TABLE "t" ("id" int);'),
    change(k.ADD_COLUMN, column="note", facts={"not_null": False, "has_default": False}),
    change(k.ADD_COLUMN, column="state", facts={"not_null": True, "has_default": True}),
    change(k.DROP_NOT_NULL, column="note"),
    change(k.SET_DEFAULT, column="state"),
    change(k.ADD_IDENTITY, column="id"),
    change(k.ALTER_TYPE, column="code", old="varchar(10)", new="text", facts={"rewrites": False}),
    change(k.DROP_CHECK, name="ck"),
    change(k.RENAME_INDEX, name="ix_new", old="ix_old"),
    change(k.RENAME_CONSTRAINT, name="ck_new", old="ck_old"),
    change(k.SUPPORT, sql='CREATE EXTENSION IF NOT EXISTS "pg_trgm";'),
    change(
        k.CREATE_INDEX,
        columns=("total",),
        sql='CREATE INDEX CONCURRENTLY ix ON "orders" ("total");',
    ),
    change(k.DROP_INDEX, name="ix", columns=("total",), sql="DROP INDEX CONCURRENTLY ix;"),
    change(
        k.ADD_CHECK,
        name="ck_total",
        sql='ALTER TABLE "orders" ADD CONSTRAINT ck_total CHECK ("total" >= 0) NOT VALID;',
    ),
    change(
        k.ADD_FOREIGN_KEY,
        columns=("user_id",),
        facts={"references": "users"},
        sql='ALTER TABLE "orders" ADD CONSTRAINT fk FOREIGN KEY ("user_id") '
        'REFERENCES "users" ("id") NOT VALID;',
    ),
    change(
        k.ADD_UNIQUE,
        name="uq_code",
        columns=("code",),
        table="orders",
        sql='ALTER TABLE "orders" ADD CONSTRAINT uq_code UNIQUE USING INDEX uq_code_ix;',
    ),
]


@pytest.mark.parametrize("harmless", HARMLESS[:-1], ids=lambda c: c.sql[:40])
def test_harmless_changes_report_nothing(harmless):
    assert codes(harmless) == []


def test_a_unique_key_attached_to_a_built_index_reports_only_its_duplicates():
    assert codes(HARMLESS[-1]) == ["MF101"]


def test_locking_rules_are_postgresql_only():
    everything = [c for code in sorted(RISK_RULES) for c in firing(code)]
    for dialect in ("sqlite", "mysql"):
        found = set(codes(*everything, dialect=dialect))
        assert found == {c for c, r in RISK_RULES.items() if r.category != LOCKING}, dialect


def test_a_unique_key_on_a_column_added_without_default_holds_no_duplicates():
    added = change(k.ADD_COLUMN, column="slug", facts={"not_null": False, "has_default": False})
    unique = change(k.CREATE_INDEX, columns=("slug",), facts={"unique": True}, sql="CREATE ...")
    assert "MF101" not in codes(added, unique)
    with_default = change(k.ADD_COLUMN, column="slug", facts={"has_default": True})
    assert "MF101" in codes(with_default, unique)


def test_an_index_created_again_says_whether_it_was_unique():
    unique = FIRING["MF101"][0]
    dropped = replace(PLAIN_INDEX_DROPPED, facts={"unique": True})
    assert codes(dropped, unique) == ["PG101"]  # it was unique: the rows hold no duplicate
    assert codes(replace(unique, facts={"unique": True, "was_unique": False})) == [
        "MF102",
        "PG101",
    ]
    assert codes(replace(unique, facts={"unique": True, "was_unique": True})) == ["PG101"]


def test_a_unique_key_dropped_and_added_again_is_not_a_dropped_key():
    dropped = FIRING["SS302"][0]
    again = change(k.ADD_UNIQUE, columns=("ref",), sql="ALTER TABLE ... USING INDEX x")
    assert "SS302" not in codes(dropped, again)
    assert codes(change(k.DROP_PRIMARY_KEY, columns=("id",))) == ["SS302"]
    assert codes(change(k.DROP_IDENTITY, column="id")) == ["SS301"]


def test_set_not_null_on_a_column_the_migration_adds_is_not_data_dependent():
    added = change(k.ADD_COLUMN, column="total", facts={"not_null": False})
    assert codes(added, FIRING["MF104"][0]) == []


# --- Settings


def test_settings_silence_raise_and_lower_a_code():
    every = [c for code in sorted(RISK_RULES) for c in firing(code)]
    default = risks(*every)
    assert {r.code for r in default} == set(RISK_RULES)
    silenced = risks(*every, settings={"DS102": "off", "PG101": "off"})
    assert {r.code for r in silenced} == set(RISK_RULES) - {"DS102", "PG101"}
    changed = risks(*every, settings={"MF104": "error", "BC101": "warning"})
    levels = {r.code: r.level for r in changed}
    assert (levels["MF104"], levels["BC101"], levels["DS103"]) == ("error", "warning", "error")


def test_settings_ignore_unknown_codes_and_values():
    found = risks(FIRING["DS102"][0], settings={"XX999": "off", "DS102": "loud"})
    assert [(r.code, r.level) for r in found] == [("DS102", "error")]


# --- Content


def test_a_drop_table_finding_counts_the_rows_to_lose():
    [risk] = risks(FIRING["DS102"][0])
    assert risk.message == 'Drops table "legacy" and every row in it.'
    assert risk.checks[0].splitlines()[-1] == 'SELECT count(*) FROM "legacy"'


def test_a_not_null_finding_counts_the_nulls_and_says_how_to_backfill():
    mf104, ss202 = risks(FIRING["MF104"][0])
    assert 'SELECT count(*) FROM "orders" WHERE "total" IS NULL' in mf104.checks[0]
    assert "backfill" in mf104.safer.lower()
    assert "NOT VALID" in ss202.safer and "VALIDATE CONSTRAINT" in ss202.safer


def test_a_unique_finding_lists_duplicates_and_skips_nulls():
    [mf101, _] = risks(FIRING["MF101"][0])
    query = mf101.checks[0].splitlines()[-1]
    assert query == (
        'SELECT "code", count(*) FROM "orders" WHERE "code" IS NOT NULL '
        'GROUP BY "code" HAVING count(*) > 1'
    )


def test_checks_use_the_names_before_the_migration():
    migration = [
        change(k.RENAME_TABLE, table="orders", old="purchases"),
        change(k.RENAME_COLUMN, table="orders", column="code", old="ref"),
        FIRING["MF101"][0],
        FIRING["MF104"][0],
    ]
    found = {r.code: r for r in risks(*migration)}
    assert found["MF101"].table == "orders"
    assert 'FROM "purchases" WHERE "ref" IS NOT NULL GROUP BY "ref"' in found["MF101"].checks[0]
    assert 'FROM "purchases" WHERE "total" IS NULL' in found["MF104"].checks[0]


def test_identifiers_are_quoted_with_the_quote_doubled():
    assert quote_name('we"ird') == '"we""ird"'
    assert quote_name("we`ird", "mysql") == "`we``ird`"
    [risk] = risks(change(k.DROP_TABLE, table='we"ird'))
    assert risk.checks[0].endswith('FROM "we""ird"')
    [risk] = risks(change(k.DROP_TABLE, table="we`ird"), dialect="mysql")
    assert risk.checks[0].endswith("FROM `we``ird`")


def test_json_shape():
    [risk] = risks(FIRING["DS103"][0])
    data = json.loads(json.dumps(risk.as_json()))
    assert set(data) == {
        "code",
        "level",
        "table",
        "column",
        "message",
        "statement",
        "why",
        "safer",
        "checks",
        "category",
        "title",
    }
    assert (data["code"], data["level"], data["table"], data["column"]) == (
        "DS103",
        "error",
        "orders",
        "note",
    )
    assert data["category"] == DESTRUCTIVE and isinstance(data["checks"], list)


def test_findings_follow_the_statements():
    migration = [firing(code)[-1] for code in ("BC101", "DS102", "MF103")]
    assert codes(*migration) == ["BC101", "DS102", "MF103"]
    assert CATEGORIES[BACKWARD_INCOMPATIBLE] == "Backward incompatible"


def test_a_partial_or_expression_index_is_checked_as_written():
    [_, lowered, partial, _] = [
        r for r in risks(*sample_migration("postgresql").changes) if r.code == "MF101"
    ]
    assert lowered.checks[0].splitlines()[-1] == (
        'SELECT lower("code"), count(*) FROM "purchases" WHERE (lower("code")) IS NOT NULL '
        'GROUP BY lower("code") HAVING count(*) > 1'
    )
    assert partial.checks[0].splitlines()[-1] == (
        'SELECT user_id, code, count(*) FROM "purchases" WHERE (total > 0) AND user_id IS NOT '
        "NULL AND code IS NOT NULL GROUP BY user_id, code HAVING count(*) > 1"
    )


def test_nulls_not_distinct_counts_nulls_and_mysql_prefixes_are_cut():
    not_distinct = change(
        k.CREATE_INDEX,
        columns=("code",),
        facts={"unique": True},
        sql='CREATE UNIQUE INDEX ix ON "orders" ("code") NULLS NOT DISTINCT;',
    )
    [mf101, _] = risks(not_distinct)
    assert "WHERE" not in mf101.checks[0]
    prefix = change(
        k.CREATE_INDEX,
        columns=("name",),
        facts={"unique": True},
        sql="CREATE UNIQUE INDEX ix ON `orders` (`name`(10));",
    )
    [mf101] = risks(prefix, dialect="mysql")
    assert "SELECT LEFT(`name`, 10), count(*) FROM `orders`" in mf101.checks[0]


def test_names_before_the_migration_follow_the_order_of_the_statements():
    """Drops run before renames, in the old names; a swap goes through a temporary name."""
    migration = [
        change(k.DROP_COLUMN, table="a", column="x"),
        change(
            k.SUPPORT, table="a__renamed", old="a", sql='ALTER TABLE "a" RENAME TO "a__renamed";'
        ),
        change(k.RENAME_TABLE, table="a", old="b"),
        change(k.RENAME_TABLE, table="b", old="a__renamed"),
        change(k.SET_NOT_NULL, table="a", column="y"),
        change(k.SET_NOT_NULL, table="b", column="z"),
    ]
    found = risks(*migration)
    checks = {(r.code, r.table): r.checks[0].splitlines()[-1] for r in found if r.checks}
    assert checks[("DS103", "a")] == 'SELECT count(*) FROM "a" WHERE "x" IS NOT NULL'
    assert checks[("MF104", "a")] == 'SELECT count(*) FROM "b" WHERE "y" IS NULL'
    assert checks[("MF104", "b")] == 'SELECT count(*) FROM "a" WHERE "z" IS NULL'
    assert [r.code for r in found if r.code == "BC101"] == ["BC101", "BC101"]


def test_a_new_table_under_the_old_name_of_a_renamed_one_holds_no_data():
    migration = [
        change(k.RENAME_TABLE, table="archive", old="orders"),
        change(k.CREATE_TABLE, table="orders", table_is_new=True),
        change(k.SET_NOT_NULL, table="archive", column="total"),
        change(k.CREATE_INDEX, table="orders", columns=("total",), table_is_new=True),
    ]
    found = risks(*migration)
    assert [(r.code, r.table) for r in found] == [
        ("BC101", "archive"),
        ("MF104", "archive"),
        ("SS202", "archive"),
    ]
    assert found[1].checks[0].endswith('FROM "orders" WHERE "total" IS NULL')


def test_a_foreign_key_changed_or_dropped_with_its_table_is_no_constraint_deletion():
    dropped = FIRING["CD101"][0]
    added_again = change(
        k.ADD_FOREIGN_KEY,
        columns=("owner_id",),
        facts={"references": "accounts"},
        sql='ALTER TABLE "orders" ADD CONSTRAINT fk FOREIGN KEY ("owner_id") '
        'REFERENCES "accounts" ("id") ON DELETE CASCADE;',
    )
    assert codes(dropped, added_again) == ["SS103", "SS203"]
    assert codes(dropped, change(k.DROP_TABLE)) == ["DS102"]


def test_a_foreign_key_to_a_new_table_counts_every_value_as_an_orphan():
    new_table = change(k.CREATE_TABLE, table="accounts", table_is_new=True)
    key = change(
        k.ADD_FOREIGN_KEY,
        columns=("owner_id",),
        facts={"references": "accounts"},
        sql='ALTER TABLE "orders" ADD FOREIGN KEY ("owner_id") REFERENCES "accounts" ("id");',
    )
    [ss103, _] = risks(new_table, key)
    assert ss103.checks[0].splitlines()[-1] == (
        'SELECT count(*) FROM "orders" WHERE "owner_id" IS NOT NULL'
    )


def test_keys_and_checks_on_a_column_added_without_default_hold_on_existing_rows():
    added = change(k.ADD_COLUMN, column="state", facts={"not_null": False, "has_default": False})
    check = change(
        k.ADD_CHECK,
        columns=("state",),
        sql="ALTER TABLE \"orders\" ADD CONSTRAINT ck CHECK (state IN ('a', 'b'));",
    )
    key = change(
        k.ADD_FOREIGN_KEY,
        columns=("state",),
        facts={"references": "states"},
        sql='ALTER TABLE "orders" ADD FOREIGN KEY ("state") REFERENCES "states" ("id");',
    )
    assert codes(added, check, key) == ["SS204", "SS203"]  # they still scan the table
    not_null_check = replace(check, sql='ALTER TABLE "orders" ADD CHECK (state IS NOT NULL);')
    assert "SS102" in codes(added, not_null_check)


def test_sqlite_rebuild_comments_are_read_for_their_checks():
    comment = change(
        k.ADD_CHECK,
        name="ck_total",
        sql='-- ALTER TABLE "orders" ADD CONSTRAINT "ck_total" CHECK ("total" >= 0); '
        "(by rebuilding orders)",
    )
    [ss102] = risks(comment, dialect="sqlite")
    assert ss102.checks[0].splitlines()[-1] == (
        'SELECT count(*) FROM "orders" WHERE NOT ("total" >= 0)'
    )
    assert ss102.statement == comment.sql


def test_mysql_fills_a_not_null_column_instead_of_failing():
    [risk] = risks(FIRING["MF103"][0], dialect="mysql")
    assert risk.message.endswith("it fills the rows with 0 or ''.")
    assert risks(FIRING["MF103"][0])[0].message.endswith("without a default.")


def test_a_default_dropped_and_set_again_around_a_type_change_is_no_risk():
    dropped = FIRING["SS301"][0]
    again = change(k.SET_DEFAULT, column="status", sql="ALTER TABLE ... SET DEFAULT 'new';")
    assert codes(dropped, again) == []
    assert codes(change(k.DROP_IDENTITY, column="id"), change(k.ADD_IDENTITY, column="id")) == []


NARROWINGS = [
    # old type, new type, dialect → the condition of the values that do not fit
    ("text", "varchar(10)", "postgresql", 'char_length(CAST("c" AS text)) > 10'),
    ("integer", "varchar(5)", "postgresql", 'char_length(CAST("c" AS text)) > 5'),
    ("TEXT(40)", "TEXT(10)", "sqlite", 'length("c") > 10'),
    ("varchar(40)", "varchar(10)", "mysql", "char_length(`c`) > 10"),
    ("bigint", "integer", "postgresql", '("c" < -2147483648 OR "c" > 2147483647)'),
    ("numeric(12, 2)", "numeric(5, 2)", "postgresql", 'abs("c") >= 1000'),
    ("text", "integer", "postgresql", "\"c\" !~ '^\\s*[+-]?[0-9]+\\s*$'"),
    ("text", "int", "mysql", "`c` NOT REGEXP '^\\s*[+-]?[0-9]+\\s*$'"),
    ("text", "integer", "sqlite", ""),  # SQLite keeps any value in any column
    ("timestamp", "date", "postgresql", ""),
]


@pytest.mark.parametrize(("old", "new", "dialect", "condition"), NARROWINGS)
def test_a_narrowing_check_suits_the_old_type(old, new, dialect, condition):
    narrowed = change(k.ALTER_TYPE, column="c", old=old, new=new, facts={"narrowing": True})
    [risk] = risks(narrowed, dialect=dialect)
    if not condition:
        assert risk.checks == ()
        return
    assert risk.checks[0].splitlines()[-1].endswith(f"WHERE {condition}")


@on_postgresql
@pytest.mark.postgres_only
@pytest.mark.django_db
def test_the_narrowing_checks_run_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TEMP TABLE "orders" ("t" text, "i" integer, "b" bigint, "n" numeric(12, 2))'
        )
        cursor.execute(
            "INSERT INTO \"orders\" VALUES ('12', 123456, 5000000000, 12345.5), "
            "('x1', 1, 1, 1), (' -7 ', NULL, NULL, NULL)"
        )
        found = []
        for column, old, new in [
            ("t", "text", "varchar(2)"),
            ("i", "integer", "varchar(5)"),
            ("b", "bigint", "integer"),
            ("n", "numeric(12, 2)", "numeric(5, 2)"),
            ("t", "text", "integer"),
        ]:
            narrowed = change(
                k.ALTER_TYPE, column=column, old=old, new=new, facts={"narrowing": True}
            )
            [risk] = risks(narrowed)
            cursor.execute(risk.checks[0])
            found.append(cursor.fetchone()[0])
    # ' -7 ' is 4 long; 123456 has 6 digits; 5000000000; 12345.5 ≥ 1000; 'x1'
    assert found == [1, 1, 1, 1, 1]


# --- The checks are SQL that runs


BASE_TABLES = [
    'CREATE TABLE "users" ("id" integer, "email" varchar(200), "nick name" varchar(50))',
    'CREATE TABLE "we""ird" ("id" integer, "co""l" varchar(40), "n" bigint, "owner" integer)',
    'CREATE TABLE "purchases" ("id" integer, "user_id" integer, "total" bigint, "code" text)',
    'CREATE TABLE "legacy" ("id" integer)',
]
BASE_ROWS = [
    """INSERT INTO "users" VALUES (1, 'a@x', 'ann'), (2, NULL, 'ann'), (3, 'c@x', NULL)""",
    """INSERT INTO "we""ird" VALUES (1, 'short', 5, 1), (NULL, 'a much longer text', NULL, 9)""",
    """INSERT INTO "purchases" VALUES (1, 1, 10, 'A'), (2, 7, 5000000000, 'a'), (3, 2, -1, NULL)""",
    'INSERT INTO "legacy" VALUES (1)',
]


def sample_migration(dialect: str) -> Migration:
    """Every check-carrying rule, on tables with awkward names, around renames, in the order and
    shapes the migration writer gives them (drops before renames, in the names before)."""
    q = '"'
    if dialect == "mysql":
        q = "`"

    def n(name: str) -> str:
        return q + name.replace(q, q * 2) + q

    return Migration(
        dialect,
        [
            change(k.DROP_TABLE, table="legacy"),
            change(k.DROP_COLUMN, table='we"ird', column="n"),
            change(k.RENAME_TABLE, table="orders", old="purchases"),
            change(k.RENAME_COLUMN, table="users", column="nickname", old="nick name"),
            change(k.ADD_COLUMN, column="status", facts={"not_null": True}),
            change(k.SET_NOT_NULL, table="users", column="email"),
            change(
                k.ALTER_TYPE,
                table='we"ird',
                column='co"l',
                old="varchar(40)",
                new="varchar(10)",
                facts={"narrowing": True, "rewrites": True},
            ),
            change(
                k.ALTER_TYPE,
                column="total",
                old="bigint",
                new="integer",
                facts={"narrowing": True, "rewrites": True},
            ),
            change(
                k.ALTER_TYPE,
                column="total",
                old="bigint",
                new="numeric(5, 2)",
                facts={"narrowing": True, "rewrites": True},
            ),
            change(
                k.CREATE_INDEX,
                table="users",
                name="ix_nick",
                columns=("nickname",),
                facts={"unique": True},
                sql=f"CREATE UNIQUE INDEX ix_nick ON {n('users')} ({n('nickname')});",
            ),
            change(
                k.CREATE_INDEX,
                name="ix_code",
                columns=("code",),
                facts={"unique": True},
                sql=f"CREATE UNIQUE INDEX ix_code ON {n('orders')} (lower({n('code')}));",
            ),
            change(
                k.CREATE_INDEX,
                name="ix_user_code",
                columns=("code", "user_id"),
                facts={"unique": True},
                sql="CREATE UNIQUE INDEX ix_user_code ON orders (user_id, code DESC) "
                "WHERE total > 0;",
            ),
            change(k.ADD_UNIQUE, table='we"ird', columns=('co"l',)),
            change(k.ADD_PRIMARY_KEY, table='we"ird', columns=("id",)),
            change(
                k.ADD_CHECK,
                name="ck_total",
                sql=f"ALTER TABLE {n('orders')} ADD CONSTRAINT ck_total CHECK ({n('total')} >= 0);",
            ),
            change(
                k.ADD_FOREIGN_KEY,
                columns=("user_id",),
                facts={"references": "users"},
                sql=f"ALTER TABLE {n('orders')} ADD CONSTRAINT fk FOREIGN KEY ({n('user_id')}) "
                f"REFERENCES {n('users')} ({n('id')});",
            ),
            change(
                k.ADD_FOREIGN_KEY,
                table='we"ird',
                columns=("owner",),
                facts={"references": "users", "target_columns": ["id"]},
            ),
        ],
    )


EXPECTED_ANSWERS = {
    # code → the first row each of its checks returns, on BASE_ROWS
    "DS102": [(1,)],
    "DS103": [(1,)],
    "MF103": [(3,)],
    "MF104": [(1,)],
    # 'a much longer text' is longer than 10; 5000000000 is no integer; 5000000000 is 1000 or
    # more, and so is -1 not
    "SS101": [(1,), (1,), (1,)],
    # nickname 'ann' twice; lower(code): 'a' twice; (user_id, code) where total > 0: none;
    # we"ird.co"l: none
    "MF101": [("ann", 2), ("a", 2), None, None],
    "SS104": [(1,), None],
    "SS102": [(1,)],
    "SS103": [(1,), (1,)],  # purchases.user_id 7 and we"ird.owner 9 point at no user
    "SS201": [(2,), (3,), (3,)],
    "SS202": [(3,)],
}


def run_checks(execute, dialect: str) -> dict[str, list]:
    answers: dict[str, list] = {}
    for risk in migration_risks(sample_migration(dialect)):
        for check in risk.checks:
            answers.setdefault(risk.code, []).append(execute(check))
    return answers


def test_every_check_runs_on_sqlite():
    db = sqlite3.connect(":memory:")
    for statement in BASE_TABLES + BASE_ROWS:
        db.execute(statement)
    answers = run_checks(lambda sql: db.execute(sql).fetchone(), "sqlite")
    locking = {"SS201", "SS202"}  # PostgreSQL only
    assert answers == {c: a for c, a in EXPECTED_ANSWERS.items() if c not in locking}


@on_postgresql
@pytest.mark.postgres_only
@pytest.mark.django_db
def test_every_check_runs_on_postgresql():
    with connection.cursor() as cursor:
        for statement in BASE_TABLES + BASE_ROWS:
            cursor.execute(statement.replace("CREATE TABLE", "CREATE TEMP TABLE"))

        def execute(sql):
            cursor.execute(sql)
            return cursor.fetchone()

        answers = run_checks(execute, "postgresql")
    assert answers == EXPECTED_ANSWERS
