"""python manage.py diff_spec: the migration of a change request or between two revisions."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from specs_app.models import DataModel, Field
from specs_app.services import review as services
from tests.review_helpers import approve_and_merge, open_request, ready_spec

pytestmark = pytest.mark.django_db


def diff_spec(*args: str) -> str:
    out = io.StringIO()
    call_command("diff_spec", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def renamed(spec, owner):
    """Change request #1 renames the first model's column `title` to `headline`."""
    cr = open_request(ready_spec(spec), owner)
    table = DataModel.objects.filter(revision=cr.working).order_by("position").first().table
    row = Field.objects.get(revision=cr.working, model__table=table, name="title")
    services.change_request_update(
        change_request=cr, actor=owner, row=row, expected_version=row.version, name="headline"
    )
    return cr, table


def test_sql_of_a_change_request(renamed):
    cr, table = renamed

    text = diff_spec("acme/todo", "--change-request", str(cr.number))

    assert f"ALTER TABLE {table} RENAME COLUMN title TO headline;" in text
    assert "DROP COLUMN" not in text


def test_json_of_a_change_request_carries_the_sql_the_count_and_the_risks(renamed):
    cr, table = renamed

    report = json.loads(
        diff_spec("acme/todo", "--change-request", str(cr.number), "--format", "json")
    )

    migration = report["migration"]
    assert "RENAME COLUMN title TO headline" in migration["sql"]
    assert migration["statements"] == migration["sql"].count(";")
    renames = [r for r in migration["risks"] if r["code"] == "BC102"]
    assert renames and renames[0]["table"] == table and renames[0]["column"] == "headline"
    assert set(renames[0]) >= {"code", "level", "table", "column", "message"}


def test_between_two_published_revisions(renamed, owner, reviewer):
    cr, table = renamed
    approve_and_merge(cr, author=owner, reviewer=reviewer)

    text = diff_spec("acme/todo", "--from", "1", "--to", "2")

    assert f"ALTER TABLE {table} RENAME COLUMN title TO headline;" in text
    assert diff_spec("acme/todo", "--from", "2") == "-- no change to the database\n"
    backwards = diff_spec("acme/todo", "--from", "2", "--to", "1", "--dialect", "sqlite")
    assert f"ALTER TABLE {table} RENAME COLUMN headline TO title;" in backwards


def test_fail_on_error_exits_1_when_a_finding_is_an_error(renamed):
    cr, _ = renamed

    with pytest.raises(CommandError) as error:
        diff_spec("acme/todo", "--change-request", str(cr.number), "--fail-on-error")

    assert error.value.returncode == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["acme/todo"], "Give --change-request N, or --from N"),
        (["acme/todo", "--change-request", "7"], 'Spec "todo" has no change request #7'),
        (["acme/todo", "--change-request", "1", "--from", "1"], "not both"),
        (["acme/todo", "--from", "9"], 'Spec "todo" has no revision r9'),
        (["acme/todo", "--from", "1", "--dialect", "oracle"], 'Unknown dialect "oracle"'),
    ],
)
def test_bad_arguments_are_refused_with_what_is_wrong(spec, args, message):
    out = io.StringIO()
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("diff_spec", *args, stdout=out)
    assert out.getvalue() == ""
