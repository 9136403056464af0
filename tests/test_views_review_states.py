"""The pages of review states: the request's header badge and sidebar (pending reviewers,
request, re-request, remove, dismiss), the timeline and description as rendered, the spec page's
open requests and the home page's dashboard; access and the forms without JavaScript."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from specs_app.models import DataModel, Endpoint, Review, ReviewRequest
from specs_app.services import review as services
from specs_app.services.imports import import_report
from tests.review_helpers import edit_endpoint, open_request, ready_spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def cr(spec, editor):
    cr = open_request(ready_spec(spec), editor, "Tighten ownership")
    return services.change_request_submit(change_request=cr, actor=editor)


def _url(cr, name="change_request", *extra) -> str:
    return reverse(f"specs_app:{name}", args=["acme", cr.spec.slug, cr.number, *extra])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _page(client, cr, **params) -> str:
    response = client.get(_url(cr), params)
    assert response.status_code == 200
    return response.content.decode()


def _changes_requested(cr, reviewer, body="Name the owner."):
    return services.change_request_review(
        change_request=cr, reviewer=reviewer, verdict="request_changes", body=body
    )


# Access.

POSTS = ["change_request_request_review", "change_request_remove_review_request"]


@pytest.mark.parametrize("name", POSTS)
def test_outsiders_get_404_and_viewers_403_on_review_requests(
    client_for, cr, outsider, viewer, reviewer, name
):
    data = {"reviewers": [reviewer.pk], "reviewer": reviewer.pk}
    assert client_for(outsider).post(_url(cr, name), data).status_code == 404
    assert client_for(viewer).post(_url(cr, name), data).status_code == 403
    assert client_for(viewer).get(_url(cr, name)).status_code == 405
    assert not ReviewRequest.objects.exists()


@pytest.mark.parametrize("who, status", [("outsider", 404), ("editor", 403), ("reviewer", 403)])
def test_only_admins_reach_the_dismissal(request, client_for, cr, reviewer, who, status):
    review = _changes_requested(cr, reviewer)
    client = client_for(request.getfixturevalue(who))
    url = _url(cr, "review_dismiss", review.pk)
    assert client.get(url).status_code == status
    assert client.post(url, {"reason": "x", "confirm": "yes"}).status_code == status
    assert not Review.objects.get(pk=review.pk).dismissed


def test_a_review_of_another_request_is_not_found(client_for, cr, owner, reviewer, editor):
    other = services.change_request_submit(
        change_request=open_request(cr.spec, editor, "Other"), actor=editor
    )
    review = _changes_requested(other, reviewer)
    url = _url(cr, "review_dismiss", review.pk)
    assert client_for(owner).post(url, {"reason": "x", "confirm": "yes"}).status_code == 404


# Without JavaScript: plain forms that post and redirect.


def test_requesting_and_removing_reviewers_posts_and_redirects(
    client_for, cr, editor, reviewer, owner
):
    client = client_for(editor)
    response = client.post(_url(cr, POSTS[0]), {"reviewers": [reviewer.pk, owner.pk]})
    assert response.status_code == 302 and response.url == _url(cr)
    assert _messages(response) == ["Review requested from olivia, rita."]
    page = _page(client, cr)
    pending = re.search(r'data-testid="pending-reviewers">(.*?)</ul>', page, re.S).group(1)
    assert "rita" in pending and "olivia" in pending and "awaiting review" in pending

    response = client.post(_url(cr, POSTS[1]), {"reviewer": reviewer.pk})
    assert response.status_code == 302
    assert _messages(response) == ["rita is no longer asked to review."]
    assert list(ReviewRequest.objects.values_list("reviewer__username", flat=True)) == ["olivia"]


@pytest.mark.parametrize(
    "who, message",
    [
        ("outsider", "Pick reviewers among the members of this workspace."),
        ("viewer", "victor is viewer; only members with the reviewer role or higher can review."),
        ("editor", "edgar opened #1; authors cannot review their own request."),
        (None, "Pick at least one reviewer."),
        ("garbage", "Pick reviewers among the members of this workspace."),
    ],
)
def test_a_wrong_reviewer_is_refused_with_a_clear_message(
    request, client_for, cr, editor, who, message
):
    if who is None:
        data = {}
    elif who == "garbage":
        data = {"reviewers": ["abc"]}
    else:
        data = {"reviewers": [request.getfixturevalue(who).pk]}
    response = client_for(editor).post(_url(cr, POSTS[0]), data)
    assert response.status_code == 302 and _messages(response) == [message]
    assert not ReviewRequest.objects.exists()


def test_the_dismissal_asks_for_a_reason_and_confirms(client_for, cr, owner, reviewer):
    review = _changes_requested(cr, reviewer)
    client = client_for(owner)
    url = _url(cr, "review_dismiss", review.pk)

    asked = client.post(url, {"reason": "Settled in the call"})  # from the sidebar, no JS
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Dismiss rita's review?" in page and "Settled in the call</textarea>" in page
    assert not Review.objects.get(pk=review.pk).dismissed

    refused = client.post(url, {"reason": "  ", "confirm": "yes"})
    assert refused.status_code == 400
    assert "Say why the review is dismissed." in refused.content.decode()
    assert not Review.objects.get(pk=review.pk).dismissed

    done = client.post(url, {"reason": "Settled in the call", "confirm": "yes"})
    assert done.status_code == 302 and done.url == _url(cr)
    assert _messages(done) == ["rita's review dismissed."]
    assert Review.objects.get(pk=review.pk).dismiss_reason == "Settled in the call"
    page = _page(client, cr)
    assert "dismissed: Settled in the call (by olivia)" in page
    assert 'data-state="review_required"' in page  # no longer "Changes requested"


def test_dismissing_a_comment_review_says_why_not(client_for, cr, owner, reviewer):
    review = services.change_request_review(
        change_request=cr, reviewer=reviewer, verdict="comment", body="Hm"
    )
    response = client_for(owner).post(
        _url(cr, "review_dismiss", review.pk), {"reason": "x", "confirm": "yes"}
    )
    assert response.status_code == 302
    assert _messages(response) == ["Only an approval or a request for changes can be dismissed."]


# The request page.


def _badge(page: str) -> str:
    return re.search(r'data-testid="cr-state"[^>]*>([^<]*)<', page).group(1)


def test_the_header_badge_and_the_reasons(client_for, cr, editor, reviewer):
    client = client_for(editor)
    page = _page(client, cr)
    assert _badge(page) == "Review required" and "1 more approval needed." in page

    _changes_requested(cr, reviewer)
    page = _page(client, cr)
    assert _badge(page) == "Changes requested"
    assert re.search(r'data-testid="cr-state-reasons">.*rita requested changes\.', page)

    services.change_request_review(change_request=cr, reviewer=reviewer, verdict="approve")
    assert _badge(_page(client, cr)) == "Approved"


def test_a_draft_is_marked_as_a_draft(client_for, spec, editor):
    cr = open_request(ready_spec(spec), editor, "Early")
    assert _badge(_page(client_for(editor), cr)) == "Draft"


def test_the_sidebar_offers_re_request_to_editors_and_dismiss_to_admins(
    client_for, cr, editor, reviewer, owner, viewer
):
    _changes_requested(cr, reviewer)
    as_editor = _page(client_for(editor), cr)
    assert "Re-request review" in as_editor and "Dismiss review" not in as_editor
    assert 'id="review-form"' not in as_editor  # the author does not review
    # Eligible: reviewer role or higher, not the author, not already listed (rita reviewed).
    form = re.search(r'data-testid="request-review-form".*?</form>', as_editor, re.S).group(0)
    assert "olivia" in form and "rita" not in form and "victor" not in form
    as_admin = _page(client_for(owner), cr)
    assert "Dismiss review" in as_admin and 'id="review-form"' in as_admin
    as_viewer = _page(client_for(viewer), cr)
    assert "Re-request review" not in as_viewer and "request-review-form" not in as_viewer

    client_for(editor).post(_url(cr, POSTS[0]), {"reviewers": [reviewer.pk]})
    page = _page(client_for(editor), cr)
    pending = re.search(r'data-testid="pending-reviewers">(.*?)</ul>', page, re.S).group(1)
    assert "rita" in pending and "re-requested by edgar" in pending
    assert "Re-request review" not in page  # she is pending again


def test_the_conversation_renders_the_description_and_the_grouped_timeline(
    client_for, spec, editor, reviewer
):
    cr = services.change_request_open(
        spec=ready_spec(spec),
        author=editor,
        title="Imported",
        description="Imported from markdown.\n\n- `api.md` line 3: **guessed**",
    )
    endpoints = list(Endpoint.objects.filter(revision=cr.working).order_by("position")[:3])
    for endpoint in endpoints:
        edit_endpoint(cr, editor, endpoint.name, user_ownership="Only the caller")
    model = services.change_request_add(
        change_request=cr, actor=editor, model=DataModel, name="Label", table="labels",
        ownership="Enforced via user_id",
    )  # fmt: skip
    services.change_request_submit(change_request=cr, actor=editor)
    services.change_request_review(
        change_request=cr, reviewer=reviewer, verdict="request_changes", body="Add *an index*"
    )

    page = _page(client_for(editor), cr)

    assert "<code>api.md</code> line 3: <strong>guessed</strong>" in page
    assert "changed 3 endpoints and added model Label" in page
    assert f'href="?tab=changes#item-{endpoints[0].uid}"' in page
    assert f'href="?tab=changes#item-{model.uid}"' in page
    assert "<em>an index</em>" in page and "requested changes" in page
    assert "submitted it for review" in page
    assert "endpoint.changed" not in page  # no raw event codes


def test_an_import_report_renders_as_markdown(client_for, spec, editor):
    class Warning:
        file, line, message = "specs/api/rest-endpoints.md", 12, "guessed *auth*"

    class Result:
        warnings = [Warning()]

    cr = services.change_request_open(
        spec=ready_spec(spec), author=editor, title="Import", description=import_report(Result())
    )
    page = _page(client_for(editor), cr)
    assert "<li><code>specs/api/rest-endpoints.md</code> line 12: guessed *auth*</li>" in page


# The spec page and the home page.


def test_the_spec_page_lists_open_requests_with_their_state(client_for, cr, spec, editor, reviewer):
    open_request(spec, editor, "Early")
    _changes_requested(cr, reviewer)
    page = client_for(editor).get(reverse("specs_app:spec_detail", args=["acme", spec.slug]))
    badges = re.findall(
        r'data-testid="state-badge" data-state="(\w+)">([^<]*)<', page.content.decode()
    )
    assert sorted(badges) == [("changes_requested", "Changes requested"), ("draft", "Draft")]


def _section(page: str, key: str) -> str:
    return re.search(rf'data-testid="dashboard-{key}".*?</section>', page, re.S).group(0)


def test_the_dashboard_per_user(client_for, cr, editor, reviewer, owner):
    _changes_requested(cr, reviewer)
    services.change_request_request_review(change_request=cr, actor=editor, reviewers=[owner])
    home = reverse("specs_app:workspace_list")

    edgar = client_for(editor).get(home).content.decode()
    assert "Tighten ownership" in _section(edgar, "changes-requested")
    assert re.search(r'dashboard-changes-requested-count">1<', edgar)
    assert "Tighten ownership" in _section(edgar, "mine")
    assert "Nothing waits for your review." in _section(edgar, "awaiting-review")

    olivia = client_for(owner).get(home).content.decode()
    waiting = _section(olivia, "awaiting-review")
    assert "Tighten ownership" in waiting and "review requested" in waiting
    assert "by edgar" in waiting and "0 approvals" in waiting
    assert "Acme" in olivia  # the workspace list stays below

    rita = client_for(reviewer).get(home).content.decode()
    assert "Nothing waits for your review." in _section(rita, "awaiting-review")


def test_no_re_request_button_for_the_author_s_own_review(client_for, spec, reviewer):
    cr = open_request(ready_spec(spec), reviewer, "Mine")
    cr = services.change_request_submit(change_request=cr, actor=reviewer)
    _changes_requested(cr, reviewer, "A note to self")
    page = _page(client_for(reviewer), cr)
    assert "rita: Request changes" in page and "Re-request review" not in page
