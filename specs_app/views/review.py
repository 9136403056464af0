from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from specs_app.access import get_change_request_for_user, get_spec_for_user
from specs_app.forms.review import ChangeRequestForm, CommentEditForm, CommentForm, ReviewForm
from specs_app.models import AuditEvent, Comment, DataModel, Endpoint, Role
from specs_app.services import review as services
from specs_app.services.cache import remembered
from specs_app.services.diff import group_by_item, label_groups, markdown_diff, revision_diff
from specs_app.services.errors import ServiceError
from specs_app.services.git import export_of_merge
from specs_app.services.render import markdown_to_safe_html
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
        cr = services.change_request_open(spec=spec_obj, author=request.user, **form.cleaned_data)
        return redirect(_cr_url(cr))
    context = {"workspace": spec_obj.workspace, "spec": spec_obj, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "specs_app/review/new.html", context, status=status)


@login_required
@require_GET
def change_request_detail(request: HttpRequest, ws: str, spec: str, number: int) -> HttpResponse:
    cr, membership = get_change_request_for_user(request.user, ws, spec, number)
    tab = request.GET.get("tab", "conversation")
    context = {
        "workspace": cr.spec.workspace,
        "spec": cr.spec,
        "membership": membership,
        "cr": cr,
        "tab": tab,
        "status": services.merge_status(cr),
        "reviews": services.latest_reviews(cr),
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
        parts = ("changes", cr.base_id, cr.working_id, cr.content_version)
        changes = remembered(parts, lambda: _changes(cr))
        deleted = services.change_request_deleted_items(cr) if cr.is_open else []
        return {**changes, "split": request.GET.get("diff") == "split", "deleted_items": deleted}
    if tab == "checks":
        return _checks_context(cr)
    return {"timeline": _timeline(cr)}


def _changes(cr) -> dict:
    """The Changes tab: the diff by item and the markdown diff, against the request's base."""
    base = cr.base
    groups = group_by_item(revision_diff(old=base, new=cr.working)) if base else []
    label_groups(groups, revision=cr.working)
    files = markdown_diff(old=base, new=cr.working) if base else []
    return {"groups": groups, "files": files}


def _checks_context(cr) -> dict:
    from specs_app.services.lint import lint_draft, lint_revision, lint_settings_load

    settings = lint_settings_load(spec_id=cr.spec_id)
    findings = lint_draft(cr.working, cr.content_version, settings)
    before = {_finding_key(f) for f in lint_revision(cr.base, settings)} if cr.base else set()
    after = {_finding_key(f) for f in findings}
    return {
        "findings": findings,
        "new_findings": len(after - before),
        "fixed_findings": len(before - after),
    }


def _finding_key(finding) -> tuple:
    return (finding.rule, str(finding.item_uid), finding.message)


def _timeline(cr) -> list[dict]:
    comments = {c.pk: c for c in cr.comments.select_related("author", "resolved_by")}
    reviews = {r.pk: r for r in cr.reviews.all()}
    anchors = _anchor_names(cr, comments.values())
    events = AuditEvent.objects.filter(spec=cr.spec, target=f"#{cr.number}").select_related("actor")
    timeline = []
    for event in events.order_by("created_at", "id"):
        entry = {"event": event}
        if event.verb == "comment.added":
            comment = comments.get(event.details.get("comment"))
            entry["comment"] = comment
            entry["comment_deleted"] = comment is None
            entry["html"] = markdown_to_safe_html(comment.body) if comment else ""
            entry["anchor"] = anchors.get(comment.anchor_uid) if comment else None
        elif event.verb.startswith("review."):
            entry["review"] = reviews.get(event.details.get("review"))
        timeline.append(entry)
    return timeline


def _anchor_names(cr, comments) -> dict:
    """The names of the endpoints and models comments are anchored to, in the draft."""
    uids = {c.anchor_uid for c in comments if c.anchor_uid}
    if not uids:
        return {}
    names = {}
    for model in (Endpoint, DataModel):
        rows = model.objects.filter(revision=cr.working, uid__in=uids).values_list("uid", "name")
        names.update(rows)
    return names


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
def change_request_review(request, ws, spec, number):
    form = ReviewForm(request.POST)

    def review(cr):
        if not form.is_valid():
            raise ServiceError("Pick Approve or Request changes.")
        services.change_request_review(
            change_request=cr, reviewer=request.user, **form.cleaned_data
        )
        return "Review recorded."

    return _act(request, ws, spec, number, review, Role.REVIEWER)


@login_required
@require_POST
def change_request_comment(request, ws, spec, number):
    form = CommentForm(request.POST)

    def comment(cr):
        if not form.is_valid():
            raise ServiceError("A comment needs some text.")
        services.change_request_comment(change_request=cr, author=request.user, **form.cleaned_data)
        return "Comment added."

    return _act(request, ws, spec, number, comment)


@login_required
@require_POST
def comment_resolve(request, ws, spec, number, comment_id):
    def resolve(cr):
        comment = get_object_or_404(Comment, pk=comment_id, change_request=cr)
        comment.change_request = cr
        services.comment_resolve(
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
def comment_edit(request, ws, spec, number, comment_id):
    form = CommentEditForm(request.POST)

    def edit(cr):
        comment = _comment_of(cr, comment_id)
        if not form.is_valid():
            raise ServiceError(
                "A comment needs some text, at most 10,000 characters; to remove it, delete it."
            )
        services.comment_edit(comment=comment, actor=request.user, body=form.cleaned_data["body"])
        return "Comment updated."

    return _act(request, ws, spec, number, edit)


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request, ws, spec, number, comment_id):
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
        services.comment_delete(comment=comment, actor=request.user)
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


change_request_submit = _transition(services.change_request_submit, "Submitted for review.")
change_request_close = _transition(services.change_request_close, "Closed.")
change_request_reopen = _transition(services.change_request_reopen, "Reopened.")


@login_required
@require_POST
def change_request_merge(request, ws, spec, number):
    def merge(cr):
        revision = services.change_request_merge(change_request=cr, actor=request.user)
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
            result = services.change_request_update_from_head(
                change_request=cr, actor=request.user, resolutions=resolutions
            )
        except ServiceError as exc:
            messages.error(request, str(exc))
            return redirect(_cr_url(cr))
        if result.clean:
            messages.success(request, "Updated from main.")
            return redirect(_cr_url(cr))
        messages.error(request, "Choose a side for every conflict.")
    preview = services.change_request_preview_merge(change_request=cr)
    context = {
        "workspace": cr.spec.workspace,
        "spec": cr.spec,
        "cr": cr,
        "conflicts": preview.conflicts,
        "up_to_date": cr.base_id == cr.spec.head_id,
    }
    return render(request, "specs_app/review/update.html", context)
