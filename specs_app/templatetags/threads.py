"""Find the comment threads of an item card, of a changed field, or of a timeline comment in
the `threads` a change request page carries (selectors.change_request_threads)."""

from dataclasses import dataclass, field

from django import template

from specs_app.services.anchors import commentable_fields, field_label, field_text

register = template.Library()


@register.simple_tag
def item_threads(threads, group) -> list:
    """The threads on the item of `group` that no changed field of its card shows: the threads
    on the item as a whole, and those on fields the diff no longer shows (changed back)."""
    if not threads:
        return []
    shown = {
        (str(change.uid), f.name)
        for change in _get(group, "changes", [])
        for f in getattr(change, "fields", [])
    }
    return [
        thread
        for thread in threads.by_item.get(str(_get(group, "uid", "")), [])
        if not (
            thread.root.anchor_field
            and (str(thread.root.anchor_row_uid), thread.root.anchor_field) in shown
        )
    ]


@dataclass
class FieldSlot:
    """Where the threads of one field of one row go, and what a new one posts."""

    dom_id: str
    row_uid: str
    name: str
    label: str
    current: str  # the field's value in the draft, as text (a suggestion's starting point)
    commentable: bool
    threads: list = field(default_factory=list)


@register.simple_tag
def field_threads(threads, change, field_change) -> FieldSlot:
    model, name = change.model, field_change.name
    commentable = name in commentable_fields(model)
    found = threads.by_field.get((str(change.uid), name), []) if threads else []
    return FieldSlot(
        dom_id=f"field-threads-{change.uid}-{name}",
        row_uid=str(change.uid),
        name=name,
        label=field_label(model, name) if commentable else name,
        current=field_text(field_change.new),
        commentable=commentable,
        threads=found,
    )


@register.simple_tag
def thread_of(threads, comment):
    """The thread `comment` starts or answers (None when the page has no threads)."""
    if not threads or comment is None:
        return None
    return threads.by_id.get(comment.parent_id or comment.pk)


def _get(obj, name: str, default):
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)
