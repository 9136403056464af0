from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from specs_app.access import get_spec_for_user
from specs_app.forms.exports import GitTargetForm
from specs_app.models import Export, GitTarget, Role
from specs_app.services import git as git_services
from specs_app.services.errors import FieldErrors, ServiceError

_SHOWN = 50
#: What became of an export, as the end of a sentence ("Merged as r4; exported and ...").
_OUTCOME = {
    Export.Status.SUCCEEDED: (messages.SUCCESS, "exported and committed {sha}."),
    Export.Status.NO_CHANGE: (messages.INFO, "nothing to commit: git already has these files."),
    Export.Status.QUEUED: (messages.INFO, "the export to git is queued: a worker will run it."),
    Export.Status.RUNNING: (messages.INFO, "the export to git is running."),
    Export.Status.DRIFT: (messages.WARNING, "not exported to git: {error}"),
    Export.Status.FAILED: (messages.ERROR, "the export to git failed: {error}"),
}


def export_outcome(export: Export) -> tuple[int, str]:
    """The message level and the end of a sentence saying what became of `export`."""
    level, text = _OUTCOME[export.status]
    return level, text.format(sha=export.commit_sha[:10], error=export.error)


@login_required
@require_GET
def exports_page(request: HttpRequest, ws: str, spec: str) -> HttpResponse:
    spec_obj, membership = get_spec_for_user(request.user, ws, spec)
    git_services.exports_sweep(spec_id=spec_obj.pk)
    exports = list(
        Export.objects.filter(spec=spec_obj).select_related(
            "revision", "requested_by", "change_request"
        )[:_SHOWN]
    )
    context = {
        "workspace": spec_obj.workspace,
        "membership": membership,
        "spec": spec_obj,
        "is_head": True,
        "target": GitTarget.objects.filter(spec=spec_obj).first(),
        "exports": exports,
        "on_exports_page": True,
        "can_export": membership.role_enum.at_least(Role.EDITOR),
        "is_admin": membership.role_enum.at_least(Role.ADMIN),
    }
    return render(request, "specs_app/exports/exports.html", context)


def _report(request: HttpRequest, export: Export) -> None:
    level, text = export_outcome(export)
    messages.add_message(request, level, text[0].upper() + text[1:])


@login_required
@require_POST
def export_now(request: HttpRequest, ws: str, spec: str) -> HttpResponse:
    spec_obj, _ = get_spec_for_user(request.user, ws, spec, Role.EDITOR)
    try:
        _report(request, git_services.export_now(spec=spec_obj, actor=request.user))
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("specs_app:exports", ws=ws, spec=spec)


@login_required
@require_POST
def export_retry(request: HttpRequest, ws: str, spec: str, export_id: int) -> HttpResponse:
    spec_obj, _ = get_spec_for_user(request.user, ws, spec, Role.EDITOR)
    export = get_object_or_404(Export.objects.select_related("spec"), pk=export_id, spec=spec_obj)
    try:
        _report(request, git_services.export_retry(export=export, actor=request.user))
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("specs_app:exports", ws=ws, spec=spec)


@login_required
@require_POST
def export_import(request: HttpRequest, ws: str, spec: str) -> HttpResponse:
    spec_obj, _ = get_spec_for_user(request.user, ws, spec, Role.EDITOR)
    try:
        cr = git_services.spec_import_from_git(spec=spec_obj, actor=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("specs_app:exports", ws=ws, spec=spec)
    messages.success(request, f"Opened #{cr.number} with the files from git: review and merge it.")
    return redirect("specs_app:change_request", ws=ws, spec=spec, number=cr.number)


@login_required
@require_http_methods(["GET", "POST"])
def git_target_settings(request: HttpRequest, ws: str, spec: str) -> HttpResponse:
    spec_obj, membership = get_spec_for_user(request.user, ws, spec, Role.ADMIN)
    instance = GitTarget.objects.filter(spec=spec_obj).first()
    form = GitTargetForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            git_services.git_target_save(spec=spec_obj, actor=request.user, **form.cleaned_data)
        except FieldErrors as exc:
            for field, message in exc.errors.items():
                form.add_error(field, message)
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Git target saved.")
            return redirect("specs_app:exports", ws=ws, spec=spec)
    context = {"workspace": spec_obj.workspace, "membership": membership, "spec": spec_obj}
    context.update(is_head=True, form=form)
    status = 400 if request.method == "POST" else 200
    return render(request, "specs_app/exports/git_target.html", context, status=status)
