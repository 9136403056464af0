"""A revision's content as lint reads it: the export's content trees (one query per content
table, whatever the size of the spec) and the labels of the items findings point at."""

from dataclasses import dataclass, field
from functools import cached_property

from specs_app.models import (
    BodyField,
    BusinessRule,
    ContentRow,
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
    TestCase,
)
from specs_app.services.content_tree import ContentTree, load_api_tree, load_schema_tree
from specs_app.services.lint.findings import Item

OVERVIEWS = {"api_overview": "API overview", "schema_overview": "Schema overview"}


@dataclass
class LintContent:
    revision: Revision
    api: ContentTree
    schema: ContentTree
    _memo: dict = field(default_factory=dict, repr=False)

    def memo(self, name: str, compute):
        """What several rules derive from the content, computed once per lint run."""
        if name not in self._memo:
            self._memo[name] = compute()
        return self._memo[name]

    @property
    def endpoints(self) -> list[Endpoint]:
        return self.api.parents

    @property
    def models(self) -> list[DataModel]:
        return self.schema.parents

    def children(self, parent: ContentRow, model: type[ContentRow]) -> list:
        tree = self.api if isinstance(parent, Endpoint) else self.schema
        return tree.children_of(parent, model)

    @cached_property
    def models_by_table(self) -> dict[str, DataModel]:
        return {model.table.lower(): model for model in self.models if model.table}

    @cached_property
    def model_names(self) -> frozenset[str]:
        return frozenset(model.name.lower() for model in self.models if model.name)

    def field_names(self, model: DataModel) -> set[str]:
        return {field.name.lower() for field in self.children(model, Field)}

    # -----------------------------------------------------------------------------------------
    # Items

    @cached_property
    def _order(self) -> dict[tuple[type, int], int]:
        return {(type(row), row.pk): i for i, row in enumerate([*self.endpoints, *self.models])}

    def overview_item(self, attribute: str) -> Item:
        label = OVERVIEWS[attribute]
        uid = attribute.removesuffix("_overview")
        return Item("overview", uid, label, "spec", "", "Overviews", order=(0, 0))

    def item(self, row: ContentRow) -> Item:
        """The item of an endpoint, a model or one of their children."""
        parent = self._parent_of(row)
        parent_label = (
            _endpoint_label(parent) if isinstance(parent, Endpoint) else _model_label(parent)
        )
        page_kind = "endpoint" if isinstance(parent, Endpoint) else "model"
        label = parent_label if row is parent else _child_label(parent_label, row)
        order = (1, self._order.get((type(parent), parent.pk), 0), row.position, row.pk or 0)
        return Item(
            kind=_KINDS.get(type(row), type(row)._meta.verbose_name),
            uid=str(row.uid),
            label=label,
            page_kind=page_kind,
            page_uid=str(parent.uid),
            page_label=parent_label,
            order=order if row is not parent else order[:2],
        )

    @cached_property
    def _parents(self) -> dict[tuple[type, int], ContentRow]:
        return {(type(row), row.pk): row for row in [*self.endpoints, *self.models]}

    def _parent_of(self, row: ContentRow) -> ContentRow:
        if isinstance(row, Endpoint | DataModel):
            return row
        parent_model = Endpoint if row.parent_field == "endpoint" else DataModel
        return self._parents[(parent_model, getattr(row, f"{row.parent_field}_id"))]


_KINDS = {
    Endpoint: "endpoint",
    Parameter: "parameter",
    BodyField: "body field",
    ErrorCase: "error",
    BusinessRule: "business rule",
    TestCase: "test case",
    DataModel: "model",
    Field: "field",
    Relationship: "relationship",
    Index: "index",
    ModelConstraint: "constraint",
    MigrationNote: "migration note",
}


def _endpoint_label(endpoint: Endpoint) -> str:
    return f"{endpoint.method} {endpoint.path}".strip() or endpoint.name


def _model_label(model: DataModel) -> str:
    return model.table or model.name


def _child_label(parent_label: str, row: ContentRow) -> str:
    if isinstance(row, Field):
        return f"{parent_label}.{row.name}"
    if isinstance(row, Parameter):
        return f"{parent_label}, {row.location} parameter {row.name}"
    if isinstance(row, BodyField):
        part = "request" if row.part == BodyField.Part.REQUEST else "response"
        return f"{parent_label}, {part} field {row.name}"
    if isinstance(row, ErrorCase):
        return f"{parent_label}, error {row.status_code}"
    if isinstance(row, Index):
        return f"{parent_label}, index {row.name}"
    if isinstance(row, Relationship):
        return f"{parent_label}, {row.get_kind_display().lower()} {row.target}"
    return f'{parent_label}, {_KINDS[type(row)]} "{_shortened(row.text)}"'


def _shortened(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def load_lint_content(*, revision: Revision) -> LintContent:
    return LintContent(
        revision=revision,
        api=load_api_tree(revision=revision),
        schema=load_schema_tree(revision=revision),
    )
