"""Review states as GitHub has them: review requests (pending reviewers, re-requests, removal),
admin dismissals, the state a request shows, and the home page's dashboard, through the
services and the selectors."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404

from specs_app.models import (
    AuditEvent,
    ChangeRequest,
    Endpoint,
    Membership,
    Review,
    ReviewRequest,
    Role,
)
from specs_app.services import review as services
from specs_app.services import threads
from specs_app.services.dashboard import dashboard_for_user
from specs_app.services.errors import ServiceError
from tests.factories import UserFactory
from tests.review_helpers import approve_and_merge, edit_endpoint, open_request, ready_spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def cr(spec, editor):
    cr = open_request(ready_spec(spec), editor, "Tighten ownership")
    return services.change_request_submit(change_request=cr, actor=editor)


@pytest.fixture
def second_reviewer(workspace):
    user = UserFactory(username="sam")
    Membership.objects.create(workspace=workspace, user=user, role=Role.REVIEWER)
    return user


def _request(cr, actor, *reviewers):
    return services.change_request_request_review(
        change_request=cr, actor=actor, reviewers=list(reviewers)
    )


def _review(cr, reviewer, verdict, body="Because."):
    return services.change_request_review(
        change_request=cr, reviewer=reviewer, verdict=verdict, body=body
    )


def _events(verb):
    events = AuditEvent.objects.filter(verb=verb).order_by("created_at", "id")
    return [(e.actor.username, e.details) for e in events]


def _pending(cr):
    return [row.reviewer.username for row in services.change_request_reviewers(cr).pending]


# Requesting reviews.


def test_requesting_reviews_makes_the_reviewers_pending_and_is_audited(cr, editor, reviewer, owner):
    _request(cr, editor, reviewer, owner)

    assert sorted(_pending(cr)) == ["olivia", "rita"]
    assert ReviewRequest.objects.filter(change_request=cr).count() == 2
    [(actor, details)] = _events("review.requested")
    assert actor == "edgar" and details["again"] is False
    assert sorted(details["reviewers"]) == ["olivia", "rita"]
    assert sorted(details["reviewer_ids"]) == sorted([reviewer.pk, owner.pk])


def test_a_review_given_after_the_request_ends_pending(cr, editor, reviewer, second_reviewer):
    _request(cr, editor, reviewer, second_reviewer)
    _review(cr, reviewer, "comment", "Reading it")  # any review answers the request

    assert _pending(cr) == ["sam"]
    rows = services.change_request_reviewers(cr).reviewed
    assert [(r.reviewer.username, r.review.verdict, r.pending) for r in rows] == [
        ("rita", "comment", False)
    ]


@pytest.mark.parametrize(
    "who, message",
    [
        ("editor", "opened #1; authors cannot review"),
        ("viewer", "is viewer; only members with the reviewer role or higher"),
        ("outsider", "is not a member of this workspace"),
    ],
)
def test_only_members_who_may_review_and_not_the_author_can_be_asked(
    request, cr, editor, who, message
):
    user = request.getfixturevalue(who)
    with pytest.raises(ServiceError, match=message):
        _request(cr, editor, user)
    assert not ReviewRequest.objects.exists() and not _events("review.requested")


def test_a_mixed_request_with_one_wrong_reviewer_changes_nothing(cr, editor, reviewer, viewer):
    with pytest.raises(ServiceError, match="victor is viewer"):
        _request(cr, editor, reviewer, viewer)
    assert not ReviewRequest.objects.exists()


def test_asking_again_while_pending_says_so(cr, editor, reviewer):
    _request(cr, editor, reviewer)
    with pytest.raises(ServiceError, match="A review from rita is already requested."):
        _request(cr, editor, reviewer)
    assert len(_events("review.requested")) == 1


def test_asking_nobody_says_so(cr, editor):
    with pytest.raises(ServiceError, match="Pick at least one reviewer."):
        _request(cr, editor)


def test_only_editors_request_reviews(cr, viewer, outsider, reviewer):
    with pytest.raises(PermissionDenied):
        _request(cr, viewer, reviewer)
    with pytest.raises(Http404):
        _request(cr, outsider, reviewer)
    assert not ReviewRequest.objects.exists()


def test_no_review_requests_on_a_merged_or_closed_request(cr, editor, reviewer):
    services.change_request_close(change_request=cr, actor=editor)
    with pytest.raises(ServiceError, match="is closed"):
        _request(cr, editor, reviewer)


# Re-requesting: the verdict stays until the reviewer gives a new one.


def test_re_requesting_after_changes_makes_the_reviewer_pending_and_keeps_the_block(
    cr, editor, reviewer
):
    _request(cr, editor, reviewer)
    _review(cr, reviewer, "request_changes", "Name the owner.")
    assert _pending(cr) == []

    _request(cr, editor, reviewer)

    assert _pending(cr) == ["rita"]
    [first, again] = _events("review.requested")
    assert first[1]["again"] is False and again[1] == {
        "again": True,
        "reviewer_ids": [reviewer.pk],
        "reviewers": ["rita"],
    }
    status = services.merge_status(cr)
    assert [s.reviewer for s in status.changes_requested] == [reviewer]
    assert "rita requested changes." in status.missing
    assert services.change_request_state(cr).label == "Changes requested"

    _review(cr, reviewer, "approve", "")
    assert _pending(cr) == [] and services.merge_status(cr).can_merge


def test_asking_someone_who_reviewed_unasked_counts_as_again(cr, editor, reviewer):
    _review(cr, reviewer, "approve", "")
    _request(cr, editor, reviewer)
    assert _events("review.requested")[0][1]["again"] is True
    assert _pending(cr) == ["rita"]


def test_one_call_may_ask_some_for_the_first_time_and_some_again(
    cr, editor, reviewer, second_reviewer
):
    _request(cr, editor, reviewer)
    _review(cr, reviewer, "request_changes")
    _request(cr, editor, reviewer, second_reviewer)
    flags = [(d["reviewers"], d["again"]) for _, d in _events("review.requested")]
    assert flags == [(["rita"], False), (["sam"], False), (["rita"], True)]


# Removing a request.


def test_removing_a_request_ends_pending_and_is_audited(cr, editor, reviewer):
    _request(cr, editor, reviewer)
    services.change_request_remove_review_request(
        change_request=cr, actor=editor, reviewer=reviewer
    )
    assert _pending(cr) == [] and not ReviewRequest.objects.exists()
    assert _events("review.request_removed") == [
        ("edgar", {"reviewer_ids": [reviewer.pk], "reviewers": ["rita"]})
    ]
    with pytest.raises(ServiceError, match="No review from rita is requested."):
        services.change_request_remove_review_request(
            change_request=cr, actor=editor, reviewer=reviewer
        )


def test_viewers_cannot_remove_a_request(cr, editor, viewer, reviewer):
    _request(cr, editor, reviewer)
    with pytest.raises(PermissionDenied):
        services.change_request_remove_review_request(
            change_request=cr, actor=viewer, reviewer=reviewer
        )
    assert _pending(cr) == ["rita"]


# Dismissing.


def test_an_admin_dismisses_a_request_for_changes_with_a_reason(cr, owner, reviewer):
    review = _review(cr, reviewer, "request_changes", "No.")
    assert not services.merge_status(cr).can_merge

    services.review_dismiss(review=review, actor=owner, reason="  Settled in the meeting.  ")

    review.refresh_from_db()
    assert review.dismissed and review.dismissed_by == owner
    assert review.dismiss_reason == "Settled in the meeting."
    status = services.merge_status(cr)
    assert status.changes_requested == [] and status.approvals == []
    assert "rita requested changes." not in status.missing
    assert _events("review.dismissed") == [
        (
            "olivia",
            {
                "review": review.pk,
                "reviewer_id": reviewer.pk,
                "reviewer": "rita",
                "reason": "Settled in the meeting.",
            },
        )
    ]
    [row] = services.change_request_reviewers(cr).reviewed
    assert row.review.dismissed  # the sidebar still shows it, as dismissed


def test_a_dismissed_approval_no_longer_counts_and_does_not_bring_back_the_one_before(
    cr, owner, reviewer
):
    _review(cr, reviewer, "request_changes", "No.")
    approval = _review(cr, reviewer, "approve", "")
    assert services.merge_status(cr).can_merge

    services.review_dismiss(review=approval, actor=owner, reason="Approved the wrong request.")

    status = services.merge_status(cr)
    assert status.approvals == [] and status.changes_requested == []
    assert status.missing == ["1 more approval needed."]
    assert services.latest_reviews(cr) == []


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_only_admins_dismiss(request, cr, reviewer, who):
    review = _review(cr, reviewer, "request_changes")
    with pytest.raises(PermissionDenied, match="admin"):
        services.review_dismiss(review=review, actor=request.getfixturevalue(who), reason="x")
    assert not Review.objects.get(pk=review.pk).dismissed


def test_outsiders_cannot_dismiss(cr, reviewer, outsider):
    review = _review(cr, reviewer, "request_changes")
    with pytest.raises(Http404):
        services.review_dismiss(review=review, actor=outsider, reason="x")


@pytest.mark.parametrize(
    "verdict, reason, message",
    [
        ("request_changes", "   ", "Say why the review is dismissed."),
        ("comment", "Noise", "Only an approval or a request for changes can be dismissed."),
    ],
)
def test_a_dismissal_needs_a_reason_and_a_verdict(cr, owner, reviewer, verdict, reason, message):
    review = _review(cr, reviewer, verdict)
    with pytest.raises(ServiceError, match=message):
        services.review_dismiss(review=review, actor=owner, reason=reason)
    assert not Review.objects.get(pk=review.pk).dismissed and not _events("review.dismissed")


def test_a_review_is_dismissed_once(cr, owner, reviewer):
    review = _review(cr, reviewer, "request_changes")
    services.review_dismiss(review=review, actor=owner, reason="One")
    with pytest.raises(ServiceError, match="already dismissed"):
        services.review_dismiss(review=review, actor=owner, reason="Two")
    assert Review.objects.get(pk=review.pk).dismiss_reason == "One"


# The state a request shows.


def _state(cr):
    cr.refresh_from_db()
    return services.change_request_state(cr)


def test_the_state_follows_the_request_and_its_reviews(spec, editor, reviewer, owner):
    cr = open_request(ready_spec(spec), editor)
    assert (_state(cr).key, _state(cr).label) == ("draft", "Draft")

    services.change_request_submit(change_request=cr, actor=editor)
    state = _state(cr)
    assert (state.key, state.label) == ("review_required", "Review required")
    assert state.reasons == ("1 more approval needed.",)

    _review(cr, reviewer, "request_changes", "Name the owner.")
    state = _state(cr)
    assert (state.key, state.label) == ("changes_requested", "Changes requested")
    assert "rita requested changes." in state.reasons

    _review(cr, reviewer, "approve", "")
    assert (_state(cr).key, _state(cr).label, _state(cr).reasons) == ("approved", "Approved", ())

    services.change_request_merge(change_request=cr, actor=editor)
    assert _state(cr).label == "Merged"

    other = open_request(spec, editor)
    services.change_request_close(change_request=other, actor=editor)
    assert _state(other).label == "Closed"


def test_an_approved_request_with_a_gate_closed_is_merge_blocked_with_the_reasons(
    spec, editor, reviewer
):
    spec = ready_spec(spec)
    spec.require_resolved_conversations = True
    spec.save(update_fields=["require_resolved_conversations"])
    cr = open_request(spec, editor)
    services.change_request_submit(change_request=cr, actor=editor)
    threads.change_request_comment(change_request=cr, author=reviewer, body="Open question")
    _review(cr, reviewer, "approve", "")

    state = _state(cr)

    assert (state.key, state.label) == ("blocked", "Merge blocked")
    assert state.reasons == ("1 unresolved comment(s).",)


def test_an_edit_after_the_approval_asks_for_review_again(spec, editor, reviewer):
    cr = open_request(ready_spec(spec), editor)
    services.change_request_submit(change_request=cr, actor=editor)
    _review(cr, reviewer, "approve", "")
    name = Endpoint.objects.filter(revision=cr.working).first().name
    edit_endpoint(cr, editor, name, user_ownership="Reworded")
    assert _state(cr).label == "Review required"


def _listed(spec):
    reviews = Review.objects.select_related("reviewer").order_by("created_at", "id")
    requests = spec.change_requests.prefetch_related(Prefetch("reviews", queryset=reviews))
    return {cr.number: cr for cr in requests.select_related("spec")}


def test_the_list_state_is_the_review_decision(spec, editor, reviewer, owner):
    spec = ready_spec(spec)
    drafted = open_request(spec, editor)
    waiting, blocked, approved = (open_request(spec, editor) for _ in range(3))
    for cr in (waiting, blocked, approved):
        services.change_request_submit(change_request=cr, actor=editor)
    _review(blocked, reviewer, "request_changes", "No.")
    _review(approved, reviewer, "request_changes", "No.")
    services.review_dismiss(review=approved.reviews.get(), actor=owner, reason="Settled")
    _review(approved, owner, "approve", "")

    listed = _listed(spec)
    labels = {n: services.change_request_review_decision(cr).label for n, cr in listed.items()}

    assert labels == {
        drafted.number: "Draft",
        waiting.number: "Review required",
        blocked.number: "Changes requested",
        approved.number: "Approved",
    }
    assert services.change_request_approvals(listed[approved.number]) == 1


# The dashboard.


def _titles(rows):
    return [row.cr.title for row in rows]


def test_the_dashboard_of_an_author_and_of_a_reviewer(
    spec, editor, reviewer, second_reviewer, owner
):
    spec = ready_spec(spec)
    asked = open_request(spec, editor, "Asked of rita")
    unasked = open_request(spec, editor, "Anyone may review")
    blocked = open_request(spec, editor, "Blocked by rita")
    drafted = open_request(spec, editor, "Still a draft")
    other = open_request(spec, owner, "Olivia's")
    for cr in (unasked, asked, blocked, other):
        services.change_request_submit(change_request=cr, actor=cr.author)
    _request(asked, editor, reviewer)
    _review(blocked, reviewer, "request_changes", "No.")
    threads.change_request_comment(change_request=blocked, author=reviewer, body="See here")
    merged = open_request(spec, editor, "Merged one")
    approve_and_merge(merged, author=editor, reviewer=second_reviewer)

    mine = dashboard_for_user(editor)
    # Latest activity first.
    assert _titles(mine.mine) == [
        "Blocked by rita",
        "Asked of rita",
        "Anyone may review",
        "Still a draft",
    ]
    states = {row.cr.title: row.state.label for row in mine.mine}
    assert states["Still a draft"] == "Draft" and states["Blocked by rita"] == "Changes requested"
    assert states["Asked of rita"] == "Review required"
    assert _titles(mine.changes_requested) == ["Blocked by rita"]
    assert mine.changes_requested[0].comments == 1
    assert mine.waiting == []  # an editor reviews nothing
    assert _titles(mine.merged) == ["Merged one"] and mine.merged[0].approvals == 1

    rita = dashboard_for_user(reviewer)
    # Asked of her first, then the others she may review; not the ones she has reviewed.
    assert _titles(rita.waiting) == ["Asked of rita", "Anyone may review", "Olivia's"]
    assert [row.requested for row in rita.waiting] == [True, False, False]
    assert rita.mine == [] and rita.changes_requested == []
    assert drafted.title not in _titles(rita.waiting)

    _review(asked, reviewer, "approve", "")
    assert _titles(dashboard_for_user(reviewer).waiting) == ["Anyone may review", "Olivia's"]
    _request(asked, editor, reviewer)  # re-requested: waiting again, first
    assert _titles(dashboard_for_user(reviewer).waiting)[0] == "Asked of rita"


def test_the_dashboard_shows_nothing_of_other_workspaces(spec, editor, reviewer, outsider):
    cr = open_request(ready_spec(spec), editor, "Private")
    services.change_request_submit(change_request=cr, actor=editor)
    approve_and_merge(open_request(spec, editor, "Merged"), author=editor, reviewer=reviewer)
    board = dashboard_for_user(outsider)
    assert (board.mine, board.waiting, board.changes_requested, board.merged) == ([], [], [], [])


def test_recently_merged_keeps_the_last_ten(spec, editor, reviewer):
    spec = ready_spec(spec)
    for n in range(12):
        approve_and_merge(open_request(spec, editor, f"M{n}"), author=editor, reviewer=reviewer)
    merged = dashboard_for_user(reviewer).merged
    assert _titles(merged) == [f"M{n}" for n in range(11, 1, -1)]
    assert ChangeRequest.objects.filter(state="merged").count() == 12
