from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from specs_app.access import get_membership_for_user
from specs_app.forms.imports import ImportForm
from specs_app.models import Role
from specs_app.services.diff import group_by_item, label_groups
from specs_app.services.imports import spec_import

#: Report lines shown per list: a pathological file has a warning per line, and a page of a
#: hundred thousand of them took seconds to render and tens of MB to send. The rest are
#: counted; import_spec --dry-run lists them all.
REPORT_LINES_ON_PAGE = 500


@login_required
@require_http_methods(["GET", "POST"])
def spec_import_page(request: HttpRequest, ws: str) -> HttpResponse:
    membership = get_membership_for_user(request.user, ws, Role.EDITOR)
    workspace = membership.workspace
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"workspace": workspace, "membership": membership, "form": form}
    if request.method == "GET" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(request, "specs_app/imports/import.html", context, status=status)

    data = form.cleaned_data
    # A Confirm in a mode other than the one previewed shows that mode's preview first.
    mode = data["mode"] or data["previewed_mode"] or None
    mode_changed = bool(data["previewed_mode"]) and mode != data["previewed_mode"]
    confirmed = "confirm" in request.POST and not mode_changed
    result = spec_import(
        workspace=workspace,
        spec_slug=data["spec_slug"],
        title=data["title"] or None,
        api_text=data["api_text"] or None,
        schema_text=data["schema_text"] or None,
        author=request.user,
        dry_run=not confirmed,
        mode=mode,
    )
    if confirmed and result.ok:
        return _after_import(request, result)
    groups = group_by_item(result.changes or [])
    if result.base is not None:
        label_groups(groups, revision=result.base)
    context.update(
        result=result,
        existing=result.spec,
        api_text=data["api_text"],
        schema_text=data["schema_text"],
        groups=groups,
        warnings=result.warnings[:REPORT_LINES_ON_PAGE],
        more_warnings=max(len(result.warnings) - REPORT_LINES_ON_PAGE, 0),
        errors=result.errors[:REPORT_LINES_ON_PAGE],
        more_errors=max(len(result.errors) - REPORT_LINES_ON_PAGE, 0),
        counts=[(_COUNT_LABELS.get(key, key), n) for key, n in result.counts.items() if n],
        change_counts=Counter(change.kind for change in result.changes or []),
        mode_changed=mode_changed and "confirm" in request.POST,
    )
    return render(
        request, "specs_app/imports/import.html", context, status=200 if result.ok else 400
    )


_COUNT_LABELS = {
    "endpoints": "Endpoints",
    "models": "Models",
    "fields": "Fields",
    "parameters": "Parameters",
    "body_fields": "Body fields",
    "errors": "Error cases",
    "business_rules": "Business rules",
    "test_cases": "Test cases",
    "relationships": "Relationships",
    "indexes": "Indexes",
    "constraints": "Constraints",
    "migration_notes": "Migration notes",
}


def _after_import(request: HttpRequest, result) -> HttpResponse:
    spec = result.spec
    if result.revision.is_published:
        messages.success(request, f"Imported {spec.title} as {result.revision.label}.")
        return redirect("specs_app:spec_detail", ws=spec.workspace.slug, spec=spec.slug)
    cr = result.change_request
    messages.success(
        request,
        f"Imported as change request #{cr.number} on top of {spec.head.label}; "
        "it becomes a revision once it is reviewed and merged.",
    )
    return redirect(
        "specs_app:change_request", ws=spec.workspace.slug, spec=spec.slug, number=cr.number
    )
