from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from specs_app.access import get_change_request_for_user, get_spec_for_user
from specs_app.forms.review import ChangeRequestForm, CommentEditForm, CommentForm, ReviewForm
from specs_app.models import Comment, Role
from specs_app.services.errors import ServiceError
from specs_app.services.git import export_of_merge
from specs_app.services.notifications import notifications_mark_seen
from specs_app.services.review import (
    change_request_close,
    change_request_comment,
    change_request_merge,
    change_request_open,
    change_request_preview_merge,
    change_request_reopen,
    change_request_review,
    change_request_submit,
    change_request_update_from_head,
    comment_delete,
    comment_edit,
    comment_resolve,
    latest_reviews,
    merge_status,
)
from specs_app.services.selectors import (
    change_request_changes,
    change_request_checks,
    change_request_timeline,
)
from specs_app.views.confirm import Confirmation, confirmation_page, confirmed
from specs_app.views.exports import export_outcome


def _cr_url(cr) -> str:
    spec = cr.spec
    return reverse("specs_app:change_request", args=[spec.workspace.slug, spec.slug, cr.number])


@login_required
@require_http_methods(["GET", "POST"])
def change_request_new(request: HttpRequest, ws: str, spec: str) -> HttpResponse:
    spec_obj, membership = get_spec_for_user(request.user, ws, spec, Role.EDITOR)
    form = ChangeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cr = change_request_open(spec=spec_obj, author=request.user, **form.cleaned_data)
        return redirect(_cr_url(cr))
    context = {"workspace": spec_obj.workspace, "spec": spec_obj, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "specs_app/review/new.html", context, status=status)


@login_required
@require_GET
def change_request_detail(request: HttpRequest, ws: str, spec: str, number: int) -> HttpResponse:
    cr, membership = get_change_request_for_user(request.user, ws, spec, number)
    notifications_mark_seen(user=request.user, change_request=cr)  # seen: read (one UPDATE)
    tab = request.GET.get("tab", "conversation")
    context = {
        "workspace": cr.spec.workspace,
        "spec": cr.spec,
        "membership": membership,
        "cr": cr,
        "tab": tab,
        "status": merge_status(cr),
        "reviews": latest_reviews(cr),
        "can_edit": membership.role_enum.at_least(Role.EDITOR),
        "can_review": membership.role_enum.at_least(Role.REVIEWER)
        and cr.author_id != request.user.pk,
        "comment_form": CommentForm(),
        "review_form": ReviewForm(),
    }
    context.update(_tab_context(tab, cr, request))
    return render(request, "specs_app/review/detail.html", context)


def _tab_context(tab: str, cr, request: HttpRequest) -> dict:
    if tab == "changes":
        return {**change_request_changes(cr), "split": request.GET.get("diff") == "split"}
    if tab == "checks":
        return change_request_checks(cr)
    return {"timeline": change_request_timeline(cr)}


def _act(request: HttpRequest, ws: str, spec: str, number: int, action, role=Role.EDITOR):
    cr, _ = get_change_request_for_user(request.user, ws, spec, number, role)
    try:
        note = action(cr)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        if note:
            messages.success(request, note)
    return redirect(_cr_url(cr))


@login_required
@require_POST
def change_request_review_view(request, ws, spec, number):
    form = ReviewForm(request.POST)

    def review(cr):
        if not form.is_valid():
            raise ServiceError("Pick Approve or Request changes.")
        change_request_review(change_request=cr, reviewer=request.user, **form.cleaned_data)
        return "Review recorded."

    return _act(request, ws, spec, number, review, Role.REVIEWER)


@login_required
@require_POST
def change_request_comment_view(request, ws, spec, number):
    form = CommentForm(request.POST)

    def comment(cr):
        if not form.is_valid():
            raise ServiceError("A comment needs some text.")
        change_request_comment(change_request=cr, author=request.user, **form.cleaned_data)
        return "Comment added."

    return _act(request, ws, spec, number, comment)


@login_required
@require_POST
def comment_resolve_view(request, ws, spec, number, comment_id):
    def resolve(cr):
        comment = _comment_of(cr, comment_id)
        comment_resolve(
            comment=comment, actor=request.user, resolved=request.POST.get("resolved") != "0"
        )
        return None

    return _act(request, ws, spec, number, resolve)


def _comment_of(cr, comment_id: int) -> Comment:
    comment = get_object_or_404(Comment, pk=comment_id, change_request=cr)
    comment.change_request = cr
    return comment


@login_required
@require_POST
def comment_edit_view(request, ws, spec, number, comment_id):
    form = CommentEditForm(request.POST)

    def edit(cr):
        comment = _comment_of(cr, comment_id)
        if not form.is_valid():
            raise ServiceError(
                "A comment needs some text, at most 10,000 characters; to remove it, delete it."
            )
        comment_edit(comment=comment, actor=request.user, body=form.cleaned_data["body"])
        return "Comment updated."

    return _act(request, ws, spec, number, edit)


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete_view(request, ws, spec, number, comment_id):
    cr, _ = get_change_request_for_user(request.user, ws, spec, number, Role.EDITOR)
    comment = _comment_of(cr, comment_id)
    if comment.author_id != request.user.pk:
        raise PermissionDenied("Only the author of a comment can delete it.")
    if not confirmed(request):
        excerpt = comment.body if len(comment.body) <= 80 else comment.body[:79] + "…"
        confirmation = Confirmation(
            "Delete your comment?",
            f"“{excerpt}” will disappear from the conversation of #{cr.number} for everyone. "
            "This cannot be undone.",
            _cr_url(cr),
        )
        return confirmation_page(request, confirmation, workspace=cr.spec.workspace, spec=cr.spec)

    def delete(cr):
        comment_delete(comment=comment, actor=request.user)
        return "Comment deleted."

    return _act(request, ws, spec, number, delete)


def _transition(service, note: str):
    """A POST view that runs one change request transition and reports `note`."""

    @login_required
    @require_POST
    def view(request: HttpRequest, ws: str, spec: str, number: int) -> HttpResponse:
        def run(cr):
            service(change_request=cr, actor=request.user)
            return note

        return _act(request, ws, spec, number, run)

    return view


change_request_submit_view = _transition(change_request_submit, "Submitted for review.")
change_request_close_view = _transition(change_request_close, "Closed.")
change_request_reopen_view = _transition(change_request_reopen, "Reopened.")


@login_required
@require_POST
def change_request_merge_view(request, ws, spec, number):
    def merge(cr):
        revision = change_request_merge(change_request=cr, actor=request.user)
        export = export_of_merge(change_request=cr)
        if export is None:
            return f"Merged as {revision.label}."
        level, outcome = export_outcome(export)  # a failed or drifted export is never hidden
        note = f"Merged as {revision.label}; {outcome}"
        messages.add_message(request, max(level, messages.SUCCESS), note)
        return None

    return _act(request, ws, spec, number, merge)


@login_required
@require_http_methods(["GET", "POST"])
def change_request_update(request, ws, spec, number):
    cr, membership = get_change_request_for_user(request.user, ws, spec, number, Role.EDITOR)
    if request.method == "POST":
        resolutions = {
            key.removeprefix("resolve:"): value
            for key, value in request.POST.items()
            if key.startswith("resolve:")
        }
        try:
            result = change_request_update_from_head(
                change_request=cr, actor=request.user, resolutions=resolutions
            )
        except ServiceError as exc:
            messages.error(request, str(exc))
            return redirect(_cr_url(cr))
        if result.clean:
            messages.success(request, "Updated from main.")
            return redirect(_cr_url(cr))
        messages.error(request, "Choose a side for every conflict.")
    preview = change_request_preview_merge(change_request=cr)
    context = {
        "workspace": cr.spec.workspace,
        "spec": cr.spec,
        "cr": cr,
        "conflicts": preview.conflicts,
        "up_to_date": cr.base_id == cr.spec.head_id,
    }
    return render(request, "specs_app/review/update.html", context)
