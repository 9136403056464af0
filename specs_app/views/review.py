import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from specs_app.access import get_change_request_for_user, get_spec_for_user
from specs_app.forms.review import (
    ApplySuggestionForm,
    BackForm,
    ChangeRequestForm,
    CommentEditForm,
    CommentForm,
    ReplyForm,
    ReviewForm,
)
from specs_app.models import Comment, Membership, Review, Role
from specs_app.services.errors import ServiceError
from specs_app.services.git import export_of_merge
from specs_app.services.notifications import mentions_for, notifications_mark_seen
from specs_app.services.render import markdown_to_safe_html
from specs_app.services.review import (
    change_request_close,
    change_request_merge,
    change_request_open,
    change_request_preview_merge,
    change_request_remove_review_request,
    change_request_reopen,
    change_request_request_review,
    change_request_review,
    change_request_reviewers,
    change_request_state,
    change_request_submit,
    change_request_update_from_head,
    merge_status,
    review_candidates,
    review_dismiss,
)
from specs_app.services.selectors import (
    change_request_changes,
    change_request_checks,
    change_request_destructive_uids,
    change_request_threads,
    change_request_timeline,
)
from specs_app.services.stakes import change_request_acknowledge_stakes, change_request_stake_rows
from specs_app.services.threads import (
    change_request_comment,
    comment_apply_suggestion,
    comment_delete,
    comment_edit,
    comment_reply,
    comment_resolve,
)
from specs_app.services.viewed import item_mark_viewed
from specs_app.views.confirm import Confirmation, confirmation_page, confirmed
from specs_app.views.exports import export_outcome
from specs_app.views.impact import (
    DEFAULT_DIALECT,
    UnknownDialect,
    bad_dialect,
    impact_tab_context,
    wanted_dialect,
)


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
    dialect = DEFAULT_DIALECT
    if tab == "impact":
        try:
            dialect = wanted_dialect(request)
        except UnknownDialect as exc:
            return bad_dialect(request, exc)
    status = merge_status(cr)
    reviewers = change_request_reviewers(cr)
    can_edit = membership.role_enum.at_least(Role.EDITOR)
    context = {
        "workspace": cr.spec.workspace,
        "spec": cr.spec,
        "membership": membership,
        "cr": cr,
        "tab": tab,
        "status": status,
        "cr_state": change_request_state(cr, status),
        "reviewers": reviewers,
        "candidates": (
            review_candidates(cr, reviewers.listed_ids) if can_edit and cr.is_open else []
        ),
        "can_edit": can_edit,
        "can_admin": membership.role_enum.at_least(Role.ADMIN),
        "can_review": membership.role_enum.at_least(Role.REVIEWER)
        and cr.author_id != request.user.pk,
        "can_suggest": membership.role_enum.at_least(Role.REVIEWER),
        "comment_form": CommentForm(),
        "review_form": ReviewForm(),
    }
    context.update(_tab_context(tab, cr, request, dialect, can_edit))
    return render(request, "specs_app/review/detail.html", context)


def _tab_context(
    tab: str, cr, request: HttpRequest, dialect: str = DEFAULT_DIALECT, can_edit: bool = False
) -> dict:
    if tab == "changes":
        changes = change_request_changes(cr, viewer=request.user)
        split = request.GET.get("diff") == "split"
        # The models whose change drops a table, column or foreign key get a mark that leads to
        # the Impact tab.
        destructive = change_request_destructive_uids(cr)
        groups = [
            {**group, "destructive": str(group["uid"]) in destructive}
            for group in changes["groups"]
        ]
        return {**changes, "groups": groups, "split": split, "threads": change_request_threads(cr)}
    if tab == "impact":
        return impact_tab_context(cr, dialect, can_edit)
    if tab == "checks":
        return change_request_checks(cr)
    mentions = mentions_for(change_request=cr, texts=[cr.description])
    description = markdown_to_safe_html(cr.description, mentions) if cr.description else ""
    threads = change_request_threads(cr)
    return {
        "timeline": change_request_timeline(cr, threads),
        "description_html": description,
        "threads": threads,
    }


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
    """A comment in the Conversation tab, or a new thread on an item or a field in the Changes
    tab: back to where it was posted from, or, with htmx, the item's or field's threads."""
    cr, membership = get_change_request_for_user(request.user, ws, spec, number, Role.EDITOR)
    form = CommentForm(request.POST)
    comment, error = None, None
    if not form.is_valid():
        error = "A comment needs some text." if "body" in form.errors else _first_error(form)
    else:
        try:
            comment = change_request_comment(
                change_request=cr, author=request.user, **form.cleaned_data
            )
        except ServiceError as exc:
            error = str(exc)
    data, back = form.cleaned_data, _back(request)
    if request.htmx and data.get("anchor_uid"):
        return _new_thread_answer(request, cr, membership, data, error)
    if error:
        messages.error(request, error)
    elif not request.htmx:
        messages.success(request, "Comment added.")
    url = _back_url(cr, back, comment.pk if comment else None, data.get("anchor_uid"))
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _first_error(form) -> str:
    return next(iter(e for errors in form.errors.values() for e in errors), "Check the form.")


def _back(request: HttpRequest) -> str:
    form = BackForm(request.POST)
    return (form.cleaned_data["back"] if form.is_valid() else "") or "conversation"


def _back_url(cr, back: str, thread_pk: int | None = None, item_uid=None) -> str:
    """Where a thread form's answer goes without JavaScript: the tab it was posted from, at the
    thread (or at the item's threads when no thread was made)."""
    if back == "changes":
        if thread_pk:
            return f"{_cr_url(cr)}?tab=changes#thread-{thread_pk}"
        return f"{_cr_url(cr)}?tab=changes" + (f"#item-threads-{item_uid}" if item_uid else "")
    if thread_pk:
        return f"{_cr_url(cr)}?tab=conversation#comment-{thread_pk}"
    return _cr_url(cr)


def _thread_context(cr, membership, place: str) -> dict:
    can_edit = membership.role_enum.at_least(Role.EDITOR)
    return {
        "workspace": cr.spec.workspace,
        "spec": cr.spec,
        "cr": cr,
        "membership": membership,
        "can_edit": can_edit,
        "can_suggest": membership.role_enum.at_least(Role.REVIEWER),
        "comment_on": can_edit,
        "threads": change_request_threads(cr),
        "place": place,
    }


def _new_thread_answer(request, cr, membership, data: dict, error: str | None) -> HttpResponse:
    """With htmx: the item's (or the field's) threads with the new one and a fresh form, or the
    form again with the error and what was typed (400)."""
    item_uid, row_uid, field = data.get("anchor_uid"), data.get("row_uid"), data.get("field")
    context = _thread_context(cr, membership, "changes")
    group = next((g for g in change_request_changes(cr)["groups"] if g["uid"] == item_uid), None)
    change = field_change = None
    if group is not None and field:
        row = row_uid or item_uid
        change = next((c for c in group["changes"] if c.uid == row), None)
        fields = change.fields if change is not None else []
        field_change = next((f for f in fields if f.name == field), None)
    if group is None or (field and field_change is None):  # not in the diff: reload the tab
        if error:
            messages.error(request, error)
        return HttpResponseClientRedirect(_back_url(cr, "changes", None, item_uid))
    context.update(group=group, change=change, field_change=field_change, slot_error=error)
    if error:
        context.update(typed_body=request.POST.get("body", ""))
        context.update(typed_suggestion=request.POST.get("suggestion"))
    template = "_field_threads.html" if field else "_item_threads.html"
    status = 400 if error else 200
    return render(request, f"specs_app/review/{template}", context, status=status)


def _thread_answer(
    request, cr, membership, root_pk: int, *, error=None, note=None, extra=None
) -> HttpResponse:
    """After an action on a thread: without JavaScript, back to the tab it was posted from at
    the thread; with htmx, the thread itself (400 with the error in place)."""
    back = _back(request)
    if request.htmx:
        context = _thread_context(cr, membership, back)
        thread = context["threads"].by_id.get(root_pk)
        if thread is None:  # the thread is gone (its only comment deleted)
            return HttpResponse("")
        context.update(comment=thread.root, thread_error=error, **(extra or {}))
        status = 400 if error else 200
        return render(request, "specs_app/review/_thread.html", context, status=status)
    if error:
        messages.error(request, error)
    elif note:
        messages.success(request, note)
    exists = Comment.objects.filter(pk=root_pk, change_request=cr).exists()
    return redirect(_back_url(cr, back, root_pk if exists else None))


def _comment_post(request, ws, spec, number, comment_id, form_class, invalid: str, service):
    """Post a form about one comment (a reply, an edit): the thread again, in place or by a
    redirect, with the refusal (`invalid` for a form that does not validate) if any."""
    cr, membership = get_change_request_for_user(request.user, ws, spec, number, Role.EDITOR)
    comment = _comment_of(cr, comment_id)
    form = form_class(request.POST)
    error = None
    if not form.is_valid():
        error = invalid
    else:
        try:
            service(comment=comment, body=form.cleaned_data["body"])
        except ServiceError as exc:
            error = str(exc)
    return cr, membership, comment, error


@login_required
@require_POST
def comment_reply_view(request, ws, spec, number, comment_id):
    def reply(comment, body):
        comment_reply(comment=comment, author=request.user, body=body)

    invalid = "A reply needs some text (at most 10,000 characters)."
    cr, membership, comment, error = _comment_post(
        request, ws, spec, number, comment_id, ReplyForm, invalid, reply
    )
    extra = {"reply_body": request.POST.get("body", ""), "reply_open": True} if error else {}
    root = comment.parent_id or comment.pk
    return _thread_answer(
        request, cr, membership, root, error=error, note="Reply added.", extra=extra
    )


@login_required
@require_POST
def comment_resolve_view(request, ws, spec, number, comment_id):
    cr, membership = get_change_request_for_user(request.user, ws, spec, number, Role.EDITOR)
    comment = _comment_of(cr, comment_id)
    error = None
    try:
        comment_resolve(
            comment=comment, actor=request.user, resolved=request.POST.get("resolved") != "0"
        )
    except ServiceError as exc:
        error = str(exc)
    return _thread_answer(request, cr, membership, comment.parent_id or comment.pk, error=error)


@login_required
@require_POST
def comment_apply_view(request, ws, spec, number, comment_id):
    """Apply a suggestion: an edit of the draft, so the whole page changes (with htmx too)."""
    cr, _ = get_change_request_for_user(request.user, ws, spec, number, Role.EDITOR)
    comment = _comment_of(cr, comment_id)
    form = ApplySuggestionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        comment_apply_suggestion(comment=comment, actor=request.user, expected_version=version)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Suggestion applied.")
    url = _back_url(cr, _back(request), comment.parent_id or comment.pk)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _comment_of(cr, comment_id: int) -> Comment:
    comment = get_object_or_404(Comment, pk=comment_id, change_request=cr)
    comment.change_request = cr
    return comment


@login_required
@require_POST
def comment_edit_view(request, ws, spec, number, comment_id):
    def edit(comment, body):
        comment_edit(comment=comment, actor=request.user, body=body)

    invalid = "A comment needs some text, at most 10,000 characters; to remove it, delete it."
    cr, membership, comment, error = _comment_post(
        request, ws, spec, number, comment_id, CommentEditForm, invalid, edit
    )
    root = comment.parent_id or comment.pk
    return _thread_answer(request, cr, membership, root, error=error, note="Comment updated.")


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

    try:
        comment_delete(comment=comment, actor=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Comment deleted.")
    root = comment.parent_id or comment.pk
    exists = Comment.objects.filter(pk=root, change_request=cr).exists()
    return redirect(_back_url(cr, _back(request), root if exists else None))


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


# Review requests and dismissals.


def _members_named(cr, ids) -> list:
    """The workspace's members among the user ids posted: whoever else is named is refused."""
    try:
        wanted = {int(i) for i in ids}
    except ValueError:
        raise ServiceError("Pick reviewers among the members of this workspace.") from None
    members = Membership.objects.filter(workspace_id=cr.spec.workspace_id, user_id__in=wanted)
    users = [m.user for m in members.select_related("user").order_by("user__username")]
    if len(users) != len(wanted):
        raise ServiceError("Pick reviewers among the members of this workspace.")
    return users


@login_required
@require_POST
def change_request_request_review_view(request, ws, spec, number):
    def ask(cr):
        users = _members_named(cr, request.POST.getlist("reviewers"))
        change_request_request_review(change_request=cr, actor=request.user, reviewers=users)
        names = ", ".join(u.username for u in users)
        return f"Review requested from {names}."

    return _act(request, ws, spec, number, ask)


@login_required
@require_POST
def change_request_remove_review_request_view(request, ws, spec, number):
    def remove(cr):
        users = _members_named(cr, request.POST.getlist("reviewer")[:1] or ["x"])
        change_request_remove_review_request(
            change_request=cr, actor=request.user, reviewer=users[0]
        )
        return f"{users[0].username} is no longer asked to review."

    return _act(request, ws, spec, number, remove)


@login_required
@require_http_methods(["GET", "POST"])
def review_dismiss_view(request, ws, spec, number, review_id):
    cr, _ = get_change_request_for_user(request.user, ws, spec, number, Role.ADMIN)
    review = get_object_or_404(
        Review.objects.select_related("reviewer"), pk=review_id, change_request=cr
    )
    review.change_request = cr
    reason = request.POST.get("reason", "").strip()
    if not confirmed(request) or not reason:
        context = {
            "workspace": cr.spec.workspace,
            "spec": cr.spec,
            "cr": cr,
            "review": review,
            "reason": reason,
            "missing_reason": request.method == "POST" and confirmed(request),
            "cancel_url": _cr_url(cr),
        }
        status = 400 if context["missing_reason"] else 200
        return render(request, "specs_app/review/dismiss.html", context, status=status)

    def dismiss(cr):
        review_dismiss(review=review, actor=request.user, reason=reason[:2000])
        return f"{review.reviewer.username}'s review dismissed."

    return _act(request, ws, spec, number, dismiss, Role.ADMIN)


@login_required
@require_http_methods(["GET", "POST"])
def change_request_acknowledge_stakes_view(request, ws, spec, number):
    """An admin acknowledges what is at stake without approving: a page that lists it and asks
    first, then the acknowledgement of exactly the stakes that page listed."""
    cr, _ = get_change_request_for_user(request.user, ws, spec, number, Role.ADMIN)
    if not confirmed(request):
        rows = change_request_stake_rows(cr) if cr.is_open else []
        context = {
            "workspace": cr.spec.workspace,
            "spec": cr.spec,
            "cr": cr,
            "waiting": [row for row in rows if not row.approved],
            "own": cr.author_id == request.user.pk,
            "cancel_url": _cr_url(cr),
        }
        return render(request, "specs_app/review/acknowledge.html", context)

    def acknowledge(cr):
        fingerprints = request.POST.getlist("fingerprint")[:500]
        stakes = change_request_acknowledge_stakes(
            change_request=cr, actor=request.user, fingerprints=fingerprints
        )
        return f"Acknowledged {len(stakes)} finding{'s' if len(stakes) != 1 else ''} at stake."

    return _act(request, ws, spec, number, acknowledge, Role.ADMIN)


# "Viewed" ticks on the Changes tab.


@login_required
@require_POST
def change_request_item_viewed(request, ws, spec, number):
    """Tick or untick one changed item as viewed: back to its card, or (htmx) the card again
    with the index entry and the count swapped out of band."""
    cr, membership = get_change_request_for_user(request.user, ws, spec, number)
    uid = request.POST.get("item", "")
    changes_url = f"{_cr_url(cr)}?tab=changes"
    try:
        item_mark_viewed(
            change_request=cr,
            user=request.user,
            item_uid=uid,
            viewed=request.POST.get("viewed") != "0",
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
        if request.htmx:
            return HttpResponseClientRedirect(changes_url)
        return redirect(changes_url)
    uid = str(uuid.UUID(uid))  # the service has read it
    if not request.htmx:
        return redirect(f"{changes_url}#item-{uid}")
    context = _tab_context("changes", cr, request)
    group = next((g for g in context["groups"] if str(g["uid"]) == uid), None)
    if group is None:  # the draft changed meanwhile
        return HttpResponseClientRedirect(changes_url)
    context.update(
        workspace=cr.spec.workspace,
        spec=cr.spec,
        cr=cr,
        membership=membership,
        group=group,
        comment_on=membership.role_enum.at_least(Role.EDITOR),
        viewed_on=True,
    )
    return render(request, "specs_app/review/_diff_viewed.html", context)
