"""Sign-in throttling (django-axes): after the failure limit, a username from one address is
refused, even with the right password, with a page that says when to try again; the cool-off
ends it. Time passes by moving the recorded failures back, never by sleeping."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The defaults (test_defaults_are_reasonable checks the settings say so).
LIMIT = 10
COOLOFF_MINUTES = 15
PAGES = {"login page": "login", "admin login": "admin:login"}


@pytest.fixture
def staff(db):
    return UserFactory(username="stella", is_staff=True, is_superuser=True)


def _sign_in(client, url_name: str, password: str, username="stella", address="10.0.0.1"):
    return client.post(
        reverse(url_name),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def _fail(client, url_name: str, times: int, **kwargs):
    return [_sign_in(client, url_name, "wrong", **kwargs).status_code for _ in range(times)]


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_defaults_are_reasonable():
    assert settings.AXES_ENABLED
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert settings.AXES_COOLOFF_TIME.total_seconds() == COOLOFF_MINUTES * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


@pytest.mark.parametrize("url_name", PAGES.values(), ids=PAGES.keys())
def test_lockout_after_the_limit_refuses_even_the_right_password(client, staff, url_name):
    statuses = _fail(client, url_name, LIMIT)
    assert statuses[: LIMIT - 1] == [200] * (LIMIT - 1)  # the form again, with its error
    assert statuses[-1] == 429

    response = _sign_in(client, url_name, "pw")
    assert response.status_code == 429
    assert not _signed_in(client)
    page = response.content.decode()
    assert "Too many failed sign-ins for this account" in page
    assert f"Try again in {COOLOFF_MINUTES} minutes." in page
    assert 'data-testid="error-page"' in page and "navbar-brand" in page  # the site's layout


@pytest.mark.parametrize("url_name", PAGES.values(), ids=PAGES.keys())
def test_the_lockout_ends_after_the_cooloff(client, staff, url_name):
    from axes.models import AccessAttempt

    _fail(client, url_name, LIMIT)
    assert _sign_in(client, url_name, "pw").status_code == 429

    # A minute before the end of the cool-off: still refused.
    AccessAttempt.objects.update(attempt_time=_ago(minutes=COOLOFF_MINUTES - 1))
    assert _sign_in(client, url_name, "pw").status_code == 429

    AccessAttempt.objects.update(attempt_time=_ago(minutes=COOLOFF_MINUTES + 1))
    assert _sign_in(client, url_name, "pw").status_code == 302
    assert _signed_in(client)


def test_failures_below_the_limit_do_not_lock_and_success_resets_them(client, staff):
    _fail(client, "login", LIMIT - 1)
    assert _sign_in(client, "login", "pw").status_code == 302
    client.logout()
    _fail(client, "login", LIMIT - 1)
    assert _sign_in(client, "login", "pw").status_code == 302


def test_lockout_is_per_username_and_address(client, staff, viewer):
    _fail(client, "login", LIMIT)
    assert _sign_in(client, "login", "pw").status_code == 429
    # The same person from another address, and another person from the same address.
    assert _sign_in(client, "login", "pw", address="10.0.0.2").status_code == 302
    client.logout()
    assert _sign_in(client, "login", "pw", username="victor").status_code == 302


def _ago(**delta):
    return timezone.now() - timedelta(**delta)


def test_the_throttle_is_configured_from_the_environment():
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "from django.conf import settings as s; "
        "print(s.AXES_ENABLED, s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), "
        "list(s.AXES_IPWARE_META_PRECEDENCE_ORDER))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "studio.settings_test",
        "LOGIN_THROTTLING": "false",
        "LOGIN_FAILURE_LIMIT": "3",
        "LOGIN_COOLOFF_MINUTES": "5",
        "LOGIN_CLIENT_IP_HEADERS": "HTTP_X_FORWARDED_FOR,REMOTE_ADDR",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.stdout.split("\n")[-2] == (
        "False 3 300.0 ['HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR']"
    ), result.stderr
