"""Two schemas → the SQL that turns the database of the first into that of the second.

Tables, columns, keys, constraints and indexes are matched by the uid of the row they come from (a
rename in the editor keeps it; records parsed from text, which have none, are matched by name),
so a renamed column comes out as `RENAME COLUMN`, never as a drop and an add. Both schemas are
first written by the DDL writer, so the migration creates exactly what the DDL of the target
would, under the same names.

PostgreSQL and MySQL get one `ALTER` per change, in an order where each statement runs: what goes
is dropped first (foreign keys, indexes, tables, then keys and columns), then names change, then
what comes is created (columns, keys, tables, indexes), foreign keys last, once the tables and
keys they name exist. SQLite's
ALTER TABLE renames, but cannot change a column or a constraint: a table that changes more than
names is rebuilt, as https://sqlite.org/lang_altertable.html#otheralter describes.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sqlglot import exp

from specs_app.interchange.records import ParsedSchema
from specs_app.interchange.sql import changes as kinds
from specs_app.interchange.sql.changes import Change, Migration
from specs_app.interchange.sql.types import type_change
from specs_app.interchange.sql.writer import (
    DIALECTS,
    _Column,
    _Constraint,
    _ForeignKey,
    _Index,
    _Table,
    _Writer,
    schema_tables,
)


def migration_between(base: ParsedSchema, target: ParsedSchema, dialect: str) -> Migration:
    """The migration from `base` to `target` in `dialect` (a key of writer.DIALECTS)."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; one of {', '.join(DIALECTS)}")
    old, new = _Side(schema_tables(base, dialect)), _Side(schema_tables(target, dialect))
    planner = _SqlitePlanner if dialect == "sqlite" else _AlterPlanner
    changes = list(planner(old, new, DIALECTS[dialect]).plan())
    return Migration(dialect=dialect, changes=changes, target_ddl=new.writer.text)


# -- the two sides -----------------------------------------------------------------------------


def _table_key(table: _Table) -> str:
    return table.model.uid or f"name:{table.model.table}"


def _column_key(column: _Column) -> str:
    return column.uid or f"name:{column.name}"


def _index_key(index: _Index) -> str:
    return index.uid or f"name:{index.name}"


class _Side:
    """One schema as the writer wrote it, with its parts found by key."""

    def __init__(self, writer: _Writer) -> None:
        self.writer = writer
        self.tables = {_table_key(table): table for table in writer.tables}
        self.by_name = {table.model.table: table for table in writer.tables}

    def columns(self, table: _Table) -> dict[str, _Column]:
        return {_column_key(column): column for column in table.columns}

    def column_key(self, table: _Table, name: str) -> str:
        column = next((c for c in table.columns if c.name == name), None)
        return _column_key(column) if column else f"missing:{name}"

    def key_columns(self, table: _Table) -> set[str]:
        key = next((c for c in table.constraints if c.key == "pk"), None)
        return set(key.columns) if key else set()

    # Signatures: what a part means with every name replaced by the key of what it names, so
    # that a part only renamed has the same signature in both schemas.

    def constraint_signature(self, table: _Table, constraint: _Constraint) -> str:
        if constraint.expression is not None:
            return f"check {self.expression_signature(table, constraint.expression)}"
        columns = [self.column_key(table, name) for name in constraint.columns]
        if constraint.kind == "primary_key":
            return f"primary_key {columns}"
        return f"{constraint.kind} {sorted(columns)}"

    def expression_signature(self, table: _Table, node: exp.Expression) -> str:
        node = node.copy()
        for column in node.find_all(exp.Column):
            column.set("this", exp.to_identifier(self.column_key(table, column.name)))
        if isinstance(node, exp.Create):
            node.this.set("this", exp.to_identifier("_"))
            node.this.set("table", exp.to_table(_table_key(table)))
        return node.sql(dialect="postgres")

    def foreign_key_signature(self, table: _Table, key: _ForeignKey) -> str:
        target = self.by_name.get(key.table)
        columns = [self.column_key(table, name) for name in key.columns]
        if target is None:
            return f"{columns} -> missing:{key.table}"
        ref_columns = [self.column_key(target, name) for name in key.ref_columns]
        return f"{columns} -> {_table_key(target)} {ref_columns} {key.on_delete}"

    def index_signature(self, table: _Table, index: _Index) -> str:
        return self.expression_signature(table, index.node)


@dataclass
class _Pair:
    """A table in both schemas."""

    old: _Table
    new: _Table


# -- PostgreSQL and MySQL ----------------------------------------------------------------------


class _AlterPlanner:
    def __init__(self, old: _Side, new: _Side, dialect: str) -> None:
        self.old, self.new, self.dialect = old, new, dialect
        self.writer = new.writer
        self.pairs = [
            _Pair(old.tables[key], table) for key, table in new.tables.items() if key in old.tables
        ]
        self.created = [table for key, table in new.tables.items() if key not in old.tables]
        self.dropped = [table for key, table in old.tables.items() if key not in new.tables]
        self.memo: dict[tuple, object] = {}

    def once(self, name: str, pair: "_Pair", compute):
        """`compute()` for this pair, worked out once: every step of the plan reads the same
        matching of a table's parts (and SQLite whether it rebuilds the table)."""
        key = (name, id(pair))
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def q(self, identifier: str) -> str:
        return self.writer.name(identifier)

    def change(self, kind: str, table: str, sql: str, **values) -> Change:
        return Change(kind=kind, table=table, sql=sql, **values)

    def plan(self) -> Iterator[Change]:
        yield from self.extensions()
        yield from self.drop_foreign_keys()
        yield from self.drop_indexes()
        # A dropped table's foreign keys go with it, before the keys they name.
        yield from self.drop_tables()
        yield from self.drop_constraints()
        yield from self.drop_columns()
        yield from self.rename_tables()
        yield from self.rename_columns()
        yield from self.rename_kept()
        yield from self.add_columns()
        yield from self.alter_columns()
        # A new table's foreign keys may name a key added to a kept table.
        yield from self.add_constraints()
        yield from self.create_tables()
        yield from self.create_indexes()
        yield from self.add_foreign_keys()

    # -- what the two sides share, and what differs -------------------------------------------

    def stable(self, pair: _Pair) -> bool:
        """Whether the table and its columns keep their names: then a check or an index means
        the same on both sides exactly when its text is the same (no need to read it)."""
        if pair.old.model.table != pair.new.model.table:
            return False
        names = {_column_key(c): c.name for c in pair.old.columns}
        return names == {_column_key(c): c.name for c in pair.new.columns}

    def kept_constraints(self, pair: _Pair) -> list[tuple[_Constraint | None, _Constraint | None]]:
        """(old, new) for every constraint of a kept table; None on the side that lacks it."""
        return self.once("constraints", pair, lambda: list(self.match_constraints(pair)))

    def kept_foreign_keys(self, pair: _Pair) -> list[tuple[_ForeignKey | None, _ForeignKey | None]]:
        return self.once("keys", pair, lambda: list(self.match_foreign_keys(pair)))

    def kept_indexes(self, pair: _Pair) -> list[tuple[_Index | None, _Index | None]]:
        """(old, new) per index; a changed one comes as (old, None) then (None, new)."""
        return self.once("indexes", pair, lambda: list(self.match_indexes(pair)))

    def match_constraints(self, pair: _Pair):
        if self.stable(pair):
            olds = {f"{c.kind} {c.body}": c for c in pair.old.constraints}
            news = {f"{c.kind} {c.body}": c for c in pair.new.constraints}
        else:
            olds = {self.old.constraint_signature(pair.old, c): c for c in pair.old.constraints}
            news = {self.new.constraint_signature(pair.new, c): c for c in pair.new.constraints}
        for signature, constraint in olds.items():
            yield constraint, news.get(signature)
        for signature, constraint in news.items():
            if signature not in olds:
                yield None, constraint

    def match_foreign_keys(self, pair: _Pair):
        olds = {self.old.foreign_key_signature(pair.old, k): k for k in pair.old.foreign_keys}
        news = {self.new.foreign_key_signature(pair.new, k): k for k in pair.new.foreign_keys}
        for signature, key in olds.items():
            yield key, news.get(signature)
        for signature, key in news.items():
            if signature not in olds:
                yield None, key

    def match_indexes(self, pair: _Pair):
        olds = {_index_key(i): i for i in pair.old.indexes}
        news = {_index_key(i): i for i in pair.new.indexes}
        stable = self.stable(pair)
        for key, index in olds.items():
            other = news.get(key)
            if other is not None and self.index_changed(pair, index, other, stable):
                yield index, None  # changed: dropped and created again
                yield None, other
            else:
                yield index, other
        for key, index in news.items():
            if key not in olds:
                yield None, index

    def index_changed(self, pair: _Pair, old: _Index, new: _Index, stable: bool) -> bool:
        if stable and " ON " not in old.name + new.name:
            # The statement's text after the index's name: same text, same index.
            after = old.sql.split(" ON ", 1)[1] != new.sql.split(" ON ", 1)[1]
            return after or old.unique != new.unique
        return self.old.index_signature(pair.old, old) != self.new.index_signature(pair.new, new)

    def model_uid(self, table: _Table) -> dict:
        return {"model_uid": table.model.uid}

    # -- drops -------------------------------------------------------------------------------

    def extensions(self) -> Iterator[Change]:
        if self.dialect != "postgres":
            return
        for name in sorted(self.new.writer.extensions - self.old.writer.extensions):
            yield self.change(kinds.SUPPORT, "", f'CREATE EXTENSION IF NOT EXISTS "{name}";')

    def drop_foreign_keys(self) -> Iterator[Change]:
        dropped = {_table_key(t) for t in self.dropped}
        for pair in self.pairs:
            for old, new in self.kept_foreign_keys(pair):
                if old is not None and new is None:
                    yield self.drop_foreign_key(pair.old, old)
        # A key between two dropped tables goes with them, unless the tables form a cycle.
        for table in self.dropped:
            for key in table.foreign_keys:
                target = self.old.by_name.get(key.table)
                if target is None or _table_key(target) not in dropped:
                    continue
                if key in self.cycle_keys():
                    yield self.drop_foreign_key(table, key)

    def drop_foreign_key(self, table: _Table, key: _ForeignKey) -> Change:
        where = self.q(table.model.table)
        verb = "DROP FOREIGN KEY" if self.dialect == "mysql" else "DROP CONSTRAINT"
        # SQLite's keys have no name; its rebuild drops them and says which.
        name = self.q(key.name) if key.name else self.writer.foreign_key_sql(key)
        if self.dialect == "mysql" and not _mysql_key_indexed(table, key):
            name += f", DROP INDEX {self.q(key.name)}"  # the index MySQL made for the key
        return self.change(
            kinds.DROP_FOREIGN_KEY,
            table.model.table,
            f"ALTER TABLE {where} {verb} {name};",
            name=key.name,
            columns=tuple(key.columns),
            facts={"references": key.table, **self.model_uid(table)},
        )

    def drop_indexes(self) -> Iterator[Change]:
        for pair in self.pairs:
            for old, new in self.kept_indexes(pair):
                if old is not None and new is None:
                    on = f" ON {self.q(pair.old.model.table)}" if self.dialect == "mysql" else ""
                    yield self.change(
                        kinds.DROP_INDEX,
                        pair.old.model.table,
                        f"DROP INDEX {self.q(old.name)}{on};",
                        name=old.name,
                        facts={"unique": old.unique, **self.model_uid(pair.old)},
                    )

    def drop_constraints(self) -> Iterator[Change]:
        for pair in self.pairs:
            for old, new in self.kept_constraints(pair):
                if old is not None and new is None:
                    yield self.drop_constraint(pair.old, old)

    def drop_constraint(self, table: _Table, constraint: _Constraint) -> Change:
        where = self.q(table.model.table)
        kind = {
            "primary_key": kinds.DROP_PRIMARY_KEY,
            "unique": kinds.DROP_UNIQUE,
            "check": kinds.DROP_CHECK,
        }[constraint.kind]
        name = self.constraint_name(table, constraint)
        if self.dialect == "mysql":
            clause = {
                "primary_key": "DROP PRIMARY KEY",
                "unique": f"DROP INDEX {self.q(name)}",
                "check": f"DROP CONSTRAINT {self.q(name)}",  # MySQL 8.0.19+, MariaDB
            }[constraint.kind]
        else:
            clause = f"DROP CONSTRAINT {self.q(name)}"
        return self.change(
            kind,
            table.model.table,
            f"ALTER TABLE {where} {clause};",
            name=name,
            columns=tuple(constraint.columns),
            facts=self.model_uid(table),
        )

    def constraint_name(self, table: _Table, constraint: _Constraint) -> str:
        if constraint.kind == "primary_key":
            return "PRIMARY" if self.dialect == "mysql" else f"{table.model.table}_pkey"[:63]
        return constraint.name

    def drop_tables(self) -> Iterator[Change]:
        left = list(self.dropped)
        while left:
            names = {t.model.table for t in left}
            # A table goes once no other table left to drop refers to it.
            ready = next(
                (
                    t
                    for t in left
                    if not any(
                        k.table == t.model.table and k not in self.cycle_keys()
                        for other in left
                        if other is not t
                        for k in other.foreign_keys
                        if k.table in names
                    )
                ),
                left[0],
            )
            left.remove(ready)
            yield self.change(
                kinds.DROP_TABLE,
                ready.model.table,
                f"DROP TABLE {self.q(ready.model.table)};",
                facts=self.model_uid(ready),
            )

    def cycle_keys(self) -> list[_ForeignKey]:
        """Keys between dropped tables that refer to each other in a cycle."""
        if not hasattr(self, "_cycle_keys"):
            names = {t.model.table: t for t in self.dropped}
            keys = []
            for table in self.dropped:
                for key in table.foreign_keys:
                    target = names.get(key.table)
                    if (
                        target is not None
                        and target is not table
                        and _reaches(target, table.model.table, names)
                    ):
                        keys.append(key)
            self._cycle_keys = keys
        return self._cycle_keys

    def drop_columns(self) -> Iterator[Change]:
        for pair in self.pairs:
            news = self.new.columns(pair.new)
            for key, column in self.old.columns(pair.old).items():
                if key not in news:
                    yield self.change(
                        kinds.DROP_COLUMN,
                        pair.old.model.table,
                        f"ALTER TABLE {self.q(pair.old.model.table)} "
                        f"DROP COLUMN {self.q(column.name)};",
                        column=column.name,
                        facts=self.model_uid(pair.old),
                    )

    # -- renames -----------------------------------------------------------------------------

    def rename_tables(self) -> Iterator[Change]:
        renames = [
            (pair.old.model.table, pair.new.model.table, pair)
            for pair in self.pairs
            if pair.old.model.table != pair.new.model.table
        ]
        taken = {pair.old.model.table for pair in self.pairs}
        for old, new, pair in _in_rename_order(renames, taken):
            yield self.change(
                kinds.RENAME_TABLE if pair else kinds.SUPPORT,
                new,
                f"ALTER TABLE {self.q(old)} RENAME TO {self.q(new)};",
                old=old,
                facts=self.model_uid(pair.new) if pair else {},
            )

    def rename_columns(self) -> Iterator[Change]:
        for pair in self.pairs:
            olds = self.old.columns(pair.old)
            renames = [
                (olds[key].name, column.name, column)
                for key, column in self.new.columns(pair.new).items()
                if key in olds and olds[key].name != column.name
            ]
            taken = {c.name for key, c in olds.items() if key in self.new.columns(pair.new)}
            where = self.q(pair.new.model.table)
            for old, new, column in _in_rename_order(renames, taken):
                yield self.change(
                    kinds.RENAME_COLUMN if column else kinds.SUPPORT,
                    pair.new.model.table,
                    f"ALTER TABLE {where} RENAME COLUMN {self.q(old)} TO {self.q(new)};",
                    column=new,
                    old=old,
                    facts=self.model_uid(pair.new),
                )

    def rename_kept(self) -> Iterator[Change]:
        """Indexes and constraints kept under another name (their table or column was renamed)
        take the name the target's DDL gives them, so that a later migration finds them."""
        for pair in self.pairs:
            where = self.q(pair.new.model.table)
            for old, new in self.kept_indexes(pair):
                if old is not None and new is not None and old.name != new.name:
                    names = f"{self.q(old.name)} TO {self.q(new.name)}"
                    sql = (
                        f"ALTER TABLE {where} RENAME INDEX {names};"
                        if self.dialect == "mysql"
                        else f"ALTER INDEX {self.q(old.name)} RENAME TO {self.q(new.name)};"
                    )
                    yield self.change(
                        kinds.RENAME_INDEX, pair.new.model.table, sql, name=new.name, old=old.name
                    )
            for old, new in self.kept_constraints(pair):
                if old is None or new is None:
                    continue
                before, after = (
                    self.constraint_name(pair.old, old),
                    self.constraint_name(pair.new, new),
                )
                if before != after and self.dialect != "mysql":
                    yield self.rename_constraint(pair, before, after)
                elif before != after and new.kind == "unique":  # MySQL: a unique key is an index
                    yield self.change(
                        kinds.RENAME_CONSTRAINT,
                        pair.new.model.table,
                        f"ALTER TABLE {where} RENAME INDEX {self.q(before)} TO {self.q(after)};",
                        name=after,
                        old=before,
                    )
            if self.dialect == "mysql":
                continue  # MySQL renames no check or foreign key: a kept one keeps its name
            for old, new in self.kept_foreign_keys(pair):
                if old is not None and new is not None and old.name != new.name:
                    yield self.rename_constraint(pair, old.name, new.name)

    def rename_constraint(self, pair: _Pair, before: str, after: str) -> Change:
        return self.change(
            kinds.RENAME_CONSTRAINT,
            pair.new.model.table,
            f"ALTER TABLE {self.q(pair.new.model.table)} "
            f"RENAME CONSTRAINT {self.q(before)} TO {self.q(after)};",
            name=after,
            old=before,
        )

    # -- creates -----------------------------------------------------------------------------

    def create_tables(self) -> Iterator[Change]:
        done = {pair.new.model.table for pair in self.pairs}
        left = list(self.created)
        while left:
            ready = next(
                (t for t in left if all(k.table in done | {t.model.table} for k in t.foreign_keys)),
                left[0],
            )
            left.remove(ready)
            done.add(ready.model.table)
            # A key to a table not yet created is added with the other keys, at the end.
            ready.deferred = [k for k in ready.foreign_keys if k.table not in done]
            yield self.change(
                kinds.CREATE_TABLE,
                ready.model.table,
                self.writer.create_table(ready),
                table_is_new=True,
                facts=self.model_uid(ready),
            )
            for index in ready.indexes:
                yield self.create_index(ready, index, table_is_new=True)

    def add_columns(self) -> Iterator[Change]:
        for pair in self.pairs:
            olds = self.old.columns(pair.old)
            for key, column in self.new.columns(pair.new).items():
                if key in olds:
                    continue
                parts = column.parts(self.q(column.name), with_key=False)
                yield self.change(
                    kinds.ADD_COLUMN,
                    pair.new.model.table,
                    f"ALTER TABLE {self.q(pair.new.model.table)} ADD COLUMN {' '.join(parts)};",
                    column=column.name,
                    new=column.type_sql,
                    facts={
                        "not_null": column.not_null or column.primary_key,
                        "has_default": bool(column.default or column.identity),
                        **self.model_uid(pair.new),
                    },
                )

    def alter_columns(self) -> Iterator[Change]:
        for pair in self.pairs:
            news = self.new.columns(pair.new)
            old_keys, new_keys = self.old.key_columns(pair.old), self.new.key_columns(pair.new)
            for key, old in self.old.columns(pair.old).items():
                new = news.get(key)
                if new is not None:
                    yield from self.alter_column(pair, old, new, old_keys, new_keys)
                    if not self.writer.named:
                        yield from self.inline_changes(pair, old, new)

    def inline_changes(self, pair: _Pair, old: _Column, new: _Column) -> Iterator[Change]:
        """SQLite writes a column's UNIQUE and CHECKs in the column: a change to them is a
        unique key or check added or dropped (its rebuild makes it)."""
        table, facts = pair.new.model.table, self.model_uid(pair.new)
        renamed = re.compile(rf"\b{re.escape(old.name)}\b")
        before = {renamed.sub(new.name, piece) for piece in old.inline}
        after = set(new.inline)
        where = f"ALTER TABLE {self.q(table)}"
        for piece in sorted(before - after):
            kind = kinds.DROP_UNIQUE if piece == "UNIQUE" else kinds.DROP_CHECK
            yield self.change(
                kind, table, f"{where} DROP {piece} ({self.q(new.name)});", column=new.name,
                columns=(new.name,), facts=facts,
            )  # fmt: skip
        for piece in sorted(after - before):
            kind = kinds.ADD_UNIQUE if piece == "UNIQUE" else kinds.ADD_CHECK
            clause = f"UNIQUE ({self.q(new.name)})" if piece == "UNIQUE" else piece
            yield self.change(
                kind, table, f"{where} ADD {clause};", column=new.name, columns=(new.name,),
                facts={"columns_are_new": False, **facts},
            )  # fmt: skip

    def column_change(self, pair: _Pair, column: _Column, kind: str, clause: str, **values):
        """`ALTER TABLE t ALTER COLUMN c <clause>;` as a change of `kind`."""
        facts = {**values.pop("facts", {}), **self.model_uid(pair.new)}
        table = pair.new.model.table
        sql = f"ALTER TABLE {self.q(table)} ALTER COLUMN {self.q(column.name)} {clause};"
        return self.change(kind, table, sql, column=column.name, facts=facts, **values)

    def alter_column(self, pair, old: _Column, new: _Column, old_keys, new_keys):
        was_not_null = old.not_null or old.name in old_keys
        not_null = new.not_null or new.name in new_keys
        if self.dialect == "mysql":
            retyped = _squeeze(old.type_sql) != _squeeze(new.type_sql)
            yield from self.modify_column(pair, old, new, retyped, was_not_null != not_null)
            return
        # A serial is an integer with a sequence behind its default: the type changes as the
        # integer's, the sequence on its own (ALTER … TYPE serial does not exist).
        new_type = _integer_of(new)
        retyped = _squeeze(_integer_of(old)) != _squeeze(new_type)
        if old.identity and not new.identity:
            yield self.column_change(pair, new, kinds.DROP_IDENTITY, "DROP IDENTITY")
        default_dropped = old.default and (retyped or not new.default)
        if default_dropped:
            yield self.column_change(pair, new, kinds.DROP_DEFAULT, "DROP DEFAULT")
        yield from self.serial_dropped(pair, old, new)
        if retyped:
            change = type_change(old.data_type, new.data_type)
            column = self.q(new.name)
            using = f" USING {_using(column, old.data_type, new)}" if change.needs_using else ""
            yield self.column_change(
                pair,
                new,
                kinds.ALTER_TYPE,
                f"TYPE {new_type}{using}",
                old=old.type_sql,
                new=new.type_sql,
                facts={"narrowing": change.narrowing, "rewrites": change.rewrites},
            )
        yield from self.serial_added(pair, old, new, retyped)
        if new.default and (default_dropped or old.default != new.default):
            yield self.column_change(pair, new, kinds.SET_DEFAULT, f"SET DEFAULT {new.default}")
        if was_not_null and not not_null:
            yield self.column_change(pair, new, kinds.DROP_NOT_NULL, "DROP NOT NULL")
        if not was_not_null and not_null:
            facts = {"not_null": True, "has_default": bool(new.default)}
            yield self.column_change(pair, new, kinds.SET_NOT_NULL, "SET NOT NULL", facts=facts)
        if new.identity and not old.identity:
            yield self.column_change(pair, new, kinds.ADD_IDENTITY, f"ADD {new.identity}")

    def serial_dropped(self, pair: _Pair, old: _Column, new: _Column) -> Iterator[Change]:
        if not _is_serial(old) or _is_serial(new):
            return
        sequence = self.q(f"{pair.old.model.table}_{old.name}_seq"[:63])
        facts = {"sequence": True}
        yield self.column_change(pair, new, kinds.DROP_DEFAULT, "DROP DEFAULT", facts=facts)
        sql = f"DROP SEQUENCE IF EXISTS {sequence};"
        yield self.change(kinds.SUPPORT, pair.new.model.table, sql)

    def serial_added(self, pair: _Pair, old: _Column, new: _Column, retyped: bool):
        table = pair.new.model.table
        if _is_serial(old) and _is_serial(new) and retyped:
            sequence = self.q(f"{pair.old.model.table}_{old.name}_seq"[:63])
            sql = f"ALTER SEQUENCE IF EXISTS {sequence} AS {_integer_of(new)};"
            yield self.change(kinds.SUPPORT, table, sql)
        if _is_serial(old) or not _is_serial(new):
            return
        name = f"{table}_{new.name}_seq"[:63]
        yield self.change(
            kinds.SUPPORT,
            table,
            f"CREATE SEQUENCE {self.q(name)} AS {_integer_of(new)} "
            f"OWNED BY {self.q(table)}.{self.q(new.name)};",
        )
        literal = "'" + self.q(name).replace("'", "''") + "'"
        clause = f"SET DEFAULT nextval({literal})"
        yield self.column_change(pair, new, kinds.SET_DEFAULT, clause, facts={"sequence": True})

    def modify_column(self, pair, old: _Column, new: _Column, retyped: bool, nullness: bool):
        """MySQL changes a column by writing it whole."""
        if not (retyped or nullness or old.default != new.default or old.identity != new.identity):
            return
        parts = new.parts(self.q(new.name), with_key=False)
        if retyped:
            change = type_change(old.data_type, new.data_type)
            kind = kinds.ALTER_TYPE
            facts = {"narrowing": change.narrowing, "rewrites": change.rewrites}
        elif nullness:
            kind = kinds.SET_NOT_NULL if new.not_null else kinds.DROP_NOT_NULL
            facts = {"not_null": new.not_null, "has_default": bool(new.default)}
        elif old.default != new.default:
            kind, facts = (kinds.SET_DEFAULT if new.default else kinds.DROP_DEFAULT), {}
        else:
            kind, facts = (kinds.ADD_IDENTITY if new.identity else kinds.DROP_IDENTITY), {}
        yield self.change(
            kind,
            pair.new.model.table,
            f"ALTER TABLE {self.q(pair.new.model.table)} MODIFY COLUMN {' '.join(parts)};",
            column=new.name,
            old=old.type_sql if retyped else "",
            new=new.type_sql if retyped else "",
            facts={**facts, **self.model_uid(pair.new)},
        )

    def add_constraints(self) -> Iterator[Change]:
        for pair in self.pairs:
            added = self.added_columns(pair)
            for old, new in self.kept_constraints(pair):
                if old is None and new is not None:
                    yield self.add_constraint(pair.new, new, added)

    def added_columns(self, pair: _Pair) -> set[str]:
        olds = self.old.columns(pair.old)
        return {c.name for key, c in self.new.columns(pair.new).items() if key not in olds}

    def add_constraint(self, table: _Table, constraint: _Constraint, added: set[str]) -> Change:
        kind = {
            "primary_key": kinds.ADD_PRIMARY_KEY,
            "unique": kinds.ADD_UNIQUE,
            "check": kinds.ADD_CHECK,
        }[constraint.kind]
        return self.change(
            kind,
            table.model.table,
            f"ALTER TABLE {self.q(table.model.table)} ADD {constraint.sql};",
            name=self.constraint_name(table, constraint),
            columns=tuple(constraint.columns),
            facts={
                "columns_are_new": bool(constraint.columns) and set(constraint.columns) <= added,
                **self.model_uid(table),
            },
        )

    def create_indexes(self) -> Iterator[Change]:
        for pair in self.pairs:
            olds = {_index_key(i): i for i in pair.old.indexes}
            added = self.added_columns(pair)
            for old, new in self.kept_indexes(pair):
                if old is None and new is not None:
                    before = olds.get(_index_key(new))
                    yield self.create_index(pair.new, new, added=added, before=before)

    def create_index(
        self,
        table: _Table,
        index: _Index,
        table_is_new: bool = False,
        added: set[str] = frozenset(),
        before: _Index | None = None,
    ) -> Change:
        columns = tuple(sorted({c.name for c in index.node.find_all(exp.Column)}))
        facts = {"unique": index.unique, **self.model_uid(table)}
        facts["columns_are_new"] = bool(columns) and set(columns) <= added
        if before is not None:
            facts["was_unique"] = before.unique
        return self.change(
            kinds.CREATE_INDEX,
            table.model.table,
            index.sql,
            name=index.name,
            columns=columns,
            table_is_new=table_is_new,
            facts=facts,
        )

    def add_foreign_keys(self) -> Iterator[Change]:
        for table in self.created:
            for key in table.deferred:
                yield self.add_foreign_key(table, key, table_is_new=True)
        for pair in self.pairs:
            for old, new in self.kept_foreign_keys(pair):
                if old is None and new is not None:
                    yield self.add_foreign_key(pair.new, new)

    def add_foreign_key(self, table: _Table, key: _ForeignKey, table_is_new=False) -> Change:
        return self.change(
            kinds.ADD_FOREIGN_KEY,
            table.model.table,
            f"ALTER TABLE {self.q(table.model.table)} ADD {self.writer.foreign_key_sql(key)};",
            name=key.name,
            columns=tuple(key.columns),
            table_is_new=table_is_new,
            facts={"references": key.table, **self.model_uid(table)},
        )


# -- SQLite ------------------------------------------------------------------------------------


class _SqlitePlanner(_AlterPlanner):
    """Renames, new and dropped tables and indexes as statements; a table whose columns,
    keys or constraints change is rebuilt: created anew, filled, the old one dropped."""

    def plan(self) -> Iterator[Change]:
        yield self.change(kinds.SUPPORT, "", "PRAGMA foreign_keys = OFF;")
        yield self.change(kinds.SUPPORT, "", "BEGIN;")
        yield from self.drop_indexes()
        yield from self.drop_tables()
        yield from self.rename_tables()
        yield from self.rename_columns()
        yield from self.create_tables()
        for pair in self.pairs:
            if self.rebuilt(pair):
                yield from self.rebuild(pair)
        yield from self.create_indexes()
        yield self.change(kinds.SUPPORT, "", "PRAGMA foreign_key_check;")
        yield self.change(kinds.SUPPORT, "", "COMMIT;")
        yield self.change(kinds.SUPPORT, "", "PRAGMA foreign_keys = ON;")

    def rebuilt(self, pair: _Pair) -> bool:
        """Whether the table changes more than names (and indexes)."""
        return self.once("rebuilt", pair, lambda: self.changes_more_than_names(pair))

    def changes_more_than_names(self, pair: _Pair) -> bool:
        olds, news = self.old.columns(pair.old), self.new.columns(pair.new)
        if olds.keys() != news.keys():
            return True
        for key, old in olds.items():
            new = news[key]
            if old.parts("c") != new.parts("c"):
                return True
        # SQLite renames a constraint the spec names only by rebuilding its table.
        same_constraints = all(
            old is not None and new is not None and old.name == new.name
            for old, new in self.kept_constraints(pair)
        )
        same_keys = all(
            old is not None and new is not None for old, new in self.kept_foreign_keys(pair)
        )
        return not (same_constraints and same_keys)

    def drop_indexes(self) -> Iterator[Change]:
        for pair in self.pairs:
            if self.rebuilt(pair):
                continue  # its indexes go with it
            for old, new in self.kept_indexes(pair):
                if old is not None and (new is None or new.name != old.name):
                    yield self.change(
                        kinds.DROP_INDEX,
                        pair.old.model.table,
                        f"DROP INDEX {self.q(old.name)};",
                        name=old.name,
                        facts={"unique": old.unique, **self.model_uid(pair.old)},
                    )

    def create_indexes(self) -> Iterator[Change]:
        for pair in self.pairs:
            rebuilt = self.rebuilt(pair)
            for old, new in self.kept_indexes(pair):
                if new is not None and (rebuilt or old is None or old.name != new.name):
                    yield self.create_index(pair.new, new)

    def rebuild(self, pair: _Pair) -> Iterator[Change]:
        table = pair.new.model.table
        facts = self.model_uid(pair.new)
        yield from self.what_changes(pair)
        olds = self.old.columns(pair.old)
        kept = [(olds[k].name, c.name) for k, c in self.new.columns(pair.new).items() if k in olds]
        # The columns were renamed already: the old table holds them under the new names.
        names = ", ".join(self.q(new) for _, new in kept)
        temporary = f"_new_{table}"
        pair.new.deferred = []
        created = self.writer.create_table(pair.new).replace(
            f"CREATE TABLE {self.q(table)} (", f"CREATE TABLE {self.q(temporary)} (", 1
        )
        statements = [
            created,
            f"INSERT INTO {self.q(temporary)} ({names}) SELECT {names} FROM {self.q(table)};",
            f"DROP TABLE {self.q(table)};",
            f"ALTER TABLE {self.q(temporary)} RENAME TO {self.q(table)};",
        ]
        for sql in statements:
            yield self.change(kinds.SUPPORT, table, sql, facts=facts)

    def what_changes(self, pair: _Pair) -> list[Change]:
        """The changes a rebuild makes, each as a comment naming it (the statements that make
        them are the rebuild's), so that risks and reviewers see them one by one."""
        saved = self.pairs, self.created, self.dropped
        self.pairs, self.created, self.dropped = [pair], [], []
        try:
            found = [
                *_AlterPlanner.drop_constraints(self),
                *_AlterPlanner.drop_foreign_keys(self),
                *_AlterPlanner.drop_columns(self),
                *_AlterPlanner.add_columns(self),
                *_AlterPlanner.alter_columns(self),
                *_AlterPlanner.add_constraints(self),
                *_AlterPlanner.add_foreign_keys(self),
            ]
        finally:
            self.pairs, self.created, self.dropped = saved
        return [_as_comment(change, pair.new.model.table) for change in found]

    def create_tables(self) -> Iterator[Change]:
        for table in self.created:
            table.deferred = []  # SQLite takes a key to a table created later
            yield self.change(
                kinds.CREATE_TABLE,
                table.model.table,
                self.writer.create_table(table),
                table_is_new=True,
                facts=self.model_uid(table),
            )
            for index in table.indexes:
                yield self.create_index(table, index, table_is_new=True)

    def drop_tables(self) -> Iterator[Change]:
        for table in self.dropped:  # foreign keys are off: any order runs
            yield self.change(
                kinds.DROP_TABLE,
                table.model.table,
                f"DROP TABLE {self.q(table.model.table)};",
                facts=self.model_uid(table),
            )


# -- helpers -----------------------------------------------------------------------------------


def _as_comment(change: Change, table: str) -> Change:
    """`change` with its statement as a comment: the rebuild of `table` makes it."""
    statement = " ".join(change.sql.split())
    return Change(
        kind=change.kind,
        table=change.table,
        sql=f"-- {statement} (by rebuilding {table})",
        column=change.column,
        name=change.name,
        old=change.old,
        new=change.new,
        columns=change.columns,
        table_is_new=change.table_is_new,
        facts=change.facts,
    )


def _mysql_key_indexed(table: _Table, key: _ForeignKey) -> bool:
    """Whether a key, unique key or index of `table` starts with the foreign key's columns; if
    none does, MySQL made an index of its own for the key, under the key's name."""
    leading = [c.columns for c in table.constraints if c.kind != "check"]
    for index in table.indexes:
        params = index.node.this.args.get("params")
        names = [c.name for c in (params.args.get("columns") or [])] if params else []
        leading.append(names)
    return any(columns[: len(key.columns)] == key.columns for columns in leading)


_SERIALS = {
    exp.DataType.Type.SMALLSERIAL: "smallint",
    exp.DataType.Type.SERIAL: "integer",
    exp.DataType.Type.BIGSERIAL: "bigint",
}


def _is_serial(column: _Column) -> bool:
    return column.data_type is not None and column.data_type.this in _SERIALS


def _integer_of(column: _Column) -> str:
    """The column's type, a serial's as the integer type it is."""
    return _SERIALS[column.data_type.this] if _is_serial(column) else column.type_sql


def _using(column: str, old: exp.DataType | None, new: _Column) -> str:
    """The cast of a USING. PostgreSQL casts boolean only to and from integer, and any type
    through text (which fails only on a value the new type cannot read)."""
    numbers = exp.DataType.NUMERIC_TYPES
    if old is not None and new.data_type is not None:
        pair = {old.this, new.data_type.this}
        boolean = exp.DataType.Type.BOOLEAN
        if boolean in pair and pair - {boolean} <= numbers:
            return f"{column}::integer::{new.type_sql}"
        if pair <= numbers or old.this in exp.DataType.TEXT_TYPES:
            return f"{column}::{new.type_sql}"
    return f"{column}::text::{new.type_sql}"


def _squeeze(text: str) -> str:
    return "".join(text.split()).lower()


def _reaches(start: _Table, goal: str, tables: dict[str, _Table]) -> bool:
    """Whether a chain of foreign keys leads from `start` to the table named `goal`."""
    seen, todo = set(), [start]
    while todo:
        table = todo.pop()
        for key in table.foreign_keys:
            if key.table == goal:
                return True
            if key.table in tables and key.table not in seen:
                seen.add(key.table)
                todo.append(tables[key.table])
    return False


def _in_rename_order(renames: list[tuple[str, str, object]], taken: set[str]):
    """Renames ordered so that no name is taken when it is given; a swap goes through a
    temporary name (yielded with None as its third part)."""
    left, taken = list(renames), set(taken)
    while left:
        ready = next((r for r in left if r[1] not in taken), None)
        if ready is None:
            old, new, item = left[0]
            temporary = f"{old}__renamed"
            yield old, temporary, None
            taken.discard(old)
            taken.add(temporary)
            left[0] = (temporary, new, item)
            continue
        old, new, item = ready
        left.remove(ready)
        taken.discard(old)
        taken.add(new)
        yield old, new, item
