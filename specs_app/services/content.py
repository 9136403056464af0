"""Changes to spec content rows. Only drafts change; every save checks the row's version."""

from django.db import transaction
from django.db.models import F, Max

from specs_app.models import ContentRow, Revision
from specs_app.services.errors import StaleVersion
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
