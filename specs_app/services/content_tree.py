"""A revision's content rows, loaded with one query per content table whatever the spec's size.

Lint, the export and the importer all read a revision this way.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models.base import ModelState

from specs_app.models import (
    ENDPOINT_CHILDREN,
    MODEL_CHILDREN,
    ContentRow,
    DataModel,
    Endpoint,
    Revision,
)

_ORDER = ("position", "id")


@dataclass
class ContentTree:
    """Parent rows (endpoints or models) in order, and their children grouped by parent id."""

    parents: list[ContentRow]
    children: dict[type[ContentRow], dict[int, list[ContentRow]]]
    _by_name: dict[str, type[ContentRow]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name = {_children_name(model): model for model in self.children}

    def children_of(self, parent: ContentRow, model: type[ContentRow]) -> list:
        return self.children[model].get(parent.pk, [])

    def rows(self, parent: ContentRow, name: str) -> list:
        """The children of `parent` named as on the parent (`parameters`, `fields`, …): how the
        writers, which know no ORM model, ask for them."""
        return self.children_of(parent, self._by_name[name])


def load_api_tree(*, revision: Revision) -> ContentTree:
    return _load_tree(Endpoint, ENDPOINT_CHILDREN, revision=revision)


def load_schema_tree(*, revision: Revision) -> ContentTree:
    return _load_tree(DataModel, MODEL_CHILDREN, revision=revision)


def load_endpoint_tree(endpoint: Endpoint) -> ContentTree:
    return _load_tree(Endpoint, ENDPOINT_CHILDREN, parent=endpoint)


def load_model_tree(model: DataModel) -> ContentTree:
    return _load_tree(DataModel, MODEL_CHILDREN, parent=model)


def _children_name(model: type[ContentRow]) -> str:
    return model._meta.get_field(model.parent_field).remote_field.related_name


def _load_tree(
    parent_model: type[ContentRow],
    child_models: tuple[type[ContentRow], ...],
    *,
    revision: Revision | None = None,
    parent: ContentRow | None = None,
) -> ContentTree:
    if parent is None:
        parents = _read_rows(parent_model.objects.filter(revision=revision).order_by(*_ORDER))
    else:
        parents = [parent]
    children = {}
    for model in child_models:
        rows = model.objects.order_by(*_ORDER)
        if parent is None:
            rows = rows.filter(revision=revision)
        else:
            rows = rows.filter(**{model.parent_field: parent})
        children[model] = _group_by_parent(_read_rows(rows), model.parent_field)
    return ContentTree(parents, children)


def _read_rows(queryset) -> list[ContentRow]:
    """The rows of `queryset` as model instances, built from plain values. A big spec has
    tens of thousands of rows, and `Model.__init__` (signals, defaults, descriptors) cost more
    than reading them; these rows are only read, never saved."""
    model = queryset.model
    attnames = [field.attname for field in model._meta.concrete_fields]
    db = queryset.db
    rows = []
    for values in queryset.values_list(*attnames):
        row = model.__new__(model)
        row.__dict__.update(zip(attnames, values, strict=True))
        row._state = ModelState()
        row._state.adding, row._state.db = False, db
        rows.append(row)
    return rows


def _group_by_parent(rows, parent_field: str) -> dict[int, list[ContentRow]]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[getattr(row, f"{parent_field}_id")].append(row)
    return grouped
