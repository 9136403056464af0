from django.conf import settings
from django.db import models

from specs_app.models.audit import AuditEvent
from specs_app.models.review import ChangeRequest
from specs_app.models.spec import Spec
from specs_app.models.workspace import Workspace


class Notification(models.Model):
    """One thing someone should know about, made from one audit event: shown in their inbox
    and, unless they opted out, sent by email once the event's transaction commits."""

    class Kind(models.TextChoices):
        REVIEW_REQUESTED = "review_requested", "Review requested"
        REVIEW_GIVEN = "review_given", "Review given"
        REVIEW_DISMISSED = "review_dismissed", "Review dismissed"
        COMMENT = "comment", "Comment"
        REPLY = "reply", "Reply"
        MENTION = "mention", "Mention"
        MERGED = "merged", "Merged"
        EXPORT_FAILED = "export_failed", "Export failed"
        EXPORT_DRIFTED = "export_drifted", "Export drifted"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    #: The audit event it was made from: one notification per recipient per event.
    event = models.ForeignKey(AuditEvent, on_delete=models.SET_NULL, null=True, related_name="+")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    spec = models.ForeignKey(Spec, on_delete=models.CASCADE, null=True, related_name="+")
    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    #: One line: "carol requested your review on #3 Add labels".
    text = models.CharField(max_length=300)
    #: The start of the comment or review it is about, if any.
    excerpt = models.CharField(max_length=300, blank=True)
    #: Where it leads: a path on this site.
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recipient"], name="uq_notification_event_recipient"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient", "change_request"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.text}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationSettings(models.Model):
    """A person's choices about email; without a row, every notification is emailed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email = models.BooleanField(default=True, help_text="Email me my notifications.")
    #: Kinds never emailed (they still show in the inbox).
    muted_kinds = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: email {'on' if self.email else 'off'}"

    def wants_email(self, kind: str) -> bool:
        return self.email and kind not in self.muted_kinds
