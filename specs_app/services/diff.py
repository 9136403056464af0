"""What changed between two revisions: per item and field (structured), and per line (markdown)."""

import difflib
from dataclasses import dataclass, field
from uuid import UUID

from specs_app.models import CONTENT_MODELS, ContentRow, DataModel, Endpoint, Revision
from specs_app.services.markdown import revision_export
from specs_app.services.snapshot import PARENT, Snapshot, content_fields, label, revision_snapshot


@dataclass
class FieldChange:
    name: str
    old: object
    new: object


@dataclass
class ItemChange:
    kind: str  # added | removed | changed
    model: type[ContentRow]
    uid: UUID
    label: str
    top_uid: UUID  # the endpoint or model the change belongs to
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def what(self) -> str:
        return self.model._meta.verbose_name


def snapshot_diff(old: Snapshot, new: Snapshot) -> list[ItemChange]:
    changes = []
    order = {model: index for index, model in enumerate(CONTENT_MODELS)}
    for key in sorted(old.keys() | new.keys(), key=lambda k: (order[k[0]], str(k[1]))):
        model, uid = key
        before, after = old.get(key), new.get(key)
        values = after if after is not None else before
        top = values.get(PARENT) or uid
        if before is None:
            changes.append(ItemChange("added", model, uid, label(model, after), top))
        elif after is None:
            changes.append(ItemChange("removed", model, uid, label(model, before), top))
        elif before != after:
            fields = [
                FieldChange(name, before.get(name), after.get(name))
                for name in content_fields(model)
                if before.get(name) != after.get(name)
            ]
            changes.append(ItemChange("changed", model, uid, label(model, after), top, fields))
    return changes


def group_by_item(changes: list[ItemChange]) -> list[dict]:
    """Changes grouped under the endpoint or model they belong to."""
    groups: dict = {}
    for change in changes:
        group = groups.setdefault(change.top_uid, {"uid": change.top_uid, "changes": []})
        group["changes"].append(change)
        if change.model in (Endpoint, DataModel):
            group["title"] = change.label
            group["kind"] = "endpoint" if change.model is Endpoint else "model"
    return list(groups.values())


def label_groups(groups: list[dict], *, revision: Revision) -> None:
    """Name the groups whose own row did not change (only a child did), from `revision`."""
    missing = {g["uid"]: g for g in groups if "title" not in g}
    for model, kind in ((Endpoint, "endpoint"), (DataModel, "model")):
        rows = model.objects.filter(revision=revision, uid__in=list(missing))
        for uid, name in rows.values_list("uid", "name"):
            missing[uid].update(title=name, kind=kind)


def revision_diff(*, old: Revision, new: Revision) -> list[ItemChange]:
    return snapshot_diff(revision_snapshot(revision=old), revision_snapshot(revision=new))


@dataclass
class FileDiff:
    path: str
    unified: str
    side_by_side_html: str


def markdown_diff(*, old: Revision, new: Revision) -> list[FileDiff]:
    before, after = revision_export(old), revision_export(new)
    diffs = []
    for path in after:
        old_lines = before.get(path, "").splitlines()
        new_lines = after[path].splitlines()
        unified = "\n".join(
            difflib.unified_diff(old_lines, new_lines, f"a/{path}", f"b/{path}", lineterm="", n=3)
        )
        table = difflib.HtmlDiff(wrapcolumn=80).make_table(
            old_lines, new_lines, old.label, new.label, context=True, numlines=3
        )
        diffs.append(FileDiff(path, unified, table if unified else ""))
    return diffs
