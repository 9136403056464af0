from django.apps import AppConfig


class SpecsAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "specs_app"
    verbose_name = "Spec Studio"

    def ready(self) -> None:
        # Connect the receivers and register the lint rules: the lower layers signal upward
        # (a merge → the git export, an export → the task backend) and know the rule ids
        # without importing the modules above them.
        from specs_app import tasks  # noqa: F401
        from specs_app.services.lint import rulebook  # noqa: F401
