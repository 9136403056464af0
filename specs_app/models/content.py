"""Spec content. Every row belongs to exactly one revision and carries a `uid` that stays the
same across revisions (how revisions are compared and merged), a `position` (order among its
siblings) and a `version` (optimistic locking)."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models

from specs_app import vocabulary
from specs_app.models.spec import Revision
from specs_app.models.validators import (
    validate_balanced,
    validate_list_item,
    validate_no_backtick,
    validate_other_constraints,
    validate_parenthesised_text,
    validate_path,
    validate_reference,
    validate_single_line,
    validate_status_code,
    validate_table_name,
    validate_type,
)


def line(max_length: int = 200, *, blank: bool = True, validators=(), **kwargs) -> models.CharField:
    """A one-line text value, as every list item and label value of the format is."""
    return models.CharField(
        max_length=max_length,
        blank=blank,
        validators=[validate_single_line, *validators],
        **kwargs,
    )


class ContentRow(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    #: The foreign key to the parent row, for children of an endpoint or model.
    parent_field: str | None = None

    class Meta:
        abstract = True
        ordering = ["position", "id"]
        # One row per uid in a revision; "%(class)s" keeps each table's constraint name
        # (uq_endpoint_uid, uq_field_uid, ...).
        constraints = [
            models.UniqueConstraint(fields=["revision", "uid"], name="uq_%(class)s_uid"),
        ]

    def clean_fields(self, exclude=None) -> None:
        # Text values are stored stripped; a value that is only whitespace is empty.
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if isinstance(field, models.CharField | models.TextField) and isinstance(value, str):
                setattr(self, field.attname, value.strip())
        super().clean_fields(exclude=exclude)


class Method(models.TextChoices):
    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"
    HEAD = "HEAD"
    OPTIONS = "OPTIONS"


class Authentication(models.TextChoices):
    REQUIRED = "Required"
    OPTIONAL = "Optional"
    NONE = "None", "None (public)"


class Endpoint(ContentRow):
    name = line(200, blank=False)
    method = models.CharField(max_length=7, choices=Method.choices, default=Method.GET)
    path = line(500, blank=False, validators=[validate_path])
    authentication = models.CharField(
        max_length=8, choices=Authentication.choices, default=Authentication.REQUIRED
    )
    user_ownership = line(1000)
    success_status = models.PositiveSmallIntegerField(
        default=200, validators=[validate_status_code]
    )
    #: The data model this endpoint reads or writes, by name; blank: found from the path or the
    #: endpoint's name (services/resources.py). Lint flags a name that is no model of the spec.
    data_model = line(
        200,
        verbose_name="data model",
        help_text="The model this endpoint reads or writes. Automatic: found from the path, "
        "then from the endpoint's name.",
    )

    class Meta(ContentRow.Meta):
        constraints = [
            *ContentRow.Meta.constraints,
            models.UniqueConstraint(fields=["revision", "name"], name="uq_endpoint_name"),
            models.UniqueConstraint(
                fields=["revision", "method", "path"], name="uq_endpoint_method_path"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.name})"


class EndpointChild(ContentRow):
    parent_field = "endpoint"

    class Meta(ContentRow.Meta):
        abstract = True


class Parameter(EndpointChild):
    class Location(models.TextChoices):
        HEADER = vocabulary.HEADER, "Header"
        PATH = vocabulary.PATH, "Path"
        QUERY = vocabulary.QUERY, "Query"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="parameters")
    location = models.CharField(max_length=6, choices=Location.choices)
    name = line(200, blank=False, validators=[validate_no_backtick])
    type = line(200, blank=False, validators=[validate_type])
    required = models.BooleanField(default=True)
    constraints = line(500, validators=[validate_parenthesised_text])
    description = line(1000)

    def __str__(self) -> str:
        return f"{self.location} {self.name}"


class BodyField(EndpointChild):
    class Part(models.TextChoices):
        REQUEST = vocabulary.REQUEST, "Request body"
        RESPONSE = vocabulary.RESPONSE, "Response"

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="body_fields")
    part = models.CharField(max_length=8, choices=Part.choices)
    name = line(200, blank=False)
    type = line(200, blank=False, validators=[validate_type])
    required = models.BooleanField(default=True)
    constraints = line(500, validators=[validate_parenthesised_text])
    description = line(1000)

    def __str__(self) -> str:
        return f"{self.part} {self.name}"


class ErrorCase(EndpointChild):
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="errors")
    status_code = models.PositiveSmallIntegerField(validators=[validate_status_code])
    description = line(1000)

    def __str__(self) -> str:
        return f"{self.status_code}: {self.description}"


class BusinessRule(EndpointChild):
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="business_rules")
    text = line(1000, blank=False, validators=[validate_list_item])

    def __str__(self) -> str:
        return self.text


class TestCase(EndpointChild):
    __test__ = False  # not a pytest test class

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="test_cases")
    text = line(1000, blank=False, validators=[validate_list_item])
    verified = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.text


class DataModel(ContentRow):
    name = line(200, blank=False)
    table = line(200, blank=False, validators=[validate_table_name])
    ownership = line(1000)

    class Meta(ContentRow.Meta):
        constraints = [
            *ContentRow.Meta.constraints,
            models.UniqueConstraint(fields=["revision", "name"], name="uq_datamodel_name"),
            models.UniqueConstraint(fields=["revision", "table"], name="uq_datamodel_table"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.table})"


class ModelChild(ContentRow):
    parent_field = "model"

    class Meta(ContentRow.Meta):
        abstract = True


class Field(ModelChild):
    model = models.ForeignKey(DataModel, on_delete=models.CASCADE, related_name="fields")
    name = line(200, blank=False)
    type = line(200, blank=False)
    primary_key = models.BooleanField(default=False)
    auto = models.BooleanField(default=False, help_text="Generated by the database")
    references = line(
        200, validators=[validate_reference], help_text="Foreign key target as table.column"
    )
    nullable = models.BooleanField(default=False)
    unique = models.BooleanField(default=False)
    default = line(500, validators=[validate_balanced])
    other_constraints = line(1000, validators=[validate_other_constraints])
    description = line(1000)

    class Meta(ModelChild.Meta):
        constraints = [
            *ContentRow.Meta.constraints,
            models.UniqueConstraint(fields=["model", "name"], name="uq_field_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.type}"

    def clean(self) -> None:
        if self.primary_key and self.nullable:
            raise ValidationError({"nullable": "A primary key cannot be nullable."})


class OnDelete(models.TextChoices):
    CASCADE = vocabulary.CASCADE
    SET_NULL = vocabulary.SET_NULL
    RESTRICT = vocabulary.RESTRICT
    NO_ACTION = vocabulary.NO_ACTION
    SET_DEFAULT = vocabulary.SET_DEFAULT


class Relationship(ModelChild):
    class Kind(models.TextChoices):
        BELONGS_TO = vocabulary.BELONGS_TO, vocabulary.RELATIONSHIP_LABELS[vocabulary.BELONGS_TO]
        HAS_ONE = vocabulary.HAS_ONE, vocabulary.RELATIONSHIP_LABELS[vocabulary.HAS_ONE]
        HAS_MANY = vocabulary.HAS_MANY, vocabulary.RELATIONSHIP_LABELS[vocabulary.HAS_MANY]
        MANY_TO_MANY = (
            vocabulary.MANY_TO_MANY,
            vocabulary.RELATIONSHIP_LABELS[vocabulary.MANY_TO_MANY],
        )

    model = models.ForeignKey(DataModel, on_delete=models.CASCADE, related_name="relationships")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    target = line(200, blank=False, help_text="The related model's name")
    fk_field = line(
        200,
        help_text="Belongs to: the foreign key column of this table (user_id). "
        "Has one / has many: the column on the other table, as table.column (tasks.user_id).",
    )
    target_column = line(200, help_text="Belongs to: the referenced table.column (users.id)")
    on_delete = models.CharField(max_length=11, choices=OnDelete.choices, blank=True)
    through_table = line(
        200, validators=[validate_table_name], help_text="Many to many: the join table"
    )

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.target}"

    def clean(self) -> None:
        required = {
            self.Kind.BELONGS_TO: ("fk_field", "target_column", "on_delete"),
            self.Kind.HAS_ONE: ("fk_field",),
            self.Kind.HAS_MANY: ("fk_field",),
            self.Kind.MANY_TO_MANY: ("through_table",),
        }.get(self.kind, ())
        kind = self.get_kind_display()
        problems = {
            name: f"Required for a “{kind}” relationship."
            for name in required
            if not getattr(self, name)
        }
        problems |= {
            name: f"A “{kind}” relationship has no {self._meta.get_field(name).verbose_name}."
            for name in ("fk_field", "target_column", "on_delete", "through_table")
            if name not in required and getattr(self, name)
        }
        if problems:
            raise ValidationError(problems)
        if " (" in self.target:
            raise ValidationError({"target": 'A model name cannot contain " (".'})
        if self.kind in (self.Kind.HAS_ONE, self.Kind.HAS_MANY):
            _on_field("fk_field", validate_reference, self.fk_field)
        if self.kind == self.Kind.BELONGS_TO:
            if " -> " in self.fk_field or "," in self.fk_field:
                raise ValidationError({"fk_field": 'A column name cannot contain " -> " or ",".'})
            _on_field("target_column", validate_reference, self.target_column)


def _on_field(name: str, validator, value) -> None:
    """Run a value validator in `clean()` so that its error is shown under the field."""
    try:
        validator(value)
    except ValidationError as exc:
        raise ValidationError({name: exc.error_list}) from None


class Index(ModelChild):
    model = models.ForeignKey(DataModel, on_delete=models.CASCADE, related_name="indexes")
    name = line(200, blank=False, validators=[validate_no_backtick])
    columns = line(
        500, blank=False, validators=[validate_parenthesised_text], help_text="user_id, completed"
    )
    unique = models.BooleanField(default=False)
    purpose = line(1000)

    def __str__(self) -> str:
        return f"{self.name} on ({self.columns})"


class ModelConstraint(ModelChild):
    model = models.ForeignKey(DataModel, on_delete=models.CASCADE, related_name="constraints")
    text = line(1000, blank=False, validators=[validate_list_item])

    def __str__(self) -> str:
        return self.text


class MigrationNote(ModelChild):
    model = models.ForeignKey(DataModel, on_delete=models.CASCADE, related_name="migration_notes")
    text = line(1000, blank=False, validators=[validate_list_item])

    def __str__(self) -> str:
        return self.text


ENDPOINT_CHILDREN: tuple[type[EndpointChild], ...] = (
    Parameter,
    BodyField,
    ErrorCase,
    BusinessRule,
    TestCase,
)
MODEL_CHILDREN: tuple[type[ModelChild], ...] = (
    Field,
    Relationship,
    Index,
    ModelConstraint,
    MigrationNote,
)
#: Every content table, parents before children (the order a fork copies them in).
CONTENT_MODELS: tuple[type[ContentRow], ...] = (
    Endpoint,
    *ENDPOINT_CHILDREN,
    DataModel,
    *MODEL_CHILDREN,
)
