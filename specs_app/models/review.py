from django.conf import settings
from django.db import models
from django.utils import timezone

from specs_app.models.spec import Revision, Spec


class ChangeRequest(models.Model):
    """A branch of a spec: a draft revision forked from `base`, reviewed, then merged."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        MERGED = "merged", "Merged"
        CLOSED = "closed", "Closed"

    spec = models.ForeignKey(Spec, on_delete=models.CASCADE, related_name="change_requests")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="change_requests"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    base = models.ForeignKey(
        Revision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    working = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="+")
    merged_revision = models.ForeignKey(
        Revision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    #: Bumped by every content edit; a review counts only for the state it was given on.
    content_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    merged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["spec", "number"], name="uq_change_request_number"),
        ]
        ordering = ["spec", "-number"]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.IN_REVIEW)


class Review(models.Model):
    class Verdict(models.TextChoices):
        APPROVE = "approve", "Approve"
        REQUEST_CHANGES = "request_changes", "Request changes"
        COMMENT = "comment", "Comment"

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    body = models.TextField(blank=True)
    content_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    #: Set when a workspace admin dismisses the review: it then counts neither way.
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismiss_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.verdict}"

    @property
    def dismissed(self) -> bool:
        return self.dismissed_at is not None


class Comment(models.Model):
    class AnchorKind(models.TextChoices):
        ENDPOINT = "endpoint", "Endpoint"
        MODEL = "model", "Model"

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    body = models.TextField()
    #: The thread this comment answers (its root); replies carry no anchor of their own.
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    #: The endpoint or model the thread is about.
    anchor_kind = models.CharField(max_length=8, choices=AnchorKind.choices, blank=True)
    anchor_uid = models.UUIDField(null=True, blank=True)
    #: The row of that item it sits on (the item itself or one of its child rows), by table
    #: ("endpoint", "bodyfield", ...) and uid, and one content field of that row (blank: the row).
    anchor_row_model = models.CharField(max_length=32, blank=True)
    anchor_row_uid = models.UUIDField(null=True, blank=True)
    anchor_field = models.CharField(max_length=64, blank=True)
    #: What it was made on: the field's value then, or the row's label and values; blank when
    #: the item was not in the draft (a comment on a removed item).
    anchor_text = models.TextField(blank=True)
    #: A reviewer's proposed new value of anchor_field; blank: no suggestion.
    suggestion = models.TextField(blank=True)
    suggestion_applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    suggestion_applied_at = models.DateTimeField(null=True, blank=True)
    resolved = models.BooleanField(default=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: When its author last changed the text; shown as "edited".
    edited_at = models.DateTimeField(null=True, blank=True)
    #: A thread's first comment deleted while it has replies: kept as a placeholder.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def is_root(self) -> bool:
        return self.parent_id is None


class ReviewRequest(models.Model):
    """A named member asked to review a request. They are pending until they give a review
    after `requested_at`; re-requesting moves `requested_at` on (one row per reviewer)."""

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="review_requests"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["change_request", "reviewer"], name="uq_review_request_reviewer"
            ),
        ]
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.reviewer} asked to review {self.change_request}"


class ItemView(models.Model):
    """A reviewer's "Viewed" tick on one changed endpoint or model of a change request. It
    counts while `digest` (a hash of the item's changed content, see services/diff.py) is the
    item's current one: when the item changes again, the tick no longer applies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="item_views"
    )
    item_uid = models.UUIDField()
    digest = models.CharField(max_length=64)
    viewed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "change_request", "item_uid"], name="uq_item_view"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} viewed {self.item_uid}"


class StakeApproval(models.Model):
    """An admin's approval of one thing at stake in a change request (services/stakes.py): a
    breaking API change or a destructive migration step, by its fingerprint (check, item and
    text), so that it stays approved through edits that leave it as it was."""

    class Via(models.TextChoices):
        REVIEW = "review", "Approving review"
        ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="stake_approvals"
    )
    fingerprint = models.CharField(max_length=64)
    #: "api" (a breaking API change) or "migration" (a destructive migration step).
    kind = models.CharField(max_length=16)
    #: The API check id or the migration risk code.
    code = models.CharField(max_length=100)
    item = models.CharField(max_length=500)
    message = models.TextField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    via = models.CharField(max_length=16, choices=Via.choices)
    #: The approving review it came with (via "review"): dismissing that review removes it.
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, null=True, blank=True, related_name="stake_approvals"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["change_request", "fingerprint"], name="uq_stake_approval"
            ),
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.item} approved by {self.approved_by}"
