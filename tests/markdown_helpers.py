"""Helpers for the markdown tests: the golden pair, specs built through the real services, and a
normalized snapshot of a revision's records for comparing revisions."""

from pathlib import Path

import specs_app
from specs_app.models import (
    CONTENT_MODELS,
    ENDPOINT_CHILDREN,
    MODEL_CHILDREN,
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
    Revision,
    Spec,
    TestCase,
    Workspace,
)
from specs_app.services.content import content_create
from specs_app.services.revisions import revision_create_draft, revision_update_overviews

GOLDEN_DIR = Path(specs_app.__file__).resolve().parent / "demo" / "todo" / "specs"
API_PATH = "specs/api/rest-endpoints.md"
SCHEMA_PATH = "specs/database/schema.md"

#: Keys of the dicts `build_spec` takes, with their tables.
CHILD_KEYS = {
    "parameters": Parameter,
    "body_fields": BodyField,
    "errors": ErrorCase,
    "business_rules": BusinessRule,
    "test_cases": TestCase,
    "fields": Field,
    "relationships": Relationship,
    "indexes": Index,
    "constraints": ModelConstraint,
    "migration_notes": MigrationNote,
}


def golden_bytes(path: str) -> bytes:
    return (GOLDEN_DIR / Path(path).relative_to("specs")).read_bytes()


def golden_api() -> str:
    return golden_bytes(API_PATH).decode("utf-8")


def golden_schema() -> str:
    return golden_bytes(SCHEMA_PATH).decode("utf-8")


def make_workspace(slug: str = "md") -> Workspace:
    return Workspace.objects.create(name=slug.title(), slug=slug)


def row_counts() -> dict[str, int]:
    """Rows in every table an import may write to."""
    tables = (*CONTENT_MODELS, Spec, Revision, Workspace)
    return {model.__name__: model.objects.count() for model in tables}


# ---------------------------------------------------------------------------------------------
# Building specs through the services, as the editor does


def build_spec(
    *,
    workspace: Workspace,
    slug: str,
    endpoints: list[dict] = (),
    models: list[dict] = (),
    api_overview: str = "",
    schema_overview: str = "",
) -> Revision:
    """A draft revision of a new spec. Each endpoint or model is a dict of its fields plus
    lists of child dicts under the keys of CHILD_KEYS."""
    spec = Spec.objects.create(workspace=workspace, slug=slug, title=slug)
    draft = revision_create_draft(spec=spec)
    draft = revision_update_overviews(
        revision=draft, api_overview=api_overview, schema_overview=schema_overview
    )
    for parent_model, items in ((Endpoint, endpoints), (DataModel, models)):
        for item in items:
            _create_with_children(draft, parent_model, dict(item))
    return draft


def _create_with_children(draft: Revision, parent_model, values: dict) -> None:
    children = {key: values.pop(key) for key in list(values) if key in CHILD_KEYS}
    parent = content_create(revision=draft, model=parent_model, **values)
    for key, rows in children.items():
        for row in rows:
            content_create(revision=draft, model=CHILD_KEYS[key], parent=parent, **row)


def endpoint_dict(n: int, **overrides) -> dict:
    """A complete, valid endpoint with one row of each child."""
    values = {
        "name": f"Get Thing {n}",
        "method": "GET",
        "path": f"/api/things{n}/{{thing_id}}",
        "authentication": "Required",
        "user_ownership": "Only the caller's things",
        "success_status": 200,
        "parameters": [{"location": "path", "name": "thing_id", "type": "integer"}],
        "body_fields": [{"part": "response", "name": "id", "type": "integer"}],
        "errors": [{"status_code": 404, "description": "Not the caller's thing"}],
        "business_rules": [{"text": "Only the owner sees it"}],
        "test_cases": [{"text": "GET of another user's thing returns 404"}],
    }
    return values | overrides


def model_dict(n: int, **overrides) -> dict:
    """A complete, valid model with one row of each child."""
    values = {
        "name": f"Thing{n}",
        "table": f"things{n}",
        "ownership": "Enforced via user_id",
        "fields": [{"name": "id", "type": "int", "primary_key": True, "auto": True}],
        "relationships": [{"kind": "has_many", "target": "Part", "fk_field": f"parts.thing{n}"}],
        "indexes": [{"name": f"idx_things{n}_id", "columns": "id"}],
        "constraints": [{"text": "All queries MUST filter by user_id"}],
        "migration_notes": [{"text": "Created in the initial migration"}],
    }
    return values | overrides


# ---------------------------------------------------------------------------------------------
# Snapshots

_NOT_COMPARED = {"id", "revision", "uid", "version"}
_LOCATION_ORDER = ["header", "path", "query"]
_PART_ORDER = ["request", "response"]


def _values(row, *, with_position: bool) -> dict:
    skipped = _NOT_COMPARED | {row.parent_field} | (set() if with_position else {"position"})
    return {
        f.name: getattr(row, f.attname) for f in row._meta.concrete_fields if f.name not in skipped
    }


def _file_order(row) -> tuple:
    """The order in which the file lists a row among its siblings."""
    if isinstance(row, Parameter):
        return (_LOCATION_ORDER.index(row.location), row.position, row.pk)
    if isinstance(row, BodyField):
        return (_PART_ORDER.index(row.part), row.position, row.pk)
    if isinstance(row, ErrorCase):
        return (row.status_code, row.position, row.pk)
    return (row.position, row.pk)


def snapshot(revision: Revision, *, with_positions: bool = True) -> dict:
    """Every field of every row except pk, revision, uid and version, nested by parent.

    Without positions, siblings are listed in the order the file shows them and `position` is
    left out: the file carries that order, not the numbers."""
    result = {"api_overview": revision.api_overview, "schema_overview": revision.schema_overview}
    for key, parent_model, child_models in (
        ("endpoints", Endpoint, ENDPOINT_CHILDREN),
        ("models", DataModel, MODEL_CHILDREN),
    ):
        result[key] = []
        for parent in parent_model.objects.filter(revision=revision).order_by("position", "id"):
            values = _values(parent, with_position=with_positions)
            for child_model in child_models:
                rows = child_model.objects.filter(**{child_model.parent_field: parent})
                ordered = (
                    rows.order_by("position", "id")
                    if with_positions
                    else sorted(rows, key=_file_order)
                )
                values[child_model.__name__] = [
                    _values(row, with_position=with_positions) for row in ordered
                ]
            result[key].append(values)
    return result


def uids_by_name(revision: Revision, model) -> dict[str, str]:
    return dict(model.objects.filter(revision=revision).values_list("name", "uid"))
