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
    ADD_IDENTITY,
    ADD_PRIMARY_KEY,
    ADD_UNIQUE,
    ALTER_TYPE,
    CREATE_INDEX,
    CREATE_TABLE,
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
    SET_DEFAULT,
    SET_NOT_NULL,
    SUPPORT,
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


# -- reading the statements ----------------------------------------------------------------------


def _statement(sql: str) -> str:
    """The statement itself: SQLite's rebuild writes the changes it makes as comments."""
    sql = sql.strip()
    return sql[3:].strip() if sql.startswith("-- ") else sql


def _parenthesized(sql: str, start: int) -> tuple[str, int]:
    """The text inside the parentheses that open at or after `start`, and the index of the one
    that closes them; ("", -1) when there are none."""
    opening = sql.find("(", start)
    if opening < 0:
        return "", -1
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
                return sql[opening + 1 : index].strip(), index
    return "", -1


def _top_level_split(text: str) -> list[str]:
    """`text` split at the commas outside parentheses and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index].strip())
            start = index + 1
    parts.append(text[start:].strip())
    return [part for part in parts if part]


_CREATE_INDEX = re.compile(r"^CREATE\s+(?:UNIQUE\s+)?INDEX\b.*?\sON\s", re.IGNORECASE | re.DOTALL)
_WHERE = re.compile(r"\bWHERE\b(?P<predicate>.*?);?\s*$", re.IGNORECASE | re.DOTALL)
_ORDERING = re.compile(r"\s+(?:ASC|DESC)(?:\s+NULLS\s+(?:FIRST|LAST))?\s*$", re.IGNORECASE)
_OPERATOR_CLASS = re.compile(r"\s+[A-Za-z_]\w*_ops$")
_PREFIX = re.compile(r"^(?P<name>`(?:[^`]|``)+`|\w+)\s*\(\s*(?P<length>\d+)\s*\)$")
_CHECK = re.compile(r"\bCHECK\s*\(", re.IGNORECASE)
_NAME = r"(?:\"(?:[^\"]|\"\")*\"|`(?:[^`]|``)*`|[\w.$]+)"
_REFERENCES = re.compile(rf"\bREFERENCES\s+{_NAME}\s*\(", re.IGNORECASE)


def _index_parts(sql: str, dialect: str) -> tuple[list[str], str]:
    """The items (a column or an expression each, as they go in a query) and the predicate of a
    CREATE INDEX statement; ([], "") when it is not one."""
    sql = _statement(sql)
    found = _CREATE_INDEX.match(sql)
    if not found:
        return [], ""
    inside, end = _parenthesized(sql, found.end())
    items = []
    for item in _top_level_split(inside):
        item = _OPERATOR_CLASS.sub("", _ORDERING.sub("", item))
        prefix = _PREFIX.match(item) if dialect == "mysql" else None
        items.append(f"LEFT({prefix['name']}, {prefix['length']})" if prefix else item)
    where = _WHERE.search(sql, end + 1) if end >= 0 else None
    return items, where["predicate"].strip() if where else ""


def _check_condition(sql: str) -> str:
    """The condition of the CHECK an `ALTER TABLE … ADD … CHECK (…)` statement adds."""
    sql = _statement(sql)
    found = _CHECK.search(sql) if sql.upper().startswith("ALTER TABLE") else None
    return _parenthesized(sql, found.start())[0] if found else ""


def _unquoted(name: str) -> str:
    name = name.strip()
    for mark in '"`':
        if len(name) >= 2 and name[0] == name[-1] == mark:
            return name[1:-1].replace(mark * 2, mark)
    return name


def _references(sql: str) -> tuple[str, ...]:
    """The referenced columns of the foreign key an `ALTER TABLE` statement adds."""
    sql = _statement(sql)
    found = _REFERENCES.search(sql) if sql.upper().startswith("ALTER TABLE") else None
    if not found:
        return ()
    inside = _parenthesized(sql, found.end() - 1)[0]
    return tuple(_unquoted(name) for name in _top_level_split(inside))


def _not_valid(change: Change) -> bool:
    return "NOT VALID" in change.sql.upper()


# A bounded string type; SQLite's writer spells varchar(n) TEXT(n).
_LENGTH = re.compile(
    r"^\s*(?:(?:n?var)?char(?:acter)?(?:\s+varying)?|text)\s*\(\s*(\d+)\s*\)\s*$", re.I
)
_DECIMAL = re.compile(r"^\s*(?:numeric|decimal)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)\s*$", re.I)
_INTEGER_RANGES = {
    "smallint": (-32768, 32767),
    "int2": (-32768, 32767),
    "integer": (-2147483648, 2147483647),
    "int": (-2147483648, 2147483647),
    "int4": (-2147483648, 2147483647),
}


_STRING_TYPE = re.compile(
    r"^\s*(?:n?var)?char|^\s*(?:tiny|medium|long)?text|^\s*citext|^\s*character", re.I
)
_NUMBER_TYPE = re.compile(
    r"^\s*(?:(?:tiny|small|medium|big)?int|integer|int[248]|(?:small|big)?serial|numeric|decimal"
    r"|real|double|float)",
    re.IGNORECASE,
)
_INTEGER_TEXT = r"^\s*[+-]?[0-9]+\s*$"


def _does_not_fit(column: str, old_type: str, new_type: str, dialect: str) -> str:
    """A condition that holds for the values of `column` (of `old_type`) that do not fit
    `new_type`; "" when the narrowing is one this module cannot express (then the finding has no
    check). Each condition is valid SQL for the old type in `dialect`."""
    old_type, new_type = (old_type or "").strip(), (new_type or "").strip()
    length = _LENGTH.match(new_type)
    if length:
        text = {"postgresql": f"char_length(CAST({column} AS text))", "mysql": "char_length"}
        measured = text.get(dialect, "length")
        if dialect != "postgresql":
            measured = f"{measured}({column})"
        return f"{measured} > {int(length[1])}"
    decimal = _DECIMAL.match(new_type)
    bounds = _INTEGER_RANGES.get(new_type.lower())
    if _NUMBER_TYPE.match(old_type):
        if decimal:
            digits = int(decimal[1]) - int(decimal[2] or 0)
            return f"abs({column}) >= 1{'0' * digits}"
        if bounds:
            return f"({column} < {bounds[0]} OR {column} > {bounds[1]})"
    elif _STRING_TYPE.match(old_type) and bounds:
        # Text to a number: the values that do not read as an integer.
        if dialect == "postgresql":
            return f"{column} !~ '{_INTEGER_TEXT}'"
        if dialect == "mysql":
            return f"{column} NOT REGEXP '{_INTEGER_TEXT}'"
    return ""


# -- names before the migration ------------------------------------------------------------------


def _renames_table(change: Change) -> bool:
    # A swap of names goes through a temporary name: a support statement.
    return bool(change.old) and (
        change.kind == RENAME_TABLE
        or (change.kind == SUPPORT and not change.column and " RENAME TO " in change.sql.upper())
    )


def _renames_column(change: Change) -> bool:
    return bool(change.old and change.column) and (
        change.kind == RENAME_COLUMN
        or (change.kind == SUPPORT and " RENAME COLUMN " in change.sql.upper())
    )


@dataclass
class _Step:
    """A change, with the names the database gives its tables and columns before the migration:
    a pre-migration check runs against the database as it is. A change names its table and
    columns as they are when it runs (after the renames before it)."""

    change: Change
    #: The table's name before the migration.
    table: str
    #: Name when the change runs → name before the migration, for each renamed table and column.
    tables: dict[str, str]
    columns: dict[tuple[str, str], str]

    def table_before(self, name: str) -> str:
        return self.tables.get(name, name)

    def column_before(self, name: str, table: str = "") -> str:
        """`table`: the name before the migration (default: the change's)."""
        return self.columns.get((table or self.table, name), name)

    def columns_before(self) -> tuple[str, ...]:
        change = self.change
        names = change.columns or ((change.column,) if change.column else ())
        return tuple(self.column_before(name) for name in names)


def _steps(migration: Migration) -> list[_Step]:
    tables: dict[str, str] = {}
    columns: dict[tuple[str, str], str] = {}
    steps = []
    for change in migration.changes:
        if _renames_table(change):
            steps.append(_Step(change, tables.get(change.old, change.old), tables, columns))
            tables = {**tables, change.table: tables.get(change.old, change.old)}
            tables.pop(change.old, None)
            continue
        table = tables.get(change.table, change.table)
        steps.append(_Step(change, table, tables, columns))
        if _renames_column(change):
            columns = {
                **columns,
                (table, change.column): columns.get((table, change.old), change.old),
            }
            if (table, change.old) in columns and change.old != change.column:
                columns.pop((table, change.old))
    return steps


def _quoted_columns(columns) -> str:
    return ", ".join(f'"{column}"' for column in columns)


class _Reader:
    def __init__(self, migration: Migration) -> None:
        self.dialect = migration.dialect
        self.steps = _steps(migration)
        #: (table before, column) → whether it has a default, for the columns the migration adds.
        self.added = {
            (step.table, step.change.column): bool(step.change.facts.get("has_default"))
            for step in self.steps
            if step.change.kind == ADD_COLUMN
        }
        self.dropped_tables = {s.table for s in self.steps if s.change.kind == DROP_TABLE}
        self.created_tables = {s.change.table for s in self.steps if s.change.kind == CREATE_TABLE}
        # What later (or earlier) changes do, looked up by table (before) and name or columns,
        # so that reading a migration stays linear in its size.
        self.foreign_keys_added: set[tuple] = set()
        self.keys_added: set[tuple] = set()
        self.set_again: set[tuple] = set()
        self.indexes_dropped: dict[tuple, Change] = {}
        for step in self.steps:
            change = step.change
            if change.kind == ADD_FOREIGN_KEY:
                self.foreign_keys_added.add((step.table, step.columns_before()))
            elif _adds_a_key(change):
                self.keys_added.add((step.table, "name", change.name))
                self.keys_added.add((step.table, "columns", step.columns_before()))
            elif change.kind in (SET_DEFAULT, ADD_IDENTITY):
                self.set_again.add((step.table, change.kind, change.column))
            elif change.kind == DROP_INDEX and change.name:
                self.indexes_dropped.setdefault((step.table, change.name), change)

    def q(self, name: str) -> str:
        return quote_name(name, self.dialect)

    def count(self, table: str, where: str = "", expect: str = "") -> str:
        query = f"SELECT count(*) FROM {self.q(table)}"
        return f"-- {expect}\n{query} WHERE {where}" if where else f"-- {expect}\n{query}"

    def is_added(self, step: _Step, column: str) -> bool:
        return (step.table, column) in self.added

    def null_everywhere(self, step: _Step) -> bool:
        """Some column of the change is added by the migration without a default: it holds NULL
        in every existing row."""
        return any(
            self.is_added(step, column) and not self.added[(step.table, column)]
            for column in step.change.columns or (step.change.column,)
        )

    def findings(self, step: _Step):
        """(code, column, message, checks) for each rule the change trips."""
        change = step.change
        kind, where, column = change.kind, f'"{change.table}"', change.column
        listed = _quoted_columns(change.columns)
        if kind == DROP_TABLE:
            checks = [self.count(step.table, expect="the rows that would be lost")]
            yield "DS102", "", f"Drops table {where} and every row in it.", checks
        elif kind == DROP_COLUMN:
            present = f"{self.q(step.column_before(column))} IS NOT NULL"
            checks = [self.count(step.table, present, "the values that would be lost")]
            yield "DS103", column, f'Drops column "{column}" of {where}.', checks
        elif kind == DROP_FOREIGN_KEY and not self.foreign_key_stays(step):
            target = change.facts.get("references", "")
            to = f' to "{target}"' if target else ""
            name = f' "{change.name}"' if change.name else ""
            message = f"Drops foreign key{name} of {where} ({listed}){to}."
            yield "CD101", column or ", ".join(change.columns), message, []
        elif kind == RENAME_TABLE:
            yield "BC101", "", f'Renames table "{change.old}" to {where}.', []
        elif kind == RENAME_COLUMN:
            yield "BC102", column, f'Renames column "{change.old}" of {where} to "{column}".', []
        elif kind in (DROP_DEFAULT, DROP_IDENTITY) and not self.comes_back(step):
            what = "default" if kind == DROP_DEFAULT else "identity"
            yield "SS301", column, f'Drops the {what} of "{column}" in {where}.', []
        elif self.drops_a_key(step):
            what = "primary key" if kind == DROP_PRIMARY_KEY else "unique key"
            name = f' "{change.name}"' if change.name else ""
            on = f" ({listed})" if change.columns else ""
            message = f"Drops the {what}{name} of {where}{on}."
            yield "SS302", ", ".join(change.columns), message, []
        if change.table_is_new:
            return
        yield from self.data_dependent(step)
        if self.dialect == "postgresql":
            yield from self.locking(step)

    def comes_back(self, step: _Step) -> bool:
        """A default (identity) dropped and set again on the same column, as around a change
        of type."""
        again = SET_DEFAULT if step.change.kind == DROP_DEFAULT else ADD_IDENTITY
        return (step.table, again, step.change.column) in self.set_again

    def foreign_key_stays(self, step: _Step) -> bool:
        """The key goes with its table, or is added again on the same columns (changed)."""
        return step.table in self.dropped_tables or (
            bool(step.change.columns)
            and (step.table, step.columns_before()) in self.foreign_keys_added
        )

    def drops_a_key(self, step: _Step) -> bool:
        """A unique key or primary key is dropped and not added again (same name or columns)."""
        change = step.change
        dropped = change.kind in (DROP_UNIQUE, DROP_PRIMARY_KEY) or (
            change.kind == DROP_INDEX and change.facts.get("unique")
        )
        if not dropped or step.table in self.dropped_tables:
            return False
        again = (change.name and (step.table, "name", change.name) in self.keys_added) or (
            change.columns and (step.table, "columns", step.columns_before()) in self.keys_added
        )
        return not again

    def made_unique(self, step: _Step) -> bool | None:
        """True: the index was there, not unique; False: it was unique; None: it is new."""
        facts = step.change.facts
        if "was_unique" in facts:
            return not facts["was_unique"]
        dropped = self.indexes_dropped.get((step.table, step.change.name))
        return None if dropped is None else not dropped.facts.get("unique")

    def data_dependent(self, step: _Step):
        change = step.change
        kind, where, column = change.kind, f'"{change.table}"', change.column
        listed = _quoted_columns(change.columns)
        if (kind == CREATE_INDEX and change.facts.get("unique")) or kind == ADD_UNIQUE:
            made_unique = self.made_unique(step) if kind == CREATE_INDEX else None
            if made_unique is False or self.null_everywhere(step):
                return
            code, message = "MF101", f"Adds a unique key on {where} ({listed})."
            if made_unique:
                code, message = (
                    "MF102",
                    f'Makes the index "{change.name}" on {where} ({listed}) unique.',
                )
            yield code, ", ".join(change.columns), message, [self.duplicates_check(step)]
        elif kind == ADD_PRIMARY_KEY:
            nulls = " OR ".join(f"{self.q(c)} IS NULL" for c in step.columns_before())
            checks = [
                self.count(step.table, nulls, "must be 0: the rows with NULL in the key"),
                self.duplicates_check(step),
            ]
            yield (
                "SS104",
                ", ".join(change.columns),
                f"Adds a primary key on {where} ({listed}).",
                checks,
            )
        elif kind == ADD_COLUMN:
            if change.facts.get("not_null") and not change.facts.get("has_default"):
                check = self.count(step.table, expect="must be 0: the rows that get no value")
                message = f'Adds NOT NULL column "{column}" to {where} without a default.'
                if self.dialect == "mysql":
                    message += " MySQL does not refuse it: it fills the rows with 0 or ''."
                yield "MF103", column, message, [check]
        elif kind == SET_NOT_NULL and not self.is_added(step, column):
            nulls = f"{self.q(step.column_before(column))} IS NULL"
            check = self.count(step.table, nulls, "must be 0: the rows holding NULL")
            yield "MF104", column, f'Makes "{column}" of {where} NOT NULL.', [check]
        elif kind == ALTER_TYPE and change.facts.get("narrowing"):
            before = self.q(step.column_before(column))
            misfits = _does_not_fit(before, change.old, change.new, self.dialect)
            checks = [self.count(step.table, misfits, "must be 0: the values that do not fit")]
            message = f'Narrows "{column}" of {where} from {change.old} to {change.new}.'
            yield "SS101", column, message, checks if misfits else []
        elif kind == ADD_CHECK and not _not_valid(change):
            condition = change.facts.get("condition") or _check_condition(change.sql)
            if self.null_everywhere(step) and "NULL" not in condition.upper():
                return  # NULL satisfies a CHECK
            checks = []
            if condition:
                violated = f"NOT ({self.before_names(step, condition)})"
                checks.append(self.count(step.table, violated, "must be 0: the rows violating it"))
            name = f' "{change.name}"' if change.name else ""
            yield "SS102", ", ".join(change.columns), f"Adds CHECK{name} to {where}.", checks
        elif kind == ADD_FOREIGN_KEY and not _not_valid(change) and not self.null_everywhere(step):
            target = change.facts.get("references", "")
            to = f' to "{target}"' if target else ""
            check = self.orphans_check(step, target) if target else ""
            message = f"Adds a foreign key on {where} ({listed}){to}."
            yield "SS103", ", ".join(change.columns), message, [check] if check else []

    def before_names(self, step: _Step, text: str) -> str:
        """SQL text of the target with the columns of the change's table renamed back."""
        for (table, now), before in step.columns.items():
            if table != step.table or now == before:
                continue
            text = text.replace(self.q(now), self.q(before))
            text = re.sub(rf"(?<![\w\"`.]){re.escape(now)}(?![\w\"`(])", self.q(before), text)
        return text

    def duplicates_check(self, step: _Step) -> str:
        change = step.change
        items, predicate = _index_parts(change.sql, self.dialect)
        if items:
            items = [self.before_names(step, item) for item in items]
        else:
            items = [self.q(column) for column in step.columns_before()]
        predicate = self.before_names(step, predicate) if predicate else ""
        listed = ", ".join(items)
        conditions = [f"({predicate})"] if predicate else []
        if "NULLS NOT DISTINCT" not in change.sql.upper():
            # NULLs are distinct in a unique key: rows with a NULL in it never clash.
            conditions += [
                f"{item if _is_name(item) else f'({item})'} IS NOT NULL" for item in items
            ]
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        return (
            "-- must return no row: the values held more than once\n"
            f"SELECT {listed}, count(*) FROM {self.q(step.table)}{where} "
            f"GROUP BY {listed} HAVING count(*) > 1"
        )

    def orphans_check(self, step: _Step, target: str) -> str:
        change, q = step.change, self.q
        columns = step.columns_before()
        present = " AND ".join(f"c.{q(c)} IS NOT NULL" for c in columns)
        if target in self.created_tables:
            return self.count(
                step.table,
                " AND ".join(f"{q(c)} IS NOT NULL" for c in columns),
                f'must be 0: "{target}" is created empty, so every value points at no row',
            )
        target_columns = change.facts.get("target_columns") or _references(change.sql)
        if not columns or len(target_columns) != len(columns):
            return ""
        target_before = step.table_before(target)
        joined = " AND ".join(
            f"p.{q(step.column_before(t, target_before))} = c.{q(c)}"
            for c, t in zip(columns, target_columns, strict=True)
        )
        return (
            "-- must be 0: the rows that point at no row\n"
            f"SELECT count(*) FROM {q(step.table)} AS c WHERE {present} AND NOT EXISTS "
            f"(SELECT 1 FROM {q(target_before)} AS p WHERE {joined})"
        )

    def locking(self, step: _Step):
        change = step.change
        kind, where, column = change.kind, f'"{change.table}"', change.column
        sql = change.sql.upper()
        listed = _quoted_columns(change.columns)
        on = f" ({listed})" if change.columns else ""
        name = f' "{change.name}"' if change.name else ""
        if kind == CREATE_INDEX and "CONCURRENTLY" not in sql:
            yield "PG101", ", ".join(change.columns), f"Indexes {where}{on}.", []
        elif kind == DROP_INDEX and "CONCURRENTLY" not in sql:
            yield "PG103", ", ".join(change.columns), f"Drops index{name} of {where}{on}.", []
        elif kind == ALTER_TYPE and change.facts.get("rewrites"):
            message = (
                f'Changes "{column}" of {where} from {change.old} to {change.new}: the table '
                "is rewritten."
            )
            yield "SS201", column, message, [self.count(step.table, expect="the rows to rewrite")]
        elif kind == SET_NOT_NULL and not self.is_added(step, column):
            check = self.count(step.table, expect="the rows to scan")
            yield "SS202", column, f'SET NOT NULL on "{column}" scans {where}.', [check]
        elif kind == ADD_FOREIGN_KEY and not _not_valid(change):
            message = f"Adds a foreign key on {where}{on} and checks every row."
            yield "SS203", ", ".join(change.columns), message, []
        elif kind == ADD_CHECK and not _not_valid(change):
            yield (
                "SS204",
                ", ".join(change.columns),
                f"Adds CHECK{name} to {where} and checks every row.",
                [],
            )
        elif kind in (ADD_UNIQUE, ADD_PRIMARY_KEY) and "USING INDEX" not in sql:
            yield "SS205", ", ".join(change.columns), f"Builds the key of {where}{on}.", []


def _adds_a_key(change: Change) -> bool:
    return change.kind in (ADD_UNIQUE, ADD_PRIMARY_KEY) or (
        change.kind == CREATE_INDEX and bool(change.facts.get("unique"))
    )


def _is_name(item: str) -> bool:
    return bool(re.fullmatch(r"\"(?:[^\"]|\"\")*\"|`(?:[^`]|``)*`|[A-Za-z_]\w*", item))


def risk_level(code: str, settings: Mapping[str, str] | None) -> str:
    """The level a code reports at under `settings`: "off", "warning" or "error"."""
    setting = (settings or {}).get(code)
    return setting if setting in SETTINGS else RISK_RULES[code].level


def migration_risks(migration: Migration, settings: Mapping[str, str] | None = None) -> list[Risk]:
    """The risks of running `migration`, in the order of its statements. `settings` maps a code
    to "off" (not reported), "warning" or "error"; codes it does not name keep their level."""
    reader = _Reader(migration)
    risks = []
    for step in reader.steps:
        change = step.change
        for code, column, message, checks in reader.findings(step):
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
