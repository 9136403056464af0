"""Proof on a real database, PostgreSQL: the base's DDL and the migration, run in one
transaction in a schema of their own, give the catalog (columns with type, NOT NULL and default;
keys, unique, check and foreign key constraints by definition; indexes by name and definition)
that the target's DDL gives in another: for each kind of change and its undoing, the reference
spec edited each way through the services, every schema from nothing, and random specs and
edits (Hypothesis)."""

import pytest
from django.db import connection

from specs_app.services.export import revision_schema_records
from tests.migration_cases import (
    BASE_ROWS,
    KIND_EDITS,
    TODO_AT_ONCE,
    TODO_EDITS,
    TODO_ROWS,
    TRICKY_EDITS,
    case_params,
    edited_pair,
    kind_pair,
    prove_random_edits,
    reference_spec,
    tricky_pair,
    tricky_schema,
)
from tests.sql_catalog import Failed, assert_keeps_rows, assert_migrates
from tests.test_export_sql import corpus_schemas

DIALECT = "postgresql"

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="applies the SQL to PostgreSQL (run in CI)"
    ),
    pytest.mark.postgres_only,
    pytest.mark.django_db,
]


#: Cases that fail because of an engine bug, each written up in /work/wt/PROOF_FAILURES.md;
#: strict, so that a fix shows as XPASS and the mark goes.
ENGINE_BUGS: dict[str, str] = {}
#: The shapes of random edit that meet those bugs (migration_cases.KNOWN_BUGS).
RANDOM_BUGS = frozenset()

#: Kinds whose rows do not survive for a reason of the engine's (PROOF_FAILURES.md).
ROW_BUGS: dict[str, str] = {}
#: Kinds whose target cannot take the base's rows: the migration refuses them, as it must.
ROWS_REFUSED = {"type_without_cast"}


@pytest.fixture
def todo(workspace):
    return reference_spec(workspace)


@pytest.mark.parametrize("edit", case_params(KIND_EDITS, ENGINE_BUGS))
def test_each_kind_of_change(edit):
    base, target = kind_pair(edit)

    assert_migrates(base, target, DIALECT)


@pytest.mark.parametrize("edit", case_params(KIND_EDITS, ENGINE_BUGS))
def test_each_kind_of_change_undone(edit):
    base, target = kind_pair(edit)

    assert_migrates(target, base, DIALECT)


@pytest.mark.parametrize("edit", case_params(TRICKY_EDITS, ENGINE_BUGS))
def test_each_change_of_a_tricky_schema(edit):
    base, target = tricky_pair(edit)

    assert_migrates(base, target, DIALECT)
    assert_migrates(target, base, DIALECT)


@pytest.mark.django_db
@pytest.mark.parametrize("edit", case_params(TODO_EDITS, ENGINE_BUGS))
def test_the_reference_spec_edited_each_way(todo, owner, edit):
    base, target = edited_pair(todo, owner, edit)

    assert base != target
    assert_migrates(base, target, DIALECT)
    assert_migrates(target, base, DIALECT)


@pytest.mark.django_db
def test_the_reference_spec_edited_many_ways_at_once(todo, owner):
    edits = dict(TODO_EDITS)
    base, target = edited_pair(todo, owner, *(edits[name] for name in TODO_AT_ONCE))

    assert_migrates(base, target, DIALECT)
    assert_migrates(target, base, DIALECT)


@pytest.mark.django_db
def test_every_schema_from_nothing(todo):
    assert_migrates(None, revision_schema_records(todo.head), DIALECT)
    assert_migrates(None, tricky_schema(), DIALECT)
    imported, _ = corpus_schemas()
    for name, records in imported:
        try:
            assert_migrates(None, records, DIALECT)
        except AssertionError as failure:
            raise AssertionError(f"{name}: {failure}") from None


@pytest.mark.django_db
def test_random_specs_and_edits(workspace, owner, capsys):
    runs = prove_random_edits(workspace, owner, DIALECT, avoid=RANDOM_BUGS)

    assert runs["examples"] >= 200
    with capsys.disabled():
        print(f"\n{DIALECT}: {runs} (avoiding {sorted(RANDOM_BUGS)})")


@pytest.mark.parametrize(
    "edit",
    case_params([(k, e) for k, e in KIND_EDITS if k not in ROWS_REFUSED], ROW_BUGS),
)
def test_each_kind_of_change_keeps_the_rows(edit):
    base, target = kind_pair(edit)

    assert_keeps_rows(base, target, DIALECT, BASE_ROWS)


def test_a_type_change_the_rows_cannot_take_is_refused():
    """boolean -> date goes through text (there is no cast): `false` is not a date, and the
    migration stops there instead of losing the value."""
    base, target = kind_pair(dict(KIND_EDITS)["type_without_cast"])

    with pytest.raises(Failed, match=r'invalid input syntax for type date: "false"'):
        assert_keeps_rows(base, target, DIALECT, BASE_ROWS)


@pytest.mark.django_db
@pytest.mark.parametrize("edit", case_params(TODO_EDITS, ROW_BUGS))
def test_the_reference_spec_edited_each_way_keeps_the_rows(todo, owner, edit):
    base, target = edited_pair(todo, owner, edit)

    assert_keeps_rows(base, target, DIALECT, TODO_ROWS)
