import pytest
from django.core.exceptions import PermissionDenied

from specs_app.models import AuditEvent, ChangeRequest, Endpoint, Review
from specs_app.services import review as services
from specs_app.services.errors import ServiceError
from specs_app.services.snapshot import revision_snapshot
from tests.review_helpers import approve_and_merge, edit_endpoint, open_request, ready_spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(spec):
    return ready_spec(spec)


def test_open_forks_the_head_into_a_draft(ready, editor):
    cr = open_request(ready, editor)
    assert (cr.number, cr.state, cr.base_id) == (1, "draft", ready.head_id)
    assert cr.working.parent_id == ready.head_id and cr.working.state == "draft"
    assert revision_snapshot(revision=cr.working) == revision_snapshot(revision=ready.head)
    assert open_request(ready, editor).number == 2


def test_viewer_cannot_open_or_comment(ready, viewer, editor):
    with pytest.raises(PermissionDenied):
        open_request(ready, viewer)
    cr = open_request(ready, editor)
    with pytest.raises(PermissionDenied):
        services.change_request_comment(change_request=cr, author=viewer, body="hi")


def test_editor_cannot_review(ready, editor):
    cr = open_request(ready, editor)
    services.change_request_submit(change_request=cr, actor=editor)
    with pytest.raises(PermissionDenied):
        services.change_request_review(change_request=cr, reviewer=editor, verdict="approve")


def test_author_cannot_approve_own_request(ready, reviewer):
    cr = open_request(ready, reviewer)
    services.change_request_submit(change_request=cr, actor=reviewer)
    with pytest.raises(ServiceError, match="cannot approve their own"):
        services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    assert not Review.objects.exists()


def test_edit_after_approval_makes_it_stale(ready, editor, reviewer):
    cr = open_request(ready, editor)
    services.change_request_submit(change_request=cr, actor=editor)
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    assert len(services.merge_status(cr).approvals) == 1

    edit_endpoint(cr, editor, _first_name(cr), user_ownership="x y z")
    cr.refresh_from_db()
    status = services.merge_status(cr)
    assert status.approvals == [] and len(status.stale_approvals) == 1
    assert "1 more approval needed." in status.missing
    with pytest.raises(ServiceError, match="1 more approval"):
        services.change_request_merge(change_request=cr, actor=editor)


def _first_name(cr) -> str:
    return Endpoint.objects.filter(revision=cr.working).order_by("position")[0].name


def test_merge_refused_before_submission(ready, editor):
    cr = open_request(ready, editor)
    with pytest.raises(ServiceError, match="is draft"):
        services.change_request_merge(change_request=cr, actor=editor)


def test_merge_refused_while_changes_are_requested(ready, editor, reviewer, owner):
    cr = open_request(ready, editor)
    services.change_request_submit(change_request=cr, actor=editor)
    services.change_request_review(change_request=cr, reviewer=owner, verdict="approve")
    services.change_request_review(
        change_request=cr, reviewer=reviewer, verdict="request_changes", body="Add a 404"
    )
    assert any("requested changes" in reason for reason in services.merge_status(cr).missing)
    with pytest.raises(ServiceError, match="requested changes"):
        services.change_request_merge(change_request=cr, actor=editor)
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    services.change_request_merge(change_request=cr, actor=editor)


def test_merge_refused_with_unresolved_comment(ready, editor, reviewer):
    cr = open_request(ready, editor)
    comment = services.change_request_comment(change_request=cr, author=reviewer, body="Why?")
    services.change_request_submit(change_request=cr, actor=editor)
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    with pytest.raises(ServiceError, match="unresolved comment"):
        services.change_request_merge(change_request=cr, actor=editor)
    services.comment_resolve(comment=comment, actor=editor)
    assert services.change_request_merge(change_request=cr, actor=editor).number == 2


def test_merge_refused_with_lint_errors_when_gate_is_on(spec, editor, reviewer):
    assert spec.lint_gate
    cr = open_request(spec, editor)
    services.change_request_submit(change_request=cr, actor=editor)
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    assert services.merge_status(cr).lint_errors > 0  # factory endpoints: GET with a body
    with pytest.raises(ServiceError, match="lint error"):
        services.change_request_merge(change_request=cr, actor=editor)


def test_fast_forward_merge_publishes_the_draft(ready, editor, reviewer):
    cr = open_request(ready, editor)
    edit_endpoint(cr, editor, _first_name(cr), name="Renamed")
    merged = approve_and_merge(cr, author=editor, reviewer=reviewer)
    ready.refresh_from_db()
    cr.refresh_from_db()
    assert merged.pk == cr.working_id == ready.head_id and merged.number == 2
    assert (cr.state, cr.merged_by, cr.merged_revision) == ("merged", editor, merged)
    assert Endpoint.objects.filter(revision=merged, name="Renamed").exists()


def test_close_and_reopen(ready, editor):
    cr = open_request(ready, editor)
    services.change_request_close(change_request=cr, actor=editor)
    with pytest.raises(ServiceError):
        services.change_request_submit(change_request=cr, actor=editor)
    cr = services.change_request_reopen(change_request=cr, actor=editor)
    assert cr.state == "draft"


def test_every_transition_is_audited_with_its_actor(ready, editor, reviewer):
    cr = open_request(ready, editor)
    edit_endpoint(cr, editor, _first_name(cr), name="Renamed")
    comment = services.change_request_comment(change_request=cr, author=reviewer, body="ok?")
    services.comment_resolve(comment=comment, actor=editor)
    approve_and_merge(cr, author=editor, reviewer=reviewer)
    events = list(
        AuditEvent.objects.filter(spec=ready).order_by("id").values_list("verb", "actor__username")
    )
    assert events == [
        ("change_request.opened", "edgar"),
        ("endpoint.changed", "edgar"),
        ("comment.added", "rita"),
        ("comment.resolved", "edgar"),
        ("change_request.submitted", "edgar"),
        ("review.approve", "rita"),
        ("change_request.merged", "edgar"),
    ]
    assert ChangeRequest.objects.get().state == "merged"
