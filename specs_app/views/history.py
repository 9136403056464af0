from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from specs_app.access import get_membership_for_user, get_revision_for_user, get_spec_for_user
from specs_app.models import AuditEvent, ChangeRequest, Revision
from specs_app.services.selectors import revision_comparison


@login_required
@require_GET
def spec_history(request: HttpRequest, ws: str, spec: str) -> HttpResponse:
    spec_obj, membership = get_spec_for_user(request.user, ws, spec)
    revisions = (
        Revision.objects.filter(spec=spec_obj, state=Revision.State.PUBLISHED)
        .select_related("author")
        .order_by("-number")
    )
    merged_by_revision = {
        cr.merged_revision_id: cr
        for cr in ChangeRequest.objects.filter(spec=spec_obj, state="merged").select_related(
            "author", "merged_by"
        )
    }
    rows = [(r, merged_by_revision.get(r.pk)) for r in revisions]
    context = {"workspace": spec_obj.workspace, "spec": spec_obj, "rows": rows}
    return render(request, "specs_app/history/history.html", context)


@login_required
@require_GET
def spec_compare(request: HttpRequest, ws: str, spec: str) -> HttpResponse:
    spec_obj, membership = get_spec_for_user(request.user, ws, spec)
    old = get_revision_for_user(spec_obj, request.GET.get("from") or "1")
    new = get_revision_for_user(spec_obj, request.GET.get("to"))
    context = {
        "workspace": spec_obj.workspace,
        "spec": spec_obj,
        "old": old,
        "new": new,
        **revision_comparison(old, new),
        "split": request.GET.get("diff") == "split",
        "compare_query": f"from={old.number}&to={new.number}",
        "revisions": Revision.objects.filter(spec=spec_obj, number__isnull=False).order_by(
            "-number"
        ),
    }
    return render(request, "specs_app/history/compare.html", context)


@login_required
@require_GET
def workspace_activity(request: HttpRequest, ws: str) -> HttpResponse:
    membership = get_membership_for_user(request.user, ws)
    events = (
        AuditEvent.objects.filter(workspace=membership.workspace)
        .select_related("actor", "spec")
        .order_by("-created_at", "-id")[:200]
    )
    context = {"workspace": membership.workspace, "events": events}
    return render(request, "specs_app/history/activity.html", context)
