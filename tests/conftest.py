"""Personas and shared fixtures. Each persona is a user with one role in the `acme` workspace;
the outsider belongs to another workspace only."""

import os
from pathlib import Path

import pytest
from django.core.cache import cache

from specs_app.models import Membership, Role
from tests.factories import UserFactory, WorkspaceFactory, published_spec

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("STUDIO_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a rolled-back SQLite test reuses primary keys,
    which the cache of published revisions is keyed by."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def workspace(db):
    return WorkspaceFactory(name="Acme", slug="acme")


def _member(workspace, username: str, role: Role):
    user = UserFactory(username=username)
    Membership.objects.create(workspace=workspace, user=user, role=role)
    return user


@pytest.fixture
def owner(workspace):
    return _member(workspace, "olivia", Role.ADMIN)


@pytest.fixture
def editor(workspace):
    return _member(workspace, "edgar", Role.EDITOR)


@pytest.fixture
def reviewer(workspace):
    return _member(workspace, "rita", Role.REVIEWER)


@pytest.fixture
def viewer(workspace):
    return _member(workspace, "victor", Role.VIEWER)


@pytest.fixture
def outsider(db):
    other = WorkspaceFactory(name="Elsewhere", slug="elsewhere")
    return _member(other, "oscar", Role.ADMIN)


@pytest.fixture
def spec(workspace, owner):
    return published_spec(workspace=workspace, slug="todo", title="Todo", endpoints=3, models=2)


@pytest.fixture
def client_for(client):
    """Log a persona in: `client_for(viewer).get(...)`."""

    def login(user):
        client.force_login(user)
        return client

    return login


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    if os.environ.get("STUDIO_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(
            f"Browser tests are required (STUDIO_REQUIRE_BROWSER=1) but {CHROMIUM} is missing; "
            "install it with: apt-get install chromium"
        )
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(autouse=True)
def no_csp_violations(request):
    """Every browser test fails if any page it visited broke the Content-Security-Policy."""
    if "page" not in request.fixturenames or request.node.get_closest_marker("browser") is None:
        yield  # ("page" may also be a test's own parameter)
        return
    from tests.browser_helpers import watch_csp_violations

    violations = watch_csp_violations(request.getfixturevalue("page"))
    yield violations
    assert violations == [], "\n".join(violations)
