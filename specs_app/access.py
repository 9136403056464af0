"""Every lookup of a workspace, spec, revision or content row for a user goes through here.

Someone who is not a member of the workspace gets 404 (the workspace does not exist for them);
a member whose role is too low gets 403.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from specs_app.models import (
    ChangeRequest,
    DataModel,
    Endpoint,
    Membership,
    Revision,
    Role,
    Spec,
    Workspace,
)


def workspaces_for_user(user):
    if not user.is_authenticated:
        return Workspace.objects.none()
    return Workspace.objects.filter(memberships__user=user)


def _role_checked(membership: Membership | None, role: Role) -> Membership:
    if membership is None:
        raise Http404("No such workspace.")
    if not membership.role_enum.at_least(role):
        raise PermissionDenied(f"This needs the {Role(role).label.lower()} role or higher.")
    return membership


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def require_role(user, workspace: Workspace | int, role: Role) -> Membership:
    """The one permission rule, for views and services alike: the user's membership of
    `workspace` (an instance or its id) when its role is `role` or higher.

    Http404 for someone who is not a member, PermissionDenied (with the role needed) for a
    member whose role is too low. Every service that changes something calls it with its actor.
    """
    workspace_id = getattr(workspace, "pk", workspace)
    membership = None
    if _signed_in(user):
        membership = Membership.objects.filter(user=user, workspace_id=workspace_id).first()
    return _role_checked(membership, role)


def get_membership_for_user(user, workspace_slug: str, min_role: Role = Role.VIEWER) -> Membership:
    membership = None
    if _signed_in(user):
        membership = (
            Membership.objects.select_related("workspace")
            .filter(user=user, workspace__slug=workspace_slug)
            .first()
        )
    return _role_checked(membership, min_role)


def get_workspace_for_user(user, workspace_slug: str, min_role: Role = Role.VIEWER) -> Workspace:
    return get_membership_for_user(user, workspace_slug, min_role).workspace


def get_spec_for_user(
    user, workspace_slug: str, spec_slug: str, min_role: Role = Role.VIEWER
) -> tuple[Spec, Membership]:
    membership = get_membership_for_user(user, workspace_slug, min_role)
    spec = get_object_or_404(
        Spec.objects.select_related("head"), workspace=membership.workspace, slug=spec_slug
    )
    spec.workspace = membership.workspace
    return spec, membership


def get_revision_for_user(spec: Spec, number: str | int | None) -> Revision:
    """A published revision of a spec the caller already has access to; the head when None."""
    if number in (None, ""):
        if spec.head is None:
            raise Http404("This spec has no published revision yet.")
        return spec.head
    try:
        wanted = int(str(number).lstrip("r"))
    except ValueError:
        raise Http404(f"No such revision: {str(number)[:20]!r} is not a revision number.") from None
    if spec.head and spec.head.number == wanted:
        return spec.head
    revision = Revision.objects.filter(
        spec=spec, number=wanted, state=Revision.State.PUBLISHED
    ).first()
    if revision is None:
        raise Http404(f"No such revision: {spec.title} has no published revision r{wanted}.")
    return revision


def get_endpoint_for_user(revision: Revision, uid) -> Endpoint:
    return _get_content(Endpoint, revision, uid)


def get_model_for_user(revision: Revision, uid) -> DataModel:
    return _get_content(DataModel, revision, uid)


def _get_content(model, revision: Revision, uid):
    try:
        return model.objects.get(revision=revision, uid=uid)
    except (model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404(f"No such {model._meta.verbose_name} in {revision.label}.") from exc


def get_change_request_for_user(
    user, workspace_slug: str, spec_slug: str, number: int, min_role: Role = Role.VIEWER
):
    """A change request of a spec the user can see; the role check is the membership's."""
    spec, membership = get_spec_for_user(user, workspace_slug, spec_slug, min_role)
    change_request = get_object_or_404(
        ChangeRequest.objects.select_related("author", "base", "working", "merged_by"),
        spec=spec,
        number=number,
    )
    change_request.spec = spec
    return change_request, membership
