"""A revision's content as plain values keyed by (table, uid): what diff and merge compare."""

from uuid import UUID

from specs_app.models import CONTENT_MODELS, ContentRow, Revision

Key = tuple[type[ContentRow], UUID]
Snapshot = dict[Key, dict]

_NOT_CONTENT = {"id", "revision", "version", "uid"}
PARENT = "parent_uid"


def content_fields(model: type[ContentRow]) -> list[str]:
    """The fields a person edits, in declaration order (the parent as `parent_uid`)."""
    names = [
        f.name
        for f in model._meta.concrete_fields
        if f.name not in _NOT_CONTENT and f.name != model.parent_field
    ]
    return [PARENT, *names] if model.parent_field else names


def revision_snapshot(*, revision: Revision) -> Snapshot:
    """One query per content table, whatever the size of the spec."""
    snapshot: Snapshot = {}
    for model in CONTENT_MODELS:
        columns = [f for f in content_fields(model) if f != PARENT]
        if model.parent_field:
            columns.append(f"{model.parent_field}__uid")
        for row in model.objects.filter(revision=revision).values("uid", *columns):
            uid = row.pop("uid")
            if model.parent_field:
                row[PARENT] = row.pop(f"{model.parent_field}__uid")
            snapshot[(model, uid)] = row
    return snapshot


def snapshot_write(*, snapshot: Snapshot, revision: Revision) -> None:
    """Insert a snapshot's rows into an empty draft: parents first, then children."""
    parent_pks: dict[UUID, int] = {}
    for model in CONTENT_MODELS:
        rows = []
        for (row_model, uid), values in snapshot.items():
            if row_model is not model:
                continue
            fields = dict(values)
            if model.parent_field:
                fields[f"{model.parent_field}_id"] = parent_pks[fields.pop(PARENT)]
            rows.append(model(revision=revision, uid=uid, **fields))
        created = model.objects.bulk_create(rows)
        if not model.parent_field:
            parent_pks.update({row.uid: row.pk for row in created})


def label(model: type[ContentRow], values: dict) -> str:
    """A short human name for a row: the endpoint or model name, a field name, a rule text."""
    for name in ("name", "text", "description", "target"):
        if values.get(name):
            return str(values[name])
    if "status_code" in values:
        return str(values["status_code"])
    return model._meta.verbose_name
