"""Three-way merge of revisions by uid and field (base, head, draft).

Changes to different items or fields combine. The same field changed differently on both sides,
an item deleted on one side while it (or anything under it) changed on the other, or two items
that end up with the same unique name, is a conflict. A conflict is settled by a resolution,
"head" or "draft", keyed by the conflict's id; unsettled conflicts block the merge.
"""

from dataclasses import dataclass, field
from uuid import UUID

from specs_app.models import (
    CONTENT_MODELS,
    ENDPOINT_CHILDREN,
    MODEL_CHILDREN,
    ContentRow,
    DataModel,
    Endpoint,
    Field,
    Revision,
)
from specs_app.services.snapshot import PARENT, Key, Snapshot, label

HEAD, DRAFT = "head", "draft"
OVERVIEWS = ("api_overview", "schema_overview")
#: Order is not worth a conflict: when both sides moved an item, the request's order wins.
_NEVER_CONFLICTS = {"position"}
_UNIQUE = {
    Endpoint: [("name",), ("method", "path")],
    DataModel: [("name",), ("table",)],
    Field: [(PARENT, "name")],
}


@dataclass
class Conflict:
    id: str
    kind: str  # field | deleted | duplicate
    what: str
    description: str
    head: object
    draft: object


@dataclass
class MergeResult:
    snapshot: Snapshot
    overviews: dict[str, str]
    conflicts: list[Conflict] = field(default_factory=list)
    resolved: list[Conflict] = field(default_factory=list)
    #: The head the merge was made on: writing the result forks it and applies the difference.
    head: Snapshot = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.conflicts


@dataclass
class _Sides:
    base: Snapshot
    head: Snapshot
    draft: Snapshot
    resolutions: dict[str, str]
    result: MergeResult
    #: Child keys by parent uid, over the three sides: built once, so that finding an item's
    #: children does not scan every row of every snapshot for every item.
    children_by_parent: dict[UUID, set[Key]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for snapshot in (self.base, self.head, self.draft):
            for key, values in snapshot.items():
                parent = values.get(PARENT)
                if parent is not None:
                    self.children_by_parent.setdefault(parent, set()).add(key)

    def settle(self, conflict: Conflict) -> str | None:
        choice = self.resolutions.get(conflict.id)
        if choice in (HEAD, DRAFT):
            self.result.resolved.append(conflict)
            return choice
        self.result.conflicts.append(conflict)
        return None


def three_way_merge(
    *,
    base: Snapshot,
    head: Snapshot,
    draft: Snapshot,
    base_overviews: dict[str, str],
    head_overviews: dict[str, str],
    draft_overviews: dict[str, str],
    resolutions: dict[str, str] | None = None,
) -> MergeResult:
    sides = _Sides(base, head, draft, resolutions or {}, MergeResult({}, {}, head=head))
    sides.result.overviews = _merge_fields(
        "overview", "Overview", base_overviews, head_overviews, draft_overviews, OVERVIEWS, sides
    )
    for parent_model, children in ((Endpoint, ENDPOINT_CHILDREN), (DataModel, MODEL_CHILDREN)):
        for uid in _uids(sides, parent_model):
            _merge_subtree(parent_model, children, uid, sides)
    _check_uniqueness(sides)
    return sides.result


def _uids(sides: _Sides, model: type[ContentRow]) -> list[UUID]:
    keys = sides.base.keys() | sides.head.keys() | sides.draft.keys()
    return sorted((uid for m, uid in keys if m is model), key=str)


def _children_keys(sides: _Sides, children, parent_uid: UUID) -> list[Key]:
    keys = {k for k in sides.children_by_parent.get(parent_uid, ()) if k[0] in children}
    return sorted(keys, key=lambda k: (CONTENT_MODELS.index(k[0]), str(k[1])))


def _subtree(snapshot: Snapshot, keys: list[Key], parent_key: Key) -> dict:
    return {k: snapshot.get(k) for k in [parent_key, *keys]}


def _merge_subtree(parent_model, children, uid: UUID, sides: _Sides) -> None:
    key = (parent_model, uid)
    child_keys = _children_keys(sides, children, uid)
    base, head, draft = (
        _subtree(s, child_keys, key) for s in (sides.base, sides.head, sides.draft)
    )
    gone_on_head, gone_in_draft = head[key] is None, draft[key] is None
    if base[key] is not None and (gone_on_head or gone_in_draft):
        keep = _settle_deletion(parent_model, key, base, head, draft, sides)
        if keep is not None:
            sides.result.snapshot.update({k: v for k, v in keep.items() if v is not None})
        return
    for row_key in [key, *child_keys]:
        merged = _merge_row(row_key, sides)
        if merged is not None:
            sides.result.snapshot[row_key] = merged


def _settle_deletion(model, key: Key, base, head, draft, sides: _Sides) -> dict | None:
    """The subtree to keep (or None to delete it) when one side deleted the item."""
    deleted_by, other, other_name = (
        (HEAD, draft, DRAFT) if head[key] is None else (DRAFT, head, HEAD)
    )
    if other[key] is None or other == base:
        return None
    name = label(model, base[key])
    where = "on main" if deleted_by == HEAD else "in this request"
    changed = "this request changes it" if deleted_by == HEAD else "main changed it"
    conflict = Conflict(
        id=f"deleted:{model.__name__}:{key[1]}",
        kind="deleted",
        what=f"{model._meta.verbose_name} {name}",
        description=f"{name} was deleted {where}, but {changed}.",
        head="deleted" if deleted_by == HEAD else "kept with main's changes",
        draft="deleted" if deleted_by == DRAFT else "kept with this request's changes",
    )
    choice = sides.settle(conflict)
    if choice == other_name or choice is None:
        return other  # unsettled: keep it, so that nothing is lost while the conflict stands
    return None


def _merge_row(key: Key, sides: _Sides) -> dict | None:
    model, uid = key
    base, head, draft = sides.base.get(key), sides.head.get(key), sides.draft.get(key)
    if base is None:
        if head is None or draft is None or head == draft:
            return draft if draft is not None else head
        base = {}
    elif head is None or draft is None:
        return _merge_child_deletion(key, base, head, draft, sides)
    if draft == base or head == draft:
        return head  # most rows of a big spec: unchanged on one side at least
    if head == base:
        return draft
    what = f"{model._meta.verbose_name} {label(model, draft)}"
    return _merge_fields(f"{model.__name__}:{uid}", what, base, head, draft, None, sides)


def _merge_child_deletion(key: Key, base, head, draft, sides: _Sides) -> dict | None:
    survivor = head if draft is None else draft
    if survivor == base:
        return None
    model = key[0]
    name = label(model, base)
    deleted_in = "this request" if draft is None else "main"
    conflict = Conflict(
        id=f"deleted:{model.__name__}:{key[1]}",
        kind="deleted",
        what=f"{model._meta.verbose_name} {name}",
        description=f"{name} was deleted in {deleted_in} and changed on the other side.",
        head=head if head is not None else "deleted",
        draft=draft if draft is not None else "deleted",
    )
    choice = sides.settle(conflict)
    if choice is None:
        return survivor
    return head if choice == HEAD else draft


def _merge_fields(prefix, what, base, head, draft, names, sides: _Sides) -> dict:
    merged = {}
    for name in names or list(dict.fromkeys([*head.keys(), *draft.keys()])):
        b, h, d = base.get(name), head.get(name), draft.get(name)
        if d == b or h == d:
            merged[name] = h
        elif h == b or name in _NEVER_CONFLICTS:
            merged[name] = d
        else:
            conflict = Conflict(
                id=f"field:{prefix}:{name}",
                kind="field",
                what=what,
                description=f"{name.replace('_', ' ')} was changed on both sides.",
                head=h,
                draft=d,
            )
            merged[name] = d if sides.settle(conflict) == DRAFT else h
    return merged


def _check_uniqueness(sides: _Sides) -> None:
    snapshot = sides.result.snapshot
    for model, keys in _UNIQUE.items():
        for fields in keys:
            seen: dict[tuple, Key] = {}
            for key in sorted((k for k in snapshot if k[0] is model), key=lambda k: str(k[1])):
                value = tuple(snapshot[key].get(f) for f in fields)
                if value not in seen:
                    seen[value] = key
                    continue
                _settle_duplicate(model, fields, value, seen[value], key, sides)


def _settle_duplicate(model, fields, value, first: Key, second: Key, sides: _Sides) -> None:
    from_draft = second if second in sides.draft and second not in sides.head else first
    from_head = first if from_draft == second else second
    shown = " ".join(str(v) for f, v in zip(fields, value, strict=True) if f != PARENT)
    conflict = Conflict(
        id=f"duplicate:{model.__name__}:{from_draft[1]}:{from_head[1]}",
        kind="duplicate",
        what=f"{model._meta.verbose_name} {shown}",
        description=f"Main and this request both have a {model._meta.verbose_name} "
        f"with {' and '.join(f for f in fields if f != PARENT)} “{shown}”.",
        head="keep main's, drop this request's",
        draft="keep this request's, drop main's",
    )
    choice = sides.settle(conflict)
    if choice is None:
        return
    dropped = from_draft if choice == HEAD else from_head
    snapshot = sides.result.snapshot
    for key in [k for k, v in snapshot.items() if k == dropped or v.get(PARENT) == dropped[1]]:
        del snapshot[key]


def revision_overviews(revision: Revision) -> dict[str, str]:
    return {name: getattr(revision, name) for name in OVERVIEWS}


__all__ = ["DRAFT", "HEAD", "Conflict", "MergeResult", "revision_overviews", "three_way_merge"]
