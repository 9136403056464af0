"""measure_import: the importer dry-run over a folder, against an independent scan of each file."""

import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from specs_app.management.commands._import_shapes import SHAPES, shaped_file
from specs_app.models import Spec

VARIANTS = Path(__file__).parent / "fixtures" / "variants"


@pytest.fixture
def corpus(tmp_path):
    (tmp_path / "api").mkdir()
    (tmp_path / "db").mkdir()
    shutil.copy(VARIANTS / "api_method_in_heading.md", tmp_path / "api" / "notes.md")
    shutil.copy(VARIANTS / "schema_sql.md", tmp_path / "db" / "shop.md")
    (tmp_path / "db" / "broken.md").write_text("# Database Schema\n\n## t\n\n```sql\nCREATE")
    return tmp_path


def measure(folder: Path, *options: str) -> str:
    out = io.StringIO()
    call_command("measure_import", str(folder), *options, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_each_file_is_measured_and_nothing_is_written(corpus):
    reports = {r["file"]: r for r in json.loads(measure(corpus, "--format=json"))}

    notes = reports["api/notes.md"]
    assert (notes["kind"], notes["expected"], notes["recognised"], notes["ok"]) == (
        "api",
        3,
        3,
        True,
    )
    shop = reports["db/shop.md"]
    assert (shop["kind"], shop["expected"], shop["recognised"]) == ("schema", 2, 2)
    broken = reports["db/broken.md"]
    assert not broken["ok"] and broken["errors"] >= 1 and not broken["crashed"]
    assert not Spec.objects.exists()


@pytest.mark.django_db
def test_the_text_table_ends_with_totals_per_kind(corpus):
    text = measure(corpus)

    assert "TOTAL api: 1 files, 3/3 recognised (100.0%), 1 importable, 0 crashes" in text
    assert "TOTAL schema: 2 files, 2/2 recognised (100.0%), 1 importable, 0 crashes" in text


@pytest.mark.django_db
def test_a_crash_of_the_importer_is_named_and_fails_the_command(corpus, monkeypatch):
    from django.core.management import CommandError

    from specs_app.management.commands import import_spec

    def crash(**_):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(import_spec, "spec_import", crash)

    with pytest.raises(CommandError, match="crashed on 3 file"):
        measure(corpus)


@pytest.mark.django_db
def test_scaling_times_every_shape_at_each_size_and_writes_nothing():
    rows = json.loads(measure(Path("."), "--scaling", "--sizes", "0.005,0.01", "--format=json"))

    assert [row["shape"] for row in rows] == list(SHAPES)
    assert all(len(row["seconds"]) == 2 and row["sizes_mb"] == [0.005, 0.01] for row in rows)
    assert not Spec.objects.exists()


def test_shaped_files_have_the_size_asked_for():
    for shape in SHAPES:
        size = len(shaped_file(shape, 50_000).encode())
        assert 50_000 <= size < 100_000, shape
