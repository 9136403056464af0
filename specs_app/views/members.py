from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from specs_app.access import get_membership_for_user
from specs_app.forms.members import MemberAddForm, MemberRoleForm
from specs_app.models import Membership, Role
from specs_app.services.errors import ServiceError
from specs_app.services.members import (
    member_profile,
    membership_add,
    membership_change_role,
    membership_remove,
)
from specs_app.views.confirm import Confirmation, confirmation_page, confirmed


def _render_members(request: HttpRequest, admin: Membership, form=None, status=200):
    workspace = admin.workspace
    members = workspace.memberships.select_related("user").order_by("user__username")
    context = {
        "workspace": workspace,
        "membership": admin,
        "members": members,
        "roles": Role.choices,
        "form": form or MemberAddForm(),
    }
    return render(request, "specs_app/members/member_list.html", context, status=status)


@login_required
@require_GET
def member_list(request: HttpRequest, ws: str) -> HttpResponse:
    admin = get_membership_for_user(request.user, ws, Role.ADMIN)
    return _render_members(request, admin)


@login_required
@require_POST
def member_add(request: HttpRequest, ws: str) -> HttpResponse:
    admin = get_membership_for_user(request.user, ws, Role.ADMIN)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            added = membership_add(
                workspace=admin.workspace,
                identifier=form.cleaned_data["identifier"],
                role=Role(form.cleaned_data["role"]),
                actor=request.user,
            )
        except ServiceError as exc:
            form.add_error("identifier", str(exc))
        else:
            messages.success(request, f"{added.user.username} added as {added.get_role_display()}.")
            return redirect("specs_app:members", ws=ws)
    return _render_members(request, admin, form=form, status=400)


def _member_of(admin: Membership, membership_id: int) -> Membership:
    return get_object_or_404(Membership, pk=membership_id, workspace=admin.workspace)


@login_required
@require_POST
def member_role(request: HttpRequest, ws: str, membership_id: int) -> HttpResponse:
    admin = get_membership_for_user(request.user, ws, Role.ADMIN)
    target = _member_of(admin, membership_id)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pick one of the roles viewer, editor, reviewer or admin.")
        return redirect("specs_app:members", ws=ws)
    try:
        membership_change_role(
            membership=target, role=Role(form.cleaned_data["role"]), actor=request.user
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{target.user.username} is now {form.cleaned_data['role']}.")
    return redirect("specs_app:members", ws=ws)


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, ws: str, membership_id: int) -> HttpResponse:
    admin = get_membership_for_user(request.user, ws, Role.ADMIN)
    target = _member_of(admin, membership_id)
    if not confirmed(request):
        yourself = target.user_id == request.user.id
        whom, their = ("yourself", "your") if yourself else (target.user.username, "their")
        confirmation = Confirmation(
            f"Remove {whom} from {admin.workspace.name}?",
            f"This takes away {their} access to every spec of {admin.workspace.name} at once; "
            f"{their} change requests, reviews and comments stay. An admin can add "
            f"{'you' if yourself else 'them'} again later.",
            reverse("specs_app:members", args=[ws]),
            button="Remove",
        )
        return confirmation_page(request, confirmation, workspace=admin.workspace)
    try:
        membership_remove(membership=target, actor=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{target.user.username} removed from {admin.workspace.name}.")
    if target.user_id == request.user.id:
        if request.htmx:  # the page changes: a real navigation, not a swap under the old URL
            return HttpResponseClientRedirect(reverse("specs_app:workspace_list"))
        return redirect("specs_app:workspace_list")
    return redirect("specs_app:members", ws=ws)


@login_required
@require_GET
def member_detail(request: HttpRequest, ws: str, username: str) -> HttpResponse:
    """A member's page, for every member: where an @mention of them leads."""
    membership = get_membership_for_user(request.user, ws)
    profile = member_profile(workspace=membership.workspace, username=username)
    if profile is None:
        raise Http404("No such member.")
    context = {"workspace": membership.workspace, "membership": membership, "profile": profile}
    return render(request, "specs_app/members/member_detail.html", context)
