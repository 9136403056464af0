from django.conf import settings
from django.db import models

from specs_app.models.spec import Spec
from specs_app.models.workspace import Workspace


class AuditEvent(models.Model):
    """Who did what, when: written in the same transaction as every transition and edit."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    spec = models.ForeignKey(
        Spec, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    verb = models.CharField(max_length=60)
    target = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.actor} {self.verb} {self.target}"
