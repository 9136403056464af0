import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from specs_app.models import ChangeRequest, Comment, Endpoint
from specs_app.services import review as services
from specs_app.services import threads
from tests.factories import published_spec
from tests.review_helpers import approve_and_merge, edit_endpoint, open_request, ready_spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def cr(spec, editor):
    ready_spec(spec)
    return open_request(spec, editor, "Tighten ownership")


def _url(cr, name="change_request", *extra) -> str:
    return reverse(f"specs_app:{name}", args=["acme", cr.spec.slug, cr.number, *extra])


ACTIONS = [
    "change_request_submit",
    "change_request_review",
    "change_request_comment",
    "change_request_close",
    "change_request_reopen",
    "change_request_merge",
    "change_request_update",
]


@pytest.mark.parametrize("name", ["change_request", *ACTIONS])
def test_outsider_gets_404_on_every_change_request_url(client_for, outsider, cr, name):
    client = client_for(outsider)
    allowed = client.get if name in ("change_request", "change_request_update") else client.post
    assert allowed(_url(cr, name)).status_code == 404
    comment = threads.change_request_comment(change_request=cr, author=cr.author, body="x")
    assert client.post(_url(cr, "comment_resolve", comment.pk)).status_code == 404
    assert not Comment.objects.get(pk=comment.pk).resolved


@pytest.mark.parametrize("tab", ["conversation", "changes", "checks"])
def test_viewer_can_read_every_tab(client_for, viewer, cr, tab):
    response = client_for(viewer).get(_url(cr), {"tab": tab})
    assert response.status_code == 200
    assert "Tighten ownership" in response.content.decode()


@pytest.mark.parametrize("name", ACTIONS)
def test_viewer_cannot_act(client_for, viewer, cr, name):
    assert client_for(viewer).post(_url(cr, name)).status_code == 403


@pytest.mark.parametrize("name", [n for n in ACTIONS if n != "change_request_update"])
def test_actions_reject_get(client_for, editor, cr, name):
    assert client_for(editor).get(_url(cr, name)).status_code == 405


def test_detail_rejects_post(client_for, editor, cr):
    assert client_for(editor).post(_url(cr)).status_code == 405


def test_editor_opens_a_change_request(client_for, editor, spec):
    url = reverse("specs_app:change_request_new", args=["acme", spec.slug])
    client = client_for(editor)
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Add paging", "description": "Because"})
    created = ChangeRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == _url(created)
    assert (created.title, created.author, created.base) == ("Add paging", editor, spec.head)


def test_opening_needs_a_title_and_the_editor_role(client_for, editor, viewer, spec):
    url = reverse("specs_app:change_request_new", args=["acme", spec.slug])
    assert client_for(editor).post(url, {"title": ""}).status_code == 400
    assert client_for(viewer).get(url).status_code == 403
    assert not ChangeRequest.objects.exists()


def test_merge_button_is_disabled_with_what_is_missing(client_for, editor, cr):
    body = client_for(editor).get(_url(cr)).content.decode()
    merge_button = body.split('class="btn btn-success w-100"', 1)[1].split(">", 1)[0]
    assert "disabled" in merge_button
    assert "The request must be submitted for review." in body
    assert "1 more approval needed." in body
    assert "Submit for review" in body and "Approve" not in body.split("Reviews")[1]


def test_whole_loop_through_the_pages(client, editor, reviewer, cr):
    endpoint = Endpoint.objects.filter(revision=cr.working).first()
    edit_endpoint(cr, editor, endpoint.name, user_ownership="Only the owner's rows")
    client.force_login(editor)
    client.post(_url(cr, "change_request_submit"))
    client.force_login(reviewer)
    client.post(_url(cr, "change_request_comment"), {"body": "**Why** this?"})
    client.post(_url(cr, "change_request_review"), {"verdict": "request_changes", "body": "Hmm"})
    page = client.get(_url(cr)).content.decode()
    assert "<strong>Why</strong> this?" in page and "rita requested changes." in page
    client.post(_url(cr, "change_request_review"), {"verdict": "approve"})
    comment = Comment.objects.get()
    client.force_login(editor)
    client.post(_url(cr, "comment_resolve", comment.pk))
    response = client.post(_url(cr, "change_request_merge"), follow=True)
    assert "Merged as r2." in response.content.decode()
    cr.refresh_from_db()
    assert cr.state == "merged"


def test_refused_action_shows_the_reason(client_for, editor, cr):
    response = client_for(editor).post(_url(cr, "change_request_merge"), follow=True)
    assert "this needs it to be in review" in response.content.decode()
    cr.refresh_from_db()
    assert cr.state == "draft"


def test_changes_tab_shows_the_diff_with_comment_buttons(client_for, editor, cr):
    endpoint = Endpoint.objects.filter(revision=cr.working).first()
    edit_endpoint(cr, editor, endpoint.name, user_ownership="New ownership text")
    body = client_for(editor).get(_url(cr), {"tab": "changes"}).content.decode()
    assert "New ownership text" in body and "User ownership" in body  # a label, not a column
    assert "user_ownership" not in re.sub(r"<[^>]*>", "", body)  # only in the forms' fields
    assert f'name="anchor_uid" value="{endpoint.uid}"' in body
    assert "+**User Ownership**: New ownership text" in body  # unified markdown diff
    split = client_for(editor).get(_url(cr), {"tab": "changes", "diff": "split"})
    assert "diff_add" in split.content.decode() or "diff_chg" in split.content.decode()


def test_update_from_main_page_resolves_conflicts(client_for, spec, editor, reviewer):
    ready_spec(spec)
    a, b = open_request(spec, editor, "A"), open_request(spec, editor, "B")
    name = Endpoint.objects.filter(revision=a.working).first().name
    edit_endpoint(a, editor, name, user_ownership="A")
    edit_endpoint(b, editor, name, user_ownership="B")
    approve_and_merge(a, author=editor, reviewer=reviewer)
    client = client_for(editor)
    page = client.get(_url(b, "change_request_update")).content.decode()
    assert page.count('data-testid="conflict"') == 1
    conflict = services.change_request_preview_merge(change_request=b).conflicts[0]
    response = client.post(_url(b, "change_request_update"), {f"resolve:{conflict.id}": "draft"})
    assert response.status_code == 302
    b.refresh_from_db()
    spec.refresh_from_db()
    assert b.base_id == spec.head_id
    assert Endpoint.objects.get(revision=b.working, name=name).user_ownership == "B"


def test_history_compare_and_activity(client_for, viewer, spec, editor, reviewer):
    ready_spec(spec)
    cr = open_request(spec, editor, "Rename one")
    name = Endpoint.objects.filter(revision=cr.working).first().name
    edit_endpoint(cr, editor, name, name="Renamed endpoint")
    approve_and_merge(cr, author=editor, reviewer=reviewer)
    client = client_for(viewer)
    history = client.get(reverse("specs_app:history", args=["acme", spec.slug])).content.decode()
    assert "#1 Rename one" in history and "r2" in history
    compare = client.get(
        reverse("specs_app:compare", args=["acme", spec.slug]), {"from": 1, "to": 2}
    ).content.decode()
    assert "Renamed endpoint" in compare
    activity = client.get(reverse("specs_app:activity", args=["acme"])).content.decode()
    assert "change_request.merged" in activity and "rita" in activity


def test_history_pages_are_404_for_outsiders(client_for, outsider, spec):
    client = client_for(outsider)
    for url in (
        reverse("specs_app:history", args=["acme", spec.slug]),
        reverse("specs_app:compare", args=["acme", spec.slug]),
        reverse("specs_app:activity", args=["acme"]),
    ):
        assert client.get(url).status_code == 404


def test_dashboard_lists_requests_waiting_for_my_review(client_for, reviewer, editor, cr):
    services.change_request_submit(change_request=cr, actor=editor)
    client = client_for(reviewer)
    page = client.get(reverse("specs_app:workspace_list")).content.decode()
    assert "Waiting for my review" in page and "Tighten ownership" in page
    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    page = client.get(reverse("specs_app:workspace_list")).content.decode()
    assert "Tighten ownership" not in page


def test_change_request_page_queries_do_not_grow_with_spec_size(
    client_for, workspace, editor, viewer
):
    client = client_for(viewer)
    counts = []
    for size in (20, 1000):
        spec = ready_spec(published_spec(workspace=workspace, slug=f"big{size}", endpoints=size))
        cr = open_request(spec, editor)
        for endpoint in Endpoint.objects.filter(revision=cr.working).order_by("position")[:3]:
            edit_endpoint(cr, editor, endpoint.name, user_ownership="changed")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(cr), {"tab": "changes"}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_spec_page_lists_open_requests_and_offers_a_new_one(client_for, editor, viewer, cr):
    url = reverse("specs_app:spec_detail", args=["acme", cr.spec.slug])
    page = client_for(editor).get(url).content.decode()
    assert f"#{cr.number} Tighten ownership" in page and "New change request" in page
    assert "New change request" not in client_for(viewer).get(url).content.decode()
    services.change_request_close(change_request=cr, actor=editor)
    assert "Tighten ownership" not in client_for(editor).get(url).content.decode()


def test_anchored_comment_names_its_item(client_for, editor, reviewer, cr):
    endpoint = Endpoint.objects.filter(revision=cr.working).first()
    threads.change_request_comment(
        change_request=cr,
        author=reviewer,
        body="Needs a 404",
        anchor_kind="endpoint",
        anchor_uid=endpoint.uid,
    )
    body = client_for(editor).get(_url(cr)).content.decode()
    anchor = body.split('data-testid="comment-anchor">', 1)[1].split("</div>", 1)[0]
    assert anchor == f"on endpoint {endpoint.name}"


def test_compare_names_the_endpoint_when_only_a_child_changed(
    client_for, viewer, spec, editor, reviewer
):
    from specs_app.models import BusinessRule

    ready_spec(spec)
    cr = open_request(spec, editor, "Reword a rule")
    rule = BusinessRule.objects.filter(revision=cr.working).select_related("endpoint").first()
    services.change_request_update(
        change_request=cr, actor=editor, row=rule, expected_version=rule.version, text="New rule"
    )
    approve_and_merge(cr, author=editor, reviewer=reviewer)
    page = (
        client_for(viewer)
        .get(reverse("specs_app:compare", args=["acme", spec.slug]), {"from": 1, "to": 2})
        .content.decode()
    )
    item = page.split('data-testid="diff-item"', 1)[1].split("</section>", 1)[0]
    assert f"<strong>{rule.endpoint.name}</strong>" in item and "New rule" in item
    assert "(removed item)" not in item


# Authors edit and delete their own comments.


def _comment(cr, author, body="Frist comment"):
    return threads.change_request_comment(change_request=cr, author=author, body=body)


def test_author_edits_a_comment_and_it_shows_edited(client_for, editor, cr):
    comment = _comment(cr, editor)
    client = client_for(editor)
    page = client.get(_url(cr)).content.decode()
    edit, delete = _url(cr, "comment_edit", comment.pk), _url(cr, "comment_delete", comment.pk)
    assert f'action="{edit}"' in page and "Frist comment</textarea>" in page
    assert f'hx-post="{delete}" hx-target="body" hx-confirm="Delete your comment?' in page
    assert 'data-testid="comment-edited"' not in page

    response = client.post(edit, {"body": "First comment"}, follow=True)

    page = response.content.decode()
    assert "Comment updated." in page and "<p>First comment</p>" in page
    assert 'data-testid="comment-edited"' in page and ">edited</span>" in page
    assert Comment.objects.get(pk=comment.pk).body == "First comment"


def test_an_empty_edit_is_refused(client_for, editor, cr):
    comment = _comment(cr, editor)
    response = client_for(editor).post(_url(cr, "comment_edit", comment.pk), {"body": " "})
    assert response.status_code == 302
    page = client_for(editor).get(_url(cr)).content.decode()
    assert "A comment needs some text, at most 10,000 characters" in page
    assert Comment.objects.get(pk=comment.pk).body == "Frist comment"


def test_deleting_a_comment_asks_first(client_for, editor, cr):
    comment = _comment(cr, editor)
    client = client_for(editor)
    url = _url(cr, "comment_delete", comment.pk)
    for response in (client.get(url), client.post(url)):  # without JavaScript: a page asks
        body = response.content.decode()
        assert response.status_code == 200
        assert "Delete your comment?" in body and "“Frist comment” will disappear" in body
        assert 'name="confirm" value="yes"' in body and f'href="{_url(cr)}">Cancel' in body
    assert Comment.objects.filter(pk=comment.pk).exists()
    response = client.post(url, {"confirm": "yes"}, follow=True)
    page = response.content.decode()
    assert "Comment deleted." in page and "This comment was deleted." in page
    assert "Frist comment" not in page and not Comment.objects.filter(pk=comment.pk).exists()


def test_others_cannot_edit_or_delete_a_comment(client_for, editor, reviewer, viewer, cr):
    comment = _comment(cr, editor)
    edit, delete = _url(cr, "comment_edit", comment.pk), _url(cr, "comment_delete", comment.pk)
    page = client_for(reviewer).get(_url(cr)).content.decode()
    assert f'action="{edit}"' not in page and delete not in page
    for other in (reviewer, viewer):
        client = client_for(other)
        assert client.post(edit, {"body": "Rewritten"}).status_code == 403
        assert client.get(delete).status_code == 403
        assert client.post(delete, {"confirm": "yes"}).status_code == 403
    comment.refresh_from_db()
    assert (comment.body, comment.edited_at) == ("Frist comment", None)


def test_comment_edit_and_delete_are_404_for_outsiders(client_for, editor, outsider, cr):
    comment = _comment(cr, editor)
    client = client_for(outsider)
    assert client.post(_url(cr, "comment_edit", comment.pk), {"body": "X"}).status_code == 404
    assert client.get(_url(cr, "comment_delete", comment.pk)).status_code == 404
    assert client.post(_url(cr, "comment_delete", comment.pk), {"confirm": "y"}).status_code == 404
    other_cr = open_request(cr.spec, editor, "Another")
    foreign = _url(other_cr, "comment_delete", comment.pk)  # the comment of another request
    assert client_for(editor).post(foreign, {"confirm": "yes"}).status_code == 404
    assert Comment.objects.get(pk=comment.pk).body == "Frist comment"


def test_comment_edit_and_delete_refuse_wrong_methods(client_for, editor, cr):
    comment = _comment(cr, editor)
    client = client_for(editor)
    assert client.get(_url(cr, "comment_edit", comment.pk)).status_code == 405
    assert client.put(_url(cr, "comment_delete", comment.pk)).status_code == 405
    assert Comment.objects.filter(pk=comment.pk).exists()
