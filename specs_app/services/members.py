"""Workspace membership: add, change role, remove. A workspace always keeps an admin."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from specs_app.models import Membership, Role, Workspace
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


def membership_add(*, workspace: Workspace, identifier: str, role: Role) -> Membership:
    user = _find_user(identifier.strip())
    with transaction.atomic():
        Workspace.objects.select_for_update().get(pk=workspace.pk)
        if Membership.objects.filter(workspace=workspace, user=user).exists():
            raise ServiceError(f"{user.username} is already a member of {workspace.name}.")
        return Membership.objects.create(workspace=workspace, user=user, role=role)


def _admins_left_without(membership: Membership) -> int:
    return (
        Membership.objects.filter(workspace_id=membership.workspace_id, role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .count()
    )


def membership_change_role(*, membership: Membership, role: Role) -> Membership:
    with transaction.atomic():
        Workspace.objects.select_for_update().get(pk=membership.workspace_id)
        current = Membership.objects.select_for_update().get(pk=membership.pk)
        if current.role == Role.ADMIN and role != Role.ADMIN and not _admins_left_without(current):
            raise ServiceError("The last admin cannot be demoted: make someone else admin first.")
        current.role = role
        current.save(update_fields=["role"])
    return current


def membership_remove(*, membership: Membership) -> None:
    with transaction.atomic():
        Workspace.objects.select_for_update().get(pk=membership.workspace_id)
        current = Membership.objects.select_for_update().get(pk=membership.pk)
        if current.role == Role.ADMIN and not _admins_left_without(current):
            raise ServiceError("The last admin cannot be removed: make someone else admin first.")
        current.delete()
