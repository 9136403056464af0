"""The Changes and Conversation tabs with comment threads, and the htmx answers of the thread
forms, cost the same number of SQL queries for a small and a big spec, however many threads
(the big spec's request has three times as many)."""

import pytest

from specs_app.models import Comment, DataModel, Endpoint
from specs_app.services import threads
from tests.test_query_counts import _changed_request, _cr_url, _get, _spec, size_param

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
THREADS_PER_ITEM = {"small": 1, "big": 3}


def _threads(cr, reviewer, editor, size: str) -> list[Comment]:
    """Threads on the renamed endpoints' names (with a suggestion and a reply), on the
    endpoints as a whole, and on the reworded models' ownership."""
    endpoints = Endpoint.objects.filter(revision=cr.working, name__endswith=" v2")
    models = DataModel.objects.filter(revision=cr.working, ownership__startswith="Changed")
    roots = []
    for _ in range(THREADS_PER_ITEM[size]):
        for endpoint in endpoints:
            anchor = {"anchor_kind": "endpoint", "anchor_uid": endpoint.uid}
            roots.append(
                threads.change_request_comment(
                    change_request=cr,
                    author=reviewer,
                    body="**Name** it so?",
                    row_uid=endpoint.uid,
                    field="name",
                    suggestion=f"{endpoint.name} (better)",
                    **anchor,
                )
            )
            threads.comment_reply(comment=roots[-1], author=editor, body="Maybe")
            roots.append(
                threads.change_request_comment(
                    change_request=cr, author=reviewer, body="And this?", **anchor
                )
            )
        for model in models:
            roots.append(
                threads.change_request_comment(
                    change_request=cr,
                    author=editor,
                    body="Whose?",
                    anchor_kind="model",
                    anchor_uid=model.uid,
                    row_uid=model.uid,
                    field="ownership",
                )
            )
    return roots


@size_param
def test_changes_tab_with_threads(
    client_for, editor, reviewer, workspace, owner, django_assert_num_queries, size
):
    cr = _changed_request(_spec(workspace, owner, size), editor)
    roots = _threads(cr, reviewer, editor, size)
    # test_changes_tab's 81 (the comments among them) + the endpoints and the models the
    # threads sit on (their current values, for "outdated")
    body = _get(
        client_for(reviewer),
        django_assert_num_queries,
        83,
        _cr_url(cr, "change_request"),
        {"tab": "changes"},
    )
    assert body.count('data-testid="thread"') == len(roots)
    assert body.count("Apply suggestion") == 3 * THREADS_PER_ITEM[size]  # reviewers apply too
    assert body.count("<strong>Name</strong> it so?") == 3 * THREADS_PER_ITEM[size]


@size_param
def test_conversation_tab_with_threads(
    client_for, editor, reviewer, workspace, owner, django_assert_num_queries, size
):
    cr = _changed_request(_spec(workspace, owner, size), editor)
    roots = _threads(cr, reviewer, editor, size)
    # 4 + change request, reviews and unresolved comments (merge status), reviews again, the
    # audit events, reviews and anchor names (endpoints, models) of the timeline, the threads'
    # comments (the timeline's too) and the endpoints and models they sit on, the spec's latest
    # export,
    # review requests and the members who may be asked (sidebar), the viewer's notifications
    # about the request marked read (one UPDATE) and the navbar's unread count
    body = _get(client_for(editor), django_assert_num_queries, 20, _cr_url(cr, "change_request"))
    assert body.count('data-testid="thread"') == len(roots)
    assert body.count("view in Changes") == len(roots)
    assert body.count("Apply suggestion") == 3 * THREADS_PER_ITEM[size]


@size_param
def test_htmx_thread_answers(
    client_for, editor, reviewer, workspace, owner, django_assert_num_queries, size
):
    cr = _changed_request(_spec(workspace, owner, size), editor)
    roots = _threads(cr, reviewer, editor, size)
    client = client_for(reviewer)
    client.get(_cr_url(cr, "change_request"), {"tab": "changes"})  # the page the forms are on
    endpoint = Endpoint.objects.get(uid=roots[0].anchor_uid, revision=cr.working)
    item = {"anchor_kind": "endpoint", "anchor_uid": str(endpoint.uid), "back": "changes"}
    url = _cr_url(cr, "change_request_comment")

    # 3 (session, user, membership) + spec, change request, lock it, the item, write the
    # comment and its audit event (a savepoint around them), then the threads (comments, the
    # endpoints and models they sit on), and the Changes tab's data: its diff is the one the
    # page computed (cached), the endpoints and models deleted in the request are read again;
    # and the notification of the request's author, in the same transaction: the request, the
    # comment, the workspace's members, one INSERT
    with django_assert_num_queries(21):
        response = client.post(url, {**item, "body": "On the item"}, **HX)
    assert response.status_code == 200 and "<p>On the item</p>" in response.content.decode()

    field = {**item, "row_uid": str(endpoint.uid), "field": "name", "suggestion": "Better"}
    with django_assert_num_queries(21):
        response = client.post(url, {**field, "body": "On the name"}, **HX)
    assert response.status_code == 200 and "Better" in response.content.decode()

    # 3 + spec, change request, the comment, the actor's role, lock the request, the root,
    # the reply and its audit event (in a savepoint), the threads (comments, endpoints, models);
    # and its notifications: the request, the reply, its root, the earlier repliers, the
    # workspace's members, one INSERT
    reply_url = _cr_url(cr, "comment_reply", roots[0].pk)
    with django_assert_num_queries(22):
        response = client.post(reply_url, {"body": "Agreed", "back": "changes"}, **HX)
    assert response.status_code == 200 and "<p>Agreed</p>" in response.content.decode()

    resolve_url = _cr_url(cr, "comment_resolve", roots[0].pk)
    with django_assert_num_queries(16):
        response = client.post(resolve_url, {"back": "changes"}, **HX)
    assert "Unresolve" in response.content.decode()
