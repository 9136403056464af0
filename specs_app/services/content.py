"""Changes to spec content rows. Only drafts change; every save checks the row's version."""

from django.db import transaction
from django.db.models import F, Max

from specs_app.models import (
    ENDPOINT_CHILDREN,
    MODEL_CHILDREN,
    ContentRow,
    DataModel,
    Endpoint,
    Revision,
)
from specs_app.services.errors import ServiceError, StaleVersion
from specs_app.services.revisions import require_draft


def _lock_draft(revision_id: int) -> Revision:
    revision = Revision.objects.select_for_update().get(pk=revision_id)
    require_draft(revision)
    return revision


def content_create(
    *, revision: Revision, model: type[ContentRow], parent: ContentRow | None = None, **values
) -> ContentRow:
    """Add a row at the end of its siblings in a draft revision."""
    with transaction.atomic():
        _lock_draft(revision.pk)
        siblings = model.objects.filter(revision=revision)
        if model.parent_field:
            if parent is None or parent.revision_id != revision.pk:
                raise ValueError(f"A {model.__name__} needs a parent in the same revision.")
            values[model.parent_field] = parent
            siblings = siblings.filter(**{model.parent_field: parent})
        if "position" not in values:
            last = siblings.aggregate(n=Max("position"))["n"]
            values["position"] = 0 if last is None else last + 1
        row = model(revision=revision, **values)
        row.full_clean()
        row.save()
    return row


def content_update(*, row: ContentRow, expected_version: int, **values) -> ContentRow:
    """Change fields of a row, refusing when someone saved a newer version in between."""
    model = type(row)
    with transaction.atomic():
        _lock_draft(row.revision_id)
        current = model.objects.select_for_update().get(pk=row.pk)
        if current.version != expected_version:
            raise StaleVersion(
                f"This {model._meta.verbose_name} was changed by someone else "
                f"(version {current.version}, your form was built from {expected_version}).",
                current=current,
            )
        for name, value in values.items():
            setattr(current, name, value)
        current.full_clean()
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
    return current


def content_delete(*, row: ContentRow, expected_version: int | None = None) -> None:
    model = type(row)
    with transaction.atomic():
        _lock_draft(row.revision_id)
        current = model.objects.select_for_update().get(pk=row.pk)
        if expected_version is not None and current.version != expected_version:
            raise StaleVersion(
                f"This {model._meta.verbose_name} was changed by someone else; reload first.",
                current=current,
            )
        current.delete()


def content_restore(
    *, revision: Revision, source: Revision, model: type[Endpoint | DataModel], uid
) -> ContentRow:
    """Copy the endpoint or model `uid` of `source`, with all its children and their uids, back
    into the draft `revision` (undoing its deletion there)."""
    label = "endpoint" if model is Endpoint else "model"
    with transaction.atomic():
        _lock_draft(revision.pk)
        if model.objects.filter(revision=revision, uid=uid).exists():
            raise ServiceError(f"This {label} is in the draft already; nothing to restore.")
        original = model.objects.filter(revision=source, uid=uid).first()
        if original is None:
            raise ServiceError(f"This {label} is not in {source.label}, so it cannot be restored.")
        _refuse_clash(revision, original)
        children = ENDPOINT_CHILDREN if model is Endpoint else MODEL_CHILDREN
        parent_field = children[0].parent_field
        copies = {c: list(c.objects.filter(**{parent_field: original})) for c in children}
        original.pk, original.revision = None, revision
        original.save()
        for child, rows in copies.items():
            for row in rows:
                row.pk, row.revision = None, revision
                setattr(row, parent_field, original)
            child.objects.bulk_create(rows)
    return original


def _refuse_clash(revision: Revision, row: Endpoint | DataModel) -> None:
    """The unique names of an endpoint or model (name, method and path, table) must be free."""
    model = type(row)
    for constraint in model._meta.constraints:
        fields = [f for f in constraint.fields if f not in ("revision", "uid")]
        values = {f: getattr(row, f) for f in fields}
        if fields and model.objects.filter(revision=revision, **values).exists():
            shown = " ".join(str(v) for v in values.values())
            kind = "endpoint" if model is Endpoint else "model"
            raise ServiceError(
                f"Cannot restore “{row.name}”: the draft already has a {kind} with the "
                f"{' and '.join(fields)} “{shown}”. Rename or delete that one first."
            )
