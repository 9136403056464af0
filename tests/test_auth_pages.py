import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_renders_and_logs_in(client, viewer):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "victor", "password": "pw"})
    assert response.status_code == 302
    assert client.get(reverse("specs_app:workspace_list")).status_code == 200


def test_wrong_password_is_refused_with_message(client, viewer):
    response = client.post(reverse("login"), {"username": "victor", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_logout_needs_post_and_ends_the_session(client_for, viewer):
    client = client_for(viewer)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("specs_app:workspace_list")).status_code == 302


def test_csrf_is_enforced_on_login(viewer):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "victor", "password": "pw"})
    assert response.status_code == 403
