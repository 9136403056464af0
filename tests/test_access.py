import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from specs_app.access import (
    get_endpoint_for_user,
    get_membership_for_user,
    get_revision_for_user,
    get_spec_for_user,
    workspaces_for_user,
)
from specs_app.models import Endpoint, Role
from specs_app.services.revisions import revision_fork

pytestmark = pytest.mark.django_db


def test_outsider_gets_404_for_workspace_and_spec(spec, outsider):
    with pytest.raises(Http404):
        get_membership_for_user(outsider, "acme")
    with pytest.raises(Http404):
        get_spec_for_user(outsider, "acme", "todo")


def test_too_low_role_gets_permission_denied(spec, viewer, editor, reviewer, owner):
    with pytest.raises(PermissionDenied):
        get_membership_for_user(viewer, "acme", Role.EDITOR)
    with pytest.raises(PermissionDenied):
        get_membership_for_user(editor, "acme", Role.REVIEWER)
    with pytest.raises(PermissionDenied):
        get_membership_for_user(reviewer, "acme", Role.ADMIN)
    assert get_membership_for_user(owner, "acme", Role.ADMIN).role == Role.ADMIN


def test_workspaces_for_user_lists_only_memberships(spec, viewer, outsider):
    assert [w.slug for w in workspaces_for_user(viewer)] == ["acme"]
    assert [w.slug for w in workspaces_for_user(outsider)] == ["elsewhere"]


def test_unknown_spec_is_404_even_for_members(spec, viewer):
    with pytest.raises(Http404):
        get_spec_for_user(viewer, "acme", "nope")


def test_drafts_and_missing_revisions_are_not_browsable(spec, viewer):
    draft = revision_fork(source=spec.head)
    found, _ = get_spec_for_user(viewer, "acme", "todo")
    assert get_revision_for_user(found, None) == spec.head
    assert get_revision_for_user(found, "r1") == spec.head
    for wanted in ("2", "abc", str(draft.pk)):
        with pytest.raises(Http404):
            get_revision_for_user(found, wanted)


def test_content_lookup_is_scoped_to_the_revision(spec, viewer):
    draft = revision_fork(source=spec.head)
    endpoint = Endpoint.objects.filter(revision=spec.head).first()
    assert get_endpoint_for_user(spec.head, endpoint.uid).pk == endpoint.pk
    in_draft = Endpoint.objects.get(revision=draft, uid=endpoint.uid)
    assert get_endpoint_for_user(draft, endpoint.uid).pk == in_draft.pk
    with pytest.raises(Http404):
        get_endpoint_for_user(spec.head, "not-a-uuid")
