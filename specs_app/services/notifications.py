"""Notifications: made from audit events, shown in the inbox, sent by email after commit.

The producers (review, comments, git exports) only write audit events; `audit_event_notify`,
connected to AuditEvent's post_save in apps.py, turns the verbs below into notifications in the
same transaction. Once it commits, `notifications_created` hands the new notifications to the
task backend, which emails them (specs_app/tasks.py); nothing is sent if it rolls back.

Rules: the actor is never notified of their own action (an export's outcome is nobody's action:
its requester hears of it too); each recipient gets at most one notification per event (a
mention wins over "a comment on your request"); only members of the workspace are notified.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone

from specs_app.models import (
    AuditEvent,
    ChangeRequest,
    Comment,
    Export,
    Membership,
    Notification,
    NotificationSettings,
    Review,
    Role,
    Workspace,
)
from specs_app.services.render import markdown_to_safe_html, mention_names

Kind = Notification.Kind

#: Sent once the transaction that made notifications commits, with `notification_ids`:
#: specs_app/tasks.py queues one email task each (services do not import the task module).
notifications_created = Signal()

EXCERPT = 280


# Mentions.


def mentioned_usernames(text: str) -> list[str]:
    """The usernames `@mentioned` in markdown text, in order, each once: the same ones
    `markdown_to_safe_html(text, mentions=...)` links (none inside code or e-mail addresses)."""
    if "@" not in text:
        return []
    return mention_names(markdown_to_safe_html(text))


def workspace_mentions(*, workspace: Workspace) -> dict[str, str]:
    """username -> URL of the member's page, for every member of the workspace: the
    `mentions` of markdown_to_safe_html. One query."""
    usernames = Membership.objects.filter(workspace=workspace).values_list(
        "user__username", flat=True
    )
    return {
        name: reverse("specs_app:member_detail", args=[workspace.slug, name]) for name in usernames
    }


def mentions_for(*, change_request: ChangeRequest, texts) -> dict[str, str] | None:
    """The `mentions` with which to render `texts` of a change request: its workspace's members
    when one of them holds an "@" (one query), else None (no query)."""
    if any("@" in text for text in texts if text):
        return workspace_mentions(workspace=change_request.spec.workspace)
    return None


# From audit events to notifications.


@dataclass
class _Plan:
    """What one event tells whom: recipients in priority order, as user ids or usernames
    (mentions), each with its kind and line."""

    url: str
    change_request: ChangeRequest | None = None
    excerpt: str = ""
    recipients: list[tuple[int | str, str, str]] = field(default_factory=list)
    #: An export's outcome is nobody's own action: its requester is told too.
    notify_actor: bool = False

    def add(self, who: int | str | None, kind: str, text: str) -> None:
        if who is not None:
            self.recipients.append((who, kind, text))

    def add_mentions(self, body: str, text: str) -> None:
        for name in mentioned_usernames(body):
            self.add(name, Kind.MENTION, text)


def _name(user) -> str:
    return user.username if user is not None else "Someone"


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


def _change_request(event: AuditEvent) -> ChangeRequest | None:
    if not event.target.startswith("#") or not event.target[1:].isdigit():
        return None
    return (
        ChangeRequest.objects.select_related("spec__workspace", "author")
        .filter(spec_id=event.spec_id, number=int(event.target[1:]))
        .first()
    )


def _cr_url(cr: ChangeRequest, query: str = "", anchor: str = "") -> str:
    spec = cr.spec
    url = reverse("specs_app:change_request", args=[spec.workspace.slug, spec.slug, cr.number])
    return url + (f"?{query}" if query else "") + (f"#{anchor}" if anchor else "")


def _about(cr: ChangeRequest) -> str:
    return f"#{cr.number} {cr.title}"


def _comment(event: AuditEvent) -> Comment | None:
    pk = event.details.get("comment")
    if not isinstance(pk, int):
        return None
    return Comment.objects.filter(pk=pk).first()


def _review_requested(event: AuditEvent, cr: ChangeRequest, actor: str) -> _Plan:
    plan = _Plan(url=_cr_url(cr, "tab=changes"), change_request=cr)
    verb = "asked again for your review" if event.details.get("again") else "requested your review"
    for reviewer_id in event.details.get("reviewer_ids") or []:
        if isinstance(reviewer_id, int):
            plan.add(reviewer_id, Kind.REVIEW_REQUESTED, f"{actor} {verb} on {_about(cr)}")
    return plan


_VERDICTS = {
    "review.approve": "approved",
    "review.request_changes": "requested changes on",
    "review.comment": "reviewed",
}


def _review_given(event: AuditEvent, cr: ChangeRequest, actor: str) -> _Plan:
    review = Review.objects.filter(pk=event.details.get("review")).first()
    body = review.body if review is not None else ""
    plan = _Plan(url=_cr_url(cr, "tab=conversation"), change_request=cr, excerpt=_excerpt(body))
    plan.add(cr.author_id, Kind.REVIEW_GIVEN, f"{actor} {_VERDICTS[event.verb]} {_about(cr)}")
    plan.add_mentions(body, f"{actor} mentioned you in a review of {_about(cr)}")
    return plan


def _review_dismissed(event: AuditEvent, cr: ChangeRequest, actor: str) -> _Plan:
    reason = str(event.details.get("reason") or "")
    plan = _Plan(url=_cr_url(cr, "tab=conversation"), change_request=cr, excerpt=_excerpt(reason))
    reviewer_id = event.details.get("reviewer_id")
    if isinstance(reviewer_id, int):
        plan.add(
            reviewer_id, Kind.REVIEW_DISMISSED, f"{actor} dismissed your review of {_about(cr)}"
        )
    return plan


def _comment_plan(cr: ChangeRequest, comment: Comment, actor: str) -> _Plan:
    """A comment's or reply's plan: its link and excerpt, and the members it mentions first."""
    plan = _Plan(
        url=_cr_url(cr, "tab=conversation", f"comment-{comment.pk}"),
        change_request=cr,
        excerpt=_excerpt(comment.body),
    )
    plan.add_mentions(comment.body, f"{actor} mentioned you on {_about(cr)}")
    return plan


def _comment_added(event: AuditEvent, cr: ChangeRequest, actor: str) -> _Plan | None:
    comment = _comment(event)
    if comment is None:
        return None
    plan = _comment_plan(cr, comment, actor)
    plan.add(cr.author_id, Kind.COMMENT, f"{actor} commented on {_about(cr)}")
    return plan


def _comment_replied(event: AuditEvent, cr: ChangeRequest, actor: str) -> _Plan | None:
    comment = _comment(event)
    if comment is None:
        return None
    plan = _comment_plan(cr, comment, actor)
    text = f"{actor} replied to a thread on {_about(cr)}"
    root = comment.parent
    if root is not None:
        plan.add(root.author_id, Kind.REPLY, text)
        earlier = root.replies.exclude(pk=comment.pk).order_by("created_at", "id")
        for replier_id in dict.fromkeys(earlier.values_list("author_id", flat=True)):
            plan.add(replier_id, Kind.REPLY, text)
    plan.add(cr.author_id, Kind.REPLY, text)
    return plan


def _merged(event: AuditEvent, cr: ChangeRequest, actor: str) -> _Plan:
    plan = _Plan(url=_cr_url(cr), change_request=cr)
    text = f"{actor} merged {_about(cr)}"
    plan.add(cr.author_id, Kind.MERGED, text)
    reviewers = Review.objects.filter(change_request=cr).values_list("reviewer_id", flat=True)
    for reviewer_id in dict.fromkeys(reviewers):
        plan.add(reviewer_id, Kind.MERGED, text)
    return plan


def _opened(event: AuditEvent, cr: ChangeRequest, actor: str) -> _Plan:
    plan = _Plan(url=_cr_url(cr), change_request=cr, excerpt=_excerpt(cr.description))
    plan.add_mentions(cr.description, f"{actor} mentioned you in {_about(cr)}")
    return plan


_CHANGE_REQUEST_VERBS: dict[str, Callable[[AuditEvent, ChangeRequest, str], _Plan | None]] = {
    "review.requested": _review_requested,
    "review.approve": _review_given,
    "review.request_changes": _review_given,
    "review.comment": _review_given,
    "review.dismissed": _review_dismissed,
    "comment.added": _comment_added,
    "comment.replied": _comment_replied,
    "change_request.merged": _merged,
    "change_request.opened": _opened,
}

_EXPORT_VERBS = {
    f"export.{Export.Status.FAILED}": Kind.EXPORT_FAILED,
    f"export.{Export.Status.DRIFT}": Kind.EXPORT_DRIFTED,
}


def _export_outcome(event: AuditEvent) -> _Plan | None:
    """A failed or drifted export: the merge's author and merger when a merge asked for it,
    else the workspace's admins; whoever asked for it in any case."""
    export = (
        Export.objects.select_related("spec__workspace", "change_request__spec__workspace")
        .filter(pk=event.details.get("export"))
        .first()
    )
    if export is None:
        return None
    spec, cr = export.spec, export.change_request
    kind = _EXPORT_VERBS[event.verb]
    what = f"The export of {event.target} of {spec.title}"
    if kind == Kind.EXPORT_FAILED:
        text = f"{what} to git failed"
    else:
        text = f"{what} stopped: its files were changed in git"
    if cr is not None:
        text += f" ({_about(cr)})"
    url = reverse("specs_app:exports", args=[spec.workspace.slug, spec.slug])
    error = str(event.details.get("error") or "")
    plan = _Plan(url=url, change_request=cr, excerpt=_excerpt(error), notify_actor=True)
    if cr is not None and export.trigger == Export.Trigger.MERGE:
        plan.add(cr.author_id, kind, text)
        plan.add(cr.merged_by_id, kind, text)
    else:
        admins = Membership.objects.filter(workspace_id=spec.workspace_id, role=Role.ADMIN)
        for admin_id in admins.values_list("user_id", flat=True):
            plan.add(admin_id, kind, text)
    plan.add(export.requested_by_id, kind, text)
    return plan


def _plan(event: AuditEvent) -> _Plan | None:
    if event.verb in _EXPORT_VERBS:
        return _export_outcome(event)
    build = _CHANGE_REQUEST_VERBS.get(event.verb)
    if build is None:
        return None
    cr = _change_request(event)
    if cr is None:
        return None
    actor = event.actor.username if event.actor_id else "Someone"
    return build(event, cr, actor)


def _members(event: AuditEvent, keys: list[int | str]) -> dict[int | str, int]:
    """Each key (user id or username) that is a member of the event's workspace -> user id."""
    ids = [key for key in keys if isinstance(key, int)]
    names = [key for key in keys if isinstance(key, str)]
    rows = Membership.objects.filter(workspace_id=event.workspace_id).filter(
        Q(user_id__in=ids) | Q(user__username__in=names)
    )
    found: dict[int | str, int] = {}
    for user_id, username in rows.values_list("user_id", "user__username"):
        found[user_id] = user_id
        found[username] = user_id
    return found


def audit_event_notify(*, event: AuditEvent) -> list[Notification]:
    """Make the notifications an audit event calls for (none for most verbs, without a query)."""
    if event.verb not in _CHANGE_REQUEST_VERBS and event.verb not in _EXPORT_VERBS:
        return []
    plan = _plan(event)
    if plan is None or not plan.recipients:
        return []
    members = _members(event, [who for who, _, _ in plan.recipients])
    chosen: dict[int, tuple[str, str]] = {}
    for who, kind, text in plan.recipients:
        user_id = members.get(who)
        if user_id is None or user_id in chosen:
            continue
        if user_id == event.actor_id and not plan.notify_actor:
            continue
        chosen[user_id] = (kind, text)
    cr = plan.change_request
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient_id=user_id,
            actor_id=event.actor_id,
            kind=kind,
            event=event,
            workspace_id=event.workspace_id,
            spec_id=event.spec_id,
            change_request=cr,
            text=text[:300],
            excerpt=plan.excerpt,
            url=plan.url[:500],
        )
        for user_id, (kind, text) in chosen.items()
    )
    ids = [n.pk for n in notifications]
    if ids:
        transaction.on_commit(
            lambda: notifications_created.send(Notification, notification_ids=ids), robust=True
        )
    return notifications


def audit_event_saved(sender, instance: AuditEvent, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        audit_event_notify(event=instance)


# Email.


def notification_settings_for(*, user) -> NotificationSettings:
    """The user's settings; unsaved defaults (email on) when they never chose."""
    found = NotificationSettings.objects.filter(user=user).first()
    return found if found is not None else NotificationSettings(user=user)


def notification_settings_save(
    *, user, email: bool, muted_kinds: list[str]
) -> NotificationSettings:
    valid = [kind for kind in muted_kinds if kind in Kind.values]
    settings, _ = NotificationSettings.objects.update_or_create(
        user=user, defaults={"email": email, "muted_kinds": valid}
    )
    return settings


def notification_to_email(*, notification_id: int) -> Notification | None:
    """The notification to email now, or None: gone, emailed already, no address, opted out."""
    notification = (
        Notification.objects.select_related(
            "recipient", "actor", "spec__workspace", "change_request"
        )
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None or not notification.recipient.email:
        return None
    if not notification_settings_for(user=notification.recipient).wants_email(notification.kind):
        return None
    return notification


def notification_emailed(*, notification: Notification) -> None:
    notification.emailed_at = timezone.now()
    Notification.objects.filter(pk=notification.pk).update(emailed_at=notification.emailed_at)


# The inbox.


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox_notifications(*, user):
    return Notification.objects.filter(recipient=user).select_related(
        "actor", "spec", "change_request"
    )


def notification_open(*, user, notification_id: int) -> Notification | None:
    """The user's own notification, marked read; None when it is not theirs (or gone)."""
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_mark_seen(*, user, change_request: ChangeRequest) -> int:
    """The user saw the request's page: what they were told about it is read. One UPDATE."""
    return Notification.objects.filter(
        recipient=user, change_request=change_request, read_at__isnull=True
    ).update(read_at=timezone.now())
