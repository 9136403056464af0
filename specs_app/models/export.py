from django.conf import settings
from django.db import models

from specs_app.models.review import ChangeRequest
from specs_app.models.spec import Revision, Spec


class GitTarget(models.Model):
    """Where a spec's two files are committed. The paths are the spec's api_path/schema_path."""

    spec = models.OneToOneField(Spec, on_delete=models.CASCADE, related_name="git_target")
    repository = models.CharField(
        max_length=500, help_text="A local path, or a file://, ssh:// or https:// URL."
    )
    branch = models.CharField(max_length=200, default="main")
    commit_on_merge = models.BooleanField(
        default=True, help_text="Export and commit every merged change request."
    )
    write_migrations = models.BooleanField(
        default=False,
        help_text="Also commit the PostgreSQL migration of each merged change request, as "
        "migrations/NNNN_title.sql beside the schema file (NNNN: the request number).",
    )
    write_changelog = models.BooleanField(
        default=False,
        help_text="Also keep a CHANGELOG.md at the repository root: each exported revision's "
        "changes (breaking API changes first, the migration, the lint delta) are added at its "
        "top, in the same commit.",
    )
    #: What the studio last wrote (blob sha of each file, keyed by path): a branch head whose
    #: files differ from these was edited outside the studio (drift).
    exported_blobs = models.JSONField(default=dict, blank=True)
    exported_sha = models.CharField(max_length=64, blank=True)
    #: The files on the branch that "Import changes from git" read (blob sha by path), and the
    #: change request it opened: once that request is merged, the head carries those files'
    #: changes, so exporting over them is no drift.
    imported_blobs = models.JSONField(default=dict, blank=True)
    imported_by = models.ForeignKey(
        ChangeRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: A lease, not a held row lock: one export of the spec runs at a time, in any process,
    #: without keeping a database transaction open while git talks to the network.
    lease_owner = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.repository} ({self.branch})"


class Export(models.Model):
    class Trigger(models.TextChoices):
        MERGE = "merge", "Merge"
        MANUAL = "manual", "Manual"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        NO_CHANGE = "no_change", "No change"
        DRIFT = "drift", "Drift"
        FAILED = "failed", "Failed"

    spec = models.ForeignKey(Spec, on_delete=models.CASCADE, related_name="exports")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="+")
    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    commit_sha = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.spec} {self.revision}: {self.status}"
