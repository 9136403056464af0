"""A member's page, where an @mention leads: any member may see it; outsiders get 404."""

import pytest
from django.urls import reverse

from specs_app.models import Endpoint
from specs_app.services import review as services
from tests.review_helpers import edit_endpoint, open_request, ready_spec

pytestmark = pytest.mark.django_db


def _url(username: str, ws: str = "acme") -> str:
    return reverse("specs_app:member_detail", args=[ws, username])


def test_a_viewer_sees_a_members_role_requests_and_activity(client_for, spec, editor, viewer):
    cr = open_request(ready_spec(spec), editor, "Add labels")
    services.change_request_submit(change_request=cr, actor=editor)
    endpoint = Endpoint.objects.filter(revision=cr.working).order_by("position", "id").first()
    edit_endpoint(cr, editor, endpoint.name, summary="Shorter")
    response = client_for(viewer).get(_url("edgar"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="member-name">edgar' in body and ">Editor</span>" in body
    assert "Todo #1: Add labels" in body
    # What they did, in words: the timeline's sentences, not audit codes.
    assert "submitted it for review" in body and f"changed endpoint {endpoint}" in body
    assert "change_request.submitted" not in body and "endpoint.changed" not in body
    assert reverse("specs_app:members", args=["acme"]) not in body, "managing is for admins"


def test_an_admin_gets_the_way_to_manage_members(client_for, owner, editor):
    body = client_for(owner).get(_url("edgar")).content.decode()
    assert f'href="{reverse("specs_app:members", args=["acme"])}"' in body


def test_not_a_member_or_not_mine_is_404(client_for, viewer, outsider):
    assert client_for(viewer).get(_url("oscar")).status_code == 404, "not in this workspace"
    assert client_for(viewer).get(_url("nobody")).status_code == 404
    assert client_for(outsider).get(_url("victor")).status_code == 404


def test_member_page_query_count(client_for, spec, editor, viewer, django_assert_num_queries):
    for i in range(5):
        open_request(ready_spec(spec), editor, f"Request {i}")
    client = client_for(viewer)
    # session, user, my membership, theirs (with user), their requests (with spec), their
    # activity (with spec), the navbar's unread count
    with django_assert_num_queries(7):
        response = client.get(_url("edgar"))
    assert response.content.decode().count(": Request ") == 5
