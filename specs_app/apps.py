from django.apps import AppConfig


class SpecsAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "specs_app"
    verbose_name = "Spec Studio"

    def ready(self) -> None:
        # Connect the receivers and register the lint rules: the lower layers signal upward
        # (a merge → the git export, an export → the task backend) and know the rule ids
        # without importing the modules above them.
        from django.db.models.signals import post_save

        from specs_app import tasks  # noqa: F401
        from specs_app.models import AuditEvent
        from specs_app.services.lint import rulebook  # noqa: F401
        from specs_app.services.notifications import audit_event_saved

        # Every audit event may tell someone something (services/notifications.py).
        post_save.connect(audit_event_saved, sender=AuditEvent, dispatch_uid="notifications")
