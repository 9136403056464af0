"""One permission rule, checked by the services themselves (so any caller, a view today, an API
tomorrow, inherits it): someone who is not a member gets 404, a member whose role is too low
gets 403 with the role needed, and in both cases nothing changes."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from specs_app import access
from specs_app.models import (
    AuditEvent,
    ChangeRequest,
    Endpoint,
    Export,
    GitTarget,
    LintConfig,
    Membership,
    Role,
)
from specs_app.services import git as git_services
from specs_app.services import members as member_services
from specs_app.services import review as review_services
from specs_app.services import threads
from specs_app.services.errors import ServiceError
from tests import git_helpers
from tests.factories import UserFactory
from tests.review_helpers import open_request, ready_spec

pytestmark = pytest.mark.django_db
remote, target = git_helpers.remote, git_helpers.target  # fixtures

TOO_LOW = "This needs the {} role or higher."


def _refused(user, role: str, call) -> None:
    """`call()` by `user` is refused: 404 for an outsider, else 403 naming `role`."""
    if Membership.objects.filter(user=user, workspace__slug="acme").exists():
        with pytest.raises(PermissionDenied, match=TOO_LOW.format(role)):
            call()
    else:
        with pytest.raises(Http404):
            call()


# The rule itself.


def test_require_role_is_404_for_outsiders_and_403_below_the_role(workspace, editor, outsider):
    assert access.require_role(editor, workspace, Role.EDITOR).user == editor
    assert access.require_role(editor, workspace.pk, Role.VIEWER).role == Role.EDITOR
    with pytest.raises(PermissionDenied, match=TOO_LOW.format("reviewer")):
        access.require_role(editor, workspace, Role.REVIEWER)
    for stranger in (outsider, AnonymousUser(), None):
        with pytest.raises(Http404):
            access.require_role(stranger, workspace, Role.VIEWER)


# Members: admins only.


@pytest.mark.parametrize("persona", ["reviewer", "outsider"])
def test_members_services_need_an_admin(request, owner, viewer, persona):
    actor = request.getfixturevalue(persona)
    UserFactory(username="newbie")
    victor = Membership.objects.get(user=viewer)
    _refused(
        actor,
        "admin",
        lambda: member_services.membership_add(
            workspace=victor.workspace, identifier="newbie", role=Role.EDITOR, actor=actor
        ),
    )
    _refused(
        actor,
        "admin",
        lambda: member_services.membership_change_role(
            membership=victor, role=Role.ADMIN, actor=actor
        ),
    )
    _refused(
        actor, "admin", lambda: member_services.membership_remove(membership=victor, actor=actor)
    )
    assert Membership.objects.get(pk=victor.pk).role == Role.VIEWER
    assert not Membership.objects.filter(user__username="newbie").exists()
    assert not AuditEvent.objects.exists()


# Lint settings: admins only.


@pytest.mark.parametrize("persona", ["reviewer", "outsider"])
def test_lint_settings_need_an_admin(request, spec, persona):
    from specs_app.services.lint_settings import lint_settings_save

    actor = request.getfixturevalue(persona)
    _refused(
        actor,
        "admin",
        lambda: lint_settings_save(
            spec=spec,
            actor=actor,
            owner_table="accounts",
            external_tables=[],
            rules={"errors.no-500": "off"},
        ),
    )
    assert not LintConfig.objects.exists() and not AuditEvent.objects.exists()


# Git: admins set the target, editors export and import.


@pytest.mark.parametrize("persona", ["editor", "outsider"])
def test_git_target_needs_an_admin(request, spec, remote, persona):
    actor = request.getfixturevalue(persona)
    _refused(
        actor,
        "admin",
        lambda: git_services.git_target_save(
            spec=spec, actor=actor, repository=str(remote), branch="main", commit_on_merge=True
        ),
    )
    assert not GitTarget.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize("persona", ["viewer", "outsider"])
def test_exports_and_imports_need_an_editor(request, spec, target, remote, persona):
    actor = request.getfixturevalue(persona)
    failed = Export.objects.create(
        spec=spec, revision=spec.head, trigger=Export.Trigger.MANUAL, status=Export.Status.FAILED
    )
    _refused(actor, "editor", lambda: git_services.export_now(spec=spec, actor=actor))
    _refused(actor, "editor", lambda: git_services.export_retry(export=failed, actor=actor))
    _refused(actor, "editor", lambda: git_services.spec_import_from_git(spec=spec, actor=actor))
    assert list(Export.objects.all()) == [failed]
    assert not ChangeRequest.objects.exists()
    assert git_helpers.commit_count(remote) == 1


def test_git_target_save_checks_the_branch_itself(spec, owner, remote):
    """The service, not only the form, refuses a branch git does not have, on its field."""
    with pytest.raises(ServiceError, match='The branch "release" does not exist') as refused:
        git_services.git_target_save(
            spec=spec, actor=owner, repository=str(remote), branch="release", commit_on_merge=True
        )
    assert list(refused.value.errors) == ["branch"]
    with pytest.raises(ServiceError) as refused:
        git_services.git_target_save(
            spec=spec,
            actor=owner,
            repository=str(remote / "nope"),
            branch="-x",
            commit_on_merge=True,
        )
    assert refused.value.errors == {
        "repository": f"No directory {remote / 'nope'}: create the repository first.",
        "branch": '"-x" is not a valid branch name.',
    }
    assert not GitTarget.objects.exists()


def test_the_git_target_page_shows_the_services_error_on_its_field(client_for, owner, spec, remote):
    url = reverse("specs_app:git_target", args=["acme", "todo"])
    response = client_for(owner).post(url, {"repository": str(remote), "branch": "release"})
    assert response.status_code == 400
    field_error = re.search(
        r'id="id_branch_error"[^>]*>(.*?)</div>', response.content.decode(), re.S
    )
    assert field_error and "The branch &quot;release&quot; does not exist" in field_error.group(1)
    assert not GitTarget.objects.exists()


# Change requests and content edits: an outsider is 404 there too, as on every page.


def test_change_request_services_are_404_for_outsiders(spec, editor, outsider):
    cr = open_request(ready_spec(spec), editor)
    row = Endpoint.objects.filter(revision=cr.working).first()
    with pytest.raises(Http404):
        open_request(spec, outsider)
    with pytest.raises(Http404):
        review_services.change_request_update(
            change_request=cr, actor=outsider, row=row, expected_version=row.version, name="X"
        )
    with pytest.raises(Http404):
        threads.change_request_comment(change_request=cr, author=outsider, body="hi")
    assert Endpoint.objects.get(pk=row.pk).name == row.name
    assert ChangeRequest.objects.count() == 1 and not cr.comments.exists()


def test_content_edits_need_an_editor(spec, editor, viewer):
    cr = open_request(ready_spec(spec), editor)
    row = Endpoint.objects.filter(revision=cr.working).first()
    with pytest.raises(PermissionDenied, match=TOO_LOW.format("editor")):
        review_services.change_request_update(
            change_request=cr, actor=viewer, row=row, expected_version=row.version, name="X"
        )
    with pytest.raises(PermissionDenied, match=TOO_LOW.format("editor")):
        review_services.change_request_delete(
            change_request=cr, actor=viewer, row=row, expected_version=row.version
        )
    assert Endpoint.objects.get(pk=row.pk).name == row.name
