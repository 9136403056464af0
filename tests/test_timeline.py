"""The Conversation tab's timeline as people read it: edits grouped per person into one
sentence, comments, reviews, review requests, dismissals and state changes as their own
entries, replies left to their thread, and unknown events still readable."""

import pytest

from specs_app.models import AuditEvent, DataModel, Endpoint
from specs_app.services import review as services
from specs_app.services import threads
from specs_app.services.audit import audit_record
from specs_app.services.selectors import change_request_timeline
from tests.review_helpers import edit_endpoint, open_request, ready_spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def cr(spec, editor):
    return open_request(ready_spec(spec), editor, "Labels")


def _endpoints(cr):
    return list(Endpoint.objects.filter(revision=cr.working).order_by("position", "id"))


def _edit_three_and_add_a_model(cr, actor):
    for endpoint in _endpoints(cr)[:3]:
        edit_endpoint(cr, actor, endpoint.name, user_ownership=f"Owned: {endpoint.name}")
    return services.change_request_add(
        change_request=cr, actor=actor, model=DataModel, name="Label", table="labels",
        ownership="Enforced via user_id",
    )  # fmt: skip


def _kinds(timeline):
    return [entry["kind"] for entry in timeline]


def test_consecutive_edits_by_one_person_are_one_entry_with_a_sentence(cr, editor):
    model = _edit_three_and_add_a_model(cr, editor)

    timeline = change_request_timeline(cr)

    assert _kinds(timeline) == ["state", "edits"]
    group = timeline[1]
    assert group["sentence"] == "changed 3 endpoints and added model Label"
    assert len(group["events"]) == 4 and group["event"].actor == editor
    endpoints = _endpoints(cr)[:3]
    assert [(i.action, i.noun, i.uid) for i in group["items"]] == [
        *[("changed", "endpoint", str(e.uid)) for e in endpoints],
        ("added", "model", str(model.uid)),
    ]
    assert group["items"][-1].label == "Label"


def test_a_comment_between_edits_splits_the_groups(cr, editor):
    first, second = _endpoints(cr)[:2]
    edit_endpoint(cr, editor, first.name, user_ownership="One")
    edit_endpoint(cr, editor, first.name, user_ownership="Two")
    threads.change_request_comment(change_request=cr, author=editor, body="Halfway")
    edit_endpoint(cr, editor, second.name, user_ownership="Three")

    timeline = change_request_timeline(cr)

    assert _kinds(timeline) == ["state", "edits", "comment", "edits"]
    before, after = timeline[1], timeline[3]
    assert before["sentence"] == f"changed endpoint {first}" and before["items"][0].times == 2
    assert after["sentence"] == f"changed endpoint {second}"


def test_edits_by_another_person_start_a_new_group(cr, editor, owner):
    first, second = _endpoints(cr)[:2]
    edit_endpoint(cr, editor, first.name, user_ownership="One")
    edit_endpoint(cr, owner, second.name, user_ownership="Two")
    groups = [e for e in change_request_timeline(cr) if e["kind"] == "edits"]
    assert [(g["event"].actor.username, g["sentence"]) for g in groups] == [
        ("edgar", f"changed endpoint {first}"),
        ("olivia", f"changed endpoint {second}"),
    ]


def test_child_rows_and_the_overview_are_named_and_link_to_their_item(cr, editor):
    endpoint = _endpoints(cr)[0]
    parameter = endpoint.parameters.first()
    services.change_request_update(
        change_request=cr, actor=editor, row=parameter, expected_version=parameter.version,
        description="The page size",
    )  # fmt: skip
    services.change_request_update_overviews(
        change_request=cr, actor=editor, api_overview="A new overview."
    )
    group = change_request_timeline(cr)[1]
    assert group["sentence"] == f"changed parameter {parameter} and changed the overview"
    assert [(i.noun, i.uid) for i in group["items"]] == [
        ("parameter", str(endpoint.uid)),
        ("overview", ""),
    ]


def test_old_edit_events_without_a_uid_still_make_a_sentence(cr, editor):
    for name in ("Alpha", "Beta"):
        audit_record(spec=cr.spec, actor=editor, verb="endpoint.changed", target="#1", item=name)
    group = change_request_timeline(cr)[1]
    assert group["sentence"] == "changed 2 endpoints"
    assert [(i.label, i.uid) for i in group["items"]] == [("Alpha", ""), ("Beta", "")]


def test_reviews_requests_dismissals_and_state_changes_are_entries_of_their_own(
    cr, editor, reviewer, owner
):
    services.change_request_submit(change_request=cr, actor=editor)
    services.change_request_request_review(change_request=cr, actor=editor, reviewers=[reviewer])
    review = services.change_request_review(
        change_request=cr, reviewer=reviewer, verdict="request_changes", body="Add **an index**"
    )
    services.change_request_request_review(change_request=cr, actor=editor, reviewers=[reviewer])
    services.review_dismiss(review=review, actor=owner, reason="Index exists")
    services.change_request_close(change_request=cr, actor=editor)

    timeline = change_request_timeline(cr)

    assert _kinds(timeline) == [
        "state", "state", "requested", "review", "requested", "dismissed", "state",
    ]  # fmt: skip
    assert [e["sentence"] for e in timeline if e["kind"] == "state"] == [
        "opened this change request",
        "submitted it for review",
        "closed it",
    ]
    first, again = (e for e in timeline if e["kind"] == "requested")
    assert first["sentence"] == "requested a review from" and first["names"] == ["rita"]
    assert again["sentence"] == "re-requested a review from"
    entry = timeline[3]
    assert entry["verdict"] == "request_changes" and entry["review"] == review
    assert "<strong>an index</strong>" in entry["html"]
    dismissal = timeline[5]
    assert (dismissal["reviewer"], dismissal["reason"]) == ("rita", "Index exists")
    assert dismissal["review"].dismissed


def test_replies_make_no_entry_and_unknown_events_still_read(cr, editor):
    comment = threads.change_request_comment(change_request=cr, author=editor, body="Root")
    audit_record(
        spec=cr.spec, actor=editor, verb="comment.replied", target="#1",
        comment=comment.pk + 1, parent=comment.pk,
    )  # fmt: skip
    audit_record(spec=cr.spec, actor=editor, verb="export.drift_found", target="#1")

    timeline = change_request_timeline(cr)

    assert _kinds(timeline) == ["state", "comment", "other"]
    assert timeline[-1]["sentence"] == "export drift found"
    assert AuditEvent.objects.filter(verb="comment.replied").count() == 1
