"""Query counts of the review-state pages: the Conversation tab (timeline, reviewers, badge) for a
small and a big spec, the home page's dashboard for few and many requests, and the spec page's
open requests with their state badges."""

import pytest
from django.urls import reverse

from specs_app.models import Membership, Role
from specs_app.services import review as services
from specs_app.services import threads
from tests.factories import UserFactory
from tests.review_helpers import approve_and_merge, open_request
from tests.test_query_counts import SIZES, _changed_request, _get, _spec, size_param

pytestmark = pytest.mark.django_db


def _reviewed(cr, editor, reviewer, owner):
    """A request in review with a comment, a review request, a request for changes, a
    re-request, a dismissal and an approval."""
    cr = services.change_request_submit(change_request=cr, actor=editor)
    threads.change_request_comment(change_request=cr, author=reviewer, body="Why *this*?")
    services.change_request_request_review(change_request=cr, actor=editor, reviewers=[reviewer])
    review = services.change_request_review(
        change_request=cr, reviewer=reviewer, verdict="request_changes", body="Rename it"
    )
    services.change_request_request_review(change_request=cr, actor=editor, reviewers=[reviewer])
    services.review_dismiss(review=review, actor=owner, reason="Settled")
    services.change_request_review(change_request=cr, reviewer=owner, verdict="approve")
    return cr


@size_param
def test_conversation_tab(
    client_for, editor, reviewer, owner, workspace, django_assert_num_queries, size
):
    cr = _reviewed(_changed_request(_spec(workspace, owner, size), editor), editor, reviewer, owner)
    url = reverse("specs_app:change_request", args=["acme", cr.spec.slug, cr.number])
    # 4 + change request, reviews and unresolved comments (merge status), reviews and review
    # requests (sidebar), members who may be asked, reviews and audit events
    # (timeline; the comments are read once, with the threads), the spec's latest export, the
    # viewer's notifications about it marked read (one UPDATE) and the navbar's unread count
    body = _get(client_for(editor), django_assert_num_queries, 16, url)
    assert "changed 3 endpoints, changed 2 models and changed business rule" in body
    assert "re-requested a review from" in body and "dismissed: Settled" in body


def _dashboard_data(spec, editor, reviewer, owner, count: int):
    for n in range(count):
        cr = open_request(spec, editor, f"Request {n}")
        if n % 3 == 0:
            continue  # a draft
        cr = services.change_request_submit(change_request=cr, actor=editor)
        if n % 3 == 1:
            services.change_request_request_review(
                change_request=cr, actor=editor, reviewers=[reviewer]
            )
            threads.change_request_comment(change_request=cr, author=reviewer, body="Hm")
        else:
            services.change_request_review(
                change_request=cr, reviewer=reviewer, verdict="request_changes", body="No"
            )
    for n in range(count // 2):
        approve_and_merge(open_request(spec, editor, f"Merged {n}"), author=editor, reviewer=owner)


@pytest.mark.parametrize("count", [3, 15])
def test_dashboard(client_for, spec, editor, reviewer, owner, django_assert_num_queries, count):
    spec.lint_gate = False
    spec.save(update_fields=["lint_gate"])
    other = UserFactory(username="rex")
    Membership.objects.create(workspace=spec.workspace, user=other, role=Role.REVIEWER)
    _dashboard_data(spec, editor, reviewer, owner, count)
    mine = services.change_request_submit(
        change_request=open_request(spec, owner, "Olivia's"), actor=owner
    )
    asked = spec.change_requests.filter(state="in_review", author=editor).order_by("number")
    services.change_request_request_review(
        change_request=asked.first(), actor=editor, reviewers=[owner]
    )
    assert mine.state == "in_review"
    url = reverse("specs_app:workspace_list")
    # session, user + for each of my open requests, requested of me, others I may review and
    # recently merged: the requests (with comment counts) and, when there are any, their
    # reviews (one query per list); the workspaces. Edgar has nothing to review; rex is asked
    # for nothing and wrote nothing; olivia (asked once, see below) has all four lists. And the
    # navbar's unread count.
    for user, expected in ((editor, 10), (other, 10), (owner, 12)):
        body = _get(client_for(user), django_assert_num_queries, expected, url)
        assert "Request 1" in body and "Merged 0" in body


@pytest.mark.parametrize("size", list(SIZES))
def test_spec_page_with_open_requests(
    client_for, viewer, editor, reviewer, workspace, owner, django_assert_num_queries, size
):
    spec = _spec(workspace, owner, size)
    for n in range(3 if size == "small" else 12):
        cr = services.change_request_submit(
            change_request=open_request(spec, editor, f"R{n}"), actor=editor
        )
        services.change_request_review(
            change_request=cr, reviewer=reviewer, verdict="request_changes", body="No"
        )
    url = reverse("specs_app:spec_detail", args=["acme", spec.slug])
    # As test_spec_page (23) + the open requests' reviews (one query for all of them)
    body = _get(client_for(viewer), django_assert_num_queries, 24, url)
    assert body.count('data-state="changes_requested"') == (3 if size == "small" else 12)
