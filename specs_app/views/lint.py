from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from specs_app.access import get_spec_for_user
from specs_app.forms.lint import LintConfigForm, RiskSettingsForm
from specs_app.interchange.apidiff import CHECKS as API_CHECKS
from specs_app.interchange.apidiff import LEVELS as API_LEVELS
from specs_app.interchange.sql.risks import CATEGORIES as RISK_CATEGORIES
from specs_app.interchange.sql.risks import RISK_RULES, risk_level
from specs_app.models import Role, Spec
from specs_app.services.errors import ServiceError
from specs_app.services.lint import RULES
from specs_app.services.lint.registry import CATEGORIES
from specs_app.services.lint_settings import lint_settings_save
from specs_app.services.risk_settings import risk_settings_save, spec_settings_load


@login_required
@require_GET
def lint_rules(request: HttpRequest, ws: str, spec: str) -> HttpResponse:
    spec_obj, membership = get_spec_for_user(request.user, ws, spec)
    settings, risk_settings = spec_settings_load(spec_obj)
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
        "risk_categories": [
            (
                heading,
                [
                    (rule, risk_level(rule.code, risk_settings))
                    for rule in RISK_RULES.values()
                    if rule.category == category
                ],
            )
            for category, heading in RISK_CATEGORIES.items()
        ],
        "api_check_levels": [
            (level, [check for check in API_CHECKS.values() if check.level == level])
            for level in API_LEVELS
        ],
    }
    return render(request, "specs_app/lint/rules.html", context)


def _render_settings(
    request: HttpRequest, spec: Spec, membership, form, risk_form, status=200
) -> HttpResponse:
    context = {
        "risks_saved": status == 200 and request.GET.get("saved") == "risks",
        "workspace": spec.workspace,
        "membership": membership,
        "spec": spec,
        "is_head": True,
        "form": form,
        "risk_form": risk_form,
    }
    return render(request, "specs_app/lint/settings.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def lint_settings(request: HttpRequest, ws: str, spec: str) -> HttpResponse:
    spec_obj, membership = get_spec_for_user(request.user, ws, spec, Role.ADMIN)
    settings, risk_settings = spec_settings_load(spec_obj)
    risk_form = RiskSettingsForm(settings=risk_settings)
    if request.method == "GET":
        form = LintConfigForm(settings=settings)
        return _render_settings(request, spec_obj, membership, form, risk_form)
    form = LintConfigForm(request.POST, settings=settings)
    if form.is_valid():
        try:
            lint_settings_save(
                spec=spec_obj,
                actor=request.user,
                owner_table=form.cleaned_data["owner_table"],
                external_tables=form.cleaned_data["external_tables"],
                rules=form.rule_settings(),
                changed_only=form.changed_only(),
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Lint settings saved.")
            return redirect("specs_app:lint_settings", ws=ws, spec=spec)
    messages.error(request, "The lint settings were not saved: correct the fields marked below.")
    return _render_settings(request, spec_obj, membership, form, risk_form, status=400)


@login_required
@require_POST
def risk_settings(request: HttpRequest, ws: str, spec: str) -> HttpResponse:
    """The "Migration risks" section of the lint settings page posts here."""
    spec_obj, membership = get_spec_for_user(request.user, ws, spec, Role.ADMIN)
    settings, stored = spec_settings_load(spec_obj)
    risk_form = RiskSettingsForm(request.POST, settings=stored)
    if risk_form.is_valid():
        try:
            chosen = risk_form.risk_settings()
            risk_settings_save(spec=spec_obj, actor=request.user, settings=chosen)
        except ServiceError as exc:
            risk_form.add_error(None, str(exc))
        else:
            # Back to the section, which says it saved (a message at the top of the page would
            # be out of sight).
            url = reverse("specs_app:lint_settings", args=[ws, spec])
            return redirect(f"{url}?saved=risks#risks")
    messages.error(
        request, "The migration risk settings were not saved: correct the settings marked below."
    )
    form = LintConfigForm(settings=settings)
    return _render_settings(request, spec_obj, membership, form, risk_form, status=400)
