"""Where a comment thread sits: an endpoint or model of a change request's draft, one of its rows
(the item itself or a child row such as a body field), and optionally one content field of that
row; and the text it was made on, compared later to tell an outdated thread."""

from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import models

from specs_app.models import (
    CONTENT_MODELS,
    ENDPOINT_CHILDREN,
    MODEL_CHILDREN,
    ChangeRequest,
    ContentRow,
    DataModel,
    Endpoint,
)
from specs_app.services.errors import ServiceError
from specs_app.services.snapshot import PARENT, content_fields, label

ITEM_MODELS: dict[str, type[ContentRow]] = {"endpoint": Endpoint, "model": DataModel}
CHILDREN = {"endpoint": ENDPOINT_CHILDREN, "model": MODEL_CHILDREN}
#: Every content table by its model name ("endpoint", "bodyfield", ...), as comments store it.
MODELS_BY_NAME: dict[str, type[ContentRow]] = {m._meta.model_name: m for m in CONTENT_MODELS}


def commentable_fields(model: type[ContentRow]) -> list[str]:
    """The fields a person edits, which a thread may sit on (not the parent, not the order)."""
    return [name for name in content_fields(model) if name not in (PARENT, "position")]


def field_label(model: type[ContentRow], name: str) -> str:
    verbose = str(model._meta.get_field(name).verbose_name)
    return verbose[:1].upper() + verbose[1:]


def field_text(value) -> str:
    """A field's value as the text a thread keeps and a suggestion proposes."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def row_values(row: ContentRow) -> dict:
    return {name: getattr(row, name) for name in commentable_fields(type(row))}


def row_text(model: type[ContentRow], values: dict) -> str:
    """A row in a short readable form: its label, then its non-empty values."""
    parts = [
        f"{field_label(model, name)}: {field_text(values.get(name))}"
        for name in commentable_fields(model)
        if field_text(values.get(name)) != ""
    ]
    return f"{label(model, values)} ({'; '.join(parts)})"


def anchored_text(model: type[ContentRow], values: dict | None, field: str) -> str:
    """What a thread on `field` of a row with `values` (None: not in the draft) sits on."""
    if values is None:
        return ""
    return field_text(values.get(field)) if field else row_text(model, values)


def value_from_text(model: type[ContentRow], name: str, text: str):
    """The python value a suggested text stands for; ServiceError when it cannot be one."""
    field = model._meta.get_field(name)
    if isinstance(field, models.BooleanField):
        lowered = text.strip().lower()
        if lowered in ("yes", "true", "1"):
            return True
        if lowered in ("no", "false", "0"):
            return False
        raise ServiceError(f"{field_label(model, name)} is yes or no, not “{text}”.")
    if isinstance(field, models.CharField | models.TextField):
        return text
    try:
        return field.to_python(text.strip())
    except ValidationError as exc:
        raise ServiceError(f"{field_label(model, name)}: {' '.join(exc.messages)}") from None


@dataclass
class Anchor:
    kind: str  # "endpoint" or "model"
    item_uid: UUID
    model: type[ContentRow]  # the anchored row's table
    row: ContentRow | None  # None: a removed item (in the base, not in the draft)
    field: str
    text: str

    @property
    def row_uid(self) -> UUID:
        return self.row.uid if self.row is not None else self.item_uid


def resolve_anchor(cr: ChangeRequest, kind: str, item_uid, row_uid=None, field: str = "") -> Anchor:
    """Check that a thread can sit there and read the text it sits on. An item must be in the
    draft, or removed by the request (in its base, for a thread on the item as a whole); a row
    must be the item or one of its rows in the draft; a field must be one a person edits."""
    item_model = ITEM_MODELS.get(kind)
    if item_model is None:
        raise ServiceError("A thread sits on an endpoint or a model.")
    item = item_model.objects.filter(revision_id=cr.working_id, uid=item_uid).first()
    if item is None:
        removed = cr.base_id and item_model.objects.filter(revision_id=cr.base_id, uid=item_uid)
        if (row_uid not in (None, item_uid)) or field or not (removed and removed.exists()):
            raise ServiceError(f"That {kind} is not in this change request's draft.")
        return Anchor(kind, item_uid, item_model, None, "", "")
    model, row = item_model, item
    if row_uid not in (None, item_uid):
        row = None
        for child in CHILDREN[kind]:
            row = child.objects.filter(
                revision_id=cr.working_id, uid=row_uid, **{child.parent_field: item}
            ).first()
            if row is not None:
                model = child
                break
        if row is None:
            raise ServiceError(f"That row is not part of {kind} {item.name} in the draft.")
    if field and field not in commentable_fields(model):
        raise ServiceError(f"A {model._meta.verbose_name} has no field “{field}” to comment on.")
    return Anchor(kind, item_uid, model, row, field, anchored_text(model, row_values(row), field))
