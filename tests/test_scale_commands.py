"""make_big_spec and bench: a big spec deterministic for its seed, and the bench's figures."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from specs_app.models import (
    BodyField,
    BusinessRule,
    DataModel,
    Endpoint,
    ErrorCase,
    Field,
    Index,
    MigrationNote,
    ModelConstraint,
    Parameter,
    Relationship,
    Spec,
    TestCase,
)
from specs_app.perf.bigspec import BigSpecSize, big_spec_markdown
from specs_app.services.export import revision_export

pytestmark = pytest.mark.django_db

PER_ENDPOINT = {Parameter: 3, BodyField: 16, ErrorCase: 5, BusinessRule: 3, TestCase: 4}
PER_MODEL = {Field: 15, Relationship: 2, Index: 3, ModelConstraint: 2, MigrationNote: 1}


def make(ref: str, *options: str) -> str:
    out = io.StringIO()
    call_command("make_big_spec", ref, *options, stdout=out)
    return out.getvalue()


def test_make_big_spec_creates_every_row_the_issue_names():
    said = make("scale/big", "--endpoints", "12", "--models", "4")

    head = Spec.objects.get(slug="big").head
    assert head.number == 1
    assert Endpoint.objects.filter(revision=head).count() == 12
    assert DataModel.objects.filter(revision=head).count() == 4
    for model, each in PER_ENDPOINT.items():
        assert model.objects.filter(revision=head).count() == 12 * each, model
    for model, each in PER_MODEL.items():
        assert model.objects.filter(revision=head).count() == 4 * each, model
    rows = 12 * (1 + sum(PER_ENDPOINT.values())) + 4 * (1 + sum(PER_MODEL.values()))
    assert f"{rows} rows" in said


def test_the_same_seed_gives_the_same_spec_and_another_seed_another():
    make("scale/one", "--endpoints", "10", "--models", "3", "--seed", "7")
    make("scale/two", "--endpoints", "10", "--models", "3", "--seed", "7")
    make("scale/three", "--endpoints", "10", "--models", "3", "--seed", "8")

    one, two, three = (
        revision_export(Spec.objects.get(slug=slug).head) for slug in ("one", "two", "three")
    )
    assert one == two
    assert one != three


def test_the_generated_files_are_canonical():
    api, schema = big_spec_markdown(BigSpecSize(endpoints=10, models=3, seed=1))

    make("scale/canon", "--endpoints", "10", "--models", "3", "--seed", "1")

    exported = revision_export(Spec.objects.get(slug="canon").head)
    assert list(exported.values()) == [api, schema]


def test_an_existing_spec_is_refused():
    make("scale/taken", "--endpoints", "5", "--models", "2")

    with pytest.raises(CommandError, match="exists already"):
        make("scale/taken", "--endpoints", "5", "--models", "2")


def test_bench_prints_each_operation_and_page_with_queries_and_ratios():
    out = io.StringIO()
    call_command(
        "bench",
        "--endpoints=10",
        "--models=3",
        "--runs=1",
        "--format=json",
        "--current-database",
        stdout=out,
    )

    report = json.loads(out.getvalue())
    assert {f["database"] for f in report} in ({"sqlite"}, {"postgresql"})
    assert all(f["spec"]["endpoints"] == 10 and f["spec"]["models"] == 3 for f in report)
    figures = {figure["name"]: figure for figure in report}
    operations = ["fork", "export", "import", "lint", "diff", "migration", "merge"]
    pages = ["spec", "endpoint_editor", "model_editor", "changes", "impact", "ddl"]
    pages += ["conversation", "dashboard", "inbox", "compare", "markdown"]
    assert list(figures) == [*operations, "page:trivial", *(f"page:{p}" for p in pages)]
    for figure in figures.values():
        assert figure["seconds"] > 0 and figure["queries"] >= 0
    assert figures["page:trivial"]["ratio"] == 1.0
    assert figures["page:spec"]["ratio"] > 1 and figures["page:spec"]["queries"] > 0
    assert "ratio" not in figures["fork"]
