import pytest
from django.core.exceptions import PermissionDenied

from specs_app.models import AuditEvent, ChangeRequest, Endpoint, Review
from specs_app.services import review as services
from specs_app.services import threads
from specs_app.services.errors import ServiceError
from specs_app.services.selectors import change_request_deleted_items
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
        threads.change_request_comment(change_request=cr, author=viewer, body="hi")


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
    comment = threads.change_request_comment(change_request=cr, author=reviewer, body="Why?")
    services.change_request_submit(change_request=cr, actor=editor)
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    with pytest.raises(ServiceError, match="unresolved comment"):
        services.change_request_merge(change_request=cr, actor=editor)
    threads.comment_resolve(comment=comment, actor=editor)
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
    comment = threads.change_request_comment(change_request=cr, author=reviewer, body="ok?")
    threads.comment_resolve(comment=comment, actor=editor)
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


# Restoring what a change request deleted; authors editing and deleting their comments.


def _delete_first(cr, actor, model=Endpoint):
    row = model.objects.filter(revision=cr.working).order_by("position").first()
    services.change_request_delete(change_request=cr, actor=actor, row=row)
    return row


@pytest.mark.parametrize("kind", ["endpoint", "model"])
def test_restore_brings_back_an_item_with_its_children_and_uids(ready, editor, kind):
    from specs_app.models import DataModel

    model = Endpoint if kind == "endpoint" else DataModel
    cr = open_request(ready, editor)
    gone = _delete_first(cr, editor, model)
    assert [d.uid for d in change_request_deleted_items(cr)] == [gone.uid]
    version = cr.content_version

    restored = services.change_request_restore(
        change_request=cr, actor=editor, model=model, uid=gone.uid
    )

    assert restored.uid == gone.uid and restored.revision_id == cr.working_id
    # Every row, children included, is back with the same uid and values as in the base.
    assert revision_snapshot(revision=cr.working) == revision_snapshot(revision=cr.base)
    assert change_request_deleted_items(cr) == []
    assert cr.content_version == version + 1
    event = AuditEvent.objects.filter(verb=f"{model.__name__.lower()}.restored").get()
    # The event names the item brought back and links to it (uid and kind, for the timeline).
    kind = "endpoint" if model is Endpoint else "model"
    details = {"item": str(restored), "uid": str(gone.uid), "kind": kind}
    assert (event.actor, event.target, event.details) == (editor, "#1", details)


def test_restore_needs_the_editor_role(ready, editor, viewer):
    cr = open_request(ready, editor)
    gone = _delete_first(cr, editor)
    with pytest.raises(PermissionDenied):
        services.change_request_restore(
            change_request=cr, actor=viewer, model=Endpoint, uid=gone.uid
        )
    assert not Endpoint.objects.filter(revision=cr.working, uid=gone.uid).exists()


def test_restore_refuses_what_it_cannot_bring_back(ready, editor):
    cr = open_request(ready, editor)
    present = Endpoint.objects.filter(revision=cr.working).first()
    with pytest.raises(ServiceError, match="in the draft already"):
        services.change_request_restore(
            change_request=cr, actor=editor, model=Endpoint, uid=present.uid
        )
    added = services.change_request_add(
        change_request=cr, actor=editor, model=Endpoint, name="New", path="/new"
    )
    services.change_request_delete(change_request=cr, actor=editor, row=added)
    with pytest.raises(ServiceError, match="not in r1"):
        services.change_request_restore(
            change_request=cr, actor=editor, model=Endpoint, uid=added.uid
        )
    gone = _delete_first(cr, editor)
    services.change_request_add(
        change_request=cr, actor=editor, model=Endpoint, name=gone.name, path="/other"
    )
    with pytest.raises(ServiceError, match=f"already has a endpoint with the name “{gone.name}”"):
        services.change_request_restore(
            change_request=cr, actor=editor, model=Endpoint, uid=gone.uid
        )
    assert not Endpoint.objects.filter(revision=cr.working, uid=gone.uid).exists()


def test_restore_is_impossible_once_merged(ready, editor, reviewer):
    cr = open_request(ready, editor)
    gone = _delete_first(cr, editor)
    approve_and_merge(cr, author=editor, reviewer=reviewer)
    with pytest.raises(ServiceError, match="merged"):
        services.change_request_restore(
            change_request=cr, actor=editor, model=Endpoint, uid=gone.uid
        )


def test_authors_edit_and_delete_their_own_comments(ready, editor):
    cr = open_request(ready, editor)
    comment = threads.change_request_comment(change_request=cr, author=editor, body="Frist")
    assert comment.edited_at is None
    edited = threads.comment_edit(comment=comment, actor=editor, body=" First ")
    assert (edited.body, edited.edited_at is not None) == ("First", True)
    threads.comment_delete(comment=edited, actor=editor)
    assert not cr.comments.exists()
    verbs = AuditEvent.objects.filter(verb__startswith="comment.").order_by("id")
    assert [(e.verb, e.actor, e.details["comment"]) for e in verbs] == [
        ("comment.added", editor, comment.pk),
        ("comment.edited", editor, comment.pk),
        ("comment.deleted", editor, comment.pk),
    ]
    # The audit keeps the words an edit replaced and a delete removed.
    assert verbs[1].details["previous"] == "Frist" and verbs[2].details["body"] == "First"


def test_nobody_else_edits_or_deletes_a_comment(ready, editor, reviewer, owner, viewer):
    cr = open_request(ready, editor)
    comment = threads.change_request_comment(change_request=cr, author=editor, body="Mine")
    for other in (reviewer, owner, viewer):
        with pytest.raises(PermissionDenied):
            threads.comment_edit(comment=comment, actor=other, body="Theirs")
        with pytest.raises(PermissionDenied):
            threads.comment_delete(comment=comment, actor=other)
    comment.refresh_from_db()
    assert (comment.body, comment.edited_at) == ("Mine", None)
    with pytest.raises(ServiceError, match="cannot be empty"):
        threads.comment_edit(comment=comment, actor=editor, body="  ")


def test_comments_of_a_merged_request_stay_as_they_are(ready, editor, reviewer):
    cr = open_request(ready, editor)
    comment = threads.change_request_comment(change_request=cr, author=editor, body="Mine")
    threads.comment_resolve(comment=comment, actor=editor)
    approve_and_merge(cr, author=editor, reviewer=reviewer)
    with pytest.raises(ServiceError, match="merged"):
        threads.comment_edit(comment=comment, actor=editor, body="Changed")
    with pytest.raises(ServiceError, match="merged"):
        threads.comment_delete(comment=comment, actor=editor)
    assert cr.comments.get().body == "Mine"
