"""Workspace membership: add, change role, remove. Only admins do it; a workspace always keeps
an admin."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from specs_app.access import require_role
from specs_app.models import AuditEvent, ChangeRequest, Membership, Role, Workspace
from specs_app.services.audit import audit_record
from specs_app.services.errors import ServiceError


def _find_user(identifier: str):
    User = get_user_model()
    users = list(
        User.objects.filter(
            Q(username__iexact=identifier) | Q(email__iexact=identifier), is_active=True
        )[:2]
    )
    if len(users) != 1:
        raise ServiceError(f'No single active user has the username or email "{identifier}".')
    return users[0]


def _audit(membership: Membership, actor, verb: str, **details) -> None:
    audit_record(
        workspace=membership.workspace,
        actor=actor,
        verb=verb,
        target=membership.user.username,
        **details,
    )


def membership_add(*, workspace: Workspace, identifier: str, role: Role, actor) -> Membership:
    require_role(actor, workspace, Role.ADMIN)
    user = _find_user(identifier.strip())
    with transaction.atomic():
        Workspace.objects.select_for_update().get(pk=workspace.pk)
        if Membership.objects.filter(workspace=workspace, user=user).exists():
            raise ServiceError(f"{user.username} is already a member of {workspace.name}.")
        membership = Membership.objects.create(workspace=workspace, user=user, role=role)
        _audit(membership, actor, "member.added", role=role)
        return membership


def _admins_left_without(membership: Membership) -> int:
    return (
        Membership.objects.filter(workspace_id=membership.workspace_id, role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .count()
    )


def membership_change_role(*, membership: Membership, role: Role, actor) -> Membership:
    require_role(actor, membership.workspace_id, Role.ADMIN)
    with transaction.atomic():
        Workspace.objects.select_for_update().get(pk=membership.workspace_id)
        current = Membership.objects.select_for_update().get(pk=membership.pk)
        if current.role == Role.ADMIN and role != Role.ADMIN and not _admins_left_without(current):
            raise ServiceError("The last admin cannot be demoted: make someone else admin first.")
        previous, current.role = current.role, role
        current.save(update_fields=["role"])
        _audit(current, actor, "member.role_changed", role=role, previous=previous)
    return current


def membership_remove(*, membership: Membership, actor) -> None:
    require_role(actor, membership.workspace_id, Role.ADMIN)
    with transaction.atomic():
        Workspace.objects.select_for_update().get(pk=membership.workspace_id)
        current = Membership.objects.select_for_update().get(pk=membership.pk)
        if current.role == Role.ADMIN and not _admins_left_without(current):
            raise ServiceError("The last admin cannot be removed: make someone else admin first.")
        _audit(current, actor, "member.removed", role=current.role)
        current.delete()


@dataclass
class MemberProfile:
    membership: Membership
    change_requests: list
    events: list


def member_profile(*, workspace: Workspace, username: str) -> MemberProfile | None:
    """A member's page (where an @mention leads): their role, their latest change requests and
    what they did lately in the workspace. None when no member has that username."""
    membership = (
        Membership.objects.select_related("user")
        .filter(workspace=workspace, user__username=username)
        .first()
    )
    if membership is None:
        return None
    change_requests = (
        ChangeRequest.objects.filter(spec__workspace=workspace, author=membership.user)
        .select_related("spec")
        .order_by("-created_at", "-id")[:20]
    )
    events = (
        AuditEvent.objects.filter(workspace=workspace, actor=membership.user)
        .select_related("spec")
        .order_by("-created_at", "-id")[:20]
    )
    return MemberProfile(membership, list(change_requests), list(events))
