"""The inbox: my notifications, opening one (marks it read), marking all read, email settings."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from specs_app.forms.notifications import NotificationSettingsForm
from specs_app.models import Notification
from specs_app.services.notifications import (
    inbox_notifications,
    notification_open,
    notification_settings_for,
    notification_settings_save,
    notifications_mark_all_read,
)

PAGE_SIZE = 50


def _day_label(day, today) -> str:
    if day == today:
        return "Today"
    if day == today - timedelta(days=1):
        return "Yesterday"
    return day.strftime("%A %-d %B %Y")


def _days(notifications) -> list[tuple[str, list[Notification]]]:
    """The notifications grouped by the day they came, newest first."""
    today = timezone.localdate()
    groups: list[tuple[str, list[Notification]]] = []
    for notification in notifications:
        label = _day_label(timezone.localdate(notification.created_at), today)
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        groups[-1][1].append(notification)
    return groups


def _inbox_context(request: HttpRequest) -> dict:
    page = Paginator(inbox_notifications(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return {"page": page, "days": _days(page.object_list)}


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "specs_app/inbox/inbox.html", _inbox_context(request))


@login_required
@require_POST
def inbox_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user)
    if request.htmx:
        return render(request, "specs_app/inbox/inbox.html#inbox-list", _inbox_context(request))
    if count:
        messages.success(request, f"Marked {count} notification{'s' if count > 1 else ''} read.")
    return redirect("specs_app:inbox")


@login_required
@require_GET
def notification_open_view(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark the notification read, then go where it leads. Someone else's: 404."""
    notification = notification_open(user=request.user, notification_id=notification_id)
    if notification is None:
        raise Http404("No such notification.")
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect("specs_app:inbox")
    return redirect(notification.url)


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    current = notification_settings_for(user=request.user)
    initial = {
        "email": current.email,
        "emailed_kinds": [k for k in Notification.Kind.values if k not in current.muted_kinds],
    }
    form = NotificationSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        notification_settings_save(
            user=request.user, email=form.cleaned_data["email"], muted_kinds=form.muted_kinds
        )
        messages.success(request, "Notification settings saved.")
        return redirect("specs_app:notification_settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "specs_app/inbox/settings.html", {"form": form}, status=status)
