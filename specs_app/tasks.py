"""Background tasks (the Django tasks API, via django-tasks on Django 5.2): git exports and
notification emails."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from specs_app.models import Export
from specs_app.services.git import LEASE_RETRY_SECONDS, export_handed_off, export_run
from specs_app.services.notifications import (
    notification_emailed,
    notification_to_email,
    notifications_created,
)


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


@task()
def notification_email_task(notification_id: int) -> str:
    """Email one notification (text and HTML), unless its recipient opted out or it was sent."""
    notification = notification_to_email(notification_id=notification_id)
    if notification is None:
        return "skipped"
    site = settings.SITE_URL.rstrip("/")
    context = {
        "notification": notification,
        "link": site + notification.url,
        "settings_link": site + reverse("specs_app:notification_settings"),
    }
    message = EmailMultiAlternatives(
        subject="[Spec Studio] " + " ".join(notification.text.split()),
        body=render_to_string("specs_app/inbox/email.txt", context),
        to=[notification.recipient.email],
    )
    message.attach_alternative(render_to_string("specs_app/inbox/email.html", context), "text/html")
    message.send()
    notification_emailed(notification=notification)
    return "sent"


@receiver(notifications_created)
def _enqueue_emails(sender, *, notification_ids: list[int], **kwargs) -> None:
    for notification_id in notification_ids:
        notification_email_task.enqueue(notification_id)
