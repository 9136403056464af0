import pytest
from django.urls import reverse

from specs_app.models import Membership, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _url(name: str, *args) -> str:
    return reverse(f"specs_app:{name}", args=["acme", *args])


def _membership(user) -> Membership:
    return Membership.objects.get(user=user, workspace__slug="acme")


def test_members_page_works_for_admin(client_for, owner, viewer):
    response = client_for(owner).get(_url("members"))
    assert response.status_code == 200
    assert b"victor" in response.content and b"olivia" in response.content


@pytest.mark.parametrize("persona", ["viewer", "editor", "reviewer"])
def test_members_page_requires_admin(client_for, request, owner, persona):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(_url("members")).status_code == 403


def test_members_pages_are_404_for_outsider(client_for, owner, viewer, outsider):
    client = client_for(outsider)
    assert client.get(_url("members")).status_code == 404
    target = _membership(viewer).pk
    assert client.post(_url("member_role", target), {"role": "admin"}).status_code == 404
    assert client.post(_url("member_remove", target)).status_code == 404
    assert client.get(_url("member_remove", target)).status_code == 404
    assert client.post(_url("member_remove", target), {"confirm": "yes"}).status_code == 404
    assert _membership(viewer).role == Role.VIEWER


def test_wrong_methods_are_refused(client_for, owner, viewer):
    client = client_for(owner)
    target = _membership(viewer).pk
    assert client.post(_url("members")).status_code == 405
    assert client.get(_url("member_add")).status_code == 405
    assert client.get(_url("member_role", target)).status_code == 405
    assert client.put(_url("member_remove", target)).status_code == 405


def test_admin_adds_member_by_username_or_email(client_for, owner):
    UserFactory(username="newbie", email="newbie@corp.example")
    UserFactory(username="other", email="other@corp.example")
    client = client_for(owner)
    response = client.post(_url("member_add"), {"identifier": "newbie", "role": "editor"})
    assert response.status_code == 302
    response = client.post(
        _url("member_add"), {"identifier": "OTHER@corp.example", "role": "viewer"}
    )
    assert response.status_code == 302
    roles = dict(
        Membership.objects.filter(workspace__slug="acme").values_list("user__username", "role")
    )
    assert roles["newbie"] == "editor" and roles["other"] == "viewer"


def test_adding_unknown_or_existing_user_shows_error_and_changes_nothing(client_for, owner, viewer):
    client = client_for(owner)
    before = Membership.objects.count()
    response = client.post(_url("member_add"), {"identifier": "ghost", "role": "viewer"})
    assert response.status_code == 400
    assert "No single active user" in response.content.decode()
    response = client.post(_url("member_add"), {"identifier": "victor", "role": "admin"})
    assert "already a member" in response.content.decode()
    assert Membership.objects.count() == before
    assert _membership(viewer).role == Role.VIEWER


def test_admin_changes_role_and_removes_member(client_for, owner, viewer, editor):
    client = client_for(owner)
    client.post(_url("member_role", _membership(viewer).pk), {"role": "reviewer"})
    assert _membership(viewer).role == Role.REVIEWER
    client.post(_url("member_remove", _membership(editor).pk), {"confirm": "yes"})
    assert not Membership.objects.filter(user=editor).exists()


def test_invalid_role_is_refused(client_for, owner, viewer):
    response = client_for(owner).post(
        _url("member_role", _membership(viewer).pk), {"role": "god"}, follow=True
    )
    assert "Pick one of the roles" in response.content.decode()
    assert _membership(viewer).role == Role.VIEWER


def test_last_admin_cannot_be_demoted_or_removed(client_for, owner):
    client = client_for(owner)
    mine = _membership(owner).pk
    response = client.post(_url("member_role", mine), {"role": "viewer"}, follow=True)
    assert "last admin cannot be demoted" in response.content.decode()
    response = client.post(_url("member_remove", mine), {"confirm": "yes"}, follow=True)
    assert "last admin cannot be removed" in response.content.decode()
    assert _membership(owner).role == Role.ADMIN


def test_an_admin_can_step_down_when_another_admin_exists(client_for, owner, viewer):
    client = client_for(owner)
    client.post(_url("member_role", _membership(viewer).pk), {"role": "admin"})
    client.post(_url("member_role", _membership(owner).pk), {"role": "editor"})
    assert _membership(owner).role == Role.EDITOR
    assert _membership(viewer).role == Role.ADMIN


def test_membership_of_another_workspace_is_404(client_for, owner, outsider):
    foreign = Membership.objects.get(user=outsider)
    response = client_for(owner).post(_url("member_remove", foreign.pk))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_membership_changes_are_audited_with_their_actor(client_for, owner, viewer):
    from specs_app.models import AuditEvent

    UserFactory(username="newbie")
    client = client_for(owner)
    client.post(_url("member_add"), {"identifier": "newbie", "role": "editor"})
    client.post(_url("member_role", _membership(viewer).pk), {"role": "reviewer"})
    client.post(_url("member_remove", _membership(viewer).pk), {"confirm": "yes"})
    events = list(
        AuditEvent.objects.filter(workspace__slug="acme")
        .order_by("id")
        .values_list("verb", "target", "actor__username", "spec")
    )
    assert events == [
        ("member.added", "newbie", "olivia", None),
        ("member.role_changed", "victor", "olivia", None),
        ("member.removed", "victor", "olivia", None),
    ]


def test_removing_a_member_asks_first(client_for, owner, viewer, editor):
    client = client_for(owner)
    url = _url("member_remove", _membership(viewer).pk)
    page = client.get(_url("members")).content.decode()
    assert f'hx-post="{url}"' in page and 'hx-confirm="Remove victor from Acme?' in page
    assert page.count("hx-confirm=") == 3  # every member's Remove button
    for response in (client.get(url), client.post(url)):  # without JavaScript: a page asks
        body = response.content.decode()
        assert response.status_code == 200
        assert "Remove victor from Acme?" in body and "takes away their access" in body
        assert f'action="{url}"' in body and 'name="confirm" value="yes"' in body
        assert f'href="{_url("members")}">Cancel' in body
    assert Membership.objects.filter(user=viewer).exists()
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    assert not Membership.objects.filter(user=viewer).exists()


def test_only_admins_reach_the_remove_confirmation(client_for, owner, editor, viewer):
    url = _url("member_remove", _membership(viewer).pk)
    assert client_for(editor).get(url).status_code == 403
    assert client_for(editor).post(url, {"confirm": "yes"}).status_code == 403
    assert Membership.objects.filter(user=viewer).exists()


def test_removing_yourself_with_htmx_leaves_the_page(client_for, owner, viewer):
    client = client_for(owner)
    client.post(_url("member_role", _membership(viewer).pk), {"role": "admin"})
    response = client.post(
        _url("member_remove", _membership(owner).pk), {"confirm": "yes"}, HTTP_HX_REQUEST="true"
    )
    assert response.headers["HX-Redirect"] == reverse("specs_app:workspace_list")
    assert not Membership.objects.filter(user=owner).exists()
