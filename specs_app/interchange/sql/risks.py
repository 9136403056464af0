"""What could go wrong when a migration runs: each `Change` read against rules with stable codes.

The codes reuse Atlas's numbering where the meaning is the same (DS destructive, BC backward
incompatible, MF data-dependent, CD constraint deletion, PG PostgreSQL locking); ours start with
SS. A finding names its table and column, carries the statement, why it is risky, the safer way
and "pre-migration checks": queries to run against the database *before* migrating whose answer
proves the change safe (each says what it must return).

Levels: losing data (destructive) and breaking the code that reads the database today (backward
incompatible) are errors by default: nothing run before or after the migration can undo them.
Data-dependent and locking findings are warnings: whether they bite depends on the rows and the
traffic of one database, which the checks and a maintenance window answer. A spec's settings map
a code to "off", "warning" or "error".
"""

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from specs_app.interchange.sql.changes import (
    ADD_CHECK,
    ADD_COLUMN,
    ADD_FOREIGN_KEY,
    ADD_PRIMARY_KEY,
    ADD_UNIQUE,
    ALTER_TYPE,
    CREATE_INDEX,
    DROP_COLUMN,
    DROP_DEFAULT,
    DROP_FOREIGN_KEY,
    DROP_IDENTITY,
    DROP_INDEX,
    DROP_PRIMARY_KEY,
    DROP_TABLE,
    DROP_UNIQUE,
    RENAME_COLUMN,
    RENAME_TABLE,
    SET_NOT_NULL,
    Change,
    Migration,
)

DESTRUCTIVE = "destructive"
BACKWARD_INCOMPATIBLE = "backward-incompatible"
DATA_DEPENDENT = "data-dependent"
LOCKING = "locking"

#: The categories in the order the screens list them, with their headings.
CATEGORIES = {
    DESTRUCTIVE: "Destructive",
    BACKWARD_INCOMPATIBLE: "Backward incompatible",
    DATA_DEPENDENT: "Data-dependent",
    LOCKING: "Locking (PostgreSQL)",
}

ERROR = "error"
WARNING = "warning"
OFF = "off"
SETTINGS = (OFF, WARNING, ERROR)


@dataclass(frozen=True)
class RiskRule:
    code: str
    title: str
    category: str
    level: str
    #: Why a change this rule flags is risky.
    why: str
    #: How to make the same change safely.
    safer: str
    #: The dialects it applies to; empty: every dialect.
    dialects: tuple[str, ...] = ()

    def applies_to(self, dialect: str) -> bool:
        return not self.dialects or dialect in self.dialects


_PG = ("postgresql",)

RISK_RULES: dict[str, RiskRule] = {
    rule.code: rule
    for rule in [
        RiskRule(
            "DS102",
            "Table dropped",
            DESTRUCTIVE,
            ERROR,
            "Every row of the table is deleted, and the code that still reads or writes it fails.",
            "Stop reading and writing the table in a release before, back it up (or rename it "
            "aside), and drop it once nothing uses it.",
        ),
        RiskRule(
            "DS103",
            "Column dropped",
            DESTRUCTIVE,
            ERROR,
            "The column's values are deleted in every row, and queries that name it fail.",
            "Stop reading and writing the column in a release before, copy the values you keep, "
            "then drop it.",
        ),
        RiskRule(
            "CD101",
            "Foreign key dropped",
            DESTRUCTIVE,
            ERROR,
            "The database stops guarding the reference: rows can point at rows that do not exist, "
            "and ON DELETE actions no longer run.",
            "Keep the foreign key unless the reference itself goes away; if it must go, make the "
            "code enforce the reference first.",
        ),
        RiskRule(
            "BC101",
            "Table renamed",
            BACKWARD_INCOMPATIBLE,
            ERROR,
            "Code deployed before the migration still uses the old name and fails the moment "
            "the rename runs.",
            "Add the new table, write to both (or put a view with the old name in front), move "
            "the readers, then drop the old one.",
        ),
        RiskRule(
            "BC102",
            "Column renamed",
            BACKWARD_INCOMPATIBLE,
            ERROR,
            "Code deployed before the migration still uses the old name and fails the moment "
            "the rename runs.",
            "Add the new column, write to both and backfill it, move the readers, then drop the "
            "old column.",
        ),
        RiskRule(
            "SS301",
            "Default or identity dropped",
            BACKWARD_INCOMPATIBLE,
            WARNING,
            "Inserts that leave the column out relied on the database to fill it: they now store "
            "NULL, or fail on a NOT NULL column. A warning: only writers that omit the column "
            "break.",
            "Make every insert name the column first, then drop the default.",
        ),
        RiskRule(
            "SS302",
            "Unique key or primary key dropped",
            BACKWARD_INCOMPATIBLE,
            WARNING,
            "Duplicates become possible, and INSERT … ON CONFLICT on those columns fails because "
            "no unique index backs it. A warning: the data stays.",
            "Remove the ON CONFLICT clauses and the code that relies on uniqueness first.",
        ),
        RiskRule(
            "MF101",
            "Unique index added on existing columns",
            DATA_DEPENDENT,
            WARNING,
            "If existing rows hold duplicate values, creating the unique index fails and the "
            "migration stops.",
            "Find and resolve the duplicates first (the check below lists them).",
        ),
        RiskRule(
            "MF102",
            "Index made unique",
            DATA_DEPENDENT,
            WARNING,
            "The index was not unique, so the rows may hold duplicates: creating it unique fails "
            "if they do.",
            "Find and resolve the duplicates first (the check below lists them).",
        ),
        RiskRule(
            "MF103",
            "NOT NULL column added without a default",
            DATA_DEPENDENT,
            WARNING,
            "Existing rows have no value for the new column: the statement fails on a table "
            "that has rows.",
            "Add the column nullable (or with a default), backfill it, then SET NOT NULL.",
        ),
        RiskRule(
            "MF104",
            "Nullable column made NOT NULL",
            DATA_DEPENDENT,
            WARNING,
            "If a row holds NULL in the column, the statement fails and the migration stops.",
            "Backfill the NULLs first (the check below counts them), then SET NOT NULL.",
        ),
        RiskRule(
            "SS101",
            "Narrowing type change",
            DATA_DEPENDENT,
            WARNING,
            "The new type holds fewer values than the old one: a value that does not fit makes "
            "the conversion fail, or is cut.",
            "Check that every value fits the new type (the check below finds those that do "
            "not), or add a column of the new type, backfill it, and switch over.",
        ),
        RiskRule(
            "SS102",
            "CHECK constraint added to an existing table",
            DATA_DEPENDENT,
            WARNING,
            "If an existing row violates the condition, adding the constraint fails.",
            "Find the rows that violate it first (the check below counts them), or add it NOT "
            "VALID and VALIDATE CONSTRAINT after fixing them.",
        ),
        RiskRule(
            "SS103",
            "Foreign key added to an existing table",
            DATA_DEPENDENT,
            WARNING,
            "If an existing row points at a row that does not exist, adding the foreign key fails.",
            "Find the orphans first (the check below counts them), or add it NOT VALID and "
            "VALIDATE CONSTRAINT after fixing them.",
        ),
        RiskRule(
            "SS104",
            "Primary key added to an existing table",
            DATA_DEPENDENT,
            WARNING,
            "If the key columns hold NULLs or duplicates, adding the primary key fails.",
            "Find the NULLs and duplicates first (the checks below list them).",
        ),
        RiskRule(
            "PG101",
            "Index created without CONCURRENTLY",
            LOCKING,
            WARNING,
            "CREATE INDEX blocks every write to the table (SHARE lock) until the index is "
            "built, which takes long on a big table.",
            "CREATE INDEX CONCURRENTLY, outside a transaction block (it cannot run inside one).",
            _PG,
        ),
        RiskRule(
            "PG103",
            "Index dropped without CONCURRENTLY",
            LOCKING,
            WARNING,
            "DROP INDEX takes an ACCESS EXCLUSIVE lock on the table: reads and writes wait "
            "behind it, and behind any long query it waits for.",
            "DROP INDEX CONCURRENTLY, outside a transaction block.",
            _PG,
        ),
        RiskRule(
            "SS201",
            "Type change rewrites the table",
            LOCKING,
            WARNING,
            "PostgreSQL rewrites the whole table (and its indexes) under an ACCESS EXCLUSIVE "
            "lock: nothing reads or writes it until the rewrite is done.",
            "Add a column of the new type, backfill it in batches, switch the code over, then "
            "drop the old column; or run it in a maintenance window.",
            _PG,
        ),
        RiskRule(
            "SS202",
            "SET NOT NULL scans the table",
            LOCKING,
            WARNING,
            "SET NOT NULL scans every row under an ACCESS EXCLUSIVE lock to prove there is no "
            "NULL: the table is unavailable for the scan.",
            'ADD CONSTRAINT … CHECK ("column" IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT (no '
            "exclusive lock), then SET NOT NULL (PostgreSQL 12+ uses the valid check and skips "
            "the scan), then drop the check.",
            _PG,
        ),
        RiskRule(
            "SS203",
            "Foreign key added without NOT VALID",
            LOCKING,
            WARNING,
            "Adding a foreign key checks every existing row while it holds a SHARE ROW EXCLUSIVE "
            "lock on both tables: writes to either wait.",
            "ADD CONSTRAINT … FOREIGN KEY … NOT VALID, then VALIDATE CONSTRAINT in a later "
            "statement (it takes a weaker lock).",
            _PG,
        ),
        RiskRule(
            "SS204",
            "CHECK constraint added without NOT VALID",
            LOCKING,
            WARNING,
            "Adding a CHECK scans every row under an ACCESS EXCLUSIVE lock.",
            "ADD CONSTRAINT … CHECK (…) NOT VALID, then VALIDATE CONSTRAINT in a later "
            "statement (it takes a weaker lock).",
            _PG,
        ),
        RiskRule(
            "SS205",
            "Unique or primary key built under a lock",
            LOCKING,
            WARNING,
            "ADD UNIQUE / ADD PRIMARY KEY builds its index under an ACCESS EXCLUSIVE lock: "
            "nothing reads or writes the table while it is built.",
            "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … UNIQUE USING INDEX (or "
            "PRIMARY KEY USING INDEX), which is instant.",
            _PG,
        ),
    ]
}


@dataclass(frozen=True)
class Risk:
    code: str
    level: str
    table: str
    column: str
    message: str
    statement: str
    why: str
    safer: str
    #: Queries to run before the migration; each begins with a comment saying what it must return.
    checks: tuple[str, ...] = ()

    @property
    def rule(self) -> RiskRule:
        return RISK_RULES[self.code]

    def as_json(self) -> dict:
        data = asdict(self)
        data["checks"] = list(self.checks)
        data["category"] = self.rule.category
        data["title"] = self.rule.title
        return data


def quote_name(name: str, dialect: str = "postgresql") -> str:
    """An identifier, quoted: double quotes (backquotes on MySQL), the quote doubled inside."""
    mark = "`" if dialect == "mysql" else '"'
    return mark + name.replace(mark, mark * 2) + mark


_ORDERING = re.compile(r"\s+(ASC|DESC)(\s+NULLS\s+(FIRST|LAST))?\s*$", re.IGNORECASE)


def _is_expression(column: str) -> bool:
    return "(" in column


def _item(column: str, dialect: str) -> str:
    """An index's column in a query: a name quoted, an expression as written (less its order)."""
    column = _ORDERING.sub("", column.strip())
    return column if _is_expression(column) else quote_name(column, dialect)


def _duplicates_check(table: str, columns: tuple[str, ...], dialect: str) -> str:
    items = [_item(column, dialect) for column in columns]
    listed = ", ".join(items)
    not_null = " AND ".join(f"{item} IS NOT NULL" for item in items)
    return (
        "-- must return no row: the values held more than once\n"
        f"SELECT {listed}, count(*) FROM {quote_name(table, dialect)} "
        f"WHERE {not_null} GROUP BY {listed} HAVING count(*) > 1"
    )


def _count(table: str, dialect: str, where: str = "", expect: str = "") -> str:
    query = f"SELECT count(*) FROM {quote_name(table, dialect)}"
    return f"-- {expect}\n{query} WHERE {where}" if where else f"-- {expect}\n{query}"


class _Names:
    """The names before the migration of the tables and columns its changes name after it:
    a pre-migration check runs against the database as it is."""

    def __init__(self, migration: Migration) -> None:
        self.tables: dict[str, str] = {}
        self.columns: dict[tuple[str, str], str] = {}
        #: (table before, column) → whether it has a default, for the columns the migration adds.
        self.added: dict[tuple[str, str], bool] = {}
        for change in migration.changes:
            if change.kind == RENAME_TABLE and change.old:
                self.tables[change.table] = self.tables.get(change.old, change.old)
        for change in migration.changes:
            table = self.table(change.table)
            if change.kind == RENAME_COLUMN and change.old:
                self.columns[(table, change.column)] = change.old
            elif change.kind == ADD_COLUMN:
                self.added[(table, change.column)] = bool(change.facts.get("has_default"))

    def table(self, name: str) -> str:
        return self.tables.get(name, name)

    def column(self, table: str, name: str) -> str:
        """`table` is already the name before."""
        return self.columns.get((table, name), name)

    def is_added(self, table: str, column: str) -> bool:
        return (self.table(table), column) in self.added


def _quoted_columns(columns) -> str:
    return ", ".join(f'"{column}"' for column in columns)


class _Reader:
    def __init__(self, migration: Migration) -> None:
        self.migration = migration
        self.dialect = migration.dialect
        self.names = _Names(migration)
        self.dropped_indexes = [c for c in migration.changes if c.kind == DROP_INDEX]

    def q(self, name: str) -> str:
        return quote_name(name, self.dialect)

    def before(self, change: Change) -> tuple[str, tuple[str, ...]]:
        """The change's table and columns in the names they have before the migration."""
        table = self.names.table(change.table)
        columns = change.columns or ((change.column,) if change.column else ())
        return table, tuple(self.names.column(table, column) for column in columns)

    def findings(self, change: Change):
        """(code, column, message, checks) for each rule the change trips."""
        kind = change.kind
        table, where = change.table, f'"{change.table}"'
        column = change.column
        old_table, old_columns = self.before(change)
        q = self.q
        if kind == DROP_TABLE:
            yield (
                "DS102",
                "",
                f"Drops table {where} and every row in it.",
                [_count(table, self.dialect, expect="the rows that would be lost")],
            )
            return
        if kind == DROP_COLUMN:
            yield (
                "DS103",
                column,
                f'Drops column "{column}" of {where} and its value in every row.',
                [
                    _count(
                        old_table,
                        self.dialect,
                        f"{q(old_columns[0])} IS NOT NULL",
                        "the values that would be lost",
                    )
                ],
            )
            return
        if kind == DROP_FOREIGN_KEY:
            target = change.facts.get("references", "")
            to = f' to "{target}"' if target else ""
            name = f' "{change.name}"' if change.name else ""
            yield (
                "CD101",
                column or ", ".join(change.columns),
                f"Drops foreign key{name} of {where} ({_quoted_columns(change.columns)}){to}.",
                [],
            )
            return
        if kind == RENAME_TABLE:
            yield ("BC101", "", f'Renames table "{change.old}" to {where}.', [])
            return
        if kind == RENAME_COLUMN:
            yield (
                "BC102",
                column,
                f'Renames column "{change.old}" of {where} to "{column}".',
                [],
            )
            return
        if kind in (DROP_DEFAULT, DROP_IDENTITY):
            what = "default" if kind == DROP_DEFAULT else "identity"
            yield ("SS301", column, f'Drops the {what} of "{column}" in {where}.', [])
            return
        drops_key = kind in (DROP_UNIQUE, DROP_PRIMARY_KEY) or (
            kind == DROP_INDEX and change.facts.get("unique")
        )
        if drops_key and not self.replaced(change):
            what = "primary key" if kind == DROP_PRIMARY_KEY else "unique key"
            yield (
                "SS302",
                ", ".join(change.columns) or column,
                f"Drops the {what} of {where} ({_quoted_columns(change.columns)}).",
                [],
            )
        if change.table_is_new:
            return
        yield from self.data_dependent(change, old_table, old_columns)
        if self.dialect == "postgresql":
            yield from self.locking(change, old_table)

    def replaced(self, change: Change) -> bool:
        """A unique key dropped and added again on the same columns (say, renamed or rebuilt)."""
        return any(
            other.kind in (ADD_UNIQUE, ADD_PRIMARY_KEY, CREATE_INDEX)
            and other.table == change.table
            and other.columns == change.columns
            and (other.kind != CREATE_INDEX or other.facts.get("unique"))
            for other in self.migration.changes
        )

    def data_dependent(self, change: Change, old_table: str, old_columns: tuple[str, ...]):
        kind, where, column, dialect = change.kind, f'"{change.table}"', change.column, self.dialect
        q = self.q
        unique_index = kind == CREATE_INDEX and change.facts.get("unique")
        if unique_index or kind == ADD_UNIQUE:
            if not self.holds_no_duplicates(change):
                listed = _quoted_columns(change.columns)
                code, message = "MF101", f"Adds a unique key on {where} ({listed})."
                if unique_index and self.was_plain_index(change):
                    code, message = "MF102", f"Makes the index on {where} ({listed}) unique."
                yield (
                    code,
                    ", ".join(change.columns),
                    message,
                    [_duplicates_check(old_table, old_columns, dialect)],
                )
        elif kind == ADD_PRIMARY_KEY:
            checks = [_duplicates_check(old_table, old_columns, dialect)]
            existing = [c for c in old_columns if not self.names.is_added(change.table, c)]
            if existing:
                nulls = " OR ".join(f"{q(c)} IS NULL" for c in existing)
                checks.insert(0, _count(old_table, dialect, nulls, "must be 0: the rows with NULL"))
            yield (
                "SS104",
                ", ".join(change.columns),
                f"Adds a primary key on {where} ({_quoted_columns(change.columns)}).",
                checks,
            )
        elif (
            kind == ADD_COLUMN
            and change.facts.get("not_null")
            and not change.facts.get("has_default")
        ):
            yield (
                "MF103",
                column,
                f'Adds NOT NULL column "{column}" to {where} without a default.',
                [_count(old_table, dialect, expect="must be 0: the rows that get no value")],
            )
        elif kind == SET_NOT_NULL and not self.names.is_added(change.table, column):
            yield (
                "MF104",
                column,
                f'Makes "{column}" of {where} NOT NULL.',
                [
                    _count(
                        old_table,
                        dialect,
                        f"{q(old_columns[0])} IS NULL",
                        "must be 0: the rows holding NULL",
                    )
                ],
            )
        elif kind == ALTER_TYPE and change.facts.get("narrowing"):
            checks = []
            fits = _fits(q(old_columns[0]), change.new, dialect)
            if fits:
                checks.append(
                    _count(old_table, dialect, fits, "must be 0: the values that do not fit")
                )
            yield (
                "SS101",
                column,
                f'Narrows "{column}" of {where} from {change.old} to {change.new}.',
                checks,
            )
        elif kind == ADD_CHECK and not _not_valid(change):
            condition = change.facts.get("condition") or _check_condition(change.sql)
            checks = []
            if condition:
                checks.append(
                    _count(
                        old_table,
                        dialect,
                        f"NOT ({condition})",
                        "must be 0: the rows that violate the condition",
                    )
                )
            name = f' "{change.name}"' if change.name else ""
            yield ("SS102", column, f"Adds CHECK{name} to {where}.", checks)
        elif kind == ADD_FOREIGN_KEY and not _not_valid(change):
            target = change.facts.get("references", "")
            checks = []
            target_columns = tuple(change.facts.get("target_columns") or _references(change.sql))
            if target and change.columns and len(target_columns) == len(change.columns):
                checks.append(self.orphans_check(old_table, old_columns, target, target_columns))
            yield (
                "SS103",
                ", ".join(change.columns) or column,
                f"Adds a foreign key on {where} ({_quoted_columns(change.columns)})"
                + (f' to "{target}".' if target else "."),
                checks,
            )

    def orphans_check(self, old_table, old_columns, target, target_columns) -> str:
        q = self.q
        target_before = self.names.table(target)
        target_columns = [self.names.column(target_before, c) for c in target_columns]
        joined = " AND ".join(
            f"p.{q(t)} = c.{q(c)}" for c, t in zip(old_columns, target_columns, strict=True)
        )
        present = " AND ".join(f"c.{q(c)} IS NOT NULL" for c in old_columns)
        return (
            "-- must be 0: the rows that point at no row\n"
            f"SELECT count(*) FROM {q(old_table)} AS c WHERE {present} AND NOT EXISTS "
            f"(SELECT 1 FROM {q(target_before)} AS p WHERE {joined})"
        )

    def holds_no_duplicates(self, change: Change) -> bool:
        """A key on a column the migration adds without a default: NULL in every row, and NULLs
        are distinct in a unique key."""
        return any(
            self.names.is_added(change.table, column)
            and not self.names.added[(self.names.table(change.table), column)]
            for column in change.columns
        )

    def was_plain_index(self, change: Change) -> bool:
        """The migration drops a non-unique index of the same name or columns."""
        return any(
            dropped.table == change.table
            and not dropped.facts.get("unique")
            and ((change.name and dropped.name == change.name) or dropped.columns == change.columns)
            for dropped in self.dropped_indexes
        )

    def locking(self, change: Change, old_table: str):
        kind, where, column = change.kind, f'"{change.table}"', change.column
        sql = change.sql.upper()
        listed = _quoted_columns(change.columns)
        if kind == CREATE_INDEX and "CONCURRENTLY" not in sql:
            yield ("PG101", ", ".join(change.columns), f"Indexes {where} ({listed}).", [])
        elif kind == DROP_INDEX and "CONCURRENTLY" not in sql:
            name = f' "{change.name}"' if change.name else ""
            on = f" ({listed})" if change.columns else ""
            yield ("PG103", ", ".join(change.columns), f"Drops index{name} of {where}{on}.", [])
        elif kind == ALTER_TYPE and change.facts.get("rewrites"):
            yield (
                "SS201",
                column,
                f'Changes "{column}" of {where} from {change.old} to {change.new}: the table '
                "is rewritten.",
                [_count(old_table, self.dialect, expect="the rows to rewrite")],
            )
        elif kind == SET_NOT_NULL and not self.names.is_added(change.table, column):
            yield (
                "SS202",
                column,
                f'SET NOT NULL on "{column}" scans {where}.',
                [_count(old_table, self.dialect, expect="the rows to scan")],
            )
        elif kind == ADD_FOREIGN_KEY and not _not_valid(change):
            yield ("SS203", ", ".join(change.columns), f"Validates {where} ({listed}).", [])
        elif kind == ADD_CHECK and not _not_valid(change):
            name = f' "{change.name}"' if change.name else ""
            yield ("SS204", column, f"Validates CHECK{name} on {where}.", [])
        elif kind in (ADD_UNIQUE, ADD_PRIMARY_KEY) and "USING INDEX" not in sql:
            yield ("SS205", ", ".join(change.columns), f"Builds a key on {where} ({listed}).", [])


def _parenthesized(sql: str, start: int) -> str:
    """The text inside the parentheses that open at or after `start` ("" if they do not)."""
    opening = sql.find("(", start)
    if opening < 0:
        return ""
    depth, quote = 0, ""
    for index in range(opening, len(sql)):
        char = sql[index]
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return sql[opening + 1 : index].strip()
    return ""


_CHECK = re.compile(r"\bCHECK\s*\(", re.IGNORECASE)
_REFERENCES = re.compile(r"\bREFERENCES\s+(?:\"(?:[^\"]|\"\")*\"|`(?:[^`]|``)*`|[\w.]+)\s*\(", re.I)


def _check_condition(sql: str) -> str:
    """The condition of the CHECK an `ALTER TABLE … ADD … CHECK (…)` statement adds."""
    if not sql.upper().startswith("ALTER TABLE"):
        return ""
    found = _CHECK.search(sql)
    return _parenthesized(sql, found.start()) if found else ""


def _unquoted(name: str) -> str:
    name = name.strip()
    for mark in '"`':
        if len(name) >= 2 and name[0] == name[-1] == mark:
            return name[1:-1].replace(mark * 2, mark)
    return name


def _references(sql: str) -> tuple[str, ...]:
    """The referenced columns of the foreign key an `ALTER TABLE` statement adds."""
    found = _REFERENCES.search(sql)
    if not found or not sql.upper().startswith("ALTER TABLE"):
        return ()
    inside = _parenthesized(sql, found.end() - 1)
    return tuple(_unquoted(name) for name in inside.split(",")) if inside else ()


def _not_valid(change: Change) -> bool:
    return "NOT VALID" in change.sql.upper()


_LENGTH = re.compile(r"^\s*(?:var)?char(?:acter)?(?:\s+varying)?\s*\(\s*(\d+)\s*\)\s*$", re.I)
_INTEGER_RANGES = {
    "smallint": (-32768, 32767),
    "int2": (-32768, 32767),
    "integer": (-2147483648, 2147483647),
    "int": (-2147483648, 2147483647),
    "int4": (-2147483648, 2147483647),
}


def _fits(column: str, new_type: str, dialect: str) -> str:
    """A condition that holds for the values that do not fit `new_type`; "" when the narrowing
    is one this module cannot express (then the finding has no check)."""
    length = _LENGTH.match(new_type or "")
    if length:
        function = "char_length" if dialect in ("postgresql", "mysql") else "length"
        return f"{function}({column}) > {int(length.group(1))}"
    bounds = _INTEGER_RANGES.get((new_type or "").strip().lower())
    if bounds:
        return f"({column} < {bounds[0]} OR {column} > {bounds[1]})"
    return ""


def risk_level(code: str, settings: Mapping[str, str] | None) -> str:
    """The level a code reports at under `settings`: "off", "warning" or "error"."""
    setting = (settings or {}).get(code)
    return setting if setting in SETTINGS else RISK_RULES[code].level


def migration_risks(migration: Migration, settings: Mapping[str, str] | None = None) -> list[Risk]:
    """The risks of running `migration`, in the order of its statements. `settings` maps a code
    to "off" (not reported), "warning" or "error"; codes it does not name keep their level."""
    reader = _Reader(migration)
    risks = []
    for change in migration.changes:
        for code, column, message, checks in reader.findings(change):
            rule = RISK_RULES[code]
            level = risk_level(code, settings)
            if level == OFF or not rule.applies_to(migration.dialect):
                continue
            risks.append(
                Risk(
                    code=code,
                    level=level,
                    table=change.table,
                    column=column,
                    message=message,
                    statement=change.sql,
                    why=rule.why,
                    safer=rule.safer,
                    checks=tuple(checks),
                )
            )
    return risks
