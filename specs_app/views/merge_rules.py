"""A spec's merge rules page: everyone with access reads them, admins change them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from specs_app.access import get_spec_for_user, require_role
from specs_app.forms.merge_rules import MergeRulesForm
from specs_app.interchange.apidiff import COMPATIBILITY_LABELS
from specs_app.models import Role
from specs_app.services.errors import FieldErrors, ServiceError
from specs_app.services.merge_rules import merge_rules_of, merge_rules_save
from specs_app.services.stakes import DESTRUCTIVE_CODES


@login_required
@require_http_methods(["GET", "POST"])
def merge_rules(request: HttpRequest, ws: str, spec: str) -> HttpResponse:
    spec_obj, membership = get_spec_for_user(request.user, ws, spec)
    can_admin = membership.role_enum.at_least(Role.ADMIN)
    status = 200
    if request.method == "POST":
        require_role(request.user, spec_obj.workspace_id, Role.ADMIN)  # 403 below admin
        form = MergeRulesForm(request.POST)
        if form.is_valid():
            try:
                changed = merge_rules_save(spec=spec_obj, actor=request.user, **form.cleaned_data)
            except FieldErrors as exc:
                for name, message in exc.errors.items():
                    form.add_error(name if name in form.fields else None, message)
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                note = "Merge rules saved." if changed else "Nothing changed."
                messages.success(request, note)
                return redirect("specs_app:merge_rules", ws=ws, spec=spec)
        messages.error(request, "The merge rules were not saved: correct the fields marked below.")
        status = 400
    else:
        form = MergeRulesForm(initial=merge_rules_of(spec_obj))
    context = {
        "workspace": spec_obj.workspace,
        "membership": membership,
        "spec": spec_obj,
        "is_head": True,
        "form": form,
        "can_admin": can_admin,
        "compatibility_label": COMPATIBILITY_LABELS[spec_obj.compatibility],
        "destructive_codes": sorted(DESTRUCTIVE_CODES),
    }
    return render(request, "specs_app/settings/merge_rules.html", context, status=status)
