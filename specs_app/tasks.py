"""Background tasks (the Django tasks API, via django-tasks on Django 5.2)."""

from django_tasks import task


@task()
def export_run_task(export_id: int) -> str:
    """Run one queued git export; its record holds the outcome."""
    from specs_app.models import Export
    from specs_app.services.git import export_run

    return export_run(export=Export.objects.get(pk=export_id)).status
