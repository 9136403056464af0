"""Comments and threads on a change request: comments on the request, on an item, on one of its
rows or on one field of a row (with a suggested value); replies, resolving, editing, deleting,
and applying a suggestion as an audited edit of the draft.

Each service is one transaction, as in services/review.py, whose lock and audit they share.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from specs_app.access import require_role
from specs_app.models import ChangeRequest, Comment, ContentRow, Role
from specs_app.services.anchors import (
    MODELS_BY_NAME,
    field_label,
    field_text,
    resolve_anchor,
    value_from_text,
)
from specs_app.services.errors import ServiceError
from specs_app.services.review import audit_request, change_request_update, lock_request

State = ChangeRequest.State


def change_request_comment(
    *,
    change_request: ChangeRequest,
    author,
    body: str,
    anchor_kind: str = "",
    anchor_uid=None,
    row_uid=None,
    field: str = "",
    suggestion: str = "",
) -> Comment:
    """A comment on the request, or the first comment of a thread on an item (`anchor_kind`,
    `anchor_uid`), on one of its rows (`row_uid`) or on one field of that row (`field`). A
    reviewer may add a `suggestion`: the field's proposed new value (blank, or the same value as
    now, is no suggestion)."""
    membership = require_role(author, change_request.spec.workspace_id, Role.EDITOR)
    if not body.strip():
        raise ServiceError("A comment cannot be empty.")
    with transaction.atomic():
        cr = lock_request(change_request)
        if cr.state == State.MERGED:
            raise ServiceError(f"#{cr.number} is merged; comments are closed.")
        anchor = None
        if anchor_kind or anchor_uid or row_uid or field:
            anchor = resolve_anchor(cr, anchor_kind, anchor_uid, row_uid, field)
        if anchor is None or suggestion == anchor.text:
            suggestion = ""  # nothing proposed, or the value as it is
        if suggestion:
            if not anchor.field or anchor.row is None:
                raise ServiceError("A suggestion proposes a value for one field of a row.")
            if not membership.role_enum.at_least(Role.REVIEWER):
                raise PermissionDenied("Suggesting a value needs the reviewer role or higher.")
        comment = Comment.objects.create(
            change_request=cr,
            author=author,
            body=body.strip(),
            anchor_kind=anchor.kind if anchor else "",
            anchor_uid=anchor.item_uid if anchor else None,
            anchor_row_model=anchor.model._meta.model_name if anchor else "",
            anchor_row_uid=anchor.row_uid if anchor else None,
            anchor_field=anchor.field if anchor else "",
            anchor_text=anchor.text if anchor else "",
            suggestion=suggestion,
        )
        audit_request(
            cr,
            author,
            "comment.added",
            comment=comment.pk,
            anchor=str(comment.anchor_uid or ""),
            field=comment.anchor_field,
            row=str(comment.anchor_row_uid or ""),
        )
    return comment


def comment_reply(*, comment: Comment, author, body: str) -> Comment:
    """A reply in the thread of `comment` (a reply to a reply joins the same thread)."""
    require_role(author, comment.change_request.spec.workspace_id, Role.EDITOR)
    if not body.strip():
        raise ServiceError("A reply cannot be empty.")
    with transaction.atomic():
        cr = lock_request(comment.change_request)
        if cr.state == State.MERGED:
            raise ServiceError(f"#{cr.number} is merged; comments are closed.")
        root = Comment.objects.get(pk=comment.parent_id or comment.pk)
        reply = Comment.objects.create(
            change_request=cr, author=author, body=body.strip(), parent=root
        )
        audit_request(cr, author, "comment.replied", comment=reply.pk, parent=root.pk)
    return reply


def comment_resolve(*, comment: Comment, actor, resolved: bool = True) -> Comment:
    """Resolve or reopen the thread `comment` belongs to."""
    cr = comment.change_request
    role = require_role(actor, cr.spec.workspace_id, Role.EDITOR).role_enum
    with transaction.atomic():
        lock_request(cr, State.DRAFT, State.IN_REVIEW)
        locked = Comment.objects.select_for_update().get(pk=comment.parent_id or comment.pk)
        if actor.pk not in (locked.author_id, cr.author_id) and not role.at_least(Role.REVIEWER):
            raise PermissionDenied("Only the thread's author, the request's author or a reviewer.")
        locked.resolved = resolved
        locked.resolved_by = actor if resolved else None
        locked.save(update_fields=["resolved", "resolved_by"])
        verb = "comment.resolved" if resolved else "comment.reopened"
        audit_request(cr, actor, verb, comment=locked.pk)
    return locked


def _own_comment(comment: Comment, actor, action: str) -> None:
    require_role(actor, comment.change_request.spec.workspace_id, Role.EDITOR)
    if comment.author_id != actor.pk:
        raise PermissionDenied(f"Only the author of a comment can {action} it.")


def _lock_comment(comment: Comment) -> tuple[ChangeRequest, Comment]:
    cr = lock_request(comment.change_request)
    if cr.state == State.MERGED:
        raise ServiceError(f"#{cr.number} is merged; its conversation is closed.")
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if locked.deleted_at is not None:
        raise ServiceError("That comment was deleted.")
    return cr, locked


def comment_edit(*, comment: Comment, actor, body: str) -> Comment:
    _own_comment(comment, actor, "edit")
    if not body.strip():
        raise ServiceError("A comment cannot be empty; delete it instead.")
    with transaction.atomic():
        cr, locked = _lock_comment(comment)
        if locked.body == body.strip():
            return locked
        # The audit keeps the words replaced or removed: an edit or a delete loses nothing.
        previous, locked.body = locked.body, body.strip()
        locked.edited_at = timezone.now()
        locked.save(update_fields=["body", "edited_at"])
        audit_request(cr, actor, "comment.edited", comment=locked.pk, previous=previous)
    return locked


def comment_delete(*, comment: Comment, actor) -> None:
    """Delete a comment. A thread's first comment with replies stays as a "deleted"
    placeholder (its text gone, its anchor and replies kept); it goes with its last reply."""
    _own_comment(comment, actor, "delete")
    with transaction.atomic():
        cr, locked = _lock_comment(comment)
        pk, text = locked.pk, locked.body
        if locked.parent_id is None and locked.replies.exists():
            locked.body, locked.suggestion, locked.deleted_at = "", "", timezone.now()
            locked.save(update_fields=["body", "suggestion", "deleted_at"])
        else:
            locked.delete()
            root = locked.parent
            if root is not None and root.deleted_at and not root.replies.exists():
                root.delete()
        audit_request(cr, actor, "comment.deleted", comment=pk, body=text)


def comment_apply_suggestion(
    *, comment: Comment, actor, expected_version: int | None = None
) -> ContentRow:
    """Make the suggested value the field's value: a normal audited edit of the draft, checked
    against the row's version as the page showed it (`expected_version`; now when None)."""
    cr = comment.change_request
    require_role(actor, cr.spec.workspace_id, Role.EDITOR)
    with transaction.atomic():
        cr, locked = _lock_comment(comment)
        if not locked.suggestion:
            raise ServiceError("That comment suggests no value.")
        if locked.suggestion_applied_at is not None:
            by = locked.suggestion_applied_by
            raise ServiceError(f"This suggestion was applied already (by {by}).")
        model = MODELS_BY_NAME[locked.anchor_row_model]
        row = model.objects.filter(revision_id=cr.working_id, uid=locked.anchor_row_uid).first()
        if row is None:
            raise ServiceError("The row this suggestion is for is no longer in the draft.")
        name = locked.anchor_field
        if field_text(getattr(row, name)) != locked.anchor_text:
            raise ServiceError(
                f"{field_label(model, name)} changed since the suggestion was made: the "
                "suggestion is outdated. Edit the field in the editor instead."
            )
        value = value_from_text(model, name, locked.suggestion)
        version = row.version if expected_version is None else expected_version
        try:
            row = change_request_update(
                change_request=cr, actor=actor, row=row, expected_version=version, **{name: value}
            )
        except ValidationError as exc:
            raise ServiceError(
                f"The suggested {field_label(model, name).lower()} cannot be saved: "
                + " ".join(exc.messages)
            ) from None
        locked.suggestion_applied_by = actor
        locked.suggestion_applied_at = timezone.now()
        locked.save(update_fields=["suggestion_applied_by", "suggestion_applied_at"])
        audit_request(cr, actor, "comment.suggestion_applied", comment=locked.pk)
    comment.change_request.content_version = cr.content_version
    return row
