"""What changed in a revision since the previous one: the items that rules limited to "added
or changed items only" look at (Optic's "added" mode)."""

from specs_app.models import Revision
from specs_app.services.snapshot import PARENT, revision_snapshot

#: The uid of an overview's lint item (LintContent.overview_item), by revision attribute.
_OVERVIEWS = {"api_overview": "api", "schema_overview": "schema"}


def changed_items(revision: Revision) -> frozenset[str] | None:
    """The uids of the rows added or changed since the revision's parent (the base of a change
    request's draft, the revision a published one followed), with the endpoints and models whose
    rows were added, changed or removed, and the overviews that changed. None when the revision
    has no parent: then every item is new."""
    parent = revision.parent
    if parent is None:
        return None
    old, new = revision_snapshot(revision=parent), revision_snapshot(revision=revision)
    changed = set()
    for key in old.keys() | new.keys():
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        changed.add(str(key[1]))
        values = after if after is not None else before
        if PARENT in values:
            changed.add(str(values[PARENT]))
    for attribute, uid in _OVERVIEWS.items():
        if getattr(parent, attribute) != getattr(revision, attribute):
            changed.add(uid)
    return frozenset(changed)
