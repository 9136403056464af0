"""Background tasks (the Django tasks API, via django-tasks on Django 5.2)."""

from datetime import timedelta

from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from specs_app.models import Export
from specs_app.services.git import LEASE_RETRY_SECONDS, export_handed_off, export_run


@task()
def export_run_task(export_id: int) -> str:
    """Run one queued git export; its record holds the outcome. While another export of the
    same spec holds the lease, a backend that can defer runs this task again a few seconds
    later (the export stays queued), so the worker moves on to other specs' exports."""

    def defer() -> None:
        later = timezone.now() + timedelta(seconds=LEASE_RETRY_SECONDS)
        export_run_task.using(run_after=later).enqueue(export_id)

    can_defer = export_run_task.get_backend().supports_defer
    export = export_run(export=Export.objects.get(pk=export_id), defer=defer if can_defer else None)
    return export.status


@receiver(export_handed_off)
def _enqueue_export(sender, *, export_id: int, **kwargs) -> None:
    export_run_task.enqueue(export_id)
