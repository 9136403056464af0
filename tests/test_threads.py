"""Threads on items and fields of a change request: anchors, replies, resolving, outdated
threads, and suggestions applied as normal audited edits."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from specs_app.models import AuditEvent, BodyField, Comment, Endpoint, Field
from specs_app.services import review as services
from specs_app.services import threads
from specs_app.services.errors import ServiceError
from specs_app.services.selectors import change_request_threads
from tests.review_helpers import open_request, ready_spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def cr(spec, editor):
    return open_request(ready_spec(spec), editor, "Tighten ownership")


def _endpoint(cr) -> Endpoint:
    return Endpoint.objects.filter(revision=cr.working).order_by("position", "id").first()


def _body_field(cr, endpoint=None) -> BodyField:
    return BodyField.objects.filter(endpoint=endpoint or _endpoint(cr)).first()


def _on_field(cr, author, row, field, body="Is this right?", suggestion="", item=None):
    item = item or (row if isinstance(row, Endpoint) else row.endpoint)
    return threads.change_request_comment(
        change_request=cr,
        author=author,
        body=body,
        anchor_kind="endpoint",
        anchor_uid=item.uid,
        row_uid=row.uid,
        field=field,
        suggestion=suggestion,
    )


def _update(cr, actor, row, **values):
    row.refresh_from_db()
    return services.change_request_update(
        change_request=cr, actor=actor, row=row, expected_version=row.version, **values
    )


def _events(verb):
    return list(AuditEvent.objects.filter(verb=verb).order_by("id"))


# Anchors.


def test_a_thread_on_a_field_of_a_child_row_keeps_the_value_it_was_made_on(cr, reviewer):
    row = _body_field(cr)
    comment = _on_field(cr, reviewer, row, "description")
    assert (comment.anchor_kind, comment.anchor_uid) == ("endpoint", row.endpoint.uid)
    assert (comment.anchor_row_model, comment.anchor_row_uid) == ("bodyfield", row.uid)
    assert (comment.anchor_field, comment.anchor_text) == ("description", row.description)
    event = _events("comment.added")[-1]
    assert event.details == {
        "comment": comment.pk,
        "anchor": str(row.endpoint.uid),
        "field": "description",
        "row": str(row.uid),
    }


def test_a_thread_on_an_item_keeps_its_label_and_values(cr, reviewer):
    endpoint = _endpoint(cr)
    comment = threads.change_request_comment(
        change_request=cr,
        author=reviewer,
        body="Why?",
        anchor_kind="endpoint",
        anchor_uid=endpoint.uid,
    )
    assert comment.anchor_row_uid == endpoint.uid and comment.anchor_field == ""
    assert comment.anchor_text.startswith(f"{endpoint.name} (")
    assert f"Path: {endpoint.path}" in comment.anchor_text
    assert _events("comment.added")[-1].details["field"] == ""


@pytest.mark.parametrize(
    "change, message",
    [
        ({"anchor_kind": "page"}, "A thread sits on an endpoint or a model."),
        ({"anchor_uid": "00000000-0000-0000-0000-000000000000"}, "not in this change request"),
        ({"field": "position"}, "has no field “position” to comment on"),
        ({"field": "endpoint"}, "has no field “endpoint” to comment on"),
        ({"field": "uid"}, "has no field “uid” to comment on"),
        ({"row_uid": "00000000-0000-0000-0000-000000000000"}, "is not part of endpoint"),
    ],
)
def test_a_thread_needs_a_real_place_in_the_draft(cr, reviewer, change, message):
    row = _body_field(cr)
    values = {
        "anchor_kind": "endpoint",
        "anchor_uid": row.endpoint.uid,
        "row_uid": row.uid,
        "field": "description",
        **change,
    }
    with pytest.raises(ServiceError, match=message):
        threads.change_request_comment(change_request=cr, author=reviewer, body="x", **values)
    assert not Comment.objects.exists() and not _events("comment.added")


def test_a_row_of_another_item_is_refused(cr, reviewer):
    endpoints = list(Endpoint.objects.filter(revision=cr.working).order_by("position", "id"))
    other_row = _body_field(cr, endpoints[1])
    with pytest.raises(ServiceError, match="is not part of endpoint"):
        _on_field(cr, reviewer, other_row, "description", item=endpoints[0])
    assert not Comment.objects.exists()


def test_a_removed_item_takes_a_thread_as_a_whole_only(cr, editor, reviewer):
    endpoint = _endpoint(cr)
    services.change_request_delete(change_request=cr, actor=editor, row=endpoint)
    comment = threads.change_request_comment(
        change_request=cr,
        author=reviewer,
        body="Why?",
        anchor_kind="endpoint",
        anchor_uid=endpoint.uid,
    )
    assert comment.anchor_text == ""
    thread = change_request_threads(cr).by_id[comment.pk]
    assert not thread.outdated and "(removed in the draft)" in thread.label
    with pytest.raises(ServiceError, match="not in this change request's draft"):
        _on_field(cr, reviewer, endpoint, "name")


# Replies, resolve, edit and delete.


def test_replies_join_the_thread_and_resolve_acts_on_it(cr, editor, reviewer):
    root = _on_field(cr, reviewer, _endpoint(cr), "user_ownership")
    reply = threads.comment_reply(comment=root, author=editor, body="Fixed")
    again = threads.comment_reply(comment=reply, author=reviewer, body="Thanks")
    assert reply.parent_id == root.pk and again.parent_id == root.pk  # a reply to a reply
    assert (reply.anchor_uid, reply.anchor_field) == (None, "")
    assert [e.details for e in _events("comment.replied")] == [
        {"comment": reply.pk, "parent": root.pk},
        {"comment": again.pk, "parent": root.pk},
    ]
    threads.comment_resolve(comment=again, actor=editor)
    root.refresh_from_db()
    assert root.resolved and root.resolved_by == editor
    assert not Comment.objects.filter(parent=root, resolved=True).exists()
    assert services.merge_status(cr).unresolved_comments == 0  # the thread, not its replies
    threads.comment_resolve(comment=reply, actor=editor, resolved=False)
    root.refresh_from_db()
    assert not root.resolved and services.merge_status(cr).unresolved_comments == 1
    thread = change_request_threads(cr).by_id[root.pk]
    assert [c.body for c in thread.replies] == ["Fixed", "Thanks"]
    assert thread.replies[0].html == "<p>Fixed</p>"


def test_replies_follow_the_rules_of_comments(cr, editor, reviewer, viewer, outsider):
    root = threads.change_request_comment(change_request=cr, author=reviewer, body="Hm")
    with pytest.raises(ServiceError, match="A reply cannot be empty"):
        threads.comment_reply(comment=root, author=editor, body="  ")
    with pytest.raises(PermissionDenied):
        threads.comment_reply(comment=root, author=viewer, body="Me too")
    with pytest.raises(Http404):
        threads.comment_reply(comment=root, author=outsider, body="Me too")
    services.change_request_close(change_request=cr, actor=editor)
    threads.comment_reply(comment=root, author=editor, body="Closed, still talking")
    assert root.replies.count() == 1


def test_deleting_a_first_comment_with_replies_leaves_a_placeholder(cr, editor, reviewer):
    root = _on_field(cr, reviewer, _endpoint(cr), "user_ownership", body="Frist")
    reply = threads.comment_reply(comment=root, author=editor, body="Answer")
    threads.comment_delete(comment=root, actor=reviewer)
    root.refresh_from_db()
    assert root.deleted_at is not None and root.body == "" and root.anchor_field == "user_ownership"
    assert _events("comment.deleted")[-1].details == {"comment": root.pk, "body": "Frist"}
    thread = change_request_threads(cr).by_id[root.pk]
    assert thread.replies == [reply] and thread.root.html == ""
    with pytest.raises(ServiceError, match="was deleted"):
        threads.comment_edit(comment=root, actor=reviewer, body="Back")
    threads.comment_delete(comment=reply, actor=editor)  # the last reply takes the placeholder
    assert not Comment.objects.exists()


def test_deleting_a_reply_keeps_the_thread(cr, editor, reviewer):
    root = threads.change_request_comment(change_request=cr, author=reviewer, body="Q")
    reply = threads.comment_reply(comment=root, author=editor, body="A")
    threads.comment_delete(comment=reply, actor=editor)
    assert list(Comment.objects.values_list("body", flat=True)) == ["Q"]


# Outdated.


def test_a_thread_is_outdated_once_its_field_changes_and_keeps_the_old_text(cr, editor, reviewer):
    row = _body_field(cr)
    before = row.description
    comment = _on_field(cr, reviewer, row, "description")
    other = _on_field(cr, reviewer, row, "name")
    assert not change_request_threads(cr).by_id[comment.pk].outdated
    _update(cr, editor, row, description="Reworded description")
    found = change_request_threads(cr)
    thread = found.by_id[comment.pk]
    assert thread.outdated and thread.root.anchor_text == before
    assert thread.current == "Reworded description"
    assert not found.by_id[other.pk].outdated  # another field of the same row
    assert found.by_field[(str(row.uid), "description")] == [thread]
    assert thread.label == (
        f"endpoint {row.endpoint.name} · body field {row.name} · field Description"
    )


def test_a_thread_on_a_row_is_outdated_when_the_row_goes(cr, editor, reviewer):
    row = _body_field(cr)
    comment = _on_field(cr, reviewer, row, "description")
    services.change_request_delete(change_request=cr, actor=editor, row=row)
    thread = change_request_threads(cr).by_id[comment.pk]
    assert thread.outdated and thread.current is None and "(removed)" in thread.label


def test_a_thread_on_an_item_is_outdated_when_its_values_change(cr, editor, reviewer):
    endpoint = _endpoint(cr)
    comment = threads.change_request_comment(
        change_request=cr,
        author=reviewer,
        body="?",
        anchor_kind="endpoint",
        anchor_uid=endpoint.uid,
    )
    assert not change_request_threads(cr).by_id[comment.pk].outdated
    _update(cr, editor, endpoint, user_ownership="Someone else's")
    assert change_request_threads(cr).by_id[comment.pk].outdated


def test_threads_are_read_in_a_bounded_number_of_queries(
    cr, editor, reviewer, django_assert_num_queries
):
    endpoints = list(Endpoint.objects.filter(revision=cr.working))
    for endpoint in endpoints:
        _on_field(cr, reviewer, _body_field(cr, endpoint), "description")
        _on_field(cr, reviewer, endpoint, "name")
    root = Comment.objects.first()
    threads.comment_reply(comment=root, author=editor, body="Reply")
    # the comments, the endpoints, the body fields: the same for 2 threads or 20
    with django_assert_num_queries(3):
        found = change_request_threads(cr)
    assert len(found) == 2 * len(endpoints)


# Suggestions.


def test_a_reviewer_suggests_and_the_author_applies_as_an_audited_edit(cr, editor, reviewer):
    row = _body_field(cr)
    comment = _on_field(cr, reviewer, row, "description", suggestion="The task's title")
    assert comment.suggestion == "The task's title"
    version = cr.content_version
    updated = threads.comment_apply_suggestion(comment=comment, actor=editor)
    assert updated.description == "The task's title"
    assert BodyField.objects.get(pk=row.pk).description == "The task's title"
    comment.refresh_from_db()
    assert comment.suggestion_applied_by == editor and comment.suggestion_applied_at
    cr.refresh_from_db()
    assert cr.content_version == version + 1  # the approvals go stale as with any edit
    verbs = list(AuditEvent.objects.order_by("id").values_list("verb", "actor__username"))
    assert verbs[-2:] == [("bodyfield.changed", "edgar"), ("comment.suggestion_applied", "edgar")]
    assert _events("comment.suggestion_applied")[-1].details == {"comment": comment.pk}
    thread = change_request_threads(cr).by_id[comment.pk]
    assert thread.outdated and thread.suggestion_blocked == "Already applied."
    with pytest.raises(ServiceError, match="applied already"):
        threads.comment_apply_suggestion(comment=comment, actor=editor)
    assert len(_events("comment.suggestion_applied")) == 1


def test_a_stale_row_refuses_the_suggestion_with_the_usual_conflict(cr, editor, reviewer):
    row = _body_field(cr)
    comment = _on_field(cr, reviewer, row, "description", suggestion="New")
    seen = row.version
    _update(cr, editor, row, name="renamed_field")  # another field: the suggestion still fits
    with pytest.raises(ServiceError, match="was changed by someone else"):
        threads.comment_apply_suggestion(comment=comment, actor=editor, expected_version=seen)
    comment.refresh_from_db()
    assert comment.suggestion_applied_at is None
    assert BodyField.objects.get(pk=row.pk).description == row.description
    assert not _events("comment.suggestion_applied")


def test_an_outdated_suggestion_is_refused(cr, editor, reviewer):
    row = _body_field(cr)
    comment = _on_field(cr, reviewer, row, "description", suggestion="New")
    _update(cr, editor, row, description="Meanwhile")
    assert change_request_threads(cr).by_id[comment.pk].suggestion_blocked.startswith("Outdated")
    with pytest.raises(ServiceError, match="suggestion is outdated"):
        threads.comment_apply_suggestion(comment=comment, actor=editor)
    assert BodyField.objects.get(pk=row.pk).description == "Meanwhile"


def test_a_value_the_model_refuses_changes_nothing(cr, editor, reviewer):
    endpoint = _endpoint(cr)
    comment = _on_field(cr, reviewer, endpoint, "path", suggestion="no slash")
    with pytest.raises(ServiceError, match="The suggested path cannot be saved"):
        threads.comment_apply_suggestion(comment=comment, actor=editor)
    status = _on_field(cr, reviewer, endpoint, "success_status", suggestion="lots")
    with pytest.raises(ServiceError, match="Success status"):
        threads.comment_apply_suggestion(comment=status, actor=editor)
    endpoint_after = Endpoint.objects.get(pk=endpoint.pk)
    assert (endpoint_after.path, endpoint_after.version) == (endpoint.path, endpoint.version)
    assert not Comment.objects.filter(suggestion_applied_at__isnull=False).exists()
    assert not _events("endpoint.changed") and not _events("comment.suggestion_applied")


def test_suggested_booleans_and_numbers_are_read_as_such(cr, editor, reviewer, spec):
    endpoint = _endpoint(cr)
    status = _on_field(cr, reviewer, endpoint, "success_status", suggestion="201")
    assert threads.comment_apply_suggestion(comment=status, actor=editor).success_status == 201
    field = Field.objects.filter(revision=cr.working).exclude(primary_key=True).first()
    flag = threads.change_request_comment(
        change_request=cr,
        author=reviewer,
        body="Should be unique",
        anchor_kind="model",
        anchor_uid=field.model.uid,
        row_uid=field.uid,
        field="unique",
        suggestion="no" if field.unique else "yes",
    )
    assert threads.comment_apply_suggestion(comment=flag, actor=editor).unique is not field.unique
    thread = change_request_threads(cr).by_id[flag.pk]
    assert thread.label == f"model {field.model.name} · field {field.name} · field Unique"
    assert thread.outdated and thread.root.anchor_text == ("yes" if field.unique else "no")


def test_only_reviewers_suggest_and_only_editors_apply(cr, editor, reviewer, viewer):
    row = _body_field(cr)
    with pytest.raises(PermissionDenied):
        _on_field(cr, editor, row, "description", suggestion="Mine")
    assert not Comment.objects.exists()
    same = _on_field(cr, editor, row, "description", suggestion=row.description)
    assert same.suggestion == ""  # the value as it is: a plain comment
    comment = _on_field(cr, reviewer, row, "description", suggestion="Theirs")
    with pytest.raises(PermissionDenied):
        threads.comment_apply_suggestion(comment=comment, actor=viewer)
    with pytest.raises(ServiceError, match="suggests no value"):
        threads.comment_apply_suggestion(comment=same, actor=editor)
    assert BodyField.objects.get(pk=row.pk).description == row.description


def test_a_suggestion_needs_an_open_request(cr, editor, reviewer):
    comment = _on_field(cr, reviewer, _body_field(cr), "description", suggestion="New")
    services.change_request_close(change_request=cr, actor=editor)
    with pytest.raises(ServiceError, match="closed"):
        threads.comment_apply_suggestion(comment=comment, actor=editor)
    comment.refresh_from_db()
    assert comment.suggestion_applied_at is None


def test_a_merged_request_takes_no_more_replies(cr, editor, reviewer, owner):
    root = threads.change_request_comment(change_request=cr, author=reviewer, body="Hm")
    threads.comment_resolve(comment=root, actor=editor)
    services.change_request_submit(change_request=cr, actor=editor)
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    services.change_request_merge(change_request=cr, actor=editor)
    with pytest.raises(ServiceError, match="merged; comments are closed"):
        threads.comment_reply(comment=root, author=editor, body="Late")
    assert not root.replies.exists()
