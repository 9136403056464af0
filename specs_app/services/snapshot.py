"""A revision's content as plain values keyed by (table, uid): what diff and merge compare."""

from uuid import UUID

from django.db.models import F

from specs_app.models import CONTENT_MODELS, ContentRow, DataModel, Endpoint, Revision

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


#: The foreign key by which children point at each parent table.
_CHILDREN_POINT_WITH = {Endpoint: "endpoint", DataModel: "model"}


def revision_snapshot(*, revision: Revision) -> Snapshot:
    """One query per content table, whatever the size of the spec. A child's parent uid comes
    from the parents read first (by pk), not from a join per child table."""
    snapshot: Snapshot = {}
    uid_of_parent: dict[tuple[str, int], UUID] = {}  # (parent field, pk) → uid
    for model in CONTENT_MODELS:  # endpoints and models come before their children
        columns = [f for f in content_fields(model) if f != PARENT]
        key = f"{model.parent_field}_id" if model.parent_field else "id"
        for row in model.objects.filter(revision=revision).values("uid", key, *columns):
            uid = row.pop("uid")
            if model.parent_field:
                row[PARENT] = uid_of_parent[(model.parent_field, row.pop(key))]
            else:
                uid_of_parent[(_CHILDREN_POINT_WITH[model], row.pop(key))] = uid
            snapshot[(model, uid)] = row
    return snapshot


#: Rows per `uid IN (...)` query, well under SQLite's limit on query parameters.
_CHUNK = 500


def snapshot_apply(*, revision: Revision, current: Snapshot, target: Snapshot) -> None:
    """Make `revision`, whose content is `current`, hold `target`, touching only the rows
    that differ: a merge forks the head (one INSERT … SELECT per table) and applies what the
    request changed, instead of writing every row of the spec again."""
    for model in reversed(CONTENT_MODELS):  # children first; a parent's delete cascades anyway
        gone = [uid for (m, uid) in current if m is model and (m, uid) not in target]
        for start in range(0, len(gone), _CHUNK):
            model.objects.filter(revision=revision, uid__in=gone[start : start + _CHUNK]).delete()
    new_rows = {key: values for key, values in target.items() if key not in current}
    parent_uids = {v[PARENT] for v in target.values() if PARENT in v}
    parent_pks = _parents_after_insert(revision, new_rows, parent_uids)
    for (model, uid), values in target.items():
        old = current.get((model, uid))
        if old is not None and old != values:
            changed = {k: v for k, v in values.items() if old.get(k) != v}
            model.objects.filter(revision=revision, uid=uid).update(
                **_columns(model, changed, parent_pks), version=F("version") + 1
            )
    for model in CONTENT_MODELS:
        if model.parent_field:
            model.objects.bulk_create(
                model(revision=revision, uid=uid, **_columns(model, values, parent_pks))
                for (row_model, uid), values in new_rows.items()
                if row_model is model
            )


def _parents_after_insert(revision: Revision, new_rows: Snapshot, parent_uids: set) -> dict:
    """Insert the new endpoints and models; the pks of every parent a row points at."""
    pks: dict[UUID, int] = {}
    for model in CONTENT_MODELS:
        if model.parent_field:
            continue
        created = model.objects.bulk_create(
            model(revision=revision, uid=uid, **values)
            for (row_model, uid), values in new_rows.items()
            if row_model is model
        )
        pks.update({row.uid: row.pk for row in created})
        wanted = list(parent_uids - pks.keys())
        for start in range(0, len(wanted), _CHUNK):
            rows = model.objects.filter(revision=revision, uid__in=wanted[start : start + _CHUNK])
            pks.update(rows.values_list("uid", "pk"))
    return pks


def _columns(model: type[ContentRow], values: dict, parent_pks: dict[UUID, int]) -> dict:
    columns = dict(values)
    if PARENT in columns:
        columns[f"{model.parent_field}_id"] = parent_pks[columns.pop(PARENT)]
    return columns


def label(model: type[ContentRow], values: dict) -> str:
    """A short human name for a row: the endpoint or model name, a field name, a rule text."""
    for name in ("name", "text", "description", "target"):
        if values.get(name):
            return str(values[name])
    if "status_code" in values:
        return str(values["status_code"])
    return model._meta.verbose_name
