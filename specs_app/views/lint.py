from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from specs_app.access import get_spec_for_user
from specs_app.forms.lint import LintConfigForm
from specs_app.models import Role, Spec
from specs_app.services.errors import ServiceError
from specs_app.services.lint import RULES, lint_settings_load
from specs_app.services.lint.registry import CATEGORIES
from specs_app.services.lint_settings import lint_settings_save


@login_required
@require_GET
def lint_rules(request: HttpRequest, ws: str, spec: str) -> HttpResponse:
    spec_obj, membership = get_spec_for_user(request.user, ws, spec)
    settings = lint_settings_load(spec_id=spec_obj.pk)
    rules = [(rule, settings.severity_of(rule)) for rule in RULES.values()]
    context = {
        "workspace": spec_obj.workspace,
        "membership": membership,
        "spec": spec_obj,
        "is_head": True,
        "categories": [
            (name, [(rule, configured) for rule, configured in rules if rule.category == name])
            for name in CATEGORIES.values()
        ],
        "settings": settings,
    }
    return render(request, "specs_app/lint/rules.html", context)


def _render_settings(request: HttpRequest, spec: Spec, membership, form, status=200):
    context = {
        "workspace": spec.workspace,
        "membership": membership,
        "spec": spec,
        "is_head": True,
        "form": form,
    }
    return render(request, "specs_app/lint/settings.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def lint_settings(request: HttpRequest, ws: str, spec: str) -> HttpResponse:
    spec_obj, membership = get_spec_for_user(request.user, ws, spec, Role.ADMIN)
    settings = lint_settings_load(spec_id=spec_obj.pk)
    if request.method == "GET":
        return _render_settings(request, spec_obj, membership, LintConfigForm(settings=settings))
    form = LintConfigForm(request.POST, settings=settings)
    if form.is_valid():
        try:
            lint_settings_save(
                spec=spec_obj,
                actor=request.user,
                owner_table=form.cleaned_data["owner_table"],
                external_tables=form.cleaned_data["external_tables"],
                rules=form.rule_settings(),
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Lint settings saved.")
            return redirect("specs_app:lint_settings", ws=ws, spec=spec)
    messages.error(request, "The lint settings were not saved: correct the fields marked below.")
    return _render_settings(request, spec_obj, membership, form, status=400)
