from django.contrib import admin

from specs_app import models

admin.site.register(models.Workspace, search_fields=["name", "slug"])
admin.site.register(
    models.Membership, list_display=["workspace", "user", "role"], list_filter=["role"]
)
admin.site.register(models.Spec, list_display=["title", "workspace", "slug", "head"])
admin.site.register(
    models.Revision, list_display=["spec", "state", "number", "author", "created_at"]
)
for content_model in models.CONTENT_MODELS:
    admin.site.register(content_model, list_display=["__str__", "revision", "position", "uid"])
admin.site.register(
    models.LintConfig,
    list_display=["spec", "owner_table", "updated_at"],
    search_fields=["spec__title"],
)
admin.site.register(
    models.GitTarget, list_display=["spec", "repository", "branch", "commit_on_merge"]
)
admin.site.register(
    models.Export,
    list_display=["spec", "revision", "trigger", "status", "commit_sha", "created_at"],
    list_filter=["status", "trigger"],
)
