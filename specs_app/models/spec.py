from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from specs_app.models.validators import validate_overview, validate_repo_path
from specs_app.models.workspace import Workspace
from specs_app.vocabulary import COMPATIBILITY_MODES, DEFAULT_API_PATH, DEFAULT_SCHEMA_PATH

COMPATIBILITY_CHOICES = [(mode, mode.capitalize()) for mode in COMPATIBILITY_MODES]


class Spec(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="specs")
    slug = models.SlugField(max_length=60)
    title = models.CharField(max_length=200)
    head = models.ForeignKey(
        "Revision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The newest published revision.",
    )
    required_approvals = models.PositiveSmallIntegerField(default=1)
    lint_gate = models.BooleanField(
        default=True, help_text="Refuse to merge a change request whose draft has lint errors."
    )
    compatibility = models.CharField(
        max_length=8,
        choices=COMPATIBILITY_CHOICES,
        default="none",
        help_text="Which breaking API changes the merge gate holds back: none; backward "
        "(existing clients keep working); forward (new clients work against the previous "
        "server); full (both).",
    )
    destructive_needs_admin = models.BooleanField(
        default=False,
        help_text="A change request whose migration loses data (a table or a column dropped) "
        "needs an admin's approval of those steps before it can merge.",
    )
    require_resolved_conversations = models.BooleanField(
        default=True, help_text="Refuse to merge a change request with unresolved comments."
    )
    api_path = models.CharField(
        max_length=255, default=DEFAULT_API_PATH, validators=[validate_repo_path]
    )
    schema_path = models.CharField(
        max_length=255, default=DEFAULT_SCHEMA_PATH, validators=[validate_repo_path]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="uq_spec_slug"),
        ]
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.api_path == self.schema_path:
            raise ValidationError(
                {"schema_path": "The two files need different paths, or one overwrites the other."}
            )


class Revision(models.Model):
    """A complete snapshot of a spec's content. Published revisions are immutable."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    spec = models.ForeignKey(Spec, on_delete=models.CASCADE, related_name="revisions")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    number = models.PositiveIntegerField(
        null=True, blank=True, help_text="r1, r2, … once published"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    api_overview = models.TextField(blank=True, validators=[validate_overview])
    schema_overview = models.TextField(blank=True, validators=[validate_overview])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["spec", "number"],
                condition=models.Q(number__isnull=False),
                name="uq_revision_number",
            ),
            models.CheckConstraint(
                condition=(models.Q(state="draft", number__isnull=True))
                | (models.Q(state="published", number__isnull=False)),
                name="ck_revision_number_iff_published",
            ),
        ]
        ordering = ["spec", "-number", "-created_at"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"r{self.number}" if self.number else f"draft #{self.pk}"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED
