"""The inbox page, the navbar's unread count, opening a notification (marks it read), marking
all read (with and without htmx), seeing a change request, the email settings, and access."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from specs_app.models import Notification, NotificationSettings
from specs_app.services import review as services
from tests.review_helpers import open_request, ready_spec

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
INBOX = reverse("specs_app:inbox")


def _cr(spec, editor, title="Add labels"):
    cr = open_request(ready_spec(spec), editor, title)
    services.change_request_submit(change_request=cr, actor=editor)
    return cr


def _notify(cr, recipient, actor, n=1, **extra):
    """n notifications for `recipient` about `cr` (as the receiver makes them)."""
    url = reverse("specs_app:change_request", args=["acme", cr.spec.slug, cr.number])
    return Notification.objects.bulk_create(
        Notification(
            recipient=recipient,
            actor=actor,
            kind=Kind.COMMENT,
            workspace=cr.spec.workspace,
            spec=cr.spec,
            change_request=cr,
            text=f"{actor.username} commented on #{cr.number} {cr.title} ({i})",
            url=url,
            **extra,
        )
        for i in range(n)
    )


def _badge(body: str) -> str:
    start = body.index('<a id="inbox-link"')
    return body[start : body.index("</a>", start)]


def test_the_navbar_shows_the_unread_count(client_for, spec, editor, reviewer):
    cr = _cr(spec, editor)
    _notify(cr, editor, reviewer, n=3)
    body = client_for(editor).get(reverse("specs_app:spec_list", args=["acme"])).content.decode()
    badge = _badge(body)
    assert 'aria-label="Inbox, 3 unread"' in badge and 'data-testid="inbox-count"' in badge
    assert f'href="{INBOX}"' in badge and ">3</span>" in badge


def test_no_unread_no_count(client_for, spec, editor, reviewer):
    cr = _cr(spec, editor)
    _notify(cr, editor, reviewer, read_at=timezone.now())
    badge = _badge(client_for(editor).get(INBOX).content.decode())
    assert 'aria-label="Inbox, no unread"' in badge and "inbox-count" not in badge


def test_the_inbox_lists_mine_newest_first_grouped_by_day(client_for, spec, editor, reviewer):
    cr = _cr(spec, editor)
    old, new = _notify(cr, editor, reviewer, n=2)
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=3), read_at=timezone.now()
    )
    _notify(cr, reviewer, editor)  # someone else's
    response = client_for(editor).get(INBOX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(new.text) < body.index(old.text) and "Today" in body
    assert "edgar commented" not in body, "only my own"
    assert body.count("notification-unread") == 1 and body.count("Unread: ") == 1
    assert reverse("specs_app:notification_open", args=[new.pk]) in body
    assert Notification.objects.get(pk=new.pk).read_at is None, "opening the inbox reads nothing"


def test_the_inbox_when_empty(client_for, editor):
    body = client_for(editor).get(INBOX).content.decode()
    assert 'data-testid="inbox-empty"' in body


@pytest.mark.parametrize("count", [1, 50])
def test_inbox_query_count(client_for, spec, editor, reviewer, django_assert_num_queries, count):
    cr = _cr(spec, editor)
    _notify(cr, editor, reviewer, n=count)
    client = client_for(editor)
    # session, user, unread count (navbar), page count, the page's notifications (with actor,
    # spec and change request)
    with django_assert_num_queries(5):
        response = client.get(INBOX)
    assert response.content.decode().count('data-testid="notification"') == count


def test_a_big_inbox_pages(client_for, spec, editor, reviewer):
    cr = _cr(spec, editor)
    _notify(cr, editor, reviewer, n=55)
    client = client_for(editor)
    first = client.get(INBOX).content.decode()
    assert first.count('data-testid="notification"') == 50 and "Page 1 of 2" in first
    second = client.get(INBOX, {"page": 2}).content.decode()
    assert second.count('data-testid="notification"') == 5


def test_opening_marks_read_and_follows_the_link(client_for, spec, editor, reviewer):
    cr = _cr(spec, editor)
    first, second = _notify(cr, editor, reviewer, n=2)
    response = client_for(editor).get(reverse("specs_app:notification_open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == first.url
    first.refresh_from_db(), second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_someone_elses_notification_is_404_and_stays_unread(
    client_for, spec, editor, reviewer, outsider
):
    cr = _cr(spec, editor)
    (notification,) = _notify(cr, editor, reviewer)
    url = reverse("specs_app:notification_open", args=[notification.pk])
    assert client_for(reviewer).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404
    client_for(reviewer).post(reverse("specs_app:inbox_mark_all_read"))
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_notification_leading_off_site_goes_to_the_inbox(client_for, spec, editor, reviewer):
    cr = _cr(spec, editor)
    (notification,) = _notify(cr, editor, reviewer)
    Notification.objects.filter(pk=notification.pk).update(url="https://evil.example/")
    url = reverse("specs_app:notification_open", args=[notification.pk])
    assert client_for(editor).get(url)["Location"] == INBOX


def test_mark_all_read_without_javascript(client_for, spec, editor, reviewer):
    cr = _cr(spec, editor)
    _notify(cr, editor, reviewer, n=3)
    _notify(cr, reviewer, editor)
    client = client_for(editor)
    response = client.post(reverse("specs_app:inbox_mark_all_read"), follow=True)
    assert response.redirect_chain == [(INBOX, 302)]
    body = response.content.decode()
    assert "Marked 3 notifications read." in body and "notification-unread" not in body
    assert Notification.objects.filter(read_at__isnull=True).count() == 1, "not others'"


def test_mark_all_read_with_htmx_swaps_the_list_and_the_badge(client_for, spec, editor, reviewer):
    cr = _cr(spec, editor)
    _notify(cr, editor, reviewer, n=2)
    response = client_for(editor).post(
        reverse("specs_app:inbox_mark_all_read"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="inbox-list"') and '<nav class="navbar' not in body
    assert "notification-unread" not in body
    assert 'hx-swap-oob="true"' in body and 'aria-label="Inbox, no unread"' in body


def test_mark_all_read_needs_post_and_sign_in(client, client_for, editor):
    url = reverse("specs_app:inbox_mark_all_read")
    assert client.post(url)["Location"].startswith(reverse("login"))
    assert client.get(INBOX)["Location"].startswith(reverse("login"))
    assert client_for(editor).get(url).status_code == 405


def test_seeing_a_change_request_reads_its_notifications(client_for, spec, editor, reviewer):
    cr = _cr(spec, editor)
    other = _cr(spec, editor, "Other")
    _notify(cr, editor, reviewer, n=2)
    (elsewhere,) = _notify(other, editor, reviewer)
    (theirs,) = _notify(cr, reviewer, editor)
    url = reverse("specs_app:change_request", args=["acme", spec.slug, cr.number])
    body = client_for(editor).get(url).content.decode()
    assert 'aria-label="Inbox, 1 unread"' in body, "the count already leaves out what is seen"
    unread = Notification.objects.filter(read_at__isnull=True)
    assert set(unread.values_list("pk", flat=True)) == {elsewhere.pk, theirs.pk}


def test_settings_page_saves_the_choices(client_for, editor):
    url = reverse("specs_app:notification_settings")
    client = client_for(editor)
    body = client.get(url).content.decode()
    assert "Email me my notifications" in body and "edgar@example.com" in body
    response = client.post(url, {"emailed_kinds": [Kind.MENTION, Kind.REVIEW_REQUESTED]})
    assert response.status_code == 302
    saved = NotificationSettings.objects.get(user=editor)
    assert saved.email is False
    assert Kind.COMMENT in saved.muted_kinds and Kind.MENTION not in saved.muted_kinds
    client.post(url, {"email": "on", "emailed_kinds": list(Kind.values)})
    saved.refresh_from_db()
    assert saved.email is True and saved.muted_kinds == []
    assert "checked" in client.get(url).content.decode()


def test_settings_page_refuses_an_unknown_kind(client_for, editor):
    url = reverse("specs_app:notification_settings")
    response = client_for(editor).post(url, {"email": "on", "emailed_kinds": ["nonsense"]})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationSettings.objects.filter(user=editor).exists()
