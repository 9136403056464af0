"""Query counts of the review pages and in-place answers the other files do not pin: a review
request answered in place, applying a suggestion, the dismiss page without JavaScript (each on a
small and a big spec), marking the inbox read with htmx (for 1 and 50 notifications), opening a
notification, and the email settings page. The same count whatever the size."""

import pytest
from django.urls import reverse

from specs_app.models import BodyField, Endpoint, Notification
from specs_app.services import review as services
from specs_app.services import threads
from tests.test_query_counts import _changed_request, _spec, size_param
from tests.test_views_inbox import _cr, _notify

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _url(cr, name, *extra) -> str:
    return reverse(f"specs_app:{name}", args=["acme", cr.spec.slug, cr.number, *extra])


@size_param
def test_a_review_request_in_place(
    client_for, editor, reviewer, workspace, owner, django_assert_num_queries, size
):
    cr = services.change_request_submit(
        change_request=_changed_request(_spec(workspace, owner, size), editor), actor=editor
    )
    client = client_for(editor)
    # 3 (session, user, membership) + spec, change request, the named members (the view's
    # check); the service: role, lock the request, the members' roles, their earlier requests
    # and reviews, the review request and its audit event, then the notification (the request,
    # the members, one INSERT), in a savepoint. The page the redirect leads to, whose parts htmx
    # swaps in, is the Conversation tab (tests/test_query_counts_states.py).
    with django_assert_num_queries(18):
        response = client.post(
            _url(cr, "change_request_request_review"), {"reviewers": [reviewer.pk]}
        )
    assert response.status_code == 302
    assert cr.review_requests.get().reviewer == reviewer


@size_param
def test_applying_a_suggestion(
    client_for, editor, reviewer, workspace, owner, django_assert_num_queries, size
):
    cr = _changed_request(_spec(workspace, owner, size), editor)
    endpoint = Endpoint.objects.filter(revision=cr.working).order_by("position", "id").first()
    row = BodyField.objects.filter(endpoint=endpoint).order_by("position", "id").first()
    comment = threads.change_request_comment(
        change_request=cr,
        author=reviewer,
        body="Shorter",
        anchor_kind="endpoint",
        anchor_uid=endpoint.uid,
        row_uid=row.uid,
        field="description",
        suggestion="The title",
    )
    client = client_for(editor)
    # 3 + spec, change request, the comment; the service: role, locks (request, comment), the
    # row; the edit as any editor save (role, lock, the row's page, the model's validation
    # (revision, endpoint, unique name: 3 existence checks), UPDATE, the row again, the request's
    # version, its audit event); the comment's applied mark and its audit event; 5 savepoint
    # statements
    with django_assert_num_queries(31):
        response = client.post(
            _url(cr, "comment_apply", comment.pk), {"version": row.version, "back": "changes"}, **HX
        )
    assert response.status_code == 200 and response.headers["HX-Redirect"].endswith(
        f"?tab=changes#thread-{comment.pk}"
    )
    assert BodyField.objects.get(pk=row.pk).description == "The title"


@size_param
def test_the_dismiss_page(
    client_for, editor, reviewer, owner, workspace, django_assert_num_queries, size
):
    cr = services.change_request_submit(
        change_request=_changed_request(_spec(workspace, owner, size), editor), actor=editor
    )
    review = services.change_request_review(
        change_request=cr, reviewer=reviewer, verdict="request_changes", body="No"
    )
    client = client_for(owner)
    # 3 + spec, change request, the review (with its reviewer), the navbar's unread count
    with django_assert_num_queries(7):
        response = client.get(_url(cr, "review_dismiss", review.pk))
    assert response.status_code == 200 and "Why dismiss it?" in response.content.decode()


@pytest.mark.parametrize("count", [1, 50])
def test_marking_the_inbox_read_in_place(
    client_for, spec, editor, reviewer, django_assert_num_queries, count
):
    _notify(_cr(spec, editor), editor, reviewer, n=count)
    client = client_for(editor)
    # session, user, one UPDATE, then the list again: page count, the page's notifications, and
    # the navbar's unread count (swapped out of band)
    with django_assert_num_queries(6):
        response = client.post(reverse("specs_app:inbox_mark_all_read"), **HX)
    assert response.status_code == 200
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_opening_a_notification(client_for, spec, editor, reviewer, django_assert_num_queries):
    notification = _notify(_cr(spec, editor), editor, reviewer)[0]
    client = client_for(editor)
    # session, user, the notification (mine), one UPDATE
    with django_assert_num_queries(4):
        response = client.get(reverse("specs_app:notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response.url == notification.url


def test_the_email_settings_page(client_for, editor, django_assert_num_queries):
    client = client_for(editor)
    # session, user, the settings, the navbar's count
    with django_assert_num_queries(4):
        response = client.get(reverse("specs_app:notification_settings"))
    assert response.status_code == 200 and "Mention" in response.content.decode()
