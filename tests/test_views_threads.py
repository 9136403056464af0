"""Threads in the pages: without JavaScript every form posts and comes back to the tab (and the
thread) it was posted from; with htmx the answer is the thread, or the item's or field's
threads, swapped in place."""

import re

import pytest
from django.urls import reverse

from specs_app.models import BodyField, Comment, Endpoint
from specs_app.services import review as services
from specs_app.services import threads
from tests.review_helpers import open_request, ready_spec

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def cr(spec, editor):
    cr = open_request(ready_spec(spec), editor, "Tighten ownership")
    row = _row(cr)
    services.change_request_update(
        change_request=cr,
        actor=editor,
        row=row,
        expected_version=row.version,
        description="The title of the task",
    )
    return cr


def _row(cr) -> BodyField:
    endpoint = Endpoint.objects.filter(revision=cr.working).order_by("position", "id").first()
    return BodyField.objects.filter(endpoint=endpoint).order_by("position", "id").first()


def _url(cr, name="change_request", *extra) -> str:
    return reverse(f"specs_app:{name}", args=["acme", cr.spec.slug, cr.number, *extra])


def _field_post(cr, body="Say which title", **extra) -> dict:
    row = _row(cr)
    return {
        "body": body,
        "anchor_kind": "endpoint",
        "anchor_uid": str(row.endpoint.uid),
        "row_uid": str(row.uid),
        "field": "description",
        "back": "changes",
        **extra,
    }


def _thread(cr, author, **extra):
    row = _row(cr)
    return threads.change_request_comment(
        change_request=cr,
        author=author,
        body="Say which title",
        anchor_kind="endpoint",
        anchor_uid=row.endpoint.uid,
        row_uid=row.uid,
        field="description",
        **extra,
    )


# Access.


@pytest.mark.parametrize("name", ["comment_reply", "comment_apply", "comment_resolve"])
def test_thread_actions_are_404_for_outsiders_and_403_for_viewers(
    client_for, outsider, viewer, reviewer, cr, name
):
    comment = _thread(cr, reviewer, suggestion="Better")
    data = {"body": "Me too", "back": "changes"}
    assert client_for(outsider).post(_url(cr, name, comment.pk), data).status_code == 404
    assert client_for(viewer).post(_url(cr, name, comment.pk), data).status_code == 403
    assert client_for(viewer).post(_url(cr, name, comment.pk), data, **HX).status_code == 403
    comment.refresh_from_db()
    assert not comment.replies.exists() and not comment.resolved
    assert comment.suggestion_applied_at is None


def test_a_new_thread_is_404_for_outsiders_and_403_for_viewers(client_for, outsider, viewer, cr):
    url = _url(cr, "change_request_comment")
    assert client_for(outsider).post(url, _field_post(cr), **HX).status_code == 404
    assert client_for(viewer).post(url, _field_post(cr), **HX).status_code == 403
    assert not Comment.objects.exists()


def test_a_comment_of_another_request_is_404(client_for, editor, reviewer, cr):
    comment = _thread(cr, reviewer)
    other = open_request(cr.spec, editor, "Another")
    for name in ("comment_reply", "comment_apply"):
        url = _url(other, name, comment.pk)
        assert client_for(editor).post(url, {"body": "x"}).status_code == 404
    assert not comment.replies.exists()


def test_actions_refuse_get(client_for, editor, reviewer, cr):
    comment = _thread(cr, reviewer)
    for name in ("comment_reply", "comment_apply"):
        assert client_for(editor).get(_url(cr, name, comment.pk)).status_code == 405


def test_an_editor_cannot_post_a_suggestion(client_for, editor, cr):
    post = _field_post(cr, suggestion="Mine")
    assert client_for(editor).post(_url(cr, "change_request_comment"), post).status_code == 403
    assert not Comment.objects.exists()


# Without JavaScript: back where it came from.


def test_a_new_field_thread_goes_back_to_the_changes_tab_at_the_thread(client_for, reviewer, cr):
    response = client_for(reviewer).post(_url(cr, "change_request_comment"), _field_post(cr))
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{_url(cr)}?tab=changes#thread-{comment.pk}"
    assert (comment.anchor_field, comment.anchor_row_uid) == ("description", _row(cr).uid)


def test_a_refused_thread_goes_back_to_the_item_with_the_reason(client_for, reviewer, cr):
    client = client_for(reviewer)
    post = _field_post(cr, body=" ", field="position")
    response = client.post(_url(cr, "change_request_comment"), post)
    item = _row(cr).endpoint.uid
    assert response["Location"] == f"{_url(cr)}?tab=changes#item-threads-{item}"
    page = client.get(response["Location"]).content.decode()
    assert "A comment needs some text." in page and not Comment.objects.exists()
    response = client.post(_url(cr, "change_request_comment"), _field_post(cr, field="position"))
    assert (
        "has no field “position” to comment on" in client.get(response["Location"]).content.decode()
    )


@pytest.mark.parametrize(
    "back, where",
    [("changes", "?tab=changes#thread-"), ("conversation", "?tab=conversation#comment-")],
)
def test_replies_and_resolve_go_back_to_their_tab(client_for, editor, reviewer, cr, back, where):
    root = _thread(cr, reviewer)
    client = client_for(editor)
    response = client.post(_url(cr, "comment_reply", root.pk), {"body": "Done", "back": back})
    assert response["Location"] == f"{_url(cr)}{where}{root.pk}"
    reply = root.replies.get()
    response = client.post(_url(cr, "comment_resolve", reply.pk), {"back": back})
    assert response["Location"] == f"{_url(cr)}{where}{root.pk}"
    root.refresh_from_db()
    assert root.resolved


def test_an_empty_reply_is_refused_with_the_reason(client_for, editor, reviewer, cr):
    root = _thread(cr, reviewer)
    client = client_for(editor)
    response = client.post(_url(cr, "comment_reply", root.pk), {"body": "", "back": "changes"})
    assert response["Location"] == f"{_url(cr)}?tab=changes#thread-{root.pk}"
    assert "A reply needs some text" in client.get(response["Location"]).content.decode()
    assert not root.replies.exists()


def test_applying_a_suggestion_goes_back_to_the_thread(client_for, editor, reviewer, cr):
    comment = _thread(cr, reviewer, suggestion="The task's title")
    row = _row(cr)
    client = client_for(editor)
    post = {"version": row.version, "back": "changes"}
    response = client.post(_url(cr, "comment_apply", comment.pk), post)
    assert response["Location"] == f"{_url(cr)}?tab=changes#thread-{comment.pk}"
    assert _row(cr).description == "The task's title"
    page = client.get(response["Location"]).content.decode()
    assert "Suggestion applied." in page and 'data-testid="suggestion-applied"' in page
    again = client.post(_url(cr, "comment_apply", comment.pk), post, follow=True)
    assert "applied already" in again.content.decode()


def test_a_stale_page_cannot_apply_a_suggestion(client_for, editor, reviewer, cr):
    comment = _thread(cr, reviewer, suggestion="The task's title")
    row = _row(cr)
    services.change_request_update(
        change_request=cr, actor=editor, row=row, expected_version=row.version, name="renamed"
    )
    post = {"version": row.version, "back": "changes"}  # the version the page showed
    response = client_for(editor).post(_url(cr, "comment_apply", comment.pk), post, follow=True)
    assert "was changed by someone else" in response.content.decode()
    assert _row(cr).description == "The title of the task"


# With htmx: in place.


def _no_page(body: str) -> None:
    assert "<html" not in body and "<nav" not in body


def test_htmx_new_field_thread_comes_back_with_a_fresh_form(client_for, reviewer, cr):
    response = client_for(reviewer).post(
        _url(cr, "change_request_comment"), _field_post(cr, suggestion="Better title"), **HX
    )
    body = response.content.decode()
    comment = Comment.objects.get()
    assert response.status_code == 200
    _no_page(body)
    assert body.lstrip().startswith(
        f'<div class="field-threads" id="field-threads-{_row(cr).uid}-description"'
    )
    assert f'id="thread-{comment.pk}"' in body and "<p>Say which title</p>" in body
    assert "Better title" in body and 'data-testid="suggestion"' in body
    form = body.split('class="field-comment-form', 1)[1]
    assert re.search(r'name="body"[^>]*required></textarea>', form)  # empty again
    assert 'value="The title of the task"' in form  # the suggestion starts from the value


def test_htmx_new_item_thread_and_its_error_in_place(client_for, editor, cr):
    client = client_for(editor)
    item = _row(cr).endpoint.uid
    post = {"body": "", "anchor_kind": "endpoint", "anchor_uid": str(item), "back": "changes"}
    response = client.post(_url(cr, "change_request_comment"), post, **HX)
    body = response.content.decode()
    assert response.status_code == 400
    _no_page(body)
    assert f'id="item-threads-{item}"' in body and "A comment needs some text." in body
    assert not Comment.objects.exists()
    response = client.post(_url(cr, "change_request_comment"), {**post, "body": "Why?"}, **HX)
    body = response.content.decode()
    assert response.status_code == 200 and "<p>Why?</p>" in body
    assert f'id="item-threads-{item}"' in body and "needs some text" not in body
    assert Comment.objects.get().anchor_row_uid == item


def test_htmx_reply_resolve_and_edit_swap_the_thread(client_for, editor, reviewer, cr):
    root = _thread(cr, reviewer)
    client = client_for(editor)
    response = client.post(
        _url(cr, "comment_reply", root.pk), {"body": " ", "back": "changes"}, **HX
    )
    assert response.status_code == 400
    assert "A reply needs some text" in response.content.decode()
    response = client.post(
        _url(cr, "comment_reply", root.pk), {"body": "**Done**", "back": "changes"}, **HX
    )
    body = response.content.decode()
    _no_page(body)
    assert body.lstrip().startswith(f'<article class="card thread mt-2" id="thread-{root.pk}"')
    assert "<strong>Done</strong>" in body and "Say which title" in body
    response = client.post(_url(cr, "comment_resolve", root.pk), {"back": "conversation"}, **HX)
    body = response.content.decode()
    assert f'id="comment-{root.pk}"' in body and "Unresolve" in body and "Resolved by edgar" in body
    reply = root.replies.get()
    response = client.post(
        _url(cr, "comment_edit", reply.pk), {"body": "Done now", "back": "changes"}, **HX
    )
    assert "<p>Done now</p>" in response.content.decode()


def test_htmx_apply_reloads_the_page_at_the_thread(client_for, editor, reviewer, cr):
    comment = _thread(cr, reviewer, suggestion="The task's title")
    post = {"version": _row(cr).version, "back": "changes"}
    response = client_for(editor).post(_url(cr, "comment_apply", comment.pk), post, **HX)
    assert response["HX-Redirect"] == f"{_url(cr)}?tab=changes#thread-{comment.pk}"
    assert _row(cr).description == "The task's title"


# What the tabs show.


def test_changes_tab_shows_threads_in_place_and_outdated(client_for, editor, reviewer, cr):
    comment = _thread(cr, reviewer, suggestion="The task's title")
    threads.comment_reply(comment=comment, author=editor, body="Will do")
    page = client_for(editor).get(_url(cr), {"tab": "changes"}).content.decode()
    field_block = page.split(f'id="field-threads-{_row(cr).uid}-description"', 1)[1]
    assert f'id="thread-{comment.pk}"' in field_block.split('class="field-comment"', 1)[0]
    assert "Will do" in page and "Apply suggestion" in page and "thread-outdated" not in page
    assert "Suggest a value" not in page  # the editor is no reviewer
    row = _row(cr)
    services.change_request_update(
        change_request=cr, actor=editor, row=row, expected_version=row.version, description="X"
    )
    page = client_for(editor).get(_url(cr), {"tab": "changes"}).content.decode()
    assert 'data-testid="thread-outdated"' in page
    original = page.split('data-testid="thread-original"', 1)[1].split("</figure>", 1)[0]
    assert "The title of the task" in original
    assert "Outdated: the field changed since the suggestion." in page
    button = page.split("Apply suggestion", 1)[0].rsplit("<button", 1)[1]
    assert "disabled" in button


def test_reviewers_get_a_suggestion_box_with_the_current_value(client_for, reviewer, cr):
    page = client_for(reviewer).get(_url(cr), {"tab": "changes"}).content.decode()
    box = page.split("Suggest a value (optional)", 1)[1].split(">", 2)[1]
    assert 'name="suggestion"' in box and 'value="The title of the task"' in box


def test_conversation_tab_shows_the_whole_thread_with_a_link_to_changes(
    client_for, editor, reviewer, cr
):
    comment = _thread(cr, reviewer)
    threads.comment_reply(comment=comment, author=editor, body="Will do")
    page = client_for(reviewer).get(_url(cr)).content.decode()
    thread = page.split(f'id="comment-{comment.pk}"', 1)[1].split("</article>", 1)[0]
    assert "Say which title" in thread and "Will do" in thread
    assert f'href="?tab=changes#thread-{comment.pk}">view in Changes' in thread
    assert "field Description" in thread


def test_htmx_refused_anchor_reloads_the_tab_with_the_reason(client_for, reviewer, cr):
    client = client_for(reviewer)
    post = _field_post(cr, field="position")
    response = client.post(_url(cr, "change_request_comment"), post, **HX)
    item = _row(cr).endpoint.uid
    assert response["HX-Redirect"] == f"{_url(cr)}?tab=changes#item-threads-{item}"
    page = client.get(response["HX-Redirect"]).content.decode()
    assert "has no field “position” to comment on" in page and not Comment.objects.exists()


def test_a_deleted_first_comment_shows_as_deleted_above_its_replies(
    client_for, editor, reviewer, cr
):
    root = _thread(cr, reviewer)
    threads.comment_reply(comment=root, author=editor, body="An answer")
    response = client_for(reviewer).post(
        _url(cr, "comment_delete", root.pk), {"confirm": "yes", "back": "changes"}
    )
    assert response["Location"] == f"{_url(cr)}?tab=changes#thread-{root.pk}"
    for tab, prefix in (("changes", "thread"), ("conversation", "comment")):
        page = client_for(editor).get(_url(cr), {"tab": tab}).content.decode()
        thread = page.split(f'id="{prefix}-{root.pk}"', 1)[1].split("</article>", 1)[0]
        assert "This comment was deleted." in thread and "An answer" in thread
        assert "Say which title" not in page


def test_mentions_link_to_members_in_both_tabs_and_the_description(
    client_for, cr, editor, reviewer
):
    cr.description = "Asks @rita to check; @nobody is not a member."
    cr.save(update_fields=["description"])
    endpoint = Endpoint.objects.filter(revision=cr.working).order_by("position", "id").first()
    threads.change_request_comment(
        change_request=cr,
        author=editor,
        body="@rita see `@rita` and mail rita@example.com",
        anchor_kind="endpoint",
        anchor_uid=endpoint.uid,
    )
    member = reverse("specs_app:member_detail", args=["acme", "rita"])
    link = f'<a class="mention" href="{member}">@rita</a>'
    client = client_for(reviewer)
    conversation = client.get(_url(cr)).content.decode()
    changes = client.get(_url(cr), {"tab": "changes"}).content.decode()
    assert conversation.count(link) == 2  # the description and the comment
    assert "@nobody" in conversation and 'href="/w/acme/people/nobody/"' not in conversation
    assert "<code>@rita</code>" in conversation and "rita@example.com" in conversation
    assert changes.count(link) == 1
